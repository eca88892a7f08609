#![no_main]
// A directory entry's attribute values come from the council's directory (LDAP or Graph), and
// a group mapping from the command line: both are read as they are, whatever they hold.
use std::collections::{BTreeMap, BTreeSet};
use steward_domain::directory::RawEntry;
use steward_domain::directory::settings::{
    Attributes, DirectorySettings, GroupMapping, SourceSettings,
};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{1f}');
    let mapping = parts.next().unwrap_or_default();
    let groups: Vec<GroupMapping> = mapping.parse().into_iter().collect();
    let mut attributes = BTreeMap::new();
    for name in ["entryuuid", "employeenumber", "displayname", "mail", "kind"] {
        if let Some(value) = parts.next() {
            attributes.insert(name.to_string(), vec![value.to_string()]);
        }
    }
    let member_of: BTreeSet<String> = parts.map(str::to_string).collect();
    let settings = DirectorySettings {
        source: SourceSettings::Ldap {
            url: "ldap://127.0.0.1".into(),
            base_dn: "dc=x".into(),
            bind_dn: None,
            password: None,
            filter: "(objectClass=person)".into(),
        },
        attributes: Attributes {
            kind: Some("kind".into()),
            ..Attributes::ldap_defaults()
        },
        default_kind: None,
        groups,
        scheduled: false,
    };
    let raw = RawEntry {
        locator: "uid=fuzz".into(),
        attributes,
        groups: member_of,
    };
    let _ = settings.map(&raw);
});

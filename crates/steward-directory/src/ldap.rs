//! LDAP: one paged subtree search for people, then each mapped group's members.

use super::{ENTRIES_MAX, SourceError, read_secret};
use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
use ldap3::{LdapConnAsync, LdapConnSettings, Scope, SearchEntry};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use steward_domain::directory::RawEntry;
use steward_domain::directory::settings::{DirectorySettings, SourceSettings};

/// Entries asked for in one page.
const PAGE: i32 = 500;

pub(crate) async fn read(settings: &DirectorySettings) -> Result<Vec<RawEntry>, SourceError> {
    let SourceSettings::Ldap {
        url,
        base_dn,
        bind_dn,
        password,
        filter,
    } = &settings.source
    else {
        return Ok(Vec::new());
    };
    let fail = |why: String| SourceError::Ldap {
        url: url.clone(),
        why,
    };
    let password = password.as_ref().map(read_secret).transpose()?;
    let conn = LdapConnSettings::new().set_conn_timeout(Duration::from_secs(30));
    let (driver, mut ldap) = LdapConnAsync::with_settings(conn, url)
        .await
        .map_err(|e| fail(format!("could not connect: {e}")))?;
    ldap3::drive!(driver);
    if let Some(dn) = bind_dn {
        ldap.simple_bind(dn, password.as_deref().unwrap_or_default())
            .await
            .and_then(|r| r.success())
            .map_err(|e| fail(format!("could not sign in as {dn}: {e}")))?;
    }

    let a = &settings.attributes;
    let mut wanted: Vec<String> = vec![
        a.external_id.clone(),
        a.reference.clone(),
        a.name.clone(),
        a.email.clone(),
        "memberOf".into(),
    ];
    wanted.extend(a.kind.clone());
    let adapters: Vec<Box<dyn Adapter<_, _>>> = vec![
        Box::new(EntriesOnly::new()),
        Box::new(PagedResults::new(PAGE)),
    ];
    let mut search = ldap
        .streaming_search_with(adapters, base_dn, Scope::Subtree, filter, wanted)
        .await
        .map_err(|e| fail(format!("the search failed: {e}")))?;
    let mut entries: Vec<RawEntry> = Vec::new();
    let mut member_of: Vec<BTreeSet<String>> = Vec::new();
    while let Some(found) = search
        .next()
        .await
        .map_err(|e| fail(format!("the search stopped: {e}")))?
    {
        if entries.len() >= ENTRIES_MAX {
            return Err(SourceError::TooMany);
        }
        let found = SearchEntry::construct(found);
        let mut attributes: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, values) in found.attrs {
            attributes.insert(name.to_ascii_lowercase(), values);
        }
        // Active Directory's objectGUID is binary: kept as hexadecimal.
        for (name, values) in found.bin_attrs {
            attributes.insert(
                name.to_ascii_lowercase(),
                values.iter().map(hex::encode).collect(),
            );
        }
        member_of.push(
            attributes
                .remove("memberof")
                .unwrap_or_default()
                .iter()
                .map(|g| normal_dn(g))
                .collect(),
        );
        entries.push(RawEntry {
            locator: found.dn,
            attributes,
            groups: BTreeSet::new(),
        });
    }
    search
        .finish()
        .await
        .success()
        .map_err(|e| fail(format!("the search failed: {e}")))?;

    // Each mapped group's members, from the group itself (groupOfNames, AD groups) and from
    // the people's memberOf where the server keeps it.
    for mapping in &settings.groups {
        let (found, _) = ldap
            .search(
                &mapping.group,
                Scope::Base,
                "(objectClass=*)",
                vec!["member", "uniqueMember"],
            )
            .await
            .and_then(|r| r.success())
            .map_err(|e| fail(format!("could not read the group {}: {e}", mapping.group)))?;
        let mut members: BTreeSet<String> = BTreeSet::new();
        for group in found {
            let group = SearchEntry::construct(group);
            for values in group.attrs.into_values() {
                members.extend(values.iter().map(|m| normal_dn(m)));
            }
        }
        let group = normal_dn(&mapping.group);
        for (entry, of) in entries.iter_mut().zip(&member_of) {
            if members.contains(&normal_dn(&entry.locator)) || of.contains(&group) {
                entry.groups.insert(mapping.group.clone());
            }
        }
    }
    let _ = ldap.unbind().await;
    Ok(entries)
}

/// A DN compared without regard to case or spaces after its commas.
fn normal_dn(dn: &str) -> String {
    dn.split(',')
        .map(|part| part.trim().to_lowercase())
        .collect::<Vec<_>>()
        .join(",")
}

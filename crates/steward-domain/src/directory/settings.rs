//! What a council tells Steward about its directory: where to read it, which attributes carry
//! what, and which groups make which kinds of person and offices. Secrets are never part of
//! the settings: only where to find them (a file or an environment variable) is stored.

use crate::error::{DomainError, DomainResult};
use crate::text;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use steward_policy::{OfficeId, PersonKind};

/// Longest value of any one setting (a URL, a DN, an attribute name).
pub const SETTING_MAX: usize = 1024;
/// Most group mappings a council may set.
pub const GROUPS_MAX: usize = 500;

/// Where a password or client secret is read from when a sync runs. Its value is never stored
/// or printed; only this pointer to it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "from", content = "name")]
pub enum SecretFrom {
    /// A file holding the secret (its first line).
    File(String),
    /// An environment variable of the process running the sync.
    Env(String),
}

impl FromStr for SecretFrom {
    type Err = DomainError;
    /// `file:/path` or `env:NAME`.
    fn from_str(s: &str) -> DomainResult<Self> {
        let bad = || {
            DomainError::invalid(
                "secret",
                "say where the secret is: file:/path/to/file or env:VARIABLE_NAME",
            )
        };
        let (how, what) = s.split_once(':').ok_or_else(bad)?;
        let what = what.trim();
        if what.is_empty() || what.len() > SETTING_MAX {
            return Err(bad());
        }
        text::check_one_line("secret", what)?;
        match how.trim() {
            "file" => Ok(SecretFrom::File(what.to_string())),
            "env" if what.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => {
                Ok(SecretFrom::Env(what.to_string()))
            }
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for SecretFrom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretFrom::File(path) => write!(f, "the file {path}"),
            SecretFrom::Env(name) => write!(f, "the environment variable {name}"),
        }
    }
}

/// Where the directory is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SourceSettings {
    /// An LDAP server: on-premises Active Directory or OpenLDAP.
    Ldap {
        /// `ldap://host:389` or `ldaps://host:636`.
        url: String,
        /// Where people are searched for, subtree.
        base_dn: String,
        /// The account Steward binds as; none binds anonymously.
        bind_dn: Option<String>,
        password: Option<SecretFrom>,
        /// The search filter that finds people.
        filter: String,
    },
    /// Microsoft Graph, for Entra ID.
    Graph {
        /// `https://graph.microsoft.com/v1.0` unless a national cloud or a test says otherwise.
        base_url: String,
        /// Where the client-credentials token is asked for,
        /// `https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`.
        token_url: String,
        client_id: String,
        client_secret: SecretFrom,
    },
    /// The directory pushes its changes to Steward's SCIM endpoint (`/scim/v2`), as Entra ID's
    /// provisioning service does: there is nothing to read.
    Scim,
}

/// Which attribute (LDAP) or property (Graph) holds each fact about a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Attributes {
    /// The directory's own lasting id for the entry: `entryUUID`, `objectGUID` or Graph's `id`.
    pub external_id: String,
    pub reference: String,
    pub name: String,
    pub email: String,
    /// An attribute whose value is a kind of person; none leaves the kind to the groups.
    pub kind: Option<String>,
}

impl Attributes {
    pub fn ldap_defaults() -> Self {
        Attributes {
            external_id: "entryUUID".into(),
            reference: "employeeNumber".into(),
            name: "displayName".into(),
            email: "mail".into(),
            kind: None,
        }
    }

    pub fn graph_defaults() -> Self {
        Attributes {
            external_id: "id".into(),
            reference: "employeeId".into(),
            name: "displayName".into(),
            email: "mail".into(),
            kind: None,
        }
    }

    /// SCIM's attribute names for what Entra ID's provisioning sends by default: the object id
    /// as `externalId`, the employee id as the enterprise extension's `employeeNumber`.
    pub fn scim_defaults() -> Self {
        Attributes {
            external_id: "externalId".into(),
            reference: "employeeNumber".into(),
            name: "displayName".into(),
            email: "emails".into(),
            kind: None,
        }
    }
}

/// Members of a directory group are of this kind, or hold this office, or both.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GroupMapping {
    /// The group's DN (LDAP) or object id (Graph).
    pub group: String,
    pub kind: Option<PersonKind>,
    pub office: Option<OfficeId>,
}

impl FromStr for GroupMapping {
    type Err = DomainError;
    /// `GROUP=kind`, `GROUP=office:ID` or `GROUP=kind,office:ID`, split at the last `=`
    /// (a DN holds `=` of its own).
    fn from_str(s: &str) -> DomainResult<Self> {
        let bad = |why: String| DomainError::invalid("group", why);
        let (group, what) = s.rsplit_once('=').ok_or_else(|| {
            bad(format!(
                "'{s}' maps no group: write GROUP=KIND, GROUP=office:OFFICE or GROUP=KIND,office:OFFICE"
            ))
        })?;
        let group = group.trim();
        if group.is_empty() || group.len() > SETTING_MAX {
            return Err(bad("name the group before '='".into()));
        }
        text::check_one_line("group", group)?;
        let mut mapping = GroupMapping {
            group: group.to_string(),
            kind: None,
            office: None,
        };
        for part in what.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if let Some(office) = part.strip_prefix("office:") {
                let office = office.trim();
                if !OfficeId::is_well_formed(office) {
                    return Err(bad(format!(
                        "'{office}' is not an office: use the office's id from the policy"
                    )));
                }
                mapping.office = Some(OfficeId(office.to_string()));
            } else {
                mapping.kind = Some(
                    part.parse()
                        .map_err(|e: steward_policy::vocab::UnknownWord| bad(e.to_string()))?,
                );
            }
        }
        if mapping.kind.is_none() && mapping.office.is_none() {
            return Err(bad(format!(
                "'{s}' gives the group neither a kind nor an office"
            )));
        }
        Ok(mapping)
    }
}

impl fmt::Display for GroupMapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(kind) = self.kind {
            parts.push(kind.as_str().replace('_', " "));
        }
        if let Some(office) = &self.office {
            parts.push(format!("office {office}"));
        }
        write!(f, "{}: {}", self.group, parts.join(", "))
    }
}

/// A council's directory settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DirectorySettings {
    pub source: SourceSettings,
    pub attributes: Attributes,
    /// The kind of anyone whose attribute and groups give none; none leaves them out.
    pub default_kind: Option<PersonKind>,
    /// With any mapping, only members of a mapped group are in the register's scope.
    pub groups: Vec<GroupMapping>,
    /// Whether `steward serve` applies a sync once a day.
    pub scheduled: bool,
}

impl DirectorySettings {
    /// Checks every value's length and text, so that what is stored is what a sync can use.
    pub fn check(&self) -> DomainResult<()> {
        let mut values: Vec<(&str, &str)> = vec![
            ("external_id", self.attributes.external_id.as_str()),
            ("reference", self.attributes.reference.as_str()),
            ("name", self.attributes.name.as_str()),
            ("email", self.attributes.email.as_str()),
        ];
        if let Some(kind) = &self.attributes.kind {
            values.push(("kind", kind));
        }
        match &self.source {
            SourceSettings::Ldap {
                url,
                base_dn,
                bind_dn,
                filter,
                password,
            } => {
                if !(url.starts_with("ldap://") || url.starts_with("ldaps://")) {
                    return Err(DomainError::invalid(
                        "url",
                        "an LDAP address starts ldap:// or ldaps://",
                    ));
                }
                values.extend([
                    ("url", url.as_str()),
                    ("base_dn", base_dn.as_str()),
                    ("filter", filter.as_str()),
                ]);
                if let Some(bind) = bind_dn {
                    values.push(("bind_dn", bind));
                    if password.is_none() {
                        return Err(DomainError::invalid(
                            "password",
                            "binding as an account needs its password: give --password-file or --password-env",
                        ));
                    }
                }
            }
            SourceSettings::Graph {
                base_url,
                token_url,
                client_id,
                ..
            } => {
                for (field, url) in [("base_url", base_url), ("token_url", token_url)] {
                    if !(url.starts_with("https://") || url.starts_with("http://")) {
                        return Err(DomainError::invalid(
                            field,
                            "give an address starting https://",
                        ));
                    }
                }
                values.extend([
                    ("base_url", base_url.as_str()),
                    ("token_url", token_url.as_str()),
                    ("client_id", client_id.as_str()),
                ]);
            }
            SourceSettings::Scim => {
                if self.scheduled {
                    return Err(DomainError::invalid(
                        "daily",
                        "a directory that provisions by SCIM sends its own changes: there is no daily sync to run",
                    ));
                }
            }
        }
        for (field, value) in values {
            if value.trim().is_empty() || value.len() > SETTING_MAX {
                return Err(DomainError::invalid(
                    field,
                    format!("give 1 to {SETTING_MAX} characters"),
                ));
            }
            text::check_one_line(field, value)?;
        }
        if self.groups.len() > GROUPS_MAX {
            return Err(DomainError::invalid(
                "group",
                format!("map at most {GROUPS_MAX} groups"),
            ));
        }
        Ok(())
    }
}

impl DirectorySettings {
    /// The settings in words, a label and its value a line, never a secret.
    pub fn summary(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        match &self.source {
            SourceSettings::Ldap {
                url,
                base_dn,
                bind_dn,
                password,
                filter,
            } => {
                out.push(("Source", format!("LDAP at {url}")));
                out.push(("Searched under", format!("{base_dn}, for {filter}")));
                out.push((
                    "Signs in as",
                    match (bind_dn, password) {
                        (Some(dn), Some(p)) => format!("{dn}, with the password from {p}"),
                        _ => "Nobody (anonymous search)".into(),
                    },
                ));
            }
            SourceSettings::Graph {
                base_url,
                token_url,
                client_id,
                client_secret,
            } => {
                out.push(("Source", format!("Microsoft Graph at {base_url}")));
                out.push(("Token from", token_url.clone()));
                out.push((
                    "Application",
                    format!("{client_id}, with the secret from {client_secret}"),
                ));
            }
            SourceSettings::Scim => {
                out.push((
                    "Source",
                    "Pushed to Steward by SCIM provisioning, at /scim/v2".into(),
                ));
            }
        }
        let a = &self.attributes;
        out.push(("Lasting id", a.external_id.clone()));
        out.push(("Reference", a.reference.clone()));
        out.push(("Name", a.name.clone()));
        out.push(("Email", a.email.clone()));
        let words = |k: PersonKind| k.as_str().replace('_', " ");
        out.push((
            "Kind",
            match (&a.kind, self.default_kind) {
                (Some(k), Some(d)) => format!("{k}, else {}", words(d)),
                (Some(k), None) => k.clone(),
                (None, Some(d)) => format!("From groups, else {}", words(d)),
                (None, None) => "From groups".into(),
            },
        ));
        if self.groups.is_empty() {
            out.push(("Groups", "None mapped: everyone found is synced".into()));
        }
        for g in &self.groups {
            out.push(("Group", g.to_string()));
        }
        out.push((
            "Daily sync",
            if self.scheduled {
                "Yes, while the server runs".into()
            } else {
                "No".into()
            },
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_mappings_read_kind_and_office() {
        let m: GroupMapping = "cn=Members,ou=groups,dc=x=councillor,office:leader"
            .parse()
            .unwrap();
        assert_eq!(m.group, "cn=Members,ou=groups,dc=x");
        assert_eq!(m.kind, Some(PersonKind::Councillor));
        assert_eq!(m.office, Some(OfficeId("leader".into())));
        assert!("cn=Staff=".parse::<GroupMapping>().is_err());
        assert!("nothing".parse::<GroupMapping>().is_err());
        assert!("g=wizard".parse::<GroupMapping>().is_err());
    }

    #[test]
    fn secrets_are_pointers() {
        assert_eq!(
            "env:LDAP_PW".parse::<SecretFrom>().unwrap(),
            SecretFrom::Env("LDAP_PW".into())
        );
        assert_eq!(
            "file:/run/secrets/ldap".parse::<SecretFrom>().unwrap(),
            SecretFrom::File("/run/secrets/ldap".into())
        );
        assert!("hunter2".parse::<SecretFrom>().is_err());
        assert!("env:A B".parse::<SecretFrom>().is_err());
    }
}

//! The answers given on the setup pages, each checked as it is given, kept as JSON with the
//! setup address until setup completes.

use super::incomplete;
use crate::auth::{Password, Username, hash_password};
use crate::error::{DomainError, DomainResult};
use crate::ids::CouncilSlug;
use serde::{Deserialize, Serialize};
use steward_policy::presets;
use steward_policy::{CheckError, LoadedPack};

/// A problem with one answer: the field's id and what to do about it.
pub type Problems = Vec<(&'static str, String)>;

#[derive(Clone, Debug, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Draft {
    /// The id of the preset chosen.
    pub preset: Option<String>,
    pub council: Option<CouncilDraft>,
    pub admin: Option<AdminDraft>,
    pub mail: Option<MailChoice>,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CouncilDraft {
    pub name: String,
    pub slug: CouncilSlug,
}

/// The first administrator. The password is kept only as its argon2id hash.
#[derive(Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AdminDraft {
    pub username: Username,
    pub name: String,
    pub email: String,
    pub password_hash: String,
}

impl std::fmt::Debug for AdminDraft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminDraft")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// Whether notices go out by mail yet.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "choice")]
pub enum MailChoice {
    /// Chosen later, with `steward serve --smtp`.
    Later,
    Server(MailServer),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailSecurity {
    /// No encryption: for a relay on the same machine.
    Plain,
    StartTls,
    Tls,
}

impl MailSecurity {
    pub fn as_str(self) -> &'static str {
        match self {
            MailSecurity::Plain => "plain",
            MailSecurity::StartTls => "starttls",
            MailSecurity::Tls => "tls",
        }
    }

    pub fn parse(text: &str) -> Option<MailSecurity> {
        match text {
            "plain" => Some(MailSecurity::Plain),
            "starttls" => Some(MailSecurity::StartTls),
            "tls" => Some(MailSecurity::Tls),
            _ => None,
        }
    }

    /// The scheme of the `--smtp` address that means the same.
    pub fn scheme(self) -> &'static str {
        match self {
            MailSecurity::Plain => "smtp",
            MailSecurity::StartTls => "smtp+starttls",
            MailSecurity::Tls => "smtps",
        }
    }

    /// The usual port for this kind of connection.
    pub fn default_port(self) -> u16 {
        match self {
            MailSecurity::Plain => 25,
            MailSecurity::StartTls => 587,
            MailSecurity::Tls => 465,
        }
    }
}

/// Where the council's notices are sent through, and who they come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MailServer {
    pub security: MailSecurity,
    pub host: String,
    pub port: u16,
    pub mail_from: String,
}

impl MailServer {
    /// The server as `steward serve --smtp` takes it.
    pub fn url(&self) -> String {
        if self.host.contains(':') {
            format!("{}://[{}]:{}", self.security.scheme(), self.host, self.port)
        } else {
            format!("{}://{}:{}", self.security.scheme(), self.host, self.port)
        }
    }

    /// Checks the answers on the mail page; the port defaults to the security's usual one.
    pub fn new(security: &str, host: &str, port: &str, from: &str) -> Result<MailServer, Problems> {
        let mut problems = Problems::new();
        let security = MailSecurity::parse(security);
        if security.is_none() {
            problems.push(("security", "Choose how the connection is protected".into()));
        }
        let host = host.trim();
        if host.is_empty() {
            problems.push(("host", "Enter the mail server's name or address".into()));
        } else if host.len() > 253 || host.contains(char::is_whitespace) || host.contains('/') {
            problems.push((
                "host",
                "Enter the mail server's name or address without spaces, slashes or a scheme, \
                 like mail.example.gov.uk"
                    .into(),
            ));
        }
        let port = match (port.trim(), security) {
            ("", Some(s)) => Some(s.default_port()),
            ("", None) => None,
            (p, _) => match p.parse::<u16>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    problems.push(("port", "Enter the port as a number from 1 to 65535".into()));
                    None
                }
            },
        };
        let from = from.trim();
        if let Some(message) = email_problem(from, "the address notices come from") {
            problems.push(("mail_from", message));
        }
        match (security, port) {
            (Some(security), Some(port)) if problems.is_empty() => Ok(MailServer {
                security,
                host: host.to_string(),
                port,
                mail_from: from.to_string(),
            }),
            _ => Err(problems),
        }
    }
}

/// Why `text` is not an email address, in a sentence naming `what`; None when it is one.
pub fn email_problem(text: &str, what: &str) -> Option<String> {
    if text.is_empty() {
        return Some(format!("Enter {what}"));
    }
    let fine = text.len() <= 254
        && !text.contains(char::is_whitespace)
        && text.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    (!fine).then(|| format!("Enter {what} as an email address, like it@example.gov.uk"))
}

/// A message as a sentence: a capital first letter and a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// A short name for the council's web addresses made from its name: "Dunmere Town Council"
/// becomes "dunmere-town-council".
pub fn slug_from(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out: String = out.trim_end_matches('-').chars().take(40).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

impl CouncilDraft {
    /// Checks the council's name and short name; an empty short name is made from the name.
    pub fn new(name: &str, slug: &str) -> Result<CouncilDraft, Problems> {
        let mut problems = Problems::new();
        let name = name.trim();
        if name.is_empty() {
            problems.push(("name", "Enter the council's name".into()));
        } else if name.chars().count() > 200 {
            problems.push((
                "name",
                "Enter the council's name in 200 characters or fewer".into(),
            ));
        }
        let slug = match slug.trim() {
            "" => slug_from(name),
            given => given.to_string(),
        };
        let parsed = slug.parse::<CouncilSlug>();
        if parsed.is_err() && !name.is_empty() {
            problems.push((
                "slug",
                "Enter a short name of 1 to 40 lower-case letters, digits and hyphens".into(),
            ));
        }
        match parsed {
            Ok(slug) if problems.is_empty() => Ok(CouncilDraft {
                name: name.to_string(),
                slug,
            }),
            _ => Err(problems),
        }
    }
}

impl AdminDraft {
    /// Checks the administrator's answers by the password rules every account follows, and
    /// hashes the password with argon2id.
    pub fn new(
        username: &str,
        name: &str,
        email: &str,
        password: &str,
        confirm: &str,
    ) -> DomainResult<Result<AdminDraft, Problems>> {
        let mut problems = Problems::new();
        let parsed = match username.trim() {
            "" => {
                problems.push(("username", "Enter a username".into()));
                None
            }
            given => match given.parse::<Username>() {
                Ok(u) => Some(u),
                Err(e) => {
                    problems.push(("username", sentence(&e.to_string())));
                    None
                }
            },
        };
        let name = name.trim();
        if name.is_empty() {
            problems.push(("full_name", "Enter your full name".into()));
        } else if name.chars().count() > 200 {
            problems.push((
                "full_name",
                "Enter your name in 200 characters or fewer".into(),
            ));
        }
        let email = email.trim();
        if let Some(message) = email_problem(email, "your email address") {
            problems.push(("email", message));
        }
        let mut checked = None;
        if password.is_empty() {
            problems.push(("password", "Enter a password".into()));
        } else if let Some(user) = &parsed {
            match Password::new(password, user) {
                Ok(p) if password == confirm => checked = Some(p),
                Ok(_) => {
                    problems.push(("confirm_password", "Enter the same password twice".into()))
                }
                Err(DomainError::Invalid { message, .. }) => {
                    problems.push(("password", sentence(&message)));
                }
                Err(e) => return Err(e),
            }
        }
        match (parsed, checked) {
            (Some(username), Some(password)) if problems.is_empty() => Ok(Ok(AdminDraft {
                username,
                name: name.to_string(),
                email: email.to_string(),
                password_hash: hash_password(&password)?.as_phc().to_string(),
            })),
            _ => Ok(Err(problems)),
        }
    }
}

/// A draft with every answer given.
pub(crate) struct Ready<'a> {
    pub preset: &'a str,
    pub council: &'a CouncilDraft,
    pub admin: &'a AdminDraft,
    pub mail: &'a MailChoice,
}

impl Ready<'_> {
    pub fn preset_pack(&self) -> DomainResult<LoadedPack> {
        let preset = presets::find(self.preset)
            .ok_or_else(|| incomplete("preset", "choose one of the presets"))?;
        presets::load(preset).map_err(|e: CheckError| {
            DomainError::invalid("preset", format!("the preset does not load: {e}"))
        })
    }
}

impl Draft {
    pub(crate) fn read(text: &str) -> DomainResult<Draft> {
        serde_json::from_str(text).map_err(|_| {
            DomainError::Repo(crate::repo::RepoError::Corrupt(
                "setup_tokens.draft does not hold the setup answers".into(),
            ))
        })
    }

    pub(crate) fn write(&self) -> DomainResult<String> {
        serde_json::to_string(self)
            .map_err(|e| DomainError::Repo(crate::repo::RepoError::Backend(e.to_string())))
    }

    /// Chooses a preset by its id.
    pub fn choose_preset(&mut self, id: &str) -> Result<(), Problems> {
        match presets::find(id) {
            Some(p) => {
                self.preset = Some(p.id.to_string());
                Ok(())
            }
            None => Err(vec![(
                "preset",
                "Choose the preset that fits your council's document".into(),
            )]),
        }
    }

    /// The first page still to answer, by its address's last part; None when all are.
    pub fn next_step(&self) -> Option<&'static str> {
        if self.preset.is_none() {
            Some("preset")
        } else if self.council.is_none() {
            Some("council")
        } else if self.admin.is_none() {
            Some("administrator")
        } else if self.mail.is_none() {
            Some("mail")
        } else {
            None
        }
    }

    pub(crate) fn ready(&self) -> DomainResult<Ready<'_>> {
        match (&self.preset, &self.council, &self.admin, &self.mail) {
            (Some(preset), Some(council), Some(admin), Some(mail)) => Ok(Ready {
                preset,
                council,
                admin,
                mail,
            }),
            _ => Err(incomplete(
                "setup",
                "answer every setup question before creating the council",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_come_from_names() {
        assert_eq!(slug_from("Dunmere Town Council"), "dunmere-town-council");
        assert_eq!(slug_from("  St. Ives (Cornwall)  "), "st-ives-cornwall");
        assert_eq!(slug_from("Ŵ"), "");
        assert!(slug_from(&"a b ".repeat(40)).len() <= 40);
        assert!(!slug_from(&"ab ".repeat(20)).ends_with('-'));
    }

    #[test]
    fn answers_are_checked_field_by_field() {
        let c = CouncilDraft::new("Dunmere Town Council", "").unwrap();
        assert_eq!(c.slug.as_str(), "dunmere-town-council");
        let e = CouncilDraft::new("Dunmere", "Not A Slug").unwrap_err();
        assert_eq!(e[0].0, "slug");
        assert_eq!(CouncilDraft::new("", "").unwrap_err()[0].0, "name");

        let m = MailServer::new("starttls", "mail.example.org", "", "it@example.org").unwrap();
        assert_eq!(m.url(), "smtp+starttls://mail.example.org:587");
        let e = MailServer::new("", "", "x", "nobody").unwrap_err();
        let fields: Vec<_> = e.iter().map(|p| p.0).collect();
        assert_eq!(fields, ["security", "host", "port", "mail_from"]);

        let bad = AdminDraft::new("Clerk!", "", "clerk", "short", "short")
            .unwrap()
            .unwrap_err();
        let fields: Vec<_> = bad.iter().map(|p| p.0).collect();
        assert_eq!(fields, ["username", "full_name", "email"]);
        let weak = AdminDraft::new("clerk", "Dot Clerk", "dot@example.org", "short", "short")
            .unwrap()
            .unwrap_err();
        assert_eq!(weak[0].0, "password");
        let twice = AdminDraft::new(
            "clerk",
            "Dot Clerk",
            "dot@example.org",
            "plum tuesday lantern 47",
            "plum tuesday lantern 48",
        )
        .unwrap()
        .unwrap_err();
        assert_eq!(twice[0].0, "confirm_password");
    }
}

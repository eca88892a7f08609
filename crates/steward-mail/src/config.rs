//! Where mail goes and who it is from. The address never holds a password: credentials come
//! from `STEWARD_SMTP_USER` with `STEWARD_SMTP_PASSWORD` or `STEWARD_SMTP_PASSWORD_FILE`, and
//! nothing here prints them.

use crate::error::MailError;
use lettre::message::Mailbox;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// How the connection to the mail server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// `smtp://`: none. Meant for a relay on the same machine, and for tests.
    Plain,
    /// `smtp+starttls://`: plain at first, then upgraded; refused if the server cannot.
    StartTls,
    /// `smtps://`: TLS from the first byte.
    Tls,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpServer {
    pub security: Security,
    pub host: String,
    pub port: u16,
}

impl SmtpServer {
    fn is_loopback(&self) -> bool {
        self.host == "localhost" || self.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }
}

impl fmt::Display for SmtpServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.security {
            Security::Plain => "smtp",
            Security::StartTls => "smtp+starttls",
            Security::Tls => "smtps",
        };
        if self.host.contains(':') {
            write!(f, "{scheme}://[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{scheme}://{}:{}", self.host, self.port)
        }
    }
}

const URL_HELP: &str = "write the mail server as smtp://HOST:PORT (no encryption, for a relay on \
                        this machine), smtp+starttls://HOST:PORT or smtps://HOST:PORT";

impl FromStr for SmtpServer {
    type Err = MailError;

    fn from_str(text: &str) -> Result<Self, MailError> {
        let bad = |why: &str| MailError::Config(format!("--smtp: {why}; {URL_HELP}"));
        let text = text.trim();
        let (scheme, rest) = text
            .split_once("://")
            .ok_or_else(|| bad("the address has no scheme"))?;
        let (security, default_port) = match scheme.to_ascii_lowercase().as_str() {
            "smtp" => (Security::Plain, 25),
            "smtp+starttls" => (Security::StartTls, 587),
            "smtps" => (Security::Tls, 465),
            _ => return Err(bad("the scheme is not one Steward knows")),
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains('@') {
            return Err(MailError::Config(
                "--smtp: the address must not hold a user name or password; set \
                 STEWARD_SMTP_USER and STEWARD_SMTP_PASSWORD (or STEWARD_SMTP_PASSWORD_FILE) \
                 instead"
                    .into(),
            ));
        }
        if authority.contains(['/', '?', '#']) {
            return Err(bad("the address has a path or query"));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (host, after) = v6
                .split_once(']')
                .ok_or_else(|| bad("an IPv6 address is missing its ']'"))?;
            (host, after.strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            }
        };
        if host.is_empty() {
            return Err(bad("the address has no host"));
        }
        let port = match port {
            None => default_port,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| bad("the port is not a number from 1 to 65535"))?,
        };
        Ok(SmtpServer {
            security,
            host: host.to_string(),
            port,
        })
    }
}

/// A user name and password for the mail server. Neither is ever shown.
#[derive(Clone)]
pub struct Login {
    pub(crate) user: String,
    pub(crate) password: String,
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Login(hidden)")
    }
}

impl Login {
    /// Reads the credentials through `var` (the process environment, or a test's map). None
    /// when no user is set.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Option<Login>, MailError> {
        let given = |name: &str| var(name).filter(|v| !v.is_empty());
        let user = given("STEWARD_SMTP_USER");
        let password = match (
            given("STEWARD_SMTP_PASSWORD"),
            given("STEWARD_SMTP_PASSWORD_FILE"),
        ) {
            (Some(_), Some(_)) => {
                return Err(MailError::Config(
                    "set STEWARD_SMTP_PASSWORD or STEWARD_SMTP_PASSWORD_FILE, not both".into(),
                ));
            }
            (Some(p), None) => Some(p),
            (None, Some(path)) => Some(password_file(&path)?),
            (None, None) => None,
        };
        match (user, password) {
            (None, None) => Ok(None),
            (Some(user), Some(password)) => Ok(Some(Login { user, password })),
            (Some(_), None) => Err(MailError::Config(
                "STEWARD_SMTP_USER is set without a password; set STEWARD_SMTP_PASSWORD or \
                 STEWARD_SMTP_PASSWORD_FILE"
                    .into(),
            )),
            (None, Some(_)) => Err(MailError::Config(
                "a mail server password is set without STEWARD_SMTP_USER".into(),
            )),
        }
    }
}

/// Everything the sender needs to know about mail.
#[derive(Clone, Debug)]
pub struct MailConfig {
    pub server: SmtpServer,
    pub from: Mailbox,
    pub login: Option<Login>,
}

/// The largest password file read: a password is one short line.
pub const PASSWORD_FILE_MAX: u64 = 4 * 1024;

/// The password in `path`, without its line ending; a file larger than a password can be
/// is refused unread.
fn password_file(path: &str) -> Result<String, MailError> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| {
        MailError::Config(format!(
            "STEWARD_SMTP_PASSWORD_FILE: could not read {path}: {}",
            e.kind()
        ))
    };
    let mut text = String::new();
    std::fs::File::open(path)
        .map_err(unreadable)?
        .take(PASSWORD_FILE_MAX + 1)
        .read_to_string(&mut text)
        .map_err(unreadable)?;
    if text.len() as u64 > PASSWORD_FILE_MAX {
        return Err(MailError::Config(format!(
            "STEWARD_SMTP_PASSWORD_FILE: {path} is larger than 4 KiB, more than a password"
        )));
    }
    Ok(text.trim_end_matches(['\r', '\n']).to_string())
}

impl MailConfig {
    pub fn new(smtp: &str, from: &str, login: Option<Login>) -> Result<MailConfig, MailError> {
        let server: SmtpServer = smtp.parse()?;
        let from: Mailbox = from.trim().parse().map_err(|_| {
            MailError::Config(format!(
                "--mail-from: '{}' is not an email address; write it as \
                 it@council.example.gov.uk or \"ICT Team <it@council.example.gov.uk>\"",
                from.trim()
            ))
        })?;
        if login.is_some() && server.security == Security::Plain && !server.is_loopback() {
            return Err(MailError::Config(format!(
                "refusing to send the mail server password unencrypted to {}; use \
                 smtp+starttls:// or smtps://",
                server.host
            )));
        }
        Ok(MailConfig {
            server,
            from,
            login,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(text: &str) -> Result<SmtpServer, String> {
        text.parse::<SmtpServer>().map_err(|e| e.to_string())
    }

    #[test]
    fn addresses_name_their_security_and_port() {
        let s = server("smtp://127.0.0.1:2525").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (s.security, s.host.as_str(), s.port),
            (Security::Plain, "127.0.0.1", 2525)
        );
        let s = server("smtp+starttls://mail.example.org").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((s.security, s.port), (Security::StartTls, 587));
        let s = server("SMTPS://mail.example.org/").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((s.security, s.port), (Security::Tls, 465));
        let s = server("smtp://[::1]:25").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.host, "::1");
        assert!(s.is_loopback());
        assert_eq!(s.to_string(), "smtp://[::1]:25");
        for bad in [
            "mail.example.org",
            "http://x",
            "smtp://",
            "smtp://host:0",
            "smtp://host:port",
            "smtp://host/path",
        ] {
            assert!(server(bad).is_err(), "{bad}");
        }
        let err = server("smtps://ada:secret@mail.example.org").unwrap_err();
        assert!(
            err.contains("STEWARD_SMTP_PASSWORD") && !err.contains("secret"),
            "{err}"
        );
    }

    #[test]
    fn passwords_stay_hidden_and_off_plain_remote_links() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(
            Login::from_env(env(&[]))
                .unwrap_or_else(|e| panic!("{e}"))
                .is_none()
        );
        let login = Login::from_env(env(&[
            ("STEWARD_SMTP_USER", "steward"),
            ("STEWARD_SMTP_PASSWORD", "hunter2-hunter2"),
        ]))
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(Login::from_env(env(&[("STEWARD_SMTP_USER", "steward")])).is_err());
        let config = MailConfig::new("smtps://mail.example.org", "it@example.org", login.clone())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!format!("{config:?}").contains("hunter2"));
        assert!(
            MailConfig::new("smtp://mail.example.org", "it@example.org", login.clone()).is_err()
        );
        assert!(MailConfig::new("smtp://127.0.0.1:25", "it@example.org", login).is_ok());
        assert!(MailConfig::new("smtp://127.0.0.1:25", "not an address", None).is_err());
    }
}

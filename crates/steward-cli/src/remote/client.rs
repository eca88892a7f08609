//! The connection to a remote Steward: its address, the API token, and one way to send a
//! request and read its answer or its problem.

use super::calls::Call;
use super::error::RemoteError;
use crate::args::Global;
use crate::output::FailureKind;
use serde::Deserialize;
use std::time::Duration;
use steward_policy::decide::Refusal;

/// Where the JSON API lives below the server's address.
const API_PATH: &str = "/api/v1";

pub struct Remote {
    /// The server's address as given, for messages.
    server: String,
    /// The API's root: the server's address and `/api/v1`.
    base: String,
    token: String,
    agent: ureq::Agent,
}

/// A problem as the API describes one (RFC 9457), with the parts a command reports.
#[derive(Deserialize)]
struct ProblemBody {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    detail: String,
    #[serde(default)]
    errors: Vec<FieldProblem>,
    #[serde(default)]
    refusals: Vec<Refusal>,
}

#[derive(Deserialize)]
struct FieldProblem {
    field: String,
    #[serde(default)]
    message: String,
}

impl Remote {
    /// The server `--server` names, with the token from `--token-file` or STEWARD_TOKEN.
    pub fn connect(server: &str, global: &Global) -> Result<Remote, RemoteError> {
        let base = api_base(server)?;
        let token = token(global)?;
        // Certificates are checked against the usual web roots; nothing turns that off.
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(15)))
            .timeout_global(Some(Duration::from_secs(600)))
            .user_agent(concat!("steward/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(Remote {
            server: server.trim_end_matches('/').to_string(),
            base,
            token,
            agent,
        })
    }

    /// Sends `call` and reads its answer.
    pub fn send<C: Call>(&self, call: &C) -> Result<C::Reply, RemoteError> {
        let url = format!("{}{}", self.base, call.path());
        let auth = format!("Bearer {}", self.token);
        let query = call.query();
        let sent = match (call.text(), call.body()) {
            (Some((text, content_type)), _) => {
                let mut req = self.agent.post(&url).header("Authorization", &auth);
                for (k, v) in &query {
                    req = req.query(k, v);
                }
                req.header("Content-Type", content_type).send(text)
            }
            (None, Some(body)) => {
                let mut req = self.agent.post(&url).header("Authorization", &auth);
                for (k, v) in &query {
                    req = req.query(k, v);
                }
                req.header("Content-Type", "application/json")
                    .send(body.to_string())
            }
            (None, None) if call.is_post() => {
                let mut req = self.agent.post(&url).header("Authorization", &auth);
                for (k, v) in &query {
                    req = req.query(k, v);
                }
                req.send_empty()
            }
            (None, None) => {
                let mut req = self.agent.get(&url).header("Authorization", &auth);
                for (k, v) in &query {
                    req = req.query(k, v);
                }
                req.call()
            }
        };
        let mut res = sent.map_err(|e| RemoteError::Unreachable {
            address: self.server.clone(),
            reason: e.to_string(),
        })?;
        let status = res.status().as_u16();
        let text = res
            .body_mut()
            .read_to_string()
            .map_err(|e| RemoteError::Unreachable {
                address: self.server.clone(),
                reason: e.to_string(),
            })?;
        if (200..300).contains(&status) {
            return serde_json::from_str(&text).map_err(|e| self.unexpected(status, e));
        }
        Err(self.problem(status, &text))
    }

    fn unexpected(&self, status: u16, reason: impl ToString) -> RemoteError {
        RemoteError::Unexpected {
            address: self.server.clone(),
            status,
            reason: reason.to_string(),
        }
    }

    /// The failure a problem stands for, as the command would fail on a database.
    fn problem(&self, status: u16, text: &str) -> RemoteError {
        if status == 401 {
            return RemoteError::TokenRefused {
                server: self.server.clone(),
            };
        }
        let body: ProblemBody = match serde_json::from_str(text) {
            Ok(body) => body,
            Err(_) => return self.unexpected(status, "its answer is not a problem report"),
        };
        let kind = body.kind.rsplit('/').next().unwrap_or_default();
        if kind == "refused" {
            // The detail reads "issue refused: ...", the same words as on a database.
            let action = body.detail.split(" refused: ").next().unwrap_or("action");
            return RemoteError::Refused {
                action: action.to_string(),
                refusals: body.refusals,
            };
        }
        RemoteError::Problem {
            kind: kind_of(kind, status),
            field: body.errors.first().map(|e| e.field.clone()),
            detail: body.detail,
            errors: body
                .errors
                .into_iter()
                .map(|e| (e.field, e.message))
                .collect(),
        }
    }
}

/// The kind of failure a problem's type (or, for one this client does not know, its status)
/// stands for.
fn kind_of(kind: &str, status: u16) -> FailureKind {
    match (kind, status) {
        ("not-found", _) => FailureKind::NotFound,
        ("bad-request" | "invalid" | "payload-too-large", _) => FailureKind::Invalid,
        ("conflict", _) => FailureKind::Conflict,
        ("no-policy", _) => FailureKind::Refused,
        ("forbidden", _) => FailureKind::Forbidden,
        (_, 400 | 413 | 422) => FailureKind::Invalid,
        (_, 403) => FailureKind::Forbidden,
        (_, 404) => FailureKind::NotFound,
        (_, 409) => FailureKind::Conflict,
        _ => FailureKind::Internal,
    }
}

/// The API's root under `server`, which may be given with or without `/api/v1`.
fn api_base(server: &str) -> Result<String, RemoteError> {
    let server = server.trim().trim_end_matches('/');
    let rest = server
        .strip_prefix("https://")
        .or_else(|| server.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {}
        _ => {
            return Err(RemoteError::BadAddress(format!(
                "'{server}' is not a server's address; give it as https://HOST (or http://HOST:PORT on this machine)"
            )));
        }
    }
    let root = server.strip_suffix(API_PATH).unwrap_or(server);
    Ok(format!("{root}{API_PATH}"))
}

/// The API token: from the file `--token-file` names, else STEWARD_TOKEN. Never from a flag,
/// so that it stays out of shell history and the list of processes.
fn token(global: &Global) -> Result<String, RemoteError> {
    let text = match &global.token_file {
        Some(path) => std::fs::read_to_string(path).map_err(|e| RemoteError::TokenFile {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?,
        None => std::env::var("STEWARD_TOKEN").unwrap_or_default(),
    };
    let token = text.trim();
    if token.is_empty() {
        return match &global.token_file {
            Some(path) => Err(RemoteError::TokenFile {
                path: path.display().to_string(),
                reason: "the file is empty".into(),
            }),
            None => Err(RemoteError::NoToken),
        };
    }
    Ok(token.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_root_is_found_with_or_without_its_path() {
        let want = "https://s.example/api/v1";
        assert_eq!(api_base("https://s.example").unwrap(), want);
        assert_eq!(api_base("https://s.example/").unwrap(), want);
        assert_eq!(api_base("https://s.example/api/v1/").unwrap(), want);
        assert!(api_base("s.example").is_err());
        assert!(api_base("ftp://s.example").is_err());
        assert!(api_base("https://").is_err());
    }

    #[test]
    fn problems_map_to_the_kinds_a_database_gives() {
        assert_eq!(kind_of("not-found", 404), FailureKind::NotFound);
        assert_eq!(kind_of("invalid", 422), FailureKind::Invalid);
        assert_eq!(kind_of("bad-request", 400), FailureKind::Invalid);
        assert_eq!(kind_of("conflict", 409), FailureKind::Conflict);
        assert_eq!(kind_of("no-policy", 409), FailureKind::Refused);
        assert_eq!(kind_of("forbidden", 403), FailureKind::Forbidden);
        assert_eq!(kind_of("unavailable", 503), FailureKind::Internal);
        assert_eq!(kind_of("", 404), FailureKind::NotFound);
    }
}

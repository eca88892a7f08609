//! Microsoft Graph: a client-credentials token, then `/users` and each mapped group's
//! `/members`, following `@odata.nextLink` page by page. Redirects are never followed and a
//! next link must stay under the configured base URL, so a reply cannot send Steward elsewhere.

use super::{ENTRIES_MAX, GRAPH_PAGE_MAX, SourceError, read_secret};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use steward_domain::directory::RawEntry;
use steward_domain::directory::settings::{DirectorySettings, SourceSettings};
use ureq::Agent;

#[derive(Deserialize)]
struct Token {
    access_token: String,
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    value: Vec<BTreeMap<String, Value>>,
    #[serde(rename = "@odata.nextLink")]
    next: Option<String>,
}

fn agent() -> Agent {
    Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

fn fail(why: impl Into<String>) -> SourceError {
    SourceError::Graph(why.into())
}

/// The words of a Graph error body, when it has them.
fn graph_message(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| {
            v.pointer("/error/message")
                .or_else(|| v.pointer("/error_description"))
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_default()
}

fn get_page(agent: &Agent, token: &str, url: &str) -> Result<Page, SourceError> {
    let mut answer = agent
        .get(url)
        .header("Authorization", &format!("Bearer {token}"))
        .header("ConsistencyLevel", "eventual")
        .call()
        .map_err(|e| fail(format!("could not reach {}: {e}", strip_query(url))))?;
    let status = answer.status();
    let body = answer
        .body_mut()
        .with_config()
        .limit(GRAPH_PAGE_MAX)
        .read_to_string()
        .map_err(|e| {
            fail(format!(
                "could not read the answer from {}: {e}",
                strip_query(url)
            ))
        })?;
    if !status.is_success() {
        return Err(fail(format!(
            "{} answered {status} {}",
            strip_query(url),
            graph_message(&body)
        )));
    }
    serde_json::from_str(&body).map_err(|e| {
        fail(format!(
            "{} sent an answer that is not a page: {e}",
            strip_query(url)
        ))
    })
}

fn strip_query(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

/// Every page from `first` on, each item handed to `each`.
fn pages(
    agent: &Agent,
    token: &str,
    base: &str,
    first: String,
    mut each: impl FnMut(BTreeMap<String, Value>) -> Result<(), SourceError>,
) -> Result<(), SourceError> {
    let mut url = first;
    loop {
        let page = get_page(agent, token, &url)?;
        for item in page.value {
            each(item)?;
        }
        match page.next {
            Some(next) if next.starts_with(base) => url = next,
            Some(next) => {
                return Err(fail(format!(
                    "a next page was offered outside {base}: {}",
                    strip_query(&next)
                )));
            }
            None => return Ok(()),
        }
    }
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(crate) fn read(settings: &DirectorySettings) -> Result<Vec<RawEntry>, SourceError> {
    let SourceSettings::Graph {
        base_url,
        token_url,
        client_id,
        client_secret,
    } = &settings.source
    else {
        return Ok(Vec::new());
    };
    let base = base_url.trim_end_matches('/');
    let secret = read_secret(client_secret)?;
    let agent = agent();
    let scope = format!("{}/.default", graph_root(base));
    let mut answer = agent
        .post(token_url)
        .send_form([
            ("client_id", client_id.as_str()),
            ("client_secret", secret.as_str()),
            ("scope", scope.as_str()),
            ("grant_type", "client_credentials"),
        ])
        .map_err(|e| fail(format!("could not reach {}: {e}", strip_query(token_url))))?;
    let status = answer.status();
    let body = answer
        .body_mut()
        .with_config()
        .limit(1 << 20)
        .read_to_string()
        .map_err(|e| fail(format!("could not read the token answer: {e}")))?;
    if !status.is_success() {
        return Err(fail(format!(
            "the token was refused ({status}) {}",
            graph_message(&body)
        )));
    }
    let token: Token =
        serde_json::from_str(&body).map_err(|_| fail("the token answer held no access token"))?;
    let token = token.access_token;

    let a = &settings.attributes;
    let mut select: BTreeSet<&str> = [
        a.external_id.as_str(),
        a.reference.as_str(),
        a.name.as_str(),
        a.email.as_str(),
        "id",
        "accountEnabled",
    ]
    .into_iter()
    .collect();
    if let Some(kind) = &a.kind {
        select.insert(kind);
    }
    let select: Vec<&str> = select.into_iter().collect();
    let mut entries: Vec<RawEntry> = Vec::new();
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    pages(
        &agent,
        &token,
        base,
        format!("{base}/users?$select={}&$top=999", select.join(",")),
        |user| {
            // A disabled account has left, as far as the register is concerned.
            if user.get("accountEnabled") == Some(&Value::Bool(false)) {
                return Ok(());
            }
            if entries.len() >= ENTRIES_MAX {
                return Err(SourceError::TooMany);
            }
            let id = user.get("id").and_then(text_of).unwrap_or_default();
            let attributes = user
                .iter()
                .filter_map(|(k, v)| Some((k.to_ascii_lowercase(), vec![text_of(v)?])))
                .collect();
            by_id.insert(id.clone(), entries.len());
            entries.push(RawEntry {
                locator: id,
                attributes,
                groups: BTreeSet::new(),
            });
            Ok(())
        },
    )?;
    for mapping in &settings.groups {
        let group = &mapping.group;
        if !group.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(fail(format!(
                "'{group}' is not a group's object id: map groups by their id in Entra ID"
            )));
        }
        pages(
            &agent,
            &token,
            base,
            format!("{base}/groups/{group}/members?$select=id&$top=999"),
            |member| {
                if let Some(at) = member
                    .get("id")
                    .and_then(text_of)
                    .and_then(|id| by_id.get(&id))
                {
                    entries[*at].groups.insert(group.clone());
                }
                Ok(())
            },
        )?;
    }
    Ok(entries)
}

/// `https://graph.microsoft.com` from `https://graph.microsoft.com/v1.0`.
fn graph_root(base: &str) -> &str {
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_scope_is_the_graph_root() {
        assert_eq!(
            super::graph_root("https://graph.microsoft.com/v1.0"),
            "https://graph.microsoft.com"
        );
        assert_eq!(
            super::graph_root("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080"
        );
    }
}

//! Microsoft Graph's inbox rules: the answer to `GET /users/{address}/mailFolders/inbox/
//! messageRules`, one per mailbox. A snapshot is one such answer or a JSON array of them;
//! each names its mailbox in a `mailbox` member added beside `value`, or failing that in the
//! `@odata.context` Graph writes (`...#users('ada%40council.gov.uk')/...`). Each rule's
//! `actions` may hold `forwardTo`, `redirectTo` and `forwardAsAttachmentTo`, lists of
//! recipients whose `emailAddress.address` is where mail goes. Rules with `isEnabled`
//! false forward nothing and are left out.

use super::{ForwardKind, ForwardRow, ForwardSource, MAX_FORWARDS, address, rule_name};
use crate::import::{ImportErrors, RowError};
use serde::Deserialize;
use serde::de::{self, Deserializer};

/// A checked address, refused where it is read so that the error carries its line.
#[derive(Debug)]
struct Address(String);

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        address(&text).map(Address).map_err(de::Error::custom)
    }
}

#[derive(Deserialize)]
struct EmailAddress {
    address: Address,
}

#[derive(Deserialize)]
struct Recipient {
    #[serde(rename = "emailAddress")]
    email_address: EmailAddress,
}

#[derive(Deserialize, Default)]
struct Actions {
    #[serde(rename = "forwardTo", default)]
    forward_to: Option<Vec<Recipient>>,
    #[serde(rename = "redirectTo", default)]
    redirect_to: Option<Vec<Recipient>>,
    #[serde(rename = "forwardAsAttachmentTo", default)]
    forward_as_attachment_to: Option<Vec<Recipient>>,
}

#[derive(Deserialize)]
struct Rule {
    #[serde(rename = "displayName", default)]
    display_name: Option<String>,
    #[serde(rename = "isEnabled", default)]
    is_enabled: Option<bool>,
    #[serde(default)]
    actions: Option<Actions>,
}

#[derive(Deserialize)]
struct Snapshot {
    #[serde(default)]
    mailbox: Option<Address>,
    #[serde(rename = "@odata.context", default)]
    context: Option<String>,
    value: Vec<Rule>,
}

/// The mailbox `@odata.context` names: `users('ada%40council.gov.uk')` or `users('ada@...')`.
fn mailbox_of_context(context: &str) -> Option<String> {
    let start = context.find("users('")? + "users('".len();
    let rest = context.get(start..)?;
    let end = rest.find('\'')?;
    let raw = rest.get(..end)?.replace("%40", "@").replace("%2E", ".");
    address(&raw).ok()
}

/// Parses a Graph snapshot. `file` names it in errors.
pub fn parse(file: &str, data: &[u8]) -> Result<Vec<ForwardRow>, ImportErrors> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let fail = |line: u64, message: String| ImportErrors {
        file: file.to_string(),
        errors: vec![RowError {
            line,
            column: None,
            message,
        }],
    };
    let first = data.iter().find(|b| !b.is_ascii_whitespace());
    let snapshots: Vec<Snapshot> = match first {
        None => {
            return Err(fail(
                1,
                "the file is empty; expected Graph's messageRules answer as JSON".into(),
            ));
        }
        Some(b'[') => serde_json::from_slice(data),
        Some(_) => serde_json::from_slice::<Snapshot>(data).map(|s| vec![s]),
    }
    .map_err(|e| {
        let column = e.column();
        fail(
            e.line().max(1) as u64,
            format!(
                "column {column}: {}; expected Graph's messageRules answer (an object with \
                 \"mailbox\" and \"value\", or a list of them)",
                plain(&e)
            ),
        )
    })?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (n, snapshot) in snapshots.into_iter().enumerate() {
        let mailbox = match (snapshot.mailbox, snapshot.context.as_deref()) {
            (Some(Address(a)), _) => a,
            (None, Some(context)) if mailbox_of_context(context).is_some() => {
                mailbox_of_context(context).unwrap_or_default()
            }
            _ => {
                errors.push(RowError {
                    line: 1,
                    column: Some("mailbox".into()),
                    message: format!(
                        "answer {} does not say whose mailbox it is; add \"mailbox\": \
                         \"address\" beside \"value\"",
                        n + 1
                    ),
                });
                continue;
            }
        };
        for rule in snapshot.value {
            if rule.is_enabled == Some(false) {
                continue;
            }
            let actions = rule.actions.unwrap_or_default();
            let name = rule.display_name.as_deref().and_then(rule_name);
            for (kind, list) in [
                (ForwardKind::Forward, actions.forward_to),
                (ForwardKind::Redirect, actions.redirect_to),
                (ForwardKind::Attachment, actions.forward_as_attachment_to),
            ] {
                for recipient in list.unwrap_or_default() {
                    rows.push(ForwardRow {
                        line: 0,
                        mailbox: mailbox.clone(),
                        source: ForwardSource::InboxRule,
                        rule: name.clone(),
                        kind,
                        target: Some(recipient.email_address.address.0),
                        keeps_copy: None,
                    });
                }
            }
        }
        if rows.len() > MAX_FORWARDS {
            return Err(fail(
                1,
                format!("the snapshot holds more than {MAX_FORWARDS} forwards; split it"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ImportErrors {
            file: file.to_string(),
            errors,
        });
    }
    Ok(rows)
}

/// serde_json's message without its own "at line .. column .." tail.
fn plain(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text.get(..at).unwrap_or(&text).to_string(),
        None => text,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const ONE: &str = r#"{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('ada%40city.example.gov.uk')/mailFolders('inbox')/messageRules",
  "value": [
    {
      "id": "AQAAAJ5dZqA=",
      "displayName": "To my own mail",
      "sequence": 2,
      "isEnabled": true,
      "hasError": false,
      "isReadOnly": false,
      "conditions": {},
      "actions": {
        "forwardTo": [
          { "emailAddress": { "name": "Ada at home", "address": "Ada.Quill@gmail.com" } }
        ],
        "stopProcessingRules": true
      }
    },
    {
      "displayName": "Old rule",
      "isEnabled": false,
      "actions": { "redirectTo": [ { "emailAddress": { "address": "x@example.com" } } ] }
    },
    {
      "displayName": "Copy the clerk",
      "isEnabled": true,
      "actions": {
        "redirectTo": [ { "emailAddress": { "address": "clerk@city.example.gov.uk" } } ],
        "forwardAsAttachmentTo": [ { "emailAddress": { "address": "b@example.org" } } ]
      }
    }
  ]
}"#;

    #[test]
    fn reads_every_enabled_forward_with_the_mailbox_from_the_context() {
        let rows = parse("rules.json", ONE.as_bytes()).expect("parses");
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|r| r.mailbox == "ada@city.example.gov.uk"));
        assert_eq!(rows[0].target.as_deref(), Some("ada.quill@gmail.com"));
        assert_eq!(rows[0].kind, ForwardKind::Forward);
        assert_eq!(rows[0].rule.as_deref(), Some("To my own mail"));
        assert_eq!(rows[1].kind, ForwardKind::Redirect);
        assert_eq!(rows[2].kind, ForwardKind::Attachment);
    }

    #[test]
    fn a_list_with_named_mailboxes_is_read() {
        let text = r#"[{"mailbox": "Bob@City.example.gov.uk", "value": [
            {"displayName": "r", "actions": {"forwardTo": [{"emailAddress": {"address": "b@gmail.com"}}]}}
        ]}, {"mailbox": "c@city.example.gov.uk", "value": []}]"#;
        let rows = parse("rules.json", text.as_bytes()).expect("parses");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].mailbox, "bob@city.example.gov.uk");
    }

    #[test]
    fn a_bad_address_is_refused_at_its_line() {
        let text = "{\"mailbox\": \"a@city.example.gov.uk\", \"value\": [\n{\"actions\": {\n\"forwardTo\": [{\"emailAddress\": {\"address\": \"not an address\"}}]}}]}";
        let err = parse("rules.json", text.as_bytes()).expect_err("refused");
        assert_eq!(err.errors[0].line, 3);
        assert!(
            err.errors[0]
                .message
                .contains("does not look like an email address")
        );
    }

    #[test]
    fn an_answer_without_its_mailbox_is_refused() {
        let err = parse("rules.json", br#"{"value": []}"#).expect_err("refused");
        assert!(err.to_string().contains("whose mailbox"), "{err}");
    }

    #[test]
    fn broken_json_names_its_line() {
        let err = parse("rules.json", b"{\n\"value\": [\n}").expect_err("refused");
        assert_eq!(err.errors[0].line, 3);
        assert!(parse("rules.json", b"  ").is_err());
    }
}

//! Exchange Online PowerShell exports, as `Export-Csv` writes them (a `#TYPE` line first is
//! passed over). Two exports are read, told apart by their headings:
//!
//! - `Get-Mailbox`: the mailbox's `PrimarySmtpAddress` (or `UserPrincipalName`), and its
//!   `ForwardingSmtpAddress` (`smtp:someone@example.com`), `ForwardingAddress` (a recipient
//!   inside the organisation) and `DeliverToMailboxAndForward` (`True` keeps a copy).
//! - `Get-InboxRule`: the mailbox's address in `Mailbox` (or `MailboxOwnerId` where that
//!   holds an address), the rule's `Name` and `Enabled`, and `ForwardTo`, `RedirectTo` and
//!   `ForwardAsAttachmentTo`, each a `;`-separated list of recipients as Exchange writes them:
//!   `"Ada" [SMTP:ada@example.com]`, `[EX:/o=...]` for a recipient inside the organisation,
//!   or a bare address.
//!
//! Headings are matched without regard to case; other columns are ignored.

use super::{ForwardKind, ForwardRow, ForwardSource, MAX_FORWARDS, address, rule_name};
use crate::import::{ImportErrors, RowError};
use crate::limits::CSV_ROW;

/// Which of the two exports a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Export {
    Mailbox,
    Rules,
}

struct Columns {
    export: Export,
    mailbox: usize,
    name: Option<usize>,
    enabled: Option<usize>,
    lists: Vec<(ForwardKind, usize)>,
    smtp: Option<usize>,
    internal: Option<usize>,
    keeps_copy: Option<usize>,
}

fn find(headings: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|n| headings.iter().position(|h| h.eq_ignore_ascii_case(n)))
}

fn columns(headings: &[String]) -> Result<Columns, String> {
    let lists: Vec<(ForwardKind, usize)> = [
        (ForwardKind::Forward, "ForwardTo"),
        (ForwardKind::Redirect, "RedirectTo"),
        (ForwardKind::Attachment, "ForwardAsAttachmentTo"),
    ]
    .into_iter()
    .filter_map(|(kind, name)| find(headings, &[name]).map(|i| (kind, i)))
    .collect();
    let smtp = find(headings, &["ForwardingSmtpAddress"]);
    let internal = find(headings, &["ForwardingAddress"]);
    if !lists.is_empty() {
        let mailbox = find(
            headings,
            &["Mailbox", "MailboxOwnerId", "PrimarySmtpAddress"],
        )
        .ok_or("an inbox rule export needs the mailbox's address in a column named Mailbox")?;
        return Ok(Columns {
            export: Export::Rules,
            mailbox,
            name: find(headings, &["Name"]),
            enabled: find(headings, &["Enabled"]),
            lists,
            smtp: None,
            internal: None,
            keeps_copy: None,
        });
    }
    if smtp.is_some() || internal.is_some() {
        let mailbox = find(
            headings,
            &["PrimarySmtpAddress", "UserPrincipalName", "Mailbox"],
        )
        .ok_or("a mailbox export needs the PrimarySmtpAddress column")?;
        return Ok(Columns {
            export: Export::Mailbox,
            mailbox,
            name: None,
            enabled: None,
            lists,
            smtp,
            internal,
            keeps_copy: find(headings, &["DeliverToMailboxAndForward"]),
        });
    }
    Err(
        "this is neither a Get-InboxRule export (ForwardTo, RedirectTo or \
         ForwardAsAttachmentTo) nor a Get-Mailbox export (ForwardingSmtpAddress)"
            .to_string(),
    )
}

fn boolean(s: &str) -> Result<Option<bool>, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "true" | "yes" | "1" => Ok(Some(true)),
        "false" | "no" | "0" => Ok(Some(false)),
        other => Err(format!("'{other}' is not True or False")),
    }
}

/// One recipient as Exchange writes it: `Some(address)`, or `None` for one inside the
/// organisation named without an address.
fn recipient(s: &str) -> Result<Option<String>, String> {
    let s = s.trim();
    let upper = s.to_ascii_uppercase();
    if let Some(at) = upper.find("[SMTP:") {
        let rest = s.get(at + "[SMTP:".len()..).unwrap_or("");
        let end = rest
            .find(']')
            .ok_or("a recipient's [SMTP: is never closed with ]")?;
        return address(rest.get(..end).unwrap_or("")).map(Some);
    }
    if upper.contains("[EX:") {
        return Ok(None);
    }
    let bare = upper
        .strip_prefix("SMTP:")
        .map(|_| s.get(5..).unwrap_or(""))
        .unwrap_or(s)
        .trim_matches(|c| c == '"' || c == '<' || c == '>' || c == ' ');
    if bare.contains('@') {
        address(bare).map(Some)
    } else {
        // A display name alone is how Exchange shows a recipient of its own directory.
        Ok(None)
    }
}

/// Parses an Exchange export. `file` names it in errors; every bad row is reported.
pub fn parse(file: &str, data: &[u8]) -> Result<Vec<ForwardRow>, ImportErrors> {
    let mut data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let mut first_line = 1u64;
    if data.starts_with(b"#") {
        let end = data
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |i| i + 1);
        data = data.get(end..).unwrap_or(&[]);
        first_line = 2;
    }
    let mut errors: Vec<RowError> = Vec::new();
    let mut rows: Vec<ForwardRow> = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let mut record = csv::StringRecord::new();
    let mut cols: Option<Columns> = None;
    let mut width = 0;
    loop {
        let start = reader.position().clone();
        let line = start.line() + first_line - 1;
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let message = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => {
                        "is not UTF-8 text; export with -Encoding UTF8".to_string()
                    }
                    _ => format!("the file could not be read as CSV from here: {e}"),
                };
                errors.push(RowError {
                    line,
                    column: None,
                    message,
                });
                break;
            }
        }
        if reader.position().byte().saturating_sub(start.byte()) > CSV_ROW as u64 {
            errors.push(RowError {
                line,
                column: None,
                message: format!(
                    "this row is longer than {}; check for a quote that is never closed",
                    crate::limits::size(CSV_ROW as u64)
                ),
            });
            break;
        }
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let Some(c) = &cols else {
            let headings: Vec<String> = record.iter().map(|h| h.trim().to_string()).collect();
            match columns(&headings) {
                Ok(found) => {
                    cols = Some(found);
                    width = headings.len();
                    continue;
                }
                Err(message) => {
                    errors.push(RowError {
                        line,
                        column: None,
                        message,
                    });
                    break;
                }
            }
        };
        if record.len() != width {
            errors.push(RowError {
                line,
                column: None,
                message: format!(
                    "this row has {} fields but the header has {width} columns",
                    record.len()
                ),
            });
            continue;
        }
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        let mut fail = |column: &str, message: String| {
            errors.push(RowError {
                line,
                column: Some(column.to_string()),
                message,
            });
        };
        let mailbox = match address(cell(c.mailbox)) {
            Ok(a) => a,
            Err(why) if cell(c.mailbox).is_empty() => {
                fail(
                    "mailbox",
                    format!("the mailbox's address is missing ({why})"),
                );
                continue;
            }
            Err(why) => {
                fail("mailbox", why);
                continue;
            }
        };
        match c.export {
            Export::Rules => {
                match c.enabled.map(|i| boolean(cell(i))).transpose() {
                    Err(why) => {
                        fail("Enabled", why);
                        continue;
                    }
                    Ok(Some(Some(false))) => continue,
                    Ok(_) => {}
                }
                let name = c.name.and_then(|i| rule_name(cell(i)));
                for (kind, i) in &c.lists {
                    let heading = match kind {
                        ForwardKind::Forward => "ForwardTo",
                        ForwardKind::Redirect => "RedirectTo",
                        _ => "ForwardAsAttachmentTo",
                    };
                    for part in cell(*i).split(';').filter(|p| !p.trim().is_empty()) {
                        match recipient(part) {
                            Ok(target) => rows.push(ForwardRow {
                                line,
                                mailbox: mailbox.clone(),
                                source: ForwardSource::InboxRule,
                                rule: name.clone(),
                                kind: *kind,
                                target,
                                keeps_copy: None,
                            }),
                            Err(why) => fail(heading, why),
                        }
                    }
                }
            }
            Export::Mailbox => {
                let keeps_copy = match c.keeps_copy.map(|i| boolean(cell(i))).transpose() {
                    Ok(v) => v.flatten(),
                    Err(why) => {
                        fail("DeliverToMailboxAndForward", why);
                        continue;
                    }
                };
                let smtp = c.smtp.map(cell).filter(|s| !s.is_empty());
                let internal = c.internal.map(cell).filter(|s| !s.is_empty());
                let target = match (smtp, internal) {
                    (Some(s), _) => {
                        let bare = if s.len() > 5
                            && s.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("smtp:"))
                        {
                            s.get(5..).unwrap_or("")
                        } else {
                            s
                        };
                        match address(bare) {
                            Ok(a) => Some(a),
                            Err(why) => {
                                fail("ForwardingSmtpAddress", why);
                                continue;
                            }
                        }
                    }
                    (None, Some(_)) => None,
                    (None, None) => continue,
                };
                rows.push(ForwardRow {
                    line,
                    mailbox,
                    source: ForwardSource::Mailbox,
                    rule: None,
                    kind: ForwardKind::Mailbox,
                    target,
                    keeps_copy,
                });
            }
        }
        if rows.len() > MAX_FORWARDS {
            errors.push(RowError {
                line,
                column: None,
                message: format!("the file holds more than {MAX_FORWARDS} forwards; split it"),
            });
            break;
        }
    }
    if cols.is_none() && errors.is_empty() {
        errors.push(RowError {
            line: first_line,
            column: None,
            message: "the file is empty; expected a Get-InboxRule or Get-Mailbox export".into(),
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(ImportErrors {
            file: file.to_string(),
            errors,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const RULES: &str = "#TYPE Microsoft.Exchange.Management.Common.InboxRule\n\
\"MailboxOwnerId\",\"Mailbox\",\"Name\",\"Enabled\",\"Priority\",\"ForwardTo\",\"RedirectTo\",\"ForwardAsAttachmentTo\",\"Identity\"\n\
\"Ada Quill\",\"ada@city.example.gov.uk\",\"Home\",\"True\",\"1\",\"\"\"Ada\"\" [SMTP:Ada.Quill@gmail.com]\",\"\",\"\",\"Ada Quill\\\\1\"\n\
\"Ada Quill\",\"ada@city.example.gov.uk\",\"Off\",\"False\",\"2\",\"x@example.com\",\"\",\"\",\"Ada Quill\\\\2\"\n\
\"Bob Hale\",\"bob@city.example.gov.uk\",\"Team\",\"True\",\"1\",\"\",\"Clerk [EX:/o=ExchangeLabs/ou=Exchange/cn=Recipients/cn=clerk];b@example.org\",\"\",\"Bob Hale\\\\1\"\n";

    const MAILBOXES: &str = "DisplayName,PrimarySmtpAddress,ForwardingAddress,ForwardingSmtpAddress,DeliverToMailboxAndForward\n\
Ada Quill,ada@city.example.gov.uk,,smtp:ada.quill@gmail.com,True\n\
Bob Hale,bob@city.example.gov.uk,,,False\n\
Cy Dent,cy@city.example.gov.uk,city.example.gov.uk/Users/Clerk,,False\n";

    #[test]
    fn reads_inbox_rules_passing_over_disabled_ones() {
        let rows = parse("rules.csv", RULES.as_bytes()).expect("parses");
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[0].line, 3);
        assert_eq!(rows[0].target.as_deref(), Some("ada.quill@gmail.com"));
        assert_eq!(rows[0].rule.as_deref(), Some("Home"));
        assert_eq!(rows[1].kind, ForwardKind::Redirect);
        assert_eq!(rows[1].target, None);
        assert_eq!(rows[2].target.as_deref(), Some("b@example.org"));
    }

    #[test]
    fn reads_mailbox_forwarding() {
        let rows = parse("mailboxes.csv", MAILBOXES.as_bytes()).expect("parses");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].target.as_deref(), Some("ada.quill@gmail.com"));
        assert_eq!(rows[0].keeps_copy, Some(true));
        assert_eq!(rows[0].source, ForwardSource::Mailbox);
        assert_eq!(rows[1].mailbox, "cy@city.example.gov.uk");
        assert_eq!(rows[1].target, None);
    }

    #[test]
    fn every_bad_row_is_named_by_line() {
        let text = "PrimarySmtpAddress,ForwardingSmtpAddress,DeliverToMailboxAndForward\n\
                    ada,smtp:a@gmail.com,True\n\
                    b@city.example.gov.uk,smtp:nowhere,True\n\
                    c@city.example.gov.uk,smtp:c@gmail.com,Maybe\n";
        let err = parse("m.csv", text.as_bytes()).expect_err("refused");
        let lines: Vec<u64> = err.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 4], "{err}");
    }

    #[test]
    fn an_unknown_export_is_refused() {
        let err = parse("x.csv", b"Name,Size\nA,1\n").expect_err("refused");
        assert!(err.to_string().contains("Get-InboxRule"), "{err}");
        assert!(parse("x.csv", b"").is_err());
        let err = parse("x.csv", b"Name,ForwardTo\nrule,a@b.com\n").expect_err("refused");
        assert!(err.to_string().contains("Mailbox"), "{err}");
    }
}

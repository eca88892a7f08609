//! Request bodies of the mail endpoints.

use super::{NOT_IN_TEXT, object};
use serde_json::{Value, json};

/// A snapshot and its format: the content's pattern for each format describes a well-formed
/// snapshot, which the importer then reads in full.
pub(crate) fn forwarding_import() -> Value {
    let address = "[a-z]{1,20}@[a-z]{1,20}\\.example\\.org";
    let graph = format!(
        "^\\[(\\{{\"mailbox\": \"{address}\", \"value\": \\[\\]\\}})(, \\{{\"mailbox\": \"{address}\", \"value\": \\[\\]\\}}){{0,5}}\\]$"
    );
    let exchange = format!(
        "^PrimarySmtpAddress,ForwardingSmtpAddress,DeliverToMailboxAndForward\\r?\\n({address},(smtp:{address})?,(True|False)\\r?\\n){{1,20}}$"
    );
    let one = |format: &str, pattern: String, description: &str| {
        object(
            &["format", "file_name", "content"],
            json!({
                "format": { "type": "string", "const": format },
                "file_name": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 255,
                    "pattern": format!("^[^{NOT_IN_TEXT}]+$"),
                    "description": "The snapshot's file name, as the audit trail and errors name it",
                },
                "content": {
                    "type": "string",
                    "maxLength": 2000000,
                    "pattern": pattern,
                    "description": description,
                },
            }),
        )
    };
    json!({
        "description": "A snapshot of mailbox forwarding; larger snapshots are imported with the command line",
        "oneOf": [
            one("graph", graph, "Microsoft Graph messageRules answers (JSON): one answer, or a list of them each naming its \"mailbox\""),
            one("exchange", exchange, "Get-InboxRule or Get-Mailbox exported as CSV"),
        ],
    })
}

//! Request bodies of the mail endpoints.

use super::object;
use serde_json::{Value, json};

pub(crate) fn forwarding_import() -> Value {
    object(
        &["format", "file_name", "content"],
        json!({
            "format": {
                "type": "string",
                "enum": ["graph", "exchange"],
                "description": "graph: Microsoft Graph messageRules answers (JSON); exchange: Get-InboxRule or Get-Mailbox exported as CSV",
            },
            "file_name": {
                "type": "string",
                "minLength": 1,
                "maxLength": 255,
                "description": "The snapshot's file name, as the audit trail and errors name it",
            },
            "content": {
                "type": "string",
                "maxLength": 2000000,
                "description": "The snapshot's text; larger snapshots are imported with the command line",
            },
        }),
    )
}

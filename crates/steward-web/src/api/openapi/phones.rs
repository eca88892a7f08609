//! Request bodies of the phone endpoints.

use super::{day, object, reference, tag, text};
use serde_json::{Value, json};

pub(crate) fn add_phone_line() -> Value {
    object(
        &["asset_tag", "number"],
        json!({
            "asset_tag": tag(),
            "number": {
                "type": "string",
                "description": "The phone's number, such as 07700 900123 or +44 7700 900123",
            },
        }),
    )
}

pub(crate) fn issue_phone_statement() -> Value {
    object(&["person"], json!({ "person": reference() }))
}

pub(crate) fn phone_payment() -> Value {
    object(
        &["amount"],
        json!({
            "amount": {
                "type": "string",
                "pattern": "^[0-9]{1,9}(\\.[0-9]{1,2})?$",
                "description": "Pounds, such as 1.05; no more than is still owed",
            },
            "paid_on": day(),
            "reference": text(),
        }),
    )
}

pub(crate) fn phone_marks() -> Value {
    object(
        &["personal"],
        json!({
            "personal": {
                "type": "array",
                "items": { "type": "integer" },
                "description": "Ids of the caller's items on the bill that were personal; the others become business",
            },
        }),
    )
}

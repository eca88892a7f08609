//! Request bodies of the information request endpoints.

use super::{day, object, reference, text};
use serde_json::{Value, json};

pub(crate) fn info_receive() -> Value {
    object(
        &["kind", "requester", "received_on"],
        json!({
            "kind": { "type": "string", "enum": ["foi", "eir", "sar"] },
            "requester": text(),
            "subject": reference(),
            "received_on": day(),
            "summary": text(),
            "nation": { "type": "string", "enum": ["england_wales", "scotland", "northern_ireland"] },
        }),
    )
}

pub(crate) fn info_pause() -> Value {
    object(&["asked_on"], json!({ "asked_on": day(), "note": text() }))
}

pub(crate) fn info_resume() -> Value {
    object(&["answered_on"], json!({ "answered_on": day() }))
}

pub(crate) fn info_extend() -> Value {
    object(&["reason"], json!({ "to": day(), "reason": text() }))
}

pub(crate) fn info_ask() -> Value {
    object(
        &["person"],
        json!({ "person": reference(), "asked_on": day() }),
    )
}

pub(crate) fn info_answer() -> Value {
    object(
        &["helper", "answer"],
        json!({ "helper": { "type": "integer" }, "answered_on": day(), "answer": text() }),
    )
}

pub(crate) fn info_identity() -> Value {
    object(&["checked_on"], json!({ "checked_on": day() }))
}

pub(crate) fn info_close() -> Value {
    object(
        &["closed_on", "outcome"],
        json!({ "closed_on": day(), "outcome": text() }),
    )
}

pub(crate) fn my_info_answer() -> Value {
    object(&["answer"], json!({ "answer": text() }))
}

//! Request bodies of the web filter's endpoints.

use super::object;
use serde_json::{Value, json};

pub(crate) fn proxy_name() -> Value {
    object(
        &["username"],
        json!({
            "username": {
                "type": "string",
                "minLength": 1,
                "maxLength": 128,
                "description": "A name the person gives the web proxy, matched without regard to case",
            },
        }),
    )
}

pub(crate) fn equipment_addresses() -> Value {
    object(
        &["addresses"],
        json!({
            "addresses": {
                "type": "array",
                "items": { "type": "string" },
                "description": "The item's network addresses, IPv4 or IPv6, replacing any it had; empty clears them",
            },
        }),
    )
}

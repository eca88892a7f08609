//! PATCH (RFC 7644 section 3.5.2) as Entra ID sends it: `Add`, `Replace` and `Remove`, in any
//! case, with or without a path.

use super::error::{ScimError, ScimResult};
use serde_json::Value;

pub(crate) const PATCH: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// Most operations one PATCH may carry.
const OPERATIONS_MAX: usize = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Add,
    Replace,
    Remove,
}

/// One operation: what, where (if a path is given) and with what.
pub(crate) struct Operation<'a> {
    pub op: Op,
    pub path: Option<&'a str>,
    pub value: &'a Value,
}

/// The operations of a PATCH body, checked before any is carried out.
pub(crate) fn operations(body: &Value) -> ScimResult<Vec<Operation<'_>>> {
    let schemas = body["schemas"].as_array();
    if !schemas.is_some_and(|s| s.iter().any(|v| v.as_str() == Some(PATCH))) {
        return Err(ScimError::invalid_syntax(format!(
            "a PATCH body names the schema {PATCH}"
        )));
    }
    let list = body["Operations"]
        .as_array()
        .ok_or_else(|| ScimError::invalid_syntax("a PATCH body lists its Operations"))?;
    if list.len() > OPERATIONS_MAX {
        return Err(ScimError::invalid_syntax(format!(
            "a PATCH carries at most {OPERATIONS_MAX} operations"
        )));
    }
    list.iter()
        .map(|o| {
            let op = match o["op"].as_str().map(str::to_ascii_lowercase).as_deref() {
                Some("add") => Op::Add,
                Some("replace") => Op::Replace,
                Some("remove") => Op::Remove,
                _ => {
                    return Err(ScimError::invalid_syntax(
                        "each operation's op is add, replace or remove",
                    ));
                }
            };
            let path = o["path"].as_str().filter(|p| !p.trim().is_empty());
            if path.is_none() && op == Op::Remove {
                return Err(ScimError::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    Some("noTarget"),
                    "a remove names its path",
                ));
            }
            if path.is_none() && !o["value"].is_object() {
                return Err(ScimError::invalid_syntax(
                    "an operation without a path gives its value as an object",
                ));
            }
            Ok(Operation {
                op,
                path,
                value: &o["value"],
            })
        })
        .collect()
}

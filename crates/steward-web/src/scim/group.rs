//! Groups in SCIM's JSON, and the member changes Entra ID patches.

use super::error::{ScimError, ScimResult};
use super::patch::{Op, Operation};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use steward_domain::directory::ExternalId;
use steward_domain::directory::scim::{ScimGroup, check_name};

pub(crate) const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

fn id(value: &str) -> ScimResult<ExternalId> {
    ExternalId::parse(value).map_err(|why| ScimError::invalid_value(format!("id {value:?}: {why}")))
}

/// The ids in a `members` value: `[{"value": "id"}, ...]`.
fn member_ids(value: &Value) -> ScimResult<BTreeSet<ExternalId>> {
    let list = match value {
        Value::Array(list) => list.as_slice(),
        Value::Null => &[],
        other => std::slice::from_ref(other),
    };
    list.iter()
        .map(|m| {
            m["value"]
                .as_str()
                .ok_or_else(|| {
                    ScimError::invalid_value("each member is {\"value\": \"<user id>\"}")
                })
                .and_then(id)
        })
        .collect()
}

/// A group from a POST or PUT body. The group's id is the directory's: `externalId`.
pub(crate) fn from_body(body: &Value, known: Option<&ExternalId>) -> ScimResult<ScimGroup> {
    let display_name = body["displayName"]
        .as_str()
        .ok_or_else(|| ScimError::invalid_value("give the group's displayName"))?;
    let group_id = match (body["externalId"].as_str(), known) {
        (Some(given), Some(known)) if given != known.as_str() => {
            return Err(ScimError::new(
                axum::http::StatusCode::BAD_REQUEST,
                Some("mutability"),
                "a group's externalId never changes",
            ));
        }
        (_, Some(known)) => known.clone(),
        (Some(given), None) => id(given)?,
        (None, None) => {
            return Err(ScimError::invalid_value(
                "give the group's externalId: the directory's object id, which the council's group mappings name",
            ));
        }
    };
    Ok(ScimGroup {
        id: group_id,
        display_name: check_name("displayName", display_name)
            .map_err(|e| ScimError::invalid_value(e.to_string()))?,
        members: member_ids(&body["members"])?,
    })
}

/// `members[value eq "id"]`: the one member a path names.
fn member_in_path(path: &str) -> ScimResult<Option<ExternalId>> {
    let path = path.trim();
    let opens = path
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("members["));
    let Some(inner) = path
        .get(8..)
        .filter(|_| opens)
        .and_then(|p| p.strip_suffix(']'))
    else {
        return Ok(None);
    };
    match super::filter::member(inner)? {
        Some(value) => id(&value).map(Some),
        None => Err(ScimError::invalid_path(format!("{path} names no member"))),
    }
}

/// Carries out one operation on a group.
pub(crate) fn apply(group: &mut ScimGroup, o: &Operation<'_>) -> ScimResult<()> {
    let Some(path) = o.path else {
        // No path: the value's attributes, each as if named by a path.
        let object = o.value.as_object().into_iter().flatten();
        for (key, value) in object {
            apply(
                group,
                &Operation {
                    op: o.op,
                    path: Some(key),
                    value,
                },
            )?;
        }
        return Ok(());
    };
    let lower = path.trim().to_ascii_lowercase();
    if let Some(one) = member_in_path(path)? {
        if o.op != Op::Remove {
            return Err(ScimError::invalid_path(
                "a member is added with path members and its value",
            ));
        }
        group.members.remove(&one);
        return Ok(());
    }
    match (lower.as_str(), o.op) {
        ("members", Op::Add) => group.members.extend(member_ids(o.value)?),
        ("members", Op::Replace) => group.members = member_ids(o.value)?,
        ("members", Op::Remove) if o.value.is_null() => group.members.clear(),
        ("members", Op::Remove) => {
            for m in member_ids(o.value)? {
                group.members.remove(&m);
            }
        }
        ("displayname", Op::Add | Op::Replace) => {
            let name = o
                .value
                .as_str()
                .ok_or_else(|| ScimError::invalid_value("give the group's displayName as text"))?;
            group.display_name = check_name("displayName", name)
                .map_err(|e| ScimError::invalid_value(e.to_string()))?;
        }
        ("externalid", Op::Add | Op::Replace) if o.value.as_str() == Some(group.id.as_str()) => {}
        ("externalid" | "displayname", _) => {
            return Err(ScimError::new(
                axum::http::StatusCode::BAD_REQUEST,
                Some("mutability"),
                format!("{path} cannot be changed that way"),
            ));
        }
        _ => {
            return Err(ScimError::invalid_path(format!(
                "a group's {path} is not something Steward keeps"
            )));
        }
    }
    Ok(())
}

/// A group as SCIM's JSON, with or without its members.
pub(crate) fn json(group: &ScimGroup, members: bool) -> Value {
    let mut out = json!({
        "schemas": [GROUP],
        "id": group.id,
        "externalId": group.id,
        "displayName": group.display_name,
        "meta": {
            "resourceType": "Group",
            "location": format!("/scim/v2/Groups/{}", group.id),
        },
    });
    if members {
        out["members"] = group
            .members
            .iter()
            .map(|m| json!({ "value": m, "$ref": format!("/scim/v2/Users/{m}") }))
            .collect();
    }
    out
}

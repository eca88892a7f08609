//! Users in SCIM's JSON: reading a body or a patch into the attributes Steward keeps, and
//! writing a kept user back out.

use super::error::{ScimError, ScimResult};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use steward_domain::directory::scim::{ScimUser, VALUE_MAX, check_name};

pub(crate) const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub(crate) const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// The attributes Steward keeps, by their lower-cased path. Others are accepted and not kept.
pub(crate) const KEPT: [&str; 9] = [
    "externalid",
    "displayname",
    "name.givenname",
    "name.familyname",
    "emails",
    "usertype",
    "title",
    "employeenumber",
    "department",
];

/// A user being read or patched: the user name, whether active, and the kept attributes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Draft {
    pub user_name: Option<String>,
    pub active: bool,
    pub attributes: BTreeMap<String, String>,
}

impl Draft {
    pub fn of(user: &ScimUser) -> Self {
        Draft {
            user_name: Some(user.user_name.clone()),
            active: user.active,
            attributes: user.attributes.clone(),
        }
    }

    /// A whole user from a POST or PUT body.
    pub fn from_body(body: &Value) -> ScimResult<Self> {
        let object = body
            .as_object()
            .ok_or_else(|| ScimError::invalid_syntax("send the user as a JSON object"))?;
        let mut draft = Draft {
            active: true,
            ..Draft::default()
        };
        for (key, value) in object {
            if ["schemas", "id", "meta"].contains(&key.as_str()) {
                continue;
            }
            draft.assign(key, value)?;
        }
        Ok(draft)
    }

    /// The path without a schema's prefix, lower-cased: `name.givenname`, `employeenumber`.
    fn normal(path: &str) -> String {
        let lower = path.trim().to_ascii_lowercase();
        for urn in [ENTERPRISE, USER] {
            let prefix = format!("{}:", urn.to_ascii_lowercase());
            if let Some(rest) = lower.strip_prefix(&prefix) {
                return rest.to_string();
            }
        }
        lower
    }

    /// Sets what `path` names to `value`: a plain attribute, a complex one given whole
    /// (`name`, the enterprise extension, `emails`), or Entra ID's `emails[type eq "work"].value`.
    pub fn assign(&mut self, path: &str, value: &Value) -> ScimResult<()> {
        let path = Self::normal(path);
        match path.as_str() {
            "active" => self.active = boolean(value)?,
            "username" => self.user_name = Some(check_name("userName", &text(&path, value)?)?),
            "name" | "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user" => {
                let object = value
                    .as_object()
                    .ok_or_else(|| ScimError::invalid_value(format!("give {path} as an object")))?;
                let prefix = if path == "name" { "name." } else { "" };
                for (k, v) in object {
                    self.assign(&format!("{prefix}{k}"), v)?;
                }
            }
            "emails" if value.is_array() => match work_email(value) {
                Some(v) => self.set("emails", &text("emails", v)?)?,
                None => {
                    self.attributes.remove("emails");
                }
            },
            p if p.starts_with("emails") && value.is_null() => {
                self.attributes.remove("emails");
            }
            p if p.starts_with("emails") => self.set("emails", &text("emails", value)?)?,
            p if KEPT.contains(&p) => {
                if value.is_null() {
                    self.attributes.remove(p);
                } else {
                    self.set(p, &text(p, value)?)?;
                }
            }
            // Attributes Steward does not keep (phone numbers, addresses) are not stored.
            _ => {}
        }
        Ok(())
    }

    pub fn remove(&mut self, path: &str) -> ScimResult<()> {
        let path = Self::normal(path);
        match path.as_str() {
            "username" | "active" => Err(ScimError::new(
                axum::http::StatusCode::BAD_REQUEST,
                Some("mutability"),
                format!("{path} cannot be removed"),
            )),
            "name" => {
                self.attributes.retain(|k, _| !k.starts_with("name."));
                Ok(())
            }
            p if p.starts_with("emails") => {
                self.attributes.remove("emails");
                Ok(())
            }
            p => {
                self.attributes.remove(p);
                Ok(())
            }
        }
    }

    fn set(&mut self, key: &str, value: &str) -> ScimResult<()> {
        let value = value.trim();
        if value.chars().count() > VALUE_MAX {
            return Err(ScimError::invalid_value(format!(
                "{key} is longer than {VALUE_MAX} characters"
            )));
        }
        steward_domain::text::check_one_line(key, value)
            .map_err(|e| ScimError::invalid_value(e.to_string()))?;
        if value.is_empty() {
            self.attributes.remove(key);
        } else {
            self.attributes.insert(key.to_string(), value.to_string());
        }
        Ok(())
    }
}

/// The address Entra ID marks primary, else the work one, else the first.
fn work_email(emails: &Value) -> Option<&Value> {
    let list = emails.as_array()?;
    let pick = |test: &dyn Fn(&Value) -> bool| list.iter().find(|e| test(e));
    pick(&|e| boolean(&e["primary"]).unwrap_or(false))
        .or_else(|| pick(&|e| e["type"].as_str() == Some("work")))
        .or_else(|| list.first())
        .map(|e| &e["value"])
}

/// A boolean as SCIM sends it, or as Entra ID does: `"True"`, `"False"`.
pub(crate) fn boolean(value: &Value) -> ScimResult<bool> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ScimError::invalid_value(format!(
            "{value} is not true or false"
        ))),
    }
}

fn text(path: &str, value: &Value) -> ScimResult<String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(ScimError::invalid_value(format!("give {path} as text"))),
    }
}

/// A kept user as SCIM's JSON.
pub(crate) fn json(user: &ScimUser) -> Value {
    let a = |k: &str| user.attributes.get(k).cloned();
    let mut out = Map::new();
    out.insert("schemas".into(), json!([USER, ENTERPRISE]));
    out.insert("id".into(), json!(user.id));
    if let Some(v) = a("externalid") {
        out.insert("externalId".into(), json!(v));
    }
    out.insert("userName".into(), json!(user.user_name));
    out.insert("active".into(), json!(user.active));
    for (key, name) in [
        ("displayname", "displayName"),
        ("usertype", "userType"),
        ("title", "title"),
    ] {
        if let Some(v) = a(key) {
            out.insert(name.into(), json!(v));
        }
    }
    let mut name = Map::new();
    for (key, field) in [
        ("name.givenname", "givenName"),
        ("name.familyname", "familyName"),
    ] {
        if let Some(v) = a(key) {
            name.insert(field.into(), json!(v));
        }
    }
    if !name.is_empty() {
        out.insert("name".into(), Value::Object(name));
    }
    if let Some(v) = a("emails") {
        out.insert(
            "emails".into(),
            json!([{ "value": v, "type": "work", "primary": true }]),
        );
    }
    let mut enterprise = Map::new();
    for (key, field) in [
        ("employeenumber", "employeeNumber"),
        ("department", "department"),
    ] {
        if let Some(v) = a(key) {
            enterprise.insert(field.into(), json!(v));
        }
    }
    if !enterprise.is_empty() {
        out.insert(ENTERPRISE.into(), Value::Object(enterprise));
    }
    out.insert(
        "meta".into(),
        json!({
            "resourceType": "User",
            "location": format!("/scim/v2/Users/{}", user.id),
        }),
    );
    Value::Object(out)
}

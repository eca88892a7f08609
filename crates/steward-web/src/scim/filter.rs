//! The filters Entra ID sends: one attribute, `eq`, one quoted value. Anything else is refused
//! as `invalidFilter` rather than guessed at.

use super::error::{ScimError, ScimResult};
use steward_domain::directory::scim::{GroupFilter, NAME_MAX, UserFilter};

/// `attribute eq "value"`, the attribute lower-cased.
fn parse(filter: &str) -> ScimResult<(String, String)> {
    let bad = || {
        ScimError::invalid_filter(format!(
            "the filter {filter:?} is not one Steward answers: give attribute eq \"value\""
        ))
    };
    if filter.len() > 2 * NAME_MAX {
        return Err(bad());
    }
    let filter = filter.trim();
    let (attribute, rest) = filter.split_once(char::is_whitespace).ok_or_else(bad)?;
    let (op, value) = rest
        .trim_start()
        .split_once(char::is_whitespace)
        .ok_or_else(bad)?;
    if !op.eq_ignore_ascii_case("eq") {
        return Err(bad());
    }
    let value = value.trim();
    let inner = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .ok_or_else(bad)?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next().ok_or_else(bad)?),
            '"' => return Err(bad()),
            c => out.push(c),
        }
    }
    Ok((attribute.to_ascii_lowercase(), out))
}

/// The id in a member path's filter, `value eq "id"`.
pub(crate) fn member(filter: &str) -> ScimResult<Option<String>> {
    let (attribute, value) = parse(filter)?;
    Ok((attribute == "value").then_some(value))
}

pub(crate) fn users(filter: Option<&str>) -> ScimResult<UserFilter> {
    let Some(filter) = filter.filter(|f| !f.trim().is_empty()) else {
        return Ok(UserFilter::All);
    };
    let (attribute, value) = parse(filter)?;
    match attribute.as_str() {
        "username" => Ok(UserFilter::UserName(value)),
        "externalid" | "id" => Ok(UserFilter::ExternalId(value)),
        _ => Err(ScimError::invalid_filter(format!(
            "users are filtered by userName or externalId, not {attribute}"
        ))),
    }
}

pub(crate) fn groups(filter: Option<&str>) -> ScimResult<GroupFilter> {
    let Some(filter) = filter.filter(|f| !f.trim().is_empty()) else {
        return Ok(GroupFilter::All);
    };
    let (attribute, value) = parse(filter)?;
    match attribute.as_str() {
        "displayname" => Ok(GroupFilter::DisplayName(value)),
        "externalid" | "id" => Ok(GroupFilter::ExternalId(value)),
        _ => Err(ScimError::invalid_filter(format!(
            "groups are filtered by displayName or externalId, not {attribute}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_entra_sends_are_read_and_others_refused() {
        assert_eq!(
            users(Some(r#"userName eq "ada@wexcombe.example""#)).unwrap(),
            UserFilter::UserName("ada@wexcombe.example".into())
        );
        assert_eq!(
            users(Some(r#"externalId EQ "a \"quoted\" id""#)).unwrap(),
            UserFilter::ExternalId(r#"a "quoted" id"#.into())
        );
        assert_eq!(
            groups(Some(r#"displayName eq "Councillors""#)).unwrap(),
            GroupFilter::DisplayName("Councillors".into())
        );
        for bad in [
            r#"userName co "ada""#,
            r#"title eq "x""#,
            "userName eq ada",
            r#"userName eq "a" and active eq true"#,
        ] {
            let e = users(Some(bad)).unwrap_err();
            assert_eq!(e.scim_type, Some("invalidFilter"), "{bad}");
        }
    }
}

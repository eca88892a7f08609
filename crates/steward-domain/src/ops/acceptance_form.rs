//! The printable acceptance form: the policy in force, pre-filled for one person, with a form
//! reference that names the council, the person and the policy version and carries a check
//! of them all. When the signed form comes back the reference is typed in, checked against the
//! person and the version in force, and the signature recorded as a paper form.

use super::acceptance::{self, Signature};
use super::{people, policy};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::PersonRef;
use crate::records::{Acceptance, Council};
use crate::repo::RegisterTx;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use steward_policy::Citation;
use steward_policy::decide::{Gate, Refusal};

/// Everything the printed form shows.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AcceptanceForm {
    pub council: String,
    pub person: PersonRef,
    pub name: String,
    /// The form's own name in the pack ("Member acceptance form").
    pub form: String,
    pub policy_title: String,
    pub policy_version: i64,
    /// The document's own version label and adoption date.
    pub policy_label: String,
    pub policy_adopted: NaiveDate,
    /// The day this version took effect in the register.
    pub effective_from: NaiveDate,
    pub pack_hash: String,
    /// The text being signed, as Markdown.
    pub text: String,
    /// Where the signed form goes back to.
    pub return_to: Option<String>,
    pub citation: Citation,
    pub reference: String,
}

/// The check: eight hex digits of a digest over what the reference names and the exact
/// version signed, so a mistyped or invented reference is caught.
fn check(slug: &str, person: &str, version: i64, hash: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        "steward acceptance form",
        &slug.to_ascii_uppercase(),
        &person.to_ascii_uppercase(),
        &version.to_string(),
        hash,
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())[..8].to_ascii_uppercase()
}

/// `COUNCIL/PERSON/Vn/CHECK`, e.g. `FENWOLD-BOROUGH/M1/V1/3F9A0C2B`.
pub fn form_reference(slug: &str, person: &str, version: i64, hash: &str) -> String {
    format!(
        "{}/{}/V{version}/{}",
        slug.to_ascii_uppercase(),
        person,
        check(slug, person, version, hash)
    )
}

/// The parts of a reference as typed.
struct Parts {
    slug: String,
    person: String,
    version: i64,
    check: String,
}

fn parse(text: &str) -> Option<Parts> {
    let parts: Vec<&str> = text.trim().split('/').map(str::trim).collect();
    let [slug, person, version, check] = parts.as_slice() else {
        return None;
    };
    let version = version
        .strip_prefix(['V', 'v'])
        .unwrap_or(version)
        .parse()
        .ok()?;
    Some(Parts {
        slug: slug.to_string(),
        person: person.to_string(),
        version,
        check: check.to_ascii_uppercase(),
    })
}

/// The form for `person` under the policy in force today.
pub async fn form<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    person: &PersonRef,
) -> DomainResult<AcceptanceForm> {
    let person = people::find(tx, council, person).await?;
    let active = policy::require(tx, council, ctx.today).await?;
    let Some(rule) = &active.pack.acceptance else {
        return Err(DomainError::Refused {
            action: "print the form",
            refusals: vec![Refusal {
                gate: Gate::NoProvision,
                message: format!("{} asks for no signature", active.pack.pack.title),
                citation: None,
            }],
        });
    };
    if !active.pack.scope.kinds.contains(&person.kind) {
        let pack = &active.pack;
        return Err(DomainError::Refused {
            action: "print the form",
            refusals: vec![Refusal {
                gate: Gate::Scope,
                message: format!("{} is not covered by {}", person.name, pack.pack.title),
                citation: Some(Citation::new(pack, &pack.scope.clause)),
            }],
        });
    }
    let v = &active.version;
    Ok(AcceptanceForm {
        council: council.name.clone(),
        reference: form_reference(
            council.slug.as_str(),
            person.reference.as_str(),
            v.number,
            &v.hash,
        ),
        person: person.reference,
        name: person.name,
        form: rule.form.clone(),
        policy_title: active.pack.pack.title.clone(),
        policy_version: v.number,
        policy_label: active.pack.pack.version.clone(),
        policy_adopted: active.pack.pack.adopted,
        effective_from: v.effective_from,
        pack_hash: v.hash.clone(),
        text: v.acceptance_text.clone(),
        return_to: rule.return_to.as_ref().map(|o| active.pack.office_name(o)),
        citation: Citation::new(&active.pack, &rule.clause),
    })
}

/// Checks a returned form's reference: it must be one Steward printed, for `person` when one
/// is named, and for the version in force today. Answers the person it was printed for.
pub async fn check_reference<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    reference: &str,
    person: Option<&PersonRef>,
) -> DomainResult<PersonRef> {
    let bad = |message: String| DomainError::invalid("reference", message);
    let parts = parse(reference).ok_or_else(|| {
        bad(format!(
            "'{}' is not a form reference; it is printed at the top of the form, like {}/M1/V1/3F9A0C2B",
            reference.trim(),
            council.slug.as_str().to_ascii_uppercase()
        ))
    })?;
    if !parts.slug.eq_ignore_ascii_case(council.slug.as_str()) {
        return Err(bad(format!(
            "this form was printed for another council ({}), not {}",
            parts.slug, council.name
        )));
    }
    let printed = tx
        .person_by_ref(
            council.id,
            &parts.person.parse().map_err(|_| {
                bad(format!(
                    "'{}' in the reference is not a person reference",
                    parts.person
                ))
            })?,
        )
        .await?;
    let version = policy::version(tx, council, parts.version)
        .await
        .map_err(|_| {
            bad(format!(
                "no policy version {} was ever adopted",
                parts.version
            ))
        })?;
    let printed = match printed {
        Some(p)
            if check(
                council.slug.as_str(),
                p.reference.as_str(),
                version.number,
                &version.hash,
            ) == parts.check =>
        {
            p
        }
        _ => {
            return Err(bad(
                "the reference does not check out: a character is mistyped, or the form was not printed by Steward"
                    .into(),
            ));
        }
    };
    if let Some(person) = person {
        let named = people::find(tx, council, person).await?;
        if named.id != printed.id {
            return Err(bad(format!(
                "this form was printed for {} ({}), not for {} ({})",
                printed.name, printed.reference, named.name, named.reference
            )));
        }
    }
    let active = policy::require(tx, council, ctx.today).await?;
    if active.version.number != version.number {
        return Err(bad(format!(
            "this form is for version {} of the policy; version {} has been in force since {}: \
             print a new form for {} to sign",
            version.number, active.version.number, active.version.effective_from, printed.reference
        )));
    }
    Ok(printed.reference)
}

/// Records a returned paper form by its reference, checked first.
pub async fn record_returned<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    reference: &str,
    person: Option<&PersonRef>,
    signed_on: NaiveDate,
    recorded_by: PersonRef,
) -> DomainResult<Acceptance> {
    let person = check_reference(tx, ctx, council, reference, person).await?;
    acceptance::sign(
        tx,
        ctx,
        council,
        &person,
        Signature::Paper {
            signed_on,
            recorded_by,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_round_trip_and_catch_changes() {
        let r = form_reference("fenwold-borough", "M1", 2, "abc");
        assert!(r.starts_with("FENWOLD-BOROUGH/M1/V2/"), "{r}");
        let p = parse(&r.to_lowercase()).unwrap();
        assert_eq!(p.version, 2);
        assert_eq!(p.check, check("fenwold-borough", "m1", 2, "abc"));
        assert_ne!(p.check, check("fenwold-borough", "M2", 2, "abc"));
        assert_ne!(p.check, check("fenwold-borough", "M1", 2, "abd"));
        assert!(parse("M1").is_none());
    }
}

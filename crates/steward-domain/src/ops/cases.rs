//! Breach cases: raised by anyone (or anonymously), handled by the offices the pack names for
//! the subject's audience, escalated where the pack sends serious cases, and closed with an
//! outcome the pack provides for. Only handlers and auditors see a case, and every look at one
//! is itself recorded in the audit trail.

use super::{audit, loans, people, policy, users};
use crate::auth::{MemberAccess, OfficerAccess, Principal};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::{AssetTag, PersonRef};
use crate::records::{Council, Person};
use crate::workflow::*;
use serde::{Deserialize, Serialize};
use steward_policy::cases::{CaseRoute, case_route, outcome_allowed};
use steward_policy::model::Outcome;
use steward_policy::{Citation, OfficeId};

/// Who raises a concern.
pub enum Raiser<'a> {
    Member(&'a MemberAccess),
    Officer(&'a OfficerAccess),
    /// Nobody named: the whistleblowing route.
    Anonymous,
}

#[derive(Clone, Debug)]
pub struct Concern {
    /// Whom it is about, when the raiser names someone.
    pub subject: Option<PersonRef>,
    pub summary: String,
    pub details: String,
}

fn denied(d: crate::auth::Denied) -> DomainError {
    DomainError::Forbidden(d.0.to_string())
}

fn not_found(id: i64) -> DomainError {
    DomainError::not_found("case", id)
}

async fn find<T: WorkflowTx>(tx: &mut T, council: &Council, id: i64) -> DomainResult<Case> {
    match tx.case(council.id, id).await? {
        Some(c) if c.council_id == council.id => Ok(c),
        _ => Err(not_found(id)),
    }
}

/// Raises a case. The handlers are fixed now, from the policy in force.
pub async fn raise<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    raiser: Raiser<'_>,
    concern: Concern,
) -> DomainResult<Case> {
    if concern.summary.trim().is_empty() {
        return Err(DomainError::invalid(
            "summary",
            "say briefly what the concern is",
        ));
    }
    crate::text::check_free("summary", &concern.summary)?;
    let subject = match &concern.subject {
        Some(r) => Some(people::find(tx, council, r).await?),
        None => None,
    };
    let active = policy::require(tx, council, ctx.today).await?;
    let route = case_route(&active.pack, subject.as_ref().map(|p| p.kind)).map_err(|r| {
        DomainError::Refused {
            action: "case",
            refusals: vec![r],
        }
    })?;
    let (reporter_id, source) = match raiser {
        Raiser::Member(m) => (Some(m.person_id), CaseSource::Report),
        Raiser::Officer(o) => (o.person_id, CaseSource::Report),
        Raiser::Anonymous => (None, CaseSource::Anonymous),
    };
    let new = NewCase {
        subject_id: subject.as_ref().map(|p| p.id),
        reporter_id,
        source,
        summary: concern.summary.trim().to_string(),
        details: concern.details.trim().to_string(),
        handlers: route.handlers.clone(),
        clause: route.citation.clause.clone(),
        document: route.citation.document.clone(),
        created_at: ctx.now,
    };
    // An anonymous concern names no one in the trail either.
    let anonymous_ctx;
    let ctx = if source == CaseSource::Anonymous {
        anonymous_ctx = Ctx::new("anonymous", ctx.now, ctx.today);
        &anonymous_ctx
    } else {
        ctx
    };
    let case = tx.insert_case(council.id, &new).await?;
    // The trail shows that a case exists and where it went, not what it says or who raised it.
    let trail = serde_json::json!({
        "handlers": case.handlers,
        "source": case.source,
        "clause": case.clause,
    });
    audit(
        tx,
        ctx,
        council.id,
        "case.raise",
        "case",
        case.id,
        super::NONE,
        Some(&trail),
    )
    .await?;
    Ok(case)
}

/// A case as its handlers and auditors read it.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CaseView {
    #[serde(flatten)]
    pub case: Case,
    pub subject: Option<super::requests::PersonBrief>,
    pub reporter: Option<super::requests::PersonBrief>,
    pub handler_names: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CaseDetail {
    pub view: CaseView,
    pub notes: Vec<CaseNote>,
    /// Where serious cases go on to, with the words the policy uses.
    pub escalation: Option<steward_policy::cases::EscalationRule>,
    /// Outcomes this case may end in, each with its clause.
    pub outcomes: Vec<OutcomeChoice>,
    pub may_handle: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OutcomeChoice {
    pub outcome: Outcome,
    pub words: String,
    pub citation: Citation,
}

async fn brief<T: WorkflowTx>(
    tx: &mut T,
    council_id: i64,
    id: Option<i64>,
) -> DomainResult<Option<super::requests::PersonBrief>> {
    Ok(match id {
        Some(id) => tx
            .person(council_id, id)
            .await?
            .map(|p| super::requests::PersonBrief {
                reference: p.reference,
                name: p.name,
            }),
        None => None,
    })
}

async fn view<T: WorkflowTx>(tx: &mut T, council: &Council, case: Case) -> DomainResult<CaseView> {
    let subject = brief(tx, case.council_id, case.subject_id).await?;
    let reporter = brief(tx, case.council_id, case.reporter_id).await?;
    let names = match policy::in_force(tx, council, case.created_at.date_naive()).await? {
        Some(active) => case
            .handlers
            .iter()
            .map(|h| active.pack.office_name(h))
            .collect(),
        None => case.handlers.iter().map(ToString::to_string).collect(),
    };
    Ok(CaseView {
        case,
        subject,
        reporter,
        handler_names: names,
    })
}

async fn route_now<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    case: &Case,
) -> DomainResult<(steward_policy::Pack, CaseRoute)> {
    let active = policy::require(tx, council, ctx.today).await?;
    let subject_kind = match case.subject_id {
        Some(id) => tx.person(council.id, id).await?.map(|p| p.kind),
        None => None,
    };
    let route = case_route(&active.pack, subject_kind).map_err(|r| DomainError::Refused {
        action: "case",
        refusals: vec![r],
    })?;
    Ok(((*active.pack).clone(), route))
}

/// Opens a case for reading. Every look is recorded in the audit trail, by whom and when.
pub async fn open<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    id: i64,
) -> DomainResult<CaseDetail> {
    let case = find(tx, council, id).await?;
    if !principal.may_see_case(&case) {
        return Err(not_found(id));
    }
    audit(
        tx,
        ctx,
        council.id,
        "case.view",
        "case",
        case.id,
        super::NONE,
        super::NONE,
    )
    .await?;
    let may_handle = principal.case_handler(&case).is_ok() && case.state != CaseState::Closed;
    let (pack, route) = route_now(tx, ctx, council, &case).await?;
    let mut outcomes = Vec::new();
    for outcome in [
        Outcome::NoAction,
        Outcome::Advice,
        Outcome::RestrictSoftware,
        Outcome::RemoveInformation,
        Outcome::WithdrawAccess,
        Outcome::ReplacementCharge,
        Outcome::Disciplinary,
        Outcome::CodeOfConductComplaint,
        Outcome::Police,
    ] {
        if let Ok(citation) = outcome_allowed(&pack, outcome, &route) {
            outcomes.push(OutcomeChoice {
                outcome,
                words: steward_policy::cases::outcome_words(outcome).to_string(),
                citation,
            });
        }
    }
    let notes = tx.case_notes(council.id, case.id).await?;
    Ok(CaseDetail {
        view: view(tx, council, case).await?,
        notes,
        escalation: route.escalation,
        outcomes,
        may_handle,
    })
}

async fn save<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    before: &Case,
    after: &Case,
    action: &str,
    trail: serde_json::Value,
) -> DomainResult<()> {
    tx.update_case(after).await?;
    let _ = before;
    audit(
        tx,
        ctx,
        after.council_id,
        action,
        "case",
        after.id,
        super::NONE,
        Some(&trail),
    )
    .await
}

fn still_open(case: &Case) -> DomainResult<()> {
    if case.state == CaseState::Closed {
        return Err(DomainError::Conflict {
            field: "state".into(),
            message: format!("case {} is closed", case.id),
        });
    }
    Ok(())
}

/// A handler's note.
pub async fn note<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    id: i64,
    text: &str,
) -> DomainResult<CaseNote> {
    let case = find(tx, council, id).await?;
    if !principal.may_see_case(&case) {
        return Err(not_found(id));
    }
    principal.case_handler(&case).map_err(denied)?;
    still_open(&case)?;
    if text.trim().is_empty() {
        return Err(DomainError::invalid("note", "write the note"));
    }
    crate::text::check_free("note", text)?;
    let note = tx
        .insert_case_note(council.id, case.id, ctx.now, &ctx.actor, text.trim())
        .await?;
    audit(
        tx,
        ctx,
        council.id,
        "case.note",
        "case",
        case.id,
        super::NONE,
        Some(&serde_json::json!({ "note": note.id })),
    )
    .await?;
    Ok(note)
}

/// A handler judges the case serious and refers it on where the policy sends serious cases.
pub async fn escalate<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    id: i64,
    reason: &str,
) -> DomainResult<Case> {
    let case = find(tx, council, id).await?;
    if !principal.may_see_case(&case) {
        return Err(not_found(id));
    }
    principal.case_handler(&case).map_err(denied)?;
    still_open(&case)?;
    if case.state == CaseState::Escalated {
        return Err(DomainError::Conflict {
            field: "state".into(),
            message: format!("case {} has already been escalated", case.id),
        });
    }
    if reason.trim().is_empty() {
        return Err(DomainError::invalid(
            "reason",
            "say why the case is serious enough to go on",
        ));
    }
    crate::text::check_free("reason", reason)?;
    let (_, route) = route_now(tx, ctx, council, &case).await?;
    let Some(rule) = route.escalation else {
        return Err(DomainError::Refused {
            action: "escalate",
            refusals: vec![steward_policy::decide::Refusal {
                gate: steward_policy::decide::Gate::NoProvision,
                message: "The policy names nowhere for serious cases to go on to".into(),
                citation: None,
            }],
        });
    };
    let after = Case {
        state: CaseState::Escalated,
        escalated_to: Some(rule.to.clone()),
        escalation_clause: Some(rule.citation.clause.clone()),
        escalated_at: Some(ctx.now),
        ..case.clone()
    };
    let trail = serde_json::json!({ "escalated_to": rule.to, "clause": rule.citation.clause });
    save(tx, ctx, &case, &after, "case.escalate", trail).await?;
    let text = format!(
        "Escalated to {} ({}): {}",
        rule.to_name,
        rule.citation,
        reason.trim()
    );
    tx.insert_case_note(council.id, case.id, ctx.now, &ctx.actor, &text)
        .await?;
    Ok(after)
}

/// What closing a case with an outcome needs besides the outcome.
#[derive(Clone, Debug, Default)]
pub struct OutcomeDetails {
    pub note: String,
    /// The item a restriction or a replacement charge is about.
    pub equipment: Option<AssetTag>,
}

/// What an outcome did, in sentences.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Closed {
    pub case: Case,
    pub done: Vec<String>,
}

/// Closes the case with an outcome the policy provides for, and carries the outcome out:
/// withdrawing access ends the subject's sessions, disables their member accounts and stops
/// anything more being lent to them; a replacement charge is raised on the item's loan; a
/// restriction is recorded against the item.
pub async fn close<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    id: i64,
    outcome: Outcome,
    details: OutcomeDetails,
) -> DomainResult<Closed> {
    let case = find(tx, council, id).await?;
    if !principal.may_see_case(&case) {
        return Err(not_found(id));
    }
    principal.case_handler(&case).map_err(denied)?;
    still_open(&case)?;
    if details.note.trim().is_empty() {
        return Err(DomainError::invalid(
            "note",
            "record the reasons for the outcome",
        ));
    }
    crate::text::check_free("note", &details.note)?;
    let (pack, route) = route_now(tx, ctx, council, &case).await?;
    let citation = outcome_allowed(&pack, outcome, &route).map_err(|r| DomainError::Refused {
        action: "outcome",
        refusals: vec![r],
    })?;
    let subject = match case.subject_id {
        Some(id) => tx.person(council.id, id).await?,
        None => None,
    };
    let done = carry_out(
        tx,
        ctx,
        council,
        &case,
        subject.as_ref(),
        outcome,
        &citation,
        &details,
    )
    .await?;
    let after = Case {
        state: CaseState::Closed,
        outcome: Some(outcome),
        outcome_clause: Some(citation.clause.clone()),
        outcome_note: Some(details.note.trim().to_string()),
        closed_at: Some(ctx.now),
        ..case.clone()
    };
    let trail = serde_json::json!({ "outcome": outcome, "clause": citation.clause });
    save(tx, ctx, &case, &after, "case.close", trail).await?;
    Ok(Closed { case: after, done })
}

fn needs_subject(subject: Option<&Person>, outcome: Outcome) -> DomainResult<&Person> {
    subject.ok_or_else(|| {
        DomainError::invalid(
            "outcome",
            format!(
                "{} needs a case about a named person",
                steward_policy::cases::outcome_words(outcome)
            ),
        )
    })
}

#[allow(clippy::too_many_arguments)]
async fn carry_out<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    case: &Case,
    subject: Option<&Person>,
    outcome: Outcome,
    citation: &Citation,
    details: &OutcomeDetails,
) -> DomainResult<Vec<String>> {
    let mut done = Vec::new();
    match outcome {
        Outcome::WithdrawAccess => {
            let person = needs_subject(subject, outcome)?;
            let stored = tx
                .insert_withdrawal(&Withdrawal {
                    id: 0,
                    council_id: council.id,
                    person_id: person.id,
                    case_id: case.id,
                    from: ctx.today,
                    clause: citation.clause.clone(),
                    document: citation.document.clone(),
                    lifted_on: None,
                })
                .await?;
            audit(
                tx,
                ctx,
                council.id,
                "access.withdraw",
                "person",
                &person.reference,
                super::NONE,
                Some(&stored),
            )
            .await?;
            for a in users::withdraw_access(tx, ctx, person).await? {
                done.push(format!(
                    "Account {}: {} session(s) ended{}.",
                    a.username,
                    a.sessions_ended,
                    if a.disabled { ", disabled" } else { "" }
                ));
            }
            done.push(format!(
                "Nothing more can be lent to {} while access is withdrawn ({citation}).",
                person.name
            ));
        }
        Outcome::ReplacementCharge => {
            let person = needs_subject(subject, outcome)?;
            let tag = details.equipment.as_ref().ok_or_else(|| {
                DomainError::invalid("equipment", "say which item the charge is for")
            })?;
            let item = super::equipment::find(tx, council, tag).await?;
            let loan = tx
                .loans_of_person(council.id, person.id)
                .await?
                .into_iter()
                .filter(|l| l.equipment_id == item.id)
                .max_by_key(|l| l.issued_on)
                .ok_or_else(|| {
                    DomainError::invalid(
                        "equipment",
                        format!("{tag} was never lent to {}", person.name),
                    )
                })?;
            let charge = loans::charge_for(
                tx,
                ctx,
                council,
                &loan,
                item.replacement_cost,
                &citation.clause,
            )
            .await?;
            done.push(format!(
                "A charge of {} is raised for {tag} ({citation}).",
                charge.amount
            ));
        }
        Outcome::RestrictSoftware | Outcome::RemoveInformation => {
            let tag = details.equipment.as_ref().ok_or_else(|| {
                DomainError::invalid("equipment", "say which item the restriction is on")
            })?;
            let item = super::equipment::find(tx, council, tag).await?;
            let stored = tx
                .insert_restriction(&Restriction {
                    id: 0,
                    council_id: council.id,
                    equipment_id: item.id,
                    case_id: case.id,
                    outcome,
                    note: details.note.trim().to_string(),
                    on: ctx.today,
                    clause: citation.clause.clone(),
                })
                .await?;
            audit(
                tx,
                ctx,
                council.id,
                "equipment.restrict",
                "equipment",
                &item.asset_tag,
                super::NONE,
                Some(&stored),
            )
            .await?;
            done.push(format!(
                "Recorded against {tag}: {} ({citation}).",
                steward_policy::cases::outcome_words(outcome)
            ));
        }
        Outcome::NoAction
        | Outcome::Advice
        | Outcome::Disciplinary
        | Outcome::CodeOfConductComplaint
        | Outcome::Police => {
            done.push(format!(
                "Closed with {} ({citation}).",
                steward_policy::cases::outcome_words(outcome)
            ));
        }
    }
    Ok(done)
}

/// The withdrawal of access in force for a person on a day, with its clause: a gate on lending.
pub async fn withdrawn<T: WorkflowTx>(
    tx: &mut T,
    council_id: i64,
    person_id: i64,
    on: chrono::NaiveDate,
) -> DomainResult<Option<Withdrawal>> {
    Ok(tx
        .withdrawals(council_id, person_id)
        .await?
        .into_iter()
        .find(|w| w.from <= on && w.lifted_on.is_none_or(|l| on < l)))
}

/// A handler of the case that withdrew someone's access restores it. Their member accounts
/// stay disabled until an administrator enables them.
pub async fn restore_access<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    case_id: i64,
) -> DomainResult<Withdrawal> {
    let case = find(tx, council, case_id).await?;
    if !principal.may_see_case(&case) {
        return Err(not_found(case_id));
    }
    principal.case_handler(&case).map_err(denied)?;
    let Some(person_id) = case.subject_id else {
        return Err(DomainError::invalid("case", "this case names nobody"));
    };
    let found = tx
        .withdrawals(council.id, person_id)
        .await?
        .into_iter()
        .find(|w| w.case_id == case.id && w.lifted_on.is_none())
        .ok_or_else(|| DomainError::Conflict {
            field: "case".into(),
            message: "no withdrawal of access from this case is in force".into(),
        })?;
    tx.lift_withdrawal(council.id, found.id, ctx.today).await?;
    let after = Withdrawal {
        lifted_on: Some(ctx.today),
        ..found.clone()
    };
    audit(
        tx,
        ctx,
        council.id,
        "access.restore",
        "case",
        case.id,
        Some(&found),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// The offices a person's concern would go to, for the form that raises one.
pub async fn handlers_for<T: WorkflowTx>(
    tx: &mut T,
    council: &Council,
    on: chrono::NaiveDate,
    subject: Option<&Person>,
) -> DomainResult<(Vec<String>, Citation)> {
    let active = policy::require(tx, council, on).await?;
    let route =
        case_route(&active.pack, subject.map(|p| p.kind)).map_err(|r| DomainError::Refused {
            action: "case",
            refusals: vec![r],
        })?;
    let names = route
        .handlers
        .iter()
        .map(|h: &OfficeId| active.pack.office_name(h))
        .collect();
    Ok((names, route.citation))
}

/// Opens the case a serious monitoring finding calls for, routed by the pack's `[breaches]`
/// for the kind of person it is about. None when the pack routes no case for them.
pub async fn open_from_monitoring<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    subject_id: Option<i64>,
    summary: &str,
    details: &str,
) -> DomainResult<Option<Case>> {
    let subject = match subject_id {
        Some(id) => tx.person(council.id, id).await?,
        None => None,
    };
    let active = policy::require(tx, council, ctx.today).await?;
    let Ok(route) = case_route(&active.pack, subject.as_ref().map(|p| p.kind)) else {
        return Ok(None);
    };
    let new = NewCase {
        subject_id: subject.as_ref().map(|p| p.id),
        reporter_id: None,
        source: CaseSource::Monitoring,
        summary: summary.to_string(),
        details: details.to_string(),
        handlers: route.handlers.clone(),
        clause: route.citation.clause.clone(),
        document: route.citation.document.clone(),
        created_at: ctx.now,
    };
    let case = tx.insert_case(council.id, &new).await?;
    let trail = serde_json::json!({
        "handlers": case.handlers,
        "source": case.source,
        "clause": case.clause,
    });
    audit(
        tx,
        ctx,
        council.id,
        "case.raise",
        "case",
        case.id,
        super::NONE,
        Some(&trail),
    )
    .await?;
    Ok(Some(case))
}

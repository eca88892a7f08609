//! What a request does to the register: at once when raised (a lost item), when approved (a
//! longer loan, authorised software, a web exception) and when resolved (a recorded erasure).

use super::super::{audit, loans};
use super::wipeable;
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::records::{Council, Equipment, Loan, Person};
use crate::workflow::*;
use steward_policy::EquipmentState;
use steward_policy::model::ReportKind;

/// Acts on a report the moment it is raised; returns what was done, in sentences.
pub(super) async fn on_raise<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    request: &Request,
    requester: &Option<Person>,
    item: &Option<Equipment>,
    loan: &Option<Loan>,
) -> DomainResult<Vec<String>> {
    let mut done = Vec::new();
    let who = requester
        .as_ref()
        .map(|p| p.name.clone())
        .unwrap_or_else(|| "the holder".into());
    match (request.kind.report(), &request.details) {
        (Some(ReportKind::LostOrStolen), RequestDetails::Loss { stolen, .. }) => {
            let Some(item) = item else {
                return Ok(done);
            };
            let state = if *stolen {
                EquipmentState::Stolen
            } else {
                EquipmentState::Lost
            };
            let after = Equipment {
                state,
                ..item.clone()
            };
            tx.update_equipment(&after).await?;
            audit(
                tx,
                ctx,
                council.id,
                "equipment.state",
                "equipment",
                &item.asset_tag,
                Some(item),
                Some(&after),
            )
            .await?;
            done.push(format!(
                "{} is recorded as {}.",
                item.asset_tag,
                state.as_str()
            ));
            if let Some(loan) = loan {
                let ended = Loan {
                    returned_on: Some(ctx.today),
                    ended_as: Some(state),
                    ..loan.clone()
                };
                tx.update_loan(&ended).await?;
                audit(
                    tx,
                    ctx,
                    council.id,
                    "loan.end",
                    "loan",
                    loan.id,
                    Some(loan),
                    Some(&ended),
                )
                .await?;
                done.push(format!("Loan {} has ended.", loan.id));
            }
            let mut tasks = vec![format!("Reset the passwords and end the sessions of {who}")];
            if wipeable(item.kind) {
                tasks.push(format!("Record the remote wipe of {}", item.asset_tag));
            }
            for title in tasks {
                tx.insert_request_task(council.id, request.id, &title)
                    .await?;
                done.push(format!("Follow-up opened: {title}."));
            }
        }
        (Some(ReportKind::CompromisedLogin), _) => {
            let title = format!("Reset the passwords and end the sessions of {who}");
            tx.insert_request_task(council.id, request.id, &title)
                .await?;
            done.push(format!("Follow-up opened: {title}."));
        }
        (Some(ReportKind::Erasure), _) => {
            if let Some(item) = item
                && item.state != EquipmentState::AwaitingErasure
                && loan.is_none()
            {
                let after = Equipment {
                    state: EquipmentState::AwaitingErasure,
                    ..item.clone()
                };
                tx.update_equipment(&after).await?;
                audit(
                    tx,
                    ctx,
                    council.id,
                    "equipment.state",
                    "equipment",
                    &item.asset_tag,
                    Some(item),
                    Some(&after),
                )
                .await?;
                done.push(format!("{} is awaiting erasure.", item.asset_tag));
            }
        }
        _ => {}
    }
    Ok(done)
}

/// Does what an approved request asked for; returns a sentence saying what.
pub(super) async fn on_approved<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    request: &Request,
    approvals: &[RequestApproval],
) -> DomainResult<String> {
    match &request.details {
        RequestDetails::Extension { until } => {
            let loan_id = request
                .loan_id
                .ok_or_else(|| DomainError::invalid("loan", "this request is about no loan"))?;
            let mut refs = Vec::new();
            for a in approvals.iter().filter(|a| a.decision == Decision::Approve) {
                if let Some(p) = tx.person(council.id, a.person_id).await?
                    && !refs.contains(&p.reference)
                {
                    refs.push(p.reference);
                }
            }
            let granted =
                loans::extend(tx, ctx, council, loan_id, *until, &refs, &request.summary).await?;
            Ok(format!(
                "Loan {loan_id} now runs to {}.",
                steward_policy::long_date(granted.new_due)
            ))
        }
        RequestDetails::Software { name, .. } => {
            let equipment_id = request.equipment_id.ok_or_else(|| {
                DomainError::invalid("equipment", "this request is about no item")
            })?;
            let stored = tx
                .insert_authorised_software(&AuthorisedSoftware {
                    id: 0,
                    council_id: council.id,
                    equipment_id,
                    name: name.clone(),
                    authorised_on: ctx.today,
                    request_id: request.id,
                    clause: approval_clause(request),
                })
                .await?;
            audit(
                tx,
                ctx,
                council.id,
                "software.authorise",
                "equipment",
                equipment_id,
                super::super::NONE,
                Some(&stored),
            )
            .await?;
            Ok(format!("{name} is authorised on the item."))
        }
        RequestDetails::Website { host, until } => {
            let person_id = request
                .requester_id
                .ok_or_else(|| DomainError::invalid("person", "a web exception is for a person"))?;
            let ends_at = until
                .succ_opt()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
                .unwrap_or(ctx.now);
            let stored = tx
                .insert_web_exception(&WebException {
                    id: 0,
                    council_id: council.id,
                    person_id,
                    host: host.trim().trim_end_matches('.').to_ascii_lowercase(),
                    starts_at: ctx.now,
                    ends_at,
                    request_id: request.id,
                    clause: approval_clause(request),
                })
                .await?;
            audit(
                tx,
                ctx,
                council.id,
                "web_exception.grant",
                "web_exception",
                stored.id,
                super::super::NONE,
                Some(&stored),
            )
            .await?;
            let who = tx
                .person(council.id, person_id)
                .await?
                .map(|p| p.name)
                .unwrap_or_default();
            Ok(format!(
                "{who} may reach {} until the end of {}.",
                stored.host,
                steward_policy::long_date(*until)
            ))
        }
        RequestDetails::PostureException { check, until } => {
            let equipment_id = request.equipment_id.ok_or_else(|| {
                DomainError::invalid("equipment", "this request is about no item")
            })?;
            let office = request
                .approval
                .as_ref()
                .and_then(|a| a.approvers.first().cloned())
                .unwrap_or_else(|| request.handler.clone());
            let office_name = super::super::policy::in_force(tx, council, ctx.today)
                .await?
                .map(|active| active.pack.office_name(&office))
                .unwrap_or_else(|| request.handler_name.clone());
            let (clause, document) = match &request.approval {
                Some(a) => (a.citation.clause.clone(), a.citation.document.clone()),
                None => (request.clause.clone(), request.document.clone()),
            };
            let stored = tx
                .insert_posture_exception(&PostureExceptionGrant {
                    id: 0,
                    council_id: council.id,
                    equipment_id,
                    check: *check,
                    until: *until,
                    office,
                    office_name,
                    authorised_on: ctx.today,
                    request_id: request.id,
                    clause,
                    document,
                })
                .await?;
            audit(
                tx,
                ctx,
                council.id,
                "posture_exception.grant",
                "equipment",
                equipment_id,
                super::super::NONE,
                Some(&stored),
            )
            .await?;
            Ok(format!(
                "{} may be off on the item until the end of {}.",
                check.label(),
                steward_policy::long_date(*until)
            ))
        }
        _ => Ok("Approved.".into()),
    }
}

fn approval_clause(request: &Request) -> String {
    request
        .approval
        .as_ref()
        .map(|a| a.citation.clause.clone())
        .unwrap_or_else(|| request.clause.clone())
}

/// How an erasure was done, recorded when an erasure request is resolved.
#[derive(Clone, Debug)]
pub struct ErasureRecord {
    pub method: String,
    pub certificate: Option<String>,
    pub dispose: bool,
}

/// Records the wipe of the request's item, and what became of it.
pub(super) async fn record_erasure<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    request: &Request,
    record: &ErasureRecord,
) -> DomainResult<String> {
    let equipment_id = request
        .equipment_id
        .ok_or_else(|| DomainError::invalid("equipment", "this request is about no item"))?;
    let item = tx
        .equipment_by_id(council.id, equipment_id)
        .await?
        .ok_or_else(|| DomainError::not_found("equipment", equipment_id))?;
    if record.method.trim().is_empty() {
        return Err(DomainError::invalid(
            "method",
            "say how the data was erased (for example, a certified overwrite)",
        ));
    }
    let state_after = if record.dispose {
        EquipmentState::Disposed
    } else {
        EquipmentState::Erased
    };
    let stored = tx
        .insert_erasure(&Erasure {
            id: 0,
            council_id: council.id,
            equipment_id,
            erased_on: ctx.today,
            method: record.method.trim().to_string(),
            certificate: record.certificate.clone().filter(|c| !c.trim().is_empty()),
            recorded_by: ctx.actor.clone(),
            request_id: Some(request.id),
            state_after,
        })
        .await?;
    let after = Equipment {
        state: state_after,
        ..item.clone()
    };
    tx.update_equipment(&after).await?;
    audit(
        tx,
        ctx,
        council.id,
        "equipment.erase",
        "equipment",
        &item.asset_tag,
        Some(&item),
        Some(&stored),
    )
    .await?;
    Ok(format!(
        "The erasure of {} is recorded; it is now {}.",
        item.asset_tag,
        state_after.as_str()
    ))
}

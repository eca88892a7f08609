pub mod list;

use super::{NONE, acceptance, audit, equipment, people, policy};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::{AssetTag, Pence, PersonRef};
use crate::records::{
    Approval, Charge, Council, Equipment, Extension, Loan, LoanStatus, Person, ReturnGround,
};
use crate::repo::{NewLoan, RegisterTx};
use crate::workflow::WorkflowTx;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use steward_policy::decide::{
    self, BorrowerFacts, Dated, ExtensionFacts, IssueDecision, IssueFacts, ItemFacts,
};
use steward_policy::{Citation, EquipmentKind, EquipmentState, OfficeId};

pub async fn find<T: RegisterTx>(tx: &mut T, council: &Council, id: i64) -> DomainResult<Loan> {
    match tx.loan(council.id, id).await? {
        Some(loan) if loan.council_id == council.id => Ok(loan),
        _ => Err(DomainError::not_found("loan", id)),
    }
}

/// Kinds of item out on loan to the person's household (or to the person alone, without one).
async fn household_loans<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    person: &Person,
) -> DomainResult<Vec<EquipmentKind>> {
    let members = match &person.household {
        Some(h) => tx.household_members(council.id, h).await?,
        None => vec![person.clone()],
    };
    let ids: Vec<_> = members.iter().map(|m| m.id).collect();
    Ok(tx.open_loan_kinds(council.id, &ids).await?)
}

/// The decision with the people and item it was about, for display.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IssueCheck {
    pub person: Person,
    pub equipment: Equipment,
    pub decision: IssueDecision,
}

/// Asks the policy whether `tag` may be lent to `reference` today, without lending it.
pub async fn check_issue<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    reference: &PersonRef,
    tag: &AssetTag,
    authorised_by: Option<&PersonRef>,
) -> DomainResult<IssueCheck> {
    // Who and what first: an unknown person or item is named as such, policy or none.
    let person = people::find(tx, council, reference).await?;
    let item = equipment::find(tx, council, tag).await?;
    let active = policy::require(tx, council, ctx.today).await?;
    check_under(tx, ctx, council, &active, person, item, authorised_by).await
}

/// [`check_issue`] under the policy `active`, for a caller that has read it already.
async fn check_under<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    active: &policy::ActivePack,
    person: Person,
    item: Equipment,
    authorised_by: Option<&PersonRef>,
) -> DomainResult<IssueCheck> {
    let offices = people::offices_on(tx, council.id, person.id, ctx.today).await?;
    let in_office = people::in_office(tx, council.id, person.id, ctx.today).await?;
    let status = acceptance::status_of(tx, council.id, active, person.id, ctx.today).await?;
    let household = household_loans(tx, council, &person).await?;
    let authoriser_offices = match authorised_by {
        Some(r) => {
            let officer = people::find(tx, council, r).await?;
            Some(people::offices_on(tx, council.id, officer.id, ctx.today).await?)
        }
        None => None,
    };
    let withdrawn = super::cases::withdrawn(tx, council.id, person.id, ctx.today)
        .await?
        .map(|w| Citation {
            clause: w.clause,
            document: w.document,
        });
    let facts = IssueFacts {
        borrower: BorrowerFacts {
            name: &person.name,
            kind: person.kind,
            in_office,
            offices: &offices,
            acceptance: &status,
            access_withdrawn: withdrawn.as_ref(),
        },
        item: ItemFacts {
            asset_tag: item.asset_tag.as_str(),
            kind: item.kind,
            state: item.state,
            pat_tested_on: item.pat_tested_on,
        },
        household_loans: &household,
        authorised_by: authoriser_offices.as_deref(),
    };
    let decision = decide::issue_decision(&active.pack, &facts, ctx.today);
    Ok(IssueCheck {
        person,
        equipment: item,
        decision,
    })
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Issued {
    pub loan: Loan,
    pub decision: IssueDecision,
}

pub async fn issue<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    reference: &PersonRef,
    tag: &AssetTag,
    authorised_by: Option<&PersonRef>,
) -> DomainResult<Issued> {
    let person = people::find(tx, council, reference).await?;
    let item = equipment::find(tx, council, tag).await?;
    let active = policy::require(tx, council, ctx.today).await?;
    let check = check_under(tx, ctx, council, &active, person, item, authorised_by).await?;
    if !check.decision.is_allowed() {
        return Err(DomainError::Refused {
            action: "issue",
            refusals: check.decision.refusals,
        });
    }
    let new = NewLoan {
        equipment_id: check.equipment.id,
        person_id: check.person.id,
        issued_on: ctx.today,
        due_on: check.decision.due.as_ref().map(|d| d.date),
        due_clause: check
            .decision
            .due
            .as_ref()
            .map(|d| d.citation.clause.clone()),
        pack_version_id: active.version.id,
    };
    let loan = tx.insert_loan(council.id, &new).await?;
    let item = Equipment {
        state: EquipmentState::Issued,
        ..check.equipment.clone()
    };
    tx.update_equipment(&item).await?;
    audit(
        tx,
        ctx,
        council.id,
        "loan.issue",
        "loan",
        loan.id,
        NONE,
        Some(&loan),
    )
    .await?;
    audit(
        tx,
        ctx,
        council.id,
        "equipment.state",
        "equipment",
        &item.asset_tag,
        Some(&check.equipment),
        Some(&item),
    )
    .await?;
    Ok(Issued {
        loan,
        decision: check.decision,
    })
}

fn must_be_open(loan: &Loan) -> DomainResult<()> {
    if loan.is_open() {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "loan",
            format!("loan {} was already returned", loan.id),
        ))
    }
}

pub async fn extend<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    loan_id: i64,
    new_due: NaiveDate,
    approvers: &[PersonRef],
    reason: &str,
) -> DomainResult<Extension> {
    crate::text::check_free("reason", reason)?;
    let loan = find(tx, council, loan_id).await?;
    must_be_open(&loan)?;
    let active = policy::require(tx, council, ctx.today).await?;
    let mut held: Vec<Vec<OfficeId>> = Vec::new();
    let mut seen = Vec::new();
    for r in approvers {
        if seen.contains(r) {
            return Err(DomainError::invalid(
                "approved_by",
                format!("{r} is named twice; each approver counts once"),
            ));
        }
        seen.push(r.clone());
        let p = people::find(tx, council, r).await?;
        held.push(people::offices_on(tx, council.id, p.id, ctx.today).await?);
    }
    let held_refs: Vec<&[OfficeId]> = held.iter().map(|v| v.as_slice()).collect();
    let facts = ExtensionFacts {
        current_due: loan.due_on,
        new_due,
        approvers: &held_refs,
        reason,
    };
    let granted =
        decide::extension_decision(&active.pack, &facts, ctx.today).map_err(|refusals| {
            DomainError::Refused {
                action: "extension",
                refusals,
            }
        })?;
    // Record which office each approver approved as: the first of theirs the rule names.
    let rule_offices: Vec<OfficeId> = active
        .pack
        .loans
        .extension
        .as_ref()
        .map(|e| e.approvers.clone())
        .unwrap_or_default();
    let approvals: Vec<Approval> = approvers
        .iter()
        .zip(&held)
        .filter_map(|(r, offices)| {
            let office = offices.iter().find(|o| rule_offices.contains(o))?;
            Some(Approval {
                person: r.clone(),
                office: office.clone(),
            })
        })
        .collect();
    let extension = tx
        .insert_extension(
            council.id,
            loan.id,
            loan.due_on,
            granted.date,
            reason.trim(),
            &approvals,
            ctx.today,
        )
        .await?;
    let after = Loan {
        due_on: Some(granted.date),
        due_clause: Some(granted.citation.clause.clone()),
        ..loan.clone()
    };
    tx.update_loan(&after).await?;
    audit(
        tx,
        ctx,
        council.id,
        "loan.extend",
        "loan",
        loan.id,
        Some(&loan),
        Some(&extension),
    )
    .await?;
    Ok(extension)
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Recalled {
    pub loan: Loan,
    /// The date the item must now be back by and the clause that sets it: the recall's date,
    /// or an earlier one the loan already had.
    pub return_by: Dated,
}

/// Refuses a second recall: it could only move the date the first one set.
fn not_recalled(loan: &Loan) -> DomainResult<()> {
    match loan.recall_by {
        Some(by) => Err(DomainError::Conflict {
            field: "loan".into(),
            message: format!(
                "loan {} was already recalled, to be back by {}",
                loan.id,
                steward_policy::long_date(by)
            ),
        }),
        None => Ok(()),
    }
}

pub async fn recall<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    loan_id: i64,
    by: &PersonRef,
    return_by: Option<NaiveDate>,
) -> DomainResult<Recalled> {
    let loan = find(tx, council, loan_id).await?;
    must_be_open(&loan)?;
    not_recalled(&loan)?;
    let active = policy::require(tx, council, ctx.today).await?;
    let officer = people::find(tx, council, by).await?;
    let offices = people::offices_on(tx, council.id, officer.id, ctx.today).await?;
    let dated =
        decide::recall_decision(&active.pack, &offices, return_by, ctx.today).map_err(|r| {
            DomainError::Refused {
                action: "recall",
                refusals: vec![r],
            }
        })?;
    let after = Loan {
        recall_by: Some(dated.date),
        recall_clause: Some(dated.citation.clause.clone()),
        ..loan.clone()
    };
    tx.update_loan(&after).await?;
    audit(
        tx,
        ctx,
        council.id,
        "loan.recall",
        "loan",
        loan.id,
        Some(&loan),
        Some(&after),
    )
    .await?;
    // The earliest date wins: a recall giving longer than the loan had left changes nothing.
    let effective = list::dated(&after, &dated.citation.document).unwrap_or(dated);
    let by_office = active
        .pack
        .loans
        .recall
        .as_ref()
        .and_then(|r| r.by.iter().find(|o| offices.contains(o)).cloned());
    if let Some(office) = by_office {
        super::requests::record_recall(tx, ctx, council, &after, &office, effective.date).await?;
    }
    Ok(Recalled {
        loan: after,
        return_by: effective,
    })
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Returned {
    pub loan: Loan,
    pub equipment: Equipment,
    /// The clause that sends the item for erasure, when one does.
    pub erasure: Option<Citation>,
}

pub async fn return_loan<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    loan_id: i64,
) -> DomainResult<Returned> {
    let loan = find(tx, council, loan_id).await?;
    must_be_open(&loan)?;
    if ctx.today < loan.issued_on {
        return Err(DomainError::invalid(
            "date",
            "a loan cannot be returned before it was issued",
        ));
    }
    let active = policy::require(tx, council, ctx.today).await?;
    let item = tx
        .equipment_by_id(council.id, loan.equipment_id)
        .await?
        .ok_or_else(|| DomainError::not_found("equipment", loan.equipment_id))?;
    let (state, erasure) = decide::state_after_return(&active.pack, item.kind);
    let after = Loan {
        returned_on: Some(ctx.today),
        ..loan.clone()
    };
    tx.update_loan(&after).await?;
    let item_after = Equipment {
        state,
        ..item.clone()
    };
    tx.update_equipment(&item_after).await?;
    audit(
        tx,
        ctx,
        council.id,
        "loan.return",
        "loan",
        loan.id,
        Some(&loan),
        Some(&after),
    )
    .await?;
    audit(
        tx,
        ctx,
        council.id,
        "equipment.state",
        "equipment",
        &item.asset_tag,
        Some(&item),
        Some(&item_after),
    )
    .await?;
    super::requests::close_recalls(tx, ctx, council, loan.id).await?;
    Ok(Returned {
        loan: after,
        equipment: item_after,
        erasure,
    })
}

/// Raises the charge the policy allows for an item a leaver has not returned in time.
pub async fn raise_charge<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    loan_id: i64,
) -> DomainResult<Charge> {
    let loan = find(tx, council, loan_id).await?;
    let active = policy::require(tx, council, ctx.today).await?;
    let item = tx
        .equipment_by_id(council.id, loan.equipment_id)
        .await?
        .ok_or_else(|| DomainError::not_found("equipment", loan.equipment_id))?;
    if !tx.charges(council.id, loan.id).await?.is_empty() {
        return Err(DomainError::Conflict {
            field: "loan".into(),
            message: format!("a charge has already been raised for loan {}", loan.id),
        });
    }
    let Some(due) = decide::leaving_charge(
        &active.pack,
        loan.leaving_by,
        !loan.is_open(),
        item.replacement_cost.0,
        ctx.today,
    ) else {
        let reason = match (&active.pack.loans.leaving_office, loan.leaving_by) {
            (Some(rule), _) if rule.charge.is_none() => {
                "the policy allows no charge for late return".to_string()
            }
            (None, _) => "the policy sets no return deadline for leavers".to_string(),
            (_, None) => "the holder has not left office".to_string(),
            (_, Some(by)) if loan.is_open() => {
                format!(
                    "the item is not overdue: it may be returned until {}",
                    steward_policy::long_date(by)
                )
            }
            _ => "the item was returned".to_string(),
        };
        return Err(DomainError::Refused {
            action: "charge",
            refusals: vec![decide::Refusal {
                gate: decide::Gate::NoProvision,
                message: reason,
                citation: active
                    .pack
                    .loans
                    .leaving_office
                    .as_ref()
                    .map(|r| Citation::new(&active.pack, &r.clause)),
            }],
        });
    };
    let charge = tx
        .insert_charge(
            council.id,
            loan.id,
            Pence(due.amount_pence),
            ctx.today,
            &due.citation.clause,
        )
        .await?;
    audit(
        tx,
        ctx,
        council.id,
        "charge.raise",
        "loan",
        loan.id,
        NONE,
        Some(&charge),
    )
    .await?;
    Ok(charge)
}

/// Raises a charge of `amount` on a loan, on a ground other than late return (a breach case's
/// replacement charge), citing `clause`. One charge per loan.
pub async fn charge_for<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    loan: &Loan,
    amount: Pence,
    clause: &str,
) -> DomainResult<Charge> {
    if !tx.charges(council.id, loan.id).await?.is_empty() {
        return Err(DomainError::Conflict {
            field: "loan".into(),
            message: format!("a charge has already been raised for loan {}", loan.id),
        });
    }
    let charge = tx
        .insert_charge(council.id, loan.id, amount, ctx.today, clause)
        .await?;
    audit(
        tx,
        ctx,
        council.id,
        "charge.raise",
        "loan",
        loan.id,
        NONE,
        Some(&charge),
    )
    .await?;
    Ok(charge)
}

/// A loan with the names a person needs to read it.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LoanView {
    pub loan: Loan,
    pub person: PersonRef,
    pub person_name: String,
    pub asset_tag: AssetTag,
    pub kind: EquipmentKind,
    /// The date it must be back by, and the clause that sets it.
    pub return_by: Option<Dated>,
    /// Which of the loan's dates that is.
    pub return_ground: Option<ReturnGround>,
    /// Where it stands on the day it was read.
    pub status: LoanStatus,
    pub charges: Vec<Charge>,
}

/// The loan as it stands on `today`, its clauses cited from `document`.
pub async fn view<T: RegisterTx>(
    tx: &mut T,
    document: &str,
    loan: Loan,
    today: NaiveDate,
) -> DomainResult<LoanView> {
    let person = tx
        .person(loan.council_id, loan.person_id)
        .await?
        .ok_or_else(|| DomainError::not_found("person", loan.person_id))?;
    let item = tx
        .equipment_by_id(loan.council_id, loan.equipment_id)
        .await?
        .ok_or_else(|| DomainError::not_found("equipment", loan.equipment_id))?;
    let charges = tx.charges(loan.council_id, loan.id).await?;
    Ok(LoanView {
        person: person.reference,
        person_name: person.name,
        asset_tag: item.asset_tag,
        kind: item.kind,
        return_by: list::dated(&loan, document),
        return_ground: loan.return_ground(),
        status: loan.status(today),
        charges,
        loan,
    })
}

/// Loans with names and dates, newest first.
pub async fn list<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    open_only: bool,
    today: NaiveDate,
) -> DomainResult<Vec<LoanView>> {
    let document = policy::in_force(tx, council, today)
        .await?
        .map(|a| a.pack.pack.title.clone())
        .unwrap_or_default();
    let loans = tx.loans(council.id, open_only).await?;
    let mut out = Vec::with_capacity(loans.len());
    for loan in loans {
        out.push(view(tx, &document, loan, today).await?);
    }
    Ok(out)
}

//! The report from its facts: no storage here. Each row of the facts goes to the policy's own
//! decision (`steward_policy::decide`), which answers with the date and the clause.

use super::facts::DueFacts;
use super::repo::OpenLoanRow;
use super::set::{DueEntry, DueSet, ItemBrief};
use super::{DueItem, DueKind, PLAN_DAYS, SOON_DAYS, WEEK_DAYS, within};
use crate::ids::Pence;
use crate::ops::acceptance::PersonAcceptance;
use crate::ops::loans::LoanView;
use crate::ops::policy::ActivePack;
use crate::records::Council;
use chrono::NaiveDate;
use std::collections::HashMap;
use steward_policy::decide::{
    self, AcceptanceStatus, Dated, RefreshCandidate, SignatureFacts, acceptance_status,
};
use steward_policy::{Period, long_date};

/// Everything due on `today` under `active`, from `facts`.
pub fn build(active: &ActivePack, facts: &DueFacts, council: &Council, today: NaiveDate) -> DueSet {
    let document = &active.pack.pack.title;
    let mut entries = Vec::new();
    let mut this_week = 0;
    for row in &facts.loans {
        let view = loan_view(document, row, facts, today);
        if let Some(d) = &view.return_by
            && d.date >= today
            && within(d.date, today, WEEK_DAYS - 1)
        {
            this_week += 1;
        }
        entries.extend(loan_entries(active, row, &view, facts, today));
    }
    entries.extend(pat_entries(active, facts, today));
    entries.extend(signature_entries(&signatures(active, facts, today)));
    entries.extend(refresh_entries(active, facts, today));
    let review = decide::review_due(&active.pack, active.version.effective_from);
    if let Some(r) = &review
        && within(r.date, today, PLAN_DAYS)
    {
        entries.push(DueEntry::new(
            DueItem {
                kind: DueKind::PolicyReview,
                due_on: Some(r.date),
                person: None,
                person_name: None,
                asset_tag: None,
                loan_id: None,
                detail: format!("{document} is due for review"),
                citation: Some(r.citation.clone()),
            },
            active.version.id,
        ));
    }
    entries.extend(
        facts
            .owed
            .iter()
            .map(|o| DueEntry::new(crate::phones::due::owed_item(o), o.statement.id)),
    );
    let policy = format!("{document} (version {})", active.version.number);
    DueSet::new(council, today, Some(policy), entries, this_week, review)
}

/// An open loan as the sweep and the loans pages read it.
pub fn loan_view(
    document: &str,
    row: &OpenLoanRow,
    facts: &DueFacts,
    today: NaiveDate,
) -> LoanView {
    LoanView {
        loan: row.loan.clone(),
        person: row.person.clone(),
        person_name: row.person_name.clone(),
        asset_tag: row.asset_tag.clone(),
        kind: row.kind,
        return_by: crate::ops::loans::list::dated(&row.loan, document),
        return_ground: row.loan.return_ground(),
        status: row.loan.status(today),
        charges: facts.charges_of(row.loan.id).to_vec(),
    }
}

/// An entry about an open loan, naming its borrower and item.
fn about_loan(row: &OpenLoanRow, kind: DueKind, due: Option<Dated>, detail: String) -> DueEntry {
    let item = DueItem {
        kind,
        due_on: due.as_ref().map(|d| d.date),
        person: Some(row.person.to_string()),
        person_name: Some(row.person_name.clone()),
        asset_tag: Some(row.asset_tag.to_string()),
        loan_id: Some(row.loan.id),
        detail,
        citation: due.map(|d| d.citation),
    };
    DueEntry::new(item, row.loan.id)
}

/// Overdue, or due back within [`SOON_DAYS`].
fn return_entry(row: &OpenLoanRow, view: &LoanView, today: NaiveDate) -> Option<DueEntry> {
    let due = view.return_by.clone()?;
    let tag = &row.asset_tag;
    if due.date < today {
        let days = (today - due.date).num_days();
        let plural = if days == 1 { "" } else { "s" };
        let detail = format!("{tag} was due back {days} day{plural} ago");
        Some(about_loan(row, DueKind::OverdueReturn, Some(due), detail))
    } else if within(due.date, today, SOON_DAYS) {
        let detail = format!("{tag} is due back on {}", long_date(due.date));
        Some(about_loan(row, DueKind::ReturnSoon, Some(due), detail))
    } else {
        None
    }
}

fn loan_entries(
    active: &ActivePack,
    row: &OpenLoanRow,
    view: &LoanView,
    facts: &DueFacts,
    today: NaiveDate,
) -> Vec<DueEntry> {
    let pack = &active.pack;
    let tag = &row.asset_tag;
    let mut out: Vec<DueEntry> = return_entry(row, view, today).into_iter().collect();
    let cost = row.replacement_cost.0;
    if facts.charges_of(row.loan.id).is_empty()
        && let Some(charge) = decide::leaving_charge(pack, row.loan.leaving_by, false, cost, today)
    {
        let detail = format!(
            "a charge of {} may be raised for {tag}",
            Pence(charge.amount_pence)
        );
        let due = Dated {
            date: charge.from,
            citation: charge.citation,
        };
        out.push(about_loan(row, DueKind::ChargeAllowed, Some(due), detail));
    }
    if let Some(next) = decide::next_evaluation(pack, row.kind, row.loan.issued_on, today)
        && within(next.date, today, PLAN_DAYS)
    {
        let detail = format!("{tag} and its holder's needs are due for evaluation");
        out.push(about_loan(
            row,
            DueKind::PhoneEvaluation,
            Some(next),
            detail,
        ));
    }
    out
}

fn pat_entries(active: &ActivePack, facts: &DueFacts, today: NaiveDate) -> Vec<DueEntry> {
    let mut out = Vec::new();
    // The store reads only equipment in service: nothing disposed of, lost or stolen.
    for item in &facts.equipment {
        let Some((due, citation)) =
            decide::pat_retest_due(&active.pack, item.kind, item.pat_tested_on)
        else {
            continue;
        };
        let tag = &item.asset_tag;
        let (show, detail) = match due {
            None => (true, format!("{tag} has never been PAT tested")),
            Some(d) if d < today => (
                true,
                format!("{tag}'s PAT test ran out on {}", long_date(d)),
            ),
            Some(d) => (
                within(d, today, PLAN_DAYS),
                format!("{tag}'s PAT test runs out on {}", long_date(d)),
            ),
        };
        if show {
            let item_entry = DueItem {
                kind: DueKind::PatRetest,
                due_on: due,
                person: None,
                person_name: None,
                asset_tag: Some(tag.to_string()),
                loan_id: None,
                detail,
                citation: Some(citation),
            };
            out.push(DueEntry::new(item_entry, item.id).about(ItemBrief {
                kind: item.kind,
                model: item.model.clone(),
            }));
        }
    }
    out
}

/// Everyone the policy covers who is in office on the day, with where their signature stands.
pub fn signatures(
    active: &ActivePack,
    facts: &DueFacts,
    today: NaiveDate,
) -> Vec<PersonAcceptance> {
    let pack = &active.pack;
    facts
        .in_office
        .iter()
        .filter(|p| pack.scope.kinds.contains(&p.kind))
        .map(|person| {
            let signed: Vec<SignatureFacts<'_>> = facts
                .signed_by(person.id)
                .iter()
                .filter_map(|s| {
                    Some(SignatureFacts {
                        pack_hash: &s.pack_hash,
                        signed_on: s.latest_by_day?,
                    })
                })
                .collect();
            PersonAcceptance {
                person: person.clone(),
                policy_version: active.version.number,
                status: acceptance_status(pack, &active.version.hash, &signed, today),
            }
        })
        .collect()
}

fn signature_entries(register: &[PersonAcceptance]) -> Vec<DueEntry> {
    let mut out = Vec::new();
    for entry in register {
        let (kind, detail, citation) = match &entry.status {
            AcceptanceStatus::Missing { citation } => (
                DueKind::AcceptanceMissing,
                format!(
                    "has not signed version {} of the policy",
                    entry.policy_version
                ),
                citation.clone(),
            ),
            AcceptanceStatus::Lapsed { reason, citation } => {
                (DueKind::AcceptanceLapsed, reason.clone(), citation.clone())
            }
            _ => continue,
        };
        let item = DueItem {
            kind,
            due_on: None,
            person: Some(entry.person.reference.to_string()),
            person_name: Some(entry.person.name.clone()),
            asset_tag: None,
            loan_id: None,
            detail,
            citation: Some(citation),
        };
        out.push(DueEntry::new(item, entry.person.id));
    }
    out
}

/// The replacement queue of items on loan, each entry with its place in it.
fn refresh_entries(active: &ActivePack, facts: &DueFacts, today: NaiveDate) -> Vec<DueEntry> {
    let candidates: Vec<RefreshCandidate<'_>> = facts
        .loans
        .iter()
        .filter_map(|row| {
            Some(RefreshCandidate {
                asset_tag: row.asset_tag.as_str(),
                kind: row.kind,
                purchased_on: row.purchased_on?,
                holder_offices: facts.offices_of(row.loan.person_id),
            })
        })
        .collect();
    let by_tag: HashMap<&str, &OpenLoanRow> = facts
        .loans
        .iter()
        .map(|row| (row.asset_tag.as_str(), row))
        .collect();
    let horizon = Period::days(PLAN_DAYS).after(today).unwrap_or(today);
    let queue = decide::refresh_queue(&active.pack, &candidates, horizon);
    let mut out = Vec::new();
    for (rank, entry) in queue.into_iter().enumerate() {
        let Some(row) = by_tag.get(entry.asset_tag.as_str()) else {
            continue;
        };
        let priority = if entry.priority {
            " (priority office holder)"
        } else {
            ""
        };
        let item = DueItem {
            kind: DueKind::Refresh,
            due_on: Some(entry.replace_from),
            person: Some(row.person.to_string()),
            person_name: Some(row.person_name.clone()),
            asset_tag: Some(entry.asset_tag.clone()),
            loan_id: Some(row.loan.id),
            detail: format!("place {} in the replacement queue{priority}", rank + 1),
            citation: Some(entry.citation),
        };
        let brief = ItemBrief {
            kind: row.kind,
            model: row.model.clone(),
        };
        out.push(DueEntry::new(item, row.loan.id).ranked(rank).about(brief));
    }
    out
}

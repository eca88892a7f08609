//! Decisions derived from a pack. Each function takes the facts it needs and `today`, and
//! answers with the clause that decides it.

use crate::citation::Citation;
use crate::model::{Agreement, Charge, Pack};
use crate::model::{OfficeHolder, OfficeId};
use crate::period::long_date;
use crate::vocab::{EquipmentKind, EquipmentState, PersonKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A date the policy sets, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Dated {
    pub date: NaiveDate,
    pub citation: Citation,
}

/// Which check stopped something.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gate {
    Scope,
    InOffice,
    Availability,
    NotOffered,
    Entitlement,
    Acceptance,
    PatTest,
    Authorisation,
    HouseholdLimit,
    NoProvision,
    Approval,
    Date,
    Reason,
    /// Access withdrawn as the outcome of a breach case.
    AccessWithdrawn,
}

/// Why something was refused, in plain words, with the clause when the policy is the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Refusal {
    pub gate: Gate,
    pub message: String,
    pub citation: Option<Citation>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.citation {
            Some(c) => write!(f, "{} ({c})", self.message),
            None => f.write_str(&self.message),
        }
    }
}

fn refuse(gate: Gate, message: impl Into<String>, citation: Option<Citation>) -> Refusal {
    Refusal {
        gate,
        message: message.into(),
        citation,
    }
}

/// Names of offices joined for a sentence: "the Mayor and the Town Clerk".
pub fn office_names(pack: &Pack, ids: &[OfficeId], joiner: &str) -> String {
    let names: Vec<String> = ids.iter().map(|id| pack.office_name(id)).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {joiner} {last}", init.join(", ")),
    }
}

/// Where a person stands with the policy's signature requirement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum AcceptanceStatus {
    /// The policy asks for no signature.
    NotRequired,
    /// Signed; good until `until` when the policy sets a renewal period.
    Current {
        signed_on: NaiveDate,
        until: Option<NaiveDate>,
        citation: Citation,
    },
    /// Signed before, but the signature no longer counts.
    Lapsed { reason: String, citation: Citation },
    /// Never signed.
    Missing { citation: Citation },
}

impl AcceptanceStatus {
    pub fn is_satisfied(&self) -> bool {
        matches!(
            self,
            AcceptanceStatus::NotRequired | AcceptanceStatus::Current { .. }
        )
    }
}

/// A signature as the decision needs it: which version's hash it was given for, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureFacts<'a> {
    pub pack_hash: &'a str,
    pub signed_on: NaiveDate,
}

/// Whether a person's signatures satisfy the pack whose hash is `current_hash`.
pub fn acceptance_status(
    pack: &Pack,
    current_hash: &str,
    signatures: &[SignatureFacts<'_>],
    today: NaiveDate,
) -> AcceptanceStatus {
    let dated = signatures.iter().filter(|s| s.signed_on <= today);
    let row = crate::signatures::SignatureRow {
        latest_of_version: dated
            .clone()
            .filter(|s| s.pack_hash == current_hash)
            .map(|s| s.signed_on)
            .max(),
        latest_any: dated.map(|s| s.signed_on).max(),
    };
    crate::signatures::acceptance_status_of_row(pack, row, today)
}

/// The person asking to borrow, as of the day of the decision.
#[derive(Clone, Debug)]
pub struct BorrowerFacts<'a> {
    pub name: &'a str,
    pub kind: PersonKind,
    /// A term of office (or engagement) covers the day.
    pub in_office: bool,
    /// Offices held on the day.
    pub offices: &'a [OfficeId],
    pub acceptance: &'a AcceptanceStatus,
    /// Access withdrawn by a breach case's outcome, with the clause it rests on.
    pub access_withdrawn: Option<&'a Citation>,
}

#[derive(Clone, Debug)]
pub struct ItemFacts<'a> {
    pub asset_tag: &'a str,
    pub kind: EquipmentKind,
    pub state: EquipmentState,
    pub pat_tested_on: Option<NaiveDate>,
}

#[derive(Clone, Debug)]
pub struct IssueFacts<'a> {
    pub borrower: BorrowerFacts<'a>,
    pub item: ItemFacts<'a>,
    /// Kinds of the items already out on loan to the borrower's household, the borrower included.
    pub household_loans: &'a [EquipmentKind],
    /// Offices the authorising officer holds on the day, when one is named.
    pub authorised_by: Option<&'a [OfficeId]>,
}

/// The answer to "may this item be lent to this person today?".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IssueDecision {
    /// Every gate that is not met; the loan may go ahead only when this is empty.
    pub refusals: Vec<Refusal>,
    /// When the item must come back, if the policy limits loans.
    pub due: Option<Dated>,
    /// The clauses that allowed it, for the receipt.
    pub allowed_by: Vec<Citation>,
}

impl IssueDecision {
    pub fn is_allowed(&self) -> bool {
        self.refusals.is_empty()
    }
}

pub fn issue_decision(pack: &Pack, facts: &IssueFacts<'_>, today: NaiveDate) -> IssueDecision {
    let mut refusals = Vec::new();
    let mut allowed_by = Vec::new();
    let b = &facts.borrower;
    let item = &facts.item;
    let kind_word = item.kind.as_str().replace('_', " ");

    let scope = Citation::new(pack, &pack.scope.clause);
    if pack.scope.kinds.contains(&b.kind) {
        allowed_by.push(scope);
    } else {
        refusals.push(refuse(
            Gate::Scope,
            format!(
                "{} is a {}, and this policy does not cover that kind of person",
                b.name,
                b.kind.as_str().replace('_', " ")
            ),
            Some(scope),
        ));
    }

    if let Some(citation) = b.access_withdrawn {
        refusals.push(refuse(
            Gate::AccessWithdrawn,
            format!(
                "{}'s access to council ICT has been withdrawn as the outcome of a breach case",
                b.name
            ),
            Some(citation.clone()),
        ));
    }

    if !b.in_office {
        // Equipment goes with a term: the leaving rule takes it back when the term ends, and
        // the scope says whom the policy covers when the pack has no leaving rule.
        let clause = pack
            .loans
            .leaving_office
            .as_ref()
            .map_or(&pack.scope.clause, |rule| &rule.clause);
        refusals.push(refuse(
            Gate::InOffice,
            format!("{} has no current term of office", b.name),
            Some(Citation::new(pack, clause)),
        ));
    }

    if !item.state.is_issuable() {
        let erasure = pack
            .loans
            .erasure_before_reuse
            .as_ref()
            .filter(|_| item.state == EquipmentState::AwaitingErasure);
        refusals.push(refuse(
            Gate::Availability,
            format!(
                "{} is {}, not available to lend",
                item.asset_tag,
                item.state.as_str().replace('_', " ")
            ),
            erasure.map(|rule| Citation::new(pack, &rule.clause)),
        ));
    }

    match pack.equipment.iter().find(|r| r.kinds.contains(&item.kind)) {
        None => refusals.push(refuse(
            Gate::NotOffered,
            format!("the policy makes no provision for lending a {kind_word}"),
            None,
        )),
        Some(rule) => {
            let citation = Citation::new(pack, &rule.clause);
            if !rule.audience.includes(b.kind) {
                refusals.push(refuse(
                    Gate::Entitlement,
                    format!(
                        "a {kind_word} is lent only to {}",
                        rule.audience.as_str().replace('_', " ")
                    ),
                    Some(citation),
                ));
            } else if !rule.offices.is_empty()
                && !rule.offices.iter().any(|o| b.offices.contains(o))
            {
                refusals.push(refuse(
                    Gate::Entitlement,
                    format!(
                        "a {kind_word} is provided only to the holder of an office of {}; {} holds none of them",
                        office_names(pack, &rule.offices, "or"),
                        b.name
                    ),
                    Some(citation),
                ));
            } else {
                allowed_by.push(citation);
            }
        }
    }

    if let Some(rule) = &pack.acceptance
        && rule.required_before_issue
    {
        match b.acceptance {
            AcceptanceStatus::NotRequired => {}
            AcceptanceStatus::Current { citation, .. } => allowed_by.push(citation.clone()),
            AcceptanceStatus::Missing { citation } => refusals.push(refuse(
                Gate::Acceptance,
                format!(
                    "{} has not signed the {} for the current policy",
                    b.name,
                    rule.form.to_lowercase()
                ),
                Some(citation.clone()),
            )),
            AcceptanceStatus::Lapsed { reason, citation } => refusals.push(refuse(
                Gate::Acceptance,
                format!("{}'s signature no longer counts: {reason}", b.name),
                Some(citation.clone()),
            )),
        }
    }

    if let Some(rule) = &pack.loans.pat_test
        && (rule.kinds.is_empty() || rule.kinds.contains(&item.kind))
    {
        let citation = Citation::new(pack, &rule.clause);
        match (item.pat_tested_on, rule.retest_every) {
            (None, _) => refusals.push(refuse(
                Gate::PatTest,
                format!(
                    "{} has no PAT test recorded and must not be used until it passes one",
                    item.asset_tag
                ),
                Some(citation),
            )),
            (Some(tested), Some(every)) if every.after(tested).is_none_or(|due| due <= today) => {
                refusals.push(refuse(
                    Gate::PatTest,
                    format!(
                        "{}'s PAT test of {} is more than {every} old and must be repeated",
                        item.asset_tag,
                        long_date(tested)
                    ),
                    Some(citation),
                ))
            }
            (Some(tested), _) if tested > today => refusals.push(refuse(
                Gate::PatTest,
                format!(
                    "{}'s PAT test is dated in the future ({tested})",
                    item.asset_tag
                ),
                None,
            )),
            _ => allowed_by.push(citation),
        }
    }

    if let Some(rule) = &pack.loans.authorisation {
        let citation = Citation::new(pack, &rule.clause);
        let who = office_names(pack, &rule.by, "or");
        match facts.authorised_by {
            Some(held) if rule.by.iter().any(|o| held.contains(o)) => allowed_by.push(citation),
            Some(_) => refusals.push(refuse(
                Gate::Authorisation,
                format!("the authorising officer does not hold the office of {who}"),
                Some(citation),
            )),
            None => refusals.push(refuse(
                Gate::Authorisation,
                format!("use of council equipment needs authorisation by the {who}"),
                Some(citation),
            )),
        }
    }

    if let Some(rule) = &pack.loans.household_limit
        && (rule.kinds.is_empty() || rule.kinds.contains(&item.kind))
    {
        let counted = facts
            .household_loans
            .iter()
            .filter(|k| rule.kinds.is_empty() || rule.kinds.contains(k))
            .count();
        let citation = Citation::new(pack, &rule.clause);
        if counted >= rule.max as usize {
            let noun = if rule.max == 1 { "machine" } else { "machines" };
            refusals.push(refuse(
                Gate::HouseholdLimit,
                format!(
                    "{}'s household already has {counted} on loan; the limit is {} {noun} per household",
                    b.name, rule.max
                ),
                Some(citation),
            ));
        } else {
            allowed_by.push(citation);
        }
    }

    let due = pack.loans.max_period.as_ref().and_then(|rule| {
        Some(Dated {
            date: rule.length.after(today)?,
            citation: Citation::new(pack, &rule.clause),
        })
    });

    IssueDecision {
        refusals,
        due,
        allowed_by,
    }
}

/// An extension as asked for: the new date, the offices of those who approved, and the reason.
#[derive(Clone, Debug)]
pub struct ExtensionFacts<'a> {
    pub current_due: Option<NaiveDate>,
    pub new_due: NaiveDate,
    /// For each approver, the offices they hold on the day.
    pub approvers: &'a [&'a [OfficeId]],
    pub reason: &'a str,
}

/// Grants the new due date, or says which approval or rule is missing.
pub fn extension_decision(
    pack: &Pack,
    facts: &ExtensionFacts<'_>,
    today: NaiveDate,
) -> Result<Dated, Vec<Refusal>> {
    let Some(rule) = &pack.loans.extension else {
        let citation = pack
            .loans
            .max_period
            .as_ref()
            .map(|m| Citation::new(pack, &m.clause));
        return Err(vec![refuse(
            Gate::NoProvision,
            "the policy makes no provision for extending a loan",
            citation,
        )]);
    };
    let citation = Citation::new(pack, &rule.clause);
    let mut refusals = Vec::new();
    let Some(current) = facts.current_due else {
        return Err(vec![refuse(
            Gate::NoProvision,
            "this loan has no end date to extend",
            Some(citation),
        )]);
    };
    if facts.new_due <= current || facts.new_due <= today {
        refusals.push(refuse(
            Gate::Date,
            format!(
                "the new date {} must be after the current due date {} and after today",
                long_date(facts.new_due),
                long_date(current)
            ),
            None,
        ));
    }
    if let Some(max) = rule.max_length
        && max
            .after(current)
            .is_some_and(|limit| facts.new_due > limit)
    {
        refusals.push(refuse(
            Gate::Date,
            format!("an extension may be at most {max}"),
            Some(citation.clone()),
        ));
    }
    if rule.exceptional_only && facts.reason.trim().is_empty() {
        refusals.push(refuse(
            Gate::Reason,
            "extensions are for exceptional circumstances only; give the reason",
            Some(citation.clone()),
        ));
    }
    // Each approver counts once, for one of the offices they hold.
    let covered: Vec<&OfficeId> = rule
        .approvers
        .iter()
        .filter(|o| facts.approvers.iter().any(|held| held.contains(o)))
        .collect();
    let missing: Vec<OfficeId> = rule
        .approvers
        .iter()
        .filter(|o| !covered.contains(o))
        .cloned()
        .collect();
    // Where all must agree, one person holding two of the offices is still one approval.
    let enough_people = facts.approvers.len() >= covered.len();
    match rule.agreement {
        Agreement::All if !missing.is_empty() || !enough_people => refusals.push(refuse(
            Gate::Approval,
            format!(
                "an extension needs the approval of the {}; missing: the {}",
                office_names(pack, &rule.approvers, "and"),
                office_names(pack, &missing, "and")
            ),
            Some(citation.clone()),
        )),
        Agreement::Any if covered.is_empty() => refusals.push(refuse(
            Gate::Approval,
            format!(
                "an extension needs the approval of the {}",
                office_names(pack, &rule.approvers, "or")
            ),
            Some(citation.clone()),
        )),
        _ => {}
    }
    if refusals.is_empty() {
        Ok(Dated {
            date: facts.new_due,
            citation,
        })
    } else {
        Err(refusals)
    }
}

/// A recall by an officer holding `by_offices`, with the return-by date they chose if any.
pub fn recall_decision(
    pack: &Pack,
    by_offices: &[OfficeId],
    return_by: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Dated, Refusal> {
    let Some(rule) = &pack.loans.recall else {
        return Err(refuse(
            Gate::NoProvision,
            "the policy gives no one the power to recall equipment",
            None,
        ));
    };
    let citation = Citation::new(pack, &rule.clause);
    if !rule.by.iter().any(|o| by_offices.contains(o)) {
        return Err(refuse(
            Gate::Authorisation,
            format!(
                "only the {} may recall equipment",
                office_names(pack, &rule.by, "or")
            ),
            Some(citation),
        ));
    }
    let date = match return_by {
        Some(d) if d < today => {
            return Err(refuse(
                Gate::Date,
                format!("the return-by date {} is in the past", long_date(d)),
                None,
            ));
        }
        Some(d) => d,
        None => rule.notice.after(today).unwrap_or(today),
    };
    Ok(Dated { date, citation })
}

/// When equipment must be back after its holder left office on `left_on`.
pub fn leaving_return_by(pack: &Pack, left_on: NaiveDate) -> Option<Dated> {
    let rule = pack.loans.leaving_office.as_ref()?;
    Some(Dated {
        date: rule.return_within.after(left_on)?,
        citation: Citation::new(pack, &rule.clause),
    })
}

/// The clause saying a leaver stops using what they hold at once, whatever the return
/// deadline, when the policy says so.
pub fn leaving_stop_use(pack: &Pack) -> Option<Citation> {
    let rule = pack.loans.leaving_office.as_ref()?;
    rule.stop_use.then(|| Citation::new(pack, &rule.clause))
}

/// A charge the policy allows for an item not returned after its holder left office.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChargeDue {
    pub amount_pence: i64,
    /// The first day the charge may be raised.
    pub from: NaiveDate,
    pub citation: Citation,
}

/// Whether a leaver's unreturned item may be charged for today.
pub fn leaving_charge(
    pack: &Pack,
    leaving_by: Option<NaiveDate>,
    returned: bool,
    replacement_cost_pence: i64,
    today: NaiveDate,
) -> Option<ChargeDue> {
    let rule = pack.loans.leaving_office.as_ref()?;
    let charge = rule.charge.as_ref()?;
    let deadline = leaving_by?;
    let from = deadline.succ_opt()?;
    if returned || today < from {
        return None;
    }
    let amount_pence = match charge {
        Charge::ReplacementCost { .. } => replacement_cost_pence,
        Charge::Fixed { pence, .. } => *pence,
    };
    Some(ChargeDue {
        amount_pence,
        from,
        citation: Citation::new(pack, charge.clause()),
    })
}

/// What state a returned item goes to, and the clause when erasure is required.
pub fn state_after_return(pack: &Pack, kind: EquipmentKind) -> (EquipmentState, Option<Citation>) {
    match &pack.loans.erasure_before_reuse {
        Some(rule) if rule.kinds.is_empty() || rule.kinds.contains(&kind) => (
            EquipmentState::AwaitingErasure,
            Some(Citation::new(pack, &rule.clause)),
        ),
        _ => (EquipmentState::Returned, None),
    }
}

/// When an item's PAT test must be repeated, if the policy asks for retests of its kind.
pub fn pat_retest_due(
    pack: &Pack,
    kind: EquipmentKind,
    tested_on: Option<NaiveDate>,
) -> Option<(Option<NaiveDate>, Citation)> {
    let rule = pack.loans.pat_test.as_ref()?;
    if !(rule.kinds.is_empty() || rule.kinds.contains(&kind)) {
        return None;
    }
    let citation = Citation::new(pack, &rule.clause);
    match tested_on {
        None => Some((None, citation)),
        Some(tested) => Some((rule.retest_every?.after(tested), citation)),
    }
}

/// The next evaluation of an item of `kind` lent on `issued_on`: the first anniversary of the
/// evaluation period on or after `today`.
pub fn next_evaluation(
    pack: &Pack,
    kind: EquipmentKind,
    issued_on: NaiveDate,
    today: NaiveDate,
) -> Option<Dated> {
    let rule = pack
        .equipment
        .iter()
        .find(|r| r.kinds.contains(&kind))?
        .evaluation
        .as_ref()?;
    if rule.every.is_zero() {
        return None;
    }
    let mut n: u32 = 1;
    loop {
        let step = crate::period::Period {
            amount: rule.every.amount.checked_mul(n)?,
            unit: rule.every.unit,
        };
        let date = step.after(issued_on)?;
        if date >= today {
            return Some(Dated {
                date,
                citation: Citation::new(pack, &rule.clause),
            });
        }
        n += 1;
    }
}

/// When the policy is next due for review, counting from when it took effect at the council
/// (or from the document's own adoption, if that is later).
pub fn review_due(pack: &Pack, in_force_from: NaiveDate) -> Option<Dated> {
    let rule = pack.review.as_ref()?;
    Some(Dated {
        date: rule.every?.after(in_force_from.max(pack.pack.adopted))?,
        citation: Citation::new(pack, &rule.clause),
    })
}

/// An item on loan, as the replacement programme sees it.
#[derive(Clone, Debug)]
pub struct RefreshCandidate<'a> {
    pub asset_tag: &'a str,
    pub kind: EquipmentKind,
    pub purchased_on: NaiveDate,
    /// Offices the holder holds today.
    pub holder_offices: &'a [OfficeId],
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RefreshEntry {
    pub asset_tag: String,
    pub replace_from: NaiveDate,
    pub priority: bool,
    pub citation: Citation,
}

/// The replacement queue: items whose replacement date falls on or before `horizon`,
/// priority office holders first, then oldest first.
pub fn refresh_queue(
    pack: &Pack,
    candidates: &[RefreshCandidate<'_>],
    horizon: NaiveDate,
) -> Vec<RefreshEntry> {
    let Some(rule) = &pack.refresh else {
        return Vec::new();
    };
    let citation = Citation::new(pack, &rule.clause);
    let mut entries: Vec<(RefreshEntry, NaiveDate)> = candidates
        .iter()
        .filter(|c| rule.kinds.is_empty() || rule.kinds.contains(&c.kind))
        .filter_map(|c| {
            let replace_from = rule.every.after(c.purchased_on)?;
            let priority = rule
                .priority_offices
                .iter()
                .any(|o| c.holder_offices.contains(o));
            (replace_from <= horizon).then(|| {
                (
                    RefreshEntry {
                        asset_tag: c.asset_tag.to_string(),
                        replace_from,
                        priority,
                        citation: citation.clone(),
                    },
                    c.purchased_on,
                )
            })
        })
        .collect();
    entries.sort_by(|(a, a_bought), (b, b_bought)| {
        b.priority
            .cmp(&a.priority)
            .then(a_bought.cmp(b_bought))
            .then(a.asset_tag.cmp(&b.asset_tag))
    });
    entries.into_iter().map(|(e, _)| e).collect()
}

/// Whether an office id names a person-held office in the pack (bodies cannot act).
pub fn is_personal_office(pack: &Pack, id: &OfficeId) -> bool {
    pack.office(id)
        .is_some_and(|o| o.holder != OfficeHolder::Body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    fn pack(id: &str) -> Pack {
        presets::load(presets::find(id).unwrap()).unwrap().pack
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts<'a>(
        kind: PersonKind,
        offices: &'a [OfficeId],
        acceptance: &'a AcceptanceStatus,
        item_kind: EquipmentKind,
        household: &'a [EquipmentKind],
    ) -> IssueFacts<'a> {
        IssueFacts {
            borrower: BorrowerFacts {
                name: "A Member",
                kind,
                in_office: true,
                offices,
                acceptance,
                access_withdrawn: None,
            },
            item: ItemFacts {
                asset_tag: "X-1",
                kind: item_kind,
                state: EquipmentState::InStock,
                pat_tested_on: None,
            },
            household_loans: household,
            authorised_by: None,
        }
    }

    #[test]
    fn every_unmet_gate_is_listed_with_its_clause() {
        let p = pack("borough-members-protocol");
        let missing = acceptance_status(&p, "hash", &[], d("2027-01-01"));
        let f = facts(
            PersonKind::Employee,
            &[],
            &missing,
            EquipmentKind::MobilePhone,
            &[],
        );
        let decision = issue_decision(&p, &f, d("2027-01-01"));
        let gates: Vec<Gate> = decision.refusals.iter().map(|r| r.gate).collect();
        assert!(gates.contains(&Gate::Scope));
        assert!(gates.contains(&Gate::Acceptance));
        assert!(!decision.is_allowed());
        assert!(
            decision
                .refusals
                .iter()
                .all(|r| r.gate == Gate::Scope || r.citation.is_some())
        );
    }

    #[test]
    fn one_machine_per_household_counts_only_laptops() {
        let p = pack("town-it-policy");
        let none = AcceptanceStatus::NotRequired;
        let held = [EquipmentKind::Laptop];
        let f = facts(
            PersonKind::Councillor,
            &[],
            &none,
            EquipmentKind::Laptop,
            &held,
        );
        let refused = issue_decision(&p, &f, d("2027-01-01"));
        assert_eq!(refused.refusals.len(), 1);
        assert_eq!(refused.refusals[0].gate, Gate::HouseholdLimit);
        let f = facts(
            PersonKind::Councillor,
            &[],
            &none,
            EquipmentKind::Laptop,
            &[],
        );
        let allowed = issue_decision(&p, &f, d("2027-11-30"));
        assert_eq!(allowed.due.map(|x| x.date), Some(d("2028-02-29")));
    }

    #[test]
    fn signatures_lapse_with_new_versions() {
        let p = pack("county-members-policy");
        let old = [SignatureFacts {
            pack_hash: "old",
            signed_on: d("2026-01-01"),
        }];
        assert!(matches!(
            acceptance_status(&p, "new", &old, d("2027-01-01")),
            AcceptanceStatus::Lapsed { .. }
        ));
        let current = [SignatureFacts {
            pack_hash: "new",
            signed_on: d("2026-01-01"),
        }];
        assert!(acceptance_status(&p, "new", &current, d("2027-01-01")).is_satisfied());
        // A signature dated after the day asked about does not count yet.
        let future = [SignatureFacts {
            pack_hash: "new",
            signed_on: d("2027-06-01"),
        }];
        assert!(matches!(
            acceptance_status(&p, "new", &future, d("2027-01-01")),
            AcceptanceStatus::Missing { .. }
        ));
        assert_eq!(
            acceptance_status(&pack("town-it-policy"), "x", &[], d("2027-01-01")),
            AcceptanceStatus::NotRequired
        );
    }

    #[test]
    fn extension_agreement_all_and_any() {
        let p = pack("town-it-policy");
        let mayor = [OfficeId("mayor".into())];
        let clerk = [OfficeId("town_clerk".into())];
        let both_people: [&[OfficeId]; 2] = [&mayor, &clerk];
        let ask = |approvers: &[&[OfficeId]], reason: &str| {
            extension_decision(
                &p,
                &ExtensionFacts {
                    current_due: Some(d("2027-04-04")),
                    new_due: d("2027-05-04"),
                    approvers,
                    reason,
                },
                d("2027-03-01"),
            )
        };
        assert!(ask(&both_people, "exceptional").is_ok());
        assert!(ask(&[&mayor], "exceptional").is_err());
        let both_offices = [OfficeId("mayor".into()), OfficeId("town_clerk".into())];
        assert!(
            ask(&[&both_offices], "exceptional").is_err(),
            "one person is one approval"
        );
        assert!(ask(&both_people, " ").is_err());
        let no_rule = extension_decision(
            &pack("city-members-code"),
            &ExtensionFacts {
                current_due: Some(d("2027-04-04")),
                new_due: d("2027-05-04"),
                approvers: &[],
                reason: "x",
            },
            d("2027-03-01"),
        );
        assert_eq!(no_rule.unwrap_err()[0].gate, Gate::NoProvision);
    }

    #[test]
    fn leaving_deadlines_and_charges() {
        let city = pack("city-members-code");
        let by = leaving_return_by(&city, d("2027-05-06")).unwrap();
        assert_eq!(
            (by.date, by.citation.clause.as_str()),
            (d("2027-05-16"), "28.9")
        );
        assert_eq!(
            leaving_charge(&city, Some(by.date), false, 79_900, d("2027-05-16")),
            None
        );
        let charge = leaving_charge(&city, Some(by.date), false, 79_900, d("2027-05-17")).unwrap();
        assert_eq!(charge.amount_pence, 79_900);
        assert_eq!(
            leaving_charge(&city, Some(by.date), true, 79_900, d("2027-06-01")),
            None
        );
        let county = pack("county-members-policy");
        assert_eq!(
            leaving_return_by(&county, d("2027-01-31")).unwrap().date,
            d("2027-02-28")
        );
        assert_eq!(
            leaving_charge(&county, Some(d("2027-02-28")), false, 1, d("2027-12-01")),
            None
        );
        let borough = pack("borough-members-protocol");
        assert_eq!(
            leaving_return_by(&borough, d("2027-05-06")).unwrap().date,
            d("2027-05-06")
        );
        assert_eq!(
            leaving_return_by(&pack("town-it-policy"), d("2027-05-06")),
            None
        );
    }

    #[test]
    fn recall_only_by_named_office_with_default_notice() {
        let p = pack("county-members-policy");
        let dsm = [OfficeId("democratic_support_manager".into())];
        let ok = recall_decision(&p, &dsm, None, d("2027-02-01")).unwrap();
        assert_eq!(ok.date, d("2027-02-08"));
        assert!(recall_decision(&p, &[], None, d("2027-02-01")).is_err());
        assert!(recall_decision(&p, &dsm, Some(d("2027-01-01")), d("2027-02-01")).is_err());
        assert!(recall_decision(&pack("city-aup"), &dsm, None, d("2027-02-01")).is_err());
    }

    #[test]
    fn evaluations_roll_forward_yearly() {
        let p = pack("borough-members-protocol");
        let next = next_evaluation(
            &p,
            EquipmentKind::MobilePhone,
            d("2026-02-01"),
            d("2027-06-01"),
        )
        .unwrap();
        assert_eq!(next.date, d("2028-02-01"));
        assert_eq!(
            next_evaluation(&p, EquipmentKind::Laptop, d("2026-02-01"), d("2027-06-01")),
            None
        );
    }
}

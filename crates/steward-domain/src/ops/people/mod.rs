pub mod list;

use super::{NONE, audit, policy, users};
use crate::auth::AuthTx;
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::PersonRef;
use crate::import::{self, ImportErrors, PersonRow, RowError};
use crate::records::{Council, Loan, OfficeHolding, Person, Term};
use crate::repo::{NewPerson, RegisterTx};
use crate::{Id, RepoError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use steward_policy::decide::leaving_return_by;
use steward_policy::model::OfficeHolder;
use steward_policy::{OfficeId, Pack, PersonKind, TermEndReason};

pub async fn find<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    reference: &PersonRef,
) -> DomainResult<Person> {
    tx.person_by_ref(council.id, reference)
        .await?
        .ok_or_else(|| DomainError::not_found("person", reference))
}

fn check_name(name: &str) -> DomainResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > import::NAME_MAX {
        return Err(DomainError::invalid(
            "name",
            "give a name of 1 to 200 characters",
        ));
    }
    import::plain_text(name, import::NAME_MAX)
        .map_err(|why| DomainError::invalid("name", format!("the name {why}")))
}

/// An optional text field as the register keeps it: trimmed, and none when blank.
fn blank_is_none(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// The email address, checked as the CSV import checks it; blank is none.
fn check_email(email: Option<String>) -> DomainResult<Option<String>> {
    blank_is_none(email)
        .map(|e| import::check_email(&e).map_err(|why| DomainError::invalid("email", why)))
        .transpose()
}

/// The household, checked as the CSV import checks it; blank is none.
fn check_household(household: Option<String>) -> DomainResult<Option<String>> {
    blank_is_none(household)
        .map(|h| {
            import::plain_text(&h, import::HOUSEHOLD_MAX)
                .map_err(|why| DomainError::invalid("household", format!("the household {why}")))
        })
        .transpose()
}

/// Checks that the pack names the office and that this kind of person can hold it.
fn check_office(pack: &Pack, person: &Person, office: &OfficeId) -> DomainResult<()> {
    let Some(found) = pack.office(office) else {
        let known: Vec<&str> = pack
            .offices
            .iter()
            .filter(|o| o.holder != OfficeHolder::Body)
            .map(|o| o.id.as_str())
            .collect();
        return Err(DomainError::invalid(
            "office",
            format!(
                "the council's policy names no office '{office}'; it names: {}",
                known.join(", ")
            ),
        ));
    };
    match found.holder {
        OfficeHolder::Body => Err(DomainError::invalid(
            "office",
            format!("{} is a body, not an office a person holds", found.name),
        )),
        OfficeHolder::Member if !person.kind.is_member() => Err(DomainError::invalid(
            "office",
            format!(
                "{} is held by a member, and {} is not one",
                found.name, person.name
            ),
        )),
        _ => Ok(()),
    }
}

/// Records that `person` holds `office` from `starts`, with its audit record.
async fn open_office<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    person: &Person,
    office: &OfficeId,
    starts: NaiveDate,
) -> DomainResult<OfficeHolding> {
    let holding = tx
        .insert_office(person.council_id, person.id, office, starts, None)
        .await?;
    audit(
        tx,
        ctx,
        person.council_id,
        "office.assign",
        "person",
        &person.reference,
        NONE,
        Some(&holding),
    )
    .await?;
    Ok(holding)
}

/// Ends a holding on `ends`, with its audit record.
async fn close_office<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    person: &Person,
    holding: OfficeHolding,
    ends: NaiveDate,
) -> DomainResult<OfficeHolding> {
    tx.end_office(person.council_id, holding.id, ends).await?;
    let after = OfficeHolding {
        ends: Some(ends),
        ..holding.clone()
    };
    audit(
        tx,
        ctx,
        person.council_id,
        "office.end",
        "person",
        &person.reference,
        Some(&holding),
        Some(&after),
    )
    .await?;
    Ok(after)
}

#[derive(Clone, Debug)]
pub struct AddPerson {
    pub person: NewPerson,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
    pub offices: Vec<OfficeId>,
}

pub async fn add<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    req: AddPerson,
) -> DomainResult<Person> {
    let mut new = req.person;
    new.name = check_name(&new.name)?;
    new.email = check_email(new.email)?;
    new.household = check_household(new.household)?;
    let person = tx.insert_person(council.id, &new).await?;
    audit(
        tx,
        ctx,
        council.id,
        "person.add",
        "person",
        &person.reference,
        NONE,
        Some(&person),
    )
    .await?;
    if let Some(starts) = req.term_start {
        // Someone just added has no other term to overlap.
        check_term_dates(starts, req.term_end)?;
        open_term(tx, ctx, council, &person, starts, req.term_end).await?;
    }
    if !req.offices.is_empty() {
        let active = policy::require(tx, council, ctx.today).await?;
        let from = req.term_start.unwrap_or(ctx.today);
        for office in &req.offices {
            check_office(&active.pack, &person, office)?;
            open_office(tx, ctx, &person, office, from).await?;
        }
    }
    Ok(person)
}

/// A correction to a person's details. Each field left as `None` stays as it is; for the
/// email address and household, blank text clears what was recorded.
#[derive(Clone, Debug, Default)]
pub struct PersonEdit {
    pub name: Option<String>,
    pub email: Option<String>,
    pub kind: Option<PersonKind>,
    pub household: Option<String>,
}

impl PersonEdit {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.email.is_none()
            && self.kind.is_none()
            && self.household.is_none()
    }
}

/// Corrects a person's name, email address, kind or household, checked by the rules adding
/// them and the CSV import follow, with one `person.edit` record holding the details before
/// and after. A change of kind is refused while they hold an office their new kind cannot.
/// Changing nothing writes nothing.
pub async fn edit<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    reference: &PersonRef,
    change: PersonEdit,
) -> DomainResult<Person> {
    let before = find(tx, council, reference).await?;
    let mut after = before.clone();
    if let Some(name) = &change.name {
        after.name = check_name(name)?;
    }
    if change.email.is_some() {
        after.email = check_email(change.email)?;
    }
    if change.household.is_some() {
        after.household = check_household(change.household)?;
    }
    if let Some(kind) = change.kind {
        after.kind = kind;
    }
    if after == before {
        return Ok(before);
    }
    if after.kind != before.kind {
        let held: Vec<OfficeHolding> = tx
            .offices(council.id, before.id)
            .await?
            .into_iter()
            .filter(|h| h.ends.is_none_or(|e| e >= ctx.today))
            .collect();
        // Without a policy in force there is no rule on who may hold an office to check.
        let active = if held.is_empty() {
            None
        } else {
            policy::in_force(tx, council, ctx.today).await?
        };
        if let Some(active) = active {
            for holding in &held {
                check_office(&active.pack, &after, &holding.office).map_err(|e| match e {
                    DomainError::Invalid { message, .. } => DomainError::invalid(
                        "kind",
                        format!("{message}; end that office before changing their kind"),
                    ),
                    other => other,
                })?;
            }
        }
    }
    tx.update_person(&after).await?;
    audit(
        tx,
        ctx,
        council.id,
        "person.edit",
        "person",
        &before.reference,
        Some(&before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

pub async fn start_term<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    person: &Person,
    starts: NaiveDate,
    ends: Option<NaiveDate>,
) -> DomainResult<Term> {
    check_term_dates(starts, ends)?;
    let terms = tx.terms(council.id, person.id).await?;
    if terms.iter().any(|t| t.ends.is_none_or(|e| e >= starts)) {
        return Err(DomainError::invalid(
            "term_start",
            format!(
                "{} already has a term running on {starts}; end it first",
                person.name
            ),
        ));
    }
    open_term(tx, ctx, council, person, starts, ends).await
}

fn check_term_dates(starts: NaiveDate, ends: Option<NaiveDate>) -> DomainResult<()> {
    if ends.is_some_and(|e| e < starts) {
        return Err(DomainError::invalid(
            "term_end",
            "a term cannot end before it starts",
        ));
    }
    Ok(())
}

/// Records the term and its audit record, once the caller knows it overlaps no other.
async fn open_term<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    person: &Person,
    starts: NaiveDate,
    ends: Option<NaiveDate>,
) -> DomainResult<Term> {
    let term = tx.insert_term(council.id, person.id, starts, ends).await?;
    audit_term_start(tx, ctx, council, person, &term).await?;
    Ok(term)
}

/// The record of a term begun.
async fn audit_term_start<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    person: &Person,
    term: &Term,
) -> DomainResult<()> {
    audit(
        tx,
        ctx,
        council.id,
        "term.start",
        "person",
        &person.reference,
        NONE,
        Some(term),
    )
    .await?;
    Ok(())
}

pub async fn assign_office<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    reference: &PersonRef,
    office: &OfficeId,
    starts: NaiveDate,
) -> DomainResult<OfficeHolding> {
    let person = find(tx, council, reference).await?;
    let active = policy::require(tx, council, ctx.today).await?;
    check_office(&active.pack, &person, office)?;
    let held = tx.offices(council.id, person.id).await?;
    if held
        .iter()
        .any(|h| &h.office == office && h.ends.is_none_or(|e| e >= starts))
    {
        return Err(DomainError::invalid(
            "office",
            format!("{} already holds {office} on {starts}", person.name),
        ));
    }
    open_office(tx, ctx, &person, office, starts).await
}

pub async fn end_office<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    reference: &PersonRef,
    office: &OfficeId,
    ends: NaiveDate,
) -> DomainResult<OfficeHolding> {
    let person = find(tx, council, reference).await?;
    let held = tx.offices(council.id, person.id).await?;
    let Some(holding) = held
        .into_iter()
        .find(|h| &h.office == office && h.ends.is_none())
    else {
        return Err(DomainError::invalid(
            "office",
            format!("{} does not hold {office}", person.name),
        ));
    };
    if ends < holding.starts {
        return Err(DomainError::invalid(
            "date",
            "an office cannot end before it starts",
        ));
    }
    close_office(tx, ctx, &person, holding, ends).await
}

/// What leaving office set in motion.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Leaving {
    pub person: Person,
    pub left_on: NaiveDate,
    pub reason: TermEndReason,
    /// Each open loan with the date it must now be back by.
    pub loans: Vec<Loan>,
    /// The clause setting the return deadline, when the policy has one.
    pub citation: Option<steward_policy::Citation>,
    /// The clause saying the items must not be used from the leaving day, when the policy
    /// says so.
    #[serde(default)]
    pub stop_use: Option<steward_policy::Citation>,
    /// The accounts linked to the person, when leaving took away their access.
    #[serde(default)]
    pub access_withdrawn: Vec<users::AccessWithdrawn>,
}

/// Ends a person's term: offices end with it, and each item they hold gets the return
/// deadline the policy sets for leavers. Unless another term of theirs runs past the leaving
/// day, their access ends at once: every session of an account linked to them ends, and their
/// member accounts are disabled.
pub async fn leave<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    reference: &PersonRef,
    left_on: NaiveDate,
    reason: TermEndReason,
) -> DomainResult<Leaving> {
    let person = find(tx, council, reference).await?;
    let terms = tx.terms(council.id, person.id).await?;
    let Some(term) = terms
        .into_iter()
        .rev()
        .find(|t| t.ends.is_none_or(|e| e >= left_on))
    else {
        return Err(DomainError::invalid(
            "person",
            format!("{} has no term running on {left_on}", person.name),
        ));
    };
    if left_on < term.starts {
        return Err(DomainError::invalid(
            "date",
            "the leaving date is before the term started",
        ));
    }
    tx.end_term(council.id, term.id, left_on, reason).await?;
    let ended = Term {
        ends: Some(left_on),
        end_reason: Some(reason),
        ..term.clone()
    };
    audit(
        tx,
        ctx,
        council.id,
        "term.end",
        "person",
        &person.reference,
        Some(&term),
        Some(&ended),
    )
    .await?;

    for holding in tx.offices(council.id, person.id).await? {
        if holding.ends.is_none_or(|e| e > left_on) {
            close_office(tx, ctx, &person, holding, left_on).await?;
        }
    }

    let still_serving = tx
        .terms(council.id, person.id)
        .await?
        .iter()
        .any(|t| t.id != term.id && t.ends.is_none_or(|e| e > left_on));
    let access_withdrawn = if still_serving {
        Vec::new()
    } else {
        users::withdraw_access(tx, ctx, &person).await?
    };

    let active = policy::require(tx, council, left_on).await?;
    let deadline = leaving_return_by(&active.pack, left_on);
    let mut loans = Vec::new();
    for loan in tx.loans_of_person(council.id, person.id).await? {
        if !loan.is_open() {
            continue;
        }
        let Some(dated) = &deadline else {
            loans.push(loan);
            continue;
        };
        let after = Loan {
            leaving_by: Some(dated.date),
            leaving_clause: Some(dated.citation.clause.clone()),
            ..loan.clone()
        };
        tx.update_loan(&after).await?;
        audit(
            tx,
            ctx,
            council.id,
            "loan.leaving_deadline",
            "loan",
            loan.id,
            Some(&loan),
            Some(&after),
        )
        .await?;
        loans.push(after);
    }
    Ok(Leaving {
        person,
        left_on,
        reason,
        loans,
        citation: deadline.map(|d| d.citation),
        stop_use: steward_policy::decide::leaving_stop_use(&active.pack),
        access_withdrawn,
    })
}

/// Everything the register knows about one person.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PersonDetail {
    pub person: Person,
    pub terms: Vec<Term>,
    pub offices: Vec<OfficeHolding>,
    pub loans: Vec<Loan>,
}

pub async fn detail<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    reference: &PersonRef,
) -> DomainResult<PersonDetail> {
    let person = find(tx, council, reference).await?;
    Ok(PersonDetail {
        terms: tx.terms(council.id, person.id).await?,
        offices: tx.offices(council.id, person.id).await?,
        loans: tx.loans_of_person(council.id, person.id).await?,
        person,
    })
}

/// Offices a person holds on a day.
pub async fn offices_on<T: RegisterTx>(
    tx: &mut T,
    council_id: i64,
    person_id: i64,
    day: NaiveDate,
) -> DomainResult<Vec<OfficeId>> {
    Ok(tx
        .offices(council_id, person_id)
        .await?
        .into_iter()
        .filter(|h| h.covers(day))
        .map(|h| h.office)
        .collect())
}

pub async fn in_office<T: RegisterTx>(
    tx: &mut T,
    council_id: i64,
    person_id: i64,
    day: NaiveDate,
) -> DomainResult<bool> {
    Ok(tx
        .terms(council_id, person_id)
        .await?
        .iter()
        .any(|t| t.covers(day)))
}

/// Imports checked rows; any row that clashes with the register fails the whole import.
pub async fn import<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    file: &str,
    rows: Vec<PersonRow>,
    mut progress: impl FnMut(u64),
) -> DomainResult<usize> {
    let mut errors = Vec::new();
    let needs_pack = rows.iter().any(|r| !r.offices.is_empty());
    let active = if needs_pack {
        Some(policy::require(tx, council, ctx.today).await?)
    } else {
        None
    };
    let references: Vec<&str> = rows.iter().map(|r| r.reference.as_str()).collect();
    let registered = tx.registered_references(council.id, &references).await?;
    for row in &rows {
        if registered.contains(row.reference.as_str()) {
            errors.push(RowError {
                line: row.line,
                column: Some("reference".into()),
                message: format!(
                    "a person with reference {} is already registered",
                    row.reference
                ),
            });
        }
        if let Some(active) = &active {
            for office in &row.offices {
                let probe = Person {
                    id: 0,
                    council_id: council.id,
                    reference: row.reference.clone(),
                    name: row.name.clone(),
                    kind: row.kind,
                    email: None,
                    household: None,
                };
                if let Err(e) = check_office(&active.pack, &probe, office) {
                    errors.push(RowError {
                        line: row.line,
                        column: Some("offices".into()),
                        message: match e {
                            DomainError::Invalid { message, .. } => message,
                            other => other.to_string(),
                        },
                    });
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(ImportErrors {
            file: file.to_string(),
            errors,
        }
        .into());
    }
    let count = rows.len();
    let mut done = 0;
    for chunk in rows.chunks(IMPORT_BATCH) {
        add_many(tx, ctx, council, chunk).await?;
        done += chunk.len();
        progress(done as u64);
    }
    Ok(count)
}

/// Rows an import writes between two reports of its progress.
const IMPORT_BATCH: usize = 500;

/// What [`add`] does for each row, with the people and their terms written many to a
/// statement: the same checks, the same records, and the audit trail in the same order
/// (each person's addition, their term, their offices).
async fn add_many<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    rows: &[PersonRow],
) -> DomainResult<()> {
    let mut news = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(starts) = row.term_start {
            check_term_dates(starts, row.term_end)?;
        }
        news.push(NewPerson {
            reference: row.reference.clone(),
            name: check_name(&row.name)?,
            kind: row.kind,
            email: check_email(row.email.clone())?,
            household: check_household(row.household.clone())?,
        });
    }
    let people = tx.insert_people(council.id, &news).await?;
    let starting: Vec<(Id, NaiveDate, Option<NaiveDate>)> = people
        .iter()
        .zip(rows)
        .filter_map(|(p, row)| row.term_start.map(|s| (p.id, s, row.term_end)))
        .collect();
    let mut terms = tx.insert_terms(council.id, &starting).await?.into_iter();
    let active = if rows.iter().any(|r| !r.offices.is_empty()) {
        Some(policy::require(tx, council, ctx.today).await?)
    } else {
        None
    };
    for (person, row) in people.iter().zip(rows) {
        audit(
            tx,
            ctx,
            council.id,
            "person.add",
            "person",
            &person.reference,
            NONE,
            Some(person),
        )
        .await?;
        if row.term_start.is_some() {
            let term = terms.next().ok_or_else(|| {
                DomainError::Repo(RepoError::Backend("a term was not stored".into()))
            })?;
            audit_term_start(tx, ctx, council, person, &term).await?;
        }
        if let Some(active) = &active {
            let from = row.term_start.unwrap_or(ctx.today);
            for office in &row.offices {
                check_office(&active.pack, person, office)?;
                open_office(tx, ctx, person, office, from).await?;
            }
        }
    }
    Ok(())
}

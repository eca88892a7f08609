//! Overdue returns: a reminder to the borrower when an item is late, again every week while it
//! stays late; and, once a leaver's deadline has passed, the charge the policy allows.

use super::facts::{days, kind_words};
use super::{Action, Day, Finding, Found, Source, SweepTx};
use crate::ids::Pence;
use crate::ops::loans::LoanView;
use crate::ops::outbox::Audience;
use crate::outbox::Letter;
use chrono::{Duration, NaiveDate};
use steward_policy::decide::{self, Dated};
use steward_policy::model::Charge;
use steward_policy::{Citation, long_date};

/// Days between reminders while an item stays overdue.
pub const REMIND_EVERY_DAYS: i64 = 7;

pub(crate) struct Overdue;

impl<T: SweepTx> Source<T> for Overdue {
    fn name(&self) -> &'static str {
        "overdue"
    }

    fn find<'a>(&'a self, _tx: &'a mut T, day: &'a Day) -> Found<'a> {
        Box::pin(async move {
            let mut out = Vec::new();
            for view in &day.loans {
                let Some(Dated { date, citation }) = &view.return_by else {
                    continue;
                };
                if *date >= day.today {
                    continue;
                }
                out.push(reminder(day, view, *date, citation));
                out.extend(charge(day, view));
            }
            Ok(out)
        })
    }
}

/// The reminder step `today` falls in: the first day overdue, then every week after it. Keys
/// carry the step, not the day, so a sweep that runs daily still sends one per week.
pub(crate) fn step(due: NaiveDate, today: NaiveDate) -> NaiveDate {
    let first = due + Duration::days(1);
    let weeks = (today - first).num_days().max(0) / REMIND_EVERY_DAYS;
    first + Duration::days(weeks * REMIND_EVERY_DAYS)
}

fn reminder(day: &Day, view: &LoanView, due: NaiveDate, citation: &Citation) -> Finding {
    let late = (day.today - due).num_days();
    let letter = Letter {
        subject: format!("Overdue: please return {}", view.asset_tag),
        decision: format!("Return due {}", long_date(due)),
        citation: citation.clone(),
        paragraphs: vec![
            format!("Dear {},", view.person_name),
            format!(
                "The {} {} you have on loan from {} was due back on {}. It is now {} late.",
                kind_words(view.kind),
                view.asset_tag,
                day.council.name,
                long_date(due),
                days(late)
            ),
            format!(
                "Please return it as soon as you can. Until it is back you will be reminded \
                 every {REMIND_EVERY_DAYS} days."
            ),
        ],
        council: day.council.name.clone(),
    };
    Finding {
        source: "overdue",
        key: format!(
            "overdue-return:loan-{}:{}",
            view.loan.id,
            step(due, day.today)
        ),
        summary: format!(
            "{} ({}, {}) was due back on {}: {} late",
            view.asset_tag,
            view.person_name,
            view.person,
            long_date(due),
            days(late)
        ),
        letter,
        audience: Audience::Person(view.loan.person_id),
        routing: None,
        action: None,
    }
}

/// The charge for a leaver's item not back by the deadline, when the policy allows one and none
/// has been raised.
fn charge(day: &Day, view: &LoanView) -> Option<Finding> {
    if !view.charges.is_empty() {
        return None;
    }
    let cost = day.replacement_cost(view.loan.id)?;
    let pack = &day.active.pack;
    let due = decide::leaving_charge(pack, view.loan.leaving_by, false, cost.0, day.today)?;
    let amount = Pence(due.amount_pence);
    let basis = match pack
        .loans
        .leaving_office
        .as_ref()
        .and_then(|r| r.charge.as_ref())
    {
        Some(Charge::Fixed { .. }) => "the fixed sum the policy sets",
        _ => "the cost of replacing it",
    };
    let deadline = view.loan.leaving_by.map(long_date).unwrap_or_default();
    let letter = Letter {
        subject: format!("A charge has been raised for {}", view.asset_tag),
        decision: format!("Charge of {amount} raised"),
        citation: due.citation.clone(),
        paragraphs: vec![
            format!("Dear {},", view.person_name),
            format!(
                "The {} {} was to be returned by {deadline}, after you left office, and has \
                 not been.",
                kind_words(view.kind),
                view.asset_tag
            ),
            format!("Under the policy the council has raised a charge of {amount}: {basis}."),
            "If you have already returned it, or think this is wrong, please contact the \
             council's ICT team."
                .to_string(),
        ],
        council: day.council.name.clone(),
    };
    Some(Finding {
        source: "overdue",
        key: format!("leaving-charge:loan-{}", view.loan.id),
        summary: format!(
            "charge of {amount} for {} ({}, {}): not returned by {deadline} after leaving office",
            view.asset_tag, view.person_name, view.person
        ),
        letter,
        audience: Audience::Person(view.loan.person_id),
        routing: None,
        action: Some(Action::RaiseCharge {
            loan_id: view.loan.id,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn reminders_step_weekly_from_the_first_day_late() {
        let due = d("2027-05-16");
        assert_eq!(step(due, d("2027-05-17")), d("2027-05-17"));
        assert_eq!(step(due, d("2027-05-23")), d("2027-05-17"));
        assert_eq!(step(due, d("2027-05-24")), d("2027-05-24"));
        assert_eq!(step(due, d("2027-06-01")), d("2027-05-31"));
    }
}

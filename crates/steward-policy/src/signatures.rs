//! Signatures decided a row at a time: a register of thousands of people is read in one
//! query that brings, for each person, the two dates the decision needs ([`SignatureRow`]),
//! and each row is decided here. [`Outstanding`] says, in dates, who still needs to sign, so
//! the store can filter a list by it without deciding anything itself.

use crate::citation::Citation;
use crate::decide::AcceptanceStatus;
use crate::model::Pack;
use crate::period::{Period, long_date};
use chrono::NaiveDate;

/// One person's signatures as far as the decision goes, both counting only those dated on or
/// before the day asked about.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignatureRow {
    /// Their latest signature of the version in force.
    pub latest_of_version: Option<NaiveDate>,
    /// Their latest signature of any version.
    pub latest_any: Option<NaiveDate>,
}

/// Whether the signatures in `row` satisfy the pack on `today`.
pub fn acceptance_status_of_row(
    pack: &Pack,
    row: SignatureRow,
    today: NaiveDate,
) -> AcceptanceStatus {
    let Some(rule) = &pack.acceptance else {
        return AcceptanceStatus::NotRequired;
    };
    let citation = Citation::new(pack, &rule.clause);
    let counting = if rule.lapses_on_new_version {
        row.latest_of_version
    } else {
        row.latest_any
    };
    let Some(signed_on) = counting else {
        return if row.latest_any.is_some() {
            AcceptanceStatus::Lapsed {
                reason: format!(
                    "signed an earlier version; version {} needs a new signature",
                    pack.pack.version
                ),
                citation,
            }
        } else {
            AcceptanceStatus::Missing { citation }
        };
    };
    let until = rule
        .renew_every
        .and_then(|p| p.after(signed_on))
        .and_then(|d| d.pred_opt());
    match until {
        Some(last_day) if last_day < today => AcceptanceStatus::Lapsed {
            reason: format!(
                "signature of {} ran out on {}; it must be renewed every {}",
                long_date(signed_on),
                long_date(last_day),
                rule.renew_every.unwrap_or(Period::IMMEDIATELY)
            ),
            citation,
        },
        _ => AcceptanceStatus::Current {
            signed_on,
            until,
            citation,
        },
    }
}

/// Who still needs to sign on a day, in terms a query can test: a person whose counting
/// signature (of the version in force when `of_version_only`, else of any) is missing, or
/// dated before `good_from`, needs to sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outstanding {
    pub of_version_only: bool,
    /// The earliest signing day still good on the day; None when signatures never run out.
    pub good_from: Option<NaiveDate>,
}

/// What makes a signature outstanding under `pack` on `today`; None when the pack asks for no
/// signature, so nobody is outstanding.
pub fn outstanding(pack: &Pack, today: NaiveDate) -> Option<Outstanding> {
    let rule = pack.acceptance.as_ref()?;
    Some(Outstanding {
        of_version_only: rule.lapses_on_new_version,
        good_from: rule.renew_every.map(|p| good_from(p, today)),
    })
}

/// The earliest day a signature renewed every `period` could have been given and still be
/// good on `today`: it is good while `period` after it, less a day, has not passed. That
/// end-day never falls as the signing day rises (months clamp at their ends), so the first
/// good day is found by halving the range of days it can be in.
fn good_from(period: Period, today: NaiveDate) -> NaiveDate {
    let good = |signed: NaiveDate| {
        period
            .after(signed)
            .and_then(|d| d.pred_opt())
            .is_none_or(|last| last >= today)
    };
    // The longest period a pack may state is 36,600 days; a signature older than that never
    // counts, and one given today always does.
    let mut bad = today - chrono::Days::new(40_000);
    let mut ok = today;
    if !good(ok) {
        // A period of nothing: even today's signature ran out yesterday.
        return today + chrono::Days::new(1);
    }
    while (ok - bad).num_days() > 1 {
        let mid = bad + chrono::Days::new(((ok - bad).num_days() / 2) as u64);
        if good(mid) {
            ok = mid;
        } else {
            bad = mid;
        }
    }
    ok
}

impl AcceptanceStatus {
    /// Whether the person still needs to sign: never signed, or their signature lapsed.
    pub fn is_outstanding(&self) -> bool {
        matches!(
            self,
            AcceptanceStatus::Missing { .. } | AcceptanceStatus::Lapsed { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn pack(id: &str) -> Pack {
        presets::load(presets::find(id).unwrap()).unwrap().pack
    }

    fn renewing(period: Period, by_version: bool) -> Pack {
        let mut p = pack("county-members-policy");
        let rule = p.acceptance.as_mut().unwrap();
        rule.renew_every = Some(period);
        rule.lapses_on_new_version = by_version;
        p
    }

    #[test]
    fn rows_decide_like_the_full_history() {
        let p = pack("county-members-policy");
        let today = d("2027-01-01");
        let never = SignatureRow::default();
        assert!(matches!(
            acceptance_status_of_row(&p, never, today),
            AcceptanceStatus::Missing { .. }
        ));
        let old_only = SignatureRow {
            latest_of_version: None,
            latest_any: Some(d("2026-03-01")),
        };
        assert!(matches!(
            acceptance_status_of_row(&p, old_only, today),
            AcceptanceStatus::Lapsed { .. }
        ));
        let signed = SignatureRow {
            latest_of_version: Some(d("2026-12-01")),
            latest_any: Some(d("2026-12-01")),
        };
        assert!(acceptance_status_of_row(&p, signed, today).is_satisfied());
        assert_eq!(
            acceptance_status_of_row(&pack("town-it-policy"), never, today),
            AcceptanceStatus::NotRequired
        );
        assert_eq!(outstanding(&pack("town-it-policy"), today), None);
    }

    #[test]
    fn a_yearly_renewal_lapses_the_day_after_a_year_less_a_day() {
        let p = renewing(Period::years(1), true);
        let today = d("2027-03-01");
        let rule = outstanding(&p, today).unwrap();
        assert_eq!(rule.good_from, Some(d("2026-03-02")));
        let row = |on: &str| SignatureRow {
            latest_of_version: Some(d(on)),
            latest_any: Some(d(on)),
        };
        assert!(acceptance_status_of_row(&p, row("2026-03-02"), today).is_satisfied());
        assert!(acceptance_status_of_row(&p, row("2026-03-01"), today).is_outstanding());
    }

    proptest! {
        /// The dates `outstanding` gives agree with the decision for every signing day.
        #[test]
        fn outstanding_agrees_with_the_decision(
            amount in 1u32..30, unit in 0u8..4, by_version in any::<bool>(),
            today_offset in 0i64..3_000, back in 0i64..4_000, other in prop::option::of(0i64..4_000),
        ) {
            let period = match unit {
                0 => Period::days(amount),
                1 => Period { amount, unit: crate::period::PeriodUnit::Weeks },
                2 => Period::months(amount),
                _ => Period::years(amount % 5 + 1),
            };
            let p = renewing(period, by_version);
            let today = d("2026-01-31") + chrono::Days::new(today_offset as u64);
            let signed = today - chrono::Days::new(back as u64);
            let older = other.map(|o| today - chrono::Days::new(o as u64));
            let row = SignatureRow {
                latest_of_version: Some(signed),
                latest_any: Some(older.map_or(signed, |o| o.max(signed))),
            };
            let rule = outstanding(&p, today).unwrap();
            let counting = if rule.of_version_only { row.latest_of_version } else { row.latest_any };
            let by_dates = counting.is_none_or(|c| rule.good_from.is_some_and(|g| c < g));
            prop_assert_eq!(by_dates, acceptance_status_of_row(&p, row, today).is_outstanding());
        }
    }
}

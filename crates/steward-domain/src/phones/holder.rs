//! Whose call it was: the person holding the phone on the day, by its loans.

use crate::records::Loan;
use chrono::NaiveDate;

/// The loan of the phone that covers `day`: lent on or before it and not returned before it.
///
/// A loan covers the day it is returned, because the phone was still in hand that morning. On a
/// day the phone changed hands both loans cover it, and the later loan wins: the new holder has
/// it for the rest of the day. `None` means the phone was with the council.
pub fn loan_on(loans: &[Loan], day: NaiveDate) -> Option<&Loan> {
    loans
        .iter()
        .filter(|l| l.issued_on <= day && l.returned_on.is_none_or(|r| day <= r))
        .max_by_key(|l| (l.issued_on, l.id))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, m, d).unwrap()
    }

    fn loan(id: i64, person: i64, issued: NaiveDate, returned: Option<NaiveDate>) -> Loan {
        Loan {
            id,
            council_id: 1,
            equipment_id: 7,
            person_id: person,
            issued_on: issued,
            due_on: None,
            due_clause: None,
            recall_by: None,
            recall_clause: None,
            leaving_by: None,
            leaving_clause: None,
            returned_on: returned,
            pack_version_id: 1,
            ended_as: None,
        }
    }

    fn holder(loans: &[Loan], d: NaiveDate) -> Option<i64> {
        loan_on(loans, d).map(|l| l.person_id)
    }

    #[test]
    fn each_day_goes_to_whoever_had_the_phone() {
        let loans = [
            loan(1, 10, day(1, 10), Some(day(3, 31))),
            loan(2, 20, day(4, 14), None),
        ];
        assert_eq!(holder(&loans, day(1, 9)), None, "before the first loan");
        assert_eq!(holder(&loans, day(1, 10)), Some(10));
        assert_eq!(holder(&loans, day(3, 31)), Some(10), "the day it came back");
        assert_eq!(holder(&loans, day(4, 1)), None, "back with the council");
        assert_eq!(holder(&loans, day(4, 14)), Some(20));
        assert_eq!(holder(&loans, day(12, 31)), Some(20), "still out");
    }

    #[test]
    fn on_the_day_it_changes_hands_the_new_holder_has_it() {
        let loans = [
            loan(1, 10, day(1, 10), Some(day(4, 14))),
            loan(2, 20, day(4, 14), None),
        ];
        assert_eq!(holder(&loans, day(4, 13)), Some(10));
        assert_eq!(holder(&loans, day(4, 14)), Some(20));
    }

    proptest! {
        #[test]
        fn the_answer_always_covers_the_day(
            spans in proptest::collection::vec((0u32..300, 0u32..60, any::<bool>()), 0..6),
            probe in 0u32..400,
        ) {
            let start = day(1, 1);
            let at = |n: u32| start + chrono::Duration::days(i64::from(n));
            let loans: Vec<Loan> = spans
                .iter()
                .enumerate()
                .map(|(i, (from, len, open))| {
                    loan(i as i64 + 1, i as i64 + 100, at(*from), (!open).then(|| at(from + len)))
                })
                .collect();
            let d = at(probe);
            match loan_on(&loans, d) {
                Some(l) => {
                    prop_assert!(l.issued_on <= d);
                    prop_assert!(l.returned_on.is_none_or(|r| d <= r));
                }
                None => prop_assert!(loans
                    .iter()
                    .all(|l| l.issued_on > d || l.returned_on.is_some_and(|r| r < d))),
            }
        }
    }
}

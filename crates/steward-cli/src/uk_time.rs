//! The clock in London, for scheduling the daily sweep: Greenwich Mean Time, and British Summer
//! Time (one hour ahead) from 01:00 UTC on the last Sunday of March until 01:00 UTC on the last
//! Sunday of October, as UK law has set since 1998.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let last = first_of_next.pred_opt()?;
    let back = last.weekday().num_days_from_sunday();
    Some(last - Duration::days(i64::from(back)))
}

/// Whether British Summer Time is in force at `at`.
pub fn is_summer_time(at: DateTime<Utc>) -> bool {
    let year = at.year();
    let change = |month| {
        last_sunday(year, month)
            .and_then(|d| d.and_hms_opt(1, 0, 0))
            .map(|t| t.and_utc())
    };
    match (change(3), change(10)) {
        (Some(starts), Some(ends)) => starts <= at && at < ends,
        _ => false,
    }
}

/// The time on the clock in London at `at`.
pub fn london(at: DateTime<Utc>) -> NaiveDateTime {
    let offset = if is_summer_time(at) {
        Duration::hours(1)
    } else {
        Duration::zero()
    };
    (at + offset).naive_utc()
}

/// The moment London's clock reads `local`. In the autumn hour that happens twice, the first;
/// in the spring hour that never happens, the same reading in GMT (an hour later in BST).
fn from_london(local: NaiveDateTime) -> DateTime<Utc> {
    let summer = (local - Duration::hours(1)).and_utc();
    if is_summer_time(summer) {
        summer
    } else {
        local.and_utc()
    }
}

/// The first moment after `after` at which the clock in London reads `at`.
pub fn next_at(after: DateTime<Utc>, at: NaiveTime) -> DateTime<Utc> {
    let today = london(after).date();
    (0..3)
        .map(|n| from_london((today + Duration::days(n)).and_time(at)))
        .find(|t| *t > after)
        .unwrap_or(after + Duration::days(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn summer_time_starts_and_ends_at_one_in_the_morning_utc() {
        assert_eq!(last_sunday(2027, 3), NaiveDate::from_ymd_opt(2027, 3, 28));
        assert_eq!(last_sunday(2027, 10), NaiveDate::from_ymd_opt(2027, 10, 31));
        assert_eq!(last_sunday(2026, 12), NaiveDate::from_ymd_opt(2026, 12, 27));
        assert!(!is_summer_time(utc("2027-03-28T00:59:59Z")));
        assert!(is_summer_time(utc("2027-03-28T01:00:00Z")));
        assert!(is_summer_time(utc("2027-10-31T00:59:59Z")));
        assert!(!is_summer_time(utc("2027-10-31T01:00:00Z")));
        assert!(!is_summer_time(utc("2027-01-15T12:00:00Z")));
        assert_eq!(
            london(utc("2027-07-01T05:00:00Z")).time(),
            NaiveTime::from_hms_opt(6, 0, 0).unwrap()
        );
    }

    #[test]
    fn six_in_the_morning_follows_the_london_clock() {
        let six = NaiveTime::from_hms_opt(6, 0, 0).unwrap();
        // Winter: 06:00 GMT.
        assert_eq!(
            next_at(utc("2027-01-15T03:00:00Z"), six),
            utc("2027-01-15T06:00:00Z")
        );
        assert_eq!(
            next_at(utc("2027-01-15T06:00:00Z"), six),
            utc("2027-01-16T06:00:00Z")
        );
        // Summer: 06:00 BST is 05:00 UTC.
        assert_eq!(
            next_at(utc("2027-07-01T04:00:00Z"), six),
            utc("2027-07-01T05:00:00Z")
        );
        assert_eq!(
            next_at(utc("2027-07-01T05:30:00Z"), six),
            utc("2027-07-02T05:00:00Z")
        );
        // Across the changes: the day after the clocks go forward, and back.
        assert_eq!(
            next_at(utc("2027-03-27T07:00:00Z"), six),
            utc("2027-03-28T05:00:00Z")
        );
        assert_eq!(
            next_at(utc("2027-10-30T06:00:00Z"), six),
            utc("2027-10-31T06:00:00Z")
        );
        // An hour that happens twice in the autumn runs at the first of them.
        let half_one = NaiveTime::from_hms_opt(1, 30, 0).unwrap();
        assert_eq!(
            next_at(utc("2027-10-30T12:00:00Z"), half_one),
            utc("2027-10-31T00:30:00Z")
        );
    }
}

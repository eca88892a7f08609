//! UK civil time without a time zone database: Greenwich Mean Time, and British Summer Time
//! (one hour ahead) from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday
//! of October. Proxy logs and helpers see UTC epoch seconds; working hours are written in local
//! time, so every web decision goes through here.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};

/// The last Sunday of `month` in `year` (months with 31 days only: March and October).
fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let last = NaiveDate::from_ymd_opt(year, month, 31)?;
    let back = last.weekday().num_days_from_sunday();
    last.checked_sub_signed(Duration::days(i64::from(back)))
}

/// The instants British Summer Time starts and ends in `year`.
pub fn summer_time(year: i32) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let one_am = chrono::NaiveTime::from_hms_opt(1, 0, 0)?;
    let start = last_sunday(year, 3)?.and_time(one_am).and_utc();
    let end = last_sunday(year, 10)?.and_time(one_am).and_utc();
    Some((start, end))
}

/// Whether British Summer Time is in force at `utc`.
pub fn is_summer_time(utc: DateTime<Utc>) -> bool {
    match summer_time(utc.year()) {
        Some((start, end)) => start <= utc && utc < end,
        None => false,
    }
}

/// The wall-clock time in the UK at `utc`.
pub fn uk_local(utc: DateTime<Utc>) -> NaiveDateTime {
    let local = utc.naive_utc();
    if is_summer_time(utc) {
        local
            .checked_add_signed(Duration::hours(1))
            .unwrap_or(local)
    } else {
        local
    }
}

/// The UK wall-clock time at a Unix timestamp, as Squid logs and passes them; `None` when the
/// number is outside the calendar chrono can represent.
pub fn uk_local_from_unix(seconds: i64) -> Option<NaiveDateTime> {
    DateTime::<Utc>::from_timestamp(seconds, 0).map(uk_local)
}

/// A UK wall-clock time as people read it: "9:30am", "12:05pm", "midday", "midnight".
pub fn clock_words(local: NaiveDateTime) -> String {
    use chrono::Timelike;
    let (hour, minute) = (local.hour(), local.minute());
    match (hour, minute) {
        (0, 0) => "midnight".into(),
        (12, 0) => "midday".into(),
        _ => {
            let half = if hour < 12 { "am" } else { "pm" };
            let twelve = match hour % 12 {
                0 => 12,
                h => h,
            };
            format!("{twelve}:{minute:02}{half}")
        }
    }
}

/// A moment in the UK's local time (summer time included), as people read it:
/// "9:30am on 16 May 2027".
pub fn local_moment(utc: DateTime<Utc>) -> String {
    let local = uk_local(utc);
    format!(
        "{} on {}",
        clock_words(local),
        crate::long_date(local.date())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;
    use proptest::prelude::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn moments_read_in_local_time() {
        assert_eq!(
            local_moment(utc("2027-01-16T09:30:00Z")),
            "9:30am on 16 January 2027"
        );
        // Summer time: an hour ahead, and past midnight that is the next day.
        assert_eq!(
            local_moment(utc("2027-05-16T23:30:00Z")),
            "12:30am on 17 May 2027"
        );
        assert_eq!(
            local_moment(utc("2027-05-16T11:00:00Z")),
            "midday on 16 May 2027"
        );
        assert_eq!(
            local_moment(utc("2027-12-31T00:00:00Z")),
            "midnight on 31 December 2027"
        );
        assert_eq!(
            local_moment(utc("2027-03-02T13:05:00Z")),
            "1:05pm on 2 March 2027"
        );
    }

    #[test]
    fn known_change_overs() {
        // 2026: summer time from 29 March to 25 October; 2027: 28 March to 31 October.
        let (start, end) = summer_time(2026).unwrap();
        assert_eq!(start, utc("2026-03-29T01:00:00Z"));
        assert_eq!(end, utc("2026-10-25T01:00:00Z"));
        let (start, end) = summer_time(2027).unwrap();
        assert_eq!(start, utc("2027-03-28T01:00:00Z"));
        assert_eq!(end, utc("2027-10-31T01:00:00Z"));
    }

    #[test]
    fn clocks_go_forward_and_back() {
        let before = uk_local(utc("2026-03-29T00:59:59Z"));
        let after = uk_local(utc("2026-03-29T01:00:00Z"));
        assert_eq!(before.to_string(), "2026-03-29 00:59:59");
        assert_eq!(after.to_string(), "2026-03-29 02:00:00");
        let before = uk_local(utc("2026-10-25T00:59:59Z"));
        let after = uk_local(utc("2026-10-25T01:00:00Z"));
        assert_eq!(before.to_string(), "2026-10-25 01:59:59");
        assert_eq!(after.to_string(), "2026-10-25 01:00:00");
        assert_eq!(
            uk_local(utc("2027-07-01T08:30:00Z")).to_string(),
            "2027-07-01 09:30:00"
        );
        assert_eq!(
            uk_local(utc("2027-01-15T08:30:00Z")).to_string(),
            "2027-01-15 08:30:00"
        );
    }

    proptest! {
        /// Around each change-over the offset is 0 just before the start, 1 from it until just
        /// before the end, and 0 from the end; and the change-overs fall on Sundays at 01:00 UTC
        /// in the last week of their month.
        #[test]
        fn offsets_around_the_change_overs(year in 1971i32..2200, delta in -7_200i64..7_200) {
            let (start, end) = summer_time(year).unwrap();
            for (edge, inside_after) in [(start, true), (end, false)] {
                prop_assert_eq!(edge.weekday(), Weekday::Sun);
                prop_assert!(edge.day() >= 25);
                let at = edge + Duration::seconds(delta);
                let offset = uk_local(at) - at.naive_utc();
                let summer = (delta >= 0) == inside_after;
                prop_assert_eq!(offset, Duration::hours(i64::from(summer)));
            }
        }

        /// Local time never runs more than an hour ahead of UTC, and is UTC all winter.
        #[test]
        fn offset_is_zero_or_one_hour(secs in 0i64..8_000_000_000) {
            let at = DateTime::<Utc>::from_timestamp(secs, 0).unwrap();
            let offset = uk_local(at) - at.naive_utc();
            prop_assert!(offset == Duration::zero() || offset == Duration::hours(1));
            if matches!(at.month(), 1 | 2 | 11 | 12) {
                prop_assert_eq!(offset, Duration::zero());
            }
            if (5..=9).contains(&at.month()) {
                prop_assert_eq!(offset, Duration::hours(1));
            }
            prop_assert_eq!(uk_local_from_unix(secs), Some(uk_local(at)));
        }
    }
}

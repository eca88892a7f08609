//! Working hours: the service desk's clock. A response time counts only the hours of the
//! council's working week (by default Monday to Friday, 09:00 to 17:00 UK time), never a
//! bank holiday of its nation, so a report made on a Saturday night starts counting on Monday
//! morning. Arithmetic is in whole minutes of UK local time; see `docs/deadlines.md`.

use super::{Holidays, Nation};
use crate::model::{Pack, Window};
use crate::span::{Span, SpanUnit};
use crate::uktime::{is_summer_time, uk_local};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};

/// No search for a working moment looks further than this many days ahead: a calendar with no
/// working day in twenty years is a mistake, and the answer is then the last day looked at.
const HORIZON_DAYS: u32 = 366 * 20;

/// The council's working week and whose bank holidays it keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkingHours {
    pub days: Vec<Weekday>,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub nation: Nation,
}

impl Default for WorkingHours {
    fn default() -> Self {
        WorkingHours {
            days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN),
            end: NaiveTime::from_hms_opt(17, 0, 0).unwrap_or(NaiveTime::MIN),
            nation: Nation::EnglandWales,
        }
    }
}

/// The UTC instant of a UK wall-clock time. In the hour the clocks go forward (which has no
/// such wall-clock time) the instant an hour later on the clock is given; in the hour they go
/// back, the earlier of the two.
pub fn uk_to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    let as_summer = local
        .checked_sub_signed(Duration::hours(1))
        .unwrap_or(local)
        .and_utc();
    if is_summer_time(as_summer) && uk_local(as_summer) == local {
        as_summer
    } else {
        local.and_utc()
    }
}

impl WorkingHours {
    /// The pack's working week for response times: `[response_times] working_hours` and
    /// `nation`, else the nation its information requests name, else the defaults.
    pub fn of(pack: &Pack) -> WorkingHours {
        let times = pack.response_times.as_ref();
        let mut hours = match times.and_then(|t| t.working_hours.as_ref()) {
            Some(w) => WorkingHours::from_window(w),
            None => WorkingHours::default(),
        };
        hours.nation = times
            .and_then(|t| t.nation)
            .or_else(|| pack.information_requests.as_ref().and_then(|i| i.nation))
            .unwrap_or_default();
        hours
    }

    pub fn from_window(w: &Window) -> WorkingHours {
        WorkingHours {
            days: w.days.clone(),
            start: w.start,
            end: w.end,
            ..WorkingHours::default()
        }
    }

    /// Minutes in one working day.
    pub fn day_minutes(&self) -> i64 {
        (self.end - self.start).num_minutes().max(0)
    }

    /// How many working minutes a response time is: hours as they are; a day as one working
    /// day; a week as the working days of one week.
    pub fn minutes_of(&self, span: Span) -> i64 {
        let amount = i64::from(span.amount);
        match span.unit {
            SpanUnit::Hours => amount * 60,
            SpanUnit::Days => amount * self.day_minutes(),
            SpanUnit::Weeks => amount * self.days.len() as i64 * self.day_minutes(),
        }
    }

    fn works_on(&self, holidays: &mut Holidays, day: NaiveDate) -> bool {
        self.days.contains(&day.weekday())
            && holidays.is_working_day_ignoring_weekends(day)
            && self.day_minutes() > 0
    }

    /// The moment `minutes` working minutes after `from`. With 0 it is `from` itself when that
    /// is inside working hours, else the start of the next working day: the clock starts
    /// when the desk opens.
    pub fn add_minutes(&self, from: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        let mut holidays = Holidays::new(self.nation);
        let local = uk_local(from);
        let mut day = local.date();
        let mut at = local.time();
        let mut left = minutes.max(0);
        for _ in 0..HORIZON_DAYS {
            if self.works_on(&mut holidays, day) && at <= self.end {
                let begin = at.max(self.start);
                let room = (self.end - begin).num_minutes();
                if left <= room {
                    let moment = day.and_time(begin) + Duration::minutes(left);
                    return uk_to_utc(moment).max(from);
                }
                left -= room;
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
            at = NaiveTime::MIN;
        }
        uk_to_utc(day.and_time(self.end))
    }

    /// The moment a response time after `from` falls due.
    pub fn due(&self, from: DateTime<Utc>, span: Span) -> DateTime<Utc> {
        self.add_minutes(from, self.minutes_of(span))
    }

    /// Working minutes from `from` to `to` (0 when `to` is not later).
    pub fn minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let mut holidays = Holidays::new(self.nation);
        let (start, finish) = (uk_local(from), uk_local(to));
        let mut total = 0;
        let mut day = start.date();
        while day <= finish.date() {
            if self.works_on(&mut holidays, day) {
                let open = day.and_time(self.start);
                let close = day.and_time(self.end);
                let begin = open.max(start);
                let stop = close.min(finish);
                if stop > begin {
                    total += (stop - begin).num_minutes();
                }
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        total
    }

    /// Whether `at` is inside working hours (both ends of the day included).
    pub fn is_working_moment(&self, at: DateTime<Utc>) -> bool {
        let local = uk_local(at);
        let mut holidays = Holidays::new(self.nation);
        self.works_on(&mut holidays, local.date())
            && self.start <= local.time()
            && local.time() <= self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn saturday_night_counts_from_monday_morning() {
        let h = WorkingHours::default();
        // Saturday 5 December 2026, 23:30 GMT: four working hours run 09:00 to 13:00 Monday.
        let due = h.due(utc("2026-12-05T23:30:00Z"), Span::hours(4));
        assert_eq!(due, utc("2026-12-07T13:00:00Z"));
        // Two days from Friday 10:00 is Tuesday 10:00.
        let due = h.due(utc("2026-12-04T10:00:00Z"), Span::days(2));
        assert_eq!(due, utc("2026-12-08T10:00:00Z"));
    }

    #[test]
    fn bank_holidays_and_summer_time_count() {
        let h = WorkingHours::default();
        // Thursday 24 December 2026 16:00 GMT: one hour left that day, then Christmas, Boxing
        // Day (substitute Monday 28th) and the weekend; three more hours on Tuesday 29th.
        let due = h.due(utc("2026-12-24T16:00:00Z"), Span::hours(4));
        assert_eq!(due, utc("2026-12-29T12:00:00Z"));
        // In summer 09:00 in London is 08:00 UTC.
        let due = h.due(utc("2027-06-05T12:00:00Z"), Span::hours(1));
        assert_eq!(due, utc("2027-06-07T09:00:00Z"));
        // Scotland keeps 2 January.
        let scots = WorkingHours {
            nation: Nation::Scotland,
            ..WorkingHours::default()
        };
        let due = scots.due(utc("2026-12-31T16:30:00Z"), Span::hours(1));
        assert_eq!(due, utc("2027-01-05T09:30:00Z"));
    }

    #[test]
    fn local_times_turn_back_into_instants() {
        let summer = utc("2027-07-01T08:00:00Z");
        assert_eq!(uk_to_utc(uk_local(summer)), summer);
        let winter = utc("2027-01-01T08:00:00Z");
        assert_eq!(uk_to_utc(uk_local(winter)), winter);
    }

    fn moment() -> impl Strategy<Value = DateTime<Utc>> {
        // 2026 to 2029, to the minute.
        (0i64..4 * 366 * 24 * 60).prop_map(|m| utc("2026-01-01T00:00:00Z") + Duration::minutes(m))
    }

    fn calendar() -> impl Strategy<Value = WorkingHours> {
        (6u32..11, 1u32..10, 1usize..8, 0usize..3).prop_map(|(start, len, ndays, nation)| {
            let all = [
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
                Weekday::Sat,
                Weekday::Sun,
            ];
            WorkingHours {
                days: all[..ndays].to_vec(),
                start: NaiveTime::from_hms_opt(start, 0, 0).unwrap(),
                end: NaiveTime::from_hms_opt(start + len, 30, 0).unwrap(),
                nation: Nation::ALL[nation],
            }
        })
    }

    proptest! {
        #[test]
        fn adding_lands_inside_working_hours(h in calendar(), from in moment(), m in 0i64..20_000) {
            let due = h.add_minutes(from, m);
            prop_assert!(h.is_working_moment(due), "{due}");
            prop_assert!(due >= from);
        }

        #[test]
        fn adding_is_monotonic(h in calendar(), a in moment(), b in moment(),
                               m in 0i64..5_000, n in 0i64..5_000) {
            let (a, b) = (a.min(b), a.max(b));
            prop_assert!(h.add_minutes(a, m) <= h.add_minutes(b, m));
            let (m, n) = (m.min(n), m.max(n));
            prop_assert!(h.add_minutes(a, m) <= h.add_minutes(a, n));
        }

        #[test]
        fn counting_back_gives_the_same_minutes(h in calendar(), from in moment(),
                                                m in 0i64..20_000) {
            let due = h.add_minutes(from, m);
            prop_assert_eq!(h.minutes_between(from, due), m);
        }
    }
}

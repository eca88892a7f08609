//! Values as people read them: times on the clock in London, dates written out, money in pounds,
//! and stored codes (`in_stock`) as words.

use super::names::Names;
use crate::ids::Pence;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Timelike, Utc};
use steward_policy::long_date;
use steward_policy::uktime::{is_summer_time, uk_local};

/// "9:30am, 16 May 2027": the moment on the clock in London.
pub fn uk_moment(at: DateTime<Utc>) -> String {
    let local = uk_local(at);
    let (afternoon, hour) = local.hour12();
    let half = if afternoon { "pm" } else { "am" };
    let minute = local.minute();
    format!("{hour}:{minute:02}{half}, {}", long_date(local.date()))
}

/// The moment a day starts on the clock in London.
pub fn london_day_start(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_time(NaiveTime::MIN).and_utc();
    // Midnight in London during summer time is 23:00 UTC the day before.
    let earlier = midnight - Duration::hours(1);
    if is_summer_time(earlier) {
        earlier
    } else {
        midnight
    }
}

/// The last moment (to the microsecond the chain keeps) of a day on the clock in London.
pub fn london_day_end(day: NaiveDate) -> DateTime<Utc> {
    let next = day.succ_opt().unwrap_or(day);
    london_day_start(next) - Duration::microseconds(1)
}

/// Codes whose letters alone would not read as people write them.
const SPELLED: &[(&str, &str)] = &[
    ("not_re_elected", "not re-elected"),
    ("co_opted_member", "co-opted member"),
    ("self_service", "online"),
    ("paper_form", "on a paper form"),
    ("foi", "freedom of information"),
    ("eir", "environmental information"),
    ("sar", "subject access"),
];

/// A stored code in words: `in_stock` reads "in stock", `not_re_elected` "not re-elected".
pub fn code_words(code: &str) -> String {
    match SPELLED.iter().find(|(c, _)| *c == code) {
        Some((_, words)) => (*words).to_string(),
        None => code.replace(['_', '.'], " "),
    }
}

/// The noun with its article, as it is said: "an employee", "a councillor".
pub fn with_article(noun: &str) -> String {
    let vowel = noun
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    let article = if vowel { "an" } else { "a" };
    format!("{article} {noun}")
}

/// The text with its first letter in capitals, for the start of a sentence.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "16 May 2027" for a stored day (`2027-05-16`).
pub fn day_words(text: &str) -> Option<String> {
    text.parse::<NaiveDate>().ok().map(long_date)
}

/// "9:30am, 16 May 2027" for a stored moment (RFC 3339).
pub fn moment_words(text: &str) -> Option<String> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| uk_moment(t.with_timezone(&Utc)))
}

/// "£899.00" for a stored amount in pence.
pub fn money_words(pence: i64) -> String {
    Pence(pence).to_string()
}

const ROLES: &[(&str, &str)] = &[
    ("admin", "administrator"),
    ("officer", "officer"),
    ("auditor", "auditor"),
    ("member", "member"),
];

/// An account's role in words: "administrator".
pub fn role_words(role: &str) -> String {
    ROLES
        .iter()
        .find(|(code, _)| *code == role)
        .map_or_else(|| code_words(role), |(_, words)| (*words).to_string())
}

/// Who made a change, as the record names them, in words for the middle of a sentence: an
/// account is "the officer clerk" (or the name of the person it belongs to), the command line's
/// default "someone using the command line", a change through the API says so.
pub fn actor_words(actor: &str, names: &Names) -> String {
    let (who, through) = if let Some(who) = actor.strip_suffix(" (API)") {
        (who, Some("through the API"))
    } else if let Some(who) = actor.strip_suffix(" (SCIM)") {
        (who, Some("provisioning from the council's directory"))
    } else {
        (actor, None)
    };
    let said = match who {
        "cli" => "someone using the command line".to_string(),
        "anonymous" => "someone who did not give their name".to_string(),
        "system" | "sweep" | "retention" => "Steward itself".to_string(),
        _ => match names.user(who) {
            Some(user) => match &user.person_name {
                Some(name) => format!("{name} ({} {who})", role_words(&user.role)),
                None => format!("the {} {who}", role_words(&user.role)),
            },
            None => who.to_string(),
        },
    };
    match through {
        Some(how) => format!("{said}, {how},"),
        None => said,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn moments_are_on_the_london_clock() {
        let summer = Utc.with_ymd_and_hms(2027, 5, 16, 8, 30, 0).unwrap();
        assert_eq!(uk_moment(summer), "9:30am, 16 May 2027");
        let winter = Utc.with_ymd_and_hms(2027, 12, 1, 13, 5, 0).unwrap();
        assert_eq!(uk_moment(winter), "1:05pm, 1 December 2027");
        let late = Utc.with_ymd_and_hms(2027, 6, 30, 23, 15, 0).unwrap();
        assert_eq!(uk_moment(late), "12:15am, 1 July 2027");
        let noon = Utc.with_ymd_and_hms(2027, 1, 4, 12, 0, 0).unwrap();
        assert_eq!(uk_moment(noon), "12:00pm, 4 January 2027");
        assert_eq!(
            moment_words("2027-05-16T08:30:00.000000Z").as_deref(),
            Some("9:30am, 16 May 2027")
        );
    }

    #[test]
    fn days_start_at_midnight_in_london() {
        let day = |d: &str| d.parse::<NaiveDate>().unwrap();
        let utc = |t: &str| t.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            london_day_start(day("2027-01-10")),
            utc("2027-01-10T00:00:00Z")
        );
        assert_eq!(
            london_day_start(day("2027-05-16")),
            utc("2027-05-15T23:00:00Z")
        );
        // Summer time starts at 01:00 UTC on 28 March 2027 and ends on 31 October.
        assert_eq!(
            london_day_start(day("2027-03-28")),
            utc("2027-03-28T00:00:00Z")
        );
        assert_eq!(
            london_day_start(day("2027-03-29")),
            utc("2027-03-28T23:00:00Z")
        );
        assert_eq!(
            london_day_start(day("2027-10-31")),
            utc("2027-10-30T23:00:00Z")
        );
        assert_eq!(
            london_day_start(day("2027-11-01")),
            utc("2027-11-01T00:00:00Z")
        );
        assert_eq!(
            london_day_end(day("2027-05-16")),
            utc("2027-05-16T22:59:59.999999Z")
        );
    }

    #[test]
    fn codes_dates_and_money_read_as_words() {
        assert_eq!(code_words("not_re_elected"), "not re-elected");
        assert_eq!(code_words("in_stock"), "in stock");
        assert_eq!(with_article("employee"), "an employee");
        assert_eq!(with_article("councillor"), "a councillor");
        assert_eq!(
            with_article(&code_words("co_opted_member")),
            "a co-opted member"
        );
        assert_eq!(day_words("2027-05-16").as_deref(), Some("16 May 2027"));
        assert_eq!(day_words("soon"), None);
        assert_eq!(money_words(89_900), "£899.00");
        assert_eq!(capitalised("the officer"), "The officer");
        assert_eq!(role_words("admin"), "administrator");
    }
}

//! The document's device and mail sections: what device checks found on the items lent to the
//! person while they held them, the forwards found on their mailbox, and what the outbound
//! relay decided about mail they sent (when, to how many and which domains, the marking and
//! the outcome; never a subject or a body, which are not kept).

use super::SubjectAccessTx;
use crate::error::DomainResult;
use crate::posture::CheckTally;
use crate::records::{Council, Person};
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use steward_policy::long_date;
use steward_policy::posture::{CheckResult, CheckWord};

/// What device checks found on one item while it was lent to the person.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeviceCheckEntry {
    pub asset_tag: String,
    pub lent_from: NaiveDate,
    pub lent_until: Option<NaiveDate>,
    /// One sentence a check ("Screen lock: passed 3 times, failed once, 1 March 2027 to
    /// 5 March 2027").
    pub summary: Vec<String>,
}

/// A forward found on the person's mailbox, as the pack judged it.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ForwardEntry {
    pub mailbox: String,
    pub rule: Option<String>,
    pub kind: String,
    pub target: Option<String>,
    /// The pack's judgement in words, with its clause when a rule applied.
    pub judged: String,
}

/// What the outbound relay decided about one message the person sent.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MailSentEntry {
    pub at: DateTime<Utc>,
    /// How many recipients and their domains: their addresses are other people's data.
    pub recipients: String,
    pub marking: Option<String>,
    pub outcome: String,
    /// The reasons given, each with its clause.
    pub reasons: Vec<String>,
}

fn times(n: i64) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

fn result_words(result: &str) -> &'static str {
    match CheckResult::parse(result) {
        Some(CheckResult::Pass) => "passed",
        Some(CheckResult::Fail) => "failed",
        _ => "could not be checked",
    }
}

/// One sentence a check, from its tallies by result.
pub(super) fn summarise(tallies: &[CheckTally]) -> Vec<String> {
    let mut by_check: BTreeMap<&str, Vec<&CheckTally>> = BTreeMap::new();
    for t in tallies {
        by_check.entry(t.check.as_str()).or_default().push(t);
    }
    by_check
        .into_iter()
        .map(|(check, mut rows)| {
            rows.sort_by_key(|t| match CheckResult::parse(&t.result) {
                Some(CheckResult::Pass) => 0,
                Some(CheckResult::Fail) => 1,
                _ => 2,
            });
            let first = rows.iter().map(|t| t.first).min().unwrap_or_default();
            let last = rows.iter().map(|t| t.last).max().unwrap_or_default();
            let span = if first.date_naive() == last.date_naive() {
                long_date(first.date_naive())
            } else {
                format!(
                    "{} to {}",
                    long_date(first.date_naive()),
                    long_date(last.date_naive())
                )
            };
            match CheckWord::parse(check) {
                Some(word) => {
                    let counts: Vec<String> = rows
                        .iter()
                        .map(|t| format!("{} {}", result_words(&t.result), times(t.count)))
                        .collect();
                    format!("{}: {}, {span}", word.label(), counts.join(", "))
                }
                None => {
                    let programs: i64 = rows.iter().map(|t| t.count).sum();
                    let noun = if programs == 1 { "program" } else { "programs" };
                    format!("Installed software: {programs} {noun} listed, {span}")
                }
            }
        })
        .collect()
}

/// The checks on an item from the day it was lent to the end of the day it came back.
pub(super) async fn device_checks<T: SubjectAccessTx>(
    tx: &mut T,
    council: &Council,
    equipment_id: crate::records::Id,
    asset_tag: &str,
    from: NaiveDate,
    until: Option<NaiveDate>,
) -> DomainResult<Option<DeviceCheckEntry>> {
    let start = from.and_time(chrono::NaiveTime::MIN).and_utc();
    let end = until
        .and_then(|d| d.checked_add_days(Days::new(1)))
        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc());
    let tallies = tx
        .check_tallies(council.id, equipment_id, start, end)
        .await?;
    if tallies.is_empty() {
        return Ok(None);
    }
    Ok(Some(DeviceCheckEntry {
        asset_tag: asset_tag.to_string(),
        lent_from: from,
        lent_until: until,
        summary: summarise(&tallies),
    }))
}

pub(super) async fn forwards<T: SubjectAccessTx>(
    tx: &mut T,
    council: &Council,
    person: &Person,
) -> DomainResult<Vec<ForwardEntry>> {
    Ok(tx
        .forwards_of_person(council.id, person.id)
        .await?
        .into_iter()
        .map(|f| ForwardEntry {
            mailbox: f.mailbox,
            rule: f.rule,
            kind: f.kind.words().to_string(),
            target: f.target,
            judged: match &f.citation {
                Some(c) => format!("{}: {} ({c})", f.outcome.words(), f.message),
                None => format!("{}: {}", f.outcome.words(), f.message),
            },
        })
        .collect())
}

/// The domains of the recipients, each once, without the names before the @.
fn recipients(addresses: &[String]) -> String {
    let mut domains: Vec<String> = addresses
        .iter()
        .filter_map(|a| a.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase()))
        .collect();
    domains.sort();
    domains.dedup();
    let n = addresses.len();
    let noun = if n == 1 { "recipient" } else { "recipients" };
    if domains.is_empty() {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun} at {}", domains.join(", "))
    }
}

pub(super) async fn mail_sent<T: SubjectAccessTx>(
    tx: &mut T,
    council: &Council,
    person: &Person,
) -> DomainResult<Vec<MailSentEntry>> {
    let Some(email) = person.email.as_deref() else {
        return Ok(Vec::new());
    };
    let mut senders = vec![email.to_string()];
    let lower = email.to_ascii_lowercase();
    if lower != email {
        senders.push(lower);
    }
    Ok(tx
        .decisions_sent_by(council.id, &senders)
        .await?
        .into_iter()
        .map(|d| MailSentEntry {
            at: d.decided_at,
            recipients: recipients(&d.recipients),
            marking: d.level,
            outcome: d.action.words().to_string(),
            reasons: d
                .reasons
                .iter()
                .map(|r| format!("{} ({})", r.message, r.citation))
                .collect(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, d, 9, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn checks_are_summed_by_result_in_words() {
        let t = |check: &str, result: &str, count, first, last| CheckTally {
            check: check.into(),
            result: result.into(),
            count,
            first: at(first),
            last: at(last),
        };
        let lines = summarise(&[
            t("screen_lock", "pass", 3, 1, 4),
            t("screen_lock", "fail", 1, 5, 5),
            t("software", "", 12, 2, 2),
        ]);
        assert_eq!(
            lines,
            [
                "Screen lock: passed 3 times, failed once, 1 March 2027 to 5 March 2027",
                "Installed software: 12 programs listed, 2 March 2027",
            ]
        );
    }

    #[test]
    fn recipients_show_only_their_count_and_domains() {
        let to = ["Bo@Town.example".to_string(), "cy@town.example".to_string()];
        assert_eq!(recipients(&to), "2 recipients at town.example");
    }
}

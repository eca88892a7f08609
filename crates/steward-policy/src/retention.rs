//! How long records are kept: for each kind of record the pack's `[retention]` names, whether a
//! record that ended on a given day is due for purging today, with the clause that says so.

use crate::citation::Citation;
use crate::model::{Keep, Pack};
use crate::period::Period;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The kinds of record a retention period can be set for.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    ClosedRequests,
    ClosedCases,
    Leavers,
    Notices,
    Sessions,
    MonitoringFindings,
    DeviceChecks,
    MailForwards,
    MailDecisions,
}

impl RecordKind {
    pub const ALL: [RecordKind; 9] = [
        RecordKind::ClosedRequests,
        RecordKind::ClosedCases,
        RecordKind::Leavers,
        RecordKind::Notices,
        RecordKind::Sessions,
        RecordKind::MonitoringFindings,
        RecordKind::DeviceChecks,
        RecordKind::MailForwards,
        RecordKind::MailDecisions,
    ];

    /// The pack's key for the kind.
    pub fn key(self) -> &'static str {
        match self {
            RecordKind::ClosedRequests => "closed_requests",
            RecordKind::ClosedCases => "closed_cases",
            RecordKind::Leavers => "leavers",
            RecordKind::Notices => "notices",
            RecordKind::Sessions => "sessions",
            RecordKind::MonitoringFindings => "monitoring_findings",
            RecordKind::DeviceChecks => "device_checks",
            RecordKind::MailForwards => "mail_forwards",
            RecordKind::MailDecisions => "mail_decisions",
        }
    }

    /// What the kind is, for people.
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::ClosedRequests => "Closed requests",
            RecordKind::ClosedCases => "Closed breach cases",
            RecordKind::Leavers => "People who have left office",
            RecordKind::Notices => "Notices and their email messages",
            RecordKind::Sessions => "Sessions, failed sign-ins and invitations",
            RecordKind::MonitoringFindings => "Web monitoring findings",
            RecordKind::DeviceChecks => "Device check results",
            RecordKind::MailForwards => "Mail forwarding rules found in mailboxes",
            RecordKind::MailDecisions => "Outbound mail decisions",
        }
    }

    /// The day the period is counted from, in words ("they were closed").
    pub fn counted_from(self) -> &'static str {
        match self {
            RecordKind::ClosedRequests | RecordKind::ClosedCases => "they were closed",
            RecordKind::Leavers => "they left office",
            RecordKind::Notices => "they were filed",
            RecordKind::Sessions => "they were last used, or an invitation was used or ran out",
            RecordKind::MonitoringFindings => "the day of the visits",
            RecordKind::DeviceChecks => "the day the device was checked",
            RecordKind::MailForwards => "the snapshot that found them was imported",
            RecordKind::MailDecisions => "the day the message was sent",
        }
    }

    pub(crate) fn keep(self, pack: &Pack) -> Option<&Keep> {
        let r = pack.retention.as_ref()?;
        match self {
            RecordKind::ClosedRequests => r.closed_requests.as_ref(),
            RecordKind::ClosedCases => r.closed_cases.as_ref(),
            RecordKind::Leavers => r.leavers.as_ref(),
            RecordKind::Notices => r.notices.as_ref(),
            RecordKind::Sessions => r.sessions.as_ref(),
            RecordKind::MonitoringFindings => r.monitoring_findings.as_ref(),
            RecordKind::DeviceChecks => r.device_checks.as_ref(),
            RecordKind::MailForwards => r.mail_forwards.as_ref(),
            RecordKind::MailDecisions => r.mail_decisions.as_ref(),
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One kind's retention as the pack sets it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Rule {
    pub kind: RecordKind,
    pub keep: Period,
    pub citation: Citation,
}

/// The pack's retention rules, in the order of [`RecordKind::ALL`]; kinds it leaves out are
/// kept indefinitely and have no rule.
pub fn rules(pack: &Pack) -> Vec<Rule> {
    RecordKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let keep = kind.keep(pack)?;
            Some(Rule {
                kind,
                keep: keep.keep,
                citation: Citation::new(pack, &keep.clause),
            })
        })
        .collect()
}

/// The pack's rule for one kind, if it sets a period for it.
pub fn rule(pack: &Pack, kind: RecordKind) -> Option<Rule> {
    rules(pack).into_iter().find(|r| r.kind == kind)
}

/// What the register knows of one record that has ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ended {
    /// The day the retention period counts from.
    pub ended: NaiveDate,
    /// Why the record must stay whatever its age (an item still on loan to a leaver, a message
    /// still waiting to be sent); `None` when nothing holds it.
    pub held_by: Option<String>,
}

/// Whether one record is due for purging.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "verdict")]
pub enum Verdict {
    /// Its period ran out on `since`.
    Due { since: NaiveDate },
    /// Kept until `until`, the first day it is due.
    Keep { until: NaiveDate },
    /// Past its period but held for `reason`.
    Held { reason: String },
}

/// Decides one record under `rule` on `today`. The period is counted from the day the record
/// ended, so a record kept for "2 years" that ended on 3 May 2025 is due from 3 May 2027.
pub fn decide(rule: &Rule, record: &Ended, today: NaiveDate) -> Verdict {
    let Some(until) = rule.keep.after(record.ended) else {
        // Past the end of the calendar: never due.
        return Verdict::Keep {
            until: NaiveDate::MAX,
        };
    };
    if today < until {
        return Verdict::Keep { until };
    }
    match &record.held_by {
        Some(reason) => Verdict::Held {
            reason: reason.clone(),
        },
        None => Verdict::Due { since: until },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn rule(keep: Period) -> Rule {
        Rule {
            kind: RecordKind::ClosedRequests,
            keep,
            citation: Citation {
                clause: "13".into(),
                document: "Policy".into(),
            },
        }
    }

    #[test]
    fn a_record_is_due_on_the_day_its_period_ends() {
        let r = rule(Period::years(2));
        let ended = Ended {
            ended: date(2025, 5, 3),
            held_by: None,
        };
        assert_eq!(
            decide(&r, &ended, date(2027, 5, 2)),
            Verdict::Keep {
                until: date(2027, 5, 3)
            }
        );
        assert_eq!(
            decide(&r, &ended, date(2027, 5, 3)),
            Verdict::Due {
                since: date(2027, 5, 3)
            }
        );
    }

    #[test]
    fn a_held_record_stays_past_its_period() {
        let r = rule(Period::months(6));
        let ended = Ended {
            ended: date(2025, 1, 31),
            held_by: Some("a laptop is still on loan".into()),
        };
        assert_eq!(
            decide(&r, &ended, date(2026, 1, 1)),
            Verdict::Held {
                reason: "a laptop is still on loan".into()
            }
        );
    }

    #[test]
    fn presets_name_the_clause_for_each_period_they_set() {
        for preset in presets::all() {
            let pack = presets::load(preset).unwrap().pack;
            for rule in rules(&pack) {
                assert!(!rule.keep.is_zero(), "{}: {}", preset.id, rule.kind);
                assert!(!rule.citation.clause.is_empty());
                assert_eq!(rule.citation.document, pack.pack.title);
            }
        }
    }
}

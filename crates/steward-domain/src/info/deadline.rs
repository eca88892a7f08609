//! When a request must be answered, worked out from what is stored: the received date, the
//! clarification pauses and any extension. Nothing here reads a clock.

use super::records::{InfoKind, InfoPause, InfoRequest};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use steward_policy::workdays::{
    Pause, add_working_days, foi_deadline, sar_deadline, sar_extended_deadline,
    working_days_between,
};

/// A request is "due soon" within this many working days of its deadline.
pub const DUE_SOON_WORKING_DAYS: u32 = 5;

/// Working days EIR regulation 7 adds for a complex or voluminous request (40 in all).
pub const EIR_EXTRA_WORKING_DAYS: u32 = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Open,
    /// Waiting for the requester to clarify: the clock has stopped.
    Paused,
    DueSoon,
    Overdue,
    Closed,
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::Open => "Open",
            Standing::Paused => "Waiting for clarification",
            Standing::DueSoon => "Due soon",
            Standing::Overdue => "Overdue",
            Standing::Closed => "Closed",
        }
    }
}

/// The deadline as it stands, with the rule it comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Deadline {
    /// The statutory date before any extension.
    pub statutory: NaiveDate,
    /// The date that counts now: the extension's when there is one.
    pub due_on: NaiveDate,
    pub standing: Standing,
    /// The law the deadline rests on, in words.
    pub rule: String,
}

/// The clarification pauses as the working-day count needs them; one still waiting counts
/// as answered `today`, so the deadline shown is the earliest it can be.
fn pauses(list: &[InfoPause], today: NaiveDate) -> Vec<Pause> {
    list.iter()
        .map(|p| Pause {
            asked_on: p.asked_on,
            answered_on: p.answered_on.unwrap_or(today.max(p.asked_on)),
        })
        .collect()
}

/// The statutory date for a request, before any extension.
pub fn statutory(request: &InfoRequest, list: &[InfoPause], today: NaiveDate) -> NaiveDate {
    match request.kind {
        InfoKind::Foi | InfoKind::Eir => {
            foi_deadline(request.received_on, request.nation, &pauses(list, today))
        }
        InfoKind::Sar => sar_deadline(request.received_on),
    }
}

/// The date the law's own extension gives, where the law fixes it: 40 working days for a
/// complex EIR request, three months for a complex subject access request. An FOI
/// public-interest extension has no fixed date: the council sets a reasonable one.
pub fn statutory_extension(
    request: &InfoRequest,
    list: &[InfoPause],
    today: NaiveDate,
) -> Option<NaiveDate> {
    match request.kind {
        InfoKind::Eir => Some(add_working_days(
            statutory(request, list, today),
            EIR_EXTRA_WORKING_DAYS,
            request.nation,
        )),
        InfoKind::Sar => Some(sar_extended_deadline(request.received_on)),
        InfoKind::Foi => None,
    }
}

pub fn rule(kind: InfoKind, extended: bool) -> &'static str {
    match (kind, extended) {
        (InfoKind::Foi, false) => "20 working days, Freedom of Information Act 2000 s.10",
        (InfoKind::Foi, true) => {
            "a reasonable extension to consider the public interest, Freedom of Information Act 2000 s.10(3)"
        }
        (InfoKind::Eir, false) => {
            "20 working days, Environmental Information Regulations 2004 reg. 5(2)"
        }
        (InfoKind::Eir, true) => {
            "40 working days for a complex or voluminous request, Environmental Information Regulations 2004 reg. 7"
        }
        (InfoKind::Sar, false) => "one month, UK GDPR article 12(3)",
        (InfoKind::Sar, true) => {
            "two further months for a complex or numerous request, UK GDPR article 12(3)"
        }
    }
}

pub fn deadline(request: &InfoRequest, list: &[InfoPause], today: NaiveDate) -> Deadline {
    let statutory = statutory(request, list, today);
    let due_on = request.extended_to.unwrap_or(statutory).max(statutory);
    let waiting = list.iter().any(|p| p.answered_on.is_none());
    let standing = if request.closed_on.is_some() {
        Standing::Closed
    } else if waiting {
        Standing::Paused
    } else if today > due_on {
        Standing::Overdue
    } else if working_days_between(today, due_on, request.nation) <= DUE_SOON_WORKING_DAYS {
        Standing::DueSoon
    } else {
        Standing::Open
    };
    Deadline {
        statutory,
        due_on,
        standing,
        rule: rule(request.kind, request.extended_to.is_some()).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use steward_policy::workdays::Nation;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn request(kind: InfoKind, received: &str, nation: Nation) -> InfoRequest {
        InfoRequest {
            id: 1,
            council_id: 1,
            kind,
            reference: "FOI-2027-0001".into(),
            requester: "A requester".into(),
            subject_id: None,
            nation,
            received_on: day(received),
            summary: "s".into(),
            handlers: Vec::new(),
            clause: "9.3".into(),
            document: "d".into(),
            extended_to: None,
            extension_reason: None,
            identity_checked_on: None,
            closed_on: None,
            outcome: None,
            created_by: "x".into(),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn a_pause_moves_the_deadline_by_the_working_days_it_covered() {
        // Received Thursday 18 March 2027; Good Friday 26 March and Easter Monday 29 March.
        let r = request(InfoKind::Foi, "2027-03-18", Nation::EnglandWales);
        let plain = deadline(&r, &[], day("2027-03-19"));
        assert_eq!(plain.due_on, day("2027-04-19"));
        let pause = InfoPause {
            id: 1,
            request_id: 1,
            asked_on: day("2027-03-22"),
            answered_on: Some(day("2027-03-24")),
            note: String::new(),
        };
        let paused = deadline(&r, &[pause], day("2027-03-25"));
        assert_eq!(paused.due_on, day("2027-04-21"));
        // Scotland keeps Easter Monday: one day sooner.
        let scot = request(InfoKind::Foi, "2027-03-18", Nation::Scotland);
        assert_eq!(
            deadline(&scot, &[], day("2027-03-19")).due_on,
            day("2027-04-16")
        );
    }

    #[test]
    fn standing_follows_the_day() {
        let r = request(InfoKind::Sar, "2027-01-31", Nation::EnglandWales);
        assert_eq!(
            deadline(&r, &[], day("2027-02-01")).due_on,
            day("2027-02-28")
        );
        assert_eq!(
            deadline(&r, &[], day("2027-02-01")).standing,
            Standing::Open
        );
        assert_eq!(
            deadline(&r, &[], day("2027-02-24")).standing,
            Standing::DueSoon
        );
        assert_eq!(
            deadline(&r, &[], day("2027-03-01")).standing,
            Standing::Overdue
        );
        assert_eq!(
            statutory_extension(&r, &[], day("2027-02-01")),
            Some(day("2027-04-30"))
        );
    }
}

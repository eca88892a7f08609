//! What a monitoring finding files, for the device and mail sources: a notice to the person
//! it concerns saying what is wrong, what to do and the clause; a queue entry (a request) for
//! the office the pack names to receive security problems, with a notice to that office; and,
//! when the pack makes the finding serious, a breach case for the handlers its `[breaches]`
//! names. Each has its own key under the finding's, so the sweep files each once.
//!
//! A finding that comes back after being put right is a repeated failure: the pack's
//! `[breaches]` covers repeated failures as well as serious ones, so it opens a case too.

use super::{Action, Day, Finding};
use crate::ops::outbox::Audience;
use crate::ops::requests::security_route;
use crate::outbox::Letter;
use crate::records::{Id, Person};
use std::collections::HashMap;
use steward_policy::cases::case_route;
use steward_policy::requests::Routing;
use steward_policy::{Citation, EquipmentKind};

/// What a repeated failure adds to what is wrong.
pub(crate) const AGAIN: &str = "It has failed again after being put right";

/// One thing a source found wrong.
pub(crate) struct Breach {
    pub source: &'static str,
    /// Stable while the fact lasts: "posture:item-12:fail:antivirus".
    pub key: String,
    /// What it is about in words: "laptop LAP-0001", "the mailbox a@b.gov.uk".
    pub about: String,
    /// What is wrong, as a sentence.
    pub what: String,
    /// What the person must do, as an instruction.
    pub to_do: String,
    pub citation: Citation,
    /// Whom it concerns: the item's holder or the mailbox's owner.
    pub person_id: Option<Id>,
    pub equipment: Option<(Id, EquipmentKind)>,
    /// The pack makes it serious, or it came back: a case is opened.
    pub serious: bool,
    /// It came back after being put right.
    pub repeated: bool,
}

/// The findings `breach` files.
pub(crate) fn file(day: &Day, people: &HashMap<Id, Person>, breach: Breach) -> Vec<Finding> {
    let person = breach.person_id.and_then(|id| people.get(&id));
    let mut out = Vec::new();
    if let Some(p) = person {
        out.push(Finding {
            source: breach.source,
            key: format!("{}:person-{}", breach.key, p.id),
            summary: format!(
                "{} ({}, {}): {}",
                breach.about, p.name, p.reference, breach.what
            ),
            letter: Letter {
                subject: format!("Action needed: {}", breach.about),
                decision: breach.to_do.clone(),
                citation: breach.citation.clone(),
                paragraphs: vec![
                    format!("Dear {},", p.name),
                    format!("{}.", breach.what.trim_end_matches('.')),
                    format!(
                        "{}. {}'s policy asks this of you ({}).",
                        breach.to_do, day.council.name, breach.citation
                    ),
                ],
                council: day.council.name.clone(),
            },
            audience: Audience::Person(p.id),
            routing: None,
            action: None,
        });
    }
    let pack = &day.active.pack;
    let route = security_route(
        pack,
        person.map(|p| p.kind),
        breach.equipment.map(|(_, k)| k),
    );
    let (audience, why) = match route.routing {
        Routing::Administrators => (
            Audience::Officers,
            "sent to the council's officers: the policy names no one for security problems"
                .to_string(),
        ),
        _ => (
            Audience::Offices(vec![route.handler.clone()]),
            format!(
                "sent to {}, who receive security problems ({})",
                route.handler_name, route.citation
            ),
        ),
    };
    let whose = person
        .map(|p| format!(" ({}, {})", p.name, p.reference))
        .unwrap_or_default();
    let summary = format!("{}{whose}: {}", breach.about, breach.what);
    out.push(Finding {
        source: breach.source,
        key: format!("{}:report", breach.key),
        summary: summary.clone(),
        letter: Letter {
            subject: format!("Security problem: {}", breach.about),
            decision: format!("See that this is put right: {}", breach.to_do),
            citation: breach.citation.clone(),
            paragraphs: vec![
                format!("{summary}."),
                "A request is open in your queue for it.".to_string(),
            ],
            council: day.council.name.clone(),
        },
        audience,
        routing: Some(why),
        action: Some(Action::OpenSecurityReport {
            equipment_id: breach.equipment.map(|(id, _)| id),
            person_id: person.map(|p| p.id),
            summary: summary.clone(),
        }),
    });
    if breach.serious
        && let Ok(case) = case_route(pack, person.map(|p| p.kind))
    {
        let names: Vec<String> = case.handlers.iter().map(|h| pack.office_name(h)).collect();
        out.push(Finding {
            source: breach.source,
            key: format!("{}:case", breach.key),
            summary: format!("A breach case is opened: {summary}"),
            letter: Letter {
                subject: format!("Breach case: {}", breach.about),
                decision: "A breach case is opened for you to handle".to_string(),
                citation: case.citation.clone(),
                paragraphs: vec![
                    format!("{summary} ({}).", breach.citation),
                    if breach.repeated {
                        "It came back after being put right, so the policy treats it as a \
                         breach; the case is in your cases list."
                    } else {
                        "The policy treats this as a breach; the case is in your cases list."
                    }
                    .to_string(),
                ],
                council: day.council.name.clone(),
            },
            audience: Audience::Offices(case.handlers.clone()),
            routing: Some(format!(
                "sent to {}, who handle breaches ({})",
                names.join(" and "),
                case.citation
            )),
            action: Some(Action::OpenCase {
                subject_id: person.map(|p| p.id),
                summary,
                details: format!("{} ({}).", breach.what, breach.citation),
            }),
        });
    }
    out
}

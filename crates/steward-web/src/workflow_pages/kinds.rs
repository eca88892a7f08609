//! The kinds of request a form offers: those the policy in force sends somewhere for this
//! person and their equipment, each with the office that receives it and the clause; and the
//! fields each kind asks for, read back into the details the domain stores.

use crate::back_office::{error, required_date};
use crate::pages::FieldError;
use serde::{Deserialize, Serialize};
use steward_domain::ops::requests::needs_item;
use steward_domain::workflow::{RequestDetails, RequestKind};
use steward_policy::decide::Refusal;
use steward_policy::model::{Agreement, ReportKind};
use steward_policy::posture::CheckWord;
use steward_policy::requests::{RequestFacts, Route, Routing, route, unnamed_words};
use steward_policy::{EquipmentKind, Pack, PersonKind};

/// One kind as a radio button: its title and a hint saying where it goes and why.
#[derive(Clone, Debug, Serialize)]
pub struct KindChoice {
    pub value: &'static str,
    /// Named `text` for the radios macro.
    #[serde(rename = "text")]
    pub title: &'static str,
    pub hint: String,
}

/// An item a request can be about: one the member holds, or for officers any kind of item.
#[derive(Clone, Debug)]
pub struct Subject {
    /// How the hint names it: "TAB-0100" or "a tablet".
    pub label: String,
    pub kind: EquipmentKind,
}

/// A kind's route for each subject that has one, and the first refusal met.
struct Routes {
    found: Vec<(Option<String>, Route)>,
    refusal: Option<Refusal>,
}

/// Concerns about someone else's use are breach cases, raised on a form of their own.
fn offered_kinds() -> impl Iterator<Item = ReportKind> {
    RequestKind::ALL_REPORTS
        .iter()
        .copied()
        .filter(|k| *k != ReportKind::MisuseByOthers)
}

fn routes(
    pack: &Pack,
    kind: ReportKind,
    requester: Option<PersonKind>,
    subjects: &[Subject],
) -> Routes {
    let mut candidates: Vec<Option<&Subject>> = Vec::new();
    if !needs_item(kind) {
        candidates.push(None);
    }
    candidates.extend(subjects.iter().map(Some));
    let mut found = Vec::new();
    let mut refusal: Option<Refusal> = None;
    for subject in candidates {
        let facts = RequestFacts {
            kind,
            requester,
            equipment: subject.map(|s| s.kind),
        };
        match route(pack, &facts) {
            Ok(r) => found.push((subject.map(|s| s.label.clone()), r)),
            // A refusal that cites the policy says more than "nobody receives it".
            Err(r) if refusal.as_ref().is_none_or(|old| old.citation.is_none()) => {
                refusal = Some(r)
            }
            Err(_) => {}
        }
    }
    Routes { found, refusal }
}

/// Office names joined for a sentence: "A", "A and B", "A, B or C".
pub fn joined(names: &[String], joiner: &str) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {joiner} {last}", init.join(", ")),
    }
}

/// "Goes to Member Services (clause 2.3, ...), who respond within 4 hours." When the office
/// depends on the item, each office is named with the items it receives. Where the policy
/// names no one for some items, a sentence says so and who receives them instead.
fn hint(pack: &Pack, kind: ReportKind, found: &[(Option<String>, Route)]) -> String {
    // Routes that differ only by item are one sentence.
    let mut groups: Vec<(&Route, Vec<String>)> = Vec::new();
    for (label, r) in found {
        let same = groups.iter_mut().find(|(g, _)| {
            g.handler == r.handler
                && g.citation == r.citation
                && g.respond_within == r.respond_within
        });
        match same {
            Some((_, labels)) => labels.extend(label.clone()),
            None => groups.push((r, label.clone().into_iter().collect())),
        }
    }
    let several = groups.len() > 1;
    let parts: Vec<String> = groups
        .iter()
        .map(|(r, labels)| {
            let about = if several && !labels.is_empty() {
                format!(" for {}", joined(labels, "or"))
            } else {
                String::new()
            };
            let within = r
                .respond_within
                .map(|w| format!(", who respond within {w}"))
                .unwrap_or_default();
            // The administrators receive what the policy has no clause for.
            let cited = match r.routing {
                Routing::Administrators => String::new(),
                _ => format!(" ({})", r.citation),
            };
            format!("{}{about}{cited}{within}", r.handler_name)
        })
        .collect();
    let mut text = format!("Goes to {}.", parts.join("; to "));
    for (r, labels) in &groups {
        let about = (!labels.is_empty()).then(|| joined(labels, "or"));
        if let Some(words) = unnamed_words(
            kind,
            about.as_deref(),
            r.routing,
            &r.handler_name,
            &r.citation,
        ) {
            text.push(' ');
            text.push_str(&words);
        }
    }
    if let Some(rule) = found.first().and_then(|(_, r)| r.approval.as_ref()) {
        let names: Vec<String> = rule.approvers.iter().map(|o| pack.office_name(o)).collect();
        let joiner = match rule.agreement {
            Agreement::All => "and",
            Agreement::Any => "or",
        };
        text.push_str(&format!(
            " Needs the agreement of {} ({}).",
            joined(&names, joiner),
            rule.citation
        ));
    }
    text
}

/// The kinds the policy sends somewhere for a person of `requester` kind holding `items`.
pub fn for_person(pack: &Pack, requester: PersonKind, items: &[Subject]) -> Vec<KindChoice> {
    offered_kinds()
        .filter_map(|kind| {
            let r = routes(pack, kind, Some(requester), items);
            (!r.found.is_empty()).then(|| choice(pack, kind, &r.found))
        })
        .collect()
}

/// The kinds the policy sends somewhere for anyone, about any item: for officers raising a
/// request for someone else or for the council.
pub fn for_anyone(pack: &Pack) -> Vec<KindChoice> {
    let every: Vec<Subject> = EquipmentKind::ALL
        .iter()
        .map(|k| Subject {
            label: article(*k),
            kind: *k,
        })
        .collect();
    offered_kinds()
        .filter_map(|kind| {
            let r = routes(pack, kind, None, &every);
            (!r.found.is_empty()).then(|| choice(pack, kind, &r.found))
        })
        .collect()
}

/// "a laptop", "an accessory".
pub fn article(kind: EquipmentKind) -> String {
    let words = kind.as_str().replace('_', " ");
    let an = words.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {words}", if an { "an" } else { "a" })
}

fn choice(pack: &Pack, kind: ReportKind, found: &[(Option<String>, Route)]) -> KindChoice {
    let k = RequestKind::Report(kind);
    KindChoice {
        value: k.as_str(),
        title: k.title(),
        hint: hint(pack, kind, found),
    }
}

/// Why `kind` is not offered to this person, in a sentence with the clause when there is one.
pub fn why_not(
    pack: &Pack,
    kind: ReportKind,
    requester: Option<PersonKind>,
    items: &[Subject],
) -> String {
    if kind == ReportKind::MisuseByOthers {
        return "Concerns about someone's use of council ICT are raised on the concern form".into();
    }
    if needs_item(kind) && items.is_empty() && requester.is_some() {
        return format!(
            "A report of {} is always about an item you hold, and you hold no council equipment",
            steward_policy::requests::kind_words(kind)
        );
    }
    match routes(pack, kind, requester, items).refusal {
        Some(r) => r.to_string(),
        None => format!(
            "The policy names no one to receive {}",
            steward_policy::requests::kind_words(kind)
        ),
    }
}

/// The fields of the request form after its kind is chosen. Every field is text as typed, so
/// the form can be shown again as it was sent.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct DetailsForm {
    #[serde(default)]
    pub kind: String,
    /// The person it is for (officers only; blank for the council).
    #[serde(default)]
    pub person: String,
    #[serde(default)]
    pub equipment: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub stolen: String,
    #[serde(default)]
    pub noticed_on: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub police_reference: String,
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub software: String,
    #[serde(default)]
    pub licence: String,
    #[serde(default)]
    pub dispose: String,
    /// The security duty to be off, for a posture exception.
    #[serde(default)]
    pub duty: String,
}

/// The fields a domain error may name, which are also the form's field ids.
pub const FIELDS: &[&str] = &[
    "person",
    "equipment",
    "summary",
    "stolen",
    "noticed_on",
    "place",
    "police_reference",
    "host",
    "until",
    "software",
    "licence",
    "dispose",
    "duty",
];

/// One duty the pack lets an office authorise off, as a radio button.
#[derive(Clone, Debug, Serialize)]
pub struct DutyChoice {
    pub value: &'static str,
    pub text: &'static str,
    pub hint: String,
}

/// The duties the pack lets an office authorise off, each with who may and the clause.
pub fn exception_duties(pack: &Pack) -> Vec<DutyChoice> {
    let mut out: Vec<DutyChoice> = Vec::new();
    for duty in &pack.posture {
        let Some(exception) = &duty.exception else {
            continue;
        };
        let check = CheckWord::of_duty(duty.check);
        if out.iter().any(|c| c.value == check.word()) {
            continue;
        }
        out.push(DutyChoice {
            value: check.word(),
            text: check.label(),
            hint: format!(
                "Authorised by the {} ({})",
                pack.office_name(&exception.approver),
                steward_policy::Citation::new(pack, &exception.clause)
            ),
        });
    }
    out
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

/// The details a kind carries, read from the form; problems are pushed onto `errors`.
pub fn details(
    kind: ReportKind,
    form: &DetailsForm,
    now: chrono::DateTime<chrono::Utc>,
    errors: &mut Vec<FieldError>,
) -> Option<RequestDetails> {
    let text = |errors: &mut Vec<FieldError>, field: &'static str, value: &str, missing: &str| {
        let value = value.trim();
        if value.is_empty() {
            errors.push(error(field, missing));
        }
        value.to_string()
    };
    let before = errors.len();
    let details = match kind {
        ReportKind::LostOrStolen => {
            let stolen = match form.stolen.as_str() {
                "stolen" => Some(true),
                "lost" => Some(false),
                _ => {
                    errors.push(error("stolen", "Say whether it was stolen or lost"));
                    None
                }
            };
            let noticed_on = required_date(
                errors,
                "noticed_on",
                &form.noticed_on,
                "the day you noticed it was gone",
            );
            let place = text(
                errors,
                "place",
                &form.place,
                "Enter where it was lost or stolen, as far as you know",
            );
            match (stolen, noticed_on) {
                (Some(stolen), Some(noticed_on)) => Some(RequestDetails::Loss {
                    stolen,
                    noticed_on,
                    place,
                    police_reference: optional(&form.police_reference),
                }),
                _ => None,
            }
        }
        ReportKind::WebException => {
            let host = text(
                errors,
                "host",
                &form.host,
                "Enter the website's address, for example www.example.org",
            );
            let until = required_date(errors, "until", &form.until, "the last day you need it");
            until.map(|until| RequestDetails::Website { host, until })
        }
        ReportKind::SoftwareInstall => {
            let name = text(
                errors,
                "software",
                &form.software,
                "Enter the name of the software",
            );
            Some(RequestDetails::Software {
                name,
                licence: optional(&form.licence),
            })
        }
        ReportKind::LoanExtension => {
            required_date(errors, "until", &form.until, "the day you need it until")
                .map(|until| RequestDetails::Extension { until })
        }
        ReportKind::PostureException => {
            let check = CheckWord::parse(form.duty.trim()).filter(|c| c.duty().is_some());
            if check.is_none() {
                errors.push(error("duty", "Choose the duty to be switched off"));
            }
            let until = required_date(errors, "until", &form.until, "the last day it may be off");
            match (check, until) {
                (Some(check), Some(until)) => {
                    Some(RequestDetails::PostureException { check, until })
                }
                _ => None,
            }
        }
        ReportKind::Erasure => match form.dispose.as_str() {
            "dispose" => Some(RequestDetails::Erasure { dispose: true }),
            "reuse" => Some(RequestDetails::Erasure { dispose: false }),
            _ => {
                errors.push(error(
                    "dispose",
                    "Say whether the item is to be used again or disposed of",
                ));
                None
            }
        },
        // The site, when given, lets monitoring show the report beside the visit it explains.
        ReportKind::AccidentalAccess => Some(match optional(&form.host) {
            Some(address) => RequestDetails::Visit { address, at: now },
            None => RequestDetails::None,
        }),
        _ => Some(RequestDetails::None),
    };
    if errors.len() > before { None } else { details }
}

/// How the summary field is asked for, by kind.
pub fn summary_label(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::LostOrStolen => "What happened",
        ReportKind::LoanExtension => "Why you need it for longer",
        ReportKind::WebException => "Why you need the website for council work",
        ReportKind::SoftwareInstall => "What you need the software for",
        ReportKind::PostureException => "Why the duty must be off",
        ReportKind::Training | ReportKind::Accessibility => "What you need",
        _ => "Describe the problem",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use steward_policy::presets;

    fn borough() -> Pack {
        presets::load(presets::find("borough-members-protocol").unwrap())
            .unwrap()
            .pack
    }

    #[test]
    fn a_lost_tablet_goes_to_member_services_and_a_lost_laptop_to_the_help_desk() {
        let pack = borough();
        let items = [
            Subject {
                label: "TAB-1".into(),
                kind: EquipmentKind::Tablet,
            },
            Subject {
                label: "LAP-1".into(),
                kind: EquipmentKind::Laptop,
            },
        ];
        let kinds = for_person(&pack, PersonKind::Councillor, &items);
        let lost = kinds.iter().find(|k| k.value == "lost_or_stolen").unwrap();
        assert_eq!(
            lost.hint,
            "Goes to Member Services for TAB-1 (clause 2.3, Protocol on the use of ICT by \
             Members), who respond within 4 hours; to ICT Customer Services Help Desk for LAP-1 \
             (clause 2.3, Protocol on the use of ICT by Members), who respond within 4 hours."
        );
        assert!(!kinds.iter().any(|k| k.value == "misuse_by_others"));
        // The borough's protocol provides for no longer loans.
        assert!(!kinds.iter().any(|k| k.value == "loan_extension"));
        let why = why_not(
            &pack,
            ReportKind::LoanExtension,
            Some(PersonKind::Councillor),
            &items,
        );
        assert!(why.contains("no extension"), "{why}");
    }

    #[test]
    fn a_phone_fault_the_borough_routes_nowhere_is_offered_and_says_who_receives_it() {
        let pack = borough();
        let items = [
            Subject {
                label: "LAP-1".into(),
                kind: EquipmentKind::Laptop,
            },
            Subject {
                label: "PHN-1".into(),
                kind: EquipmentKind::MobilePhone,
            },
        ];
        let kinds = for_person(&pack, PersonKind::Councillor, &items);
        let fault = kinds.iter().find(|k| k.value == "fault").unwrap();
        assert_eq!(
            fault.hint,
            "Goes to ICT Customer Services Help Desk for LAP-1 (clause 2.5, Protocol on the use \
             of ICT by Members), who respond within 2 days; to Council administrators for PHN-1, \
             who respond within 10 days. The policy names no one to receive a fault about PHN-1, \
             and names no one to receive reports nothing else covers, so it goes instead to the \
             council's administrators."
        );
        // Holding only a phone, a fault is still offered.
        let kinds = for_person(&pack, PersonKind::Councillor, &items[1..]);
        assert!(kinds.iter().any(|k| k.value == "fault"));
    }

    #[test]
    fn with_nothing_on_loan_a_member_is_not_offered_kinds_about_an_item() {
        let pack = borough();
        let kinds = for_person(&pack, PersonKind::Councillor, &[]);
        assert!(!kinds.iter().any(|k| k.value == "lost_or_stolen"));
        assert!(kinds.iter().any(|k| k.value == "training"));
        let why = why_not(
            &pack,
            ReportKind::LostOrStolen,
            Some(PersonKind::Councillor),
            &[],
        );
        assert!(why.contains("you hold no council equipment"), "{why}");
    }

    #[test]
    fn a_loss_needs_whether_stolen_when_and_where() {
        let mut errors = Vec::new();
        let form = DetailsForm {
            noticed_on: "31/02/2027".into(),
            ..DetailsForm::default()
        };
        assert!(
            details(
                ReportKind::LostOrStolen,
                &form,
                "2027-05-16T09:00:00Z".parse().unwrap(),
                &mut errors
            )
            .is_none()
        );
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["stolen", "noticed_on", "place"]);
        let mut errors = Vec::new();
        let form = DetailsForm {
            stolen: "lost".into(),
            noticed_on: "19/05/2027".into(),
            place: "On the train".into(),
            ..DetailsForm::default()
        };
        let found = details(
            ReportKind::LostOrStolen,
            &form,
            "2027-05-16T09:00:00Z".parse().unwrap(),
            &mut errors,
        )
        .unwrap();
        assert!(matches!(
            found,
            RequestDetails::Loss {
                stolen: false,
                police_reference: None,
                ..
            }
        ));
        assert_eq!(article(EquipmentKind::Accessory), "an accessory");
    }

    #[test]
    fn only_the_town_offers_a_duty_off_and_its_form_needs_the_duty_and_a_day() {
        let load = |id: &str| presets::load(presets::find(id).unwrap()).unwrap().pack;
        let town = load("town-it-policy");
        let duties = exception_duties(&town);
        assert_eq!(duties.len(), 1);
        assert_eq!(duties[0].value, "antivirus");
        assert!(duties[0].hint.contains("Town Clerk"), "{}", duties[0].hint);
        assert!(exception_duties(&borough()).is_empty());
        let offered = |pack: &Pack| {
            for_anyone(pack)
                .iter()
                .any(|k| k.value == "posture_exception")
        };
        assert!(offered(&town));
        assert!(!offered(&borough()));

        let now = chrono::Utc::now();
        let mut errors = Vec::new();
        let form = DetailsForm::default();
        assert!(details(ReportKind::PostureException, &form, now, &mut errors).is_none());
        let named: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(named, ["duty", "until"]);
        let form = DetailsForm {
            duty: "antivirus".into(),
            until: "05/01/2027".into(),
            ..DetailsForm::default()
        };
        let mut errors = Vec::new();
        let read = details(ReportKind::PostureException, &form, now, &mut errors);
        assert!(
            matches!(
                read,
                Some(RequestDetails::PostureException {
                    check: CheckWord::Antivirus,
                    ..
                })
            ),
            "{errors:?}"
        );
    }
}

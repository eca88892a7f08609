//! Who receives a report or request, how soon they must act, and who must agree before it goes
//! ahead: all from the pack, each answer with its clause.
//!
//! A request's route is the first `[[reporting]]` entry for its kind that covers the
//! requester and the equipment it is about. Approvals come from the section that governs what
//! is asked for (an extension from `[loans.extension]`, an install from `[software.install]`,
//! a web exception from `[web.exceptions]`, a phone's replacement from its `[[equipment]]`
//! evaluation) and otherwise from the route's own `approval`.
//!
//! A fault, loss or theft of an item someone holds is always received by someone: where no
//! entry covers it, the pack's `[reporting_default]` office receives it, and where the pack
//! has none, the council's administrators do. The route says which of these it is, so pages
//! can say plainly that the policy names no one for it.

use crate::citation::Citation;
use crate::decide::{Gate, Refusal};
use crate::model::{
    Agreement, Clause, OfficeId, Pack, PostureCheck, PostureDuty, PostureException, ReportKind,
    ReportingDefault, ReportingDuty, Urgency,
};
use crate::period::Period;
use crate::span::Span;
use crate::vocab::{EquipmentKind, PersonKind};
use serde::{Deserialize, Serialize};

/// What a request is about, as far as routing cares.
#[derive(Clone, Copy, Debug)]
pub struct RequestFacts {
    pub kind: ReportKind,
    /// The kind of person asking; `None` when nobody in the register is (an officer acting for
    /// the council, say).
    pub requester: Option<PersonKind>,
    pub equipment: Option<EquipmentKind>,
}

/// Who must agree before a request goes ahead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApprovalRule {
    pub approvers: Vec<OfficeId>,
    pub agreement: Agreement,
    /// The document allows it only in exceptional circumstances: a reason must be given.
    pub exceptional_only: bool,
    /// The longest the thing approved may last (an extension, a web exception).
    pub max_length: Option<Period>,
    /// The agreement must be in writing.
    pub in_writing: bool,
    pub citation: Citation,
}

/// How the receiver of a request was found.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Routing {
    /// An entry of `[[reporting]]`, or the section governing what is asked, names the office.
    #[default]
    Named,
    /// Nothing names anyone for it: the pack's `[reporting_default]` office receives it.
    Default,
    /// Nothing names anyone for it and the pack has no default: the council's administrators
    /// receive it.
    Administrators,
}

impl Routing {
    pub fn as_str(self) -> &'static str {
        match self {
            Routing::Named => "named",
            Routing::Default => "default",
            Routing::Administrators => "administrators",
        }
    }
}

/// The name a request's handler has when the council's administrators receive it.
pub const ADMINISTRATORS_NAME: &str = "Council administrators";

impl OfficeId {
    /// The handler of a request the council's administrators receive: an id no pack's office
    /// can have (office ids are never empty), so no officer's office takes it up and only
    /// administrators, who may act on every request, see and handle it.
    pub fn administrators() -> OfficeId {
        OfficeId(String::new())
    }

    pub fn is_administrators(&self) -> bool {
        self.0.is_empty()
    }
}

/// Where a request goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Route {
    pub handler: OfficeId,
    pub handler_name: String,
    pub urgency: Urgency,
    pub respond_within: Option<Span>,
    /// The clause that sends it there; for administrators receiving what the pack routes
    /// nowhere, an empty clause of the pack's document (read as "names no one for this").
    pub citation: Citation,
    pub approval: Option<ApprovalRule>,
    #[serde(default)]
    pub routing: Routing,
}

/// A kind in words for sentences: "a lost or stolen device report".
pub fn kind_words(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::Fault => "a fault",
        ReportKind::SecurityProblem => "a security problem",
        ReportKind::Virus => "a suspected virus",
        ReportKind::CompromisedLogin => "a login someone else may know",
        ReportKind::LostOrStolen => "lost or stolen equipment",
        ReportKind::AccidentalAccess => "an unsuitable site reached by accident",
        ReportKind::MisuseByOthers => "misuse by someone else",
        ReportKind::OffensiveContent => "offensive mail or content received",
        ReportKind::SoftwareInstall => "a software installation",
        ReportKind::WebException => "access to a blocked website",
        ReportKind::ThirdPartyAccess => "access for a third party",
        ReportKind::LoanExtension => "a longer loan",
        ReportKind::Training => "training needs",
        ReportKind::Accessibility => "accessibility needs",
        ReportKind::PhoneEvaluation => "a phone evaluation",
        ReportKind::Erasure => "erasure or disposal of equipment or media",
        ReportKind::PostureException => "a security duty switched off for a device",
    }
}

fn covers(duty: &ReportingDuty, facts: &RequestFacts) -> bool {
    let equipment = duty.equipment.is_empty()
        || facts
            .equipment
            .is_some_and(|kind| duty.equipment.contains(&kind));
    let audience = match facts.requester {
        Some(kind) => duty.audience.includes(kind),
        None => true,
    };
    duty.kind == facts.kind && equipment && audience
}

fn rule(
    pack: &Pack,
    approvers: Vec<OfficeId>,
    agreement: Agreement,
    clause: &Clause,
) -> ApprovalRule {
    ApprovalRule {
        approvers,
        agreement,
        exceptional_only: false,
        max_length: None,
        in_writing: false,
        citation: Citation::new(pack, clause),
    }
}

/// The agreement the pack asks for before a request of this kind goes ahead, if any.
fn approval(
    pack: &Pack,
    facts: &RequestFacts,
    duty: Option<&ReportingDuty>,
) -> Option<ApprovalRule> {
    let own = duty
        .and_then(|d| d.approval.as_ref())
        .map(|a| rule(pack, a.by.clone(), a.agreement, &a.clause));
    let governing = match facts.kind {
        ReportKind::LoanExtension => pack.loans.extension.as_ref().map(|e| ApprovalRule {
            exceptional_only: e.exceptional_only,
            max_length: e.max_length,
            ..rule(pack, e.approvers.clone(), e.agreement, &e.clause)
        }),
        ReportKind::SoftwareInstall => pack.software.as_ref().and_then(|s| {
            s.install
                .approver
                .as_ref()
                .map(|a| rule(pack, vec![a.clone()], Agreement::Any, &s.install.clause))
        }),
        ReportKind::WebException => {
            pack.web
                .as_ref()
                .and_then(|w| w.exceptions.as_ref())
                .map(|e| ApprovalRule {
                    max_length: e.max_length,
                    ..rule(pack, vec![e.approver.clone()], Agreement::Any, &e.clause)
                })
        }
        // The evaluation the pack provides is of phones; nothing else is evaluated under it.
        ReportKind::PhoneEvaluation
            if facts
                .equipment
                .is_some_and(|k| k != EquipmentKind::MobilePhone) =>
        {
            None
        }
        ReportKind::PhoneEvaluation => pack
            .equipment
            .iter()
            .filter(|e| e.kinds.contains(&EquipmentKind::MobilePhone))
            .find_map(|e| e.evaluation.as_ref())
            .and_then(|ev| {
                ev.by
                    .as_ref()
                    .map(|by| rule(pack, vec![by.clone()], Agreement::Any, &ev.clause))
            }),
        ReportKind::PostureException => posture_exceptions(pack, facts.equipment)
            .next()
            .map(|(_, e)| rule(pack, vec![e.approver.clone()], Agreement::Any, &e.clause)),
        _ => None,
    };
    governing.or(own)
}

/// The posture duties the pack lets an office authorise off, for items of `kind` (any kind
/// when none is given), with who may authorise each.
fn posture_exceptions(
    pack: &Pack,
    kind: Option<EquipmentKind>,
) -> impl Iterator<Item = (&PostureDuty, &PostureException)> {
    pack.posture.iter().filter_map(move |d| {
        let fits = d.kinds.is_empty() || kind.is_none_or(|k| d.kinds.contains(&k));
        d.exception.as_ref().filter(|_| fits).map(|e| (d, e))
    })
}

/// Where a request to switch `check` off for an item of `kind` goes: the office the duty
/// names to authorise it, or a refusal citing the duty when the policy allows no exception.
pub fn posture_exception_route(
    pack: &Pack,
    check: PostureCheck,
    kind: Option<EquipmentKind>,
) -> Result<Route, Refusal> {
    let duties: Vec<&PostureDuty> = pack
        .posture
        .iter()
        .filter(|d| d.check == check)
        .filter(|d| d.kinds.is_empty() || kind.is_none_or(|k| d.kinds.contains(&k)))
        .collect();
    let Some(duty) = duties.first() else {
        return Err(Refusal {
            gate: Gate::NoProvision,
            message: "The policy sets no such duty for this equipment".into(),
            citation: None,
        });
    };
    let Some(exception) = duties.iter().find_map(|d| d.exception.as_ref()) else {
        return Err(Refusal {
            gate: Gate::NoProvision,
            message: "The policy lets no one authorise this duty to be off".into(),
            citation: Some(Citation::new(pack, &duty.clause)),
        });
    };
    let approval = rule(
        pack,
        vec![exception.approver.clone()],
        Agreement::Any,
        &exception.clause,
    );
    let times = pack.response_times.clone().unwrap_or_default();
    Ok(Route {
        handler: exception.approver.clone(),
        handler_name: pack.office_name(&exception.approver),
        urgency: Urgency::Routine,
        respond_within: times.for_urgency(Urgency::Routine),
        citation: approval.citation.clone(),
        approval: Some(approval),
        routing: Routing::Named,
    })
}

/// Where a request goes and who must agree to it, or why the policy does not provide for it.
pub fn route(pack: &Pack, facts: &RequestFacts) -> Result<Route, Refusal> {
    if facts.kind == ReportKind::PostureException
        && posture_exceptions(pack, facts.equipment).next().is_none()
    {
        return Err(Refusal {
            gate: Gate::NoProvision,
            message: "The policy lets no one authorise a security duty to be off".into(),
            citation: None,
        });
    }
    if facts.kind == ReportKind::SoftwareInstall
        && let Some(s) = &pack.software
        && !s.install.allowed
    {
        return Err(Refusal {
            gate: Gate::NoProvision,
            message: "The policy does not allow extra software to be installed".into(),
            citation: Some(Citation::new(pack, &s.install.clause)),
        });
    }
    if facts.kind == ReportKind::LoanExtension && pack.loans.extension.is_none() {
        let citation = pack
            .loans
            .max_period
            .as_ref()
            .map(|m| Citation::new(pack, &m.clause));
        return Err(Refusal {
            gate: Gate::NoProvision,
            message: "The policy provides for no extension of a loan".into(),
            citation,
        });
    }
    let duty = pack.reporting.iter().find(|d| covers(d, facts));
    let approval = approval(pack, facts, duty);
    let times = pack.response_times.clone().unwrap_or_default();
    match (duty, approval) {
        (Some(d), approval) => Ok(Route {
            handler: d.report_to.clone(),
            handler_name: pack.office_name(&d.report_to),
            urgency: d.urgency,
            respond_within: d.respond_within.or_else(|| times.for_urgency(d.urgency)),
            citation: Citation::new(pack, &d.clause),
            approval,
            routing: Routing::Named,
        }),
        // A section that names who approves, with no reporting route: the first approver
        // receives it.
        (None, Some(a)) => match a.approvers.first() {
            Some(first) => Ok(Route {
                handler: first.clone(),
                handler_name: pack.office_name(first),
                urgency: Urgency::Routine,
                respond_within: times.for_urgency(Urgency::Routine),
                citation: a.citation.clone(),
                approval: Some(a),
                routing: Routing::Named,
            }),
            None => Err(no_route(facts)),
        },
        (None, None) if always_received(facts.kind) => Ok(unnamed_route(pack)),
        (None, None) => Err(no_route(facts)),
    }
}

/// Reports someone can always make about an item they hold, whatever the pack routes: the
/// council must hear of a fault, a loss or a theft of its equipment.
pub fn always_received(kind: ReportKind) -> bool {
    matches!(kind, ReportKind::Fault | ReportKind::LostOrStolen)
}

/// Where a report goes that no entry of the pack covers: its default, else the administrators.
pub fn unnamed_route(pack: &Pack) -> Route {
    let times = pack.response_times.clone().unwrap_or_default();
    match &pack.reporting_default {
        Some(ReportingDefault {
            report_to,
            urgency,
            respond_within,
            clause,
        }) => Route {
            handler: report_to.clone(),
            handler_name: pack.office_name(report_to),
            urgency: *urgency,
            respond_within: respond_within.or_else(|| times.for_urgency(*urgency)),
            citation: Citation::new(pack, clause),
            approval: None,
            routing: Routing::Default,
        },
        None => Route {
            handler: OfficeId::administrators(),
            handler_name: ADMINISTRATORS_NAME.to_string(),
            urgency: Urgency::Routine,
            respond_within: times.for_urgency(Urgency::Routine),
            citation: Citation {
                clause: String::new(),
                document: pack.pack.title.clone(),
            },
            approval: None,
            routing: Routing::Administrators,
        },
    }
}

/// What a page says when the policy names no one for a report and someone receives it
/// instead: "The policy names no one to receive a fault about a mobile phone, so it goes
/// instead to Service Desk, whom the policy names to receive reports nothing else covers
/// (clause 9, …)." `None` when the policy names the receiver.
pub fn instead_words(facts: &RequestFacts, route: &Route) -> Option<String> {
    let about = facts.equipment.map(article);
    unnamed_words(
        facts.kind,
        about.as_deref(),
        route.routing,
        &route.handler_name,
        &route.citation,
    )
}

/// The same sentence about a named item ("PHN-0001") or kind of item, from what a stored
/// request keeps.
pub fn unnamed_words(
    kind: ReportKind,
    about: Option<&str>,
    routing: Routing,
    handler_name: &str,
    citation: &Citation,
) -> Option<String> {
    let nobody = nobody_words(kind, about);
    match routing {
        Routing::Named => None,
        Routing::Default => Some(format!(
            "{nobody}, so it goes instead to {handler_name}, whom the policy names to receive \
             reports nothing else covers ({citation})."
        )),
        Routing::Administrators => Some(format!(
            "{nobody}, and names no one to receive reports nothing else covers, so it goes \
             instead to the council's administrators."
        )),
    }
}

/// "a laptop", "an accessory".
fn article(kind: EquipmentKind) -> String {
    let words = kind.as_str().replace('_', " ");
    let an = words.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {words}", if an { "an" } else { "a" })
}

fn nobody_words(kind: ReportKind, about: Option<&str>) -> String {
    format!(
        "The policy names no one to receive {}{}",
        kind_words(kind),
        about.map(|a| format!(" about {a}")).unwrap_or_default()
    )
}

fn no_route(facts: &RequestFacts) -> Refusal {
    let about = facts.equipment.map(article);
    Refusal {
        gate: Gate::NoProvision,
        message: nobody_words(facts.kind, about.as_deref()),
        citation: None,
    }
}

/// Whether a recorded set of approving offices is enough under `rule`.
pub fn approved(rule: &ApprovalRule, given: &[OfficeId]) -> bool {
    match rule.agreement {
        Agreement::All => rule.approvers.iter().all(|a| given.contains(a)),
        Agreement::Any => rule.approvers.iter().any(|a| given.contains(a)),
    }
}

/// Where a recall goes: the office that asked for the item back.
pub fn recall_route(pack: &Pack, by: &OfficeId) -> Option<Route> {
    let recall = pack.loans.recall.as_ref()?;
    let times = pack.response_times.clone().unwrap_or_default();
    Some(Route {
        handler: by.clone(),
        handler_name: pack.office_name(by),
        urgency: Urgency::Promptly,
        respond_within: times.for_urgency(Urgency::Promptly),
        citation: Citation::new(pack, &recall.clause),
        approval: None,
        routing: Routing::Named,
    })
}

#[cfg(test)]
mod tests;

//! Breach cases: who handles a case about a person, where serious ones go on to, and which
//! outcomes the pack provides for. Each answer carries its clause.

use crate::citation::Citation;
use crate::decide::{Gate, Refusal};
use crate::model::{OfficeId, Outcome, OutcomeRule, Pack, ReportKind};
use crate::vocab::Audience;
use crate::vocab::PersonKind;
use serde::{Deserialize, Serialize};

/// Where serious cases go on to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EscalationRule {
    pub to: OfficeId,
    pub to_name: String,
    /// In the document's terms: when a case goes on.
    pub when: String,
    pub citation: Citation,
}

/// Who handles a case: any one of `handlers` may.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CaseRoute {
    pub handlers: Vec<OfficeId>,
    pub citation: Citation,
    pub escalation: Option<EscalationRule>,
    /// The kind of person the case is about, which decides the outcomes open to it.
    pub subject: Option<PersonKind>,
}

/// The handlers of a case about someone of `subject` kind; about no one in particular (an
/// anonymous concern that names nobody) the route for everyone, else the offices that receive
/// reports of misuse by others, else every handler the pack names.
pub fn case_route(pack: &Pack, subject: Option<PersonKind>) -> Result<CaseRoute, Refusal> {
    let Some(breaches) = &pack.breaches else {
        return Err(Refusal {
            gate: Gate::NoProvision,
            message: "The policy names no one to handle breaches".into(),
            citation: None,
        });
    };
    let escalation = breaches.escalation.as_ref().map(|e| EscalationRule {
        to: e.to.clone(),
        to_name: pack.office_name(&e.to),
        when: e.when.clone(),
        citation: Citation::new(pack, &e.clause),
    });
    let found = match subject {
        Some(kind) => breaches.routes.iter().find(|r| r.audience.includes(kind)),
        None => breaches
            .routes
            .iter()
            .find(|r| r.audience == Audience::Everyone),
    };
    if let Some(r) = found {
        return Ok(CaseRoute {
            handlers: r.handlers.clone(),
            citation: Citation::new(pack, &r.clause),
            escalation,
            subject,
        });
    }
    let hearing: Vec<_> = pack
        .reporting
        .iter()
        .filter(|d| d.kind == ReportKind::MisuseByOthers)
        .collect();
    if subject.is_none()
        && let Some(first) = hearing.first()
    {
        let mut handlers: Vec<OfficeId> = Vec::new();
        for duty in &hearing {
            if !handlers.contains(&duty.report_to) {
                handlers.push(duty.report_to.clone());
            }
        }
        return Ok(CaseRoute {
            handlers,
            citation: Citation::new(pack, &first.clause),
            escalation,
            subject,
        });
    }
    let mut handlers: Vec<OfficeId> = Vec::new();
    for r in &breaches.routes {
        for h in &r.handlers {
            if !handlers.contains(h) {
                handlers.push(h.clone());
            }
        }
    }
    match breaches.routes.first() {
        Some(first) if subject.is_none() => Ok(CaseRoute {
            handlers,
            citation: Citation::new(pack, &first.clause),
            escalation,
            subject,
        }),
        _ => Err(Refusal {
            gate: Gate::Scope,
            message: "The policy names no one to handle a breach by this kind of person".into(),
            citation: None,
        }),
    }
}

/// "no action", "withdrawal of access": for sentences.
pub fn outcome_words(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::NoAction => "no action",
        Outcome::Advice => "advice",
        Outcome::RestrictSoftware => "removal or disabling of software or equipment",
        Outcome::RemoveInformation => "removal of information from the equipment",
        Outcome::WithdrawAccess => "withdrawal of access",
        Outcome::ReplacementCharge => "a charge for the cost of replacement",
        Outcome::Disciplinary => "disciplinary action",
        Outcome::CodeOfConductComplaint => "a complaint under the members' code of conduct",
        Outcome::Police => "referral to the police",
    }
}

fn audience_words(audience: Audience) -> &'static str {
    match audience {
        Audience::Everyone => "anyone",
        Audience::Members => "a member",
        Audience::Staff => "a member of staff",
    }
}

/// Whether a case may end in `outcome`, and the clause that allows it. Closing with no action
/// or with advice needs no provision: they rest on the route's own clause.
pub fn outcome_allowed(
    pack: &Pack,
    outcome: Outcome,
    route: &CaseRoute,
) -> Result<Citation, Refusal> {
    if matches!(outcome, Outcome::NoAction | Outcome::Advice) {
        return Ok(route.citation.clone());
    }
    let rules: Vec<&OutcomeRule> = pack
        .breaches
        .iter()
        .flat_map(|b| &b.outcomes)
        .filter(|o| o.outcome == outcome)
        .collect();
    // A case about no one in particular may only end in what follows anyone's breach.
    let fits = |rule: &OutcomeRule| match route.subject {
        Some(kind) => rule.audience.includes(kind),
        None => rule.audience == Audience::Everyone,
    };
    if let Some(rule) = rules.iter().find(|r| fits(r)) {
        return Ok(Citation::new(pack, &rule.clause));
    }
    match rules.first() {
        Some(rule) => Err(Refusal {
            gate: Gate::Scope,
            message: format!(
                "The policy provides for {} only after a breach by {}",
                outcome_words(outcome),
                audience_words(rule.audience)
            ),
            citation: Some(Citation::new(pack, &rule.clause)),
        }),
        None => Err(Refusal {
            gate: Gate::NoProvision,
            message: format!(
                "The policy does not provide for {} as the outcome of a breach",
                outcome_words(outcome)
            ),
            citation: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    fn pack(id: &str) -> Pack {
        presets::load(presets::find(id).unwrap()).unwrap().pack
    }

    #[test]
    fn each_preset_routes_cases_to_the_office_it_names() {
        let city = pack("city-members-code");
        let r = case_route(&city, Some(PersonKind::Councillor)).unwrap();
        assert_eq!(r.handlers, [OfficeId("monitoring_officer".into())]);
        assert_eq!(r.citation.clause, "28.10");
        let e = r.escalation.unwrap();
        assert_eq!(e.to.as_str(), "standards_committee");
        assert_eq!(e.citation.clause, "28.10");

        let aup = pack("city-aup");
        let staff = case_route(&aup, Some(PersonKind::Employee)).unwrap();
        assert_eq!(staff.handlers, [OfficeId("line_manager".into())]);
        let member = case_route(&aup, Some(PersonKind::Councillor)).unwrap();
        assert_eq!(
            member.handlers,
            [OfficeId("head_of_law_and_governance".into())]
        );
        assert!(member.escalation.is_none());
        // Nobody named: the office that hears of misuse by others.
        let nobody = case_route(&aup, None).unwrap();
        assert_eq!(
            nobody.handlers,
            [
                OfficeId("line_manager".into()),
                OfficeId("head_of_law_and_governance".into())
            ]
        );

        let county = pack("county-members-policy");
        let r = case_route(&county, None).unwrap();
        assert_eq!(r.handlers.len(), 2);
        assert_eq!(r.citation.clause, "2");

        let town = pack("town-it-policy");
        let r = case_route(&town, Some(PersonKind::Employee)).unwrap();
        assert_eq!(r.handlers, [OfficeId("town_clerk".into())]);
        assert_eq!(r.citation.clause, "1.2");
    }

    /// The city's policy: staff breaches may go through the disciplinary procedure, members'
    /// are code of conduct complaints and never disciplinary.
    #[test]
    fn outcomes_follow_the_subject_audience() {
        let aup = pack("city-aup");
        let member = case_route(&aup, Some(PersonKind::Councillor)).unwrap();
        let staff = case_route(&aup, Some(PersonKind::Employee)).unwrap();
        let nobody = case_route(&aup, None).unwrap();

        let refused = outcome_allowed(&aup, Outcome::Disciplinary, &member).unwrap_err();
        assert_eq!(refused.gate, Gate::Scope);
        assert!(
            refused
                .message
                .contains("only after a breach by a member of staff")
        );
        assert_eq!(refused.citation.unwrap().clause, "Policy compliance");
        assert_eq!(
            outcome_allowed(&aup, Outcome::CodeOfConductComplaint, &member)
                .unwrap()
                .clause,
            "Policy compliance"
        );

        assert!(outcome_allowed(&aup, Outcome::Disciplinary, &staff).is_ok());
        let refused = outcome_allowed(&aup, Outcome::CodeOfConductComplaint, &staff).unwrap_err();
        assert!(refused.message.contains("only after a breach by a member"));

        // Police follow anyone's breach; nothing meant for one audience fits a case about no one.
        for route in [&member, &staff, &nobody] {
            assert!(outcome_allowed(&aup, Outcome::Police, route).is_ok());
        }
        assert!(outcome_allowed(&aup, Outcome::Disciplinary, &nobody).is_err());

        // The county's rule is for everyone, members included.
        let county = pack("county-members-policy");
        let route = case_route(&county, Some(PersonKind::Councillor)).unwrap();
        assert!(outcome_allowed(&county, Outcome::Disciplinary, &route).is_ok());
    }

    #[test]
    fn outcomes_need_a_provision_except_no_action_and_advice() {
        let borough = pack("borough-members-protocol");
        let route = case_route(&borough, Some(PersonKind::Councillor)).unwrap();
        assert_eq!(
            outcome_allowed(&borough, Outcome::RestrictSoftware, &route)
                .unwrap()
                .clause,
            "10.1"
        );
        assert_eq!(
            outcome_allowed(&borough, Outcome::Advice, &route).unwrap(),
            route.citation
        );
        let refused = outcome_allowed(&borough, Outcome::Police, &route).unwrap_err();
        assert!(
            refused.message.contains("referral to the police"),
            "{refused}"
        );
        let city = pack("city-members-code");
        let route = case_route(&city, Some(PersonKind::Councillor)).unwrap();
        assert_eq!(
            outcome_allowed(&city, Outcome::ReplacementCharge, &route)
                .unwrap()
                .clause,
            "28.9"
        );
    }
}

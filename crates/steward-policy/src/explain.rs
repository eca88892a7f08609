//! A pack's rules as plain sentences, each with its clause, for people to read.

use crate::citation::Citation;
use crate::model::*;
use crate::vocab::Audience;
use serde::Serialize;

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct RuleLine {
    pub topic: &'static str,
    pub text: String,
    pub citation: Citation,
}

fn words<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| i.to_string().replace('_', " "))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "CompromisedLogin" as "compromised login".
fn variant<T: std::fmt::Debug>(value: &T) -> String {
    let mut out = String::new();
    for (i, ch) in format!("{value:?}").chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push(' ');
        }
        out.push(ch.to_ascii_lowercase());
    }
    out
}

/// The offices' names joined by `joiner` (" and ", " or "); the names themselves are never
/// rewritten, since many hold "and" ("Head of Law and Governance").
fn offices_joined(pack: &Pack, ids: &[OfficeId], joiner: &str) -> String {
    ids.iter()
        .map(|id| pack.office_name(id))
        .collect::<Vec<_>>()
        .join(joiner)
}

fn offices(pack: &Pack, ids: &[OfficeId]) -> String {
    offices_joined(pack, ids, " and ")
}

/// Where the pack sets out its protective markings: `[mail.markings] clause`, or else its
/// protective marking duty (the pack check asks for one of them).
fn markings_clause<'a>(pack: &'a Pack, markings: &'a Markings) -> Option<&'a Clause> {
    markings.clause.as_ref().or_else(|| {
        pack.duties
            .iter()
            .find(|d| d.topic == DutyTopic::ProtectiveMarking)
            .map(|d| &d.clause)
    })
}

/// `[mail.markings]` in sentences: the levels, then how labels and subjects mark a message.
fn markings_lines(k: &Markings) -> Vec<String> {
    let mut out = vec![format!(
        "Protective markings, lowest first: {}; the outbound relay takes the highest a \
         message shows",
        k.levels.join(", ")
    )];
    if !k.labels.is_empty() {
        let each: Vec<String> = k
            .labels
            .iter()
            .map(|l| format!("\"{}\" as {}", l.label, l.level))
            .collect();
        out.push(format!("Sensitivity labels mark mail: {}", each.join(", ")));
    }
    if !k.subjects.is_empty() {
        let each: Vec<String> = k
            .subjects
            .iter()
            .map(|l| format!("\"{}\" as {}", l.text, l.level))
            .collect();
        out.push(format!("Words in a subject mark mail: {}", each.join(", ")));
    }
    out
}

/// Every rule of the pack, in the order the sections appear in the format.
pub fn rules(pack: &Pack) -> Vec<RuleLine> {
    let mut out = Vec::new();
    let mut push = |topic: &'static str, text: String, clause: &Clause| {
        out.push(RuleLine {
            topic,
            text,
            citation: Citation::new(pack, clause),
        })
    };
    push(
        "Scope",
        format!("Covers: {}", words(&pack.scope.kinds)),
        &pack.scope.clause,
    );
    if let Some(r) = &pack.review {
        let every = r.every.map(|p| format!(" every {p}")).unwrap_or_default();
        push(
            "Review",
            format!("Reviewed{every} by {}", offices(pack, &r.owners)),
            &r.clause,
        );
    }
    for o in &pack.offices {
        push("Office", o.name.clone(), &o.clause);
    }
    if let Some(a) = &pack.acceptance {
        let mut text = format!("\"{}\" must be signed", a.form);
        if a.required_before_issue {
            text.push_str(" before equipment is issued");
        }
        if a.lapses_on_new_version {
            text.push_str("; each new version needs a new signature");
        }
        if let Some(p) = a.renew_every {
            text.push_str(&format!("; renewed every {p}"));
        }
        push("Acceptance", text, &a.clause);
    }
    for e in &pack.equipment {
        let who = if e.offices.is_empty() {
            e.audience.as_str().replace('_', " ")
        } else {
            format!("holders of {}", offices_joined(pack, &e.offices, " or "))
        };
        push(
            "Equipment",
            format!("Lends {} to {who}", words(&e.kinds)),
            &e.clause,
        );
        if let Some(ev) = &e.evaluation {
            push(
                "Equipment",
                format!("Equipment and needs evaluated every {}", ev.every),
                &ev.clause,
            );
        }
    }
    let l = &pack.loans;
    if let Some(m) = &l.max_period {
        push("Loans", format!("Longest loan: {}", m.length), &m.clause);
    }
    if let Some(x) = &l.extension {
        let agree = match x.agreement {
            Agreement::All => "all of",
            Agreement::Any => "any of",
        };
        let exceptional = if x.exceptional_only {
            ", in exceptional circumstances only"
        } else {
            ""
        };
        push(
            "Loans",
            format!(
                "Extensions need {agree}: {}{exceptional}",
                offices(pack, &x.approvers)
            ),
            &x.clause,
        );
    }
    if let Some(h) = &l.household_limit {
        push(
            "Loans",
            format!("At most {} per household", h.max),
            &h.clause,
        );
    }
    if let Some(a) = &l.authorisation {
        push(
            "Loans",
            format!("Use must be authorised by {}", offices(pack, &a.by)),
            &a.clause,
        );
    }
    if let Some(p) = &l.pat_test {
        let retest = p
            .retest_every
            .map(|r| format!(", repeated every {r}"))
            .unwrap_or_default();
        push(
            "Loans",
            format!("PAT test before first use{retest}"),
            &p.clause,
        );
    }
    if let Some(r) = &l.recall {
        push(
            "Loans",
            format!(
                "{} may recall equipment at any time (default notice {})",
                offices(pack, &r.by),
                r.notice
            ),
            &r.clause,
        );
    }
    if let Some(lo) = &l.leaving_office {
        push(
            "Loans",
            format!(
                "Leavers {}return equipment {}",
                if lo.stop_use {
                    "stop using equipment at once and "
                } else {
                    ""
                },
                if lo.return_within.is_zero() {
                    "immediately".to_string()
                } else {
                    format!("within {}", lo.return_within)
                }
            ),
            &lo.clause,
        );
        if let Some(c) = &lo.charge {
            let what = match c {
                Charge::ReplacementCost { .. } => "the full replacement cost".to_string(),
                Charge::Fixed { pence, .. } => format!("{pence} pence"),
            };
            push(
                "Loans",
                format!("Late return may be charged {what}"),
                c.clause(),
            );
        }
    }
    if let Some(e) = &l.erasure_before_reuse {
        push(
            "Loans",
            "Returned equipment is erased before reuse or disposal".into(),
            &e.clause,
        );
    }
    if let Some(r) = &pack.refresh {
        let first = if r.priority_offices.is_empty() {
            String::new()
        } else {
            format!(", {} first", offices(pack, &r.priority_offices))
        };
        push(
            "Refresh",
            format!("Replaced about every {}{first}, then oldest first", r.every),
            &r.clause,
        );
    }
    if let Some(p) = &pack.phones {
        let text = match p.personal_calls {
            PersonalCalls::Reimburse => "Personal calls are paid for by the holder",
            PersonalCalls::OwnTimeOnly => "Personal calls only in the holder's own time",
        };
        push("Phones", text.into(), &p.clause);
    }
    if let Some(f) = &pack.family_use {
        let text = if f.allowed {
            "Family may use it for private purposes, without network access"
        } else {
            "No use by friends or family"
        };
        push("Use", text.into(), &f.clause);
    }
    if let Some(w) = &pack.web {
        for r in &w.rules {
            let action = match r.action {
                WebAction::Block => "blocked",
                WebAction::OwnTimeOnly => "only in own time",
                WebAction::OutsideWorkingHours => "only outside working hours",
                WebAction::Allow => "allowed",
            };
            push(
                "Web",
                format!("{}: {action}", words(&r.categories)),
                &r.clause,
            );
        }
        if let Some(x) = &w.exceptions {
            push(
                "Web",
                format!("Exceptions approved by {}", pack.office_name(&x.approver)),
                &x.clause,
            );
        }
        if let Some(a) = &w.accidental_access {
            push(
                "Web",
                format!(
                    "Report accidental access to {}",
                    pack.office_name(&a.report_to)
                ),
                &a.clause,
            );
        }
    }
    if let Some(p) = &pack.passwords {
        push(
            "Security",
            format!("Passwords are changed at least every {}", p.max_age),
            &p.clause,
        );
    }
    if let Some(p) = &pack.personal_use {
        let text = match p.allowance {
            PersonalUseAllowance::Occasional => "Personal use: occasional and reasonable",
            PersonalUseAllowance::OwnTime => "Personal use: in the user's own time only",
            PersonalUseAllowance::MinimalInWorkingHours => {
                "Personal use: kept to a minimum in working hours"
            }
            PersonalUseAllowance::WhenNotNeeded => {
                "Personal use: when not needed for council business"
            }
        };
        push("Use", text.into(), &p.clause);
    }
    if let Some(m) = &pack.mail {
        if let Some(a) = &m.official_address {
            push(
                "Mail",
                format!(
                    "Council business from the council's own address ({})",
                    a.domains.join(", ")
                ),
                &a.clause,
            );
        }
        if let Some(f) = &m.auto_forwarding {
            let text = match f.rule {
                Forwarding::Forbidden => "Automatic forwarding is forbidden",
                Forwarding::AllowedWithControls => {
                    "Forwarding to personal accounts allowed with access controls"
                }
                Forwarding::Allowed => "Forwarding allowed",
            };
            push("Mail", text.into(), &f.clause);
        }
        if let Some(c) = &m.confidential {
            let route = match c.route {
                ConfidentialRoute::Encrypted => "encrypted or password protected",
                ConfidentialRoute::SecureRoute => "sent only by the secure route",
            };
            let what = c
                .marking
                .as_deref()
                .map(|m| format!("{m} and above"))
                .unwrap_or_else(|| "Confidential".into());
            let mut domains: Vec<&str> = c.secure_domain.iter().map(String::as_str).collect();
            domains.extend(c.secure_domains.iter().map(String::as_str));
            let secure = if domains.is_empty() {
                String::new()
            } else {
                format!(" ({})", domains.join(", "))
            };
            let relay = match c.action {
                UnsafeMailAction::Reject => "refuses",
                UnsafeMailAction::Hold => "holds for an officer",
            };
            push(
                "Mail",
                format!(
                    "{what} mail leaving the council is {route}{secure}; the outbound relay \
                     {relay} such mail to any other domain outside the council"
                ),
                &c.clause,
            );
        }
        if let Some(d) = &m.disclaimer {
            let appended = if d.text.is_some() {
                ", which the outbound relay appends"
            } else {
                ""
            };
            push(
                "Mail",
                format!(
                    "{} external mail carries the council's disclaimer{appended}",
                    d.marking
                ),
                &d.clause,
            );
        }
        if let Some(k) = &m.markings
            && let Some(clause) = markings_clause(pack, k)
        {
            for text in markings_lines(k) {
                push("Mail", text, clause);
            }
        }
    }
    for p in &pack.posture {
        push(
            "Security",
            format!("Device check: {}", variant(&p.check)),
            &p.clause,
        );
        if let Some(e) = &p.exception {
            push(
                "Security",
                format!(
                    "{} may authorise the {} check to be off for a device until a date",
                    pack.office_name(&e.approver),
                    variant(&p.check)
                ),
                &e.clause,
            );
        }
    }
    if let Some(c) = &pack.check_in {
        push(
            "Security",
            format!("A device must check in at least every {}", c.max_age),
            &c.clause,
        );
    }
    if let Some(m) = &pack.monitoring {
        let mut what = Vec::new();
        for (on, name) in [
            (m.web, "web"),
            (m.mail, "mail"),
            (m.phone, "phone"),
            (m.device_history, "device history"),
        ] {
            if on {
                what.push(name);
            }
        }
        push(
            "Monitoring",
            format!(
                "Monitors {}; findings seen by {}",
                what.join(", "),
                offices(pack, &m.visible_to)
            ),
            &m.clause,
        );
    }
    if let Some(s) = &pack.software {
        let text = match (&s.install.allowed, &s.install.approver) {
            (false, _) => "No software of the user's own may be installed".to_string(),
            (true, Some(a)) => format!("Installs need authorisation by {}", pack.office_name(a)),
            (true, None) => "Installs allowed".to_string(),
        };
        push("Software", text, &s.install.clause);
    }
    for r in &pack.reporting {
        let mut text = format!(
            "Report {} to {}",
            variant(&r.kind),
            pack.office_name(&r.report_to)
        );
        if !r.equipment.is_empty() {
            text.push_str(&format!(" (for {})", words(&r.equipment)));
        }
        if r.audience != crate::vocab::Audience::Everyone {
            text.push_str(&format!(", by {}", r.audience.as_str()));
        }
        let within = r.respond_within.or_else(|| {
            pack.response_times
                .as_ref()
                .and_then(|t| t.for_urgency(r.urgency))
        });
        text.push_str(&format!(", {}", variant(&r.urgency)));
        if let Some(span) = within {
            text.push_str(&format!("; acted on within {span}"));
        }
        push("Reporting", text, &r.clause);
        if let Some(a) = &r.approval {
            let joiner = if a.agreement == Agreement::All {
                " and "
            } else {
                " or "
            };
            push(
                "Approvals",
                format!(
                    "A {} request needs the agreement of {}",
                    variant(&r.kind),
                    offices_joined(pack, &a.by, joiner)
                ),
                &a.clause,
            );
        }
    }
    if let Some(b) = &pack.breaches {
        for r in &b.routes {
            push(
                "Breaches",
                format!(
                    "Breaches by {} go to {}",
                    r.audience.as_str(),
                    offices_joined(pack, &r.handlers, " or ")
                ),
                &r.clause,
            );
        }
        if let Some(e) = &b.escalation {
            push(
                "Breaches",
                format!("Serious cases go to {}", pack.office_name(&e.to)),
                &e.clause,
            );
        }
        for o in &b.outcomes {
            let by = match o.audience {
                Audience::Everyone => "A breach",
                Audience::Members => "A breach by a member",
                Audience::Staff => "A breach by a member of staff",
            };
            push(
                "Breaches",
                format!(
                    "{by} may lead to {}",
                    crate::cases::outcome_words(o.outcome)
                ),
                &o.clause,
            );
        }
    }
    for d in &pack.duties {
        push("Duty", d.summary.clone(), &d.clause);
    }
    for kind in crate::retention::RecordKind::ALL {
        if let Some(keep) = kind.keep(pack) {
            push(
                "Retention",
                format!(
                    "{} are kept for {} after {}, then their personal data is purged",
                    kind.label(),
                    keep.keep,
                    kind.counted_from()
                ),
                &keep.clause,
            );
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// An office named with "and" keeps its name wherever a rule lists it, whatever word joins
    /// the list ("Head of Law and Governance", never "Head of Law or Governance").
    #[test]
    fn office_names_are_never_rewritten() {
        for preset in crate::presets::all() {
            let pack = crate::presets::load(preset).unwrap().pack;
            let lines = rules(&pack);
            for office in pack.offices.iter().filter(|o| o.name.contains(" and ")) {
                let mangled = office.name.replace(" and ", " or ");
                for line in &lines {
                    assert!(
                        !line.text.contains(&mangled),
                        "{}: {:?} rewrites {:?}",
                        preset.id,
                        line.text,
                        office.name
                    );
                }
            }
        }
    }

    #[test]
    fn breaches_name_their_handler_whole() {
        let preset = crate::presets::find("city-aup").unwrap();
        let pack = crate::presets::load(preset).unwrap().pack;
        assert!(
            rules(&pack)
                .iter()
                .any(|l| l.topic == "Breaches" && l.text.contains("Head of Law and Governance"))
        );
    }

    /// The markings and the relay's mail rules are shown in words, each with the clause that
    /// sets it: the city's markings cite its protective marking duty.
    #[test]
    fn mail_markings_and_rules_are_shown_with_their_clauses() {
        let preset = crate::presets::find("city-aup").unwrap();
        let pack = crate::presets::load(preset).unwrap().pack;
        let mail: Vec<RuleLine> = rules(&pack)
            .into_iter()
            .filter(|l| l.topic == "Mail")
            .collect();
        let line = |start: &str| {
            mail.iter()
                .find(|l| l.text.starts_with(start))
                .unwrap_or_else(|| panic!("no line starting {start:?} in {mail:?}"))
        };
        let levels = line("Protective markings, lowest first: OFFICIAL, OFFICIAL-SENSITIVE");
        assert_eq!(
            levels.citation.clause,
            "Government Connect & Information Protection"
        );
        assert!(
            line("Sensitivity labels mark mail")
                .text
                .contains("\"Official Sensitive\" as OFFICIAL-SENSITIVE")
        );
        assert!(
            line("Words in a subject mark mail")
                .text
                .contains("\"TOP SECRET\" as TOP SECRET")
        );
        let confidential = line("OFFICIAL and above mail leaving the council");
        assert!(confidential.text.contains("city.gcsx.example.gov.uk"));
        assert!(confidential.text.contains("refuses"));
        assert_eq!(confidential.citation.clause, "Email");
        assert!(
            line("OFFICIAL external mail carries")
                .text
                .contains("appends")
        );
        for l in &mail {
            assert!(!l.text.contains('_'), "{:?}", l.text);
        }
    }
}

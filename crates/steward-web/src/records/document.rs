//! The subject access document as titled tables, drawn the same way on the page and in the
//! PDF.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use steward_domain::ops::subject_access::SubjectAccessDocument;
use steward_policy::long_date;

#[derive(Clone, Debug, Serialize)]
pub struct Section {
    pub title: String,
    pub headings: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// What the section says when it has no rows.
    pub empty: String,
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(long_date).unwrap_or_default()
}

fn at(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

fn section(title: &str, headings: &[&str], rows: Vec<Vec<String>>, empty: &str) -> Section {
    Section {
        title: title.into(),
        headings: headings.iter().map(|h| h.to_string()).collect(),
        rows,
        empty: empty.into(),
    }
}

pub fn sections(doc: &SubjectAccessDocument) -> Vec<Section> {
    let mut out = vec![
        section(
            "Terms of office",
            &["Started", "Ended", "Why it ended"],
            doc.terms
                .iter()
                .map(|t| {
                    vec![
                        long_date(t.starts),
                        day(t.ends),
                        t.end_reason
                            .map(|r| r.as_str().replace('_', " "))
                            .unwrap_or_default(),
                    ]
                })
                .collect(),
            "No terms are recorded.",
        ),
        section(
            "Offices",
            &["Office", "From", "Until"],
            doc.offices
                .iter()
                .map(|o| vec![o.office.clone(), long_date(o.starts), day(o.ends)])
                .collect(),
            "No offices are recorded.",
        ),
        section(
            "Equipment lent",
            &[
                "Item",
                "Kind and model",
                "Lent on",
                "Due back",
                "Returned",
                "Charges",
            ],
            doc.loans
                .iter()
                .map(|l| {
                    vec![
                        l.asset_tag.clone(),
                        format!("{} {}", l.kind, l.model),
                        long_date(l.issued_on),
                        day(l.recall_by.or(l.leaving_by).or(l.due_on)),
                        day(l.returned_on),
                        l.charges.join("; "),
                    ]
                })
                .collect(),
            "No equipment has been lent.",
        ),
        section(
            "Policy signatures",
            &["Signed on", "How", "Policy version", "Entered by"],
            doc.acceptances
                .iter()
                .map(|a| {
                    vec![
                        long_date(a.signed_on),
                        a.method.clone(),
                        a.policy_version.map(|v| v.to_string()).unwrap_or_default(),
                        a.recorded_by.clone().unwrap_or_else(|| "you".into()),
                    ]
                })
                .collect(),
            "No signatures are recorded.",
        ),
    ];
    let mut requests = Vec::new();
    for q in &doc.requests {
        requests.push(vec![
            format!("Request {}", q.id),
            at(q.raised_at),
            format!("{} ({})", q.summary, q.kind),
            q.state.clone(),
            q.outcome.clone().unwrap_or_default(),
        ]);
        for c in &q.comments {
            requests.push(vec![
                String::new(),
                at(c.at),
                format!("{}: {}", c.by, c.text),
                String::new(),
                String::new(),
            ]);
        }
    }
    out.push(section(
        "Requests and reports you made, with their comments",
        &["Request", "When", "What", "State", "Outcome"],
        requests,
        "No requests are recorded.",
    ));
    let mut cases = Vec::new();
    for c in &doc.cases {
        cases.push(vec![
            format!("Case {} (you are its {})", c.id, c.role),
            at(c.opened_at),
            format!("{} {}", c.summary, c.details).trim().to_string(),
            c.state.clone(),
            [c.outcome.clone(), c.outcome_note.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(": "),
        ]);
        for n in &c.notes {
            cases.push(vec![
                String::new(),
                at(n.at),
                format!("{}: {}", n.by, n.text),
                String::new(),
                String::new(),
            ]);
        }
    }
    out.push(section(
        "Breach cases you are the subject or reporter of",
        &["Case", "When", "What", "State", "Outcome"],
        cases,
        "No breach cases are recorded.",
    ));
    out.push(section(
        "Phone statements",
        &["Statement", "Issued on", "Amount", "Rule"],
        doc.phone_statements
            .iter()
            .map(|s| {
                vec![
                    format!("Statement {}", s.id),
                    long_date(s.issued_on),
                    s.amount.clone(),
                    s.clause.clone(),
                ]
            })
            .collect(),
        "No phone statements are recorded.",
    ));
    out.push(section(
        "Notices sent to you",
        &["Subject", "Queued", "Sent", "State", "Address"],
        doc.notices
            .iter()
            .map(|n| {
                vec![
                    n.subject.clone(),
                    at(n.queued_at),
                    n.sent_at.map(at).unwrap_or_default(),
                    n.state.clone(),
                    n.address.clone().unwrap_or_default(),
                ]
            })
            .collect(),
        "No notices are recorded.",
    ));
    out.push(section(
        "Information requests",
        &["Reference", "Your part", "From", "Closed or answered"],
        doc.information_requests
            .iter()
            .map(|i| {
                vec![
                    i.reference.clone(),
                    i.role.clone(),
                    long_date(i.received_on),
                    day(i.closed_on),
                ]
            })
            .collect(),
        "No information requests are recorded.",
    ));
    let mut web = vec![vec![
        "Names the web proxy knows you by".to_string(),
        if doc.web_names.is_empty() {
            "none recorded".to_string()
        } else {
            doc.web_names.join(", ")
        },
        String::new(),
        String::new(),
    ]];
    web.extend(doc.web_findings.iter().map(|f| {
        vec![
            long_date(f.day),
            f.category.replace('_', " "),
            format!(
                "{} between {} and {}",
                f.visits,
                at(f.first_seen),
                at(f.last_seen)
            ),
            f.samples.join(" "),
        ]
    }));
    out.push(section(
        "Web monitoring",
        &["Day", "Category", "Visits", "Examples"],
        web,
        "",
    ));
    out.extend(devices_and_mail(doc));
    out.push(section(
        "The audit trail's records about you",
        &["Record", "When", "What", "By"],
        doc.audit
            .iter()
            .map(|a| vec![a.seq.to_string(), at(a.at), a.action.clone(), a.by.clone()])
            .collect(),
        "No audit records name this person.",
    ));
    out
}

/// Device checks on items lent to the person, forwards on their mailbox and the relay's
/// decisions on mail they sent; times in UK local time.
fn devices_and_mail(doc: &SubjectAccessDocument) -> Vec<Section> {
    let local = |t: DateTime<Utc>| {
        steward_policy::uktime::uk_local(t)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    vec![
        section(
            "Device checks on equipment lent to you",
            &["Item", "Lent", "Returned", "What the checks found"],
            doc.device_checks
                .iter()
                .map(|d| {
                    vec![
                        d.asset_tag.clone(),
                        long_date(d.lent_from),
                        day(d.lent_until),
                        d.summary.join("; "),
                    ]
                })
                .collect(),
            "No device checks are recorded on equipment lent to you.",
        ),
        section(
            "Forwarding found on your mailbox",
            &[
                "Mailbox",
                "Rule",
                "What it does",
                "Where to",
                "What the policy says",
            ],
            doc.mail_forwards
                .iter()
                .map(|f| {
                    vec![
                        f.mailbox.clone(),
                        f.rule.clone().unwrap_or_default(),
                        f.kind.clone(),
                        f.target
                            .clone()
                            .unwrap_or_else(|| "inside the council".into()),
                        f.judged.clone(),
                    ]
                })
                .collect(),
            "No forwarding is recorded on your mailbox.",
        ),
        section(
            "Mail you sent, as the outbound relay judged it",
            &["When", "To", "Marking", "Outcome", "Why"],
            doc.mail_sent
                .iter()
                .map(|m| {
                    vec![
                        local(m.at),
                        m.recipients.clone(),
                        m.marking.clone().unwrap_or_else(|| "none".into()),
                        m.outcome.clone(),
                        m.reasons.join("; "),
                    ]
                })
                .collect(),
            "No decisions about mail you sent are recorded.",
        ),
    ]
}

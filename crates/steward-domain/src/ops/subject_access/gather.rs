//! Gathering the document's sections from every part of the register.

use super::SubjectAccessTx;
use super::redact::{REDACTED, Redactor};
use crate::auth::Principal;
use crate::ctx::Ctx;
use crate::error::DomainResult;
use crate::network::FindingFilter;
use crate::outbox::MessageFilter;
use crate::records::{Council, Person, Term};
use crate::repo::AuditFilter;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use steward_policy::Pack;

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OfficeEntry {
    pub office: String,
    pub starts: NaiveDate,
    pub ends: Option<NaiveDate>,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LoanEntry {
    pub asset_tag: String,
    pub kind: String,
    pub model: String,
    pub serial: Option<String>,
    pub issued_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub recall_by: Option<NaiveDate>,
    pub leaving_by: Option<NaiveDate>,
    pub returned_on: Option<NaiveDate>,
    /// Charges raised on the loan, as "£650.00 on 2027-05-01 (clause 8.5)".
    pub charges: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AcceptanceEntry {
    pub signed_on: NaiveDate,
    pub method: String,
    pub policy_version: Option<i64>,
    pub typed_name: Option<String>,
    pub recorded_by: Option<String>,
}

/// A comment or note, with who wrote it as the document may show it.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Comment {
    pub at: DateTime<Utc>,
    pub by: String,
    pub text: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RequestEntry {
    pub id: i64,
    pub kind: String,
    pub summary: String,
    pub state: String,
    pub handled_by: String,
    pub raised_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    pub comments: Vec<Comment>,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CaseEntry {
    pub id: i64,
    /// "subject" or "reporter".
    pub role: String,
    pub summary: String,
    pub details: String,
    pub state: String,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    pub outcome_note: Option<String>,
    /// The other party: always redacted when there is one.
    pub other_party: Option<String>,
    pub notes: Vec<Comment>,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StatementEntry {
    pub id: i64,
    pub issued_on: NaiveDate,
    pub amount: String,
    pub clause: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NoticeEntry {
    pub subject: String,
    pub state: String,
    pub queued_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub address: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InformationEntry {
    pub reference: String,
    /// "subject" (a subject access request about them) or "asked to help".
    pub role: String,
    pub received_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

/// A day's visits to sites in one of the web filter's categories, as scanning the proxy's
/// logs found them.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WebFindingEntry {
    pub day: NaiveDate,
    pub category: String,
    pub visits: i64,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// Addresses the person visited that day, as the log recorded them.
    pub samples: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub action: String,
    pub by: String,
}

/// Everything held about one person.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SubjectAccessDocument {
    pub council: String,
    pub produced_on: NaiveDate,
    pub person: Person,
    pub terms: Vec<Term>,
    pub offices: Vec<OfficeEntry>,
    pub loans: Vec<LoanEntry>,
    pub acceptances: Vec<AcceptanceEntry>,
    pub requests: Vec<RequestEntry>,
    pub cases: Vec<CaseEntry>,
    /// Breach cases about or from the person that the producing officer may not open; their
    /// handlers must add them.
    pub cases_withheld: usize,
    pub phone_statements: Vec<StatementEntry>,
    pub notices: Vec<NoticeEntry>,
    pub information_requests: Vec<InformationEntry>,
    /// The names the web proxy knows the person by.
    pub web_names: Vec<String>,
    pub web_findings: Vec<WebFindingEntry>,
    /// What device checks found on items while they were lent to the person.
    #[serde(default)]
    pub device_checks: Vec<super::DeviceCheckEntry>,
    /// Forwards found on the person's mailbox in the latest snapshots.
    #[serde(default)]
    pub mail_forwards: Vec<super::ForwardEntry>,
    /// What the outbound relay decided about mail the person sent.
    #[serde(default)]
    pub mail_sent: Vec<super::MailSentEntry>,
    pub audit: Vec<AuditEntry>,
    /// How other people's data was treated, in words.
    pub redaction: String,
}

pub(super) async fn gather<T: SubjectAccessTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    pack: &Pack,
    person: Person,
) -> DomainResult<SubjectAccessDocument> {
    let r = Redactor::new(
        tx,
        council,
        pack,
        person.id,
        person.reference.as_str(),
        ctx.today,
    )
    .await?;
    let offices = tx
        .offices(council.id, person.id)
        .await?
        .into_iter()
        .map(|h| OfficeEntry {
            office: pack.office_name(&h.office),
            starts: h.starts,
            ends: h.ends,
        })
        .collect();

    let mut loans = Vec::new();
    let mut device_checks = Vec::new();
    for loan in tx.loans_of_person(council.id, person.id).await? {
        let item = tx.equipment_by_id(council.id, loan.equipment_id).await?;
        if let Some(i) = &item
            && let Some(entry) = super::devices_mail::device_checks(
                tx,
                council,
                i.id,
                i.asset_tag.as_str(),
                loan.issued_on,
                loan.returned_on,
            )
            .await?
        {
            device_checks.push(entry);
        }
        let charges = tx
            .charges(council.id, loan.id)
            .await?
            .into_iter()
            .map(|c| format!("{} on {} (clause {})", c.amount, c.raised_on, c.clause))
            .collect();
        loans.push(LoanEntry {
            asset_tag: item
                .as_ref()
                .map(|i| i.asset_tag.to_string())
                .unwrap_or_default(),
            kind: item
                .as_ref()
                .map(|i| i.kind.as_str().replace('_', " "))
                .unwrap_or_default(),
            model: item.as_ref().map(|i| i.model.clone()).unwrap_or_default(),
            serial: item.and_then(|i| i.serial),
            issued_on: loan.issued_on,
            due_on: loan.due_on,
            recall_by: loan.recall_by,
            leaving_by: loan.leaving_by,
            returned_on: loan.returned_on,
            charges,
        });
    }

    let versions = tx.pack_versions(council.id).await?;
    let acceptances = tx
        .acceptances(council.id, person.id)
        .await?
        .into_iter()
        .map(|a| AcceptanceEntry {
            signed_on: a.signed_on,
            method: a.method.as_str().replace('_', " "),
            policy_version: versions
                .iter()
                .find(|v| v.id == a.pack_version_id)
                .map(|v| v.number),
            typed_name: a.typed_name,
            recorded_by: a.recorded_by.as_deref().map(|by| r.actor(by)),
        })
        .collect();

    let mut requests = Vec::new();
    for q in tx.requests(council.id).await? {
        if q.requester_id != Some(person.id) {
            continue;
        }
        let comments = tx
            .request_events(council.id, q.id)
            .await?
            .into_iter()
            .map(|e| Comment {
                at: e.at,
                by: r.actor(&e.actor),
                text: r.text_by(&e.actor, &e.text),
            })
            .collect();
        requests.push(RequestEntry {
            id: q.id,
            kind: q.kind.as_str().replace('_', " "),
            summary: r.scrub(&q.summary),
            state: q.state.words().to_string(),
            handled_by: q.handler_name,
            raised_at: q.created_at,
            closed_at: q.closed_at,
            outcome: q.outcome.as_deref().map(|o| r.scrub(o)),
            comments,
        });
    }

    let mut cases = Vec::new();
    let mut cases_withheld = 0;
    for c in tx.cases(council.id).await? {
        let role = if c.subject_id == Some(person.id) {
            "subject"
        } else if c.reporter_id == Some(person.id) {
            "reporter"
        } else {
            continue;
        };
        if !principal.may_see_case(&c) {
            cases_withheld += 1;
            continue;
        }
        let other = if role == "subject" {
            c.reporter_id
        } else {
            c.subject_id
        };
        let notes = tx
            .case_notes(council.id, c.id)
            .await?
            .into_iter()
            .map(|n| Comment {
                at: n.at,
                by: r.actor(&n.actor),
                text: r.text_by(&n.actor, &n.text),
            })
            .collect();
        cases.push(CaseEntry {
            id: c.id,
            role: role.into(),
            summary: r.scrub(&c.summary),
            details: r.scrub(&c.details),
            state: c.state.words().into(),
            opened_at: c.created_at,
            closed_at: c.closed_at,
            outcome: c.outcome.map(|o| format!("{o:?}")),
            outcome_note: c.outcome_note.as_deref().map(|o| r.scrub(o)),
            other_party: other.map(|_| REDACTED.to_string()),
            notes,
        });
    }

    let phone_statements = tx
        .phone_statements(council.id)
        .await?
        .into_iter()
        .filter(|s| s.person_id == person.id)
        .map(|s| StatementEntry {
            id: s.id,
            issued_on: s.issued_on,
            amount: s.amount.to_string(),
            clause: format!("{}, {}", s.clause, s.document),
        })
        .collect();

    let filter = MessageFilter {
        person_id: Some(person.id),
        ..MessageFilter::default()
    };
    let notices = tx
        .messages(council.id, &filter)
        .await?
        .into_iter()
        .map(|m| NoticeEntry {
            subject: r.scrub(&m.subject),
            state: m.state.label().to_string(),
            queued_at: m.created_at,
            sent_at: m.sent_at,
            address: m.address,
        })
        .collect();

    let mut information_requests = Vec::new();
    for q in tx.info_requests(council.id).await? {
        if q.subject_id == Some(person.id) {
            information_requests.push(InformationEntry {
                reference: q.reference.clone(),
                role: "subject".into(),
                received_on: q.received_on,
                closed_on: q.closed_on,
            });
        }
    }
    for h in tx.info_helpers_of_person(council.id, person.id).await? {
        if let Some(q) = tx.info_request(council.id, h.request_id).await? {
            information_requests.push(InformationEntry {
                reference: q.reference,
                role: "asked to help".into(),
                received_on: h.asked_on,
                closed_on: h.answered_on,
            });
        }
    }

    let web_names = tx
        .proxy_users(council.id)
        .await?
        .into_iter()
        .filter(|u| u.person_id == person.id)
        .map(|u| u.username)
        .collect();
    let findings = FindingFilter {
        person_id: Some(person.id),
        ..FindingFilter::default()
    };
    let web_findings = tx
        .web_findings(council.id, &findings)
        .await?
        .into_iter()
        .map(|f| WebFindingEntry {
            day: f.day,
            category: f.category,
            visits: f.visits,
            first_seen: f.first_seen,
            last_seen: f.last_seen,
            samples: f.samples,
        })
        .collect();

    let mail_forwards = super::devices_mail::forwards(tx, council, &person).await?;
    let mail_sent = super::devices_mail::mail_sent(tx, council, &person).await?;

    let filter = AuditFilter {
        entity: Some("person".into()),
        entity_id: Some(person.reference.to_string()),
        ..AuditFilter::default()
    };
    let audit = tx
        .audit_records(council.id, &filter)
        .await?
        .into_iter()
        .map(|a| AuditEntry {
            seq: a.seq,
            at: a.at,
            action: a.action,
            by: r.actor(&a.actor),
        })
        .collect();

    Ok(SubjectAccessDocument {
        council: council.name.clone(),
        produced_on: ctx.today,
        terms: tx.terms(council.id, person.id).await?,
        person,
        offices,
        loans,
        acceptances,
        requests,
        cases,
        cases_withheld,
        phone_statements,
        notices,
        information_requests,
        web_names,
        web_findings,
        device_checks,
        mail_forwards,
        mail_sent,
        audit,
        redaction: format!(
            "Other people's names, and what they wrote, are shown as \"{REDACTED}\"; the office \
             they acted in is kept where the register knows it. Their names are also taken out \
             of free text, but a name written another way is not: read the document before \
             sending it."
        ),
    })
}

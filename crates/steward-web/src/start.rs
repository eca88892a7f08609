//! The start page officers, administrators and auditors land on: how much of the day's work is
//! waiting, each figure a link to the list it counts.

use crate::back_office::{base, office_page};
use crate::session::Reading;
use crate::{AppState, WebError};
use axum::extract::State;
use axum::response::Html;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;
use steward_domain::ops::due;
use steward_domain::ops::due::repo::DueTx;
use steward_domain::ops::start::{self, RequestScope, StartCounts};
use steward_policy::long_date;

/// One figure and where its list is.
#[derive(Serialize)]
struct Line {
    label: &'static str,
    figure: String,
    /// Read after the figure by screen readers, so the link says what it counts.
    hidden: String,
    href: String,
    tag: Option<&'static str>,
}

/// Figures under one heading.
#[derive(Serialize)]
struct Card {
    title: &'static str,
    lines: Vec<Line>,
}

fn count(label: &'static str, n: u64, noun: &str, href: String) -> Line {
    Line {
        label,
        figure: n.to_string(),
        hidden: format!(" {noun}"),
        href,
        tag: None,
    }
}

fn requests_card(b: &str, c: &StartCounts) -> Card {
    let (label, noun) = match c.request_scope {
        RequestScope::TheirOffices => ("Open for your offices", "open requests for your offices"),
        RequestScope::All => ("Open", "open requests"),
    };
    let mut lines = vec![
        count(label, c.requests_open, noun, format!("{b}/requests")),
        count(
            "Past their response time",
            c.requests_late,
            "late requests",
            format!("{b}/requests?late=yes"),
        ),
    ];
    if let Some(n) = c.requests_assigned {
        let href = format!("{b}/requests?assigned=me");
        lines.push(count(
            "Assigned to you",
            n,
            "requests assigned to you",
            href,
        ));
    }
    Card {
        title: "Requests",
        lines,
    }
}

/// The policy's next review, tagged when it has passed.
fn review_line(b: &str, c: &StartCounts) -> Line {
    let (figure, hidden) = match &c.review {
        Some(r) => (
            format!("Due {}", long_date(r.date)),
            format!(" ({})", r.citation),
        ),
        None => ("No review date".to_string(), String::new()),
    };
    Line {
        label: "Policy review",
        figure,
        hidden,
        href: format!("{b}/policy"),
        tag: c.review_overdue.then_some("Overdue"),
    }
}

fn cards(b: &str, c: &StartCounts) -> Vec<Card> {
    let loans = vec![
        count(
            "Overdue returns",
            c.overdue_returns,
            "overdue returns",
            format!("{b}/loans?show=overdue"),
        ),
        count(
            "Due back this week",
            c.due_this_week,
            "loans due back this week",
            format!("{b}/loans?show=due-this-week"),
        ),
    ];
    let signatures = vec![count(
        "Not signed, or lapsed",
        c.signatures_outstanding,
        "people who must sign the policy",
        format!("{b}/signatures?show=outstanding"),
    )];
    let others = vec![
        count(
            "Open cases",
            c.cases_open,
            "open cases",
            format!("{b}/cases"),
        ),
        count(
            "Notifications that failed",
            c.notifications_failed,
            "notifications that failed",
            format!("{b}/notifications?state=failed"),
        ),
    ];
    let due = vec![
        count(
            "Everything due",
            c.due_total,
            "items due",
            format!("{b}/due"),
        ),
        review_line(b, c),
    ];
    vec![
        Card {
            title: "Loans",
            lines: loans,
        },
        Card {
            title: "Signatures",
            lines: signatures,
        },
        requests_card(b, c),
        Card {
            title: "Cases and notifications",
            lines: others,
        },
        Card {
            title: "What is due",
            lines: due,
        },
    ]
}

pub async fn page(
    State(state): State<AppState>,
    Reading { signed, mut tx }: Reading,
) -> Result<Html<String>, WebError> {
    signed.principal.reader()?;
    let council = &signed.council;
    // The kept report's key, the counts of work and the getting-started list, read from one
    // snapshot in the transaction the visitor was read in.
    let set = due::current(&mut tx, &state.due, council, signed.today).await?;
    let scope = start::scope(&signed.principal, signed.now);
    let work = tx
        .work_counts(council.id, &scope)
        .await
        .map_err(steward_domain::DomainError::from)?;
    let pending = crate::setup::pending_for(&mut tx, &signed).await?;
    drop(tx);
    let counts = start::figures(&set, work, &signed.principal);
    let b = base(&signed);
    let page = office_page("Today's work", &signed, "start");
    let html = state.pages.render(
        "pages/start.html",
        &page,
        context! {
            as_of => counts.as_of.to_string(),
            read_only => signed.principal.officer().is_err(),
            cards => Serde(cards(&b, &counts)),
            getting_started => pending.map(|p| context! { done => p.done, total => p.tasks.len() }),
        },
    )?;
    Ok(Html(html))
}

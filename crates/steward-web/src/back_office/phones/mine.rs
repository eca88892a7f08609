//! The holder's own phone bills: their items month by month, ticked as personal and saved, with
//! the totals worked out on the server after each save. Only the holder's own items are shown.

use super::super::error;
use crate::pages::{FieldError, Page, sentence};
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use steward_domain::auth::MemberAccess;
use steward_domain::ops::policy;
use steward_domain::phones::views::{self, MyBill, duration_text, total};
use steward_domain::phones::{BillPeriod, marking};
use steward_domain::{DomainError, Id, Person, RegisterTx};
use steward_policy::long_date;
use steward_policy::phones::{CallsRule, calls_rule};
use steward_store::StoreTx;

async fn person(tx: &mut StoreTx, access: &MemberAccess) -> Result<Person, WebError> {
    tx.person(access.council_id, access.person_id)
        .await
        .map_err(DomainError::from)?
        .filter(|p| p.council_id == access.council_id)
        .ok_or_else(WebError::not_found)
}

/// What the policy in force says about personal calls, in words for the holder.
#[derive(Serialize)]
struct RuleView {
    /// `reimburse`, `own_time_only` or `silent`.
    rule: &'static str,
    clause: Option<String>,
}

async fn rule(tx: &mut StoreTx, signed: &SignedIn) -> Result<RuleView, WebError> {
    let active = policy::in_force(tx, &signed.council, signed.today).await?;
    Ok(match active.as_ref().map(|a| calls_rule(&a.pack)) {
        Some(CallsRule::Reimburse { citation }) => RuleView {
            rule: "reimburse",
            clause: Some(citation.to_string()),
        },
        Some(CallsRule::OwnTimeOnly { citation }) => RuleView {
            rule: "own_time_only",
            clause: Some(citation.to_string()),
        },
        Some(CallsRule::Silent) | None => RuleView {
            rule: "silent",
            clause: None,
        },
    })
}

/// Where a bill stands for its holder, in a sentence.
fn standing(b: &MyBill) -> String {
    match &b.statement {
        None => "Open: you can mark personal calls".into(),
        Some(s) if s.paid_in_full() => format!("Statement {}: paid in full", s.statement.id),
        Some(s) => format!(
            "Statement {}: {} owed, {} still to pay",
            s.statement.id, s.statement.amount, s.outstanding
        ),
    }
}

#[derive(Serialize)]
struct MonthRow {
    period: String,
    month: String,
    phones: String,
    items: usize,
    personal: String,
    standing: String,
}

/// "Your phone calls": each month with items of the holder's, and where each bill stands.
pub async fn bills(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, WebError> {
    let access = signed.principal.member()?;
    let mut tx = state.store.begin().await?;
    let me = person(&mut tx, &access).await?;
    let rule = rule(&mut tx, &signed).await?;
    let mine = views::mine(&mut tx, &signed.council, me.id).await?;
    drop(tx);
    let mut months: Vec<MonthRow> = Vec::new();
    for b in &mine {
        let personal = format!("{} ({})", b.personal_items, b.personal_cost);
        match months.iter_mut().find(|m| m.period == b.period.to_string()) {
            Some(m) => {
                m.phones.push_str(&format!(", {}", b.asset_tag));
                m.items += b.calls.len();
                m.personal.push_str(&format!("; {personal}"));
                m.standing.push_str(&format!("; {}", standing(b)));
            }
            None => months.push(MonthRow {
                period: b.period.to_string(),
                month: b.period.label(),
                phones: b.asset_tag.to_string(),
                items: b.calls.len(),
                personal,
                standing: standing(b),
            }),
        }
    }
    let page = Page::new("Your phone calls")
        .council(&signed.council)
        .viewer(&signed)
        .nav("my-phone");
    Ok(Html(state.pages.render(
        "pages/my_phone.html",
        &page,
        context! {
            name => me.name,
            rule => Serde(&rule),
            months => Serde(&months),
        },
    )?))
}

#[derive(Serialize)]
struct CallRow {
    id: Id,
    date: String,
    time: String,
    called: String,
    description: String,
    length: String,
    cost: String,
    personal: bool,
}

#[derive(Serialize)]
struct BillSection {
    bill_id: Id,
    asset_tag: String,
    number: String,
    open: bool,
    calls: Vec<CallRow>,
    items: usize,
    cost: String,
    personal_items: usize,
    personal_cost: String,
    standing: String,
}

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

async fn render_period(
    state: &AppState,
    signed: &SignedIn,
    raw: &str,
    done: Option<&str>,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let access = signed.principal.member()?;
    let period: BillPeriod = raw.parse().map_err(|_| WebError::not_found())?;
    let mut tx = state.store.begin().await?;
    let me = person(&mut tx, &access).await?;
    let rule = rule(&mut tx, signed).await?;
    let mine: Vec<MyBill> = views::mine(&mut tx, &signed.council, me.id)
        .await?
        .into_iter()
        .filter(|b| b.period == period)
        .collect();
    drop(tx);
    let sections: Vec<BillSection> = mine
        .iter()
        .map(|b| BillSection {
            bill_id: b.bill_id,
            asset_tag: b.asset_tag.to_string(),
            number: b.readable.clone(),
            open: b.open(),
            calls: b
                .calls
                .iter()
                .map(|c| CallRow {
                    id: c.id,
                    date: long_date(c.called_on),
                    time: c
                        .called_at
                        .map(|t| t.format("%H:%M").to_string())
                        .unwrap_or_default(),
                    called: c.called.clone().unwrap_or_default(),
                    description: c.description.clone().unwrap_or_default(),
                    length: c.duration_seconds.map(duration_text).unwrap_or_default(),
                    cost: c.cost.to_string(),
                    personal: c.personal,
                })
                .collect(),
            items: b.calls.len(),
            cost: b.cost.to_string(),
            personal_items: b.personal_items,
            personal_cost: b.personal_cost.to_string(),
            standing: standing(b),
        })
        .collect();
    let personal_total = total(mine.iter().map(|b| &b.personal_cost)).to_string();
    let can_mark = rule.rule == "reimburse" && mine.iter().any(MyBill::open);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = format!("Your phone calls in {}", period.label());
    let mut page = Page::new(&title)
        .council(&signed.council)
        .viewer(signed)
        .nav("my-phone");
    page.errors = errors;
    let html = state.pages.render(
        "pages/my_phone_period.html",
        &page,
        context! {
            period => period.to_string(),
            month => period.label(),
            rule => Serde(&rule),
            sections => Serde(&sections),
            personal_items => mine.iter().map(|b| b.personal_items).sum::<usize>(),
            personal_total,
            can_mark,
            done,
            csrf_token => &signed.session.csrf_token,
        },
    )?;
    Ok((status, Html(html)).into_response())
}

pub async fn period(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    render_period(&state, &signed, &raw, done.done.as_deref(), Vec::new()).await
}

/// Saves the ticks: on every open bill of the month, the ticked items become personal and the
/// rest business, in one transaction.
pub async fn mark(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let access = signed.principal.member()?;
    let period: BillPeriod = raw.parse().map_err(|_| WebError::not_found())?;
    let mut ticked = BTreeSet::new();
    for (key, value) in &pairs {
        if key == "personal" {
            match value.parse::<Id>() {
                Ok(id) => ticked.insert(id),
                Err(_) => return Err(WebError::bad_request("the form could not be read")),
            };
        }
    }
    let mut tx = state.store.begin().await?;
    let me = person(&mut tx, &access).await?;
    let open: Vec<MyBill> = views::mine(&mut tx, &signed.council, me.id)
        .await?
        .into_iter()
        .filter(|b| b.period == period && b.open())
        .collect();
    let known: BTreeSet<Id> = open
        .iter()
        .flat_map(|b| b.calls.iter().map(|c| c.id))
        .collect();
    let mut errors = Vec::new();
    if !ticked.is_subset(&known) {
        errors.push(error(
            "calls",
            "One of the calls ticked is no longer open for marking; check the list and save again",
        ));
    }
    let ctx = signed.ctx();
    for bill in &open {
        if !errors.is_empty() {
            break;
        }
        let chosen: BTreeSet<Id> = bill
            .calls
            .iter()
            .map(|c| c.id)
            .filter(|id| ticked.contains(id))
            .collect();
        let done = marking::mark(&mut tx, &ctx, &signed.council, me.id, bill.bill_id, &chosen);
        match done.await {
            Ok(_) => {}
            Err(DomainError::Refused { refusals, .. }) => {
                for r in refusals {
                    errors.push(error("calls", sentence(&r.to_string())));
                }
            }
            Err(DomainError::Conflict { message, .. }) => {
                errors.push(error("calls", sentence(&message)));
            }
            Err(e) => return Err(e.into()),
        }
    }
    if !errors.is_empty() {
        drop(tx);
        return render_period(&state, &signed, &raw, None, errors).await;
    }
    tx.commit().await?;
    let to = format!(
        "/councils/{}/me/phone/{period}?done=saved",
        signed.council.slug
    );
    Ok(Redirect::to(&to).into_response())
}

//! Statements of what holders owe for personal calls: the list (what is still owed, or all),
//! one statement with its payments, and recording a payment.

use super::super::{base, error, form_errors, may_change, office_page, optional_date};
use crate::listing::{
    Column, EXPORT_BATCH, ListQuery, Listing, Row, column, csv_of_all, plain_column,
};
use crate::pages::{FieldError, by_field};
use crate::session::Reading;
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::listing::Window;
use steward_domain::phones::lists::{self, StatementFilter, StatementQuery};
use steward_domain::phones::statements::{self, Payment};
use steward_domain::phones::views::{self, StatementView};
use steward_domain::{Id, Pence};
use steward_policy::long_date;

const COLUMNS: &[Column] = &[
    plain_column("statement", "Statement"),
    plain_column("person", "Person"),
    plain_column("month", "Bill"),
    column("owed", "Owed"),
    plain_column("paid", "Paid"),
    plain_column("outstanding", "Still owed"),
    column("issued", "Issued"),
    plain_column("clause", "Policy clause"),
];

#[derive(Deserialize)]
pub struct StatementParams {
    #[serde(default)]
    show: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

fn row(b: &str, s: &StatementView) -> Row {
    Row::new(vec![
        format!("Statement {}", s.statement.id),
        format!("{} ({})", s.person_name, s.person),
        format!("{}, {} ({})", s.period.label(), s.asset_tag, s.readable),
        s.statement.amount.to_string(),
        s.paid.to_string(),
        s.outstanding.to_string(),
        long_date(s.statement.issued_on),
        s.citation.to_string(),
    ])
    .link(format!("{b}/phone-statements/{}", s.statement.id))
}

pub async fn list(
    State(state): State<AppState>,
    Reading {
        signed,
        tx: page_tx,
    }: Reading,
    Query(params): Query<StatementParams>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let all = params.show.as_deref() == Some("all");
    let query: StatementQuery = params.list.to_query(StatementFilter { outstanding: !all });
    let (b, council) = (base(&signed), &signed.council);
    if params.list.wants_csv() {
        // The export reads in batches of its own.
        drop(page_tx);
        return csv_of_all("phone-statements", COLUMNS, |cursor| {
            let mut batch = query.clone();
            batch.window = Window::at(EXPORT_BATCH, cursor);
            let (state, b) = (state.clone(), b.clone());
            async move {
                let mut tx = state.store.read().await?;
                let page = lists::statements(&mut tx, council, &batch).await?;
                Ok(page.map(|s| row(&b, &s)))
            }
        })
        .await;
    }
    let mut tx = page_tx;
    let page = lists::statements(&mut tx, council, &query).await?;
    let owed = lists::owed_in_all(&mut tx, council).await?;
    drop(tx);
    let action = format!("{b}/phone-statements");
    let show = if all { "all" } else { "" };
    let listing = Listing::paged(
        &action,
        &[("show", show)],
        COLUMNS,
        query.sort.as_str(),
        &params.list,
        page.map(|s| row(&b, &s)),
    );
    let page = office_page("Owed for personal calls", &signed, "phones");
    let html = state.pages.render(
        "pages/phone_statements.html",
        &page,
        context! {
            list => Serde(&listing),
            action,
            all,
            owed => owed.to_string(),
        },
    )?;
    Ok(Html(html).into_response())
}

/// The values the payment form shows again after an error.
#[derive(Default, Deserialize, Serialize)]
pub struct PayForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    paid_on: String,
    #[serde(default)]
    reference: String,
}

#[derive(Serialize)]
struct PaymentRow {
    amount: String,
    paid_on: String,
    reference: Option<String>,
    recorded_by: String,
}

async fn render_statement(
    state: &AppState,
    signed: &SignedIn,
    raw: &str,
    done: Option<&str>,
    form: &PayForm,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let id: Id = raw.parse().map_err(|_| WebError::not_found())?;
    let mut tx = state.store.begin().await?;
    let found = views::find_statement(&mut tx, &signed.council, id).await?;
    let s = views::statement_view(&mut tx, found).await?;
    drop(tx);
    let payments: Vec<PaymentRow> = s
        .payments
        .iter()
        .map(|p| PaymentRow {
            amount: p.amount.to_string(),
            paid_on: long_date(p.paid_on),
            reference: p.reference.clone(),
            recorded_by: p.recorded_by.clone(),
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = format!("Statement {}", s.statement.id);
    let mut page = office_page(&title, signed, "phones");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/phone_statement.html",
        &page,
        context! {
            statement => context! {
                id => s.statement.id,
                person => s.person.to_string(),
                person_name => &s.person_name,
                month => s.period.label(),
                bill_id => s.statement.bill_id,
                asset_tag => s.asset_tag.to_string(),
                number => &s.readable,
                amount => s.statement.amount.to_string(),
                paid => s.paid.to_string(),
                outstanding => s.outstanding.to_string(),
                paid_in_full => s.paid_in_full(),
                issued_on => long_date(s.statement.issued_on),
                issued_by => &s.statement.issued_by,
                clause => s.citation.to_string(),
            },
            payments => Serde(&payments),
            done,
            form => Serde(form),
            field_errors,
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok((status, Html(html)).into_response())
}

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

pub async fn detail(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let form = PayForm::default();
    render_statement(
        &state,
        &signed,
        &raw,
        done.done.as_deref(),
        &form,
        Vec::new(),
    )
    .await
}

pub async fn pay(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<PayForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id: Id = raw.parse().map_err(|_| WebError::not_found())?;
    let mut errors = Vec::new();
    let amount = match form.amount.trim() {
        "" => {
            errors.push(error(
                "amount",
                "Enter the amount paid in pounds, for example 1.05",
            ));
            None
        }
        text => match Pence::parse_pounds(text) {
            Ok(p) => Some(p),
            Err(_) => {
                errors.push(error(
                    "amount",
                    "Enter the amount paid in pounds and pence, for example 1.05",
                ));
                None
            }
        },
    };
    let paid_on = optional_date(
        &mut errors,
        "paid_on",
        &form.paid_on,
        "the date it was paid",
    );
    let (Some(amount), true) = (amount, errors.is_empty()) else {
        return render_statement(&state, &signed, &raw, None, &form, errors).await;
    };
    let payment = Payment {
        amount,
        paid_on: paid_on.unwrap_or(signed.today),
        reference: Some(form.reference.clone()),
    };
    let mut tx = state.store.begin().await?;
    match statements::pay(&mut tx, &signed.ctx(), &signed.council, id, payment).await {
        Ok(_) => {
            tx.commit().await?;
            let to = format!("{}/phone-statements/{id}?done=paid", base(&signed));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            drop(tx);
            let errors = form_errors(e, &["amount", "paid_on", "reference"], "amount")?;
            render_statement(&state, &signed, &raw, None, &form, errors).await
        }
    }
}

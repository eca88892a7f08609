//! The loans list: open, overdue, due this week or all, searched by borrower or item, sorted
//! and paged in the database; overdue loans carry a tag.

use crate::back_office::{base, may_change, office_page};
use crate::listing::{EXPORT_BATCH, ListQuery, Listing, Row, column, csv_of_all, plain_column};
use crate::session::Reading;
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::listing::Window;
use steward_domain::ops::loans::list::{
    self as loans, LoanFilter, LoanListed, LoanQuery, LoanShow,
};
use steward_domain::{Loan, LoanStatus};
use steward_policy::long_date;

const COLUMNS: &[crate::listing::Column] = &[
    column("number", "Loan"),
    plain_column("person", "Person"),
    plain_column("item", "Item"),
    column("lent_on", "Lent on"),
    column("return_by", "Return by"),
    plain_column("clause", "Policy clause"),
    column("returned_on", "Ended"),
];

/// How a loan ended, in words; None while it is open. A loan ended by a loss or theft says
/// so, never "returned".
pub(crate) fn ended_words(loan: &Loan) -> Option<String> {
    let on = long_date(loan.returned_on?);
    Some(match loan.status(loan.returned_on?) {
        LoanStatus::Lost => format!("Lost, recorded {on}"),
        LoanStatus::Stolen => format!("Stolen, recorded {on}"),
        _ => format!("Returned {on}"),
    })
}

/// The choices of the `show` filter, with the caption of the list each gives.
fn shows() -> Vec<Show> {
    LoanShow::ALL
        .iter()
        .map(|s| Show {
            value: s.as_str(),
            text: match s {
                LoanShow::Open => "Open loans",
                LoanShow::Overdue => "Overdue loans",
                LoanShow::DueThisWeek => "Loans due back within 7 days",
                LoanShow::All => "All loans, including ended ones",
            },
        })
        .collect()
}

#[derive(Serialize)]
struct Show {
    value: &'static str,
    text: &'static str,
}

#[derive(Deserialize)]
pub struct LoanParams {
    #[serde(default)]
    show: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

fn row(b: &str, l: &LoanListed) -> Row {
    let by = l.return_by.as_ref();
    let row = Row::new(vec![
        format!("Loan {}", l.loan.id),
        format!("{} ({})", l.person_name, l.person),
        format!("{} ({})", l.asset_tag, l.kind.as_str().replace('_', " ")),
        long_date(l.loan.issued_on),
        by.map(|d| long_date(d.date))
            .unwrap_or_else(|| "No date set".into()),
        by.map(|d| d.citation.to_string()).unwrap_or_default(),
        ended_words(&l.loan).unwrap_or_default(),
    ])
    .link(format!("{b}/loans/{}", l.loan.id));
    if l.status == LoanStatus::Overdue {
        row.flag("Overdue")
    } else {
        row
    }
}

pub async fn list(
    State(state): State<AppState>,
    Reading {
        signed,
        tx: page_tx,
    }: Reading,
    Query(mut params): Query<LoanParams>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    // Newest first, unless the reader chose an order.
    if params.list.sort.is_none() && params.list.dir.is_none() {
        params.list.dir = Some("desc".into());
    }
    let show: LoanShow = params
        .show
        .as_deref()
        .and_then(|s| s.parse().ok())
        .unwrap_or_default();
    let filter = LoanFilter {
        show,
        ..Default::default()
    };
    let query: LoanQuery = params.list.to_query(filter);
    let b = base(&signed);
    let council = &signed.council;
    let today = signed.today;
    if params.list.wants_csv() {
        // The export reads in batches of its own.
        drop(page_tx);
        return csv_of_all("loans", COLUMNS, |cursor| {
            let mut batch = query.clone();
            batch.window = Window::at(EXPORT_BATCH, cursor);
            let (state, b) = (state.clone(), b.clone());
            async move {
                let mut tx = state.store.read().await?;
                let page = loans::list_kept(&mut tx, &state.counts, council, &batch, today).await?;
                Ok(page.map(|l| row(&b, &l)))
            }
        })
        .await;
    }
    let mut tx = page_tx;
    let page = loans::list_kept(&mut tx, &state.counts, council, &query, today).await?;
    drop(tx);
    let action = format!("{b}/loans");
    let shown = if show == LoanShow::Open {
        ""
    } else {
        show.as_str()
    };
    let listing = Listing::paged(
        &action,
        &[("show", shown)],
        COLUMNS,
        query.sort.as_str(),
        &params.list,
        page.map(|l| row(&b, &l)),
    );
    let choices = shows();
    let caption = choices
        .iter()
        .find(|c| c.value == show.as_str())
        .map_or("Loans", |c| c.text);
    let page = office_page("Loans", &signed, "loans");
    let html = state.pages.render(
        "pages/office_loans.html",
        &page,
        context! {
            list => Serde(&listing),
            action,
            show => show.as_str(),
            shows => Serde(&choices),
            caption,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok(Html(html).into_response())
}

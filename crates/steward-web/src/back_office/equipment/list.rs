//! The equipment list: searched, filtered, sorted and paged in the database, with who holds
//! each item.

use super::{Choice, choice, words};
use crate::back_office::{base, may_change, office_page};
use crate::listing::{EXPORT_BATCH, ListQuery, Listing, Row, column, csv_of_all, plain_column};
use crate::session::Reading;
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;
use steward_domain::listing::Window;
use steward_domain::ops::equipment::list::{
    self as items, EquipmentFilter, EquipmentListed, EquipmentQuery,
};
use steward_policy::{EquipmentKind, EquipmentState, long_date};

const COLUMNS: &[crate::listing::Column] = &[
    column("tag", "Asset tag"),
    column("kind", "Kind"),
    column("model", "Model"),
    column("state", "State"),
    plain_column("holder", "Held by"),
    plain_column("cost", "Cost"),
    column("purchased", "Purchased"),
    plain_column("pat", "PAT test"),
];

/// The equipment list's own filters, as the page's query gives them.
#[derive(Deserialize)]
pub struct EquipmentParams {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

fn row(b: &str, listed: &EquipmentListed) -> Row {
    let e = &listed.equipment;
    let day =
        |d: Option<chrono::NaiveDate>| d.map(long_date).unwrap_or_else(|| "Not recorded".into());
    Row::new(vec![
        e.asset_tag.to_string(),
        words(e.kind.as_str()),
        e.model.clone(),
        words(e.state.as_str()),
        listed
            .holder
            .as_ref()
            .map(|h| format!("{} ({})", h.name, h.reference))
            .unwrap_or_default(),
        e.replacement_cost.to_string(),
        day(e.purchased_on),
        day(e.pat_tested_on),
    ])
    .link(format!("{b}/equipment/{}", e.asset_tag))
}

pub async fn list(
    State(state): State<AppState>,
    Reading {
        signed,
        tx: page_tx,
    }: Reading,
    Query(params): Query<EquipmentParams>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let filter = EquipmentFilter {
        kind: params.kind.as_deref().and_then(|k| k.parse().ok()),
        state: params.state.as_deref().and_then(|s| s.parse().ok()),
    };
    let query: EquipmentQuery = params.list.to_query(filter);
    let b = base(&signed);
    let council = &signed.council;
    if params.list.wants_csv() {
        // The export reads in batches of its own.
        drop(page_tx);
        return csv_of_all("equipment", COLUMNS, |cursor| {
            let mut batch = query.clone();
            batch.window = Window::at(EXPORT_BATCH, cursor);
            let (state, b) = (state.clone(), b.clone());
            async move {
                let mut tx = state.store.read().await?;
                let page = items::list(&mut tx, council, &batch).await?;
                Ok(page.map(|e| row(&b, &e)))
            }
        })
        .await;
    }
    let mut tx = page_tx;
    let page = items::list_kept(&mut tx, &state.counts, council, &query, signed.today).await?;
    drop(tx);
    let action = format!("{b}/equipment");
    let kind = query.filter.kind.map(|k| k.as_str()).unwrap_or_default();
    let in_state = query.filter.state.map(|s| s.as_str()).unwrap_or_default();
    let listing = Listing::paged(
        &action,
        &[("kind", kind), ("state", in_state)],
        COLUMNS,
        query.sort.as_str(),
        &params.list,
        page.map(|e| row(&b, &e)),
    );
    let kinds: Vec<Choice> = EquipmentKind::ALL
        .iter()
        .map(|k| choice(k.as_str()))
        .collect();
    let states: Vec<Choice> = EquipmentState::ALL
        .iter()
        .map(|s| choice(s.as_str()))
        .collect();
    let page = office_page("Equipment", &signed, "equipment");
    let html = state.pages.render(
        "pages/office_equipment.html",
        &page,
        context! {
            list => Serde(&listing),
            action,
            kinds => Serde(&kinds),
            states => Serde(&states),
            kind,
            in_state,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok(Html(html).into_response())
}

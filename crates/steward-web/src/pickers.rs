//! Suggestions for the person and item pickers: the page's script asks as the officer types
//! and shows the labels; the form sends back the chosen label, which `ops::pick` reads. Without
//! the script the same fields take a reference, a tag or a name.

use crate::WebError;
use crate::routes::{Need, PageRoute, page};
use crate::session::Reading;
use axum::Json;
use axum::extract::Query;
use axum::http::Method;
use axum::routing::get;
use serde::Deserialize;
use steward_domain::ops::pick;

/// The longest text a picker sends; more is cut, not refused, as it is only a search.
const LONGEST: usize = 100;

pub fn pages() -> Vec<PageRoute> {
    vec![
        page(
            Method::GET,
            "/councils/{slug}/pick/people",
            Need::Reader,
            get(people),
        ),
        page(
            Method::GET,
            "/councils/{slug}/pick/equipment",
            Need::Reader,
            get(equipment),
        ),
    ]
}

#[derive(Deserialize)]
pub struct Typed {
    #[serde(default)]
    q: String,
}

fn typed(q: &str) -> &str {
    match q.char_indices().nth(LONGEST) {
        Some((at, _)) => &q[..at],
        None => q,
    }
}

pub async fn people(
    Reading { signed, mut tx }: Reading,
    Query(q): Query<Typed>,
) -> Result<Json<Vec<String>>, WebError> {
    signed.principal.reader()?;
    let found = pick::suggest_people(&mut tx, &signed.council, typed(&q.q), signed.today).await?;
    Ok(Json(found.iter().map(pick::person_label).collect()))
}

pub async fn equipment(
    Reading { signed, mut tx }: Reading,
    Query(q): Query<Typed>,
) -> Result<Json<Vec<String>>, WebError> {
    signed.principal.reader()?;
    let found = pick::suggest_items(&mut tx, &signed.council, typed(&q.q)).await?;
    Ok(Json(found.iter().map(pick::item_label).collect()))
}

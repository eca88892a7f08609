//! The policy: the version in force with every rule and its clause, every version adopted,
//! the text people sign, checking a pack (for any reader) and adopting one (administrators).

use super::{at, moment};
use crate::listing::{ListQuery, Listing, Row, column};
use crate::pages::{FieldError, Page};
use crate::session::Reading;
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError, markdown};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::{Deserialize, Serialize};
use steward_domain::PackVersion;
use steward_domain::ops::policy;
use steward_policy::{CheckError, LoadedPack, Pack, Problem, check_pack, explain, long_date};

/// `?version=N` picks a version; without it, the one in force today.
#[derive(Deserialize)]
pub struct VersionQuery {
    version: Option<String>,
    adopted: Option<String>,
}

impl VersionQuery {
    fn number(&self) -> Result<Option<i64>, WebError> {
        match self.version.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|_| WebError::bad_request("The version must be a whole number.")),
        }
    }
}

#[derive(Serialize)]
struct VersionRow {
    number: i64,
    title: String,
    label: String,
    effective_from: String,
    adopted_by: String,
    adopted_at: String,
    in_force: bool,
}

fn version_row(v: &PackVersion, in_force: Option<i64>) -> VersionRow {
    VersionRow {
        number: v.number,
        title: v.title.clone(),
        label: v.label.clone(),
        effective_from: v.effective_from.to_string(),
        adopted_by: actor_words(&v.adopted_by),
        adopted_at: moment(&v.adopted_at),
        in_force: in_force == Some(v.number),
    }
}

/// Who adopted a version, as people read it: the account's name, or where it came from.
fn actor_words(actor: &str) -> String {
    match actor {
        "cli" => "From the command line".into(),
        other => match other.strip_suffix(" (API)") {
            Some(user) => format!("{user}, through the API"),
            None => other.to_string(),
        },
    }
}

/// A version's pack (`?version=N`, else the one in force) as the TOML file it was adopted
/// from, to edit and adopt as a new version.
pub async fn download(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(q): Query<VersionQuery>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let (version, _) = chosen(&state, &signed, &q).await?;
    let version = version.ok_or_else(WebError::not_found)?;
    let name = format!(
        "{}-policy-version-{}.toml",
        signed.council.slug, version.number
    );
    let disposition = HeaderValue::try_from(format!("attachment; filename=\"{name}\""))
        .map_err(|_| WebError::internal("a file name was not a header value"))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/toml; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        version.source,
    )
        .into_response())
}

#[derive(Serialize)]
struct RuleRow {
    topic: &'static str,
    text: String,
    clause: String,
}

fn rule_rows(pack: &Pack) -> Vec<RuleRow> {
    explain::rules(pack)
        .into_iter()
        .map(|r| RuleRow {
            topic: r.topic,
            text: r.text,
            clause: r.citation.to_string(),
        })
        .collect()
}

/// The version asked for, or the one in force; with the number of the one in force.
async fn chosen(
    state: &AppState,
    signed: &SignedIn,
    q: &VersionQuery,
) -> Result<(Option<PackVersion>, Option<i64>), WebError> {
    let asked = q.number()?;
    let mut tx = state.store.read().await?;
    let active = policy::in_force(&mut tx, &signed.council, signed.today).await?;
    let in_force = active.as_ref().map(|a| a.version.number);
    let version = match asked {
        Some(n) => Some(policy::version(&mut tx, &signed.council, n).await?),
        None => active.map(|a| a.version),
    };
    Ok((version, in_force))
}

/// The policy in force (or `?version=N`), with every rule and its clause.
pub async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(q): Query<VersionQuery>,
) -> Result<Html<String>, WebError> {
    signed.principal.reader()?;
    let (version, in_force) = chosen(&state, &signed, &q).await?;
    let (summary, rules) = match &version {
        Some(v) => (
            Some(version_row(v, in_force)),
            rule_rows(&*policy::parse_version(v)?),
        ),
        None => (None, Vec::new()),
    };
    let page = Page::new("Policy")
        .council(&signed.council)
        .viewer(&signed)
        .nav("oversight-policy");
    Ok(Html(state.pages.render(
        "pages/oversight_policy.html",
        &page,
        context! {
            version => summary.as_ref().map(Serde),
            rules => Serde(&rules),
            admin => signed.principal.admin().is_ok(),
        },
    )?))
}

/// Every version the council has adopted, newest first.
const VERSION_COLUMNS: &[crate::listing::Column] = &[
    column("version", "Version"),
    column("title", "Title"),
    column("label", "Label"),
    column("from", "In force from"),
    column("adopted_by", "Adopted by"),
    column("adopted_at", "Adopted"),
];

/// Every version adopted, newest first by default, searchable and as CSV.
pub async fn versions(
    State(state): State<AppState>,
    Reading { signed, mut tx }: Reading,
    Query(q): Query<VersionQuery>,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let active = policy::in_force(&mut tx, &signed.council, signed.today).await?;
    let in_force = active.as_ref().map(|a| a.version.number);
    let rows: Vec<Row> = policy::versions(&mut tx, &signed.council)
        .await?
        .iter()
        .map(|v| {
            let number = if in_force == Some(v.number) {
                format!("Version {} (in force)", v.number)
            } else {
                format!("Version {}", v.number)
            };
            Row::new(vec![
                number,
                v.title.clone(),
                v.label.clone(),
                long_date(v.effective_from),
                actor_words(&v.adopted_by),
                moment(&v.adopted_at),
            ])
            .key(0, format!("{:012}", v.number))
            .key(3, v.effective_from.to_string())
            .key(5, v.adopted_at.to_rfc3339())
            .link(at(
                &signed.council,
                &format!("/policy?version={}", v.number),
            ))
        })
        .collect();
    let action = at(&signed.council, "/policy/versions");
    // Newest first unless the reader sorts otherwise.
    let query = ListQuery {
        dir: query
            .dir
            .clone()
            .or_else(|| query.sort.is_none().then(|| "desc".into())),
        ..query
    };
    let listing = Listing::new(&action, &[], VERSION_COLUMNS, "version", &query, rows);
    if query.wants_csv() {
        return listing.csv("policy-versions");
    }
    let adopted = q.adopted.as_deref().and_then(|n| n.parse::<i64>().ok());
    let page = Page::new("Policy versions")
        .council(&signed.council)
        .viewer(&signed)
        .nav("oversight-policy");
    Ok(Html(state.pages.render(
        "pages/oversight_versions.html",
        &page,
        context! { list => Serde(&listing), action, adopted },
    )?)
    .into_response())
}

/// The text people sign, for the version in force or `?version=N`.
pub async fn text(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(q): Query<VersionQuery>,
) -> Result<Html<String>, WebError> {
    signed.principal.reader()?;
    let (version, in_force) = chosen(&state, &signed, &q).await?;
    let body = version
        .as_ref()
        .filter(|v| !v.acceptance_text.trim().is_empty())
        .map(|v| Value::from_safe_string(markdown::to_html(&v.acceptance_text)));
    let page = Page::new("The text people sign")
        .council(&signed.council)
        .viewer(&signed)
        .nav("oversight-policy");
    Ok(Html(state.pages.render(
        "pages/oversight_text.html",
        &page,
        context! {
            version => version.as_ref().map(|v| Serde(version_row(v, in_force))),
            body,
        },
    )?))
}

/// Every problem of a pack as the error summary lists them, in order: "line:column: message",
/// and, where the pasted `source` is given, the line itself as written, so the reader sees
/// what to correct without counting lines.
pub(crate) fn problem_errors(
    field: &'static str,
    error: &CheckError,
    source: Option<&str>,
) -> Vec<FieldError> {
    let mut problems: Vec<&Problem> = error.problems.iter().collect();
    problems.sort_by_key(|p| (p.line, p.column));
    problems
        .into_iter()
        .map(|p| {
            let line = source
                .and_then(|text| text.lines().nth(p.line.saturating_sub(1)))
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| {
                    let shown: String = l.chars().take(QUOTED_LINE_CHARS).collect();
                    let cut = if shown.len() < l.len() { "…" } else { "" };
                    format!(" (the line reads “{shown}{cut}”)")
                })
                .unwrap_or_default();
            FieldError {
                field,
                message: format!("{p}{line}"),
            }
        })
        .collect()
}

/// How much of an offending line an error quotes.
const QUOTED_LINE_CHARS: usize = 80;

/// What the field itself says when the summary lists the pack's problems.
pub(super) fn field_message(errors: &[FieldError], field: &str) -> Option<String> {
    let mine: Vec<&FieldError> = errors.iter().filter(|e| e.field == field).collect();
    match mine.as_slice() {
        [] => None,
        [one] => Some(one.message.clone()),
        many => Some(format!(
            "The pack has {} problems, listed at the top of the page",
            many.len()
        )),
    }
}

/// A pasted pack, checked. Packs pasted into the page cannot refer to other files.
pub(super) fn check_text(text: &str) -> Result<LoadedPack, CheckError> {
    check_pack("pasted text", text, &|name: &str| {
        Err(format!(
            "a pasted pack cannot refer to a file ({name}); put the text in acceptance.text"
        ))
    })
}

pub(super) const PACK_FIELD: &str = "pack_toml";

#[derive(Deserialize)]
pub struct CheckForm {
    #[serde(default)]
    pack_toml: String,
}

fn render_check(
    state: &AppState,
    signed: &SignedIn,
    errors: Vec<FieldError>,
    text: &str,
    passed: Option<&LoadedPack>,
) -> Result<Html<String>, WebError> {
    let mut page = Page::new("Check a policy pack")
        .council(&signed.council)
        .viewer(signed)
        .nav("oversight-policy");
    let pack_error = field_message(&errors, PACK_FIELD);
    page.errors = errors;
    let passed = passed.map(|loaded| {
        context! {
            title => &loaded.pack.pack.title,
            label => &loaded.pack.pack.version,
            rules => Serde(rule_rows(&loaded.pack)),
        }
    });
    Ok(Html(state.pages.render(
        "pages/oversight_check.html",
        &page,
        context! {
            pack_toml => text,
            pack_error,
            passed,
            csrf_token => &signed.session.csrf_token,
        },
    )?))
}

pub async fn check_page(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, WebError> {
    signed.principal.reader()?;
    render_check(&state, &signed, Vec::new(), "", None)
}

/// Checks pasted text and shows every problem; nothing is written.
pub async fn check(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<CheckForm>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    if form.pack_toml.trim().is_empty() {
        let errors = vec![FieldError {
            field: PACK_FIELD,
            message: "Paste the policy pack's TOML text".into(),
        }];
        let html = render_check(&state, &signed, errors, &form.pack_toml, None)?;
        return Ok((StatusCode::BAD_REQUEST, html).into_response());
    }
    match check_text(&form.pack_toml) {
        Ok(loaded) => {
            Ok(
                render_check(&state, &signed, Vec::new(), &form.pack_toml, Some(&loaded))?
                    .into_response(),
            )
        }
        Err(e) => {
            let errors = problem_errors(PACK_FIELD, &e, Some(&form.pack_toml));
            let html = render_check(&state, &signed, errors, &form.pack_toml, None)?;
            Ok((StatusCode::BAD_REQUEST, html).into_response())
        }
    }
}

//! People: the list, one person's record, and adding a person.

use super::{base, error, form_errors, may_change, office_page, optional_date, parsed};
use crate::listing::{EXPORT_BATCH, ListQuery, Listing, Row, column, csv_of_all, plain_column};
use crate::pages::{FieldError, by_field, sentence};
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
use steward_domain::ops::loans::list::{LoanFilter, LoanQuery, LoanShow};
use steward_domain::ops::people::list::{PeopleFilter, PeopleQuery, PersonListed};
use steward_domain::ops::{acceptance, loans, people, policy};
use steward_domain::repo::NewPerson;
use steward_domain::{DomainError, LoanStatus, PersonRef};
use steward_policy::decide::AcceptanceStatus;
use steward_policy::{OfficeId, PersonKind, long_date};

const COLUMNS: &[crate::listing::Column] = &[
    column("reference", "Reference"),
    column("name", "Name"),
    column("kind", "Kind"),
    plain_column("household", "Household"),
    plain_column("in_office", "In office today"),
];

fn kind_words(kind: PersonKind) -> String {
    kind.as_str().replace('_', " ")
}

/// The people list's own filters, as the page's query gives them.
#[derive(Deserialize)]
pub struct PeopleParams {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    serving: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

fn row(b: &str, p: &PersonListed) -> Row {
    Row::new(vec![
        p.person.reference.to_string(),
        p.person.name.clone(),
        kind_words(p.person.kind),
        p.person.household.clone().unwrap_or_default(),
        if p.in_office { "Yes" } else { "No" }.to_string(),
    ])
    .link(format!("{b}/people/{}", p.person.reference))
}

pub async fn list(
    State(state): State<AppState>,
    Reading {
        signed,
        tx: page_tx,
    }: Reading,
    Query(params): Query<PeopleParams>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let filter = PeopleFilter {
        kind: params.kind.as_deref().and_then(|k| k.parse().ok()),
        in_office: match params.serving.as_deref() {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        },
    };
    let query: PeopleQuery = params.list.to_query(filter);
    let b = base(&signed);
    let council = &signed.council;
    if params.list.wants_csv() {
        // The export reads in batches of its own.
        drop(page_tx);
        return csv_of_all("people", COLUMNS, |cursor| {
            let mut batch = query.clone();
            batch.window = Window::at(EXPORT_BATCH, cursor);
            let (state, b) = (state.clone(), b.clone());
            async move {
                let mut tx = state.store.read().await?;
                let page = people::list::list(&mut tx, council, &batch, signed.today).await?;
                Ok(page.map(|p| row(&b, &p)))
            }
        })
        .await;
    }
    let mut tx = page_tx;
    let page =
        people::list::list_kept(&mut tx, &state.counts, council, &query, signed.today).await?;
    drop(tx);
    let action = format!("{b}/people");
    let kind = params.kind.clone().unwrap_or_default();
    let serving = params.serving.clone().unwrap_or_default();
    let listing = Listing::paged(
        &action,
        &[("kind", &kind), ("serving", &serving)],
        COLUMNS,
        query.sort.as_str(),
        &params.list,
        page.map(|p| row(&b, &p)),
    );
    let kinds: Vec<(String, String)> = PersonKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                sentence(&kind_words(*k)).trim_end_matches('.').to_string(),
            )
        })
        .collect();
    let page = office_page("People", &signed, "people");
    let html = state.pages.render(
        "pages/office_people.html",
        &page,
        context! {
            list => Serde(&listing),
            action,
            kinds,
            kind,
            serving,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok(Html(html).into_response())
}

#[derive(Serialize)]
struct LoanLine {
    id: i64,
    asset_tag: String,
    issued_on: String,
    return_by: Option<String>,
    clause: Option<String>,
    /// How it ended ("Returned 3 May 2027", "Lost, recorded ..."), or none while open.
    ended: Option<String>,
    overdue: bool,
}

/// The most of a person's loans their page lists; the loans list has the rest.
const LOANS_SHOWN: u32 = 100;

/// The person's loans, oldest first, read with their items in one query.
async fn loan_lines(
    tx: &mut steward_store::StoreTx,
    signed: &SignedIn,
    person_id: i64,
) -> Result<(Vec<LoanLine>, bool), WebError> {
    let query = LoanQuery {
        filter: LoanFilter {
            show: LoanShow::All,
            person: Some(person_id),
            equipment: None,
        },
        window: Window::first(LOANS_SHOWN),
        ..Default::default()
    };
    let page = loans::list::list(tx, &signed.council, &query, signed.today).await?;
    let more = page.next.is_some();
    let lines = page
        .items
        .iter()
        .map(|v| LoanLine {
            id: v.loan.id,
            asset_tag: v.asset_tag.to_string(),
            issued_on: long_date(v.loan.issued_on),
            return_by: v.return_by.as_ref().map(|d| long_date(d.date)),
            clause: v.return_by.as_ref().map(|d| d.citation.to_string()),
            ended: super::loans::ended_words(&v.loan),
            overdue: v.status == LoanStatus::Overdue,
        })
        .collect();
    Ok((lines, more))
}

#[derive(Serialize)]
struct Period {
    what: String,
    from: String,
    to: Option<String>,
}

/// What the person's page says was just done.
#[derive(Deserialize)]
pub struct PersonParams {
    #[serde(default)]
    done: Option<String>,
}

pub async fn detail(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, reference)): Path<(String, String)>,
    Query(params): Query<PersonParams>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let reference: PersonRef = reference.parse().map_err(|_| WebError::not_found())?;
    let mut tx = state.store.begin().await?;
    let found = people::detail(&mut tx, &signed.council, &reference).await?;
    let active = policy::in_force(&mut tx, &signed.council, signed.today).await?;
    let (loan_lines, more_loans) = loan_lines(&mut tx, &signed, found.person.id).await?;
    let signature = match &active {
        Some(a) => Some(
            match acceptance::status_of(
                &mut tx,
                signed.council.id,
                a,
                found.person.id,
                signed.today,
            )
            .await?
            {
                AcceptanceStatus::NotRequired => {
                    "The policy in force asks no signature of them.".to_string()
                }
                AcceptanceStatus::Current {
                    signed_on,
                    until,
                    citation,
                } => match until {
                    Some(until) => format!(
                        "Signed on {}, good until {} ({citation}).",
                        long_date(signed_on),
                        long_date(until)
                    ),
                    None => format!("Signed on {} ({citation}).", long_date(signed_on)),
                },
                AcceptanceStatus::Lapsed { reason, citation } => format!(
                    "Their signature no longer counts: {} They need to sign again ({citation}).",
                    sentence(&reason)
                ),
                AcceptanceStatus::Missing { citation } => {
                    format!("Not signed. They need to sign the policy in force ({citation}).")
                }
            },
        ),
        None => None,
    };
    let in_term = found.terms.iter().any(|t| t.covers(signed.today));
    let terms: Vec<Period> = found
        .terms
        .iter()
        .map(|t| Period {
            what: t
                .end_reason
                .map(|r| format!("Ended: {}", r.as_str().replace('_', " ")))
                .unwrap_or_default(),
            from: long_date(t.starts),
            to: t.ends.map(long_date),
        })
        .collect();
    let offices: Vec<Period> = found
        .offices
        .iter()
        .map(|o| Period {
            what: o.office.0.replace('_', " "),
            from: long_date(o.starts),
            to: o.ends.map(long_date),
        })
        .collect();
    let p = &found.person;
    // The filter's names for someone are for officers, who keep them.
    let web_names: Option<Vec<String>> = if may_change(&signed.principal) {
        let mut tx = state.store.read().await?;
        let users =
            steward_domain::ops::network::identities::users_of(&mut tx, &signed.council, p.id)
                .await?;
        Some(users.into_iter().map(|u| u.username).collect())
    } else {
        None
    };
    let title = p.name.clone();
    let page = office_page(&title, &signed, "people");
    let html = state.pages.render(
        "pages/office_person.html",
        &page,
        context! {
            reference => p.reference.to_string(),
            name => &p.name,
            kind => sentence(&kind_words(p.kind)).trim_end_matches('.').to_string(),
            in_term,
            done => params.done.as_deref().and_then(|d| match d {
                "changed" => Some(format!("The details of {} have been changed.", p.name)),
                "term" => Some("The term has been added.".to_string()),
                _ => None,
            }),
            household => &p.household,
            email => &p.email,
            terms => Serde(&terms),
            offices => Serde(&offices),
            loans => Serde(&loan_lines),
            more_loans,
            signature,
            may_change => may_change(&signed.principal),
            web_names,
        },
    )?;
    Ok(Html(html).into_response())
}

#[derive(Default, Serialize)]
pub struct PersonForm {
    reference: String,
    name: String,
    kind: String,
    household: String,
    email: String,
    term_start: String,
    /// The office checkboxes ticked: a field that may be sent many times.
    offices: Vec<String>,
}

impl PersonForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> PersonForm {
        let mut form = PersonForm::default();
        for (key, value) in pairs {
            match key.as_str() {
                "reference" => form.reference = value,
                "name" => form.name = value,
                "kind" => form.kind = value,
                "household" => form.household = value,
                "email" => form.email = value,
                "term_start" => form.term_start = value,
                "offices" => form.offices.push(value),
                _ => {}
            }
        }
        form
    }
}

/// An office a person can be given under the policy in force: offices held by members or
/// officers, not bodies.
#[derive(Serialize)]
pub(super) struct OfficeChoice {
    pub value: String,
    pub text: String,
    holder: &'static str,
}

/// The register calls an office field `office`; the forms call theirs `offices`.
pub(super) fn office_field(e: DomainError) -> DomainError {
    match e {
        DomainError::Invalid { field, message } if field == "office" => DomainError::Invalid {
            field: "offices".into(),
            message,
        },
        other => other,
    }
}

pub(super) async fn office_choices(
    tx: &mut steward_store::StoreTx,
    signed: &SignedIn,
) -> Result<Vec<OfficeChoice>, WebError> {
    use steward_policy::model::OfficeHolder;
    let active = policy::in_force(tx, &signed.council, signed.today).await?;
    Ok(active
        .map(|a| {
            a.pack
                .offices
                .iter()
                .filter(|o| o.holder != OfficeHolder::Body)
                .map(|o| OfficeChoice {
                    value: o.id.to_string(),
                    text: o.name.clone(),
                    holder: if o.holder == OfficeHolder::Member {
                        "held by a member"
                    } else {
                        "held by an officer"
                    },
                })
                .collect()
        })
        .unwrap_or_default())
}

#[derive(Serialize)]
struct Choice {
    value: &'static str,
    text: String,
}

async fn render_new(
    state: &AppState,
    signed: &SignedIn,
    form: &PersonForm,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let kinds: Vec<Choice> = PersonKind::ALL
        .iter()
        .map(|k| Choice {
            value: k.as_str(),
            text: sentence(&kind_words(*k)).trim_end_matches('.').to_string(),
        })
        .collect();
    let mut tx = state.store.read().await?;
    let offices = office_choices(&mut tx, signed).await?;
    drop(tx);
    let mut page = office_page("Add a person", signed, "people");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/office_person_new.html",
        &page,
        context! {
            form => Serde(form),
            kinds => Serde(&kinds),
            offices => Serde(&offices),
            field_errors,
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok((status, Html(html)).into_response())
}

pub async fn new_form(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    render_new(&state, &signed, &PersonForm::default(), Vec::new()).await
}

pub async fn add(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let form = PersonForm::from_pairs(pairs);
    let mut errors = Vec::new();
    let mut offices = Vec::new();
    for o in &form.offices {
        if OfficeId::is_well_formed(o) {
            offices.push(OfficeId(o.clone()));
        } else {
            errors.push(error("offices", "Choose offices from the list"));
        }
    }
    let reference: Option<PersonRef> = parsed(
        &mut errors,
        "reference",
        &form.reference,
        "Enter a reference for the person, for example M12",
    );
    if form.name.trim().is_empty() {
        errors.push(error("name", "Enter the person's full name"));
    }
    let kind: Option<PersonKind> = parsed(
        &mut errors,
        "kind",
        &form.kind,
        "Choose what kind of person they are",
    );
    let term_start = optional_date(
        &mut errors,
        "term_start",
        &form.term_start,
        "the date their term or engagement started",
    );
    let (Some(reference), Some(kind), true) = (reference, kind, errors.is_empty()) else {
        return render_new(&state, &signed, &form, errors).await;
    };
    let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let req = people::AddPerson {
        person: NewPerson {
            reference: reference.clone(),
            name: form.name.trim().to_string(),
            kind,
            email: text(&form.email),
            household: text(&form.household),
        },
        term_start,
        term_end: None,
        offices,
    };
    let mut tx = state.store.begin().await?;
    match people::add(&mut tx, &signed.ctx(), &signed.council, req).await {
        Ok(_) => {
            tx.commit().await?;
            let to = format!("{}/people/{}", base(&signed), reference);
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            drop(tx);
            let fields = [
                "reference",
                "name",
                "kind",
                "household",
                "email",
                "term_start",
                "offices",
            ];
            let errors = form_errors(office_field(e), &fields, "reference")?;
            render_new(&state, &signed, &form, errors).await
        }
    }
}

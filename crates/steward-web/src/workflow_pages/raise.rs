//! Raising a request, in two steps: what kind (only the kinds the policy in force sends
//! somewhere, each with its office and clause), then the details that kind needs. Members
//! raise for themselves about what they hold; officers for anyone, or for the council.

use super::kinds::{self, DetailsForm, KindChoice, Subject};
use super::{moment, view};
use crate::back_office::{
    base, error, form_errors, may_change, office_page, parsed, pick_sources, picked_item,
    picked_person,
};
use crate::pages::{FieldError, Page, by_field, sentence};
use crate::session::Reading;
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::ops::{policy, requests};
use steward_domain::workflow::RequestKind;
use steward_domain::{AssetTag, DomainError, Person, PersonRef, RegisterTx};
use steward_policy::model::ReportKind;
use steward_store::StoreTx;

#[derive(Deserialize)]
pub struct KindQuery {
    #[serde(default)]
    kind: Option<String>,
    /// A website to fill in, from the web filter's block page.
    #[serde(default)]
    host: Option<String>,
    /// Sent by the kind step's own form, so that pressing Continue with nothing chosen is told
    /// apart from arriving at the page.
    #[serde(default)]
    step: Option<String>,
}

/// An item the member holds, for the item select.
#[derive(Serialize)]
struct ItemChoice {
    value: String,
    text: String,
}

/// Who the form is for: a member about their own items, or an officer for anyone.
enum Asker {
    Member { person: Person, items: Vec<Subject> },
    Officer,
}

impl Asker {
    fn kinds(&self, pack: &steward_policy::Pack) -> Vec<KindChoice> {
        match self {
            Asker::Member { person, items } => kinds::for_person(pack, person.kind, items),
            Asker::Officer => kinds::for_anyone(pack),
        }
    }

    fn why_not(&self, pack: &steward_policy::Pack, kind: ReportKind) -> String {
        match self {
            Asker::Member { person, items } => kinds::why_not(pack, kind, Some(person.kind), items),
            Asker::Officer => kinds::why_not(pack, kind, None, &[]),
        }
    }

    fn is_member(&self) -> bool {
        matches!(self, Asker::Member { .. })
    }
}

async fn member_asker(tx: &mut StoreTx, signed: &SignedIn) -> Result<Asker, WebError> {
    let access = signed.principal.member()?;
    let person = tx
        .person(access.council_id, access.person_id)
        .await
        .map_err(DomainError::from)?
        .filter(|p| p.council_id == signed.council.id)
        .ok_or_else(WebError::not_found)?;
    let mut items = Vec::new();
    for loan in tx
        .loans_of_person(signed.council.id, person.id)
        .await
        .map_err(DomainError::from)?
    {
        if !loan.is_open() {
            continue;
        }
        if let Some(item) = tx
            .equipment_by_id(signed.council.id, loan.equipment_id)
            .await
            .map_err(DomainError::from)?
        {
            items.push(Subject {
                label: item.asset_tag.to_string(),
                kind: item.kind,
            });
        }
    }
    items.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(Asker::Member { person, items })
}

/// What the page draws: the kind step or the details step.
struct Draw<'a> {
    chosen: Option<ReportKind>,
    form: &'a DetailsForm,
    errors: Vec<FieldError>,
}

async fn render(
    state: &AppState,
    signed: &SignedIn,
    asker: &Asker,
    draw: Draw<'_>,
) -> Result<Response, WebError> {
    let mut tx = state.store.read().await?;
    let active = policy::in_force(&mut tx, &signed.council, signed.today).await?;
    drop(tx);
    let b = base(signed);
    let (path, title, nav) = if asker.is_member() {
        (
            format!("{b}/me/requests/new"),
            "Report a problem or ask for something",
            "my-requests",
        )
    } else {
        (
            format!("{b}/requests/new"),
            "Raise a request for someone",
            "requests",
        )
    };
    let kinds = active
        .as_ref()
        .map(|a| asker.kinds(&a.pack))
        .unwrap_or_default();
    let chosen = draw.chosen.and_then(|k| {
        let value = RequestKind::Report(k).as_str();
        kinds.iter().find(|c| c.value == value).map(|c| {
            context! {
                value => c.value,
                title => c.title,
                hint => &c.hint,
                needs_item => requests::needs_item(k),
                summary_label => kinds::summary_label(k),
                duties => Serde(active.as_ref().map(|a| kinds::exception_duties(&a.pack)).unwrap_or_default()),
            }
        })
    });
    let items: Vec<ItemChoice> = match asker {
        Asker::Member { items, .. } => items
            .iter()
            .map(|i| ItemChoice {
                value: i.label.clone(),
                text: format!("{} ({})", i.label, i.kind.as_str().replace('_', " ")),
            })
            .collect(),
        Asker::Officer => Vec::new(),
    };
    let status = if draw.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut page = if asker.is_member() {
        Page::new(title)
            .council(&signed.council)
            .viewer(signed)
            .nav(nav)
    } else {
        office_page(title, signed, nav)
    };
    page.errors = draw.errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/request_new.html",
        &page,
        context! {
            heading => title,
            action => path,
            member => asker.is_member(),
            policy => active.is_some(),
            kinds => Serde(&kinds),
            chosen,
            items => Serde(&items),
            form => Serde(draw.form),
            field_errors,
            people_source => pick_sources(signed).0,
            equipment_source => pick_sources(signed).1,
            csrf_token => &signed.session.csrf_token,
            may_change => asker.is_member() || may_change(&signed.principal),
        },
    )?;
    Ok((status, Html(html)).into_response())
}

/// The kind asked for in the address or the form: a kind the policy sends somewhere, or the
/// reason it does not, shown against the kind radios.
async fn chosen_kind(
    state: &AppState,
    signed: &SignedIn,
    asker: &Asker,
    text: &str,
) -> Result<Result<ReportKind, FieldError>, WebError> {
    let Ok(RequestKind::Report(kind)) = text.parse::<RequestKind>() else {
        return Ok(Err(error(
            "kind",
            "Choose what you want to report or ask for",
        )));
    };
    let mut tx = state.store.read().await?;
    let active = policy::in_force(&mut tx, &signed.council, signed.today).await?;
    drop(tx);
    let Some(active) = active else {
        return Ok(Err(error(
            "kind",
            "The council has no policy in force today, so nothing can be sent anywhere",
        )));
    };
    let value = RequestKind::Report(kind).as_str();
    if asker.kinds(&active.pack).iter().any(|c| c.value == value) {
        Ok(Ok(kind))
    } else {
        Ok(Err(error(
            "kind",
            sentence(&asker.why_not(&active.pack, kind)),
        )))
    }
}

async fn form_page(
    state: &AppState,
    signed: &SignedIn,
    asker: Asker,
    q: KindQuery,
) -> Result<Response, WebError> {
    let asked = q.kind.as_deref().map(str::trim).filter(|k| !k.is_empty());
    let host: String = q
        .host
        .as_deref()
        .unwrap_or_default()
        .trim()
        .chars()
        .take(253)
        .collect();
    let summary = match asked {
        Some("accidental_access") if !host.is_empty() => format!("Reached {host} by accident"),
        _ => String::new(),
    };
    let form = DetailsForm {
        kind: asked.unwrap_or_default().to_string(),
        host,
        summary,
        ..DetailsForm::default()
    };
    let draw = match asked {
        None => Draw {
            chosen: None,
            form: &form,
            errors: match q.step.as_deref() {
                Some("kind") => vec![error("kind", "Choose what you want to report or ask for")],
                _ => Vec::new(),
            },
        },
        Some(text) => match chosen_kind(state, signed, &asker, text).await? {
            Ok(kind) => Draw {
                chosen: Some(kind),
                form: &form,
                errors: Vec::new(),
            },
            Err(e) => Draw {
                chosen: None,
                form: &form,
                errors: vec![e],
            },
        },
    };
    render(state, signed, &asker, draw).await
}

pub async fn member_form(
    State(state): State<AppState>,
    Reading { signed, mut tx }: Reading,
    Query(q): Query<KindQuery>,
) -> Result<Response, WebError> {
    let asker = member_asker(&mut tx, &signed).await?;
    drop(tx);
    form_page(&state, &signed, asker, q).await
}

pub async fn officer_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(q): Query<KindQuery>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    form_page(&state, &signed, Asker::Officer, q).await
}

/// Problems with a posted form: the kind step again when the kind will not do, else the
/// details step with errors against its fields.
type Problems = (Option<ReportKind>, Vec<FieldError>);

/// The request the form describes, or the problems with it.
async fn read_form(
    state: &AppState,
    signed: &SignedIn,
    asker: &Asker,
    form: &DetailsForm,
) -> Result<Result<(Option<PersonRef>, requests::Raise), Problems>, WebError> {
    let kind = match chosen_kind(state, signed, asker, &form.kind).await? {
        Ok(kind) => kind,
        Err(e) => return Ok(Err((None, vec![e]))),
    };
    let mut errors = Vec::new();
    // An officer names the person and the item by name, reference, tag or serial; a member
    // chooses one of their own items from a list.
    let mut tx = state.store.read().await?;
    let person: Option<PersonRef> = if asker.is_member() || form.person.trim().is_empty() {
        None
    } else {
        picked_person(&mut tx, signed, "person", &form.person, &mut errors)
            .await?
            .map(|p| p.reference)
    };
    let equipment: Option<AssetTag> = if form.equipment.trim().is_empty() {
        if requests::needs_item(kind) {
            let message = if asker.is_member() {
                "Choose the item it is about"
            } else {
                "Enter the item it is about"
            };
            errors.push(error("equipment", message));
        }
        None
    } else if asker.is_member() {
        parsed(&mut errors, "equipment", &form.equipment, "")
    } else {
        picked_item(&mut tx, signed, "equipment", &form.equipment, &mut errors)
            .await?
            .map(|e| e.asset_tag)
    };
    drop(tx);
    let details = kinds::details(kind, form, signed.now, &mut errors);
    if form.summary.trim().is_empty() {
        errors.push(error(
            "summary",
            format!("Enter {}", kinds::summary_label(kind).to_lowercase()),
        ));
    }
    match (details, errors.is_empty()) {
        (Some(details), true) => Ok(Ok((
            person,
            requests::Raise {
                kind,
                equipment,
                summary: form.summary.trim().to_string(),
                details,
            },
        ))),
        _ => Ok(Err((Some(kind), errors))),
    }
}

/// Where a refusal from the policy is shown: at the item when the form asks for one.
fn fallback(kind: ReportKind, member: bool) -> &'static str {
    if requests::needs_item(kind) || member {
        "equipment"
    } else {
        "summary"
    }
}

pub async fn member_submit(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<DetailsForm>,
) -> Result<Response, WebError> {
    let access = signed.principal.member()?;
    let mut tx = state.store.read().await?;
    let asker = member_asker(&mut tx, &signed).await?;
    drop(tx);
    let (_, raise) = match read_form(&state, &signed, &asker, &form).await? {
        Ok(found) => found,
        Err((chosen, errors)) => {
            let draw = Draw {
                chosen,
                form: &form,
                errors,
            };
            return render(&state, &signed, &asker, draw).await;
        }
    };
    let kind = raise.kind;
    let mut tx = state.store.begin().await?;
    match requests::raise_for_self(&mut tx, &signed.ctx(), &signed.council, &access, raise).await {
        Ok(raised) => {
            tx.commit().await?;
            let to = format!("{}/me/requests/{}/sent", base(&signed), raised.request.id);
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            drop(tx);
            let errors = form_errors(e, kinds::FIELDS, fallback(kind, true))?;
            let draw = Draw {
                chosen: Some(kind),
                form: &form,
                errors,
            };
            render(&state, &signed, &asker, draw).await
        }
    }
}

/// What the confirmation says: where it went and why, when it is due, and what was done.
#[derive(Serialize)]
pub struct Sent {
    pub id: i64,
    pub title: &'static str,
    pub office: String,
    pub clause: String,
    /// Where the policy names no one for it: that, and who receives it instead.
    pub unnamed: Option<String>,
    pub urgency: &'static str,
    pub due: Option<String>,
    pub within: Option<String>,
    pub approval: Option<String>,
    pub done: Vec<String>,
    /// The request's own page, when the viewer may see it.
    pub link: Option<String>,
}

pub async fn officer_submit(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<DetailsForm>,
) -> Result<Response, WebError> {
    let access = signed.principal.officer()?;
    let asker = Asker::Officer;
    let (person, raise) = match read_form(&state, &signed, &asker, &form).await? {
        Ok(found) => found,
        Err((chosen, errors)) => {
            let draw = Draw {
                chosen,
                form: &form,
                errors,
            };
            return render(&state, &signed, &asker, draw).await;
        }
    };
    let kind = raise.kind;
    let mut tx = state.store.begin().await?;
    let raised = requests::raise_as_officer(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        &access,
        person.as_ref(),
        raise,
    )
    .await;
    let raised = match raised {
        Ok(raised) => {
            tx.commit().await?;
            raised
        }
        Err(e) => {
            drop(tx);
            let e = match e {
                // The person named is the form's person field, not some other record.
                DomainError::NotFound {
                    what: "person",
                    key,
                } => DomainError::invalid(
                    "person",
                    format!("no one in the register has the reference {key}"),
                ),
                other => other,
            };
            let errors = form_errors(e, kinds::FIELDS, fallback(kind, false))?;
            let draw = Draw {
                chosen: Some(kind),
                form: &form,
                errors,
            };
            return render(&state, &signed, &asker, draw).await;
        }
    };
    // The request may have gone to an office this officer does not hold: the confirmation is
    // this response, and links to the request only when they may open it.
    let r = &raised.request;
    let mut tx = state.store.read().await?;
    let active = policy::in_force(&mut tx, &signed.council, signed.today).await?;
    drop(tx);
    let card = view::card(
        &requests::RequestView {
            request: r.clone(),
            requester: None,
            assignee: None,
            asset_tag: None,
            late: false,
        },
        active.as_ref().map(|a| &*a.pack),
    );
    let sent = Sent {
        id: r.id,
        title: r.kind.title(),
        office: r.handler_name.clone(),
        clause: raised.route.citation.to_string(),
        unnamed: card.unnamed.clone(),
        urgency: card.urgency,
        due: r.due_at.map(moment),
        within: raised.route.respond_within.map(|w| w.to_string()),
        approval: card.approval,
        done: raised.done.clone(),
        link: signed
            .principal
            .may_see_request(r)
            .then(|| format!("{}/requests/{}", base(&signed), r.id)),
    };
    let page = office_page("Request sent", &signed, "requests");
    let html = state.pages.render(
        "pages/request_sent.html",
        &page,
        context! { sent => Serde(&sent), member => false },
    )?;
    Ok(Html(html).into_response())
}

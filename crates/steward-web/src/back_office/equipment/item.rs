//! One item's page: what it is, who holds it, its loans a page at a time, its changes of
//! state as the audit trail recorded them, and the software authorised on it.

use super::{Choice, ItemForms, choice, words};
use crate::back_office::loans::ended_words;
use crate::back_office::{base, may_change, office_page};
use crate::listing::encode;
use crate::pages::{FieldError, by_field, sentence};
use crate::session::SignedIn;
use crate::{AppState, WebError};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;
use steward_domain::listing::{Cursor, Direction, Listed, Window};
use steward_domain::ops::equipment::history::{StateChange, state_changes};
use steward_domain::ops::loans::list::{
    self as loan_list, LoanFilter, LoanListed, LoanQuery, LoanShow,
};
use steward_domain::ops::{equipment, policy};
use steward_domain::workflow::WorkflowTx;
use steward_domain::{AssetTag, Council, DomainError, Equipment};
use steward_policy::uktime::uk_local;
use steward_policy::{EquipmentKind, EquipmentState, long_date};
use steward_store::StoreTx;

/// Loans of the item shown at a time, newest first.
const LOANS_SHOWN: u32 = 10;

#[derive(Serialize)]
struct LoanLine {
    id: i64,
    person: String,
    person_name: String,
    issued_on: String,
    return_by: Option<String>,
    ended: Option<String>,
    overdue: bool,
}

fn loan_line(l: &LoanListed) -> LoanLine {
    LoanLine {
        id: l.loan.id,
        person: l.person.to_string(),
        person_name: l.person_name.clone(),
        issued_on: long_date(l.loan.issued_on),
        return_by: l
            .return_by
            .as_ref()
            .map(|d| format!("{} ({})", long_date(d.date), d.citation)),
        ended: ended_words(&l.loan),
        overdue: l.status == steward_domain::LoanStatus::Overdue,
    }
}

#[derive(Serialize)]
struct ChangeLine {
    when: String,
    what: String,
    by: String,
}

fn state_words(state: EquipmentState) -> String {
    words(state.as_str())
}

fn change_line(c: &StateChange) -> ChangeLine {
    let local = uk_local(c.at);
    let what = match (c.erased_on, c.from, c.to) {
        (Some(on), _, _) => format!(
            "Its state changed; what the record said was erased on {} under the retention policy",
            long_date(on)
        ),
        (None, None, Some(to)) => format!("Registered as {}", state_words(to)),
        (None, Some(from), Some(to)) => {
            sentence(&format!("{} to {}", state_words(from), state_words(to)))
                .trim_end_matches('.')
                .to_string()
        }
        (None, _, None) => "Its state changed".to_string(),
    };
    ChangeLine {
        when: format!("{}, {}", local.format("%H:%M"), long_date(local.date())),
        what,
        by: c.actor.clone(),
    }
}

#[derive(Serialize)]
struct SoftwareLine {
    name: String,
    authorised_on: String,
    request: i64,
    citation: String,
}

/// One of the pack's device duties on this item, as the latest check left it.
#[derive(Serialize)]
struct DutyLine {
    duty: &'static str,
    result: String,
    citation: String,
}

/// What the item's latest device checks show, by the policy in force.
#[derive(Serialize)]
struct ComplianceView {
    last_seen: Option<String>,
    duties: Vec<DutyLine>,
    /// Each finding in words with its clause, and whether an exception covers it.
    findings: Vec<(String, String, bool)>,
}

fn compliance_view(d: &steward_domain::ops::posture::DeviceCompliance) -> ComplianceView {
    use steward_policy::posture::CheckResult;
    ComplianceView {
        last_seen: d.last_seen.map(steward_policy::uktime::local_moment),
        duties: d
            .duties
            .iter()
            .map(|duty| DutyLine {
                duty: duty.check.label(),
                result: match (&duty.excepted, duty.result) {
                    (Some(e), _) => format!(
                        "Authorised off by the {} until {}",
                        e.authorised_by,
                        long_date(e.until)
                    ),
                    (None, Some(CheckResult::Pass)) => "Passed".to_string(),
                    (None, Some(CheckResult::Fail)) => "Failed".to_string(),
                    (None, Some(CheckResult::Unknown)) => "Could not be checked".to_string(),
                    (None, None) => "Not reported".to_string(),
                },
                citation: duty.citation.to_string(),
            })
            .collect(),
        findings: d
            .findings
            .iter()
            .map(|f| (f.says.clone(), f.cites.clone(), !f.finding.is_breach()))
            .collect(),
    }
}

/// The item's loans: the page the `loans` cursor asks for, newest first.
async fn loan_history(
    tx: &mut StoreTx,
    council: &Council,
    item: &Equipment,
    from: Option<Cursor>,
    today: chrono::NaiveDate,
) -> Result<Listed<LoanListed>, WebError> {
    let query = LoanQuery {
        direction: Direction::Descending,
        filter: LoanFilter {
            show: LoanShow::All,
            equipment: Some(item.id),
            person: None,
        },
        window: Window::at(LOANS_SHOWN, from),
        ..Default::default()
    };
    Ok(loan_list::list(tx, council, &query, today).await?)
}

/// Everything the item page shows besides its forms.
struct Found {
    item: Equipment,
    holder: Option<LoanListed>,
    loans: Listed<LoanListed>,
    changes: Vec<StateChange>,
    software: Vec<SoftwareLine>,
    phone_lines: Vec<crate::back_office::phones::LineRow>,
    addresses: Vec<String>,
    compliance: Option<ComplianceView>,
}

async fn gather(
    state: &AppState,
    signed: &SignedIn,
    tag: &AssetTag,
    loans_from: Option<Cursor>,
) -> Result<Found, WebError> {
    let council = &signed.council;
    let mut tx = state.store.read().await?;
    let item = equipment::find(&mut tx, council, tag).await?;
    let open = LoanQuery {
        filter: LoanFilter {
            show: LoanShow::Open,
            equipment: Some(item.id),
            person: None,
        },
        window: Window::first(1),
        ..Default::default()
    };
    let holder = loan_list::list(&mut tx, council, &open, signed.today)
        .await?
        .items
        .pop();
    let loans = loan_history(&mut tx, council, &item, loans_from, signed.today).await?;
    let changes = state_changes(&mut tx, council, &item).await?;
    let document = policy::in_force(&mut tx, council, signed.today)
        .await?
        .map(|a| a.pack.pack.title.clone())
        .unwrap_or_default();
    let software = tx
        .authorised_software(signed.council.id, item.id)
        .await
        .map_err(DomainError::from)?
        .into_iter()
        .map(|s| SoftwareLine {
            name: s.name,
            authorised_on: long_date(s.authorised_on),
            request: s.request_id,
            citation: steward_policy::Citation {
                clause: s.clause,
                document: document.clone(),
            }
            .to_string(),
        })
        .collect();
    let phone_lines = crate::back_office::phones::item_lines(&mut tx, council, &item).await?;
    let addresses =
        steward_domain::ops::network::identities::addresses_of(&mut tx, council, item.id)
            .await?
            .iter()
            .map(ToString::to_string)
            .collect();
    // Only a device some source has reported on has a compliance to show; without a policy
    // in force there is nothing to judge it by.
    let compliance = if policy::in_force(&mut tx, council, signed.today)
        .await?
        .is_some()
    {
        steward_domain::ops::posture::findings(&mut tx, &signed.ctx(), council, Some(tag))
            .await?
            .iter()
            .find(|d| d.last_seen.is_some())
            .map(compliance_view)
    } else {
        None
    };
    tx.commit().await?;
    Ok(Found {
        compliance,
        item,
        holder,
        loans,
        changes,
        software,
        phone_lines,
        addresses,
    })
}

/// Links to the item's newer and older loans.
fn loan_pages(
    b: &str,
    tag: &AssetTag,
    loans: &Listed<LoanListed>,
) -> (Option<String>, Option<String>) {
    let at = |c: &Cursor| format!("{b}/equipment/{tag}?loans={}#loans", encode(&c.to_string()));
    (loans.previous.as_ref().map(at), loans.next.as_ref().map(at))
}

/// The item page, with `forms` filled in again and `errors` against them after a failed form.
pub(super) async fn render_item(
    state: &AppState,
    signed: &SignedIn,
    tag: &str,
    done: Option<&str>,
    loans_from: Option<Cursor>,
    forms: &ItemForms,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let tag: AssetTag = tag.parse().map_err(|_| WebError::not_found())?;
    let found = gather(state, signed, &tag, loans_from).await?;
    let item = &found.item;
    let states: Vec<Choice> = EquipmentState::ALL
        .iter()
        .filter(|s| !matches!(s, EquipmentState::Issued | EquipmentState::Returned))
        .map(|s| choice(s.as_str()))
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = format!("{} ({})", item.asset_tag, words(item.kind.as_str()));
    let mut page = office_page(&title, signed, "equipment");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let (newer_loans, older_loans) = loan_pages(&base(signed), &tag, &found.loans);
    let html = state.pages.render(
        "pages/office_item.html",
        &page,
        context! {
            item => context! {
                asset_tag => item.asset_tag.to_string(),
                kind => words(item.kind.as_str()),
                model => &item.model,
                serial => &item.serial,
                state => words(item.state.as_str()),
                cost => item.replacement_cost.to_string(),
                purchased_on => item.purchased_on.map(long_date),
                pat_tested_on => item.pat_tested_on.map(long_date),
                encrypted => item.encrypted,
            },
            holder => found.holder.as_ref().map(loan_line).map(Serde),
            loans => Serde(&found.loans.items.iter().map(loan_line).collect::<Vec<_>>()),
            loans_total => found.loans.total.value(),
            newer_loans,
            older_loans,
            changes => Serde(&found.changes.iter().map(change_line).collect::<Vec<_>>()),
            software => Serde(&found.software),
            is_phone => item.kind == EquipmentKind::MobilePhone,
            phone_lines => Serde(&found.phone_lines),
            addresses => found.addresses,
            compliance => found.compliance.as_ref().map(Serde),
            states => Serde(&states),
            done,
            forms => Serde(forms),
            field_errors,
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok((status, Html(html)).into_response())
}

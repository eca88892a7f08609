//! Signatures.

use super::*;
use steward_domain::ops::acceptance::list::{SignatureFilter, SignatureSort};

pub(crate) async fn acceptances_list(
    State(state): State<ApiState>,
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<acceptance::PersonAcceptance>>> {
    caller.principal.reader()?;
    let filter = SignatureFilter {
        outstanding: q.flag("outstanding")?,
    };
    let query = q.list_query::<SignatureSort, _>(filter)?;
    let on = q.as_of(caller.today)?;
    let page =
        acceptance::list::list_kept(&mut tx, &state.counts, &caller.council, &query, on).await?;
    Ok(Json(page.into()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PaperForm {
    person: String,
    signed_on: String,
    /// The officer who entered the form; the caller's own person when left out.
    recorded_by: Option<String>,
    /// The reference printed on a form Steward printed, checked against the person and
    /// the policy version in force.
    form_reference: Option<String>,
}

pub(crate) async fn acceptance_paper(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<PaperForm>,
) -> ApiResult<Created<steward_domain::Acceptance>> {
    let access = caller.principal.officer()?;
    let reference: PersonRef = field("person", &b.person)?;
    let signed_on = day("signed_on", &b.signed_on)?;
    let mut tx = write(&state).await?;
    let recorded_by = match (&b.recorded_by, access.person_id) {
        (Some(r), _) => field("recorded_by", r)?,
        (None, Some(id)) => own_reference(&mut tx, access.council_id, id).await?,
        (None, None) => {
            return Err(ApiError::invalid(
                "recorded_by",
                "name the officer who entered the form",
            ));
        }
    };
    let signed = match &b.form_reference {
        Some(form) => {
            steward_domain::ops::acceptance_form::record_returned(
                &mut tx,
                &caller.ctx(),
                &caller.council,
                form,
                Some(&reference),
                signed_on,
                recorded_by,
            )
            .await
            .map_err(|e| match e {
                // The command calls the printed reference `reference`; the body, `form_reference`.
                steward_domain::DomainError::Invalid { field, message } if field == "reference" => {
                    ApiError::invalid("form_reference", message)
                }
                e => e.into(),
            })?
        }
        None => {
            acceptance::sign(
                &mut tx,
                &caller.ctx(),
                &caller.council,
                &reference,
                Signature::Paper {
                    signed_on,
                    recorded_by,
                },
            )
            .await?
        }
    };
    tx.commit().await?;
    Ok(created(signed))
}

pub(super) async fn own_reference(
    tx: &mut StoreTx,
    council_id: Id,
    person_id: Id,
) -> ApiResult<PersonRef> {
    tx.person(council_id, person_id)
        .await
        .map_err(steward_domain::DomainError::from)?
        .map(|p| p.reference)
        .ok_or_else(|| ApiError::not_found("your person record was not found"))
}

//! Demo information requests, where the pack names who handles them: a freedom of
//! information request the demo member was asked to help with, an environmental information
//! request waiting for the requester to clarify, and a subject access request from the demo
//! member with its identity checked.

use super::days_ago;
use chrono::{NaiveDate, Utc};
use steward_domain::auth::{AuthTx, Principal, Role};
use steward_domain::info::InfoKind;
use steward_domain::ops::info::{self, Receive};
use steward_domain::{Council, Ctx};
use steward_policy::Pack;
use steward_store::Store;

fn ctx_on(actor: &str, day: NaiveDate) -> Ctx {
    Ctx::new(actor, day.and_time(Utc::now().time()).and_utc(), day)
}

pub async fn seed(
    store: &Store,
    today: NaiveDate,
    c: &Council,
    pack: &Pack,
    member: &str,
) -> anyhow::Result<()> {
    if pack.information_requests.is_none() {
        return Ok(());
    }
    let mut tx = store.begin().await?;
    let Some(admin) = tx.user_by_username(c.id, &"admin".parse()?).await? else {
        return Ok(());
    };
    let p = Principal::new(admin, Role::Admin, Vec::new());
    let received = days_ago(today, 12);
    let ctx = ctx_on("admin", received);
    let foi = info::receive(
        &mut tx,
        &ctx,
        c,
        &p,
        Receive {
            kind: InfoKind::Foi,
            requester: "A local newspaper".into(),
            subject: None,
            received_on: received,
            summary: "What the council spent on councillors' laptops and tablets last year".into(),
            nation: None,
        },
    )
    .await?;
    info::ask(
        &mut tx,
        &ctx,
        c,
        &p,
        &foi.request.reference,
        &member.parse()?,
        received,
    )
    .await?;
    let eir = info::receive(
        &mut tx,
        &ctx,
        c,
        &p,
        Receive {
            kind: InfoKind::Eir,
            requester: "A residents' association".into(),
            subject: None,
            received_on: received,
            summary: "Energy use of the council's ICT equipment".into(),
            nation: None,
        },
    )
    .await?;
    let asked = days_ago(today, 5);
    info::pause(
        &mut tx,
        &ctx_on("admin", asked),
        c,
        &p,
        &eir.request.reference,
        asked,
        "Which buildings and years?",
    )
    .await?;
    let sar_on = days_ago(today, 20);
    let sar = info::receive(
        &mut tx,
        &ctx_on("admin", sar_on),
        c,
        &p,
        Receive {
            kind: InfoKind::Sar,
            requester: "The member themselves, by email".into(),
            subject: Some(member.parse()?),
            received_on: sar_on,
            summary: String::new(),
            nation: None,
        },
    )
    .await?;
    info::identity_checked(
        &mut tx,
        &ctx_on("admin", sar_on),
        c,
        &p,
        &sar.request.reference,
        sar_on,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

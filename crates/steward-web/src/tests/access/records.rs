//! Seed data for the information request pages: request 1, a freedom of information request
//! Olive (Legal and Democratic Services Manager, a handler under clause 9.3) received, on which
//! Ada was asked to help (request for help 1).

use chrono::NaiveDate;
use steward_domain::auth::{AuthTx, Principal};
use steward_domain::info::InfoKind;
use steward_domain::ops::info::{self, Receive};
use steward_domain::ops::people;
use steward_domain::{Council, Ctx};
use steward_store::StoreTx;

pub async fn seed(tx: &mut StoreTx, c: &Council) {
    let d = NaiveDate::parse_from_str("2027-05-10", "%Y-%m-%d").unwrap();
    let ctx = Ctx::new("olive", d.and_hms_opt(9, 0, 0).unwrap().and_utc(), d);
    let user = tx
        .user_by_username(c.id, &"olive".parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let offices = people::offices_on(tx, user.person_id.unwrap(), d)
        .await
        .unwrap();
    let role = user.role;
    let olive = Principal::new(user, role, offices);
    let received = Receive {
        kind: InfoKind::Foi,
        requester: "A journalist".into(),
        subject: None,
        received_on: d,
        summary: "Spending on councillors' laptops".into(),
        nation: None,
    };
    let v = info::receive(tx, &ctx, c, &olive, received).await.unwrap();
    info::ask(
        tx,
        &ctx,
        c,
        &olive,
        &v.request.reference,
        &"M1".parse().unwrap(),
        d,
    )
    .await
    .unwrap();
}

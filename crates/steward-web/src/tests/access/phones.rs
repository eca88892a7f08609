//! Seed data for the phone pages: Ada holds the Cabinet Member's phone PHN-1, whose line 1 has
//! an April bill (bill 1) with a statement (statement 1) for her personal call.

use chrono::NaiveDate;
use std::collections::BTreeSet;
use steward_domain::ops::{equipment, loans, people};
use steward_domain::phones::bill::parse_bill;
use steward_domain::phones::{PhoneTx, import, lines, marking, statements};
use steward_domain::repo::NewEquipment;
use steward_domain::{Council, Ctx, Pence};
use steward_policy::{EquipmentKind, EquipmentState, OfficeId};
use steward_store::StoreTx;

fn on(day: &str) -> Ctx {
    let d = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    Ctx::new("test", d.and_hms_opt(9, 0, 0).unwrap().and_utc(), d)
}

pub async fn seed(tx: &mut StoreTx, c: &Council) {
    let start = on("2027-01-04");
    let ada = "M1".parse().unwrap();
    let office = OfficeId("cabinet_member".into());
    people::assign_office(tx, &start, c, &ada, &office, start.today)
        .await
        .unwrap();
    let phone = NewEquipment {
        asset_tag: "PHN-1".parse().unwrap(),
        kind: EquipmentKind::MobilePhone,
        model: "Handset".into(),
        serial: None,
        purchased_on: Some(start.today),
        replacement_cost: Pence(30_000),
        pat_tested_on: None,
        encrypted: true,
        state: EquipmentState::InStock,
    };
    equipment::add(tx, &start, c, phone).await.unwrap();
    let tag = "PHN-1".parse().unwrap();
    loans::issue(tx, &start, c, &ada, &tag, None).await.unwrap();
    let number = "07700 900123".parse().unwrap();
    lines::add(tx, &start, c, &tag, &number).await.unwrap();

    let bill = "line,date,time,called,cost\n\
                07700 900123,2027-04-03,09:00,01632 960001,0.00\n\
                07700 900123,2027-04-04,19:00,01632 960002,0.75\n";
    let rows = parse_bill("april.csv", bill.as_bytes()).unwrap();
    let period = "2027-04".parse().unwrap();
    let done = import::import(tx, &on("2027-05-02"), c, "april.csv", period, rows)
        .await
        .unwrap();
    let bill_id = done.bills[0].bill.id;
    let calls = tx.phone_calls(c.id, bill_id).await.unwrap();
    let person = calls[1].person_id.unwrap();
    let personal: BTreeSet<i64> = [calls[1].id].into();
    marking::mark(tx, &on("2027-05-03"), c, person, bill_id, &personal)
        .await
        .unwrap();
    statements::issue(tx, &on("2027-05-05"), c, bill_id, &ada)
        .await
        .unwrap();
}

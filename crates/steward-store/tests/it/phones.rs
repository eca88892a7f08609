//! Phone lines, bills, calls, statements and payments on the backend STEWARD_TEST_BACKEND
//! selects: what goes in comes back, each council's rows stay its own, and the uniqueness rules
//! carry the same names on both backends.

use chrono::{NaiveDate, NaiveTime};
use steward_domain::phones::repo::{
    NewPhoneBill, NewPhoneCall, NewPhonePayment, NewPhoneStatement,
};
use steward_domain::phones::{BillPeriod, PhoneNumber, PhoneTx};
use steward_domain::repo::{NewEquipment, NewPerson};
use steward_domain::*;
use steward_policy::{EquipmentKind, EquipmentState, PersonKind};
use steward_store::testing::TestDb;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, m, d).unwrap_or_else(|| panic!("no such day"))
}

fn parse<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().unwrap_or_else(|e| panic!("{s}: {e:?}"))
}

fn conflict_name<T: std::fmt::Debug>(result: RepoResult<T>) -> String {
    match result {
        Err(RepoError::Conflict { constraint }) => constraint,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

fn phone(tag: &str) -> NewEquipment {
    NewEquipment {
        asset_tag: parse(tag),
        kind: EquipmentKind::MobilePhone,
        model: "Handset".into(),
        serial: None,
        purchased_on: None,
        replacement_cost: Pence(30_000),
        pat_tested_on: None,
        encrypted: true,
        state: EquipmentState::InStock,
    }
}

fn call(on: NaiveDate, at: Option<&str>, cost: i64, person: Option<Id>) -> NewPhoneCall {
    NewPhoneCall {
        called_on: on,
        called_at: at.map(parse::<NaiveTime>),
        called: Some("01632 960001".into()),
        description: None,
        duration_seconds: Some(125),
        cost: Pence(cost),
        person_id: person,
        loan_id: None,
    }
}

#[tokio::test]
async fn phone_records_round_trip_and_keep_their_rules() -> TestResult {
    let db = TestDb::new().await;
    let store = db.open().await?;
    let mut tx = store.begin().await?;
    let council = tx.insert_council(&parse("ashbury"), "Ashbury").await?;
    let other = tx.insert_council(&parse("brackley"), "Brackley").await?;
    let person = tx
        .insert_person(
            council.id,
            &NewPerson {
                reference: parse("M1"),
                name: "Ann Example".into(),
                kind: PersonKind::Councillor,
                email: None,
                household: None,
            },
        )
        .await?;
    let kit = tx.insert_equipment(council.id, &phone("PHN-1")).await?;
    let spare = tx.insert_equipment(council.id, &phone("PHN-2")).await?;
    let theirs = tx.insert_equipment(other.id, &phone("PHN-1")).await?;
    let number: PhoneNumber = parse("07700 900123");
    let line = tx
        .insert_phone_line(council.id, kit.id, &number, day(1, 4))
        .await?;
    assert_eq!(tx.phone_line(line.id).await?, Some(line.clone()));
    // Another council may use the same number; this council may not, while the line is live.
    tx.insert_phone_line(other.id, theirs.id, &number, day(1, 4))
        .await?;
    tx.commit().await?;

    let mut tx = store.begin().await?;
    let again = tx
        .insert_phone_line(council.id, spare.id, &number, day(1, 5))
        .await;
    assert_eq!(conflict_name(again), "phone_lines_number_unique");
    drop(tx);

    let mut tx = store.begin().await?;
    assert_eq!(
        tx.active_phone_line(council.id, &number).await?,
        Some(line.clone())
    );
    let april: BillPeriod = parse("2027-04");
    let new_bill = NewPhoneBill {
        line_id: line.id,
        period: april,
        imported_on: day(5, 2),
        imported_by: "clerk".into(),
        source: "april.csv".into(),
    };
    let bill = tx.insert_phone_bill(council.id, &new_bill).await?;
    assert_eq!(bill.period, april);
    // Calls come back in the order they were made; one without a time sorts first that day.
    let late = tx
        .insert_phone_call(
            bill.id,
            &call(day(4, 3), Some("19:05:00"), 75, Some(person.id)),
        )
        .await?;
    let early = tx
        .insert_phone_call(bill.id, &call(day(4, 3), None, 0, None))
        .await?;
    let first = tx
        .insert_phone_call(
            bill.id,
            &call(day(4, 1), Some("08:00:00"), 10, Some(person.id)),
        )
        .await?;
    assert_eq!(late.called_at, Some(parse::<NaiveTime>("19:05:00")));
    assert_eq!(late.council_id, council.id);
    let ids: Vec<Id> = tx
        .phone_calls(bill.id)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, vec![first.id, early.id, late.id]);
    tx.set_phone_call_personal(late.id, true).await?;
    let mine = tx.phone_calls_of_person(person.id).await?;
    assert_eq!(mine.len(), 2);
    assert!(mine.iter().any(|c| c.id == late.id && c.personal));
    assert_eq!(
        tx.phone_bill_of_line(line.id, april).await?,
        Some(bill.clone())
    );
    tx.commit().await?;

    let mut tx = store.begin().await?;
    assert_eq!(
        conflict_name(tx.insert_phone_bill(council.id, &new_bill).await),
        "phone_bills_line_period_unique"
    );
    drop(tx);

    let mut tx = store.begin().await?;
    let new_statement = NewPhoneStatement {
        bill_id: bill.id,
        person_id: person.id,
        amount: Pence(75),
        issued_on: day(5, 6),
        issued_by: "clerk".into(),
        clause: "24".into(),
        document: "Members' ICT Policy".into(),
    };
    let statement = tx
        .insert_phone_statement(council.id, &new_statement)
        .await?;
    let payment = NewPhonePayment {
        statement_id: statement.id,
        amount: Pence(25),
        paid_on: day(5, 7),
        reference: Some("R1".into()),
        recorded_by: "clerk".into(),
    };
    let paid = tx.insert_phone_payment(council.id, &payment).await?;
    assert_eq!(tx.phone_payments(statement.id).await?, vec![paid.clone()]);
    assert_eq!(tx.phone_payments_of_council(council.id).await?, vec![paid]);
    assert!(tx.phone_payments_of_council(other.id).await?.is_empty());
    assert_eq!(
        tx.phone_statements(council.id).await?,
        vec![statement.clone()]
    );
    assert_eq!(
        tx.phone_statements_of_bill(bill.id).await?,
        vec![statement.clone()]
    );
    tx.commit().await?;

    let mut tx = store.begin().await?;
    assert_eq!(
        conflict_name(tx.insert_phone_statement(council.id, &new_statement).await),
        "phone_statements_bill_person_unique"
    );
    drop(tx);

    // A removed line frees its number; its bills stay where they were.
    let mut tx = store.begin().await?;
    tx.remove_phone_line(line.id, day(6, 1)).await?;
    assert_eq!(tx.active_phone_line(council.id, &number).await?, None);
    let moved = tx
        .insert_phone_line(council.id, spare.id, &number, day(6, 1))
        .await?;
    assert_eq!(tx.phone_lines(council.id).await?.len(), 2);
    assert_eq!(tx.phone_bills(council.id).await?, vec![bill]);
    assert!(tx.phone_bills(other.id).await?.is_empty());
    assert!(
        tx.remove_phone_line(line.id, day(6, 2)).await.is_err(),
        "removed once only"
    );
    drop(tx);
    let _ = moved;
    Ok(())
}

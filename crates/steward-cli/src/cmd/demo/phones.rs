//! Demo phone bills: where the pack has holders repay personal calls and names a Cabinet Member
//! office, a Cabinet Member holds a phone with a registered line and two months of bills. The
//! older bill has a statement, part paid; the newer is left for them to mark. They get an
//! account of their own, so anyone trying the demo can mark calls as they would.

use super::{DemoAccount, days_ago, demo_password};
use chrono::{Duration, NaiveDate, Utc};
use std::collections::BTreeSet;
use steward_domain::auth::{Password, Role, Username};
use steward_domain::ops::{acceptance, equipment, loans, people, users};
use steward_domain::phones::bill::parse_bill;
use steward_domain::phones::statements::Payment;
use steward_domain::phones::{BillPeriod, PhoneTx, import, lines, marking, statements};
use steward_domain::repo::{NewEquipment, NewPerson};
use steward_domain::{Council, Ctx, Pence};
use steward_policy::phones::{CallsRule, calls_rule};
use steward_policy::{EquipmentKind, EquipmentState, OfficeId, Pack, PersonKind};
use steward_store::Store;

const OFFICE: &str = "cabinet_member";
const REFERENCE: &str = "M009";
const NAME: &str = "Morwenna Pike";
const TAG: &str = "PHN-0102";
const NUMBER: &str = "07700 900471";

/// A month of calls: (day of the month, time, number called or blank, what, length, cost).
const CALLS: &[(u32, &str, &str, &str, &str, &str)] = &[
    (2, "09:12", "01632 960118", "Call", "4:05", "0.00"),
    (3, "18:47", "07700 900312", "Call", "12:40", "1.27"),
    (5, "13:02", "", "Text", "", "0.10"),
    (9, "10:30", "020 7946 0471", "Call", "22:15", "0.00"),
    (14, "20:05", "07700 900312", "Call", "6:02", "0.61"),
    (18, "07:55", "", "Data roaming", "", "2.50"),
    (22, "16:20", "01632 960044", "Call", "1:30", "0.00"),
];

fn bill_csv(period: BillPeriod) -> String {
    let mut text =
        String::from("Mobile number,Call date,Time,Number called,Description,Duration,Cost (£)\n");
    for (day, time, called, what, length, cost) in CALLS {
        let on = period.first_day() + Duration::days(i64::from(day - 1));
        text.push_str(&format!(
            "{NUMBER},{},{time},{called},{what},{length},{cost}\n",
            on.format("%d/%m/%Y")
        ));
    }
    text
}

fn ctx_on(actor: &str, day: NaiveDate) -> Ctx {
    Ctx::new(actor, day.and_time(Utc::now().time()).and_utc(), day)
}

pub async fn seed(
    store: &Store,
    actor: &str,
    today: NaiveDate,
    c: &Council,
    pack: &Pack,
) -> anyhow::Result<Vec<DemoAccount>> {
    let repays = matches!(calls_rule(pack), CallsRule::Reimburse { .. });
    if !repays || pack.office(&OfficeId(OFFICE.into())).is_none() {
        return Ok(Vec::new());
    }
    let this_month = BillPeriod::of(today);
    let last = BillPeriod::of(this_month.first_day() - Duration::days(1));
    let before = BillPeriod::of(last.first_day() - Duration::days(1));
    let lent = days_ago(today, 100).min(before.first_day());

    let ctx = ctx_on(actor, lent);
    let mut tx = store.begin().await?;
    let req = people::AddPerson {
        person: NewPerson {
            reference: REFERENCE.parse()?,
            name: NAME.into(),
            kind: PersonKind::Councillor,
            email: Some(format!("cabinet@{}.example.org", c.slug)),
            household: None,
        },
        term_start: Some(days_ago(today, 400)),
        term_end: None,
        offices: vec![OfficeId(OFFICE.into())],
    };
    let person = people::add(&mut tx, &ctx, c, req).await?;
    if pack.acceptance.is_some() {
        let typed = acceptance::Signature::Typed { name: NAME.into() };
        acceptance::sign(&mut tx, &ctx, c, &person.reference, typed).await?;
    }
    let phone = NewEquipment {
        asset_tag: TAG.parse()?,
        kind: EquipmentKind::MobilePhone,
        model: "Handset S5".into(),
        serial: Some(format!("SN{}PHONE", c.slug).replace('-', "")),
        purchased_on: Some(lent),
        replacement_cost: Pence(42_000),
        pat_tested_on: None,
        encrypted: true,
        state: EquipmentState::InStock,
    };
    equipment::add(&mut tx, &ctx, c, phone).await?;
    loans::issue(&mut tx, &ctx, c, &person.reference, &TAG.parse()?, None).await?;
    lines::add(&mut tx, &ctx, c, &TAG.parse()?, &NUMBER.parse()?).await?;
    tx.commit().await?;

    // The older bill: imported, marked, a statement issued and part paid.
    let mut tx = store.begin().await?;
    let ctx = ctx_on(actor, before.last_day() + Duration::days(6));
    let name = format!("{before}-mobiles.csv");
    let rows = parse_bill(&name, bill_csv(before).as_bytes())?;
    let done = import::import(&mut tx, &ctx, c, &name, before, rows).await?;
    if let Some(bill) = done.bills.first() {
        let calls = tx.phone_calls(c.id, bill.bill.id).await?;
        let personal: BTreeSet<i64> = calls
            .iter()
            .filter(|call| call.cost.0 > 0 && call.description.as_deref() == Some("Call"))
            .map(|call| call.id)
            .collect();
        let marker = ctx_on(&format!("{NAME} (demo)"), ctx.today + Duration::days(2));
        marking::mark(&mut tx, &marker, c, person.id, bill.bill.id, &personal).await?;
        let issued_on = ctx.today + Duration::days(5);
        let issuer = ctx_on(actor, issued_on);
        let statement =
            statements::issue(&mut tx, &issuer, c, bill.bill.id, &person.reference).await?;
        let paid = Payment {
            amount: Pence(statement.statement.amount.0 / 2),
            paid_on: issued_on + Duration::days(3),
            reference: Some("Cheque 004471".into()),
        };
        if paid.amount.0 > 0 && paid.paid_on <= today {
            let payer = ctx_on(actor, paid.paid_on);
            statements::pay(&mut tx, &payer, c, statement.statement.id, paid).await?;
        }
    }
    tx.commit().await?;

    // Last month's bill, waiting for the holder to mark it.
    let mut tx = store.begin().await?;
    let ctx = ctx_on(actor, today);
    let name = format!("{last}-mobiles.csv");
    let rows = parse_bill(&name, bill_csv(last).as_bytes())?;
    import::import(&mut tx, &ctx, c, &name, last, rows).await?;

    let username: Username = "cabinet".parse()?;
    let password = demo_password()?;
    let req = users::CreateUser {
        username: username.clone(),
        role: Role::Member,
        person: Some(person.reference.clone()),
        password: Password::new(password.clone(), &username)?,
        must_change_password: false,
    };
    users::create(&mut tx, &ctx, c, req).await?;
    tx.commit().await?;
    Ok(vec![DemoAccount {
        council: c.slug.to_string(),
        role: Role::Member,
        username: username.to_string(),
        password,
    }])
}

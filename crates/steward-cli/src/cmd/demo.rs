//! `steward demo`: a database with one made-up council per preset, then the server.

use crate::args::{Global, ServeArgs};
use crate::exit;
use chrono::{Local, NaiveDate, Utc};
use steward_domain::auth::{Password, Principal, Role, Username, random_text};
use steward_domain::ops::cases::{self, Concern, Raiser};
use steward_domain::ops::requests::{self, Raise};
use steward_domain::ops::{acceptance, council, equipment, loans, people, policy, users};
use steward_domain::repo::{NewEquipment, NewPerson};
use steward_domain::workflow::RequestDetails;
use steward_domain::{Council, Ctx, Pence, RegisterTx};
use steward_policy::cases::case_route;
use steward_policy::model::{OfficeHolder, ReportKind};
use steward_policy::{
    EquipmentKind, EquipmentState, OfficeId, Period, PersonKind, TermEndReason, presets,
};
use steward_store::{Store, StoreTx};

mod county;
mod devices;
pub use county::DemoSize;
mod phones;
mod records;
mod web;

const COUNCILS: &[(&str, &str, &str)] = &[
    ("city-members-code", "ashbury-city", "Ashbury City Council"),
    (
        "county-members-policy",
        "brackenshire-county",
        "Brackenshire County Council",
    ),
    ("city-aup", "caldmoor-city", "Caldmoor City Council"),
    ("town-it-policy", "dunmere-town", "Dunmere Town Council"),
    (
        "borough-members-protocol",
        "fenwold-borough",
        "Fenwold Borough Council",
    ),
];

/// The preset of the council `--size` grows.
const COUNTY_PRESET: &str = "county-members-policy";

const FIRST: &[&str] = &[
    "Alex", "Bea", "Cal", "Dee", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kit", "Lia",
];
const LAST: &[&str] = &[
    "Marlow", "Pennick", "Quarry", "Rushby", "Stanmer", "Tolley", "Upcott", "Vane", "Wexley",
    "Yarrow",
];

fn days_ago(today: NaiveDate, n: u32) -> NaiveDate {
    Period::days(n).before(today).unwrap_or(today)
}

fn name(i: usize) -> String {
    format!(
        "{} {}",
        FIRST[i % FIRST.len()],
        LAST[(i * 7 + 3) % LAST.len()]
    )
}

/// One demo account, printed when the demo starts.
pub struct DemoAccount {
    pub council: String,
    pub role: Role,
    pub username: String,
    pub password: String,
}

/// A made-up password for one demo account: random, so no two demo databases share one, and
/// shown only in the table the demo prints.
fn demo_password() -> anyhow::Result<String> {
    let text: String = random_text()?
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect();
    Ok(format!("demo-{text}"))
}

/// An administrator, an auditor, an officer (the first officer in the register) and a member
/// (the first one still in office who holds a laptop), each with a password printed at start-up.
async fn seed_accounts(
    store: &Store,
    ctx: &Ctx,
    c: &Council,
    officer: &str,
    member: &str,
) -> anyhow::Result<Vec<DemoAccount>> {
    let mut tx = store.begin().await?;
    let mut out = Vec::new();
    for (role, username, person) in [
        (Role::Admin, "admin", None),
        (Role::Auditor, "auditor", None),
        (Role::Officer, "officer", Some(officer)),
        (Role::Member, "member", Some(member)),
    ] {
        let username: Username = username.parse()?;
        let password = demo_password()?;
        let req = users::CreateUser {
            username: username.clone(),
            role,
            person: person.map(str::parse).transpose()?,
            password: Password::new(password.clone(), &username)?,
            must_change_password: false,
        };
        users::create(&mut tx, ctx, c, req).await?;
        out.push(DemoAccount {
            council: c.slug.to_string(),
            role,
            username: username.to_string(),
            password,
        });
    }
    tx.commit().await?;
    Ok(out)
}

async fn seed_council(
    store: &Store,
    actor: &str,
    today: NaiveDate,
    spec: &(&str, &str, &str),
    offset: usize,
    size: DemoSize,
) -> anyhow::Result<Vec<DemoAccount>> {
    let (preset_id, slug, title) = *spec;
    let Some(preset) = presets::find(preset_id) else {
        return Ok(Vec::new());
    };
    let loaded = presets::load(preset)?;
    let pack = loaded.pack.clone();
    let start = Period::years(3).before(today).unwrap_or(today);
    let ctx_on = |day: NaiveDate| Ctx::new(actor, day.and_time(Utc::now().time()).and_utc(), day);

    let mut tx: StoreTx = store.begin().await?;
    let ctx = ctx_on(start);
    let c: Council = council::create(&mut tx, &ctx, &slug.parse()?, title).await?;
    policy::adopt(&mut tx, &ctx, &c, &loaded, start).await?;

    // Officers for each office the policy names. The first, whose account the demo prints,
    // also holds the offices that receive reports of lost equipment and handle concerns, so
    // their requests and cases pages have the workflow on them.
    let mut officers = Vec::new();
    let mut n = offset;
    let extra = demo_officer_offices(&pack);
    for office in pack
        .offices
        .iter()
        .filter(|o| o.holder == OfficeHolder::Officer)
    {
        n += 1;
        let reference = format!("S{:03}", officers.len() + 1);
        let mut offices = vec![office.id.clone()];
        if officers.is_empty() {
            offices.extend(extra.iter().filter(|o| **o != office.id).cloned());
        }
        let req = people::AddPerson {
            person: NewPerson {
                reference: reference.parse()?,
                name: name(n),
                kind: PersonKind::Employee,
                email: None,
                household: None,
            },
            term_start: Some(start),
            term_end: None,
            offices,
        };
        people::add(&mut tx, &ctx, &c, req).await?;
        officers.push((reference, office.id.clone()));
    }
    let member_offices: Vec<_> = pack
        .offices
        .iter()
        .filter(|o| o.holder == OfficeHolder::Member)
        .map(|o| o.id.clone())
        .collect();
    let member_kind = if pack.scope.kinds.contains(&PersonKind::Councillor) {
        PersonKind::Councillor
    } else {
        pack.scope.kinds[0]
    };
    let mut members = Vec::new();
    for i in 0..8 {
        n += 1;
        let reference = format!("M{:03}", i + 1);
        let req = people::AddPerson {
            person: NewPerson {
                reference: reference.parse()?,
                name: name(n),
                kind: member_kind,
                email: Some(format!("member{}@{slug}.example.org", i + 1)),
                household: Some(format!("H{}", i / 2 + 1)).filter(|_| i < 4),
            },
            term_start: Some(start),
            term_end: None,
            offices: member_offices.get(i).cloned().into_iter().collect(),
        };
        people::add(&mut tx, &ctx, &c, req).await?;
        members.push(reference);
    }
    tx.commit().await?;
    // Stock was checked in the autumn; purchases go back years.
    let checked = days_ago(today, 150);
    let ctx = ctx_on(checked);
    let mut tx = store.begin().await?;
    let stock = [
        (EquipmentKind::Laptop, 9),
        (EquipmentKind::Tablet, 4),
        (EquipmentKind::MobilePhone, 2),
    ];
    let mut tags = Vec::new();
    let mut i = 0u32;
    for (kind, count) in stock {
        for k in 0..count {
            i += 1;
            let prefix = match kind {
                EquipmentKind::Laptop => "LAP",
                EquipmentKind::Tablet => "TAB",
                _ => "PHN",
            };
            let tag = format!("{prefix}-{:04}", 100 + k);
            // Spread purchases over five years so the replacement plan has something to order.
            let bought = Period::days(130 * i + 30)
                .before(today)
                .unwrap_or(today)
                .min(checked);
            let new = NewEquipment {
                asset_tag: tag.parse()?,
                kind,
                model: match kind {
                    EquipmentKind::Laptop => "Lenvo T14",
                    EquipmentKind::Tablet => "Tablet Air 10",
                    _ => "Handset S5",
                }
                .into(),
                serial: Some(format!("SN{slug}{i:04}").replace('-', "")),
                purchased_on: Some(bought),
                replacement_cost: Pence(match kind {
                    EquipmentKind::Laptop => 89_900,
                    EquipmentKind::Tablet => 59_900,
                    _ => 42_000,
                }),
                pat_tested_on: Some(checked).filter(|_| k != 3),
                encrypted: true,
                state: EquipmentState::InStock,
            };
            equipment::add(&mut tx, &ctx, &c, new).await?;
            tags.push((kind, tag));
        }
    }
    tx.commit().await?;

    // Signatures and loans, spread over the last months so due dates vary.
    for (i, member) in members.iter().enumerate() {
        let day = days_ago(today, 100 - 10 * i as u32);
        let ctx = ctx_on(day);
        let mut tx = store.begin().await?;
        if pack.acceptance.is_some() && i % 3 != 2 {
            acceptance::sign(
                &mut tx,
                &ctx,
                &c,
                &member.parse()?,
                acceptance::Signature::Typed {
                    name: name(offset + officers.len() + i + 1),
                },
            )
            .await?;
        }
        let authoriser = pack
            .loans
            .authorisation
            .as_ref()
            .and_then(|a| officers.iter().find(|(_, o)| a.by.contains(o)))
            .map(|(r, _)| r.parse())
            .transpose()?;
        // Each member asks for a laptop, and office holders for a phone too. Refusals are part
        // of the picture: the demo leaves them for people to find on the due page.
        let wanted = [EquipmentKind::Laptop, EquipmentKind::MobilePhone];
        for kind in wanted {
            let nth = if kind == EquipmentKind::Laptop {
                i
            } else {
                i.min(1)
            };
            if let Some((_, tag)) = tags.iter().filter(|(k, _)| *k == kind).nth(nth) {
                let _ = loans::issue(
                    &mut tx,
                    &ctx,
                    &c,
                    &member.parse()?,
                    &tag.parse()?,
                    authoriser.as_ref(),
                )
                .await;
            }
        }
        tx.commit().await?;
    }
    // One member lost their seat three weeks ago and has not returned their equipment.
    let mut tx = store.begin().await?;
    let left = days_ago(today, 21);
    people::leave(
        &mut tx,
        &ctx_on(left),
        &c,
        &members[0].parse()?,
        left,
        TermEndReason::NotReElected,
    )
    .await?;
    tx.commit().await?;

    // The demo member: someone still in office with a laptop.
    let mut tx = store.begin().await?;
    let mut member = None;
    for reference in &members[1..] {
        let person = people::find(&mut tx, &c, &reference.parse()?).await?;
        let mut laptop = None;
        for loan in tx.loans_of_person(c.id, person.id).await? {
            if let Some(item) = tx.equipment_by_id(c.id, loan.equipment_id).await?
                && loan.is_open()
                && item.kind == EquipmentKind::Laptop
            {
                laptop = Some(loan.id);
            }
        }
        if let Some(loan) = laptop {
            member = Some((reference.clone(), loan));
            break;
        }
    }
    drop(tx);
    let (member, loan) = member.unwrap_or_else(|| (members[1].clone(), 0));
    // Where the policy lets an officer recall equipment, the member's laptop was recalled a
    // few days ago, so their page shows a date to return it by and the clause behind it.
    let recaller = pack
        .loans
        .recall
        .as_ref()
        .and_then(|r| officers.iter().find(|(_, o)| r.by.contains(o)));
    if let Some((officer, _)) = recaller
        && loan != 0
    {
        let mut tx = store.begin().await?;
        let day = days_ago(today, 3);
        loans::recall(&mut tx, &ctx_on(day), &c, loan, &officer.parse()?, None).await?;
        tx.commit().await?;
    }
    // The demo member also has a tablet (an iPad, to most councils), where the policy lends
    // one to them.
    if let Some((_, tablet)) = tags.iter().find(|(k, _)| *k == EquipmentKind::Tablet) {
        let mut tx = store.begin().await?;
        let day = days_ago(today, 30);
        let lent = loans::issue(
            &mut tx,
            &ctx_on(day),
            &c,
            &member.parse()?,
            &tablet.parse()?,
            None,
        )
        .await;
        if lent.is_ok() {
            tx.commit().await?;
        }
    }
    let officer = officers
        .first()
        .map(|(r, _)| r.clone())
        .unwrap_or_else(|| members[1].clone());
    let mut accounts = seed_accounts(store, &ctx_on(today), &c, &officer, &member).await?;
    accounts.extend(phones::seed(store, actor, today, &c, &pack).await?);
    seed_workflow(store, actor, today, &c, &members).await?;
    web::seed(store, actor, today, &c, &pack, &member).await?;
    records::seed(store, today, &c, &pack, &member).await?;
    devices::seed(store, actor, today, &c, &pack).await?;
    // The county council can be grown to a county's size, to measure the pages at scale.
    if preset_id == COUNTY_PRESET {
        let authoriser = pack
            .loans
            .authorisation
            .as_ref()
            .and_then(|a| officers.iter().find(|(_, o)| a.by.contains(o)))
            .map(|(r, _)| r.as_str());
        if let Some(grown) = county::grow(store, actor, today, &c, &pack, authoriser, size).await? {
            eprintln!(
                "Grew {} to {} people and {} items, with {} loans open and {} returned.",
                c.name, grown.people, grown.items, grown.open_loans, grown.returned_loans
            );
            store.refresh_statistics().await?;
        }
    }
    Ok(accounts)
}

/// Offices held by officers that receive reports of lost or stolen equipment or handle
/// concerns about someone's use of council ICT.
fn demo_officer_offices(pack: &steward_policy::Pack) -> Vec<OfficeId> {
    let by_officer = |o: &OfficeId| {
        pack.office(o)
            .is_some_and(|found| found.holder == OfficeHolder::Officer)
    };
    let mut out: Vec<OfficeId> = Vec::new();
    let lost = pack
        .reporting
        .iter()
        .filter(|d| d.kind == ReportKind::LostOrStolen)
        .map(|d| d.report_to.clone());
    let cases = case_route(pack, None)
        .map(|r| r.handlers)
        .unwrap_or_default();
    for office in lost.chain(cases) {
        if by_officer(&office) && !out.contains(&office) {
            out.push(office);
        }
    }
    out
}

/// Requests and a concern from the last few days, so the officer's lists are not empty: a
/// member's training needs, a fault with another's laptop (now past its response time), and a
/// concern raised anonymously. What a council's policy does not provide for is left out.
async fn seed_workflow(
    store: &Store,
    actor: &str,
    today: NaiveDate,
    c: &Council,
    members: &[String],
) -> anyhow::Result<()> {
    let at = |day: NaiveDate, actor: &str| {
        Ctx::new(
            actor,
            day.and_hms_opt(9, 30, 0).unwrap_or_default().and_utc(),
            day,
        )
    };
    let mut tx = store.begin().await?;
    let user = users::find(&mut tx, c, &"officer".parse()?).await?;
    let offices = match user.person_id {
        Some(person) => people::offices_on(&mut tx, c.id, person, today).await?,
        None => Vec::new(),
    };
    drop(tx);
    let role = user.role;
    let principal = Principal::new(user, role, offices);
    let access = principal
        .officer()
        .map_err(|d| anyhow::anyhow!("the demo officer cannot act: {d}"))?;

    let mut asks = Vec::new();
    if let Some(reference) = members.get(2) {
        asks.push((
            1,
            reference.clone(),
            Raise {
                kind: ReportKind::Training,
                equipment: None,
                summary: "Help with joining video meetings from the council laptop".into(),
                details: RequestDetails::None,
            },
        ));
    }
    // The fault is with the laptop of the first member after those who holds one.
    let mut tx = store.begin().await?;
    let mut faulty = None;
    for reference in members.iter().skip(3) {
        let person = people::find(&mut tx, c, &reference.parse()?).await?;
        for loan in tx.loans_of_person(c.id, person.id).await? {
            if let Some(item) = tx.equipment_by_id(c.id, loan.equipment_id).await?
                && loan.is_open()
                && item.kind == EquipmentKind::Laptop
                && faulty.is_none()
            {
                faulty = Some((reference.clone(), item.asset_tag));
            }
        }
    }
    drop(tx);
    if let Some((reference, tag)) = faulty {
        asks.push((
            3,
            reference,
            Raise {
                kind: ReportKind::Fault,
                equipment: Some(tag),
                summary: "Several keys on the keyboard have stopped working".into(),
                details: RequestDetails::None,
            },
        ));
    }
    for (ago, reference, ask) in asks {
        let mut tx = store.begin().await?;
        let ctx = at(days_ago(today, ago), actor);
        let raised =
            requests::raise_as_officer(&mut tx, &ctx, c, &access, Some(&reference.parse()?), ask)
                .await;
        if raised.is_ok() {
            tx.commit().await?;
        }
    }
    if let Some(reference) = members.get(4) {
        let mut tx = store.begin().await?;
        let concern = Concern {
            subject: Some(reference.parse()?),
            summary: "Council laptop used for a private business".into(),
            details: "Seen at the library using the council laptop to send invoices for a \
                      catering business."
                .into(),
        };
        let ctx = at(days_ago(today, 2), "anonymous");
        if cases::raise(&mut tx, &ctx, c, Raiser::Anonymous, concern)
            .await
            .is_ok()
        {
            tx.commit().await?;
        }
    }
    Ok(())
}

/// The demo accounts as a table, to standard output before the server's address.
fn print_accounts(accounts: &[DemoAccount]) {
    println!("Demo accounts (made up for this demo database only):");
    let rows: Vec<[String; 4]> = accounts
        .iter()
        .map(|a| {
            [
                a.council.clone(),
                a.role.to_string(),
                a.username.clone(),
                a.password.clone(),
            ]
        })
        .collect();
    let header = ["COUNCIL", "ROLE", "USERNAME", "PASSWORD"].map(String::from);
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .chain([&header])
                .map(|r| r[i].len())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in [&header].into_iter().chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        println!("  {}", line.join("  ").trim_end());
    }
}

pub async fn run(global: &Global, args: &ServeArgs) -> anyhow::Result<u8> {
    let db = if global.db == "sqlite://steward.db" {
        "sqlite://steward-demo.db".to_string()
    } else {
        global.db.clone()
    };
    let store = Store::open(&db).await?;
    let today = global.as_of.unwrap_or_else(|| Local::now().date_naive());
    let mut tx = store.begin().await?;
    let existing = tx.councils().await?;
    drop(tx);
    if existing.is_empty() {
        let mut accounts = Vec::new();
        for (i, spec) in COUNCILS.iter().enumerate() {
            let seeded = seed_council(&store, &global.actor, today, spec, i * 20, args.size);
            accounts.extend(seeded.await?);
        }
        store.analyze().await?;
        eprintln!(
            "Created demo data in {db}: {} councils with made-up people and equipment.",
            COUNCILS.len()
        );
        print_accounts(&accounts);
    } else {
        eprintln!(
            "Using the existing demo data in {db}. Its accounts' passwords were printed when it \
             was created; delete the database to start afresh with new ones."
        );
    }
    if args.no_serve {
        return Ok(exit::OK);
    }
    super::serve::run(store, args, global).await
}

//! `steward demo --size county|tenth`: the county council of the demo grown to the size of a
//! real county's register, for measuring the pages officers use all day.
//!
//! Everything goes through the commands an officer's imports and actions use (the people and
//! equipment imports, signing, lending, returning, leaving office), so the audit chain is real
//! and verifies. Names and numbers are made up and repeat in a fixed pattern: two runs on the
//! same day make the same register.

use super::{FIRST, LAST, days_ago};
use chrono::{NaiveDate, NaiveTime};
use steward_domain::import::{EquipmentRow, PersonRow};
use steward_domain::ops::{acceptance, equipment, loans, people};
use steward_domain::{Council, Ctx, Pence};
use steward_policy::{EquipmentKind, EquipmentState, Pack, PersonKind, TermEndReason};
use steward_store::Store;

/// How big a register `steward demo --size` makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DemoSize {
    /// Five small councils: a handful of people and items each.
    Small,
    /// The county council at a tenth of a county's size: 500 people, 1,000 items.
    Tenth,
    /// The county council at a county's size: 5,000 people, 10,000 items.
    County,
}

impl DemoSize {
    /// People and items the county council is grown to, beyond its small demo register.
    fn counts(self) -> Option<(usize, usize)> {
        match self {
            DemoSize::Small => None,
            DemoSize::Tenth => Some((500, 1_000)),
            DemoSize::County => Some((5_000, 10_000)),
        }
    }
}

/// What growing the register made, for the start-up message.
pub struct Grown {
    pub people: usize,
    pub items: usize,
    pub open_loans: usize,
    pub returned_loans: usize,
}

const MIDDLE: &[&str] = &["", "J. ", "R. ", "", "M. ", "", "T. "];
const MORE_LAST: &[&str] = &[
    "Abbott",
    "Bramble",
    "Corrin",
    "Dunmore",
    "Ellery",
    "Fothergill",
    "Garside",
    "Hollins",
    "Ingleby",
    "Jessop",
    "Kettley",
    "Lavery",
    "Mossop",
    "Nuttall",
    "Ormerod",
    "Pickles",
    "Ramsden",
    "Sowerby",
    "Thwaite",
    "Umpleby",
    "Varley",
    "Whitaker",
];

/// A made-up name; the same `i` always gives the same name, and names repeat rarely.
fn county_name(i: usize) -> String {
    let last = if i.is_multiple_of(3) {
        LAST[(i / 3) % LAST.len()]
    } else {
        MORE_LAST[(i * 7) % MORE_LAST.len()]
    };
    format!(
        "{} {}{}",
        FIRST[(i / 5) % FIRST.len()],
        MIDDLE[i % MIDDLE.len()],
        last
    )
}

fn at(day: NaiveDate, actor: &str) -> Ctx {
    let time = NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default();
    Ctx::new(actor, day.and_time(time).and_utc(), day)
}

fn person_rows(count: usize, start: NaiveDate, slug: &str) -> Vec<PersonRow> {
    (0..count)
        .map(|i| {
            let kind = match i % 10 {
                0..=4 => PersonKind::Councillor,
                5..=7 => PersonKind::CoOptedMember,
                _ => PersonKind::CommitteeAppointee,
            };
            PersonRow {
                line: i as u64 + 2,
                reference: format!("C{:05}", i + 1)
                    .parse()
                    .unwrap_or_else(|_| unreachable!("a well-formed reference")),
                name: county_name(i),
                kind,
                email: Some(format!("c{:05}@{slug}.example.org", i + 1)),
                // One in twenty shares a household with the person before them.
                household: (i % 20 >= 18).then(|| format!("CH{:05}", i / 20)),
                term_start: Some(start),
                term_end: None,
                offices: Vec::new(),
            }
        })
        .collect()
}

/// The asset list as it stood on `listed`: bought over the six years before, tested within
/// the eleven months before.
fn equipment_rows(count: usize, listed: NaiveDate) -> Vec<EquipmentRow> {
    (0..count)
        .map(|i| {
            let (kind, prefix, model, cost) = match i % 20 {
                0..=9 => (EquipmentKind::Laptop, "CL", "Lenvo T14 Gen 4", 89_900),
                10..=16 => (EquipmentKind::Tablet, "CT", "Tablet Air 10", 59_900),
                _ => (EquipmentKind::MobilePhone, "CP", "Handset S5", 42_000),
            };
            let bought = days_ago(listed, 30 + (i as u32 * 37) % 2_100);
            let tested = days_ago(listed, (i as u32 * 13) % 330).max(bought);
            EquipmentRow {
                line: i as u64 + 2,
                asset_tag: format!("{prefix}-{:05}", i + 1)
                    .parse()
                    .unwrap_or_else(|_| unreachable!("a well-formed asset tag")),
                kind,
                model: model.into(),
                serial: Some(format!("S{:08X}", 0x5EED_0000_u32 + i as u32)),
                purchased_on: Some(bought),
                replacement_cost: Pence(cost),
                pat_tested_on: Some(tested),
                encrypted: true,
                state: EquipmentState::InStock,
            }
        })
        .collect()
}

/// Grows `council` (under `pack`) to the size asked for, as of `today`. `authoriser` is the
/// reference of the officer who authorises loans where the policy asks for one.
pub async fn grow(
    store: &Store,
    actor: &str,
    today: NaiveDate,
    council: &Council,
    pack: &Pack,
    authoriser: Option<&str>,
    size: DemoSize,
) -> anyhow::Result<Option<Grown>> {
    let Some((people_count, items_count)) = size.counts() else {
        return Ok(None);
    };
    let slug = council.slug.to_string();
    let start = days_ago(today, 700);
    let bar = super::super::progress(4, false);
    bar.set_message("people");

    // The members' system's export and the asset list, through the imports.
    let people_rows = person_rows(people_count, start, &slug);
    let references: Vec<_> = people_rows.iter().map(|r| r.reference.clone()).collect();
    let names: Vec<_> = people_rows.iter().map(|r| r.name.clone()).collect();
    let mut tx = store.begin().await?;
    people::import(
        &mut tx,
        &at(start, actor),
        council,
        "county-people.csv",
        people_rows,
        |_| {},
    )
    .await?;
    tx.commit().await?;
    bar.inc(1);

    let listed = days_ago(today, 650);
    let items = equipment_rows(items_count, listed);
    let tags: Vec<_> = items
        .iter()
        .map(|r| (r.kind, r.asset_tag.clone()))
        .collect();
    let mut tx = store.begin().await?;
    equipment::import(
        &mut tx,
        &at(listed, actor),
        council,
        "county-assets.csv",
        items,
        |_| {},
    )
    .await?;
    tx.commit().await?;
    bar.inc(1);

    // Nine in ten have signed, over the first months of their term.
    let signing = pack.acceptance.is_some();
    let signed: Vec<bool> = (0..people_count).map(|i| i % 10 != 9).collect();
    if signing {
        let mut tx = store.begin().await?;
        for (i, reference) in references.iter().enumerate() {
            if !signed[i] {
                continue;
            }
            let day = days_ago(today, 600 - (i * 90 / people_count) as u32);
            let signature = acceptance::Signature::Typed {
                name: names[i].clone(),
            };
            acceptance::sign(&mut tx, &at(day, actor), council, reference, signature).await?;
        }
        tx.commit().await?;
    }
    bar.inc(1);

    // Lending: each signed person gets a laptop, and every other one a tablet too, until the
    // stock runs out. A third of the laptops were lent a year ago, returned and lent again.
    let authoriser = authoriser.map(str::parse).transpose()?;
    let laptops: Vec<_> = tags
        .iter()
        .filter(|(k, _)| *k == EquipmentKind::Laptop)
        .map(|(_, t)| t.clone())
        .collect();
    let tablets: Vec<_> = tags
        .iter()
        .filter(|(k, _)| *k == EquipmentKind::Tablet)
        .map(|(_, t)| t.clone())
        .collect();
    let mut plan = Vec::new();
    let (mut next_laptop, mut next_tablet) = (0, 0);
    for (i, reference) in references.iter().enumerate() {
        if signing && !signed[i] {
            continue;
        }
        if let Some(tag) = laptops.get(next_laptop) {
            plan.push((reference.clone(), tag.clone()));
            next_laptop += 1;
        }
        if i % 2 == 0
            && let Some(tag) = tablets.get(next_tablet)
        {
            plan.push((reference.clone(), tag.clone()));
            next_tablet += 1;
        }
    }
    let mut open = 0;
    let mut returned = 0;
    let mut tx = store.begin().await?;
    // Last year's loans of the laptops still in stock, returned after six months.
    let spare = laptops.iter().skip(next_laptop);
    let earlier = days_ago(today, 400);
    let back = days_ago(today, 220);
    for (reference, tag) in references.iter().zip(spare).step_by(2) {
        let lent = loans::issue(
            &mut tx,
            &at(earlier, actor),
            council,
            reference,
            tag,
            authoriser.as_ref(),
        )
        .await;
        if let Ok(issued) = lent {
            loans::return_loan(&mut tx, &at(back, actor), council, issued.loan.id).await?;
            returned += 1;
        }
    }
    for (n, (reference, tag)) in plan.iter().enumerate() {
        let day = days_ago(today, 200 - (n * 180 / plan.len().max(1)) as u32);
        let lent = loans::issue(
            &mut tx,
            &at(day, actor),
            council,
            reference,
            tag,
            authoriser.as_ref(),
        )
        .await;
        if lent.is_ok() {
            open += 1;
        }
    }
    // One in fifty lost their seat three weeks ago; some have not returned what they hold.
    let left = days_ago(today, 21);
    for reference in references.iter().step_by(50) {
        people::leave(
            &mut tx,
            &at(left, actor),
            council,
            reference,
            left,
            TermEndReason::NotReElected,
        )
        .await?;
    }
    tx.commit().await?;
    bar.inc(1);
    bar.finish_and_clear();
    Ok(Some(Grown {
        people: people_count,
        items: items_count,
        open_loans: open,
        returned_loans: returned,
    }))
}

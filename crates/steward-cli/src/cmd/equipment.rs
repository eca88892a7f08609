use super::listing;
use crate::app::App;
use crate::args::EquipmentCmd;
use crate::exit;
use crate::output::{Table, opt};
use steward_domain::import::parse_equipment;
use steward_domain::ops::equipment::list::{EquipmentFilter, EquipmentListed, EquipmentSort};
use steward_domain::ops::equipment::{self, EquipmentEdit};
use steward_domain::repo::NewEquipment;
use steward_domain::{Pence, RegisterTx};
use steward_policy::{EquipmentKind, EquipmentState};

pub async fn run(app: &App, cmd: EquipmentCmd) -> anyhow::Result<u8> {
    let ctx = app.ctx();
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    match cmd {
        EquipmentCmd::Add(a) => {
            let new = NewEquipment {
                asset_tag: a.tag.parse()?,
                kind: a.kind.parse::<EquipmentKind>()?,
                model: a.model,
                serial: a.serial,
                purchased_on: a.purchased,
                replacement_cost: Pence::parse_pounds(&a.cost)?,
                pat_tested_on: a.pat_tested,
                encrypted: a.encrypted,
                state: EquipmentState::InStock,
            };
            let item = equipment::add(&mut tx, &ctx, &council, new).await?;
            tx.commit().await?;
            app.out.emit(&item, || registered(&item))?;
        }
        EquipmentCmd::List { list, kind, state } => {
            drop(tx);
            let filter = EquipmentFilter {
                kind: kind
                    .as_deref()
                    .map(str::parse::<EquipmentKind>)
                    .transpose()?,
                state: state
                    .as_deref()
                    .map(str::parse::<EquipmentState>)
                    .transpose()?,
            };
            let query = listing::query::<EquipmentSort, _>(&list, filter)?;
            let council = &council;
            let fetched = listing::fetch(&list, query, |q| async move {
                let mut tx = app.store.read().await?;
                Ok(equipment::list::list(&mut tx, council, &q).await?)
            })
            .await?;
            fetched.print(&app.out, ("item", "items"), || equipment_table(&fetched))?;
            return Ok(exit::OK);
        }
        EquipmentCmd::Show { tag } => {
            let item = equipment::find(&mut tx, &council, &tag.parse()?).await?;
            let loan = tx.open_loan_of_equipment(council.id, item.id).await?;
            let value = EquipmentDetail {
                equipment: item,
                open_loan: loan,
            };
            app.out.emit(&value, || {
                show_text(&value.equipment, value.open_loan.as_ref())
            })?;
        }
        EquipmentCmd::Edit {
            tag,
            model,
            serial,
            cost,
            purchased_on,
        } => {
            let change = edit_of(model, serial, cost.as_deref(), purchased_on.as_deref())?;
            let item = equipment::edit(&mut tx, &ctx, &council, &tag.parse()?, change).await?;
            tx.commit().await?;
            app.out.emit(&item, || edited_text(&item))?;
        }
        EquipmentCmd::Import { file } => {
            let name = file.display().to_string();
            let data = crate::input::read(&file, crate::input::CSV)?;
            let rows = parse_equipment(&name, &data)?;
            let bar = crate::cmd::progress(rows.len() as u64, app.out.json);
            let count = equipment::import(&mut tx, &ctx, &council, &name, rows, |n| {
                bar.set_position(n)
            })
            .await?;
            tx.commit().await?;
            bar.finish_and_clear();
            super::person::imported(&app.out, count, "items")?;
        }
        EquipmentCmd::PatTest { tag, on } => {
            let item = equipment::record_pat_test(
                &mut tx,
                &ctx,
                &council,
                &tag.parse()?,
                on.unwrap_or(ctx.today),
            )
            .await?;
            tx.commit().await?;
            app.out.emit(&item, || tested_text(&item))?;
        }
        EquipmentCmd::State { tag, state } => {
            let item = equipment::set_state(&mut tx, &ctx, &council, &tag.parse()?, state.parse()?)
                .await?;
            tx.commit().await?;
            app.out.emit(&item, || {
                format!("{} is now {}.\n", item.asset_tag, item.state)
            })?;
        }
        EquipmentCmd::Address(c) => {
            return super::network::address(app, tx, &ctx, &council, c).await;
        }
    }
    Ok(exit::OK)
}

/// What `equipment add` says it did.
/// An item and its open loan, as `equipment show` gives them.
#[derive(serde::Deserialize, serde::Serialize)]
pub struct EquipmentDetail {
    pub equipment: steward_domain::Equipment,
    pub open_loan: Option<steward_domain::Loan>,
}

pub(crate) fn registered(item: &steward_domain::Equipment) -> String {
    format!(
        "Registered {} ({}, {}).\n",
        item.asset_tag, item.kind, item.model
    )
}

/// The items of a list as a table, with where the next page starts.
pub(crate) fn equipment_table(fetched: &listing::Fetched<EquipmentListed>) -> String {
    let mut t = Table::new(&[
        "TAG",
        "KIND",
        "MODEL",
        "STATE",
        "HELD BY",
        "COST",
        "PURCHASED",
        "PAT TEST",
    ]);
    for listed in fetched.items() {
        let e = &listed.equipment;
        t.row(vec![
            e.asset_tag.to_string(),
            e.kind.to_string(),
            e.model.clone(),
            e.state.to_string(),
            listed
                .holder
                .as_ref()
                .map(|h| format!("{} ({})", h.name, h.reference))
                .unwrap_or_else(|| "-".into()),
            e.replacement_cost.to_string(),
            opt(&e.purchased_on),
            opt(&e.pat_tested_on),
        ]);
    }
    t.render() + &fetched.footer()
}

/// One item and its open loan, as `equipment show` prints them.
pub(crate) fn show_text(
    item: &steward_domain::Equipment,
    loan: Option<&steward_domain::Loan>,
) -> String {
    format!(
        "{} {} ({})\nState: {}\nSerial: {}\nPurchased: {}\nReplacement cost: {}\nPAT tested: {}\nEncrypted: {}\nOpen loan: {}\n",
        item.asset_tag,
        item.model,
        item.kind,
        item.state,
        opt(&item.serial),
        opt(&item.purchased_on),
        item.replacement_cost,
        opt(&item.pat_tested_on),
        if item.encrypted { "yes" } else { "no" },
        loan.map(|l| l.id.to_string())
            .unwrap_or_else(|| "none".into())
    )
}

/// The corrections `equipment edit` was given, checked as the command checks them.
pub(crate) fn edit_of(
    model: Option<String>,
    serial: Option<String>,
    cost: Option<&str>,
    purchased_on: Option<&str>,
) -> anyhow::Result<EquipmentEdit> {
    let purchased_on = match purchased_on.map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(text) => Some(Some(crate::args::parse_date(text).map_err(|message| {
            crate::Exit {
                code: exit::INVALID,
                message,
            }
        })?)),
    };
    let change = EquipmentEdit {
        model,
        serial,
        replacement_cost: cost.map(Pence::parse_pounds).transpose()?,
        purchased_on,
    };
    if change.is_empty() {
        return Err(crate::Exit {
            code: exit::INVALID,
            message: "say what to correct: --model, --serial, --replacement-cost or --purchased-on"
                .into(),
        }
        .into());
    }
    Ok(change)
}

pub(crate) fn edited_text(item: &steward_domain::Equipment) -> String {
    format!(
        "{} {} ({})\nSerial: {}\nPurchased: {}\nReplacement cost: {}\n",
        item.asset_tag,
        item.model,
        item.kind,
        opt(&item.serial),
        opt(&item.purchased_on),
        item.replacement_cost,
    )
}

pub(crate) fn tested_text(item: &steward_domain::Equipment) -> String {
    format!(
        "{} passed a PAT test on {}.\n",
        item.asset_tag,
        opt(&item.pat_tested_on)
    )
}

//! `steward person web-identity ...` and `steward equipment address ...`: who the web filter
//! knows behind a proxy user name or a device's address.

use crate::app::App;
use crate::args::{AddressCmd, WebIdentityCmd};
use crate::cmd::listing;
use crate::exit;
use crate::output::Table;
use steward_domain::ops::network::identities::{self, IdentitySort};
use steward_domain::{Council, Ctx};
use steward_store::StoreTx;

pub async fn web_identity(
    app: &App,
    mut tx: StoreTx,
    ctx: &Ctx,
    council: &Council,
    cmd: WebIdentityCmd,
) -> anyhow::Result<u8> {
    match cmd {
        WebIdentityCmd::Add {
            reference,
            username,
        } => {
            let user =
                identities::add_user(&mut tx, ctx, council, &reference.parse()?, &username).await?;
            tx.commit().await?;
            app.out
                .emit(&user, || known_text(&reference, &user, true))?;
        }
        WebIdentityCmd::Remove {
            reference,
            username,
        } => {
            let user =
                identities::remove_user(&mut tx, ctx, council, &reference.parse()?, &username)
                    .await?;
            tx.commit().await?;
            app.out
                .emit(&user, || known_text(&reference, &user, false))?;
        }
        WebIdentityCmd::List {
            reference: Some(reference),
            list,
        } => {
            one_person_only(&list)?;
            let lines = identities::list(&mut tx, council, &reference.parse()?, ctx.today).await?;
            app.out.emit(&lines, || identities_table(&lines))?;
        }
        WebIdentityCmd::List {
            reference: None,
            list,
        } => {
            drop(tx);
            let query = listing::query::<IdentitySort, _>(&list, ())?;
            let today = ctx.today;
            let fetched = listing::fetch(&list, query, |q| async move {
                let mut tx = app.store.read().await?;
                Ok(identities::page(&mut tx, council, &q, today).await?)
            })
            .await?;
            fetched.print(&app.out, ("person", "people"), || {
                identities_table(fetched.items()) + &fetched.footer()
            })?;
        }
    }
    Ok(exit::OK)
}

pub async fn address(
    app: &App,
    mut tx: StoreTx,
    ctx: &Ctx,
    council: &Council,
    cmd: AddressCmd,
) -> anyhow::Result<u8> {
    let (tag, addresses) = match cmd {
        AddressCmd::Set { tag, addresses } => {
            let parsed = addresses
                .iter()
                .map(|a| identities::network_address(a))
                .collect::<Result<Vec<_>, _>>()?;
            (tag, parsed)
        }
        AddressCmd::Clear { tag } => (tag, Vec::new()),
    };
    let done = identities::set_addresses(&mut tx, ctx, council, &tag.parse()?, &addresses).await?;
    tx.commit().await?;
    app.out.emit(&done, || addresses_text(&done))?;
    Ok(exit::OK)
}

/// A proxy user name added to a person (or taken away).
pub(crate) fn known_text(
    reference: &str,
    user: &steward_domain::network::ProxyUser,
    added: bool,
) -> String {
    let now = if added { "is" } else { "is no longer" };
    format!(
        "{reference} {now} known to the web proxy as {}.\n",
        user.username
    )
}

/// The list's options are for everyone's list; one person's line is one line.
pub(crate) fn one_person_only(list: &crate::args::ListArgs) -> anyhow::Result<()> {
    let listing = list.search.is_some() || list.sort.is_some() || list.desc || list.limit.is_some();
    if listing {
        return Err(crate::Exit {
            code: exit::USAGE,
            message: "--search, --sort, --desc and --limit list everyone; leave them out with \
                      a person's reference"
                .into(),
        }
        .into());
    }
    Ok(())
}

pub(crate) fn identities_table(lines: &[identities::IdentityLine]) -> String {
    let mut t = Table::new(&["REF", "NAME", "PROXY USERS", "DEVICES ON LOAN TODAY"]);
    for l in lines {
        let devices: Vec<String> = l
            .devices
            .iter()
            .map(|d| {
                let addresses: Vec<String> = d.addresses.iter().map(ToString::to_string).collect();
                format!("{} ({})", d.asset_tag, addresses.join(", "))
            })
            .collect();
        t.row(vec![
            l.reference.to_string(),
            l.name.clone(),
            l.usernames.join(", "),
            devices.join("; "),
        ]);
    }
    t.render()
}

pub(crate) fn addresses_text(done: &identities::ItemAddresses) -> String {
    if done.addresses.is_empty() {
        format!("{} has no network address.\n", done.asset_tag)
    } else {
        let list: Vec<String> = done.addresses.iter().map(ToString::to_string).collect();
        format!("{} uses {}.\n", done.asset_tag, list.join(", "))
    }
}

//! What the outbound milter decided, through the API.

use super::calls::ListAt;
use super::register::{Link, fetch};
use crate::args::DecisionsArgs;
use crate::cmd::mail;
use crate::exit;
use steward_domain::mail::MailDecisionRecord;
use steward_domain::ops::mail::milter::DecisionSort;
use steward_policy::mail::MailAction;

/// The decisions, newest first unless a sort is given, as on a database.
pub fn list(link: &Link<'_>, args: DecisionsArgs) -> anyhow::Result<()> {
    if let Some(a) = &args.action {
        serde_json::from_value::<MailAction>(serde_json::Value::String(a.trim().into())).map_err(
            |_| crate::Exit {
                code: exit::USAGE,
                message: format!("--action: '{a}' is not accept, reject or hold"),
            },
        )?;
    }
    let mut list = args.list.clone();
    if list.sort.is_none() && !list.desc {
        list.desc = true;
    }
    crate::cmd::listing::query::<DecisionSort, _>(&list, ())?;
    let mut call = ListAt::<MailDecisionRecord>::new("/mail/decisions")
        .with("action", args.action.as_deref().map(str::trim))
        .with("flagged", args.flagged.then_some(true));
    let found = fetch(&list, |w| {
        call.window = w;
        link.remote.send(&call)
    })?;
    found.print(link.out, ("decision", "decisions"), || {
        mail::decisions_table(&found)
    })?;
    Ok(())
}

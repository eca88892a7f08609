//! The replacement programme (`[refresh]`): whoever looks after equipment is told when an item
//! on loan reaches the age at which the policy replaces it, with its place in the queue.

use super::facts::kind_words;
use super::route::equipment_care;
use super::{Day, Finding, Found, Source, SweepTx};
use crate::ops::due::DueKind;
use crate::outbox::Letter;
use steward_policy::long_date;

pub(crate) struct Refresh;

impl<T: SweepTx> Source<T> for Refresh {
    fn name(&self) -> &'static str {
        "refresh"
    }

    fn find<'a>(&'a self, _tx: &'a mut T, day: &'a Day) -> Found<'a> {
        Box::pin(async move {
            let mut out = Vec::new();
            let queue = day.due.entries().iter();
            for entry in queue.filter(|e| e.item.kind == DueKind::Refresh) {
                let item = &entry.item;
                let (Some(tag), Some(citation), Some(from), Some(equipment)) =
                    (&item.asset_tag, &item.citation, item.due_on, &entry.about)
                else {
                    continue;
                };
                let (audience, routing) = equipment_care(&day.active.pack, equipment.kind);
                let holder = item
                    .person_name
                    .as_deref()
                    .map(|n| format!(", held by {n}"))
                    .unwrap_or_default();
                let letter = Letter {
                    subject: format!("{tag} is due for replacement"),
                    decision: format!("Due for replacement from {}", long_date(from)),
                    citation: citation.clone(),
                    paragraphs: vec![
                        format!(
                            "The {} {tag} ({}{holder}) reaches the age at which the policy \
                             replaces equipment on {}. It is at {}.",
                            kind_words(equipment.kind),
                            equipment.model,
                            long_date(from),
                            item.detail
                        ),
                        "Please plan its replacement.".to_string(),
                    ],
                    council: day.council.name.clone(),
                };
                out.push(Finding {
                    source: "refresh",
                    key: format!("refresh:{tag}:{from}"),
                    summary: format!(
                        "{tag}{holder}: due for replacement from {}",
                        long_date(from)
                    ),
                    letter,
                    audience,
                    routing: Some(routing),
                    action: None,
                });
            }
            Ok(out)
        })
    }
}

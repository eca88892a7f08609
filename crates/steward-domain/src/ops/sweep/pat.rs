//! PAT tests: whoever looks after equipment is told when an item's electrical safety test is
//! due (`loans.pat_test.retest_every`), has run out, or was never done.

use super::facts::kind_words;
use super::route::equipment_care;
use super::{Day, Finding, Found, Source, SweepTx};
use crate::ops::due::DueKind;
use crate::outbox::Letter;
use steward_policy::long_date;

pub(crate) struct PatTests;

impl<T: SweepTx> Source<T> for PatTests {
    fn name(&self) -> &'static str {
        "pat-test"
    }

    fn find<'a>(&'a self, _tx: &'a mut T, day: &'a Day) -> Found<'a> {
        Box::pin(async move {
            let mut out = Vec::new();
            for entry in day
                .due
                .entries()
                .iter()
                .filter(|e| e.item.kind == DueKind::PatRetest)
            {
                let item = &entry.item;
                let (Some(tag), Some(citation), Some(equipment)) =
                    (&item.asset_tag, &item.citation, &entry.about)
                else {
                    continue;
                };
                let (audience, routing) = equipment_care(&day.active.pack, equipment.kind);
                let (key, decision) = match item.due_on {
                    Some(date) => (
                        format!("pat-test:{tag}:{date}"),
                        format!("PAT test due {}", long_date(date)),
                    ),
                    None => (
                        format!("pat-test:{tag}:untested"),
                        "PAT test needed before use".to_string(),
                    ),
                };
                let letter = Letter {
                    subject: format!("PAT test needed for {tag}"),
                    decision,
                    citation: citation.clone(),
                    paragraphs: vec![
                        format!(
                            "The {} {tag} ({}) needs an electrical safety (PAT) test: {}.",
                            kind_words(equipment.kind),
                            equipment.model,
                            item.detail
                        ),
                        "Please arrange the test and record it in Steward when it has passed."
                            .to_string(),
                    ],
                    council: day.council.name.clone(),
                };
                out.push(Finding {
                    source: "pat-test",
                    key,
                    summary: item.detail.clone(),
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

//! What a sync would change, worked out from the directory's entries and the register alone.

use super::entry::{DirectoryEntry, EntryProblem, ExternalId};
use crate::ids::PersonRef;
use crate::records::Person;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use steward_policy::{OfficeId, PersonKind};

/// A person in the register, as a sync needs to see them on the day it runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Registered {
    pub person: Person,
    /// The directory entry they are linked to, once a sync has matched them.
    pub external_id: Option<ExternalId>,
    /// Whether a term of theirs runs on the day.
    pub serving: bool,
    /// The offices they hold on the day.
    pub offices: BTreeSet<OfficeId>,
}

/// A value before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Change<T> {
    pub from: T,
    pub to: T,
}

/// Someone in the directory the register does not have yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Joiner {
    pub entry: DirectoryEntry,
}

/// Someone in both whose details differ, or who is back after leaving.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Mover {
    pub reference: PersonRef,
    /// Their name in the register before the change.
    pub name: String,
    pub external_id: ExternalId,
    /// Matched by reference to someone the directory had not been linked to before.
    pub links: bool,
    pub new_name: Option<Change<String>>,
    pub email: Option<Change<Option<String>>>,
    pub kind: Option<Change<PersonKind>>,
    /// Not serving now, so a new term starts.
    pub term_starts: bool,
    pub offices_start: Vec<OfficeId>,
    pub offices_end: Vec<OfficeId>,
}

/// Someone linked to the directory who is serving and no longer in it: their term ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Leaver {
    pub reference: PersonRef,
    pub name: String,
    pub external_id: ExternalId,
}

/// Everything a sync changes, and the entries it could not read (whose people it leaves alone).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Plan {
    pub joiners: Vec<Joiner>,
    pub movers: Vec<Mover>,
    pub leavers: Vec<Leaver>,
    pub problems: Vec<EntryProblem>,
    /// People in both with nothing to change.
    pub unchanged: usize,
}

impl Plan {
    pub fn changes(&self) -> usize {
        self.joiners.len() + self.movers.len() + self.leavers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.changes() == 0
    }
}

/// One line of a plan in words, for a preview table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanRow {
    /// "New", "Changed" or "Leaving".
    pub change: String,
    pub reference: PersonRef,
    pub name: String,
    /// What happens, in words.
    pub what: String,
}

fn kind_words(kind: PersonKind) -> String {
    kind.as_str().replace('_', " ")
}

fn offices_words(offices: &[OfficeId]) -> String {
    offices
        .iter()
        .map(|o| o.as_str().replace('_', " "))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Plan {
    /// Every change in words, joiners first, then changes, then leavers.
    pub fn rows(&self) -> Vec<PlanRow> {
        let mut rows = Vec::new();
        for j in &self.joiners {
            let e = &j.entry;
            let mut what = format!("joins as {}, with a term from today", kind_words(e.kind));
            let offices: Vec<OfficeId> = e.offices.iter().cloned().collect();
            if !offices.is_empty() {
                what.push_str(&format!("; holds {}", offices_words(&offices)));
            }
            rows.push(PlanRow {
                change: "New".into(),
                reference: e.reference.clone(),
                name: e.name.clone(),
                what,
            });
        }
        for m in &self.movers {
            let mut parts = Vec::new();
            if m.links {
                parts.push("matched to the directory by reference".to_string());
            }
            if let Some(c) = &m.new_name {
                parts.push(format!("name becomes {}", c.to));
            }
            if let Some(c) = &m.email {
                parts.push(match &c.to {
                    Some(to) => format!("email becomes {to}"),
                    None => "email address removed".to_string(),
                });
            }
            if let Some(c) = &m.kind {
                parts.push(format!(
                    "kind changes from {} to {}",
                    kind_words(c.from),
                    kind_words(c.to)
                ));
            }
            if m.term_starts {
                parts.push("a new term starts today".to_string());
            }
            if !m.offices_end.is_empty() {
                parts.push(format!("no longer holds {}", offices_words(&m.offices_end)));
            }
            if !m.offices_start.is_empty() {
                parts.push(format!("now holds {}", offices_words(&m.offices_start)));
            }
            rows.push(PlanRow {
                change: "Changed".into(),
                reference: m.reference.clone(),
                name: m.name.clone(),
                what: parts.join("; "),
            });
        }
        for l in &self.leavers {
            rows.push(PlanRow {
                change: "Leaving".into(),
                reference: l.reference.clone(),
                name: l.name.clone(),
                what: "no longer in the directory: their term ends today".into(),
            });
        }
        rows
    }

    /// "2 joining, 1 changing and 1 leaving".
    pub fn summary(&self) -> String {
        format!(
            "{} joining, {} changing and {} leaving",
            self.joiners.len(),
            self.movers.len(),
            self.leavers.len()
        )
    }
}

/// Compares the directory with the register. `held` are the ids of entries that could not be
/// read: their people neither change nor leave. Only the offices in `managed` (those the group
/// mappings name) are started or ended; offices given by hand stay.
pub fn plan(
    entries: &[DirectoryEntry],
    held: &[EntryProblem],
    managed: &BTreeSet<OfficeId>,
    register: &[Registered],
) -> Plan {
    let mut out = Plan {
        problems: held.to_vec(),
        ..Plan::default()
    };
    let mut kept: BTreeSet<&ExternalId> =
        held.iter().filter_map(|p| p.external_id.as_ref()).collect();

    let by_link: BTreeMap<&ExternalId, &Registered> = register
        .iter()
        .filter_map(|r| r.external_id.as_ref().map(|e| (e, r)))
        .collect();
    let by_ref: BTreeMap<&PersonRef, &Registered> =
        register.iter().map(|r| (&r.person.reference, r)).collect();

    let mut ids: BTreeMap<&ExternalId, usize> = BTreeMap::new();
    let mut refs: BTreeMap<&PersonRef, usize> = BTreeMap::new();
    for e in entries {
        *ids.entry(&e.external_id).or_default() += 1;
        *refs.entry(&e.reference).or_default() += 1;
    }

    let mut sorted: Vec<&DirectoryEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| (&a.reference, &a.external_id).cmp(&(&b.reference, &b.external_id)));
    for entry in sorted {
        let problem = |message: String| EntryProblem {
            entry: entry.reference.to_string(),
            external_id: Some(entry.external_id.clone()),
            message,
        };
        kept.insert(&entry.external_id);
        if ids[&entry.external_id] > 1 {
            out.problems.push(problem(format!(
                "the directory has {} entries with the id {}",
                ids[&entry.external_id], entry.external_id
            )));
            continue;
        }
        if refs[&entry.reference] > 1 {
            out.problems.push(problem(format!(
                "the directory gives the reference {} to {} entries",
                entry.reference, refs[&entry.reference]
            )));
            continue;
        }
        let (found, links) = match by_link.get(&entry.external_id) {
            Some(r) => (Some(*r), false),
            None => match by_ref.get(&entry.reference) {
                Some(r) if r.external_id.is_some() => {
                    out.problems.push(problem(format!(
                        "{} ({}) is linked to another directory entry",
                        r.person.name, r.person.reference
                    )));
                    continue;
                }
                Some(r) => (Some(*r), true),
                None => (None, false),
            },
        };
        let Some(r) = found else {
            out.joiners.push(Joiner {
                entry: entry.clone(),
            });
            continue;
        };
        if r.person.reference != entry.reference {
            out.problems.push(problem(format!(
                "the register knows this person as {}, and a reference is never changed",
                r.person.reference
            )));
            continue;
        }
        let p = &r.person;
        let differs = |a: &str, b: &str| a != b;
        let mover = Mover {
            reference: p.reference.clone(),
            name: p.name.clone(),
            external_id: entry.external_id.clone(),
            links,
            new_name: differs(&p.name, &entry.name).then(|| Change {
                from: p.name.clone(),
                to: entry.name.clone(),
            }),
            email: (p.email != entry.email).then(|| Change {
                from: p.email.clone(),
                to: entry.email.clone(),
            }),
            kind: (p.kind != entry.kind).then_some(Change {
                from: p.kind,
                to: entry.kind,
            }),
            term_starts: !r.serving,
            offices_start: entry
                .offices
                .iter()
                .filter(|o| !r.offices.contains(*o))
                .cloned()
                .collect(),
            offices_end: r
                .offices
                .iter()
                .filter(|o| managed.contains(*o) && !entry.offices.contains(*o))
                .cloned()
                .collect(),
        };
        let changed = mover.links
            || mover.new_name.is_some()
            || mover.email.is_some()
            || mover.kind.is_some()
            || mover.term_starts
            || !mover.offices_start.is_empty()
            || !mover.offices_end.is_empty();
        if changed {
            out.movers.push(mover);
        } else {
            out.unchanged += 1;
        }
    }

    for (id, r) in &by_link {
        if r.serving && !kept.contains(id) {
            out.leavers.push(Leaver {
                reference: r.person.reference.clone(),
                name: r.person.name.clone(),
                external_id: (*id).clone(),
            });
        }
    }
    out.leavers.sort_by(|a, b| a.reference.cmp(&b.reference));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn office(s: &str) -> OfficeId {
        OfficeId(s.into())
    }

    fn entry(id: &str, reference: &str, name: &str, offices: &[&str]) -> DirectoryEntry {
        DirectoryEntry {
            external_id: ExternalId::parse(id).unwrap(),
            reference: reference.parse().unwrap(),
            name: name.into(),
            email: Some(format!("{}@example.org", reference.to_lowercase())),
            kind: PersonKind::Councillor,
            offices: offices.iter().map(|o| office(o)).collect(),
        }
    }

    fn registered(e: &DirectoryEntry, linked: bool, serving: bool) -> Registered {
        Registered {
            person: Person {
                id: 0,
                council_id: 1,
                reference: e.reference.clone(),
                name: e.name.clone(),
                kind: e.kind,
                email: e.email.clone(),
                household: None,
            },
            external_id: linked.then(|| e.external_id.clone()),
            serving,
            offices: if serving {
                e.offices.clone()
            } else {
                BTreeSet::new()
            },
        }
    }

    fn managed() -> BTreeSet<OfficeId> {
        ["leader", "cabinet"].iter().map(|o| office(o)).collect()
    }

    #[test]
    fn joiners_movers_and_leavers() {
        let ada = entry("a", "M1", "Ada", &["leader"]);
        let bo = entry("b", "M2", "Bo", &[]);
        let cy = entry("c", "M3", "Cy", &[]);
        let mut register = vec![registered(&ada, true, true), registered(&cy, true, true)];
        // Someone given an office by hand keeps it.
        register[1].offices.insert(office("chair"));
        let moved = entry("a", "M1", "Ada Pryce", &["cabinet"]);
        let plan = plan(&[moved, bo.clone()], &[], &managed(), &register);
        assert_eq!(plan.joiners, vec![Joiner { entry: bo }]);
        assert_eq!(plan.movers.len(), 1);
        let m = &plan.movers[0];
        assert_eq!(m.new_name.as_ref().unwrap().to, "Ada Pryce");
        assert_eq!(m.offices_start, vec![office("cabinet")]);
        assert_eq!(m.offices_end, vec![office("leader")]);
        assert_eq!(plan.leavers.len(), 1);
        assert_eq!(plan.leavers[0].reference.as_str(), "M3");
    }

    #[test]
    fn an_unreadable_entry_keeps_its_person_and_unlinked_people_never_leave() {
        let ada = entry("a", "M1", "Ada", &[]);
        let hand = entry("h", "S9", "Added by hand", &[]);
        let register = vec![registered(&ada, true, true), registered(&hand, false, true)];
        let held = EntryProblem {
            entry: "uid=ada".into(),
            external_id: Some(ada.external_id.clone()),
            message: "it has no displayName".into(),
        };
        let plan = plan(&[], &[held], &managed(), &register);
        assert!(plan.is_empty(), "{plan:?}");
        assert_eq!(plan.problems.len(), 1);
    }

    #[test]
    fn matching_by_reference_links_and_duplicates_are_problems() {
        let ada = entry("a", "M1", "Ada", &[]);
        let plan1 = plan(
            std::slice::from_ref(&ada),
            &[],
            &managed(),
            &[registered(&ada, false, true)],
        );
        assert!(plan1.movers[0].links);
        let twin = entry("z", "M1", "Another Ada", &[]);
        let plan2 = plan(&[ada, twin], &[], &managed(), &[]);
        assert!(plan2.joiners.is_empty());
        assert_eq!(plan2.problems.len(), 2);
    }

    #[test]
    fn someone_back_after_leaving_starts_a_new_term() {
        let ada = entry("a", "M1", "Ada", &[]);
        let plan = plan(
            std::slice::from_ref(&ada),
            &[],
            &managed(),
            &[registered(&ada, true, false)],
        );
        assert!(plan.movers[0].term_starts);
        assert!(plan.leavers.is_empty());
    }

    /// The register after a plan is carried out, as `apply` does it.
    fn carry_out(register: &[Registered], plan: &Plan) -> Vec<Registered> {
        let mut out: Vec<Registered> = register.to_vec();
        for j in &plan.joiners {
            out.push(registered(&j.entry, true, true));
        }
        for m in &plan.movers {
            let r = out
                .iter_mut()
                .find(|r| r.person.reference == m.reference)
                .unwrap();
            r.external_id = Some(m.external_id.clone());
            if let Some(c) = &m.new_name {
                r.person.name = c.to.clone();
            }
            if let Some(c) = &m.email {
                r.person.email = c.to.clone();
            }
            if let Some(c) = &m.kind {
                r.person.kind = c.to;
            }
            r.serving = true;
            for o in &m.offices_end {
                r.offices.remove(o);
            }
            r.offices.extend(m.offices_start.iter().cloned());
        }
        for l in &plan.leavers {
            let r = out
                .iter_mut()
                .find(|r| r.person.reference == l.reference)
                .unwrap();
            r.serving = false;
            r.offices.clear();
        }
        out
    }

    fn arb_entry() -> impl Strategy<Value = DirectoryEntry> {
        (
            0..12u8,
            "[A-Z][a-z]{1,6}",
            prop::option::of(0..3u8),
            prop::collection::btree_set(prop::sample::select(vec!["leader", "cabinet"]), 0..3),
            prop::bool::ANY,
        )
            .prop_map(|(n, name, mail, offices, staff)| DirectoryEntry {
                external_id: ExternalId::parse(&format!("id{n}")).unwrap(),
                reference: format!("R{n}").parse().unwrap(),
                name,
                email: mail.map(|m| format!("p{m}@example.org")),
                kind: if staff {
                    PersonKind::Employee
                } else {
                    PersonKind::Councillor
                },
                offices: offices.into_iter().map(office).collect(),
            })
    }

    fn unique(entries: Vec<DirectoryEntry>) -> Vec<DirectoryEntry> {
        let mut seen = BTreeSet::new();
        entries
            .into_iter()
            .filter(|e| seen.insert(e.external_id.clone()))
            .collect()
    }

    proptest! {
        /// After carrying a plan out, the same directory plans nothing more, and nobody is
        /// ever removed from the register.
        #[test]
        fn a_plan_carried_out_leaves_nothing_to_do(
            before in prop::collection::vec(arb_entry(), 0..8),
            after in prop::collection::vec(arb_entry(), 0..8),
            serving in prop::collection::vec(prop::bool::ANY, 8),
        ) {
            let before = unique(before);
            let after = unique(after);
            let register: Vec<Registered> = before
                .iter()
                .zip(&serving)
                .map(|(e, s)| registered(e, true, *s))
                .collect();
            let first = plan(&after, &[], &managed(), &register);
            let now = carry_out(&register, &first);
            prop_assert!(now.len() >= register.len());
            let again = plan(&after, &[], &managed(), &now);
            prop_assert!(again.is_empty(), "{:?}", again);
            // Everyone in the directory is serving; everyone linked and absent is not.
            for r in &now {
                let listed = after.iter().any(|e| Some(&e.external_id) == r.external_id.as_ref());
                prop_assert_eq!(r.serving, listed);
            }
        }
    }
}

//! A computed report held in memory, sorted both ways it is offered, with its counts; pages
//! are cut from it by keyset like any list (a cursor holds the sort key and the subject's id).

use super::list::{DueQuery, DueSort};
use super::{DueItem, DueKind, DueReport};
use crate::error::{DomainError, DomainResult};
use crate::listing::{Cursor, Listed, SortValue, Total, Toward, words_of};
use crate::records::{Council, Id};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use steward_policy::EquipmentKind;
use steward_policy::decide::Dated;

/// The item an entry is about, for notices that describe it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemBrief {
    pub kind: EquipmentKind,
    pub model: String,
}

/// One item of the report with what sorts and finds it.
#[derive(Clone, Debug, PartialEq)]
pub struct DueEntry {
    pub item: DueItem,
    /// The loan, item, person, statement or policy version the entry is about: unique within
    /// its kind, so with the sort key it places the entry exactly.
    pub subject: Id,
    pub about: Option<ItemBrief>,
    /// A place in the replacement queue, which orders those entries instead of their dates.
    rank: Option<usize>,
    /// Words of the person's reference and name and the asset tag, for searching.
    words: Vec<String>,
}

const NO_DATE: &str = "0000-00-00";

impl DueEntry {
    pub fn new(item: DueItem, subject: Id) -> DueEntry {
        let words = [&item.person, &item.person_name, &item.asset_tag]
            .into_iter()
            .flatten()
            .flat_map(|text| words_of(text).collect::<Vec<_>>())
            .collect();
        DueEntry {
            item,
            subject,
            about: None,
            rank: None,
            words,
        }
    }

    pub fn about(mut self, brief: ItemBrief) -> DueEntry {
        self.about = Some(brief);
        self
    }

    pub fn ranked(mut self, rank: usize) -> DueEntry {
        self.rank = Some(rank);
        self
    }

    fn date_text(&self) -> String {
        self.item
            .due_on
            .map_or_else(|| NO_DATE.to_string(), |d| d.to_string())
    }

    /// The sort key under `sort`: by kind (then date, or queue place), or by date (then kind).
    /// Undated entries (never signed) are due now, so they come first.
    fn key(&self, sort: DueSort) -> String {
        let kind = self.item.kind.ordinal();
        match (sort, self.rank) {
            (DueSort::Kind, Some(rank)) => format!("{kind:02}.{rank:08}"),
            (DueSort::Kind, None) => format!("{kind:02}.{}", self.date_text()),
            (DueSort::Due, _) => format!("{}.{kind:02}", self.date_text()),
        }
    }

    /// Whether every word of the search begins one of the entry's words.
    fn found_by(&self, search: &[String]) -> bool {
        search
            .iter()
            .all(|w| self.words.iter().any(|mine| mine.starts_with(w.as_str())))
    }
}

/// How many items of each kind, and the figures the start page adds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DueCounts {
    /// Items of each kind that has any.
    pub by_kind: BTreeMap<DueKind, u64>,
    pub total: u64,
    /// Open loans due back from the report's day to six days after it.
    pub due_this_week: u64,
}

impl DueCounts {
    pub fn of(&self, kind: DueKind) -> u64 {
        self.by_kind.get(&kind).copied().unwrap_or(0)
    }
}

/// The whole report for one council and day, sorted, counted and ready to page.
#[derive(Clone, Debug)]
pub struct DueSet {
    pub council: String,
    pub as_of: NaiveDate,
    /// The policy in force, as people read it; none when none is adopted.
    pub policy: Option<String>,
    /// When the policy is next due for review, whether or not that is near.
    pub review: Option<Dated>,
    /// In the report's order: by kind, then date (the replacement queue in its own order).
    entries: Vec<DueEntry>,
    /// Positions in `entries` by date, then kind.
    by_due: Vec<usize>,
    counts: DueCounts,
}

impl DueSet {
    pub fn new(
        council: &Council,
        as_of: NaiveDate,
        policy: Option<String>,
        mut entries: Vec<DueEntry>,
        due_this_week: u64,
        review: Option<Dated>,
    ) -> DueSet {
        let place = |sort: DueSort, e: &DueEntry| (e.key(sort), e.subject);
        entries.sort_by_cached_key(|e| place(DueSort::Kind, e));
        let mut by_due: Vec<usize> = (0..entries.len()).collect();
        by_due.sort_by_cached_key(|i| place(DueSort::Due, &entries[*i]));
        let mut counts = DueCounts {
            due_this_week,
            total: entries.len() as u64,
            ..DueCounts::default()
        };
        for e in &entries {
            *counts.by_kind.entry(e.item.kind).or_default() += 1;
        }
        DueSet {
            council: council.name.clone(),
            as_of,
            policy,
            review,
            entries,
            by_due,
            counts,
        }
    }

    /// A council without a policy in force: nothing is due.
    pub fn empty(council: &Council, as_of: NaiveDate) -> DueSet {
        DueSet::new(council, as_of, None, Vec::new(), 0, None)
    }

    pub fn counts(&self) -> &DueCounts {
        &self.counts
    }

    /// Every entry, in the report's order.
    pub fn entries(&self) -> &[DueEntry] {
        &self.entries
    }

    /// Whether the policy's review date has passed.
    pub fn review_overdue(&self) -> bool {
        self.review.as_ref().is_some_and(|r| r.date < self.as_of)
    }

    /// The whole report.
    pub fn report(&self) -> DueReport {
        DueReport {
            council: self.council.clone(),
            as_of: self.as_of,
            policy: self.policy.clone(),
            items: self.entries.iter().map(|e| e.item.clone()).collect(),
        }
    }

    /// The page `query` asks for: its kind and search, in its order, from its cursor.
    pub fn page(&self, query: &DueQuery) -> DomainResult<Listed<DueItem>> {
        let sort = query.sort;
        let in_order: Box<dyn Iterator<Item = &DueEntry>> = match sort {
            DueSort::Kind => Box::new(self.entries.iter()),
            DueSort::Due => Box::new(self.by_due.iter().filter_map(|i| self.entries.get(*i))),
        };
        let mut shown: Vec<&DueEntry> = in_order
            .filter(|e| query.filter.kind.is_none_or(|k| e.item.kind == k))
            .filter(|e| e.found_by(query.search.words()))
            .collect();
        let descending = query.direction.is_descending();
        if descending {
            shown.reverse();
        }
        let n = shown.len();
        let (start, end) = window(&shown, query, descending)?;
        let page = shown.get(start..end).unwrap_or_default();
        let cursor_at = |e: &DueEntry, toward, index: usize| Cursor {
            toward,
            value: SortValue::Text(e.key(sort)),
            id: e.subject,
            index: index as u64,
        };
        Ok(Listed {
            items: page.iter().map(|e| e.item.clone()).collect(),
            total: Total::Exactly(n as u64),
            first_index: start as u64,
            next: (end < n)
                .then(|| page.last().map(|e| cursor_at(e, Toward::After, end)))
                .flatten(),
            previous: (start > 0)
                .then(|| page.first().map(|e| cursor_at(e, Toward::Before, start)))
                .flatten(),
        })
    }
}

/// Where the page `query` asks for starts and ends among `shown` (in the order shown).
fn window(shown: &[&DueEntry], query: &DueQuery, descending: bool) -> DomainResult<(usize, usize)> {
    let n = shown.len();
    let limit = query.window.limit() as usize;
    let Some(cursor) = &query.window.from else {
        return Ok((0, limit.min(n)));
    };
    let SortValue::Text(value) = &cursor.value else {
        return Err(bad_cursor());
    };
    // Where each entry lies against the cursor's row, in the order shown.
    let against = |e: &&DueEntry| {
        let order = (e.key(query.sort).as_str(), e.subject).cmp(&(value.as_str(), cursor.id));
        if descending { order.reverse() } else { order }
    };
    Ok(match cursor.toward {
        Toward::After => {
            let start = shown.partition_point(|e| against(e) != Ordering::Greater);
            (start, (start + limit).min(n))
        }
        Toward::Before => {
            let end = shown.partition_point(|e| against(e) == Ordering::Less);
            (end.saturating_sub(limit), end)
        }
    })
}

fn bad_cursor() -> DomainError {
    DomainError::invalid(
        "cursor",
        "the cursor belongs to another list or order; start from the first page",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::{Direction, ListQuery, SearchWords, Window};
    use crate::ops::due::{DueFilter, DueSort};

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// Thirty entries of four kinds on a handful of dates (several sharing one), some undated.
    fn set() -> DueSet {
        let kinds = [
            DueKind::OverdueReturn,
            DueKind::ReturnSoon,
            DueKind::AcceptanceMissing,
            DueKind::PatRetest,
        ];
        let entries = (0..30)
            .map(|i: i64| {
                let kind = kinds[(i % 4) as usize];
                let due_on = (kind != DueKind::AcceptanceMissing)
                    .then(|| day("2027-05-01") + chrono::Duration::days(i % 3));
                let item = DueItem {
                    kind,
                    due_on,
                    person: Some(format!("M{i:03}")),
                    person_name: Some(if i % 2 == 0 { "Ada Quill" } else { "Ben Rowe" }.into()),
                    asset_tag: Some(format!("LAP-{i}")),
                    loan_id: Some(i),
                    detail: String::new(),
                    citation: None,
                };
                DueEntry::new(item, 100 - i)
            })
            .collect();
        let council = Council {
            id: 1,
            slug: "dunmere".parse().unwrap(),
            name: "Dunmere".into(),
        };
        DueSet::new(&council, day("2027-05-02"), None, entries, 0, None)
    }

    fn query(sort: DueSort, direction: Direction, kind: Option<DueKind>, q: &str) -> DueQuery {
        ListQuery {
            search: SearchWords::parse(q),
            sort,
            direction,
            filter: DueFilter { kind },
            window: Window::first(4),
        }
    }

    fn people(page: &Listed<DueItem>) -> Vec<String> {
        page.items.iter().filter_map(|i| i.person.clone()).collect()
    }

    #[test]
    fn pages_walk_every_order_without_gaps_or_repeats_and_back_again() {
        let set = set();
        for sort in DueSort::ALL {
            for direction in [Direction::Ascending, Direction::Descending] {
                for (kind, q, want) in [
                    (None, "", 30),
                    (Some(DueKind::ReturnSoon), "", 8),
                    (None, "ben", 15),
                    (Some(DueKind::PatRetest), "rowe lap", 7),
                ] {
                    let mut q = query(sort, direction, kind, q);
                    let mut pages = vec![set.page(&q).unwrap()];
                    while let Some(next) = pages.last().and_then(|p| p.next.clone()) {
                        q.window = Window::at(4, Some(next));
                        pages.push(set.page(&q).unwrap());
                    }
                    let seen: Vec<String> = pages.iter().flat_map(people).collect();
                    let mut unique = seen.clone();
                    unique.sort();
                    unique.dedup();
                    assert_eq!(
                        (seen.len(), unique.len()),
                        (want, want),
                        "{sort:?} {kind:?}"
                    );
                    for (i, page) in pages.iter().enumerate() {
                        assert_eq!(page.total, Total::Exactly(want as u64));
                        assert_eq!(page.first_index, 4 * i as u64);
                        if let Some(kind) = kind {
                            assert!(page.items.iter().all(|it| it.kind == kind));
                        }
                        // Each page's previous link leads to the page before it.
                        let Some(back) = page.previous.clone() else {
                            assert_eq!(i, 0);
                            continue;
                        };
                        q.window = Window::at(4, Some(back));
                        let before = set.page(&q).unwrap();
                        assert_eq!(people(&before), people(&pages[i - 1]), "{sort:?} page {i}");
                        assert_eq!(before.first_index, pages[i - 1].first_index);
                    }
                    // Ascending and descending are the same order turned round.
                    if direction == Direction::Descending {
                        let mut up = query(sort, Direction::Ascending, kind, "");
                        up.search = q.search.clone();
                        up.window = Window::first(200);
                        let mut ascending = people(&set.page(&up).unwrap());
                        ascending.reverse();
                        assert_eq!(seen, ascending, "{sort:?} {kind:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_report_order_is_by_kind_then_date_and_the_other_by_date_then_kind() {
        let set = set();
        let all = |sort| {
            let mut q = query(sort, Direction::Ascending, None, "");
            q.window = Window::first(200);
            set.page(&q).unwrap().items
        };
        let by_kind = all(DueSort::Kind);
        assert!(
            by_kind
                .windows(2)
                .all(|w| (w[0].kind, w[0].due_on) <= (w[1].kind, w[1].due_on))
        );
        let by_due = all(DueSort::Due);
        assert!(
            by_due
                .windows(2)
                .all(|w| (w[0].due_on, w[0].kind) <= (w[1].due_on, w[1].kind))
        );
        // Undated items, due now, come first by date.
        assert_eq!(by_due[0].kind, DueKind::AcceptanceMissing);
        assert_eq!(set.counts().of(DueKind::OverdueReturn), 8);
        assert_eq!(set.counts().total, 30);
    }

    #[test]
    fn a_cursor_of_another_kind_is_refused() {
        let set = set();
        let mut q = query(DueSort::Kind, Direction::Ascending, None, "");
        q.window = Window::at(
            4,
            Some(Cursor {
                toward: Toward::After,
                value: SortValue::Int(3),
                id: 1,
                index: 4,
            }),
        );
        assert!(set.page(&q).is_err());
    }
}

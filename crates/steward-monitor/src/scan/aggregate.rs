//! Findings from logs, summed per person, category and UTC day. Memory grows with the number of
//! such combinations, never with the number of lines.

use crate::category::CategoryId;
use chrono::{DateTime, NaiveDate, Utc};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// Sample URLs kept per finding.
pub const SAMPLES: usize = 3;

/// What one person reached in one category on one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The proxy user name, or the client address when the log has no user.
    pub person: String,
    pub category: String,
    pub day: NaiveDate,
    pub count: u64,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// The first few different URLs, in the order seen.
    pub samples: Vec<String>,
}

#[derive(Clone, Debug)]
struct Cell {
    count: u64,
    first_ms: i64,
    last_ms: i64,
    samples: Vec<Box<[u8]>>,
}

#[derive(Clone, Debug, Default)]
pub struct Aggregator {
    people: FxHashMap<Box<[u8]>, u32>,
    names: Vec<Box<[u8]>>,
    cells: FxHashMap<(u32, CategoryId, i64), Cell>,
}

impl Aggregator {
    pub fn new() -> Aggregator {
        Aggregator::default()
    }

    fn person_id(&mut self, person: &[u8]) -> u32 {
        if let Some(&id) = self.people.get(person) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(person.into());
        self.people.insert(person.into(), id);
        id
    }

    /// Records one request by `person` in `category` at `unix_ms`.
    pub fn add(&mut self, person: &[u8], category: CategoryId, unix_ms: i64, url: &[u8]) {
        let id = self.person_id(person);
        let day = unix_ms.div_euclid(86_400_000);
        let cell = self.cells.entry((id, category, day)).or_insert(Cell {
            count: 0,
            first_ms: unix_ms,
            last_ms: unix_ms,
            samples: Vec::new(),
        });
        cell.count += 1;
        cell.first_ms = cell.first_ms.min(unix_ms);
        cell.last_ms = cell.last_ms.max(unix_ms);
        if cell.samples.len() < SAMPLES && !cell.samples.iter().any(|s| &s[..] == url) {
            cell.samples.push(url.into());
        }
    }

    /// Distinct (person, category, day) combinations.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Every finding, by person, then day, then category name. `names` are the matcher's
    /// category names.
    pub fn findings<'a>(&'a self, names: &'a [String]) -> impl Iterator<Item = Finding> + 'a {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let time = |ms: i64| DateTime::from_timestamp_millis(ms).unwrap_or_default();
        let mut keys: Vec<_> = self.cells.keys().copied().collect();
        let person = |id: u32| self.names.get(id as usize).map_or(&[][..], |n| &n[..]);
        let category = |id: CategoryId| names.get(usize::from(id)).map_or("", String::as_str);
        keys.sort_by(|a, b| {
            (person(a.0), a.2, category(a.1)).cmp(&(person(b.0), b.2, category(b.1)))
        });
        keys.into_iter().filter_map(move |key| {
            let cell = self.cells.get(&key)?;
            Some(Finding {
                person: text(person(key.0)),
                category: category(key.1).to_string(),
                day: time(key.2 * 86_400_000).date_naive(),
                count: cell.count,
                first_seen: time(cell.first_ms),
                last_seen: time(cell.last_ms),
                samples: cell.samples.iter().map(|s| text(s)).collect(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_per_person_category_and_day() {
        let names = vec!["adult".to_string(), "games".to_string()];
        let mut a = Aggregator::new();
        let day = 1_767_225_600_000; // 2026-01-01T00:00:00Z
        a.add(b"u1", 1, day + 5_000, b"http://g.example/1");
        a.add(b"u1", 1, day + 1_000, b"http://g.example/2");
        a.add(b"u1", 1, day + 9_000, b"http://g.example/1");
        a.add(b"u1", 1, day + 9_500, b"http://g.example/3");
        a.add(b"u1", 1, day + 9_600, b"http://g.example/4");
        a.add(b"u1", 1, day + 86_400_000, b"http://g.example/5");
        a.add(b"10.0.0.1", 0, day, b"http://a.example/");
        let found: Vec<Finding> = a.findings(&names).collect();
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].person, "10.0.0.1");
        let first = &found[1];
        assert_eq!(
            (first.person.as_str(), first.category.as_str(), first.count),
            ("u1", "games", 5)
        );
        assert_eq!(first.day.to_string(), "2026-01-01");
        assert_eq!(first.first_seen.to_rfc3339(), "2026-01-01T00:00:01+00:00");
        assert_eq!(first.last_seen.timestamp_millis(), day + 9_600);
        assert_eq!(
            first.samples,
            [
                "http://g.example/1",
                "http://g.example/2",
                "http://g.example/3"
            ]
        );
        assert_eq!(found[2].day.to_string(), "2026-01-02");
    }
}

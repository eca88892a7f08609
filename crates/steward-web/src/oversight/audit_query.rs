//! The audit log's filter as the page's form gives it: read into the domain's query, with
//! each problem named against its field, and written back into the links between pages.

use crate::listing::{PER_PAGE, encode};
use crate::pages::FieldError;
use chrono::NaiveDate;
use serde::Deserialize;
use steward_domain::listing::{Cursor, Direction, SearchWords, Window};
use steward_domain::ops::audit_log::{
    ACTIONS, AuditLogFilter, AuditLogQuery, AuditSort, ENTITIES, london_day_end, london_day_start,
};

/// The form's fields, each kept as text until read.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AuditForm {
    #[serde(default)]
    pub entity: String,
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// `oldest` for oldest first; anything else is newest first.
    #[serde(default)]
    pub order: String,
    pub cursor: Option<String>,
    pub format: Option<String>,
}

fn day(text: &str, field: &'static str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match steward_domain::import::parse_date(text) {
        Ok(day) => Some(day),
        Err(_) => {
            errors.push(FieldError {
                field,
                message: "Enter the date as day/month/year, for example 16/05/2027".into(),
            });
            None
        }
    }
}

fn text(value: &str, field: &'static str, errors: &mut Vec<FieldError>) -> Option<String> {
    match AuditLogFilter::text(field, Some(value)) {
        Ok(text) => text,
        Err(e) => {
            errors.push(FieldError {
                field,
                message: crate::pages::sentence(
                    e.to_string().trim_start_matches(&format!("{field}: ")),
                ),
            });
            None
        }
    }
}

impl AuditForm {
    pub fn oldest_first(&self) -> bool {
        self.order == "oldest"
    }

    pub fn wants_csv(&self) -> bool {
        self.format.as_deref() == Some("csv")
    }

    /// The filter these fields ask for, or what is wrong with them. Days are days in London.
    pub fn filter(&self) -> Result<AuditLogFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let entity = self.entity.trim();
        if !entity.is_empty() && !ENTITIES.iter().any(|(e, _)| *e == entity) {
            errors.push(FieldError {
                field: "entity",
                message: "Choose a kind of record from the list".into(),
            });
        }
        let action = self.action.trim();
        if !action.is_empty() && !ACTIONS.iter().any(|a| a.action == action) {
            errors.push(FieldError {
                field: "action",
                message: "Choose what happened from the list".into(),
            });
        }
        let id = text(&self.id, "id", &mut errors);
        let actor = text(&self.actor, "actor", &mut errors);
        let from = day(&self.from, "from", &mut errors);
        let to = day(&self.to, "to", &mut errors);
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            errors.push(FieldError {
                field: "to",
                message: "The end date must be the same as or after the start date".into(),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(AuditLogFilter {
            entity: (!entity.is_empty()).then(|| entity.to_string()),
            entity_id: id,
            action: (!action.is_empty()).then(|| action.to_string()),
            actor,
            from: from.map(london_day_start),
            to: to.map(london_day_end),
        })
    }

    /// The page asked for: newest first unless the form says otherwise. A cursor that does not
    /// read back starts from the first page.
    pub fn query(&self, filter: AuditLogFilter, limit: u32) -> AuditLogQuery {
        AuditLogQuery {
            search: SearchWords::default(),
            sort: AuditSort::Seq,
            direction: if self.oldest_first() {
                Direction::Ascending
            } else {
                Direction::Descending
            },
            filter,
            window: Window::at(
                limit,
                self.cursor
                    .as_deref()
                    .and_then(|c| c.parse::<Cursor>().ok()),
            ),
        }
    }

    pub fn page_query(&self, filter: AuditLogFilter) -> AuditLogQuery {
        self.query(filter, PER_PAGE as u32)
    }

    /// The query string for these fields, with `extra` pairs after them.
    pub fn link(&self, extra: &[(&str, &str)]) -> String {
        let order = if self.oldest_first() { "oldest" } else { "" };
        let pairs = [
            ("entity", self.entity.trim()),
            ("id", self.id.trim()),
            ("action", self.action.trim()),
            ("actor", self.actor.trim()),
            ("from", self.from.trim()),
            ("to", self.to.trim()),
            ("order", order),
        ];
        pairs
            .iter()
            .chain(extra)
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_reads_london_days_and_refuses_what_it_cannot() {
        let form = AuditForm {
            entity: "loan".into(),
            id: " 3 ".into(),
            action: "loan.issue".into(),
            from: "16/05/2027".into(),
            to: "2027-05-20".into(),
            ..AuditForm::default()
        };
        let f = form.filter().unwrap();
        assert_eq!(f.entity.as_deref(), Some("loan"));
        assert_eq!(f.entity_id.as_deref(), Some("3"));
        assert_eq!(f.action.as_deref(), Some("loan.issue"));
        // Midnight in London in May is 23:00 UTC the day before.
        assert_eq!(f.from.unwrap().to_rfc3339(), "2027-05-15T23:00:00+00:00");
        assert!(
            f.to.unwrap()
                .to_rfc3339()
                .starts_with("2027-05-20T22:59:59")
        );

        let bad = AuditForm {
            entity: "spaceship".into(),
            action: "warp.engage".into(),
            actor: "x".repeat(201),
            from: "31/02/2027".into(),
            ..AuditForm::default()
        };
        let fields: Vec<&str> = bad.filter().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["entity", "action", "actor", "from"]);

        let backwards = AuditForm {
            from: "20/05/2027".into(),
            to: "19/05/2027".into(),
            ..AuditForm::default()
        };
        assert_eq!(backwards.filter().unwrap_err()[0].field, "to");
        let none = AuditForm::default().filter().unwrap();
        assert_eq!(none, AuditLogFilter::default());
    }

    #[test]
    fn pages_run_newest_first_unless_asked_and_links_keep_the_filter() {
        let form = AuditForm {
            entity: "person".into(),
            id: "M 1&x".into(),
            ..AuditForm::default()
        };
        let q = form.page_query(AuditLogFilter::default());
        assert_eq!(q.direction, Direction::Descending);
        assert_eq!(q.window.limit(), PER_PAGE as u32);
        assert_eq!(
            form.link(&[("cursor", "abc")]),
            "entity=person&id=M+1%26x&cursor=abc"
        );
        let oldest = AuditForm {
            order: "oldest".into(),
            cursor: Some("not a cursor".into()),
            ..AuditForm::default()
        };
        let q = oldest.page_query(AuditLogFilter::default());
        assert_eq!(q.direction, Direction::Ascending);
        assert_eq!(q.window.from, None);
        assert_eq!(oldest.link(&[]), "order=oldest");
    }
}

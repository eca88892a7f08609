//! The request and case lists, paged in SQL. Who may see what arrives as the domain's
//! [`Scope`], turned here into conditions on the rows; nothing is filtered after the fetch.

use super::cases::{CASE, case};
use super::requests::{REQUEST, request};
use crate::listing::{Arg, Frag, KeyKind, ListSql};
use crate::rows::{Cols, RowRef, time_text};
use crate::search;
use crate::tx::StoreTx;
use chrono::{DateTime, Utc};
use steward_domain::auth::Scope;
use steward_domain::listing::Listed;
use steward_domain::ops::case_list::{CaseQuery, CaseSort, CaseStates};
use steward_domain::ops::cases::CaseView;
use steward_domain::ops::requests::PersonBrief;
use steward_domain::ops::requests::RequestView;
use steward_domain::ops::requests::list::{
    Assigned, RequestFilter, RequestQuery, RequestSort, StateChoice,
};
use steward_domain::workflow::{CaseState, RequestState};
use steward_domain::{Id, RepoResult};
use steward_policy::OfficeId;

/// Sorts with no response time after every real one; the same text as the index.
const NO_DUE: &str = "COALESCE(r.due_at, '9999-12-31T23:59:59.999999Z')";

/// `?, ?, ?` for `n` values.
fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

fn office_args(offices: &[OfficeId]) -> Vec<Arg> {
    offices.iter().map(|o| Arg::from(o.as_str())).collect()
}

/// The requests `scope` admits, as [`Scope::admits_request`] says in Rust.
fn request_scope(scope: &Scope) -> Option<Frag> {
    match scope {
        Scope::Everything => None,
        Scope::Nothing => Some(Frag::new("1 = 0", Vec::new())),
        Scope::Person(id) => Some(Frag::new("r.requester_id = ?", vec![Arg::Int(*id)])),
        Scope::Offices { offices, person_id } => {
            let mut parts = Vec::new();
            let mut args = Vec::new();
            if !offices.is_empty() {
                let m = marks(offices.len());
                parts.push(format!(
                    "r.handler IN ({m}) OR EXISTS (SELECT 1 FROM request_approvers ra \
                     WHERE ra.council_id = r.council_id AND ra.request_id = r.id \
                     AND ra.office IN ({m}))"
                ));
                args.extend(office_args(offices));
                args.extend(office_args(offices));
            }
            if let Some(id) = person_id {
                parts.push("r.requester_id = ?".into());
                args.push(Arg::Int(*id));
            }
            if parts.is_empty() {
                return Some(Frag::new("1 = 0", Vec::new()));
            }
            Some(Frag::new(format!("({})", parts.join(" OR ")), args))
        }
    }
}

/// The cases `scope` admits, as [`Scope::admits_case`] says in Rust.
fn case_scope(scope: &Scope) -> Option<Frag> {
    match scope {
        Scope::Everything => None,
        Scope::Offices { offices, .. } if !offices.is_empty() => {
            let m = marks(offices.len());
            let mut args = office_args(offices);
            args.extend(office_args(offices));
            Some(Frag::new(
                format!(
                    "(EXISTS (SELECT 1 FROM case_handlers ch WHERE ch.council_id = c.council_id \
                     AND ch.case_id = c.id AND ch.office IN ({m})) OR c.escalated_to IN ({m}))"
                ),
                args,
            ))
        }
        _ => Some(Frag::new("1 = 0", Vec::new())),
    }
}

/// `column IN (...)` for the states not yet dealt with.
fn open_states(column: &str) -> Frag {
    let open: Vec<Arg> = RequestState::ALL
        .iter()
        .filter(|s| !s.is_closed())
        .map(|s| Arg::from(s.as_str()))
        .collect();
    Frag::new(format!("{column} IN ({})", marks(open.len())), open)
}

fn brief(row: RowRef<'_>, prefix: &str) -> RepoResult<Option<PersonBrief>> {
    let c = Cols::new(row, "requests");
    let reference = c.opt_text(&format!("{prefix}_reference"))?;
    let name = c.opt_text(&format!("{prefix}_name"))?;
    Ok(match (reference, name) {
        (Some(reference), Some(name)) => Some(PersonBrief {
            reference: reference
                .parse()
                .map_err(|_| steward_domain::RepoError::Corrupt("a person reference".into()))?,
            name,
        }),
        _ => None,
    })
}

fn prefixed(columns: &str, alias: &str) -> String {
    columns
        .split(',')
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) async fn request_page(
    tx: &mut StoreTx,
    council_id: Id,
    scope: &Scope,
    query: &RequestQuery,
    now: DateTime<Utc>,
) -> RepoResult<Listed<RequestView>> {
    let (sort, kind) = match query.sort {
        RequestSort::Due => (NO_DUE, KeyKind::Text),
        RequestSort::Raised => ("r.created_at", KeyKind::Text),
        RequestSort::Reference => ("r.id", KeyKind::Int),
        RequestSort::State => ("r.state", KeyKind::Text),
        RequestSort::Office => ("r.handler", KeyKind::Text),
    };
    let select = Frag::new(
        format!(
            "{}, rq.reference AS requester_reference, rq.name AS requester_name, \
             asg.reference AS assignee_reference, asg.name AS assignee_name, \
             e.asset_tag AS item_tag",
            prefixed(REQUEST, "r")
        ),
        Vec::new(),
    );
    let from = "requests r \
        LEFT JOIN people rq ON rq.council_id = r.council_id AND rq.id = r.requester_id \
        LEFT JOIN people asg ON asg.council_id = r.council_id AND asg.id = r.assignee_id \
        LEFT JOIN equipment e ON e.council_id = r.council_id AND e.id = r.equipment_id";
    let mut sql = ListSql::new(select, from, sort, kind, "r.id");
    sql.eq("r.council_id", council_id);
    if let Some(condition) = request_scope(scope) {
        sql.and(condition);
    }
    request_filters(&mut sql, &query.filter);
    sql.search_numbered(
        council_id,
        &query.search,
        &[
            (search::PERSON, "r.requester_id"),
            (search::EQUIPMENT, "r.equipment_id"),
        ],
        Some("r.id"),
    );
    sql.fetch(tx, &query.window, query.direction, |row| {
        let request = request(row)?;
        Ok(RequestView {
            late: request.is_late(now),
            requester: brief(row, "requester")?,
            assignee: brief(row, "assignee")?,
            asset_tag: Cols::new(row, "requests").opt_text("item_tag")?,
            request,
        })
    })
    .await
}

/// The request list's own filters as conditions.
fn request_filters(sql: &mut ListSql, f: &RequestFilter) {
    match f.state {
        StateChoice::Open => {
            sql.and(open_states("r.state"));
        }
        StateChoice::All => {}
        StateChoice::Is(state) => {
            sql.eq("r.state", state.as_str());
        }
    }
    if let Some(office) = &f.office {
        sql.eq("r.handler", office.as_str());
    }
    if let Some(at) = f.late_at {
        sql.and(Frag::new(
            "r.due_at IS NOT NULL AND r.due_at < ?",
            vec![time_text(at).into()],
        ));
        sql.and(open_states("r.state"));
    }
    match f.assigned {
        Some(Assigned::To(person)) => {
            sql.eq("r.assignee_id", person);
        }
        Some(Assigned::Nobody) => {
            sql.and(Frag::new("r.assignee_id IS NULL", Vec::new()));
        }
        None => {}
    }
}

pub(crate) async fn case_page(
    tx: &mut StoreTx,
    council_id: Id,
    scope: &Scope,
    query: &CaseQuery,
) -> RepoResult<Listed<CaseView>> {
    let (sort, kind) = match query.sort {
        CaseSort::Raised => ("c.created_at", KeyKind::Text),
        CaseSort::Reference => ("c.id", KeyKind::Int),
        CaseSort::State => ("c.state", KeyKind::Text),
    };
    let select = Frag::new(
        format!(
            "{}, sp.reference AS subject_reference, sp.name AS subject_name, \
             rp.reference AS reporter_reference, rp.name AS reporter_name",
            prefixed(CASE, "c")
        ),
        Vec::new(),
    );
    let from = "cases c \
        LEFT JOIN people sp ON sp.council_id = c.council_id AND sp.id = c.subject_id \
        LEFT JOIN people rp ON rp.council_id = c.council_id AND rp.id = c.reporter_id";
    let mut sql = ListSql::new(select, from, sort, kind, "c.id");
    sql.eq("c.council_id", council_id);
    if let Some(condition) = case_scope(scope) {
        sql.and(condition);
    }
    let word = |s: CaseState| crate::rows::word(&s);
    match query.filter.state {
        CaseStates::Open => {
            sql.and(Frag::new(
                "c.state IN (?, ?)",
                vec![
                    Arg::from(word(CaseState::Open)),
                    Arg::from(word(CaseState::Escalated)),
                ],
            ));
        }
        CaseStates::All => {}
        CaseStates::Is(state) => {
            sql.eq("c.state", word(state));
        }
    }
    sql.search_numbered(
        council_id,
        &query.search,
        &[(search::PERSON, "c.subject_id")],
        Some("c.id"),
    );
    sql.fetch(tx, &query.window, query.direction, |row| {
        Ok(CaseView {
            case: case(row)?,
            subject: brief(row, "subject")?,
            reporter: brief(row, "reporter")?,
            handler_names: Vec::new(),
        })
    })
    .await
}

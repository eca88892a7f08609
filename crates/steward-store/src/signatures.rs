//! The signatures list: the people a policy covers, each with the dates of their latest
//! signatures, read in one statement however many there are. The policy decides each row.

use crate::listing::{Arg, Frag, KeyKind, ListSql, day_literal, literal};
use crate::people::{in_office, person};
use crate::rows::{Cols, date_text};
use crate::search;
use crate::tx::StoreTx;
use chrono::NaiveDate;
use steward_domain::listing::{Listed, Total};
use steward_domain::ops::acceptance::list::{
    SignatureListRow, SignatureQuery, SignatureScope, SignatureSort,
};
use steward_domain::{Id, RepoResult};
use steward_policy::signatures::{Outstanding, SignatureRow};

/// The latest day the person `p` signed on or before the scope's day; of the version in force
/// only when `hash` is given. Served by the index on (council, person, signed_on).
fn latest_signature(on: &str, hash: Option<&str>) -> Frag {
    let mut args: Vec<Arg> = vec![on.into()];
    let of_version = match hash {
        Some(h) => {
            args.push(h.into());
            " AND a.pack_hash = ?"
        }
        None => "",
    };
    Frag::new(
        format!(
            "(SELECT MAX(a.signed_on) FROM acceptances a WHERE a.council_id = p.council_id \
             AND a.person_id = p.id AND a.signed_on <= ?{of_version})"
        ),
        args,
    )
}

/// Whether the person `p` has no signature that counts on the scope's day: none of the version
/// (or of any version) dated from `good_from` to the day. Written as NOT EXISTS so that
/// PostgreSQL can answer it for every person at once, rather than a person at a time.
/// The days are written in (see [`literal`]).
fn no_good_signature(on: NaiveDate, hash: &str, rule: Outstanding) -> Frag {
    let mut args: Vec<Arg> = Vec::new();
    let mut sql = format!(
        "NOT EXISTS (SELECT 1 FROM acceptances a WHERE a.council_id = p.council_id \
         AND a.person_id = p.id AND a.signed_on <= {}",
        day_literal(on)
    );
    if let Some(from) = rule.good_from {
        sql.push_str(&format!(" AND a.signed_on >= {}", day_literal(from)));
    }
    if rule.of_version_only {
        sql.push_str(" AND a.pack_hash = ?");
        args.push(hash.into());
    }
    sql.push(')');
    Frag::new(sql, args)
}

fn joined(parts: &[&Frag], sql: impl Fn(&[&str]) -> String) -> Frag {
    let texts: Vec<&str> = parts.iter().map(|f| f.sql()).collect();
    let args = parts.iter().flat_map(|f| f.args().to_vec()).collect();
    Frag::new(sql(&texts), args)
}

/// The list's SQL: the people `scope` covers who match `query`, each with their signature
/// dates (read as `signed_version` and `signed_any`).
fn list_sql(council_id: Id, query: &SignatureQuery, scope: &SignatureScope) -> ListSql {
    let sort = match query.sort {
        SignatureSort::Name => "lower(p.name)",
        SignatureSort::Reference => "p.reference",
        SignatureSort::Kind => "p.kind",
    };
    let on = date_text(scope.on);
    let of_version = latest_signature(&on, Some(&scope.hash));
    let any = latest_signature(&on, None);
    let select = joined(&[&of_version, &any], |s| {
        format!(
            "p.id, p.council_id, p.reference, p.name, p.kind, p.email, p.household, \
             {} AS signed_version, {} AS signed_any",
            s[0], s[1]
        )
    });
    let mut sql = ListSql::new(select, "people p", sort, KeyKind::Text, "p.id");
    // Two sub-selects a row and a test of office: planning it took as long as running it.
    sql.plan_once();
    sql.eq("p.council_id", council_id);
    // The kinds are written in (see [`literal`]): they decide how many of the council's
    // people the plan expects.
    let kinds: Vec<String> = scope.kinds.iter().map(|k| literal(k.as_str())).collect();
    sql.and(if kinds.is_empty() {
        Frag::new("1 = 0", Vec::new())
    } else {
        Frag::new(format!("p.kind IN ({})", kinds.join(", ")), Vec::new())
    });
    sql.and(in_office(scope.on));
    if query.filter.outstanding {
        sql.and(match scope.outstanding {
            None => Frag::new("1 = 0", Vec::new()),
            Some(rule) => no_good_signature(scope.on, &scope.hash, rule),
        });
    }
    sql.search(council_id, &query.search, &[(search::PERSON, "p.id")]);
    sql
}

/// A page of the people `scope` covers, each with their signature dates; counted unless
/// `counted` gives the count.
pub(crate) async fn list_page(
    tx: &mut StoreTx,
    council_id: Id,
    query: &SignatureQuery,
    scope: &SignatureScope,
    counted: Option<Total>,
) -> RepoResult<Listed<SignatureListRow>> {
    let mut sql = list_sql(council_id, query, scope);
    sql.known_total(counted);
    sql.fetch(tx, &query.window, query.direction, |row| {
        let c = Cols::new(row, "people");
        Ok(SignatureListRow {
            person: person(row)?,
            row: SignatureRow {
                latest_of_version: c.opt_date("signed_version")?,
                latest_any: c.opt_date("signed_any")?,
            },
        })
    })
    .await
}

/// How many people the list would hold, without reading them.
pub(crate) async fn count(
    tx: &mut StoreTx,
    council_id: Id,
    query: &SignatureQuery,
    scope: &SignatureScope,
) -> RepoResult<Total> {
    list_sql(council_id, query, scope).total(tx).await
}

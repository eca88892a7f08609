//! Sessions and API tokens, each filed under the digest of its secret.
//!
//! A cookie or bearer token arrives before anything names its council, so the digest is also
//! filed in `credential_lookup` with the council it belongs to, written and removed in the
//! same transaction as the session or token. A look-up by digest reads that table first, then
//! the session or token in its council: no query on a council's tables goes without the
//! council, which is what lets a distributed database send it to one shard.

use crate::rows::{Cols, RowRef, opt_date_text, opt_time_text, parse_date, qualified, time_text};
use crate::tx::StoreTx;
use crate::users::{self, USER};
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use steward_domain::auth::{ApiToken, NewApiToken, PageSession, Session};
use steward_domain::records::OfficeHolding;
use steward_domain::{Id, RepoError, RepoResult};
use steward_policy::OfficeId;

const SESSION: &str =
    "id_hash, council_id, user_id, created_at, last_seen_at, ended_at, csrf_token";
const TOKEN: &str = "id, council_id, name, role, created_by, created_at, last_used_at, \
                     revoked_at, expires_on, scope";

fn session(row: &AnyRow) -> RepoResult<Session> {
    session_with(row, "created_at")
}

/// A session read from `row`, its start in the column `created`: a statement that joins the
/// session to its account renames it, as the account has a `created_at` too.
fn session_with(row: &AnyRow, created: &str) -> RepoResult<Session> {
    let c = Cols::new(row, "sessions");
    Ok(Session {
        id_hash: c.text("id_hash")?,
        council_id: c.int("council_id")?,
        user_id: c.int("user_id")?,
        created_at: c.time(created)?,
        last_seen_at: c.time("last_seen_at")?,
        ended_at: c.opt_time("ended_at")?,
        csrf_token: c.text("csrf_token")?,
    })
}

pub(crate) fn token<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<ApiToken> {
    let row: RowRef<'r> = row.into();
    let c = Cols::new(row, "api_tokens");
    Ok(ApiToken {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        name: c.text("name")?,
        role: c.parsed("role", "a role")?,
        created_by: c.int("created_by")?,
        created_at: c.time("created_at")?,
        last_used_at: c.opt_time("last_used_at")?,
        revoked_at: c.opt_time("revoked_at")?,
        expires_on: c.opt_date("expires_on")?,
        scope: c.parsed("scope", "a token scope")?,
    })
}

pub(crate) async fn insert_session(tx: &mut StoreTx, s: &Session) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "INSERT INTO sessions (id_hash, council_id, user_id, created_at, last_seen_at, ended_at,
             csrf_token)
         SELECT $1, council_id, id, $3, $4, $5, $6 FROM users WHERE id = $2 AND council_id = $7",
    )
    .bind(s.id_hash.as_str())
    .bind(s.user_id)
    .bind(time_text(s.created_at))
    .bind(time_text(s.last_seen_at))
    .bind(opt_time_text(s.ended_at))
    .bind(s.csrf_token.as_str())
    .bind(s.council_id);
    match tx.exec(query).await? {
        0 => Err(steward_domain::RepoError::Backend(format!(
            "no user has id {} in council {}",
            s.user_id, s.council_id
        ))),
        _ => file_lookup(tx, &s.id_hash, s.council_id, SESSION_KIND).await,
    }
}

const SESSION_KIND: &str = "session";
const TOKEN_KIND: &str = "api_token";

async fn file_lookup(tx: &mut StoreTx, hash: &str, council_id: Id, kind: &str) -> RepoResult<()> {
    let query =
        sqlx::query("INSERT INTO credential_lookup (hash, council_id, kind) VALUES ($1, $2, $3)")
            .bind(hash)
            .bind(council_id)
            .bind(kind);
    tx.exec(query).await.map(|_| ())
}

/// The council a session or token digest is filed under, if any.
async fn council_of(tx: &mut StoreTx, hash: &str, kind: &str) -> RepoResult<Option<Id>> {
    let query =
        sqlx::query("SELECT council_id FROM credential_lookup WHERE hash = $1 AND kind = $2")
            .bind(hash)
            .bind(kind);
    match tx.optional(query).await? {
        Some(row) => Cols::new(&row, "credential_lookup")
            .int("council_id")
            .map(Some),
        None => Ok(None),
    }
}

/// Removes a session's entry from the look-up, when the session itself is removed.
pub(crate) async fn forget_session(
    tx: &mut StoreTx,
    council_id: Id,
    id_hash: &str,
) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "DELETE FROM credential_lookup WHERE hash = $1 AND council_id = $2 AND kind = $3",
    )
    .bind(id_hash)
    .bind(council_id)
    .bind(SESSION_KIND);
    tx.exec(query).await.map(|_| ())
}

pub(crate) async fn session_by_hash(
    tx: &mut StoreTx,
    id_hash: &str,
) -> RepoResult<Option<Session>> {
    let Some(council_id) = council_of(tx, id_hash, SESSION_KIND).await? else {
        return Ok(None);
    };
    let sql = format!("SELECT {SESSION} FROM sessions WHERE council_id = $1 AND id_hash = $2");
    let query = sqlx::query(&sql).bind(council_id).bind(id_hash);
    tx.optional(query).await?.as_ref().map(session).transpose()
}

/// The council's session filed under `id_hash`, with the account it signs in (the foreign key
/// makes it exist) and every office the account's person has held, in one statement: a page
/// would otherwise read the session and then the offices before its own statements. Every
/// table is read within the council, so a distributed database sends it to one shard.
pub(crate) async fn page_session(
    tx: &mut StoreTx,
    council_id: Id,
    id_hash: &str,
) -> RepoResult<Option<PageSession>> {
    // The holdings travel as one text, "id|office|starts|ends" joined by ";": an office is a
    // lower-case identifier and the days are ISO dates, so neither separator can occur.
    let sql = format!(
        "SELECT s.id_hash, s.user_id, s.created_at AS session_created_at, s.last_seen_at, \
         s.ended_at, s.csrf_token, {}, \
         (SELECT string_agg(CAST(o.id AS TEXT) || '|' || o.office || '|' || o.starts || '|' \
                 || COALESCE(o.ends, ''), ';') \
            FROM office_holdings o \
           WHERE o.council_id = $1 AND o.person_id = u.person_id) AS holdings \
         FROM sessions s \
         JOIN users u ON u.council_id = s.council_id AND u.id = s.user_id \
         WHERE s.council_id = $1 AND s.id_hash = $2",
        qualified(USER, "u")
    );
    let query = sqlx::query(&sql).bind(council_id).bind(id_hash);
    let Some(row) = tx.optional(query).await? else {
        return Ok(None);
    };
    // The account's `council_id` is the session's (the join says so).
    let user = users::user(&row)?;
    let packed = Cols::new(&row, "office_holdings").opt_text("holdings")?;
    let offices = match (user.person_id, packed) {
        (Some(person), Some(packed)) => holdings(person, &packed)?,
        _ => Vec::new(),
    };
    Ok(Some(PageSession {
        session: session_with(&row, "session_created_at")?,
        user,
        offices,
    }))
}

/// The office holdings of `person` packed by [`page_session`].
fn holdings(person: Id, packed: &str) -> RepoResult<Vec<OfficeHolding>> {
    let corrupt = || RepoError::Corrupt("office_holdings holds a malformed holding".into());
    packed
        .split(';')
        .map(|one| {
            let mut parts = one.split('|');
            let (Some(id), Some(office), Some(starts), Some(ends), None) = (
                parts.next(),
                parts.next(),
                parts.next(),
                parts.next(),
                parts.next(),
            ) else {
                return Err(corrupt());
            };
            if !OfficeId::is_well_formed(office) {
                return Err(corrupt());
            }
            let day = |text: &str| parse_date(text).ok_or_else(corrupt);
            Ok(OfficeHolding {
                id: id.parse().map_err(|_| corrupt())?,
                person_id: person,
                office: OfficeId(office.to_string()),
                starts: day(starts)?,
                ends: if ends.is_empty() {
                    None
                } else {
                    Some(day(ends)?)
                },
            })
        })
        .collect()
}

fn no_session() -> String {
    "no such session".to_string()
}

pub(crate) async fn touch_session(
    tx: &mut StoreTx,
    council_id: Id,
    id_hash: &str,
    at: DateTime<Utc>,
) -> RepoResult<()> {
    tx.writable()?;
    let query =
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE council_id = $3 AND id_hash = $1")
            .bind(id_hash)
            .bind(time_text(at))
            .bind(council_id);
    tx.exec_one(query, no_session).await
}

pub(crate) async fn end_session(
    tx: &mut StoreTx,
    council_id: Id,
    id_hash: &str,
    at: DateTime<Utc>,
) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "UPDATE sessions SET ended_at = $2
         WHERE council_id = $3 AND id_hash = $1 AND ended_at IS NULL",
    )
    .bind(id_hash)
    .bind(time_text(at))
    .bind(council_id);
    tx.exec(query).await.map(|_| ())
}

pub(crate) async fn end_sessions_of_user(
    tx: &mut StoreTx,
    council_id: Id,
    user_id: Id,
    at: DateTime<Utc>,
    keep: Option<&str>,
) -> RepoResult<u64> {
    tx.writable()?;
    let query = sqlx::query(
        "UPDATE sessions SET ended_at = $2
         WHERE council_id = $4 AND user_id = $1 AND ended_at IS NULL AND id_hash <> $3",
    )
    .bind(user_id)
    .bind(time_text(at))
    .bind(keep.unwrap_or_default())
    .bind(council_id);
    tx.exec(query).await
}

pub(crate) async fn insert_token(
    tx: &mut StoreTx,
    council_id: Id,
    new: &NewApiToken,
) -> RepoResult<ApiToken> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO api_tokens (council_id, token_hash, name, role, created_by, created_at,
             expires_on, scope)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {TOKEN}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(new.token_hash.as_str())
        .bind(new.name.as_str())
        .bind(new.role.as_str())
        .bind(new.created_by)
        .bind(time_text(new.created_at))
        .bind(opt_date_text(new.expires_on))
        .bind(new.scope.as_str());
    let row = tx
        .one(query, || format!("no council has id {council_id}"))
        .await?;
    file_lookup(tx, &new.token_hash, council_id, TOKEN_KIND).await?;
    let made = token(&row)?;
    let words = crate::search::of_token_name(&made.name);
    crate::search::index(
        tx,
        council_id,
        crate::search::API_TOKEN,
        made.id,
        &words,
        false,
    )
    .await?;
    Ok(made)
}

pub(crate) async fn token_by_id(
    tx: &mut StoreTx,
    council_id: Id,
    id: Id,
) -> RepoResult<Option<ApiToken>> {
    let sql = format!("SELECT {TOKEN} FROM api_tokens WHERE council_id = $1 AND id = $2");
    let query = sqlx::query(&sql).bind(council_id).bind(id);
    tx.optional(query).await?.as_ref().map(token).transpose()
}

pub(crate) async fn token_by_hash(
    tx: &mut StoreTx,
    token_hash: &str,
) -> RepoResult<Option<ApiToken>> {
    let Some(council_id) = council_of(tx, token_hash, TOKEN_KIND).await? else {
        return Ok(None);
    };
    let sql = format!("SELECT {TOKEN} FROM api_tokens WHERE council_id = $1 AND token_hash = $2");
    let query = sqlx::query(&sql).bind(council_id).bind(token_hash);
    tx.optional(query).await?.as_ref().map(token).transpose()
}

pub(crate) async fn tokens(tx: &mut StoreTx, council_id: Id) -> RepoResult<Vec<ApiToken>> {
    let sql = format!("SELECT {TOKEN} FROM api_tokens WHERE council_id = $1 ORDER BY id DESC");
    let query = sqlx::query(&sql).bind(council_id);
    tx.all(query).await?.iter().map(token).collect()
}

pub(crate) async fn revoke_token(
    tx: &mut StoreTx,
    council_id: Id,
    id: Id,
    at: DateTime<Utc>,
) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $2
         WHERE council_id = $3 AND id = $1 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(time_text(at))
    .bind(council_id);
    tx.exec_one(query, || format!("no live token has id {id}"))
        .await
}

pub(crate) async fn touch_token(
    tx: &mut StoreTx,
    council_id: Id,
    id: Id,
    at: DateTime<Utc>,
) -> RepoResult<()> {
    tx.writable()?;
    let query =
        sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE council_id = $3 AND id = $1")
            .bind(id)
            .bind(time_text(at))
            .bind(council_id);
    tx.exec_one(query, || format!("no token has id {id}")).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn packed_holdings_are_read_back_and_a_malformed_one_is_refused() {
        let read = holdings(
            7,
            "3|chair|2026-05-07|2026-12-31;9|group_leader|2027-01-01|",
        )
        .unwrap();
        assert_eq!(
            read,
            vec![
                OfficeHolding {
                    id: 3,
                    person_id: 7,
                    office: OfficeId("chair".into()),
                    starts: day(2026, 5, 7),
                    ends: Some(day(2026, 12, 31)),
                },
                OfficeHolding {
                    id: 9,
                    person_id: 7,
                    office: OfficeId("group_leader".into()),
                    starts: day(2027, 1, 1),
                    ends: None,
                },
            ]
        );
        for bad in [
            "",
            "3|chair|2026-05-07",
            "3|chair|2026-05-07||extra",
            "x|chair|2026-05-07|",
            "3|Chair|2026-05-07|",
            "3|chair|7 May 2026|",
            "3|chair|2026-05-07|never",
        ] {
            assert!(
                matches!(holdings(7, bad), Err(RepoError::Corrupt(_))),
                "{bad:?}"
            );
        }
    }
}

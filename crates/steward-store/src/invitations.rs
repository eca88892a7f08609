//! Invitations to choose a password. Only the digest of a link's secret is stored.

use crate::rows::{Cols, opt_time_text, time_text};
use crate::tx::StoreTx;
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use steward_domain::auth::Invitation;
use steward_domain::{Id, RepoResult};

const INVITATION: &str = "id, council_id, user_id, created_at, created_by, token_hash, sent_at, \
                          expires_at, used_at, withdrawn_at";

fn invitation(row: &AnyRow) -> RepoResult<Invitation> {
    let c = Cols::new(row, "account_invitations");
    Ok(Invitation {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        user_id: c.int("user_id")?,
        created_at: c.time("created_at")?,
        created_by: c.text("created_by")?,
        token_hash: c.opt_text("token_hash")?,
        sent_at: c.opt_time("sent_at")?,
        expires_at: c.opt_time("expires_at")?,
        used_at: c.opt_time("used_at")?,
        withdrawn_at: c.opt_time("withdrawn_at")?,
    })
}

pub(crate) async fn insert(
    tx: &mut StoreTx,
    council_id: Id,
    user_id: Id,
    created_at: DateTime<Utc>,
    created_by: &str,
) -> RepoResult<Invitation> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO account_invitations (council_id, user_id, created_at, created_by)
         VALUES ($1, $2, $3, $4) RETURNING {INVITATION}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(user_id)
        .bind(time_text(created_at))
        .bind(created_by);
    let row = tx
        .one(query, || {
            format!("no account {user_id} in council {council_id}")
        })
        .await?;
    invitation(&row)
}

pub(crate) async fn by_id(
    tx: &mut StoreTx,
    council_id: Id,
    id: Id,
) -> RepoResult<Option<Invitation>> {
    let sql =
        format!("SELECT {INVITATION} FROM account_invitations WHERE council_id = $1 AND id = $2");
    let query = sqlx::query(&sql).bind(council_id).bind(id);
    tx.optional(query)
        .await?
        .as_ref()
        .map(invitation)
        .transpose()
}

pub(crate) async fn by_token(
    tx: &mut StoreTx,
    council_id: Id,
    token_hash: &str,
) -> RepoResult<Option<Invitation>> {
    let sql = format!(
        "SELECT {INVITATION} FROM account_invitations WHERE council_id = $1 AND token_hash = $2"
    );
    let query = sqlx::query(&sql).bind(council_id).bind(token_hash);
    tx.optional(query)
        .await?
        .as_ref()
        .map(invitation)
        .transpose()
}

pub(crate) async fn latest(
    tx: &mut StoreTx,
    council_id: Id,
    user_id: Id,
) -> RepoResult<Option<Invitation>> {
    let sql = format!(
        "SELECT {INVITATION} FROM account_invitations WHERE council_id = $1 AND user_id = $2
         ORDER BY id DESC LIMIT 1"
    );
    let query = sqlx::query(&sql).bind(council_id).bind(user_id);
    tx.optional(query)
        .await?
        .as_ref()
        .map(invitation)
        .transpose()
}

pub(crate) async fn update(tx: &mut StoreTx, i: &Invitation) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "UPDATE account_invitations SET token_hash = $3, sent_at = $4, expires_at = $5,
             used_at = $6, withdrawn_at = $7
         WHERE council_id = $1 AND id = $2",
    )
    .bind(i.council_id)
    .bind(i.id)
    .bind(i.token_hash.clone())
    .bind(opt_time_text(i.sent_at))
    .bind(opt_time_text(i.expires_at))
    .bind(opt_time_text(i.used_at))
    .bind(opt_time_text(i.withdrawn_at));
    tx.exec_one(query, || format!("no invitation {}", i.id))
        .await
}

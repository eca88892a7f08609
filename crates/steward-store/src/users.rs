//! Accounts and failed sign-ins.

use crate::rows::{Cols, RowRef, flag_int, opt_time_text, time_text};
use crate::search;
use crate::tx::StoreTx;
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use steward_domain::auth::{HashedPassword, NewUser, User, Username};
use steward_domain::{Id, RepoResult};

pub(crate) const USER: &str = "id, council_id, username, role, person_id, must_change_password, disabled, \
                    created_at, password_changed_at, last_sign_in_at";

pub(crate) fn user<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<User> {
    let row: RowRef<'r> = row.into();
    let c = Cols::new(row, "users");
    Ok(User {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        username: c.parsed("username", "a username")?,
        role: c.parsed("role", "a role")?,
        person_id: c.opt_int("person_id")?,
        must_change_password: c.flag("must_change_password")?,
        disabled: c.flag("disabled")?,
        created_at: c.time("created_at")?,
        password_changed_at: c.time("password_changed_at")?,
        last_sign_in_at: c.opt_time("last_sign_in_at")?,
    })
}

fn no_user(user_id: Id) -> impl FnOnce() -> String {
    move || format!("no user has id {user_id}")
}

pub(crate) async fn insert(tx: &mut StoreTx, council_id: Id, new: &NewUser) -> RepoResult<User> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO users (council_id, username, role, person_id, password_hash,
             must_change_password, disabled, created_at, password_changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7) RETURNING {USER}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(new.username.as_str())
        .bind(new.role.as_str())
        .bind(new.person_id)
        .bind(new.password_hash.as_phc())
        .bind(flag_int(new.must_change_password))
        .bind(time_text(new.created_at));
    let row = tx
        .one(query, || format!("no council has id {council_id}"))
        .await?;
    let made = user(&row)?;
    let words = search::of_username(made.username.as_str());
    search::index(tx, council_id, search::USER, made.id, &words, false).await?;
    Ok(made)
}

pub(crate) async fn update(tx: &mut StoreTx, u: &User) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "UPDATE users SET role = $3, person_id = $4, must_change_password = $5, disabled = $6,
             password_changed_at = $7, last_sign_in_at = $8
         WHERE id = $1 AND council_id = $2",
    )
    .bind(u.id)
    .bind(u.council_id)
    .bind(u.role.as_str())
    .bind(u.person_id)
    .bind(flag_int(u.must_change_password))
    .bind(flag_int(u.disabled))
    .bind(time_text(u.password_changed_at))
    .bind(opt_time_text(u.last_sign_in_at));
    tx.exec_one(query, no_user(u.id)).await
}

pub(crate) async fn set_password_hash(
    tx: &mut StoreTx,
    council_id: Id,
    user_id: Id,
    hash: &HashedPassword,
) -> RepoResult<()> {
    tx.writable()?;
    let query =
        sqlx::query("UPDATE users SET password_hash = $2 WHERE council_id = $3 AND id = $1")
            .bind(user_id)
            .bind(hash.as_phc())
            .bind(council_id);
    tx.exec_one(query, no_user(user_id)).await
}

pub(crate) async fn by_id(tx: &mut StoreTx, council_id: Id, id: Id) -> RepoResult<Option<User>> {
    let sql = format!("SELECT {USER} FROM users WHERE council_id = $1 AND id = $2");
    let query = sqlx::query(&sql).bind(council_id).bind(id);
    tx.optional(query).await?.as_ref().map(user).transpose()
}

pub(crate) async fn by_username(
    tx: &mut StoreTx,
    council_id: Id,
    username: &Username,
) -> RepoResult<Option<User>> {
    let sql = format!("SELECT {USER} FROM users WHERE council_id = $1 AND username = $2");
    let query = sqlx::query(&sql).bind(council_id).bind(username.as_str());
    tx.optional(query).await?.as_ref().map(user).transpose()
}

pub(crate) async fn list(tx: &mut StoreTx, council_id: Id) -> RepoResult<Vec<User>> {
    let sql = format!("SELECT {USER} FROM users WHERE council_id = $1 ORDER BY username");
    let query = sqlx::query(&sql).bind(council_id);
    tx.all(query).await?.iter().map(user).collect()
}

pub(crate) async fn of_person(
    tx: &mut StoreTx,
    council_id: Id,
    person_id: Id,
) -> RepoResult<Vec<User>> {
    let sql = format!(
        "SELECT {USER} FROM users WHERE council_id = $1 AND person_id = $2 ORDER BY username"
    );
    let query = sqlx::query(&sql).bind(council_id).bind(person_id);
    tx.all(query).await?.iter().map(user).collect()
}

pub(crate) async fn password_hash(
    tx: &mut StoreTx,
    council_id: Id,
    user_id: Id,
) -> RepoResult<Option<HashedPassword>> {
    let query = sqlx::query("SELECT password_hash FROM users WHERE council_id = $1 AND id = $2")
        .bind(council_id)
        .bind(user_id);
    match tx.optional(query).await? {
        Some(row) => Cols::new(&row, "users")
            .text("password_hash")
            .map(|phc| Some(HashedPassword::from_phc(phc))),
        None => Ok(None),
    }
}

pub(crate) async fn record_failure(
    tx: &mut StoreTx,
    council_id: Id,
    username: &str,
    address: &str,
    at: DateTime<Utc>,
) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "INSERT INTO sign_in_failures (council_id, username, address, at) VALUES ($1, $2, $3, $4)",
    )
    .bind(council_id)
    .bind(username)
    .bind(address)
    .bind(time_text(at));
    tx.exec(query).await.map(|_| ())
}

fn times(rows: &[AnyRow]) -> RepoResult<Vec<DateTime<Utc>>> {
    rows.iter()
        .map(|row| Cols::new(row, "sign_in_failures").time("at"))
        .collect()
}

// Timestamps are stored in one fixed-width UTC form, so text order is time order.
pub(crate) async fn failures_for_username(
    tx: &mut StoreTx,
    council_id: Id,
    username: &str,
    since: DateTime<Utc>,
) -> RepoResult<Vec<DateTime<Utc>>> {
    let query = sqlx::query(
        "SELECT at FROM sign_in_failures WHERE council_id = $1 AND username = $2 AND at >= $3
         ORDER BY at",
    )
    .bind(council_id)
    .bind(username)
    .bind(time_text(since));
    times(&tx.all(query).await?)
}

pub(crate) async fn failures_from_address(
    tx: &mut StoreTx,
    council_id: Id,
    address: &str,
    since: DateTime<Utc>,
) -> RepoResult<Vec<DateTime<Utc>>> {
    let query = sqlx::query(
        "SELECT at FROM sign_in_failures WHERE council_id = $1 AND address = $2 AND at >= $3
         ORDER BY at",
    )
    .bind(council_id)
    .bind(address)
    .bind(time_text(since));
    times(&tx.all(query).await?)
}

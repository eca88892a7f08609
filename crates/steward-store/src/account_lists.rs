//! The account and token lists, paged in SQL: the person or owner each row shows comes by a
//! join, the status by a condition the same statement answers.

use crate::listing::{Frag, KeyKind, ListSql};
use crate::rows::{Cols, date_text};
use crate::search;
use crate::tx::StoreTx;
use chrono::{DateTime, Utc};
use steward_domain::listing::Listed;
use steward_domain::ops::account_list::{
    AccountQuery, AccountSort, AccountStatus, TokenQuery, TokenSort, TokenStatus, TokenView,
    UserView,
};
use steward_domain::{Id, RepoError, RepoResult};

/// Whether the account has an invitation waiting to be used.
const INVITED: &str = "EXISTS (SELECT 1 FROM account_invitations i \
     WHERE i.council_id = u.council_id AND i.user_id = u.id \
     AND i.used_at IS NULL AND i.withdrawn_at IS NULL)";

fn status_sql() -> String {
    format!(
        "CASE WHEN u.disabled = 1 THEN 'disabled' WHEN {INVITED} THEN 'invited' \
         WHEN u.must_change_password = 1 THEN 'must_change_password' ELSE 'active' END"
    )
}

pub(crate) async fn users_page(
    tx: &mut StoreTx,
    council_id: Id,
    query: &AccountQuery,
) -> RepoResult<Listed<UserView>> {
    let (sort, kind) = match query.sort {
        AccountSort::Username => ("u.username", KeyKind::Text),
        AccountSort::Role => ("u.role", KeyKind::Text),
        AccountSort::LastSignIn => ("COALESCE(u.last_sign_in_at, '')", KeyKind::Text),
        AccountSort::Created => ("u.created_at", KeyKind::Text),
    };
    let status = status_sql();
    let select = Frag::new(
        format!(
            "u.id, u.council_id, u.username, u.role, u.person_id, u.must_change_password, \
             u.disabled, u.created_at, u.password_changed_at, u.last_sign_in_at, \
             p.reference AS person_ref, p.name AS person_name, {status} AS status"
        ),
        Vec::new(),
    );
    let from = "users u LEFT JOIN people p ON p.council_id = u.council_id AND p.id = u.person_id";
    let mut sql = ListSql::new(select, from, sort, kind, "u.id");
    sql.eq("u.council_id", council_id);
    if let Some(role) = query.filter.role {
        sql.eq("u.role", role.as_str());
    }
    if let Some(wanted) = query.filter.status {
        sql.and(Frag::new(
            format!("{status} = ?"),
            vec![wanted.as_str().into()],
        ));
    }
    sql.search(
        council_id,
        &query.search,
        &[(search::USER, "u.id"), (search::PERSON, "u.person_id")],
    );
    sql.fetch(tx, &query.window, query.direction, |row| {
        let c = Cols::new(row, "users");
        let status: String = c.text("status")?;
        Ok(UserView {
            user: crate::users::user(row)?,
            person: c.opt_parsed("person_ref", "a person's reference")?,
            person_name: c.opt_text("person_name")?,
            status: status
                .parse::<AccountStatus>()
                .map_err(|e| RepoError::Corrupt(format!("users: {e}")))?,
        })
    })
    .await
}

pub(crate) async fn tokens_page(
    tx: &mut StoreTx,
    council_id: Id,
    query: &TokenQuery,
    now: DateTime<Utc>,
) -> RepoResult<Listed<TokenView>> {
    let (sort, kind) = match query.sort {
        TokenSort::Created => ("t.created_at", KeyKind::Text),
        TokenSort::Name => ("lower(t.name)", KeyKind::Text),
        TokenSort::LastUsed => ("COALESCE(t.last_used_at, '')", KeyKind::Text),
        TokenSort::Expires => ("COALESCE(t.expires_on, '9999-12-31')", KeyKind::Text),
    };
    let select = Frag::new(
        "t.id, t.council_id, t.name, t.role, t.created_by, t.created_at, t.last_used_at, \
         t.revoked_at, t.expires_on, t.scope, ou.username AS owner",
        Vec::new(),
    );
    let from =
        "api_tokens t LEFT JOIN users ou ON ou.council_id = t.council_id AND ou.id = t.created_by";
    let mut sql = ListSql::new(select, from, sort, kind, "t.id");
    sql.eq("t.council_id", council_id);
    // A token stops working at the start of its expiry day (UTC), as `ApiToken::is_live` says.
    let today = date_text(now.date_naive());
    match query.filter.status {
        Some(TokenStatus::Revoked) => {
            sql.and(Frag::new("t.revoked_at IS NOT NULL", Vec::new()));
        }
        Some(TokenStatus::Expired) => {
            sql.and(Frag::new(
                "t.revoked_at IS NULL AND t.expires_on IS NOT NULL AND t.expires_on <= ?",
                vec![today.into()],
            ));
        }
        Some(TokenStatus::Active) => {
            sql.and(Frag::new(
                "t.revoked_at IS NULL AND (t.expires_on IS NULL OR t.expires_on > ?)",
                vec![today.into()],
            ));
        }
        None => {}
    }
    sql.search(
        council_id,
        &query.search,
        &[(search::API_TOKEN, "t.id"), (search::USER, "t.created_by")],
    );
    sql.fetch(tx, &query.window, query.direction, |row| {
        let token = crate::sessions::token(row)?;
        Ok(TokenView {
            status: TokenStatus::of(&token, now),
            username: Cols::new(row, "api_tokens").opt_parsed("owner", "a username")?,
            token,
        })
    })
    .await
}

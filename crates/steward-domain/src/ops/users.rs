//! Accounts: creating them, passwords, disabling, and withdrawing access when a person leaves.

use super::account_list::AccountStatus;
use super::{audit, people};
use crate::auth::{
    AuthTx, HashedPassword, NewUser, Password, Role, User, Username, hash_password, verify_password,
};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::PersonRef;
use crate::records::{Council, Person};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A new account. The password has already passed the rules (see [`Password::new`]).
#[derive(Clone, Debug)]
pub struct CreateUser {
    pub username: Username,
    pub role: Role,
    /// The person the account acts as; required for members and officers.
    pub person: Option<PersonRef>,
    pub password: Password,
    /// Set when the password was chosen for the user rather than by them.
    pub must_change_password: bool,
}

/// "a member", "an officer": for messages.
pub(crate) fn with_article(role: Role) -> String {
    match role {
        Role::Officer | Role::Auditor | Role::Admin => format!("an {role}"),
        Role::Member => format!("a {role}"),
    }
}

pub async fn find<T: AuthTx>(
    tx: &mut T,
    council: &Council,
    username: &Username,
) -> DomainResult<User> {
    tx.user_by_username(council.id, username)
        .await?
        .ok_or_else(|| DomainError::not_found("user", username))
}

pub async fn create<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    req: CreateUser,
) -> DomainResult<User> {
    let hash = hash_password(&req.password)?;
    let account = Account {
        username: req.username,
        role: req.role,
        person: req.person,
        must_change_password: req.must_change_password,
    };
    create_hashed(tx, ctx, council, account, hash).await
}

/// A new account's fields but its password.
#[derive(Clone, Debug)]
pub(crate) struct Account {
    pub username: Username,
    pub role: Role,
    pub person: Option<PersonRef>,
    pub must_change_password: bool,
}

/// Creates the account with a password hashed earlier, from a [`Password`] that passed the
/// rules then: setup hashes the administrator's as it is given and keeps only the hash until
/// the council is created.
pub(crate) async fn create_hashed<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    req: Account,
    password_hash: HashedPassword,
) -> DomainResult<User> {
    let person = match &req.person {
        Some(reference) => Some(people::find(tx, council, reference).await?),
        None if req.role.needs_person() => {
            return Err(DomainError::invalid(
                "person",
                format!(
                    "{} account acts as a person in the register; link it to one by their reference",
                    with_article(req.role)
                ),
            ));
        }
        None => None,
    };
    let new = NewUser {
        username: req.username,
        role: req.role,
        person_id: person.map(|p| p.id),
        password_hash,
        must_change_password: req.must_change_password,
        created_at: ctx.now,
    };
    let user = tx.insert_user(council.id, &new).await?;
    audit(
        tx,
        ctx,
        council.id,
        "user.create",
        "user",
        &user.username,
        super::NONE,
        Some(&user),
    )
    .await?;
    Ok(user)
}

/// An account as listed: the record, the person it acts as and where it stands.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UserView {
    #[serde(flatten)]
    pub user: User,
    pub person: Option<PersonRef>,
    #[serde(default)]
    pub person_name: Option<String>,
    pub status: AccountStatus,
}

/// One account as the list shows it.
pub async fn view<T: AuthTx>(
    tx: &mut T,
    council: &Council,
    username: &Username,
) -> DomainResult<UserView> {
    let user = find(tx, council, username).await?;
    let person = match user.person_id {
        Some(id) => tx.person(council.id, id).await?,
        None => None,
    };
    let waiting = super::invitations::open_of(tx, &user).await?.is_some();
    let status = if user.disabled {
        AccountStatus::Disabled
    } else if waiting {
        AccountStatus::Invited
    } else if user.must_change_password {
        AccountStatus::MustChangePassword
    } else {
        AccountStatus::Active
    };
    Ok(UserView {
        person: person.as_ref().map(|p| p.reference.clone()),
        person_name: person.map(|p| p.name),
        status,
        user,
    })
}

/// Who is changing a password.
#[derive(Clone)]
pub enum PasswordChange {
    /// The user, who must give the current password. Their other sessions end; `keep` is the
    /// digest of the session they are using, which carries on.
    Own {
        current: String,
        keep: Option<String>,
    },
    /// An administrator: the user must choose their own at next sign-in, and every session of
    /// theirs ends.
    Reset,
}

impl fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordChange::Own { .. } => f.write_str("Own { .. }"),
            PasswordChange::Reset => f.write_str("Reset"),
        }
    }
}

pub async fn set_password<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    username: &Username,
    change: PasswordChange,
    new_password: &str,
) -> DomainResult<User> {
    let user = find(tx, council, username).await?;
    let password = Password::new(new_password, username)?;
    let (action, must_change, keep) = match &change {
        PasswordChange::Own { current, keep } => {
            let stored = stored_hash(tx, &user).await?;
            if !verify_password(current, &stored) {
                return Err(DomainError::invalid(
                    "current_password",
                    "that is not the current password",
                ));
            }
            if current == new_password {
                return Err(DomainError::invalid(
                    "password",
                    "choose a password different from the current one",
                ));
            }
            ("user.password_change", false, keep.as_deref())
        }
        PasswordChange::Reset => ("user.password_reset", true, None),
    };
    tx.set_password_hash(user.council_id, user.id, &hash_password(&password)?)
        .await?;
    let after = User {
        must_change_password: must_change,
        password_changed_at: ctx.now,
        ..user.clone()
    };
    tx.update_user(&after).await?;
    audit(
        tx,
        ctx,
        council.id,
        action,
        "user",
        username,
        Some(&user),
        Some(&after),
    )
    .await?;
    if matches!(change, PasswordChange::Reset) {
        // A temporary password replaces any invitation still waiting to be used.
        super::invitations::withdraw_open(tx, ctx, &after).await?;
    }
    end_sessions(tx, ctx, &after, keep).await?;
    Ok(after)
}

async fn stored_hash<T: AuthTx>(tx: &mut T, user: &User) -> DomainResult<HashedPassword> {
    tx.password_hash(user.council_id, user.id)
        .await?
        .ok_or_else(|| DomainError::not_found("user", &user.username))
}

/// Ends every open session of `user` but `keep`, with an audit record if any ended.
pub(crate) async fn end_sessions<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    user: &User,
    keep: Option<&str>,
) -> DomainResult<u64> {
    let ended = tx
        .end_sessions_of_user(user.council_id, user.id, ctx.now, keep)
        .await?;
    if ended > 0 {
        audit(
            tx,
            ctx,
            user.council_id,
            "session.end_all",
            "user",
            &user.username,
            super::NONE,
            Some(&serde_json::json!({ "sessions_ended": ended })),
        )
        .await?;
    }
    Ok(ended)
}

/// What disabling an account did.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Disabled {
    pub user: User,
    pub sessions_ended: u64,
}

async fn set_disabled<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    user: &User,
    disabled: bool,
) -> DomainResult<User> {
    let after = User {
        disabled,
        ..user.clone()
    };
    tx.update_user(&after).await?;
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    audit(
        tx,
        ctx,
        user.council_id,
        action,
        "user",
        &user.username,
        Some(user),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// Disables an account: it can no longer sign in or use its tokens, and its sessions end now.
pub async fn disable<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    username: &Username,
) -> DomainResult<Disabled> {
    let user = find(tx, council, username).await?;
    if user.disabled {
        return Err(DomainError::Conflict {
            field: "username".into(),
            message: format!("{username} is already disabled"),
        });
    }
    let user = set_disabled(tx, ctx, &user, true).await?;
    let sessions_ended = end_sessions(tx, ctx, &user, None).await?;
    Ok(Disabled {
        user,
        sessions_ended,
    })
}

/// Lets a disabled account sign in again.
pub async fn enable<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    username: &Username,
) -> DomainResult<User> {
    let user = find(tx, council, username).await?;
    if !user.disabled {
        return Err(DomainError::Conflict {
            field: "username".into(),
            message: format!("{username} is not disabled"),
        });
    }
    set_disabled(tx, ctx, &user, false).await
}

/// What leaving office did to one account linked to the person.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AccessWithdrawn {
    pub username: Username,
    pub role: Role,
    pub sessions_ended: u64,
    /// Member accounts are disabled; others only lose their sessions (an officer's account acts
    /// through offices, which ended with the term).
    pub disabled: bool,
}

/// Ends every session of the accounts linked to `person`, and disables their member accounts.
pub(crate) async fn withdraw_access<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    person: &Person,
) -> DomainResult<Vec<AccessWithdrawn>> {
    let mut out = Vec::new();
    for user in tx.users_of_person(person.council_id, person.id).await? {
        let sessions_ended = end_sessions(tx, ctx, &user, None).await?;
        let disable = user.role == Role::Member && !user.disabled;
        if disable {
            set_disabled(tx, ctx, &user, true).await?;
        }
        out.push(AccessWithdrawn {
            username: user.username,
            role: user.role,
            sessions_ended,
            disabled: disable,
        });
    }
    Ok(out)
}

//! The council's accounts and API tokens as lists: searched, filtered, sorted and paged in the
//! database. Accounts are found by their username or by the name or reference of the person
//! they act as; tokens by their name or by the username of the account they act for.

use crate::auth::{AuthTx, Role};
use crate::error::DomainResult;
use crate::listing::{ListQuery, Listed};
use crate::records::Council;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

pub use super::tokens::{TokenStatus, TokenView};
pub use super::users::UserView;

/// Makes the `FromStr` and `as_str` of a list's sort from one table of names.
macro_rules! sorts {
    ($name:ident, $help:literal, $($variant:ident => $text:literal),+ $(,)?) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|k| k.as_str() == s.trim())
                    .ok_or_else(|| $help.to_string())
            }
        }
    };
}

/// The orders the account list offers, each served by an index.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AccountSort {
    #[default]
    Username,
    Role,
    LastSignIn,
    Created,
}

sorts!(
    AccountSort,
    "sort accounts by username, role, last_sign_in or created",
    Username => "username",
    Role => "role",
    LastSignIn => "last_sign_in",
    Created => "created",
);

/// Where an account stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// Signs in with a password its holder chose.
    Active,
    /// Signs in with a password someone else chose, then must choose their own.
    MustChangePassword,
    /// Has no password yet: an invitation to choose one is waiting to be used.
    Invited,
    Disabled,
}

impl AccountStatus {
    pub const ALL: &'static [AccountStatus] = &[
        AccountStatus::Active,
        AccountStatus::MustChangePassword,
        AccountStatus::Invited,
        AccountStatus::Disabled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::MustChangePassword => "must_change_password",
            AccountStatus::Invited => "invited",
            AccountStatus::Disabled => "disabled",
        }
    }

    /// The status as people read it.
    pub fn label(self) -> &'static str {
        match self {
            AccountStatus::Active => "Active",
            AccountStatus::MustChangePassword => "Must choose a password",
            AccountStatus::Invited => "Invited",
            AccountStatus::Disabled => "Disabled",
        }
    }
}

impl FromStr for AccountStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        AccountStatus::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| {
                "give an account status: active, must_change_password, invited or disabled"
                    .to_string()
            })
    }
}

/// Which accounts: of one role, in one status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountFilter {
    pub role: Option<Role>,
    pub status: Option<AccountStatus>,
}

pub type AccountQuery = ListQuery<AccountSort, AccountFilter>;

/// A page of the council's accounts.
pub async fn accounts<T: AuthTx>(
    tx: &mut T,
    council: &Council,
    query: &AccountQuery,
) -> DomainResult<Listed<UserView>> {
    Ok(tx.list_users(council.id, query).await?)
}

/// The orders the token list offers, each served by an index.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TokenSort {
    #[default]
    Created,
    Name,
    LastUsed,
    Expires,
}

sorts!(
    TokenSort,
    "sort tokens by created, name, last_used or expires",
    Created => "created",
    Name => "name",
    LastUsed => "last_used",
    Expires => "expires",
);

/// Which tokens: active, expired or revoked at the moment the list is drawn.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenFilter {
    pub status: Option<TokenStatus>,
}

pub type TokenQuery = ListQuery<TokenSort, TokenFilter>;

/// A page of the council's tokens as they stand at `now`; never a secret.
pub async fn tokens<T: AuthTx>(
    tx: &mut T,
    council: &Council,
    query: &TokenQuery,
    now: DateTime<Utc>,
) -> DomainResult<Listed<TokenView>> {
    Ok(tx.list_tokens(council.id, query, now).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_and_statuses_read_back_from_their_names() {
        for sort in AccountSort::ALL {
            assert_eq!(sort.as_str().parse::<AccountSort>(), Ok(*sort));
        }
        for sort in TokenSort::ALL {
            assert_eq!(sort.as_str().parse::<TokenSort>(), Ok(*sort));
        }
        for status in AccountStatus::ALL {
            assert_eq!(status.as_str().parse::<AccountStatus>(), Ok(*status));
        }
        assert_eq!(
            "must-change-password".parse::<AccountStatus>(),
            Ok(AccountStatus::MustChangePassword)
        );
        assert!("person".parse::<AccountSort>().is_err());
        assert!("lost".parse::<AccountStatus>().is_err());
    }
}

//! Signing in with the council's identity provider (OpenID Connect): the council's settings,
//! the identity an account is linked to, and the attempt a browser has under way. Pure: the
//! web layer talks to the provider; `ops::oidc` decides what a validated token may do.

use super::role::Role;
use crate::error::{DomainError, DomainResult};
use crate::records::Id;
use crate::text;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest issuer address, client id, provider name, claim value or secret location.
pub const MAX_SETTING_CHARS: usize = 500;
/// Most role mappings a council may set.
pub const MAX_ROLE_MAPPINGS: usize = 50;
/// How long a browser has to come back from the provider.
pub const ATTEMPT_LIFETIME: TimeDelta = TimeDelta::minutes(10);

fn one_line(field: &str, value: &str) -> DomainResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(DomainError::invalid(
            field,
            format!("enter the {}", words(field)),
        ));
    }
    if value.chars().count() > MAX_SETTING_CHARS {
        return Err(DomainError::invalid(
            field,
            format!(
                "the {} must be at most {MAX_SETTING_CHARS} characters",
                words(field)
            ),
        ));
    }
    text::check_one_line(field, value)?;
    Ok(value.to_string())
}

fn words(field: &str) -> String {
    field.replace('_', " ")
}

/// The provider's issuer address, as discovery must report it: `https://`, or `http://` only
/// on this machine's loopback (a provider run for testing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "String", into = "String")]
pub struct Issuer(String);

impl Issuer {
    pub fn parse(value: &str) -> DomainResult<Issuer> {
        let value = one_line("issuer", value)?;
        let bad = |why: &str| DomainError::invalid("issuer", why.to_string());
        let rest = if let Some(rest) = value.strip_prefix("https://") {
            rest
        } else if let Some(rest) = value.strip_prefix("http://") {
            let host = rest.split(['/', ':']).next().unwrap_or_default();
            let host = if rest.starts_with('[') {
                rest.split(']').next().map(|h| &h[1..]).unwrap_or_default()
            } else {
                host
            };
            if !matches!(host, "127.0.0.1" | "localhost" | "::1") {
                return Err(bad(
                    "the issuer must be an https:// address (http:// only on this machine)",
                ));
            }
            rest
        } else {
            return Err(bad("the issuer must be an https:// address"));
        };
        if rest.is_empty() || rest.starts_with('/') {
            return Err(bad("the issuer must name a host"));
        }
        if value.contains(['?', '#', ' ', '@']) {
            return Err(bad(
                "the issuer must be a plain address without a query, fragment or user name",
            ));
        }
        Ok(Issuer(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Microsoft Entra ID's issuers, whose accounts are keyed on tenant and object ids.
    pub fn is_entra(&self) -> bool {
        self.0.starts_with("https://login.microsoftonline.com/")
            || self.0.starts_with("https://sts.windows.net/")
    }
}

impl TryFrom<String> for Issuer {
    type Error = DomainError;
    fn try_from(value: String) -> DomainResult<Issuer> {
        Issuer::parse(&value)
    }
}

impl From<Issuer> for String {
    fn from(value: Issuer) -> String {
        value.0
    }
}

impl fmt::Display for Issuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where the server reads the client secret from. The secret itself is never stored, shown or
/// audited; only where it lives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SecretSource {
    /// A file readable by the server, holding the secret on its first line.
    File(String),
    /// An environment variable of the server's process.
    Env(String),
}

impl SecretSource {
    pub fn file(path: &str) -> DomainResult<SecretSource> {
        let path = one_line("secret_file", path)?;
        if !path.starts_with('/') {
            return Err(DomainError::invalid(
                "secret_file",
                "the secret file must be a full path, starting with /",
            ));
        }
        Ok(SecretSource::File(path))
    }

    pub fn env(name: &str) -> DomainResult<SecretSource> {
        let name = one_line("secret_env", name)?;
        let fine = name.len() <= 100
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit());
        if !fine {
            return Err(DomainError::invalid(
                "secret_env",
                "the environment variable's name must be capital letters, digits and _",
            ));
        }
        Ok(SecretSource::Env(name))
    }

    pub fn kind(&self) -> &'static str {
        match self {
            SecretSource::File(_) => "file",
            SecretSource::Env(_) => "env",
        }
    }

    pub fn name(&self) -> &str {
        match self {
            SecretSource::File(n) | SecretSource::Env(n) => n,
        }
    }

    /// "the file /etc/steward/oidc-secret", "the environment variable STEWARD_OIDC_SECRET".
    pub fn describe(&self) -> String {
        match self {
            SecretSource::File(path) => format!("the file {path}"),
            SecretSource::Env(name) => format!("the environment variable {name}"),
        }
    }
}

/// Which claim of the ID token carries the values the role mapping reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleClaim {
    /// App roles (Entra ID's `roles`).
    Roles,
    /// Group ids or names (`groups`).
    Groups,
}

impl RoleClaim {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleClaim::Roles => "roles",
            RoleClaim::Groups => "groups",
        }
    }

    pub fn parse(value: &str) -> DomainResult<RoleClaim> {
        match value.trim() {
            "roles" => Ok(RoleClaim::Roles),
            "groups" => Ok(RoleClaim::Groups),
            _ => Err(DomainError::invalid(
                "role_claim",
                "the role claim must be roles or groups",
            )),
        }
    }
}

/// What an account is keyed on at the provider. Never the e-mail address or user name, which
/// people and administrators change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountKey {
    /// The token's `sub`, unique and never reassigned at one issuer.
    Subject,
    /// Entra ID's tenant and object ids (`tid`, `oid`): the same for the person in every
    /// application of the tenant.
    TenantObject,
}

impl AccountKey {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKey::Subject => "subject",
            AccountKey::TenantObject => "tenant_object",
        }
    }

    pub fn parse(value: &str) -> DomainResult<AccountKey> {
        match value.trim() {
            "subject" => Ok(AccountKey::Subject),
            "tenant_object" | "tenant-object" => Ok(AccountKey::TenantObject),
            _ => Err(DomainError::invalid(
                "account_key",
                "accounts are keyed on subject or tenant-object",
            )),
        }
    }

    /// The default for an issuer: Entra ID's tenant and object ids, otherwise the subject.
    pub fn for_issuer(issuer: &Issuer) -> AccountKey {
        if issuer.is_entra() {
            AccountKey::TenantObject
        } else {
            AccountKey::Subject
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AccountKey::Subject => "The provider's subject identifier",
            AccountKey::TenantObject => "Entra ID tenant and object identifiers",
        }
    }
}

/// One value of the role claim and the Steward role it gives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RoleMapping {
    pub value: String,
    pub role: Role,
}

impl RoleMapping {
    /// `VALUE=ROLE`, such as `Steward.Officer=officer`; the value may itself hold `=`, the
    /// role is after the last one.
    pub fn parse(text: &str) -> DomainResult<RoleMapping> {
        let Some((value, role)) = text.rsplit_once('=') else {
            return Err(DomainError::invalid(
                "role_map",
                format!("'{text}' should be VALUE=ROLE, such as Steward.Officer=officer"),
            ));
        };
        let value = one_line("role_map", value)?;
        let role: Role = role
            .parse()
            .map_err(|e: steward_policy::vocab::UnknownWord| {
                DomainError::invalid("role_map", e.to_string())
            })?;
        Ok(RoleMapping { value, role })
    }
}

/// A council's settings for signing in with its identity provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OidcSettings {
    /// Shown on the sign-in button: "Sign in with {provider_name}".
    pub provider_name: String,
    pub issuer: Issuer,
    pub client_id: String,
    pub secret: SecretSource,
    pub role_claim: RoleClaim,
    pub account_key: AccountKey,
    /// In order; the first value the token carries decides the role.
    pub role_map: Vec<RoleMapping>,
    /// Passwords are refused for everyone but administrators' break-glass accounts.
    pub passwords_off: bool,
}

impl OidcSettings {
    /// Settings from what an administrator gave, every field checked.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        provider_name: &str,
        issuer: Issuer,
        client_id: &str,
        secret: SecretSource,
        role_claim: RoleClaim,
        account_key: AccountKey,
        role_map: Vec<RoleMapping>,
        passwords_off: bool,
    ) -> DomainResult<OidcSettings> {
        let provider_name = one_line("provider_name", provider_name)?;
        let client_id = one_line("client_id", client_id)?;
        if role_map.is_empty() {
            return Err(DomainError::invalid(
                "role_map",
                "map at least one value of the role claim to a Steward role",
            ));
        }
        if role_map.len() > MAX_ROLE_MAPPINGS {
            return Err(DomainError::invalid(
                "role_map",
                format!("at most {MAX_ROLE_MAPPINGS} role mappings"),
            ));
        }
        for (i, m) in role_map.iter().enumerate() {
            if role_map[..i].iter().any(|o| o.value == m.value) {
                return Err(DomainError::invalid(
                    "role_map",
                    format!("'{}' is mapped twice", m.value),
                ));
            }
        }
        Ok(OidcSettings {
            provider_name,
            issuer,
            client_id,
            secret,
            role_claim,
            account_key,
            role_map,
            passwords_off,
        })
    }

    /// The role the token's claim values give: the first mapping, in the council's order,
    /// whose value the token carries.
    pub fn role_for(&self, values: &[String]) -> Option<Role> {
        self.role_map
            .iter()
            .find(|m| values.iter().any(|v| v == &m.value))
            .map(|m| m.role)
    }
}

/// The identity at the provider an account is linked to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "String", into = "String")]
pub struct ExternalId(String);

fn id_part(field: &str, value: &str) -> DomainResult<String> {
    let value = value.trim();
    let fine = !value.is_empty()
        && value.len() <= 255
        && value.chars().all(|c| c.is_ascii_graphic() && c != '/');
    if fine {
        Ok(value.to_string())
    } else {
        Err(DomainError::invalid(
            field,
            format!(
                "the {} must be 1 to 255 visible characters without spaces or /",
                words(field)
            ),
        ))
    }
}

impl ExternalId {
    /// Checks one part (`tenant`, `object` or `subject`) on its own, so that a form can say
    /// what is wrong with each of its fields.
    pub fn check_part(field: &str, value: &str) -> DomainResult<()> {
        id_part(field, value).map(|_| ())
    }

    /// The provider's `sub`.
    pub fn subject(sub: &str) -> DomainResult<ExternalId> {
        Ok(ExternalId(format!("subject:{}", id_part("subject", sub)?)))
    }

    /// Entra ID's tenant and object ids.
    pub fn entra(tid: &str, oid: &str) -> DomainResult<ExternalId> {
        let tid = id_part("tenant", tid)?.to_ascii_lowercase();
        let oid = id_part("object", oid)?.to_ascii_lowercase();
        Ok(ExternalId(format!("entra:{tid}/{oid}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As an administrator reads it: "subject abc" or "tenant T, object O".
    pub fn describe(&self) -> String {
        if let Some(sub) = self.0.strip_prefix("subject:") {
            format!("subject {sub}")
        } else if let Some((tid, oid)) = self
            .0
            .strip_prefix("entra:")
            .and_then(|r| r.split_once('/'))
        {
            format!("tenant {tid}, object {oid}")
        } else {
            self.0.clone()
        }
    }
}

impl TryFrom<String> for ExternalId {
    type Error = DomainError;
    fn try_from(value: String) -> DomainResult<ExternalId> {
        if let Some(sub) = value.strip_prefix("subject:") {
            ExternalId::subject(sub)
        } else if let Some((tid, oid)) =
            value.strip_prefix("entra:").and_then(|r| r.split_once('/'))
        {
            ExternalId::entra(tid, oid)
        } else {
            Err(DomainError::invalid(
                "external_id",
                "an identity is subject:SUB or entra:TENANT/OBJECT",
            ))
        }
    }
}

impl std::str::FromStr for ExternalId {
    type Err = DomainError;
    fn from_str(s: &str) -> DomainResult<ExternalId> {
        ExternalId::try_from(s.to_string())
    }
}

impl From<ExternalId> for String {
    fn from(value: ExternalId) -> String {
        value.0
    }
}

/// How one account signs in besides its password.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AccountSignIn {
    pub user_id: Id,
    /// The provider's identity the account is linked to, if any.
    pub external: Option<ExternalId>,
    /// An administrator's account that keeps its password when passwords are switched off.
    pub break_glass: bool,
}

/// A sign-in at the provider under way, kept on the server until the browser comes back.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcAttempt {
    /// SHA-256 hex of the `state` sent to the provider.
    pub state_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// The council page to go to afterwards.
    pub next: Option<String>,
    /// The client's address as the password throttle files it ([`super::address_key`]),
    /// which the limit on starts counts against.
    pub address: String,
    pub created_at: DateTime<Utc>,
}

impl fmt::Debug for OidcAttempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcAttempt")
            .field("next", &self.next)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

impl OidcAttempt {
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        now - self.created_at > ATTEMPT_LIFETIME
    }
}

/// What a validated ID token says of the person, as far as Steward reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderClaims {
    pub subject: String,
    pub tenant: Option<String>,
    pub object: Option<String>,
    /// The values of the claim the settings name (`roles` or `groups`).
    pub role_values: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_are_https_or_loopback() {
        assert!(Issuer::parse("https://login.microsoftonline.com/abc/v2.0").is_ok());
        assert!(Issuer::parse("http://127.0.0.1:9000").is_ok());
        assert!(Issuer::parse("http://localhost:9000/").is_ok());
        assert!(Issuer::parse("http://[::1]:9000").is_ok());
        for bad in [
            "http://idp.example.org",
            "ftp://x",
            "https://",
            "https://a?b",
            "https://user@host",
            "",
        ] {
            assert!(Issuer::parse(bad).is_err(), "{bad}");
        }
        let entra = Issuer::parse("https://login.microsoftonline.com/t/v2.0").unwrap();
        assert_eq!(AccountKey::for_issuer(&entra), AccountKey::TenantObject);
        let other = Issuer::parse("https://idp.example.org").unwrap();
        assert_eq!(AccountKey::for_issuer(&other), AccountKey::Subject);
    }

    #[test]
    fn mappings_and_roles() {
        let m = RoleMapping::parse("Steward.Officer=officer").unwrap();
        assert_eq!(m.role, Role::Officer);
        assert!(RoleMapping::parse("nothing").is_err());
        assert!(RoleMapping::parse("x=root").is_err());
        let settings = OidcSettings::new(
            "Entra ID",
            Issuer::parse("https://idp.example.org").unwrap(),
            "client",
            SecretSource::env("STEWARD_OIDC_SECRET").unwrap(),
            RoleClaim::Roles,
            AccountKey::Subject,
            vec![
                RoleMapping::parse("A=admin").unwrap(),
                RoleMapping::parse("M=member").unwrap(),
            ],
            false,
        )
        .unwrap();
        assert_eq!(
            settings.role_for(&["M".into(), "A".into()]),
            Some(Role::Admin)
        );
        assert_eq!(settings.role_for(&["M".into()]), Some(Role::Member));
        assert_eq!(settings.role_for(&["x".into()]), None);
        assert!(SecretSource::env("lower").is_err());
        assert!(SecretSource::file("relative/path").is_err());
    }

    #[test]
    fn external_ids_round_trip() {
        let e = ExternalId::entra("T-1", "O-2").unwrap();
        assert_eq!(e.as_str(), "entra:t-1/o-2");
        assert_eq!(ExternalId::try_from(e.as_str().to_string()).unwrap(), e);
        let s = ExternalId::subject("abc").unwrap();
        assert_eq!(s.describe(), "subject abc");
        assert!(ExternalId::subject("a b").is_err());
        assert!(ExternalId::try_from("mail:x".to_string()).is_err());
    }
}

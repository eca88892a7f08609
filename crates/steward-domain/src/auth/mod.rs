//! Accounts, sign-in, sessions, API tokens and invitations: the pieces the web application authenticates
//! with. Everything here is pure (rules, hashing, the session and throttling decisions) except
//! the storage interface [`AuthTx`]; the commands that use them live in `ops::users`,
//! `ops::sessions` and `ops::tokens`.
//!
//! Secrets never leave in readable form: passwords are kept only as argon2id hashes, session ids
//! and API tokens only as SHA-256 digests, and none of these is ever serialised or audited.

mod access;
mod hashing;
mod invitation;
mod oidc;
mod password;
mod repo;
mod role;
mod scope;
mod secret;
mod session;
mod start_limit;
mod throttle;
mod token;
mod user;
mod username;

pub use access::{AdminAccess, Denied, MemberAccess, OfficerAccess, Principal, ReadAccess};
pub(crate) use hashing::dummy_verify;
pub use hashing::{HashCost, HashedPassword, PRODUCTION_COST, hash_password, verify_password};
pub use invitation::{
    INVITATION_HOURS, Invitation, InvitationSecret, InvitationState, LINK_PLACEHOLDER,
};
pub use oidc::{
    ATTEMPT_LIFETIME, AccountKey, AccountSignIn, ExternalId, Issuer, MAX_ROLE_MAPPINGS,
    MAX_SETTING_CHARS, OidcAttempt, OidcSettings, ProviderClaims, RoleClaim, RoleMapping,
    SecretSource,
};
pub use password::{COMMON_PASSWORDS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, Password};
pub use repo::{AuthTx, NewApiToken, NewUser, PageSession};
pub use role::Role;
pub use scope::Scope;
pub use secret::{SessionSecret, TOKEN_PREFIX, TokenSecret, constant_time_eq, digest, random_text};
pub use session::{
    ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, Session, SessionPolicy, SessionState, session_state,
};
pub use start_limit::{OpenAttempts, StartLimited, StartLimits, may_start};
pub use throttle::{SignInHistory, Throttle, ThrottlePolicy, address_key, locked_until, throttle};
pub use token::{ApiToken, TokenScope};
pub use user::User;
pub use username::Username;

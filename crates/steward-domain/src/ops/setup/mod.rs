//! Setting a council up from the browser. While the database holds no council, a server
//! starting up issues a one-time setup address ([`issue`]) and prints it on its console; the
//! setup pages gather the answers into a [`Draft`] kept with the address, and [`complete`]
//! creates the council, adopts the preset, creates the first administrator and saves the mail
//! server in one transaction, using the address up and signing the administrator in.

mod draft;
mod progress;

pub use draft::{AdminDraft, CouncilDraft, Draft, MailChoice, MailSecurity, MailServer};
pub use draft::{Problems, email_problem, slug_from};
pub use progress::{GettingStarted, ProgressFacts, Task, confirm_review, getting_started, tasks};

use super::{NONE, audit, council, policy, sessions, users};
use crate::auth::{AuthTx, HashedPassword, Role, digest, random_text};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::records::{Council, Id};
use crate::repo::RepoResult;
use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use std::fmt;
use std::future::Future;

/// How long a setup address stays good after the server prints it.
pub const SETUP_LIFETIME: TimeDelta = TimeDelta::hours(1);

/// A stored setup address: the digest of its secret, its expiry and the answers so far.
#[derive(Clone, Debug)]
pub struct SetupToken {
    pub id: Id,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    /// The draft as stored (JSON).
    pub draft: String,
}

/// Setup addresses, the administrator's name and address, and the mail server, inside one
/// transaction.
pub trait SetupTx: AuthTx {
    fn insert_setup_token(
        &mut self,
        token_hash: &str,
        created_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    /// Ends every unused address still good at `now`, so only the newest printed one works.
    fn retire_setup_tokens(
        &mut self,
        now: DateTime<Utc>,
    ) -> impl Future<Output = RepoResult<u64>> + Send;
    /// The address with this digest; a writer holds its row until the transaction ends.
    fn setup_token(
        &mut self,
        token_hash: &str,
    ) -> impl Future<Output = RepoResult<Option<SetupToken>>> + Send;
    fn save_setup_draft(
        &mut self,
        id: Id,
        draft: &str,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    /// Marks the address used and clears its draft; false when it was used already.
    fn use_setup_token(
        &mut self,
        id: Id,
        at: DateTime<Utc>,
    ) -> impl Future<Output = RepoResult<bool>> + Send;
    fn insert_account_contact(
        &mut self,
        council_id: Id,
        user_id: Id,
        name: &str,
        email: &str,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    fn save_mail_settings(
        &mut self,
        council_id: Id,
        server: &MailServer,
        at: DateTime<Utc>,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    fn mail_settings(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Option<MailServer>>> + Send;
    /// The counts the getting-started list is marked from, in one statement.
    fn progress_facts(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<ProgressFacts>> + Send;
}

/// A setup address's secret, as printed once. `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct SetupSecret(String);

impl SetupSecret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SetupSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SetupSecret(hidden)")
    }
}

/// Why a setup address does not open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closed {
    /// The database holds a council already: setup is over.
    AlreadySetUp,
    /// No such address was ever printed.
    Unknown,
    /// Its hour has passed, or a newer address replaced it.
    Expired,
    /// Setup was completed with it.
    Used,
}

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Closed::AlreadySetUp => {
                "Steward is already set up. Sign in at your council's page, or create \
                 further councils with steward council create"
            }
            Closed::Unknown => "There is no setup address like this one",
            Closed::Expired => {
                "This setup address has run out. Restart Steward to have a new one printed on \
                 its console"
            }
            Closed::Used => "This setup address has been used already",
        })
    }
}

/// A setup address that is open, with its answers so far.
#[derive(Clone, Debug)]
pub struct Setup {
    pub id: Id,
    pub expires_at: DateTime<Utc>,
    pub draft: Draft,
}

/// Issues a setup address good for `lifetime` from `now` when the database holds no council;
/// None when it holds one. Older unused addresses stop working.
pub async fn issue<T: SetupTx>(
    tx: &mut T,
    now: DateTime<Utc>,
    lifetime: TimeDelta,
) -> DomainResult<Option<SetupSecret>> {
    if !tx.councils().await?.is_empty() {
        return Ok(None);
    }
    tx.retire_setup_tokens(now).await?;
    let secret = random_text()?;
    tx.insert_setup_token(&digest(&secret), now, now + lifetime)
        .await?;
    Ok(Some(SetupSecret(secret)))
}

/// Whether the database holds no council yet.
pub async fn waiting<T: SetupTx>(tx: &mut T) -> DomainResult<bool> {
    Ok(tx.councils().await?.is_empty())
}

/// The setup behind the secret in an address, if it is still open at `now`.
pub async fn open<T: SetupTx>(
    tx: &mut T,
    secret: &str,
    now: DateTime<Utc>,
) -> DomainResult<Result<Setup, Closed>> {
    if !waiting(tx).await? {
        return Ok(Err(Closed::AlreadySetUp));
    }
    let Some(token) = tx.setup_token(&digest(secret)).await? else {
        return Ok(Err(Closed::Unknown));
    };
    if token.used_at.is_some() {
        return Ok(Err(Closed::Used));
    }
    if token.expires_at <= now {
        return Ok(Err(Closed::Expired));
    }
    Ok(Ok(Setup {
        id: token.id,
        expires_at: token.expires_at,
        draft: Draft::read(&token.draft)?,
    }))
}

/// Keeps the answers given so far.
pub async fn save<T: SetupTx>(tx: &mut T, setup: &Setup) -> DomainResult<()> {
    tx.save_setup_draft(setup.id, &setup.draft.write()?).await?;
    Ok(())
}

/// What completing setup made.
pub struct Completed {
    pub council: Council,
    pub signed_in: sessions::SignedIn,
}

#[derive(Serialize, schemars::JsonSchema)]
struct SetupAudit<'a> {
    preset: &'a str,
    council: &'a str,
    administrator: &'a str,
    name: &'a str,
    email: &'a str,
}

/// Creates everything the draft says, in the caller's transaction: the council, its policy
/// from the preset (in force from today), the administrator with the name and address given,
/// the mail server if one was chosen, and a session for the administrator. The address is
/// used up. Each change writes its own audit record, and `setup.complete` one for the whole.
pub async fn complete<T: SetupTx>(
    tx: &mut T,
    ctx: &Ctx,
    secret: &str,
) -> DomainResult<Result<Completed, Closed>> {
    let setup = match open(tx, secret, ctx.now).await? {
        Ok(setup) => setup,
        Err(closed) => return Ok(Err(closed)),
    };
    let ready = setup.draft.ready()?;
    if !tx.use_setup_token(setup.id, ctx.now).await? {
        return Ok(Err(Closed::Used));
    }
    let loaded = ready.preset_pack()?;
    let created = council::create(tx, ctx, &ready.council.slug, &ready.council.name).await?;
    policy::adopt(tx, ctx, &created, &loaded, ctx.today).await?;
    let account = users::Account {
        username: ready.admin.username.clone(),
        role: Role::Admin,
        person: None,
        must_change_password: false,
    };
    let hash = HashedPassword::from_phc(ready.admin.password_hash.clone());
    let user = users::create_hashed(tx, ctx, &created, account, hash).await?;
    tx.insert_account_contact(created.id, user.id, &ready.admin.name, &ready.admin.email)
        .await?;
    if let MailChoice::Server(server) = ready.mail {
        tx.save_mail_settings(created.id, server, ctx.now).await?;
        audit(
            tx,
            ctx,
            created.id,
            "mail.configure",
            "council",
            &created.slug,
            NONE,
            Some(server),
        )
        .await?;
    }
    let record = SetupAudit {
        preset: ready.preset,
        council: &created.name,
        administrator: user.username.as_str(),
        name: &ready.admin.name,
        email: &ready.admin.email,
    };
    audit(
        tx,
        ctx,
        created.id,
        "setup.complete",
        "council",
        &created.slug,
        NONE,
        Some(&record),
    )
    .await?;
    let signed_in = sessions::start(tx, &created, user, ctx.now).await?;
    Ok(Ok(Completed {
        council: created,
        signed_in,
    }))
}

/// The mail server saved for a council, if any.
pub async fn mail_server<T: SetupTx>(
    tx: &mut T,
    council: &Council,
) -> DomainResult<Option<MailServer>> {
    Ok(tx.mail_settings(council.id).await?)
}

pub(crate) fn incomplete(field: &str, message: &str) -> DomainError {
    DomainError::invalid(field.to_string(), message.to_string())
}

//! Invitations: a new account's holder chooses their own password through a link sent by
//! email, so no password ever travels by email or is chosen for them.
//!
//! An administrator invites an account (on making it, or later): the invitation is recorded
//! and audited, and a notice is queued in the outbox for the linked person's address, or an
//! address given for the account. The notice's text has [`LINK_PLACEHOLDER`] where the link
//! goes; the sender calls [`issue_link`] as it claims the message, which makes the secret,
//! keeps its digest and an expiry [`INVITATION_HOURS`] ahead, and hands the secret back to be
//! written into that one email. The link's page then [`check`]s it and [`accept`]s a new
//! password once.

use super::users::{self, CreateUser};
use super::{NONE, audit, outbox};
use crate::auth::{
    AuthTx, INVITATION_HOURS, Invitation, InvitationSecret, InvitationState, LINK_PLACEHOLDER,
    Password, Role, User, Username, hash_password, random_text,
};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::PersonRef;
use crate::outbox::{Letter, Notice, OutboxTx, Recipient};
use crate::records::{Council, Id};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use steward_policy::Citation;

/// The outbox source of invitation notices.
pub const SOURCE: &str = "invitation";

/// A new account whose holder is invited to choose their password.
#[derive(Clone, Debug)]
pub struct CreateInvited {
    pub username: Username,
    pub role: Role,
    pub person: Option<PersonRef>,
    /// Where to send the invitation, when not to the linked person's address.
    pub email: Option<String>,
}

/// An invitation just made, and where its message goes.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Invited {
    pub username: Username,
    pub invitation: Invitation,
    /// Who the message is for, as officers read it.
    pub to: String,
    pub address: String,
    /// The outbox message that carries it.
    pub message_id: Id,
}

/// What the audit trail keeps of an invitation: never an address or a link.
#[derive(Serialize, schemars::JsonSchema)]
struct InviteAudit<'a> {
    invitation: Id,
    to: &'a str,
    replaces: Option<Id>,
}

fn notice_key(invitation: &Invitation) -> String {
    format!("{SOURCE}:{}", invitation.id)
}

/// The address the invitation goes to: the one given, else the linked person's.
async fn address_for<T: AuthTx>(
    tx: &mut T,
    user: &User,
    given: Option<&str>,
) -> DomainResult<(String, Option<crate::records::Person>)> {
    let person = match user.person_id {
        Some(id) => tx.person(user.council_id, id).await?,
        None => None,
    };
    let given = given.map(str::trim).filter(|a| !a.is_empty());
    if let Some(address) = given {
        let address = crate::import::check_email(address)
            .map_err(|why| DomainError::invalid("email", why))?;
        return Ok((address, person));
    }
    let known = person
        .as_ref()
        .and_then(|p| p.email.as_deref())
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string);
    match known {
        Some(address) => Ok((address, person)),
        None => Err(DomainError::invalid(
            "email",
            match &person {
                Some(p) => format!(
                    "{} ({}) has no email address in the register; give an address for the \
                     invitation, or add one to their record",
                    p.name, p.reference
                ),
                None => format!(
                    "account {} is not linked to a person; give the address to send the \
                     invitation to",
                    user.username
                ),
            },
        )),
    }
}

fn letter(council: &Council, username: &Username) -> Letter {
    Letter {
        subject: format!("Choose your password for {}", council.name),
        decision: "Choose your password".to_string(),
        citation: Citation {
            clause: String::new(),
            document: String::new(),
        },
        paragraphs: vec![
            format!(
                "An account has been made for you in Steward, which {} uses to run its ICT \
                 equipment and policy. Your username is {username}.",
                council.name
            ),
            format!("Choose your own password at this address: {LINK_PLACEHOLDER}"),
            format!(
                "The link works once, for {INVITATION_HOURS} hours from when this message was \
                 sent. If it has run out, ask the council's ICT administrator to send you a new \
                 invitation."
            ),
            "If you were not expecting this message you can ignore it: nothing happens \
             unless the link is used."
                .to_string(),
        ],
        council: council.name.clone(),
    }
}

/// Invites `username`'s holder to choose a password, replacing any invitation still waiting.
/// The message goes to `email` when given, else to the linked person's address.
pub async fn invite<T: AuthTx + OutboxTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    username: &Username,
    email: Option<&str>,
) -> DomainResult<Invited> {
    let user = users::find(tx, council, username).await?;
    if user.disabled {
        return Err(DomainError::Conflict {
            field: "username".into(),
            message: format!("{username} is disabled; enable it before inviting its holder"),
        });
    }
    let (address, person) = address_for(tx, &user, email).await?;
    let replaces = withdraw_open(tx, ctx, &user).await?;
    let invitation = tx
        .insert_invitation(council.id, user.id, ctx.now, &ctx.actor)
        .await?;
    let recipient = match person {
        Some(p) => Recipient::Person {
            person_id: p.id,
            reference: p.reference,
            name: p.name,
            office: None,
            address: Some(address.clone()),
        },
        None => Recipient::Account {
            user_id: user.id,
            username: user.username.clone(),
            address: address.clone(),
        },
    };
    let key = notice_key(&invitation);
    let queued = outbox::queue(
        tx,
        ctx,
        council,
        &key,
        SOURCE,
        &letter(council, username),
        std::slice::from_ref(&recipient),
    )
    .await?
    .ok_or_else(|| DomainError::Conflict {
        field: "username".into(),
        message: format!("an invitation message for {username} is already queued"),
    })?;
    let message_id = queued.messages.first().map(|m| m.id).ok_or_else(|| {
        DomainError::Repo(crate::repo::RepoError::Backend(
            "the invitation queued no message".into(),
        ))
    })?;
    let to = recipient.describe();
    audit(
        tx,
        ctx,
        council.id,
        "user.invite",
        "user",
        username,
        NONE,
        Some(&InviteAudit {
            invitation: invitation.id,
            to: &recipient.tag(),
            replaces,
        }),
    )
    .await?;
    Ok(Invited {
        username: username.clone(),
        invitation,
        to,
        address,
        message_id,
    })
}

/// Makes an account with no password anyone knows, and invites its holder to choose one.
pub async fn create_invited<T: AuthTx + OutboxTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    req: CreateInvited,
) -> DomainResult<(User, Invited)> {
    // Until the link is used the account has a random password that is never shown, so it
    // cannot be signed in to.
    let unknown = Password::new(random_text()?, &req.username)?;
    let create = CreateUser {
        username: req.username.clone(),
        role: req.role,
        person: req.person,
        password: unknown,
        must_change_password: true,
    };
    let user = users::create(tx, ctx, council, create).await?;
    let invited = invite(tx, ctx, council, &req.username, req.email.as_deref()).await?;
    Ok((user, invited))
}

/// The account's newest invitation, whatever became of it.
pub async fn latest_of<T: AuthTx>(tx: &mut T, user: &User) -> DomainResult<Option<Invitation>> {
    Ok(tx.latest_invitation(user.council_id, user.id).await?)
}

/// The account's invitation that is still waiting to be used, if any (its link may have run
/// out).
pub async fn open_of<T: AuthTx>(tx: &mut T, user: &User) -> DomainResult<Option<Invitation>> {
    Ok(tx
        .latest_invitation(user.council_id, user.id)
        .await?
        .filter(Invitation::is_pending))
}

/// Withdraws the account's waiting invitation, if it has one, with its audit record: a newer
/// invitation or a temporary password takes its place. Answers which one it was.
pub(crate) async fn withdraw_open<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    user: &User,
) -> DomainResult<Option<Id>> {
    let Some(open) = open_of(tx, user).await? else {
        return Ok(None);
    };
    let after = Invitation {
        withdrawn_at: Some(ctx.now),
        ..open.clone()
    };
    tx.update_invitation(&after).await?;
    audit(
        tx,
        ctx,
        user.council_id,
        "invitation.withdraw",
        "user",
        &user.username,
        Some(&open),
        Some(&after),
    )
    .await?;
    Ok(Some(open.id))
}

/// What the sender does with a claimed message's link.
#[derive(Debug)]
pub enum Link {
    /// The message is not an invitation: it carries no link.
    None,
    /// Write this into the message, in place of [`LINK_PLACEHOLDER`].
    Made(InvitationSecret),
    /// The invitation was used or replaced, or the account disabled, before the message went:
    /// it must not be sent. The reason, in words.
    Closed(String),
}

/// Makes the link for a claimed invitation message, in the claim's transaction: a new secret
/// whose digest replaces any earlier one (ending that link), good for [`INVITATION_HOURS`].
pub async fn issue_link<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    notice: &Notice,
) -> DomainResult<Link> {
    if notice.source != SOURCE {
        return Ok(Link::None);
    }
    let id = notice
        .key
        .strip_prefix(&format!("{SOURCE}:"))
        .and_then(|n| n.parse::<Id>().ok());
    let Some(invitation) = (match id {
        Some(id) => tx.invitation(council.id, id).await?,
        None => None,
    }) else {
        return Ok(Link::Closed(
            "the invitation this message carries is no longer held".into(),
        ));
    };
    let user = tx
        .user(council.id, invitation.user_id)
        .await?
        .ok_or_else(|| DomainError::not_found("user", invitation.user_id))?;
    if !invitation.is_pending() {
        return Ok(Link::Closed(
            "the invitation was used or replaced before this message could be sent".into(),
        ));
    }
    if user.disabled {
        return Ok(Link::Closed(
            "the account was disabled before this message could be sent".into(),
        ));
    }
    let secret = InvitationSecret::generate()?;
    let after = invitation.sent(&secret, ctx.now);
    tx.update_invitation(&after).await?;
    audit(
        tx,
        ctx,
        council.id,
        "invitation.send",
        "user",
        &user.username,
        Some(&invitation),
        Some(&after),
    )
    .await?;
    Ok(Link::Made(secret))
}

/// What a link that came back leads to.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkCheck {
    /// It works: the account may choose its password.
    Open {
        invitation: Box<Invitation>,
        user: Box<User>,
    },
    Used,
    /// Its time ran out at this moment.
    Expired(DateTime<Utc>),
    /// A newer invitation, or a temporary password, took its place.
    Withdrawn,
    Disabled,
    /// Not a link this council gave, or one a later sending of the message replaced.
    Unknown,
}

/// What the link carrying `raw` leads to at `now`. Reads only.
pub async fn check<T: AuthTx>(
    tx: &mut T,
    council: &Council,
    raw: &str,
    now: DateTime<Utc>,
) -> DomainResult<LinkCheck> {
    let Some(secret) = InvitationSecret::parse(raw) else {
        return Ok(LinkCheck::Unknown);
    };
    let Some(invitation) = tx.invitation_by_token(council.id, &secret.digest()).await? else {
        return Ok(LinkCheck::Unknown);
    };
    let Some(user) = tx.user(council.id, invitation.user_id).await? else {
        return Ok(LinkCheck::Unknown);
    };
    Ok(match invitation.state_at(now) {
        InvitationState::Used => LinkCheck::Used,
        InvitationState::Withdrawn => LinkCheck::Withdrawn,
        InvitationState::Expired => {
            LinkCheck::Expired(invitation.expires_at.unwrap_or(invitation.created_at))
        }
        // A link that came back was sent, so it cannot be waiting; treat it as unknown.
        InvitationState::Waiting => LinkCheck::Unknown,
        InvitationState::Open if user.disabled => LinkCheck::Disabled,
        InvitationState::Open => LinkCheck::Open {
            invitation: Box::new(invitation),
            user: Box::new(user),
        },
    })
}

/// Why a link cannot be used, in words for its holder.
pub fn refusal(check: &LinkCheck) -> Option<String> {
    match check {
        LinkCheck::Open { .. } => None,
        LinkCheck::Used => Some("this link has already been used".into()),
        LinkCheck::Expired(_) => Some(format!(
            "this link has run out: links to choose a password work for {INVITATION_HOURS} hours"
        )),
        LinkCheck::Withdrawn => Some("a newer invitation has taken this link's place".into()),
        LinkCheck::Disabled => Some("the account this link is for is disabled".into()),
        LinkCheck::Unknown => Some("this link is not one Steward can use".into()),
    }
}

#[derive(Serialize, schemars::JsonSchema)]
struct UseAudit {
    invitation: Id,
    password_changed_at: DateTime<Utc>,
}

/// Sets the account's password from its invitation's link, once: the link is used up and the
/// holder may sign in with the password they chose. The two entries must be the same and
/// follow the password rules.
pub async fn accept<T: AuthTx>(
    tx: &mut T,
    council: &Council,
    raw: &str,
    password: &str,
    again: &str,
    now: DateTime<Utc>,
) -> DomainResult<User> {
    let found = check(tx, council, raw, now).await?;
    let LinkCheck::Open { invitation, user } = found else {
        return Err(DomainError::Conflict {
            field: "link".into(),
            message: refusal(&found).unwrap_or_default(),
        });
    };
    let (invitation, user) = (*invitation, *user);
    let chosen = Password::new(password, &user.username)?;
    if password != again {
        return Err(DomainError::invalid(
            "again",
            "the two passwords are not the same; type the same password in both boxes",
        ));
    }
    tx.set_password_hash(council.id, user.id, &hash_password(&chosen)?)
        .await?;
    let after = User {
        must_change_password: false,
        password_changed_at: now,
        ..user.clone()
    };
    tx.update_user(&after).await?;
    tx.update_invitation(&Invitation {
        used_at: Some(now),
        ..invitation.clone()
    })
    .await?;
    // The holder acts for themselves here, as when they sign in.
    let ctx = Ctx::new(user.username.to_string(), now, now.date_naive());
    audit(
        tx,
        &ctx,
        council.id,
        "invitation.use",
        "user",
        &user.username,
        NONE,
        Some(&UseAudit {
            invitation: invitation.id,
            password_changed_at: now,
        }),
    )
    .await?;
    users::end_sessions(tx, &ctx, &after, None).await?;
    Ok(after)
}

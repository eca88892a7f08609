//! A claimed message as an email: plain text and HTML alternatives, and a `Message-ID` derived
//! from the notice's key and the recipient, so it is the same on every attempt.

use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::{Mailbox, MultiPart};
use steward_domain::ops::outbox::{Claimed, SendFailure};

fn refused(reason: &str) -> SendFailure {
    SendFailure {
        permanent: true,
        reason: reason.to_string(),
    }
}

/// The email for `claimed`, from `from`, dated `at`.
pub fn compose(
    claimed: &Claimed,
    from: &Mailbox,
    at: DateTime<Utc>,
) -> Result<Message, SendFailure> {
    let message = &claimed.message;
    let address = message
        .address
        .as_deref()
        .ok_or_else(|| refused("the message has no address to go to"))?;
    let email = address.trim().parse().map_err(|_| {
        refused("the recipient's address in the register is not a valid email address")
    })?;
    let to = Mailbox::new(message.person_name.clone(), email);
    let domain = from.email.domain();
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(claimed.notice.subject.clone())
        .message_id(Some(format!("<{}@{domain}>", message.message_id)))
        .date(at.into())
        .multipart(MultiPart::alternative_plain_html(
            claimed.notice.body_text.clone(),
            claimed.notice.body_html.clone(),
        ))
        .map_err(|_| refused("the message could not be put together"))
}

//! Invitation links, written into a message only as it is sent.
//!
//! An invitation's notice holds [`LINK_PLACEHOLDER`] where its link goes. When the sender
//! claims such a message, [`prepare`] makes the link's secret in the claim's transaction (the
//! store keeps only its digest) and returns the message with the link written in; nothing
//! else ever holds it.

use crate::error::MailError;
use steward_domain::auth::{InvitationSecret, LINK_PLACEHOLDER};
use steward_domain::ops::invitations::{self, Link};
use steward_domain::ops::outbox::{Claimed, SendFailure};
use steward_domain::{Council, Ctx};
use steward_store::StoreTx;

/// What to do with a claimed message.
#[derive(Debug)]
pub(crate) enum Prepared {
    /// Send this.
    Send(Box<Claimed>),
    /// Do not send it: record this failure instead.
    Refuse(SendFailure),
}

/// The link to an invitation's page on the site at `public_url`.
pub(crate) fn link(public_url: &str, council: &Council, secret: &InvitationSecret) -> String {
    format!(
        "{}/councils/{}/invitation/{}",
        public_url.trim_end_matches('/'),
        council.slug,
        secret.expose()
    )
}

/// HTML-escapes `text` for an attribute or element.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The claimed message ready to send: with its link written in when it is an invitation, or
/// the reason it must not go.
pub(crate) async fn prepare(
    tx: &mut StoreTx,
    ctx: &Ctx,
    council: &Council,
    public_url: Option<&str>,
    claimed: Claimed,
) -> Result<Prepared, MailError> {
    if claimed.notice.source != invitations::SOURCE {
        return Ok(Prepared::Send(Box::new(claimed)));
    }
    let Some(public_url) = public_url else {
        // Tried again later: the setting can be given without the invitation being lost.
        return Ok(Prepared::Refuse(SendFailure {
            permanent: false,
            reason: "the address people reach Steward at is not set (--public-url or \
                     STEWARD_PUBLIC_URL), so the invitation's link cannot be written"
                .into(),
        }));
    };
    match invitations::issue_link(tx, ctx, council, &claimed.notice).await? {
        Link::None => Ok(Prepared::Send(Box::new(claimed))),
        Link::Closed(reason) => Ok(Prepared::Refuse(SendFailure {
            permanent: true,
            reason,
        })),
        Link::Made(secret) => {
            let url = link(public_url, council, &secret);
            let mut ready = claimed;
            ready.notice.body_text = ready.notice.body_text.replace(LINK_PLACEHOLDER, &url);
            let anchor = format!("<a href=\"{0}\">{0}</a>", escape(&url));
            ready.notice.body_html = ready.notice.body_html.replace(LINK_PLACEHOLDER, &anchor);
            Ok(Prepared::Send(Box::new(ready)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_the_council_and_carry_the_secret_once() {
        let council = Council {
            id: 1,
            slug: "dunmere".parse().unwrap_or_else(|e| panic!("{e:?}")),
            name: "Dunmere Parish Council".into(),
        };
        let secret = InvitationSecret::generate().unwrap_or_else(|e| panic!("{e}"));
        let url = link("https://steward.example.gov.uk/", &council, &secret);
        assert_eq!(
            url,
            format!(
                "https://steward.example.gov.uk/councils/dunmere/invitation/{}",
                secret.expose()
            )
        );
        assert_eq!(escape("a&b\"<"), "a&amp;b&quot;&lt;");
    }
}

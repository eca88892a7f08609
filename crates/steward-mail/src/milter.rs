//! The outbound milter: Postfix on the council's relay hands each message's envelope and
//! headers over the milter protocol (`indymilter`), and a [`Judge`] decides it by the pack and
//! records the decision. The message is refused with the clause in the SMTP reply, put in
//! Postfix's hold queue, or accepted, with the pack's disclaimer appended where it asks.
//!
//! The body is kept in memory only to append the disclaimer, up to [`BODY_MAX`]; it is never
//! recorded or logged, nor is the subject.

use bytes::Bytes;
use indymilter::{
    Actions, Callbacks, Config, Context, ContextActions, EomContext, SetErrorReply, Status,
};
use std::ffi::CString;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use steward_policy::mail::{MailAction, MailDecision, Outbound};
use tokio::net::TcpListener;

/// The most body kept to append a disclaimer to; a longer message is passed on unchanged.
pub const BODY_MAX: usize = 64 << 20;
/// The most recipients, and sensitivity-label headers, read of one message.
pub const RECIPIENTS_MAX: usize = 1000;
const LABELS_MAX: usize = 16;
/// The longest header value read (a subject, a label header, the content type).
const HEADER_MAX: usize = 16 * 1024;

/// A message as the milter saw it: the relay's queue id and what the pack judges.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    pub queue_id: Option<String>,
    pub outbound: Outbound,
}

/// What decides and records each message. An error becomes a temporary failure, so Postfix
/// keeps the message and tries again rather than letting it through unjudged.
pub trait Judge: Send + Sync + 'static {
    fn judge(
        &self,
        seen: Seen,
    ) -> Pin<Box<dyn Future<Output = Result<MailDecision, String>> + Send + '_>>;
}

#[derive(Default)]
struct Message {
    seen: Seen,
    content_type: Option<String>,
    transfer_encoding: Option<String>,
    body: Vec<u8>,
    body_too_long: bool,
}

/// `<ada@council.gov.uk>` as the address, lower case.
fn envelope_address(args: &[CString]) -> String {
    let first = args
        .first()
        .map(|a| a.to_string_lossy())
        .unwrap_or_default();
    first
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_ascii_lowercase()
}

fn header_text(value: &CString) -> String {
    let text = value.to_string_lossy();
    text.chars().take(HEADER_MAX).collect()
}

/// The SMTP reply text: printable ASCII only, as SMTP and the milter protocol allow.
pub fn reply_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{201c}' | '\u{201d}' => '"',
            '\u{2018}' | '\u{2019}' => '\'',
            '%' => ' ',
            c if c.is_ascii_graphic() || c == ' ' => c,
            _ => '?',
        })
        .collect()
}

/// The value of a MIME parameter (`boundary`) in a Content-Type header.
fn parameter(header: &str, name: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|p| {
        let (key, value) = p.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().trim_matches('"').to_string())
    })
}

/// The disclaimer as lines of at most 72 characters.
fn wrapped(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > 72 {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

/// The body with `disclaimer` added: after the text of a plain message, or as a part of its
/// own before a multipart message's closing boundary. `None` where neither fits (a body in
/// base64, or another type), when the message is passed on unchanged.
pub fn with_disclaimer(
    body: &[u8],
    content_type: Option<&str>,
    transfer_encoding: Option<&str>,
    disclaimer: &str,
) -> Option<Vec<u8>> {
    let kind = content_type
        .unwrap_or("text/plain")
        .trim()
        .to_ascii_lowercase();
    let encoding = transfer_encoding
        .unwrap_or("7bit")
        .trim()
        .to_ascii_lowercase();
    let lines = wrapped(disclaimer);
    if kind.starts_with("text/plain") {
        let escaped: Vec<String> = match encoding.as_str() {
            "7bit" | "8bit" | "binary" => lines,
            "quoted-printable" => lines.iter().map(|l| l.replace('=', "=3D")).collect(),
            _ => return None,
        };
        let mut out = body.to_vec();
        if !out.ends_with(b"\r\n") && !out.is_empty() {
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        for line in escaped {
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        return Some(out);
    }
    if kind.starts_with("multipart/") {
        let boundary = parameter(content_type.unwrap_or(""), "boundary")?;
        let closing = format!("--{boundary}--");
        let at = body
            .windows(closing.len())
            .rposition(|w| w == closing.as_bytes())?;
        let mut out = body.get(..at)?.to_vec();
        out.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\
                 Content-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
                lines.join("\r\n")
            )
            .as_bytes(),
        );
        out.extend_from_slice(body.get(at..)?);
        return Some(out);
    }
    None
}

fn message(cx: &mut Option<Message>) -> &mut Message {
    cx.get_or_insert_with(Message::default)
}

async fn eom<J: Judge>(judge: &J, cx: &mut EomContext<Message>) -> Status {
    let Some(mut msg) = cx.data.take() else {
        return Status::Continue;
    };
    if msg.seen.queue_id.is_none() {
        msg.seen.queue_id = cx
            .macros
            .get(c"i")
            .map(|q| q.to_string_lossy().chars().take(64).collect());
    }
    let queue = msg.seen.queue_id.clone().unwrap_or_default();
    let decision = match judge.judge(msg.seen.clone()).await {
        Ok(d) => d,
        Err(why) => {
            tracing::error!(queue = %queue, "the milter could not judge a message: {why}");
            return Status::Tempfail;
        }
    };
    let reply = decision.reply().map(|r| reply_text(&r));
    match decision.action {
        MailAction::Reject => {
            let text = reply.unwrap_or_else(|| "Refused by the council's mail policy".into());
            if let Err(e) = cx.reply.set_error_reply("550", Some("5.7.1"), [text]) {
                tracing::warn!(queue = %queue, "the refusal's reply could not be set: {e}");
            }
            Status::Reject
        }
        MailAction::Hold => {
            let text = reply.unwrap_or_else(|| "Held by the council's mail policy".into());
            if let Err(e) = cx.actions.quarantine(text).await {
                tracing::error!(queue = %queue, "the message could not be held: {e}");
                return Status::Tempfail;
            }
            Status::Accept
        }
        MailAction::Accept => {
            if let Some(text) = &decision.disclaimer {
                let added = if msg.body_too_long {
                    None
                } else {
                    with_disclaimer(
                        &msg.body,
                        msg.content_type.as_deref(),
                        msg.transfer_encoding.as_deref(),
                        text,
                    )
                };
                match added {
                    Some(body) => {
                        for chunk in body.chunks(60 * 1024) {
                            if let Err(e) = cx.actions.replace_body(chunk).await {
                                tracing::error!(queue = %queue, "the disclaimer could not be added: {e}");
                                return Status::Tempfail;
                            }
                        }
                    }
                    None => tracing::warn!(
                        queue = %queue,
                        "the disclaimer was not added: the message is too long or not plain text"
                    ),
                }
            }
            Status::Accept
        }
    }
}

/// Serves the milter protocol on `listener` until `shutdown` completes.
pub async fn serve<J: Judge>(
    listener: TcpListener,
    judge: Arc<J>,
    shutdown: impl Future,
) -> std::io::Result<()> {
    let callbacks = Callbacks::<Message>::new()
        .on_mail(|cx, args| {
            Box::pin(async move {
                cx.data = Some(Message::default());
                message(&mut cx.data).seen.outbound.sender = envelope_address(&args);
                Status::Continue
            })
        })
        .on_rcpt(|cx, args| {
            Box::pin(async move {
                let m = message(&mut cx.data);
                if m.seen.outbound.recipients.len() < RECIPIENTS_MAX {
                    m.seen.outbound.recipients.push(envelope_address(&args));
                }
                Status::Continue
            })
        })
        .on_header(|cx, name, value| {
            Box::pin(async move {
                let m = message(&mut cx.data);
                let name = name.to_string_lossy().to_ascii_lowercase();
                match name.as_str() {
                    "subject" => m.seen.outbound.subject = Some(header_text(&value)),
                    "msip_labels" if m.seen.outbound.labels.len() < LABELS_MAX => {
                        m.seen.outbound.labels.push(header_text(&value));
                    }
                    "content-type" => m.content_type = Some(header_text(&value)),
                    "content-transfer-encoding" => {
                        m.transfer_encoding = Some(header_text(&value));
                    }
                    _ => {}
                }
                Status::Continue
            })
        })
        .on_body(|cx, chunk: Bytes| {
            Box::pin(async move {
                let m = message(&mut cx.data);
                if m.body.len() + chunk.len() > BODY_MAX {
                    m.body_too_long = true;
                    m.body = Vec::new();
                } else if !m.body_too_long {
                    m.body.extend_from_slice(&chunk);
                }
                Status::Continue
            })
        })
        .on_eom(move |cx| {
            let judge = judge.clone();
            Box::pin(async move { eom(&*judge, cx).await })
        })
        .on_abort(|cx: &mut Context<Message>| {
            Box::pin(async move {
                cx.data = None;
                Status::Continue
            })
        });
    let config = Config {
        actions: Actions::REPLACE_BODY | Actions::QUARANTINE,
        ..Config::default()
    };
    indymilter::run(listener, callbacks, config, shutdown).await
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_gets_the_disclaimer_after_it() {
        let out = with_disclaimer(b"Hello\r\n", None, None, "Read this.").unwrap();
        assert_eq!(out, b"Hello\r\n\r\nRead this.\r\n");
        let qp =
            with_disclaimer(b"x", Some("text/plain"), Some("quoted-printable"), "a=b").unwrap();
        assert!(String::from_utf8(qp).unwrap().ends_with("a=3Db\r\n"));
        assert!(with_disclaimer(b"eA==", Some("text/plain"), Some("base64"), "x").is_none());
        assert!(with_disclaimer(b"<p>", Some("text/html"), None, "x").is_none());
    }

    #[test]
    fn multipart_mail_gets_a_part_of_its_own() {
        let body = b"--b1\r\nContent-Type: text/plain\r\n\r\nHi\r\n--b1--\r\n";
        let out = with_disclaimer(
            body,
            Some("multipart/mixed; boundary=\"b1\""),
            None,
            "Note.",
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with("Note.\r\n--b1--\r\n"), "{text}");
        assert_eq!(text.matches("--b1\r\n").count(), 2);
    }

    #[test]
    fn replies_are_plain_ascii() {
        assert_eq!(
            reply_text("\u{201c}Email\u{201d}, 100% é"),
            "\"Email\", 100  ?"
        );
    }

    #[test]
    fn long_disclaimers_wrap() {
        let text = "word ".repeat(40);
        assert!(wrapped(&text).iter().all(|l| l.len() <= 72));
    }
}

//! The connection to the mail server, and what its failures mean for a message.

use crate::config::{MailConfig, Security};
use crate::error::MailError;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;
use steward_domain::ops::outbox::SendFailure;

/// Each SMTP command must answer within this, well inside the outbox's claim lease.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// A mail server to send through, as one sender.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    server: String,
}

impl Smtp {
    pub fn new(config: &MailConfig) -> Result<Smtp, MailError> {
        let host = config.server.host.clone();
        let tls = |host: &str| {
            TlsParameters::new(host.to_string()).map_err(|e| MailError::Tls(e.to_string()))
        };
        let tls = match config.server.security {
            Security::Plain => Tls::None,
            Security::StartTls => Tls::Required(tls(&host)?),
            Security::Tls => Tls::Wrapper(tls(&host)?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(config.server.port)
            .tls(tls)
            .timeout(Some(COMMAND_TIMEOUT))
            .hello_name(ClientId::Domain(config.from.email.domain().to_string()));
        if let Some(login) = &config.login {
            builder =
                builder.credentials(Credentials::new(login.user.clone(), login.password.clone()));
        }
        Ok(Smtp {
            transport: builder.build(),
            from: config.from.clone(),
            server: config.server.to_string(),
        })
    }

    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// The server's address, for messages to the operator (it holds no credentials).
    pub fn server(&self) -> &str {
        &self.server
    }

    /// Hands the message to the server. `Ok` means the server accepted it for delivery.
    pub async fn send(&self, message: Message) -> Result<(), SendFailure> {
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) => Err(failure(&e)),
        }
    }
}

/// What went wrong, from the error's kind and reply code only: the server's own words can
/// repeat the recipient's address, which must not reach the outbox or the logs.
fn failure(e: &lettre::transport::smtp::Error) -> SendFailure {
    let code = e.status().map(|c| c.to_string());
    if e.is_permanent() {
        return SendFailure {
            permanent: true,
            reason: format!(
                "the mail server refused the message (reply {})",
                code.as_deref().unwrap_or("5xx")
            ),
        };
    }
    let reason = if e.is_transient() {
        format!(
            "the mail server turned the message away for now (reply {})",
            code.as_deref().unwrap_or("4xx")
        )
    } else if e.is_timeout() {
        "the mail server did not answer in time".to_string()
    } else if e.is_tls() {
        "a secure connection to the mail server could not be made".to_string()
    } else if e.is_response() {
        "the mail server's reply could not be understood".to_string()
    } else {
        "the mail server could not be reached".to_string()
    };
    SendFailure {
        permanent: false,
        reason,
    }
}

/// Sends a short message to `to` saying the mail server works, for the setup page's "send a
/// test message" button. The answer is in words, without the server's own (which may repeat
/// the address).
pub async fn send_test(config: &crate::MailConfig, to: &str, council: &str) -> Result<(), String> {
    let to: Mailbox = to
        .parse()
        .map_err(|_| "the administrator's email address could not be used".to_string())?;
    let smtp = Smtp::new(config).map_err(|e| e.to_string())?;
    let message = Message::builder()
        .from(smtp.from.clone())
        .to(to)
        .subject(format!("Steward test message for {council}"))
        .body(format!(
            "This message was sent while setting up Steward for {council}, to check that \
             notices can be sent through {}.\n",
            smtp.server
        ))
        .map_err(|_| "the test message could not be written".to_string())?;
    smtp.send(message).await.map_err(|f| f.reason)
}

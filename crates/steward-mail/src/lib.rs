//! Sending the outbox over SMTP.
//!
//! [`MailConfig`] says where mail goes (`smtp://` for a relay on loopback, `smtp+starttls://`
//! or `smtps://` elsewhere) and who it is from; credentials come from the environment and are
//! never printed. [`Worker`] claims one due message at a time (committing the claim before it
//! speaks to the mail server), sends it, and records the outcome in a second transaction; see
//! `steward_domain::outbox` for the states and why a message is sent at most once. An
//! invitation's link is made as its message is claimed and written only into the email.
//! [`milter`] judges outbound mail on the council's relay for Postfix.

mod compose;
mod config;
mod error;
mod links;
pub mod milter;
mod smtp;
mod worker;

pub use compose::compose;
pub use config::{Login, MailConfig, Security, SmtpServer};
pub use error::MailError;
pub use smtp::{Smtp, send_test};
pub use worker::{CRASH_AFTER_SMTP, Clock, SendReport, Worker};

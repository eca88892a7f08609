//! Mail's side of the register: the forwards set on the council's mailboxes, read from a
//! snapshot (`snapshot`) and judged by the pack, and what the outbound relay's milter decided
//! about each message (metadata only). Storage is the narrow `MailTx`; the commands are in
//! `ops::mail`.

pub mod records;
pub mod repo;
pub mod snapshot;

pub use records::*;
pub use repo::MailTx;

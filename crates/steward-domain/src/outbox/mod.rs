//! Notices and the outbox they are sent from.
//!
//! A [`Notice`] is one fact worth telling people ("LAP-1 is overdue"), filed under an
//! idempotency key that is unique in its council, so the same fact is never noticed twice. Each
//! notice has one [`OutboxMessage`] per recipient. A message moves `queued` → `sending` (claimed
//! and committed before any mail server is contacted) → `sent`, or back to `queued` with a later
//! `next_attempt_at` after a failure, and to `failed` once retries run out. A message left in
//! `sending` past its lease is `uncertain`: it may or may not have gone, so it is never sent
//! again without an officer's say-so. That is what makes delivery at most once.

mod backoff;
mod letter;
mod records;
mod repo;

pub use backoff::{LEASE, MAX_ATTEMPTS, next_attempt_after};
pub use letter::{Letter, render_html, render_text};
pub use records::{
    MessageFilter, MessageState, NewMessage, NewNotice, Notice, OutboxMessage, Recipient,
    message_id_local,
};
pub use repo::OutboxTx;

//! The storage the outbox needs, kept apart from the register's `RegisterTx` (which it extends
//! for the people messages go to and the audit trail).

use super::records::{MessageFilter, MessageState, NewMessage, NewNotice, Notice, OutboxMessage};
use crate::listing::Listed;
use crate::ops::kept::KeptCount;
use crate::ops::outbox::list::MessageQuery;
use crate::records::Id;
use crate::repo::{RegisterTx, RepoResult};
use std::future::Future;

/// Notices and their messages, inside one transaction.
pub trait OutboxTx: RegisterTx {
    /// Files a notice; `None` when the council already has one with the same key, which is
    /// left as it was.
    fn insert_notice(
        &mut self,
        council_id: Id,
        new: &NewNotice,
    ) -> impl Future<Output = RepoResult<Option<Notice>>> + Send;
    fn notice_by_key(
        &mut self,
        council_id: Id,
        key: &str,
    ) -> impl Future<Output = RepoResult<Option<Notice>>> + Send;
    /// The keys of the notices filed under keys that begin with `prefix`, in one statement:
    /// what the sweep has already told about one source's findings.
    fn notice_keys_starting(
        &mut self,
        council_id: Id,
        prefix: &str,
    ) -> impl Future<Output = RepoResult<Vec<String>>> + Send;
    fn notice(
        &mut self,
        council_id: Id,
        id: Id,
    ) -> impl Future<Output = RepoResult<Option<Notice>>> + Send;

    fn insert_message(
        &mut self,
        council_id: Id,
        new: &NewMessage,
    ) -> impl Future<Output = RepoResult<OutboxMessage>> + Send;
    fn message(
        &mut self,
        council_id: Id,
        id: Id,
    ) -> impl Future<Output = RepoResult<Option<OutboxMessage>>> + Send;
    /// Messages matching the filter, oldest first.
    fn messages(
        &mut self,
        council_id: Id,
        filter: &MessageFilter,
    ) -> impl Future<Output = RepoResult<Vec<OutboxMessage>>> + Send;
    /// A page of the council's messages, counted, or with the count `kept` holds for the
    /// register's state (counted and kept when it holds none).
    fn list_messages(
        &mut self,
        council_id: Id,
        query: &MessageQuery,
        kept: Option<KeptCount<'_>>,
    ) -> impl Future<Output = RepoResult<Listed<OutboxMessage>>> + Send;
    /// How many of the council's messages are in each of `states`.
    fn count_messages(
        &mut self,
        council_id: Id,
        states: &[MessageState],
    ) -> impl Future<Output = RepoResult<Vec<(MessageState, u64)>>> + Send;
    /// Writes every mutable field of `message` (address, state, attempts, times, error, claim),
    /// but only while the stored message is in one of `expected` states and, when `claim` is
    /// given, still holds that claim. Answers whether it was written: two senders, or a sender
    /// and an officer, never both win.
    fn update_message_if(
        &mut self,
        message: &OutboxMessage,
        expected: &[MessageState],
        claim: Option<&str>,
    ) -> impl Future<Output = RepoResult<bool>> + Send;
}

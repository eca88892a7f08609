//! The storage information requests need, beside the register's `RegisterTx` (which it
//! extends, for the people involved and the audit trail).

use super::records::{InfoHelper, InfoPause, InfoRequest, NewInfoRequest};
use crate::auth::Scope;
use crate::listing::Listed;
use crate::ops::info::list::{InfoListed, InfoQuery};
use crate::records::Id;
use crate::repo::{RegisterTx, RepoResult};
use chrono::NaiveDate;
use std::future::Future;

/// Information requests, their pauses and the people asked to help. Every read and change by
/// id names the council too, so it is answered from that council's rows alone.
pub trait InfoTx: RegisterTx {
    /// A page of the council's requests in `scope`, each with whom it is about.
    fn list_info_requests(
        &mut self,
        council_id: Id,
        scope: &Scope,
        query: &InfoQuery,
    ) -> impl Future<Output = RepoResult<Listed<InfoListed>>> + Send;
    /// The pauses of these requests, in one read.
    fn info_pauses_of(
        &mut self,
        council_id: Id,
        request_ids: &[Id],
    ) -> impl Future<Output = RepoResult<Vec<InfoPause>>> + Send;
    /// The helpers of these requests with their references and names, in one read.
    fn info_helpers_of(
        &mut self,
        council_id: Id,
        request_ids: &[Id],
    ) -> impl Future<Output = RepoResult<Vec<(InfoHelper, String, String)>>> + Send;
    fn insert_info_request(
        &mut self,
        council_id: Id,
        new: &NewInfoRequest,
    ) -> impl Future<Output = RepoResult<InfoRequest>> + Send;
    /// Writes the fields that change after receipt: extension, identity check, closing.
    fn update_info_request(
        &mut self,
        request: &InfoRequest,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    fn info_request(
        &mut self,
        council_id: Id,
        id: Id,
    ) -> impl Future<Output = RepoResult<Option<InfoRequest>>> + Send;
    fn info_request_by_reference(
        &mut self,
        council_id: Id,
        reference: &str,
    ) -> impl Future<Output = RepoResult<Option<InfoRequest>>> + Send;
    /// Every request of the council, oldest first.
    fn info_requests(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<InfoRequest>>> + Send;

    fn insert_info_pause(
        &mut self,
        council_id: Id,
        request_id: Id,
        asked_on: NaiveDate,
        note: &str,
    ) -> impl Future<Output = RepoResult<InfoPause>> + Send;
    fn answer_info_pause(
        &mut self,
        council_id: Id,
        pause_id: Id,
        answered_on: NaiveDate,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    fn info_pauses(
        &mut self,
        council_id: Id,
        request_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<InfoPause>>> + Send;

    fn insert_info_helper(
        &mut self,
        council_id: Id,
        request_id: Id,
        person_id: Id,
        asked_on: NaiveDate,
    ) -> impl Future<Output = RepoResult<InfoHelper>> + Send;
    fn answer_info_helper(
        &mut self,
        council_id: Id,
        helper_id: Id,
        answered_on: NaiveDate,
        answer: &str,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    fn info_helpers(
        &mut self,
        council_id: Id,
        request_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<InfoHelper>>> + Send;
    /// Every time `person_id` was asked to help, oldest first.
    fn info_helpers_of_person(
        &mut self,
        council_id: Id,
        person_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<InfoHelper>>> + Send;
}

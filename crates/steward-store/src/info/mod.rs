//! The domain's information request storage, `InfoTx`, for a store transaction.

mod list;
mod rows;

pub(crate) use rows::fill;

use crate::tx::StoreTx;
use chrono::NaiveDate;
use steward_domain::auth::Scope;
use steward_domain::info::{InfoHelper, InfoPause, InfoRequest, InfoTx, NewInfoRequest};
use steward_domain::listing::Listed;
use steward_domain::ops::info::list::{InfoListed, InfoQuery};
use steward_domain::{Id, RepoResult};

impl InfoTx for StoreTx {
    async fn list_info_requests(
        &mut self,
        council_id: Id,
        scope: &Scope,
        query: &InfoQuery,
    ) -> RepoResult<Listed<InfoListed>> {
        list::page(self, council_id, scope, query).await
    }

    async fn info_pauses_of(
        &mut self,
        council_id: Id,
        request_ids: &[Id],
    ) -> RepoResult<Vec<InfoPause>> {
        list::pauses_of(self, council_id, request_ids).await
    }

    async fn info_helpers_of(
        &mut self,
        council_id: Id,
        request_ids: &[Id],
    ) -> RepoResult<Vec<(InfoHelper, String, String)>> {
        list::helpers_of(self, council_id, request_ids).await
    }

    async fn insert_info_request(
        &mut self,
        council_id: Id,
        new: &NewInfoRequest,
    ) -> RepoResult<InfoRequest> {
        rows::insert(self, council_id, new).await
    }

    async fn update_info_request(&mut self, request: &InfoRequest) -> RepoResult<()> {
        rows::update(self, request).await
    }

    async fn info_request(&mut self, council_id: Id, id: Id) -> RepoResult<Option<InfoRequest>> {
        rows::by_id(self, council_id, id).await
    }

    async fn info_request_by_reference(
        &mut self,
        council_id: Id,
        reference: &str,
    ) -> RepoResult<Option<InfoRequest>> {
        rows::by_reference(self, council_id, reference).await
    }

    async fn info_requests(&mut self, council_id: Id) -> RepoResult<Vec<InfoRequest>> {
        rows::list(self, council_id).await
    }

    async fn insert_info_pause(
        &mut self,
        council_id: Id,
        request_id: Id,
        asked_on: NaiveDate,
        note: &str,
    ) -> RepoResult<InfoPause> {
        rows::insert_pause(self, council_id, request_id, asked_on, note).await
    }

    async fn answer_info_pause(
        &mut self,
        council_id: Id,
        pause_id: Id,
        answered_on: NaiveDate,
    ) -> RepoResult<()> {
        rows::answer_pause(self, council_id, pause_id, answered_on).await
    }

    async fn info_pauses(&mut self, council_id: Id, request_id: Id) -> RepoResult<Vec<InfoPause>> {
        rows::pauses(self, council_id, request_id).await
    }

    async fn insert_info_helper(
        &mut self,
        council_id: Id,
        request_id: Id,
        person_id: Id,
        asked_on: NaiveDate,
    ) -> RepoResult<InfoHelper> {
        rows::insert_helper(self, council_id, request_id, person_id, asked_on).await
    }

    async fn answer_info_helper(
        &mut self,
        council_id: Id,
        helper_id: Id,
        answered_on: NaiveDate,
        answer: &str,
    ) -> RepoResult<()> {
        rows::answer_helper(self, council_id, helper_id, answered_on, answer).await
    }

    async fn info_helpers(
        &mut self,
        council_id: Id,
        request_id: Id,
    ) -> RepoResult<Vec<InfoHelper>> {
        rows::helpers(self, council_id, request_id).await
    }

    async fn info_helpers_of_person(
        &mut self,
        council_id: Id,
        person_id: Id,
    ) -> RepoResult<Vec<InfoHelper>> {
        rows::helpers_of_person(self, council_id, person_id).await
    }
}

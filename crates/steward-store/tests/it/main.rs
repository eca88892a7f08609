//! The store's integration tests, one binary: each module is one area of the register, run
//! against SQLite or PostgreSQL as `STEWARD_TEST_BACKEND` says.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod admin_lists;
mod audit_log;
mod corrections;
mod council_scoped;
mod devices_mail;
mod directory;
mod due;
mod lists;
mod phones;
mod picking;
mod plans;
mod reporting;
mod store;
mod web_identities;
mod workflow;
mod workflow_lists;

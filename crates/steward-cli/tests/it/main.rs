#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End-to-end scenarios through the `steward` binary, one database per test. The backend is
//! chosen by STEWARD_TEST_BACKEND (sqlite by default, or postgres).

mod accounts;
mod api;
mod audit;
mod audit_log;
mod bad_input;
mod borough;
mod bounded;
mod checkpoints;
mod city;
mod city_aup;
mod cli;
mod contract;
mod corrections;
mod county;
mod deploy;
mod erasure;
mod filter;
mod filter_db;
mod filter_scan;
mod findings_report;
mod invitations;
mod item_lists;
mod mail;
mod mail_forwarding;
mod mailsink;
mod milter;
mod nginx;
mod outbox;
mod phones;
pub(crate) mod records;
mod remote;
mod reports;
mod retention;
mod serve;
mod servers;
mod squid;
mod support;
mod sweep;
mod tamper;
mod town;
mod workflow;

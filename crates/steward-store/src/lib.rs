//! Storage for the register on SQLite or PostgreSQL, behind the domain's `RegisterTx` trait
//! (and `AuthTx` for accounts, sessions and API tokens).
//!
//! One [`Store`] is a connection pool; one [`StoreTx`] is one database transaction. Writes and
//! their audit records commit together. The audit table is append-only in the database itself,
//! and [`Store::verify_audit`] re-checks a council's whole hash chain.

mod account_lists;
mod audit;
mod audit_check;
mod audit_list;
mod auth;
mod daily;
mod directory;
mod due;
mod equipment;
mod error;
mod identity_list;
mod info;
mod invitations;
mod listing;
mod loans;
mod mail;
mod migrate;
mod network;
mod network_list;
mod oidc;
mod open;
mod outbox;
mod packed;
mod people;
mod phones;
mod policy;
mod posture;
mod posture_counts;
mod register;
mod retention;
mod retention_devices_mail;
mod retention_findings;
mod rows;
mod scim;
mod search;
mod sessions;
mod setup;
mod signatures;
pub mod testing;
mod tx;
mod users;
mod workflow;

pub use audit::AuditCheck;
pub use error::StoreError;
pub use open::{Backend, Store};
pub use tx::StoreTx;

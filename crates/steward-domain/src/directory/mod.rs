//! Keeping the register in step with the council's directory (LDAP or Microsoft Graph).
//!
//! A source hands over its entries as [`RawEntry`] values; the council's [`DirectorySettings`]
//! say which attributes make a person's reference, name, email address and kind, and which
//! groups make which kinds and offices ([`entry`]). [`plan`] compares the entries with the
//! register, without any I/O: who joins, who changes (name, email, kind, offices, a new term)
//! and who leaves. [`apply`] carries a plan out in one transaction through the same commands a
//! CSV import and an officer use, so every change has its usual audit record. Nobody is ever
//! deleted: a leaver's term ends, with the reason "term ended".

pub mod apply;
pub mod entry;
pub mod plan;
pub mod repo;
pub mod scim;
pub mod settings;

pub use entry::{DirectoryEntry, ExternalId, RawEntry};
pub use plan::{Plan, Registered};
pub use repo::DirectoryTx;
pub use settings::DirectorySettings;

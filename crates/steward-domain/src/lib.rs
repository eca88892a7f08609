//! The register: people, their offices and terms, equipment, loans and acceptances, and the
//! commands that change them. Commands ask the policy crate for every decision and write an
//! audit record beside every change.

pub mod audit;
pub mod auth;
pub mod ctx;
pub mod directory;
pub mod error;
pub mod ids;
pub mod import;
pub mod info;
pub mod limits;
pub mod listing;
pub mod mail;
pub mod network;
pub mod ops;
pub mod outbox;
pub mod phones;
pub mod posture;
pub mod records;
pub mod repo;
pub mod retention;
pub mod text;
pub mod workflow;

pub use ctx::Ctx;
pub use error::{DomainError, DomainResult, ErrorKind};
pub use ids::{AssetTag, CouncilSlug, InvalidValue, Pence, PersonRef};
pub use records::*;
pub use repo::{RegisterTx, RepoError, RepoResult};

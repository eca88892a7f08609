//! The web filter: category lists compiled into a compact matcher, a Squid helper that judges
//! each request by the lists or by the council's policy pack, and a scanner of Squid's access
//! logs that sums up who reached what.
//!
//! No database and no clock: the helper is handed a clock and a [`helper::Decide`]r, so that a
//! decider backed by the register plugs in without touching the protocol code.

pub mod category;
pub mod entry;
pub mod error;
pub mod hash;
pub mod helper;
pub mod index;
pub mod lines;
pub mod lists;
pub mod matcher;
pub mod scan;
pub mod sieve;
pub mod table;
pub mod url;

pub use category::{CategoryId, CategorySet};
pub use error::MonitorError;
pub use matcher::{Matcher, MatcherBuilder};

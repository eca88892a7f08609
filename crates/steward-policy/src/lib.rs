//! Council ICT policy packs and the decisions derived from them.
//!
//! Pure: no I/O beyond reading the text it is handed, no clock. Every decision takes `today`
//! (or `now`) as an argument and carries the clause it rests on.

pub mod cases;
pub mod changes;
pub mod check;
pub mod citation;
pub mod decide;
pub mod explain;
pub mod information;
pub mod mail;
pub mod model;
pub mod period;
pub mod phones;
pub mod posture;
pub mod presets;
pub mod requests;
pub mod retention;
pub mod signatures;
pub mod span;
pub mod uktime;
pub mod vocab;
pub mod web;
pub mod workdays;

pub use check::{CheckError, LoadedPack, Problem, check_pack};
pub use citation::Citation;
pub use model::{Clause, OfficeId, Pack};
pub use period::{Period, long_date};
pub use span::Span;
pub use vocab::{Audience, EquipmentKind, EquipmentState, PersonKind, TermEndReason};

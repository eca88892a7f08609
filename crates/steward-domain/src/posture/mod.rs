//! Device compliance: what management tools report about each device's security duties, and
//! what the pack makes of it. The formats are read by `parse`; storage is the narrow
//! `PostureTx`; the commands (import, findings) are in `ops::posture`; the pack's judgement is
//! `steward_policy::posture::judge`.

pub mod parse;
pub mod records;
pub mod repo;

pub use records::*;
pub use repo::PostureTx;

//! Device compliance: what management tools report about each device's security duties, and
//! what the pack makes of it. The formats are read by `parse`; the pack's judgement is
//! `steward_policy::posture::judge`.

pub mod parse;

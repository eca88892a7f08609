//! The web filter and the register: who is behind a proxy user name or a device's address
//! (`identities`, `directory`), what the filter needs to judge each person (`directory`), and
//! the findings of scanning the proxy's logs, with the cases a threshold opens (`findings`,
//! `threshold`), who may read them (`view`) and their list (`list`).

pub mod after_leaving;
pub mod directory;
pub mod findings;
pub mod identities;
pub mod list;
mod threshold;
pub mod view;

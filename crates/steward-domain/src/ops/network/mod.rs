//! The web filter and the register: who is behind a proxy user name or a device's address
//! (`identities`, `directory`), what the filter needs to judge each person (`directory`), and
//! the findings of scanning the proxy's logs, with the cases a threshold opens (`findings`,
//! `threshold`) and who may read them (`view`).

pub mod directory;
pub mod findings;
pub mod identities;
mod threshold;
pub mod view;

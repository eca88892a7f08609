//! Information requests: freedom of information and environmental information requests from
//! anyone, and subject access requests about a person in the register. Their records, storage
//! trait and deadlines; the commands are in `ops::info`.

pub mod access;
pub mod deadline;
pub mod records;
pub mod repo;

pub use deadline::{Deadline, Standing};
pub use records::{InfoHelper, InfoKind, InfoPause, InfoRequest, NewInfoRequest};
pub use repo::InfoTx;

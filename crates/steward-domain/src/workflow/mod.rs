//! Requests, incidents and breach cases: what people report and ask for, who must act, who must
//! agree, and what was decided. The records are also the wire types the API serves.

mod records;
mod repo;

pub use records::*;
pub use repo::{NewCase, NewEvent, NewRequest, WorkflowTx};

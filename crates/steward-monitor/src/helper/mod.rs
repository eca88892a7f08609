//! `steward filter squid`: a Squid helper that judges each request by the lists, or by the
//! council's pack for the person making it.

pub mod decide;
pub mod protocol;
pub mod serve;
pub mod template;

pub use decide::{Decide, ListsDecider, PackDecider, Query, Snapshot, Verdict, WebPerson};
pub use protocol::Protocol;
pub use serve::{Engine, HelperOptions, HelperStats, Shared, reload_on_hangup, serve};
pub use template::BlockUrl;

//! The web filter's side of the register: the proxy user names people are known by, the
//! network addresses of equipment (whoever has the item on loan is behind its address), and
//! the findings of scanning the proxy's logs. Storage is the narrow `NetworkTx`; the commands
//! are in `ops::network`.

pub mod records;
pub mod repo;

pub use records::*;
pub use repo::NetworkTx;

use sha2::{Digest, Sha256};

/// A log file's identity: a digest of its first line. A log that has grown, or been rotated
/// and compressed, keeps its first line, so scanning it again replaces what it gave before.
pub fn source_of(first_line: &[u8]) -> String {
    hex::encode(Sha256::digest(first_line))
}

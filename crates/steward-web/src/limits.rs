//! The server's input limits in one place (the README lists every layer's). Past these, a
//! request is refused before anything is read into the register.

/// The largest request body, API or form, except the import and snapshot pages below (413
/// beyond).
pub const BODY: usize = 2 << 20;

/// The longest line of a text body (a policy pack or a CSV file sent to the API).
pub const TEXT_LINE: usize = 64 * 1024;

/// The largest CSV file the import pages take.
pub const IMPORT_FILE: usize = 5 << 20;

/// The most rows a file on the import pages may hold; larger registers import with
/// `steward person import` or `steward equipment import`.
pub const IMPORT_ROWS: usize = 20_000;

/// The largest file of device checks the compliance upload page takes (and its Fleet policy
/// map); larger exports import with `steward posture import`.
pub const POSTURE_UPLOAD: usize = 8 << 20;

/// The largest Fleet policy map the compliance upload page takes.
pub const FLEET_MAP: usize = 256 << 10;

/// The largest forwarding snapshot the mail forwarding page takes; larger ones import with
/// `steward mail forwarding import`.
pub const FORWARDING_SNAPSHOT: usize = 16 << 20;

/// The largest TLS certificate chain or private key file `serve --tls-cert`/`--tls-key` reads.
pub const TLS_FILE: u64 = 1 << 20;

/// The most of any one answer from the council's identity provider (discovery, keys, tokens)
/// that is read.
pub const PROVIDER_ANSWER: usize = 1 << 20;

/// The most of the identity provider's client-secret file that is read.
pub const SECRET_FILE: u64 = 4096;

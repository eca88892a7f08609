//! Signed checkpoints of a council's chain. A checkpoint states "the chain of council C had
//! reached record S with hash H", signed with an Ed25519 key that is never stored in the
//! database. An auditor keeps the files elsewhere; a later check proves the chain still holds
//! H at S and has only grown since.
//!
//! The signature covers this text, built from the file's fields, each line ending in `\n`:
//!
//! ```text
//! steward-audit-checkpoint-v1
//! council: dunmere
//! council_id: 1
//! seq: 42
//! head_hash: <64 hex digits>
//! head_at: 2027-05-16T09:30:00.000000Z
//! taken_at: 2027-05-16T23:00:00.000000Z
//! public_key: <64 hex digits>
//! ```
//!
//! `head_at` is `-` for an empty chain.

use super::{ChainReport, GENESIS, timestamp_text};
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "steward-audit-checkpoint-v1";
/// Checkpoint files end with this; other files in a checkpoint directory are ignored.
pub const FILE_SUFFIX: &str = ".checkpoint.json";

const SECRET_LABEL: &str = "secret-key:";
const PUBLIC_LABEL: &str = "public-key:";

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("not a Steward audit key file: {0}")]
    KeyFile(String),
    #[error("not a Steward audit checkpoint: {0}")]
    Unreadable(String),
    #[error("signed by key {found}, not by the trusted key {trusted}")]
    WrongKey { found: String, trusted: String },
    #[error("its signature does not match its contents: the file was altered after signing")]
    BadSignature,
    #[error("it is for council {found}, not {expected}")]
    OtherCouncil { found: String, expected: String },
    #[error(
        "record {seq} now has hash {found}, but the checkpoint signed {signed}: the chain was rewritten"
    )]
    Rewritten {
        seq: i64,
        found: String,
        signed: String,
    },
    #[error(
        "the chain ends at record {head}, but the checkpoint saw it reach {seq}: records were removed"
    )]
    Shrunk { seq: i64, head: i64 },
    #[error(
        "record {seq} could not be confirmed: the chain fails verification after record {through}"
    )]
    Unconfirmed { seq: i64, through: i64 },
}

/// The Ed25519 key that signs checkpoints. It lives in a file outside the database.
pub struct AuditKey(SigningKey);

impl AuditKey {
    pub fn generate() -> AuditKey {
        AuditKey(SigningKey::generate(&mut rand_core::OsRng))
    }

    /// The private key file's text.
    pub fn file_text(&self) -> String {
        format!(
            "# Steward audit signing key (Ed25519). Keep it secret and away from the database server.\n{SECRET_LABEL} {}\n",
            hex::encode(self.0.to_bytes())
        )
    }

    pub fn from_file_text(text: &str) -> Result<AuditKey, CheckpointError> {
        let bytes = labelled_hex(text, SECRET_LABEL).map_err(CheckpointError::KeyFile)?;
        Ok(AuditKey(SigningKey::from_bytes(&bytes)))
    }

    pub fn public(&self) -> VerifyingKey {
        self.0.verifying_key()
    }
}

/// The public key file's text, for whoever checks the checkpoints.
pub fn public_key_file_text(key: &VerifyingKey) -> String {
    format!(
        "# Steward audit public key (Ed25519): checks the council's signed checkpoints.\n{PUBLIC_LABEL} {}\n",
        hex::encode(key.to_bytes())
    )
}

/// Reads a public key file, or the bare 64 hex digits of a key.
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, CheckpointError> {
    let bytes = if text.contains(PUBLIC_LABEL) {
        labelled_hex(text, PUBLIC_LABEL)
    } else {
        hex32(text.trim())
    }
    .map_err(CheckpointError::KeyFile)?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| CheckpointError::KeyFile("the key is not a valid Ed25519 public key".into()))
}

pub fn public_key_text(key: &VerifyingKey) -> String {
    hex::encode(key.to_bytes())
}

fn labelled_hex(text: &str, label: &str) -> Result<[u8; 32], String> {
    let line = text
        .lines()
        .map(str::trim)
        .find_map(|line| line.strip_prefix(label))
        .ok_or_else(|| format!("no line starting '{label}'"))?;
    hex32(line.trim())
}

fn hex32(text: &str) -> Result<[u8; 32], String> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out)
        .map_err(|_| "the key must be 64 hexadecimal digits".to_string())?;
    Ok(out)
}

/// The head a checkpoint covers.
#[derive(Clone, Debug)]
pub struct Covered<'a> {
    pub council_slug: &'a str,
    pub council_id: i64,
    pub seq: i64,
    pub head_hash: &'a str,
    pub head_at: Option<DateTime<Utc>>,
}

/// The file a council's checkpoint at `seq` is written to.
pub fn file_name(council_slug: &str, seq: i64) -> String {
    format!("{council_slug}-{seq:012}{FILE_SUFFIX}")
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    pub format: String,
    pub council: String,
    pub council_id: i64,
    pub seq: i64,
    pub head_hash: String,
    pub head_at: Option<String>,
    pub taken_at: String,
    pub public_key: String,
    pub signature: String,
}

impl Checkpoint {
    pub fn sign(covered: &Covered<'_>, taken_at: DateTime<Utc>, key: &AuditKey) -> Checkpoint {
        let mut cp = Checkpoint {
            format: FORMAT.to_string(),
            council: covered.council_slug.to_string(),
            council_id: covered.council_id,
            seq: covered.seq,
            head_hash: covered.head_hash.to_string(),
            head_at: covered.head_at.map(timestamp_text),
            taken_at: timestamp_text(taken_at),
            public_key: public_key_text(&key.public()),
            signature: String::new(),
        };
        cp.signature = hex::encode(key.0.sign(cp.signed_text().as_bytes()).to_bytes());
        cp
    }

    /// The exact bytes the signature covers (see the module documentation).
    pub fn signed_text(&self) -> String {
        format!(
            "{FORMAT}\ncouncil: {}\ncouncil_id: {}\nseq: {}\nhead_hash: {}\nhead_at: {}\ntaken_at: {}\npublic_key: {}\n",
            self.council,
            self.council_id,
            self.seq,
            self.head_hash,
            self.head_at.as_deref().unwrap_or("-"),
            self.taken_at,
            self.public_key
        )
    }

    /// Zero-padded so a directory listing sorts checkpoints in chain order.
    pub fn file_name(&self) -> String {
        file_name(&self.council, self.seq)
    }

    pub fn from_json(text: &str) -> Result<Checkpoint, CheckpointError> {
        let cp: Checkpoint =
            serde_json::from_str(text).map_err(|e| CheckpointError::Unreadable(e.to_string()))?;
        if cp.format != FORMAT {
            return Err(CheckpointError::Unreadable(format!(
                "its format is '{}', not {FORMAT}",
                cp.format
            )));
        }
        // One field per line in the signed text: a line break inside a field could make two
        // different checkpoints sign the same text.
        let fields = [
            cp.council.as_str(),
            &cp.head_hash,
            cp.head_at.as_deref().unwrap_or("-"),
            &cp.taken_at,
            &cp.public_key,
        ];
        if fields.iter().any(|f| f.chars().any(char::is_control)) {
            return Err(CheckpointError::Unreadable(
                "a field holds a control character".into(),
            ));
        }
        if cp.seq < 0 {
            return Err(CheckpointError::Unreadable("its seq is negative".into()));
        }
        Ok(cp)
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The key the checkpoint says signed it (not yet trusted).
    pub fn signer(&self) -> Result<VerifyingKey, CheckpointError> {
        parse_public_key(&self.public_key)
    }

    /// Checks that `trusted` signed exactly this checkpoint.
    pub fn check_signature(&self, trusted: &VerifyingKey) -> Result<(), CheckpointError> {
        let trusted_text = public_key_text(trusted);
        if !self.public_key.eq_ignore_ascii_case(&trusted_text) {
            return Err(CheckpointError::WrongKey {
                found: self.public_key.clone(),
                trusted: trusted_text,
            });
        }
        let mut bytes = [0u8; 64];
        hex::decode_to_slice(&self.signature, &mut bytes).map_err(|_| {
            CheckpointError::Unreadable("the signature is not 128 hex digits".into())
        })?;
        trusted
            .verify_strict(
                self.signed_text().as_bytes(),
                &Signature::from_bytes(&bytes),
            )
            .map_err(|_| CheckpointError::BadSignature)
    }

    /// Checks that the checkpoint is for this council; `slug` is None where only the id is
    /// known (an exported chain names no slug).
    pub fn check_council(&self, id: i64, slug: Option<&str>) -> Result<(), CheckpointError> {
        let same = self.council_id == id && slug.is_none_or(|s| s == self.council);
        if same {
            return Ok(());
        }
        Err(CheckpointError::OtherCouncil {
            found: format!("{} (id {})", self.council, self.council_id),
            expected: match slug {
                Some(s) => format!("{s} (id {id})"),
                None => format!("id {id}"),
            },
        })
    }

    /// Checks the chain against the checkpoint: the same hash at its seq, and a head at least
    /// as far on. `head` is the chain's last seq as its owner records it.
    pub fn check_chain(&self, report: &ChainReport, head: i64) -> Result<(), CheckpointError> {
        if self.seq > head {
            return Err(CheckpointError::Shrunk {
                seq: self.seq,
                head,
            });
        }
        let found = if self.seq == 0 {
            Some(GENESIS)
        } else {
            report.hash_at(self.seq)
        };
        match found {
            Some(found) if found.eq_ignore_ascii_case(&self.head_hash) => Ok(()),
            Some(found) => Err(CheckpointError::Rewritten {
                seq: self.seq,
                found: found.to_string(),
                signed: self.head_hash.clone(),
            }),
            None => Err(CheckpointError::Unconfirmed {
                seq: self.seq,
                through: report.verified_through,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample(key: &AuditKey) -> Checkpoint {
        let at = Utc.with_ymd_and_hms(2027, 5, 16, 9, 30, 0).unwrap();
        let covered = Covered {
            council_slug: "dunmere",
            council_id: 1,
            seq: 42,
            head_hash: &"ab".repeat(32),
            head_at: Some(at),
        };
        Checkpoint::sign(&covered, at + chrono::Duration::hours(2), key)
    }

    #[test]
    fn signed_checkpoint_round_trips_and_verifies() {
        let key = AuditKey::generate();
        let cp = sample(&key);
        let back = Checkpoint::from_json(&cp.to_json()).unwrap();
        assert_eq!(back, cp);
        back.check_signature(&key.public()).unwrap();
        assert_eq!(cp.file_name(), "dunmere-000000000042.checkpoint.json");
        assert!(
            cp.signed_text()
                .starts_with("steward-audit-checkpoint-v1\ncouncil: dunmere\n")
        );
    }

    #[test]
    fn any_change_or_other_key_is_refused() {
        let key = AuditKey::generate();
        let cp = sample(&key);
        let mut moved = cp.clone();
        moved.seq = 41;
        assert_eq!(
            moved.check_signature(&key.public()),
            Err(CheckpointError::BadSignature)
        );
        let other = AuditKey::generate();
        assert!(matches!(
            cp.check_signature(&other.public()),
            Err(CheckpointError::WrongKey { .. })
        ));
        // Claiming the other key does not help without its secret half.
        let mut claimed = cp.clone();
        claimed.public_key = public_key_text(&other.public());
        assert_eq!(
            claimed.check_signature(&other.public()),
            Err(CheckpointError::BadSignature)
        );
        assert!(cp.check_council(2, None).is_err());
        assert!(cp.check_council(1, Some("elsewhere")).is_err());
        cp.check_council(1, Some("dunmere")).unwrap();
    }

    #[test]
    fn key_files_round_trip() {
        let key = AuditKey::generate();
        let again = AuditKey::from_file_text(&key.file_text()).unwrap();
        assert_eq!(again.public(), key.public());
        let public = parse_public_key(&public_key_file_text(&key.public())).unwrap();
        assert_eq!(public, key.public());
        assert_eq!(
            parse_public_key(&public_key_text(&key.public())).unwrap(),
            key.public()
        );
        assert!(AuditKey::from_file_text("secret-key: 12").is_err());
    }

    #[test]
    fn line_breaks_inside_fields_are_refused() {
        let key = AuditKey::generate();
        let mut cp = sample(&key);
        cp.council = "dunmere\nseq: 1".into();
        assert!(Checkpoint::from_json(&cp.to_json()).is_err());
    }
}

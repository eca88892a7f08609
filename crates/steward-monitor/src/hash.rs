//! The hash the matcher's tables are built with. It is part of the index file format, so it is
//! written out here rather than borrowed from a crate whose output may change between versions.
//!
//! Hosts are hashed from their last byte backwards, so the hash of every suffix of a host falls
//! out of one pass over it: the matcher looks up `example.com`, `shop.example.com` and so on at
//! each dot without hashing any byte twice.

/// Where every hash starts.
pub const SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// Folds one more byte (the next one to the left) into a running hash, ignoring ASCII case.
#[inline(always)]
pub fn step(hash: u64, byte: u8) -> u64 {
    (hash ^ u64::from(byte.to_ascii_lowercase())).wrapping_mul(0x0000_0100_0000_01b3)
}

/// Spreads a running hash over all 64 bits before it picks a slot.
#[inline(always)]
pub fn finish(mut hash: u64) -> u64 {
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// The hash of a whole key, as the matcher computes it for a suffix.
pub fn of(key: &[u8]) -> u64 {
    finish(key.iter().rev().fold(SEED, |h, &b| step(h, b)))
}

/// A running checksum of the index file's contents, to notice a damaged or truncated file.
#[derive(Clone, Copy, Debug)]
pub struct Checksum(u64);

impl Default for Checksum {
    fn default() -> Self {
        Checksum(SEED)
    }
}

impl Checksum {
    pub fn update(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        let mut h = self.0;
        for w in &mut words {
            let mut word = [0u8; 8];
            word.copy_from_slice(w);
            h = (h ^ u64::from_le_bytes(word))
                .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .rotate_left(29);
        }
        for &b in words.remainder() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }

    pub fn value(&self) -> u64 {
        finish(self.0)
    }
}

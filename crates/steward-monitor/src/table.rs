//! An open-addressing hash table from byte strings to `u32`, laid out for millions of short keys
//! in little memory: one `u64` slot per bucket (a 32-bit tag of the hash and the key's offset in
//! the arena) and one arena holding each key once as `[length][value: u32 LE][bytes]`.
//!
//! Keys are stored lower case; lookups ignore ASCII case, so a host never has to be copied to be
//! lowered. Every read of the arena is bounds-checked: a damaged index gives wrong answers, not a
//! crash.

use crate::hash;

/// Buckets per key, at most: a quarter of the buckets stay empty so that misses end quickly.
const LOAD_NUM: usize = 3;
const LOAD_DEN: usize = 4;
/// Bytes before a key's own bytes: its length and its value.
const HEAD: usize = 5;
/// Longest key: a host name is at most 253 bytes.
pub const MAX_KEY: usize = 255;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub(crate) slots: Vec<u64>,
    pub(crate) arena: Vec<u8>,
    pub(crate) len: usize,
}

#[inline(always)]
fn bucket(hash: u64, buckets: usize) -> usize {
    // Multiply-shift instead of a modulo: any bucket count, no division.
    ((u128::from(hash) * buckets as u128) >> 64) as usize
}

#[inline(always)]
fn tag(hash: u64) -> u64 {
    (hash & 0xffff_ffff) << 32
}

impl Table {
    /// A table sized for `keys` keys and `key_bytes` bytes of keys, so building it does not
    /// reallocate (which would briefly double its memory).
    pub fn with_capacity(keys: usize, key_bytes: usize) -> Table {
        let buckets = (keys.max(4) * LOAD_DEN).div_ceil(LOAD_NUM);
        Table {
            slots: vec![0; buckets],
            arena: Vec::with_capacity(key_bytes + keys * HEAD),
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes held, for reports.
    pub fn bytes(&self) -> usize {
        self.slots.len() * 8 + self.arena.len()
    }

    /// The key and value stored at an arena offset.
    fn entry(&self, offset: usize) -> Option<(&[u8], u32)> {
        let len = usize::from(*self.arena.get(offset)?);
        let head = self.arena.get(offset + 1..offset + HEAD)?;
        let key = self.arena.get(offset + HEAD..offset + HEAD + len)?;
        let value = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        Some((key, value))
    }

    /// Finds `key` given its finished hash. `key` may be in any case.
    #[inline]
    pub fn get(&self, hash: u64, key: &[u8]) -> Option<u32> {
        self.find(hash, key).map(|(_, value)| value)
    }

    /// The arena offset and value of `key`.
    #[inline]
    fn find(&self, hash: u64, key: &[u8]) -> Option<(usize, u32)> {
        let buckets = self.slots.len();
        if buckets == 0 {
            return None;
        }
        let want = tag(hash);
        let mut i = bucket(hash, buckets);
        // A full table never happens (the load is capped), but a damaged index could be one:
        // give up after one lap rather than loop for ever.
        for _ in 0..buckets {
            let slot = *self.slots.get(i)?;
            if slot == 0 {
                return None;
            }
            if slot & 0xffff_ffff_0000_0000 == want {
                let offset = (slot & 0xffff_ffff) as usize - 1;
                if let Some((stored, value)) = self.entry(offset)
                    && stored.eq_ignore_ascii_case(key)
                {
                    return Some((offset, value));
                }
            }
            i += 1;
            if i == buckets {
                i = 0;
            }
        }
        None
    }

    /// Adds `key` with `value`, or, when it is there already, replaces its value with
    /// `merge(old)`. Keys longer than [`MAX_KEY`] are refused (`false`).
    pub fn upsert(&mut self, key: &[u8], value: u32, merge: impl FnOnce(u32) -> u32) -> bool {
        if key.len() > MAX_KEY {
            return false;
        }
        let hash = hash::of(key);
        if let Some((offset, old)) = self.find(hash, key) {
            let new = merge(old).to_le_bytes();
            if let Some(head) = self.arena.get_mut(offset + 1..offset + HEAD) {
                head.copy_from_slice(&new);
            }
            return true;
        }
        if (self.len + 1) * LOAD_DEN > self.slots.len() * LOAD_NUM {
            self.grow();
        }
        let offset = self.arena.len();
        // A key's length fits in its byte, as checked above.
        self.arena.push(key.len() as u8);
        self.arena.extend_from_slice(&value.to_le_bytes());
        self.arena.extend(key.iter().map(u8::to_ascii_lowercase));
        self.place(hash, offset);
        self.len += 1;
        true
    }

    fn place(&mut self, hash: u64, offset: usize) {
        let buckets = self.slots.len();
        let mut i = bucket(hash, buckets);
        while self.slots[i] != 0 {
            i += 1;
            if i == buckets {
                i = 0;
            }
        }
        self.slots[i] = tag(hash) | (offset as u64 + 1);
    }

    /// Doubles the buckets; only when the capacity given was too small.
    fn grow(&mut self) {
        let buckets = (self.slots.len() * 2).max(8);
        self.slots = vec![0; buckets];
        let mut offset = 0;
        while let Some((key, _)) = self.entry(offset) {
            let next = offset + HEAD + key.len();
            let hash = hash::of(key);
            self.place(hash, offset);
            offset = next;
        }
    }

    /// Every key and value, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], u32)> + '_ {
        let mut offset = 0;
        std::iter::from_fn(move || {
            let (key, value) = self.entry(offset)?;
            offset += HEAD + key.len();
            Some((key, value))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[test]
    fn finds_what_was_added_in_any_case() {
        let mut t = Table::with_capacity(1, 0);
        for (i, k) in ["example.com", "Shop.Example.com", "x"].iter().enumerate() {
            assert!(t.upsert(k.as_bytes(), i as u32, |old| old));
        }
        assert_eq!(t.len(), 3);
        assert_eq!(t.get(hash::of(b"EXAMPLE.com"), b"EXAMPLE.com"), Some(0));
        assert_eq!(
            t.get(hash::of(b"shop.example.com"), b"shop.example.com"),
            Some(1)
        );
        assert_eq!(t.get(hash::of(b"y"), b"y"), None);
        assert!(t.upsert(b"x", 9, |old| old + 40));
        assert_eq!(t.get(hash::of(b"x"), b"x"), Some(42));
        assert!(!t.upsert(&[b'a'; 256], 0, |o| o));
    }

    proptest! {
        #[test]
        fn behaves_like_a_map(keys in proptest::collection::vec("[a-zA-Z.]{0,12}", 0..300)) {
            let mut t = Table::with_capacity(keys.len() / 3, 0);
            let mut m: HashMap<String, u32> = HashMap::new();
            for (i, k) in keys.iter().enumerate() {
                t.upsert(k.as_bytes(), i as u32, |old| old ^ i as u32);
                let lower = k.to_ascii_lowercase();
                let v = m.get(&lower).map_or(i as u32, |old| old ^ i as u32);
                m.insert(lower, v);
            }
            prop_assert_eq!(t.len(), m.len());
            for (k, v) in &m {
                prop_assert_eq!(t.get(hash::of(k.as_bytes()), k.as_bytes()), Some(*v));
            }
            prop_assert_eq!(t.iter().count(), m.len());
        }
    }
}

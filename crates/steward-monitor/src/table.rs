//! An open-addressing hash table from host names to numbers, laid out for millions of short keys
//! in little memory: one `u64` slot per bucket (a 32-bit tag of the hash and the key's offset in
//! the arena) and one arena holding each key once as `[length][value][packed bytes]`.
//!
//! Keys are host names: letters (stored lower case), digits, `.`, `-` and `_`, packed six bits
//! to a character, which saves a quarter of the arena. Lookups ignore ASCII case, so a host never
//! has to be copied to be lowered. Every read of the arena is bounds-checked: a damaged index
//! gives wrong answers, not a crash.

use crate::hash;

/// Buckets per key, at most: a quarter of the buckets stay empty so that misses end quickly.
const LOAD_NUM: usize = 3;
const LOAD_DEN: usize = 4;
/// Longest key: a host name is at most 253 bytes.
pub const MAX_KEY: usize = 255;
/// Packed size of the longest key.
const MAX_PACKED: usize = (MAX_KEY * 6).div_ceil(8);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub(crate) slots: Vec<u64>,
    pub(crate) arena: Vec<u8>,
    pub(crate) len: usize,
    /// Bytes per value: 2 where values are small (category sets), 4 elsewhere.
    pub(crate) width: u8,
}

impl Default for Table {
    fn default() -> Self {
        Table::with_capacity(0, 0, 4)
    }
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

/// The six-bit code of a host character (any case); `None` for anything else.
#[inline]
fn code(b: u8) -> Option<u32> {
    match b.to_ascii_lowercase() {
        b'.' => Some(1),
        b'-' => Some(2),
        b'_' => Some(3),
        c @ b'0'..=b'9' => Some(u32::from(c - b'0') + 4),
        c @ b'a'..=b'z' => Some(u32::from(c - b'a') + 14),
        _ => None,
    }
}

fn char_of(code: u8) -> u8 {
    match code {
        1 => b'.',
        2 => b'-',
        3 => b'_',
        4..=13 => b'0' + code - 4,
        14..=39 => b'a' + code - 14,
        _ => b'?',
    }
}

fn packed_len(len: usize) -> usize {
    (len * 6).div_ceil(8)
}

/// Packs `key` into `out`; `None` when it holds a character no host has.
fn pack(key: &[u8], out: &mut [u8; MAX_PACKED]) -> Option<usize> {
    let (mut acc, mut bits, mut n) = (0u32, 0u32, 0usize);
    for &b in key.iter().take(MAX_KEY) {
        acc = (acc << 6) | code(b)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            *out.get_mut(n)? = (acc >> bits) as u8;
            n += 1;
        }
    }
    if bits > 0 {
        *out.get_mut(n)? = (acc << (8 - bits)) as u8;
        n += 1;
    }
    Some(n)
}

fn unpack(packed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in packed {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 6 && out.len() < len {
            bits -= 6;
            out.push(char_of(((acc >> bits) & 63) as u8));
        }
    }
    out
}

/// A stored key, still packed.
struct Entry<'a> {
    len: usize,
    value: u32,
    packed: &'a [u8],
    next: usize,
}

impl Table {
    /// A table sized for `keys` keys and `key_bytes` bytes of keys, so building it does not
    /// reallocate (which would briefly double its memory); values take `width` bytes (2 or 4).
    pub fn with_capacity(keys: usize, key_bytes: usize, width: u8) -> Table {
        let buckets = (keys.max(4) * LOAD_DEN).div_ceil(LOAD_NUM);
        let width = if width == 2 { 2 } else { 4 };
        Table {
            slots: vec![0; buckets],
            arena: Vec::with_capacity(packed_len(key_bytes) + keys * (1 + usize::from(width))),
            len: 0,
            width,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The largest value this table can hold.
    pub fn max_value(&self) -> u32 {
        if self.width == 2 {
            u32::from(u16::MAX)
        } else {
            u32::MAX
        }
    }

    /// Bytes held, for reports.
    pub fn bytes(&self) -> usize {
        self.slots.len() * 8 + self.arena.len()
    }

    #[inline]
    fn entry(&self, offset: usize) -> Option<Entry<'_>> {
        let len = usize::from(*self.arena.get(offset)?);
        let width = usize::from(self.width);
        let head = self.arena.get(offset + 1..offset + 1 + width)?;
        let value = head
            .iter()
            .rev()
            .fold(0u32, |v, &b| (v << 8) | u32::from(b));
        let start = offset + 1 + width;
        let end = start + packed_len(len);
        Some(Entry {
            len,
            value,
            packed: self.arena.get(start..end)?,
            next: end,
        })
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
        if buckets == 0 || key.len() > MAX_KEY {
            return None;
        }
        let want = tag(hash);
        let mut i = bucket(hash, buckets);
        let mut packed = [0u8; MAX_PACKED];
        let mut packed_n = None;
        // A full table never happens (the load is capped), but a damaged index could be one:
        // give up after one lap rather than loop for ever.
        for _ in 0..buckets {
            let slot = *self.slots.get(i)?;
            if slot == 0 {
                return None;
            }
            if slot & 0xffff_ffff_0000_0000 == want {
                let offset = (slot & 0xffff_ffff) as usize - 1;
                if let Some(e) = self.entry(offset)
                    && e.len == key.len()
                {
                    // Packed only when a tag matches: almost never for a miss.
                    let n = match packed_n {
                        Some(n) => n,
                        None => {
                            let n = pack(key, &mut packed)?;
                            packed_n = Some(n);
                            n
                        }
                    };
                    if e.packed == &packed[..n] {
                        return Some((offset, e.value));
                    }
                }
            }
            i += 1;
            if i == buckets {
                i = 0;
            }
        }
        None
    }

    fn write_value(&mut self, offset: usize, value: u32) {
        let width = usize::from(self.width);
        if let Some(head) = self.arena.get_mut(offset + 1..offset + 1 + width) {
            head.copy_from_slice(&value.to_le_bytes()[..width]);
        }
    }

    /// Adds `key` with `value`, or, when it is there already, replaces its value with
    /// `merge(old)`. Refuses (`false`) keys longer than [`MAX_KEY`], keys with a character no
    /// host name has, and values too large for the table.
    pub fn upsert(&mut self, key: &[u8], value: u32, merge: impl FnOnce(u32) -> u32) -> bool {
        self.upsert_hashed(hash::of(key), key, value, merge)
    }

    /// [`Table::upsert`] for a caller that has the key's hash already.
    pub fn upsert_hashed(
        &mut self,
        hash: u64,
        key: &[u8],
        value: u32,
        merge: impl FnOnce(u32) -> u32,
    ) -> bool {
        let mut packed = [0u8; MAX_PACKED];
        if key.len() > MAX_KEY || value > self.max_value() {
            return false;
        }
        let Some(n) = pack(key, &mut packed) else {
            return false;
        };
        if let Some((offset, old)) = self.find(hash, key) {
            let new = merge(old);
            if new > self.max_value() {
                return false;
            }
            self.write_value(offset, new);
            return true;
        }
        if (self.len + 1) * LOAD_DEN > self.slots.len() * LOAD_NUM {
            self.grow();
        }
        let offset = self.arena.len();
        // A key's length fits in its byte, as checked above.
        self.arena.push(key.len() as u8);
        self.arena
            .extend_from_slice(&value.to_le_bytes()[..usize::from(self.width)]);
        self.arena.extend_from_slice(&packed[..n]);
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
        while let Some(e) = self.entry(offset) {
            let hash = hash::of(&unpack(e.packed, e.len));
            let next = e.next;
            self.place(hash, offset);
            offset = next;
        }
    }

    /// Every key (lower case) and value, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (Vec<u8>, u32)> + '_ {
        let mut offset = 0;
        std::iter::from_fn(move || {
            let e = self.entry(offset)?;
            offset = e.next;
            Some((unpack(e.packed, e.len), e.value))
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
        let mut t = Table::with_capacity(1, 0, 4);
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
        assert!(!t.upsert(b"caf\xc3\xa9.example", 0, |o| o));
        let keys: Vec<Vec<u8>> = t.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, [&b"example.com"[..], b"shop.example.com", b"x"]);
        let mut small = Table::with_capacity(1, 0, 2);
        assert!(!small.upsert(b"a", 70_000, |o| o));
        assert!(small.upsert(b"a", 65_535, |o| o));
    }

    proptest! {
        #[test]
        fn behaves_like_a_map(keys in proptest::collection::vec("[a-zA-Z0-9._-]{0,12}", 0..300)) {
            let mut t = Table::with_capacity(keys.len() / 3, 0, 4);
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

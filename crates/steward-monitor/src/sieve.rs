//! A small bit filter in front of the domain table. Most hosts a proxy sees are in no list, and
//! each of their suffixes would otherwise cost a trip to main memory in a table of tens of
//! megabytes; this filter is a few megabytes, stays in the processor's cache, and turns away all
//! but a percent or two of those lookups. It never turns away a key that is there.

/// Bits per key, roughly: about 15, for one or two false alarms in a hundred.
const KEYS_PER_WORD: usize = 8;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sieve {
    pub(crate) words: Vec<u64>,
}

impl Default for Sieve {
    fn default() -> Self {
        Sieve::for_keys(0)
    }
}

impl Sieve {
    /// A filter sized for `keys` keys. More keys still work; they only raise the false alarms.
    pub fn for_keys(keys: usize) -> Sieve {
        let words = (keys / KEYS_PER_WORD).max(1).next_power_of_two();
        Sieve {
            words: vec![0; words],
        }
    }

    /// Keys the filter was sized for.
    pub fn planned(&self) -> usize {
        self.words.len() * KEYS_PER_WORD
    }

    /// Two bits in one word, so a check reads one cache line.
    #[inline(always)]
    fn place(&self, hash: u64) -> (usize, u64) {
        let word = (hash as usize) & (self.words.len().max(1) - 1);
        let bits = (1u64 << ((hash >> 40) & 63)) | (1u64 << ((hash >> 46) & 63));
        (word, bits)
    }

    pub fn insert(&mut self, hash: u64) {
        let (word, bits) = self.place(hash);
        if let Some(w) = self.words.get_mut(word) {
            *w |= bits;
        }
    }

    /// `false` only when no key with this hash was inserted. An empty filter (from a damaged
    /// index) lets everything through to the table.
    #[inline(always)]
    pub fn may_contain(&self, hash: u64) -> bool {
        let (word, bits) = self.place(hash);
        self.words.get(word).is_none_or(|w| w & bits == bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash;

    #[test]
    fn never_misses_and_rarely_alarms() {
        let mut s = Sieve::for_keys(10_000);
        for i in 0..10_000 {
            s.insert(hash::of(format!("host{i}.example").as_bytes()));
        }
        for i in 0..10_000 {
            assert!(s.may_contain(hash::of(format!("host{i}.example").as_bytes())));
        }
        let alarms = (0..10_000)
            .filter(|i| s.may_contain(hash::of(format!("other{i}.example").as_bytes())))
            .count();
        assert!(alarms < 500, "{alarms} false alarms in 10000");
    }
}

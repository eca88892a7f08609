//! The compiled lists: which categories a host (and path) is in.
//!
//! Domains match by label suffix: with `example.com` listed, `static.example.com` is caught
//! whatever else under `example.com` is also listed, because every suffix of the host is looked
//! up on its own. Url entries match their host exactly (less a `www.`-style label) and a path
//! prefix ending at a path boundary.

use crate::category::{CategoryId, CategorySet, MAX_CATEGORIES, is_category_name};
use crate::error::MonitorError;
use crate::hash;
use crate::sieve::Sieve;
use crate::table::Table;
use crate::url::{Target, is_address, path_covers, split_url, strip_www};
use rustc_hash::FxHashMap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matcher {
    pub(crate) names: Vec<String>,
    /// Host → index into `masks`.
    pub(crate) domains: Table,
    /// Turns away most domain lookups before they reach the table.
    pub(crate) sieve: Sieve,
    pub(crate) masks: Vec<u64>,
    /// Host → offset of its group in `url_paths`.
    pub(crate) urls: Table,
    /// Groups of `[count: u32]` then `count` times `[length: u16][mask: u64][path]`.
    pub(crate) url_paths: Vec<u8>,
    /// The fewest and most labels any listed domain has: suffixes outside the range are not
    /// looked up at all (most lists have no bare top-level domains).
    pub(crate) min_labels: u8,
    pub(crate) max_labels: u8,
}

fn read_u16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn read_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

impl Matcher {
    /// Category names; a [`CategoryId`] is a position in this list.
    pub fn categories(&self) -> &[String] {
        &self.names
    }

    pub fn category_name(&self, id: CategoryId) -> &str {
        self.names.get(usize::from(id)).map_or("", String::as_str)
    }

    pub fn domain_count(&self) -> usize {
        self.domains.len()
    }

    pub fn url_host_count(&self) -> usize {
        self.urls.len()
    }

    /// Bytes of memory the tables take.
    pub fn bytes(&self) -> usize {
        self.domains.bytes()
            + self.sieve.words.len() * 8
            + self.urls.bytes()
            + self.url_paths.len()
            + self.masks.len() * 8
    }

    #[inline]
    fn domain_mask(&self, hash: u64, key: &[u8]) -> u64 {
        if !self.sieve.may_contain(hash) {
            return 0;
        }
        self.table_mask(hash, key)
    }

    #[inline]
    fn table_mask(&self, hash: u64, key: &[u8]) -> u64 {
        match self.domains.get(hash, key) {
            Some(i) => self.masks.get(i as usize).copied().unwrap_or(0),
            None => 0,
        }
    }

    /// The categories whose domain lists cover `host` (any case, no trailing dot).
    pub fn host_categories(&self, host: &[u8]) -> CategorySet {
        if self.domains.is_empty() || host.is_empty() {
            return CategorySet::EMPTY;
        }
        if is_address(host) {
            return CategorySet(self.domain_mask(hash::of(host), host));
        }
        let (min, max) = (usize::from(self.min_labels), usize::from(self.max_labels));
        // First every suffix's hash, then every filter check, then the table: the checks do not
        // wait on one another, so their trips to memory overlap.
        let mut found = [(0u64, 0usize); 16];
        let mut n = 0;
        let mut h = hash::SEED;
        let mut labels = 1;
        for i in (0..host.len()).rev() {
            let b = host[i];
            if b == b'.' {
                // `h` now covers exactly host[i + 1..], which has `labels` labels.
                if labels >= min && labels <= max && n < found.len() {
                    found[n] = (hash::finish(h), i + 1);
                    n += 1;
                }
                labels += 1;
                if labels > max {
                    break;
                }
            }
            h = hash::step(h, b);
        }
        if labels >= min && labels <= max && n < found.len() {
            found[n] = (hash::finish(h), 0);
            n += 1;
        }
        let mut passed = [false; 16];
        for (pass, (hash, _)) in passed.iter_mut().zip(&found[..n]) {
            *pass = self.sieve.may_contain(*hash);
        }
        let mut mask = 0;
        for (pass, (hash, start)) in passed.iter().zip(&found[..n]) {
            if *pass {
                mask |= self.table_mask(*hash, &host[*start..]);
            }
        }
        CategorySet(mask)
    }

    /// The categories whose url lists cover `path` on `host`.
    pub fn url_categories(&self, host: &[u8], path: &[u8]) -> CategorySet {
        if self.urls.is_empty() {
            return CategorySet::EMPTY;
        }
        let host = strip_www(host);
        let Some(offset) = self.urls.get(hash::of(host), host) else {
            return CategorySet::EMPTY;
        };
        let mut at = offset as usize;
        let count = read_u32(&self.url_paths, at).unwrap_or(0);
        at += 4;
        let mut mask = 0;
        for _ in 0..count {
            let (Some(len), Some(bits)) = (
                read_u16(&self.url_paths, at),
                read_u64(&self.url_paths, at + 2),
            ) else {
                break;
            };
            let start = at + 10;
            let Some(entry) = self.url_paths.get(start..start + usize::from(len)) else {
                break;
            };
            if path_covers(entry, path) {
                mask |= bits;
            }
            at = start + usize::from(len);
        }
        CategorySet(mask)
    }

    /// Every category a request for `target` falls in.
    #[inline]
    pub fn target_categories(&self, target: &Target<'_>) -> CategorySet {
        let mut set = self.host_categories(target.host);
        if let Some(path) = target.path {
            set = set.union(self.url_categories(target.host, path));
        }
        set
    }

    /// Every category a request URL falls in (none when it has no host).
    pub fn url_of_request(&self, url: &[u8]) -> CategorySet {
        split_url(url).map_or(CategorySet::EMPTY, |t| self.target_categories(&t))
    }
}

/// Builds a [`Matcher`] one entry at a time.
#[derive(Debug)]
pub struct MatcherBuilder {
    names: Vec<String>,
    domains: Table,
    sieve: Sieve,
    masks: Vec<u64>,
    mask_ids: FxHashMap<u64, u32>,
    urls: FxHashMap<Vec<u8>, Vec<(Vec<u8>, u64)>>,
    min_labels: u8,
    max_labels: u8,
}

impl Default for MatcherBuilder {
    fn default() -> Self {
        MatcherBuilder::with_capacity(0, 0)
    }
}

impl MatcherBuilder {
    /// Room for `domains` domains of `bytes` bytes in all, so the tables never reallocate.
    pub fn with_capacity(domains: usize, bytes: usize) -> MatcherBuilder {
        MatcherBuilder {
            names: Vec::new(),
            domains: Table::with_capacity(domains, bytes, 2),
            sieve: Sieve::for_keys(domains),
            masks: Vec::new(),
            mask_ids: FxHashMap::default(),
            urls: FxHashMap::default(),
            min_labels: u8::MAX,
            max_labels: 0,
        }
    }

    /// The id of category `name`, added if new.
    pub fn category(&mut self, name: &str) -> Result<CategoryId, MonitorError> {
        if let Some(i) = self.names.iter().position(|n| n == name) {
            return Ok(i as CategoryId);
        }
        if !is_category_name(name) {
            return Err(MonitorError::CategoryName(name.to_string()));
        }
        if self.names.len() == MAX_CATEGORIES {
            return Err(MonitorError::TooManyCategories(MAX_CATEGORIES));
        }
        self.names.push(name.to_string());
        Ok((self.names.len() - 1) as CategoryId)
    }

    fn mask_id(&mut self, mask: u64) -> u32 {
        if let Some(&id) = self.mask_ids.get(&mask) {
            return id;
        }
        let id = self.masks.len() as u32;
        self.masks.push(mask);
        self.mask_ids.insert(mask, id);
        id
    }

    /// Lists a domain (already checked by [`crate::entry::clean_host`]) in a category.
    pub fn add_domain(&mut self, category: CategoryId, host: &[u8]) {
        let bit = CategorySet::single(category).0;
        let fresh = self.mask_id(bit);
        let hash = hash::of(host);
        let mut merged = None;
        {
            let masks = &self.masks;
            self.domains.upsert_hashed(hash, host, fresh, |old| {
                let mask = masks.get(old as usize).copied().unwrap_or(0) | bit;
                merged = Some(mask);
                old
            });
        }
        if let Some(mask) = merged {
            let id = self.mask_id(mask);
            self.domains.upsert_hashed(hash, host, id, |_| id);
        }
        self.sieve.insert(hash);
        let labels = host.iter().filter(|&&b| b == b'.').count() + 1;
        let labels = labels.min(usize::from(u8::MAX)) as u8;
        self.min_labels = self.min_labels.min(labels);
        self.max_labels = self.max_labels.max(labels);
    }

    /// Lists a path under a host (as [`crate::entry::url_line`] gives them) in a category.
    pub fn add_url(&mut self, category: CategoryId, host: &[u8], path: &[u8]) {
        let bit = CategorySet::single(category).0;
        let paths = self.urls.entry(host.to_ascii_lowercase()).or_default();
        match paths.iter_mut().find(|(p, _)| p == path) {
            Some((_, mask)) => *mask |= bit,
            None => paths.push((path.to_vec(), bit)),
        }
    }

    pub fn build(mut self) -> Matcher {
        if self.domains.len() > self.sieve.planned() * 2 {
            // Far more domains than the capacity given: size the filter again.
            self.sieve = Sieve::for_keys(self.domains.len());
            for (key, _) in self.domains.iter() {
                self.sieve.insert(hash::of(&key));
            }
        }
        let bytes: usize = self.urls.keys().map(Vec::len).sum();
        let mut urls = Table::with_capacity(self.urls.len(), bytes, 4);
        let mut url_paths = Vec::new();
        let mut hosts: Vec<_> = self.urls.into_iter().collect();
        hosts.sort();
        for (host, paths) in hosts {
            let offset = url_paths.len() as u32;
            let paths: Vec<_> = paths
                .into_iter()
                .filter(|(p, _)| p.len() <= usize::from(u16::MAX))
                .collect();
            url_paths.extend_from_slice(&(paths.len() as u32).to_le_bytes());
            for (path, mask) in paths {
                url_paths.extend_from_slice(&(path.len() as u16).to_le_bytes());
                url_paths.extend_from_slice(&mask.to_le_bytes());
                url_paths.extend_from_slice(&path);
            }
            urls.upsert(&host, offset, |_| offset);
        }
        Matcher {
            names: self.names,
            min_labels: if self.domains.is_empty() {
                1
            } else {
                self.min_labels
            },
            max_labels: if self.domains.is_empty() {
                1
            } else {
                self.max_labels
            },
            domains: self.domains,
            sieve: self.sieve,
            masks: self.masks,
            urls,
            url_paths,
        }
    }
}

#[cfg(test)]
mod tests;

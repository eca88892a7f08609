//! Categories of website, as the lists name them, and sets of them.

use crate::error::MonitorError;

/// At most this many categories in one matcher: a set of them is one `u64`.
pub const MAX_CATEGORIES: usize = 64;

/// A category's position in its matcher's list of names.
pub type CategoryId = u8;

/// The categories a site is in. A site may be in several; the caller decides which one counts
/// (by its own order of categories, or by the policy).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CategorySet(pub u64);

impl CategorySet {
    pub const EMPTY: CategorySet = CategorySet(0);

    pub fn single(id: CategoryId) -> CategorySet {
        CategorySet(1u64 << (id % 64))
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, id: CategoryId) -> bool {
        self.0 & (1u64 << (id % 64)) != 0
    }

    pub fn union(self, other: CategorySet) -> CategorySet {
        CategorySet(self.0 | other.0)
    }

    /// The ids in the set, lowest first.
    pub fn iter(self) -> impl Iterator<Item = CategoryId> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let id = bits.trailing_zeros() as CategoryId;
            bits &= bits - 1;
            Some(id)
        })
    }

    /// The first of `order` that is in the set.
    pub fn first_in(self, order: &[CategoryId]) -> Option<CategoryId> {
        order.iter().copied().find(|&id| self.contains(id))
    }
}

/// Whether `name` is spelt as a category may be: lower case letters, digits, `_` and `-`, as
/// the pack checker requires of `[web]` rules.
pub fn is_category_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// An order of categories given by name (`--categories a,b,c`), resolved against the names a
/// matcher knows. A name the lists do not have is an error: it would silently block nothing.
pub fn resolve_order(names: &[String], known: &[String]) -> Result<Vec<CategoryId>, MonitorError> {
    names
        .iter()
        .map(|name| {
            known
                .iter()
                .position(|k| k == name)
                .map(|i| i as CategoryId)
                .ok_or_else(|| MonitorError::UnknownCategory {
                    name: name.clone(),
                    known: known.join(", "),
                })
        })
        .collect()
}

/// Every known category, in name order: the default order of judgement.
pub fn sorted_order(known: &[String]) -> Vec<CategoryId> {
    let mut ids: Vec<CategoryId> = (0..known.len()).map(|i| i as CategoryId).collect();
    ids.sort_by(|&a, &b| known[usize::from(a)].cmp(&known[usize::from(b)]));
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_iterate_and_pick_by_order() {
        let s = CategorySet::single(3).union(CategorySet::single(40));
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![3, 40]);
        assert_eq!(s.first_in(&[5, 40, 3]), Some(40));
        assert_eq!(s.first_in(&[5]), None);
        assert!(CategorySet::EMPTY.is_empty());
    }

    #[test]
    fn orders_resolve_by_name() {
        let known = vec!["p2p".to_string(), "adult".to_string()];
        assert_eq!(sorted_order(&known), vec![1, 0]);
        assert_eq!(resolve_order(&["p2p".into()], &known).unwrap(), vec![0]);
        let err = resolve_order(&["games".into()], &known).unwrap_err();
        assert!(err.to_string().contains("games"), "{err}");
        assert!(is_category_name("media_downloads"));
        assert!(!is_category_name("Adult"));
    }
}

use std::fmt;

use sha2::{Digest, Sha256};

use crate::{Query, RepoSet};

/// The name of one cached result: SHA-256 of (query name, query and encoding version, sorted
/// unique repo ids). A new version names new entries, so old ones are never misread.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ResultKey(String);

impl ResultKey {
    pub fn new(query: Query, repos: &RepoSet) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(query.name().as_bytes());
        hasher.update(b"\n");
        hasher.update(query.cache_version().as_bytes());
        hasher.update(b"\n");
        for id in repos.ids() {
            hasher.update(id.to_string().as_bytes());
            hasher.update(b",");
        }
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let digest = hasher.finalize();
        let mut hex = String::with_capacity(64);
        for byte in digest {
            hex.push(HEX[usize::from(byte >> 4)] as char);
            hex.push(HEX[usize::from(byte & 0xf)] as char);
        }
        ResultKey(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Lets maps keyed by result find an entry by the key's text, as announcements carry it.
impl std::borrow::Borrow<str> for ResultKey {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ResultKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::augur::queries::Commits;

    fn key(ids: &[i64]) -> ResultKey {
        ResultKey::new(Query::of::<Commits>(), &RepoSet::new(ids.iter().copied()).unwrap())
    }

    #[test]
    fn ignores_order_and_duplicates() {
        assert_eq!(key(&[3, 1, 2]), key(&[1, 2, 3, 3, 1]));
    }

    #[test]
    fn differs_for_different_repos() {
        assert_ne!(key(&[1, 2]), key(&[1, 2, 3]));
        // Joining ids without a separator would make these two collide.
        assert_ne!(key(&[1, 23]), key(&[12, 3]));
    }

    #[test]
    fn is_stable_across_releases() {
        // A changed key silently orphans every cached entry: this value must only change
        // together with a deliberate query version bump. Computed apart from this code:
        // printf 'commits\n2.f3\n25480,25481,' | sha256sum
        assert_eq!(key(&[25480, 25481]).as_str(), "7a696a6d7905dda55b72db72ec37f86b095340eb8b94929dca7a861b660d2a31");
    }
}

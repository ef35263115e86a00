use serde::{Deserialize, Serialize};

/// The most repositories one request may name; a whole large org fits.
pub const MAX_REPOS: usize = 5_000;

/// A non-empty set of Augur repo ids, sorted and without duplicates, so that the same
/// selection always names the same cache entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RepoSet(Vec<i64>);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RepoSetError {
    #[error("no repositories given: pass repos=ID,ID,...")]
    Empty,
    #[error("{0:?} is not a repository id (ids are positive whole numbers)")]
    NotAnId(String),
    #[error("too many repositories: {0} given, at most {MAX_REPOS} allowed")]
    TooMany(usize),
}

impl RepoSet {
    pub fn new(ids: impl IntoIterator<Item = i64>) -> Result<Self, RepoSetError> {
        let mut ids: Vec<i64> = ids.into_iter().collect();
        if let Some(bad) = ids.iter().find(|id| **id <= 0) {
            return Err(RepoSetError::NotAnId(bad.to_string()));
        }
        ids.sort_unstable();
        ids.dedup();
        match ids.len() {
            0 => Err(RepoSetError::Empty),
            n if n > MAX_REPOS => Err(RepoSetError::TooMany(n)),
            _ => Ok(RepoSet(ids)),
        }
    }

    /// Parses a comma-separated list such as `25480, 25481`.
    pub fn parse(text: &str) -> Result<Self, RepoSetError> {
        RepoSet::new(crate::web::selection::parse_ids(text)?)
    }

    pub fn ids(&self) -> &[i64] {
        &self.0
    }

    /// Whether the set holds `id` (a repo picked among the selection must be one of it).
    pub fn contains(&self, id: i64) -> bool {
        self.0.binary_search(&id).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_and_drops_duplicates() {
        assert_eq!(RepoSet::parse("3, 1,3,2,").unwrap().ids(), &[1, 2, 3]);
    }

    #[test]
    fn rejects_what_is_not_a_list_of_ids() {
        assert_eq!(RepoSet::parse(""), Err(RepoSetError::Empty));
        assert_eq!(RepoSet::parse("1,abc"), Err(RepoSetError::NotAnId("abc".into())));
        assert_eq!(RepoSet::parse("-4"), Err(RepoSetError::NotAnId("-4".into())));
        assert_eq!(RepoSet::new(1..=(MAX_REPOS as i64 + 1)), Err(RepoSetError::TooMany(MAX_REPOS + 1)));
    }
}

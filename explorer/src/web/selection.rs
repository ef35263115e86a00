//! What a user selected (repos and whole orgs) turned into the repo set a chart is drawn for.

use crate::{repos::RepoSetError, web::search::LiveIndex, RepoSet};

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    #[error("nothing selected: pick one or more repositories or orgs")]
    Empty,
    #[error("unknown org {0:?}")]
    UnknownOrg(String),
    #[error("the repository list is still loading; try again in a moment")]
    NotLoaded,
    #[error(
        "the selection holds {count} repositories, more than the limit of {limit}: pick fewer \
         repositories or orgs"
    )]
    TooMany { count: usize, limit: usize },
    #[error("{0}")]
    Repos(#[from] RepoSetError),
}

impl From<SelectionError> for charts::AppError {
    fn from(error: SelectionError) -> Self {
        match error {
            SelectionError::NotLoaded => charts::AppError::unavailable("the repository list is still loading"),
            error => charts::AppError::bad_input(error.to_string()),
        }
    }
}

/// Chosen repos ∪ every repo of the chosen orgs, deduplicated, at most `limit`. Repo ids are
/// taken as given (the index may lag behind Augur); orgs need the index.
pub fn resolve(index: &LiveIndex, repos: &[i64], orgs: &[String], limit: usize) -> Result<RepoSet, SelectionError> {
    let mut ids = repos.to_vec();
    if !orgs.is_empty() {
        if !index.loaded() {
            return Err(SelectionError::NotLoaded);
        }
        let current = index.current();
        for org in orgs {
            let members = current.org_repos(org).ok_or_else(|| SelectionError::UnknownOrg(org.clone()))?;
            ids.extend_from_slice(members);
        }
    }
    if ids.is_empty() {
        return Err(SelectionError::Empty);
    }
    let set = RepoSet::new(ids)?;
    if set.ids().len() > limit {
        return Err(SelectionError::TooMany { count: set.ids().len(), limit });
    }
    Ok(set)
}

/// Splits a comma-separated list, trimming blanks: `orgs=chaoss, kubernetes`.
pub fn split_names(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::search::SearchIndex;
    use charts::RepoEntry;

    fn index() -> LiveIndex {
        let entry = |id, url: &str, org: &str| RepoEntry { id, url: url.to_owned(), org: org.to_owned() };
        let live = LiveIndex::new();
        live.replace(SearchIndex::new(vec![
            entry(1, "https://github.com/chaoss/augur", "chaoss"),
            entry(2, "https://github.com/chaoss/grimoirelab", "chaoss"),
            entry(3, "https://github.com/pallets/flask", "pallets"),
        ]));
        live
    }

    #[test]
    fn repos_and_orgs_are_joined_without_duplicates() {
        let set = resolve(&index(), &[2, 3], &["chaoss".to_owned()], 10).unwrap();
        assert_eq!(set.ids(), &[1, 2, 3]);
    }

    #[test]
    fn the_limit_counts_the_union() {
        let err = resolve(&index(), &[3], &["chaoss".to_owned()], 2).unwrap_err();
        assert_eq!(err, SelectionError::TooMany { count: 3, limit: 2 });
        assert!(err.to_string().contains("limit of 2"));
    }

    #[test]
    fn unknown_orgs_and_empty_selections_are_errors() {
        assert_eq!(resolve(&index(), &[], &["nope".to_owned()], 9), Err(SelectionError::UnknownOrg("nope".into())));
        assert_eq!(resolve(&index(), &[], &[], 9), Err(SelectionError::Empty));
        let unloaded = LiveIndex::new();
        let not_yet = charts::AppError::from(resolve(&unloaded, &[], &["chaoss".to_owned()], 9).unwrap_err());
        assert_eq!((not_yet.kind(), not_yet.is_retryable()), ("unavailable", true));
        // Repo ids alone need no index.
        assert_eq!(resolve(&unloaded, &[7], &[], 9).unwrap().ids(), &[7]);
    }

    #[test]
    fn names_split_on_commas() {
        assert_eq!(split_names(" chaoss, ,kubernetes "), vec!["chaoss", "kubernetes"]);
    }
}

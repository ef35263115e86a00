//! What a user selected (repos and whole orgs) turned into the repo set a chart is drawn for.
//! The one place a selection is checked, for the JSON API and the server functions alike:
//! everything here is bounded by the request's own size, and nothing is expanded before the
//! selection is known to fit the limit.

use std::collections::HashSet;

use crate::{repos::RepoSetError, web::search::LiveIndex, RepoSet};

/// The most distinct orgs one selection may name.
pub const MAX_ORGS: usize = 50;

/// Unknown ids an error names before it says how many more there are.
const NAMED_UNKNOWN_IDS: usize = 10;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    #[error("nothing selected: pick one or more repositories or orgs")]
    Empty,
    #[error("unknown org {0:?}")]
    UnknownOrg(String),
    #[error("{}", unknown_repos_sentence(.0))]
    UnknownRepos(Vec<i64>),
    #[error("the selection names {count} orgs, more than the limit of {MAX_ORGS}: pick fewer orgs")]
    TooManyOrgs { count: usize },
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

fn unknown_repos_sentence(ids: &[i64]) -> String {
    let named: Vec<String> = ids.iter().take(NAMED_UNKNOWN_IDS).map(i64::to_string).collect();
    let more = match ids.len().saturating_sub(NAMED_UNKNOWN_IDS) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    let noun = if ids.len() == 1 { "id" } else { "ids" };
    format!("unknown repository {noun} {}{more}: Augur holds no such repository", named.join(", "))
}

impl From<SelectionError> for charts::AppError {
    fn from(error: SelectionError) -> Self {
        match error {
            SelectionError::NotLoaded => charts::AppError::unavailable("the repository list is still loading"),
            error => charts::AppError::bad_input(error.to_string()),
        }
    }
}

/// A checked selection: the repo set to draw, and the orgs as named once each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// Picked repos ∪ every repo of the orgs.
    pub set: RepoSet,
    /// The orgs, each once (its first spelling), in the order given, with their repo counts.
    pub orgs: Vec<(String, usize)>,
    /// The repos picked one by one, sorted, each once.
    pub picked: Vec<i64>,
}

/// Chosen repos ∪ every repo of the chosen orgs, at most `limit`. Orgs are deduplicated
/// ignoring case and capped at [`MAX_ORGS`]; every repo id must be one the live index
/// knows; the union is counted from the index's org sizes before anything is expanded, so
/// a request naming a large org many times costs no more than naming it once.
pub fn resolve(index: &LiveIndex, repos: &[i64], orgs: &[String], limit: usize) -> Result<Resolved, SelectionError> {
    if let Some(bad) = repos.iter().find(|id| **id <= 0) {
        return Err(RepoSetError::NotAnId(bad.to_string()).into());
    }
    let mut picked = repos.to_vec();
    picked.sort_unstable();
    picked.dedup();
    let orgs = distinct_orgs(orgs)?;
    if picked.is_empty() && orgs.is_empty() {
        return Err(SelectionError::Empty);
    }
    if picked.len() > limit {
        return Err(SelectionError::TooMany { count: picked.len(), limit });
    }
    if !index.loaded() {
        return Err(SelectionError::NotLoaded);
    }
    let current = index.current();
    let unknown: Vec<i64> = picked.iter().copied().filter(|id| current.repo(*id).is_none()).collect();
    if !unknown.is_empty() {
        return Err(SelectionError::UnknownRepos(unknown));
    }
    let mut members = Vec::with_capacity(orgs.len());
    for org in &orgs {
        members.push(current.org_repos(org).ok_or_else(|| SelectionError::UnknownOrg(org.clone()))?);
    }
    // A repo belongs to one org, so the orgs are disjoint: the union is their sizes plus the
    // picked repos outside them.
    let lower: HashSet<String> = orgs.iter().map(|o| o.to_lowercase()).collect();
    let outside = picked
        .iter()
        .filter(|id| current.repo(**id).is_none_or(|entry| !lower.contains(&entry.org.to_lowercase())))
        .count();
    let count = outside + members.iter().map(|m| m.len()).sum::<usize>();
    if count > limit {
        return Err(SelectionError::TooMany { count, limit });
    }
    let mut ids = picked.clone();
    ids.reserve(count);
    for ids_of_org in &members {
        ids.extend_from_slice(ids_of_org);
    }
    let set = RepoSet::new(ids)?;
    let orgs = orgs.into_iter().zip(members).map(|(org, ids)| (org, ids.len())).collect();
    Ok(Resolved { set, orgs, picked })
}

/// The orgs named, each once whatever its case, in the order first named; too many is an
/// error before any is looked up. The work is bounded by the request's length.
fn distinct_orgs(orgs: &[String]) -> Result<Vec<String>, SelectionError> {
    let mut seen = HashSet::new();
    let distinct: Vec<String> = orgs
        .iter()
        .map(|o| o.trim())
        .filter(|o| !o.is_empty() && seen.insert(o.to_lowercase()))
        .map(str::to_owned)
        .collect();
    if distinct.len() > MAX_ORGS {
        return Err(SelectionError::TooManyOrgs { count: distinct.len() });
    }
    Ok(distinct)
}

/// Reads a comma-separated list of repo ids such as `25480, 25481`, as given (duplicates
/// are [`resolve`]'s to drop).
pub fn parse_ids(text: &str) -> Result<Vec<i64>, RepoSetError> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| part.parse::<i64>().map_err(|_| RepoSetError::NotAnId(part.to_owned())))
        .collect()
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

    fn names(orgs: &[&str]) -> Vec<String> {
        orgs.iter().map(|o| (*o).to_owned()).collect()
    }

    #[test]
    fn repos_and_orgs_are_joined_without_duplicates() {
        let resolved = resolve(&index(), &[3, 2, 3], &names(&["chaoss"]), 10).unwrap();
        assert_eq!(resolved.set.ids(), &[1, 2, 3]);
        assert_eq!(resolved.picked, [2, 3]);
        assert_eq!(resolved.orgs, [("chaoss".to_owned(), 2)]);
    }

    #[test]
    fn the_limit_counts_the_union() {
        let err = resolve(&index(), &[3], &names(&["chaoss"]), 2).unwrap_err();
        assert_eq!(err, SelectionError::TooMany { count: 3, limit: 2 });
        assert!(err.to_string().contains("limit of 2"));
        // A picked repo inside a chosen org counts once.
        assert_eq!(resolve(&index(), &[1, 2], &names(&["chaoss"]), 2).unwrap().set.ids(), &[1, 2]);
    }

    #[test]
    fn an_org_named_many_times_in_any_case_counts_once() {
        let many: Vec<String> = (0..10_000).map(|i| if i % 2 == 0 { "chaoss" } else { "ChAoSs" }.to_owned()).collect();
        let resolved = resolve(&index(), &[], &many, 2).unwrap();
        assert_eq!(resolved.set.ids(), &[1, 2]);
        assert_eq!(resolved.orgs, [("chaoss".to_owned(), 2)]);
    }

    #[test]
    fn too_many_distinct_orgs_is_an_error_before_any_is_looked_up() {
        let many: Vec<String> = (0..MAX_ORGS + 3).map(|i| format!("org{i}")).collect();
        let err = resolve(&index(), &[], &many, 10).unwrap_err();
        assert_eq!(err, SelectionError::TooManyOrgs { count: MAX_ORGS + 3 });
        assert!(err.to_string().contains(&format!("limit of {MAX_ORGS}")), "{err}");
    }

    #[test]
    fn unknown_repo_ids_are_named() {
        let err = resolve(&index(), &[1, 7, 9], &[], 10).unwrap_err();
        assert_eq!(err, SelectionError::UnknownRepos(vec![7, 9]));
        assert_eq!(err.to_string(), "unknown repository ids 7, 9: Augur holds no such repository");
        let many: Vec<i64> = (100..125).collect();
        let shown = resolve(&index(), &many, &[], 100).unwrap_err().to_string();
        assert!(shown.starts_with("unknown repository ids 100, 101,") && shown.contains("and 15 more"), "{shown}");
        let one = resolve(&index(), &[8], &[], 10).unwrap_err();
        assert!(one.to_string().starts_with("unknown repository id 8:"), "{one}");
    }

    #[test]
    fn picked_repos_over_the_limit_are_refused_before_the_index_is_read() {
        let unloaded = LiveIndex::new();
        let err = resolve(&unloaded, &[1, 2, 3], &[], 2).unwrap_err();
        assert_eq!(err, SelectionError::TooMany { count: 3, limit: 2 });
    }

    #[test]
    fn unknown_orgs_and_empty_selections_are_errors() {
        assert_eq!(resolve(&index(), &[], &names(&["nope"]), 9), Err(SelectionError::UnknownOrg("nope".into())));
        assert_eq!(resolve(&index(), &[], &[], 9), Err(SelectionError::Empty));
        assert_eq!(resolve(&index(), &[], &names(&[" ", ""]), 9), Err(SelectionError::Empty));
        assert_eq!(resolve(&index(), &[0], &[], 9), Err(SelectionError::Repos(RepoSetError::NotAnId("0".into()))));
        // Without the index neither repo ids nor orgs can be checked: try again shortly.
        let unloaded = LiveIndex::new();
        for (repos, orgs) in [(vec![], names(&["chaoss"])), (vec![7], vec![])] {
            let not_yet = charts::AppError::from(resolve(&unloaded, &repos, &orgs, 9).unwrap_err());
            assert_eq!((not_yet.kind(), not_yet.is_retryable()), ("unavailable", true));
        }
    }

    #[test]
    fn names_split_on_commas() {
        assert_eq!(split_names(" chaoss, ,kubernetes "), vec!["chaoss", "kubernetes"]);
    }
}

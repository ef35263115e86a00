//! What the repo and org typeahead answers with, shared by the server (which searches) and
//! the browser (which shows the hits and turns a picked one into a selection).

use serde::{Deserialize, Serialize};

/// One typeahead suggestion: a whole org, or a single repository.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", try_from = "crate::wire::HitWire")]
pub enum SearchHit {
    /// An org (an Augur repo group) and how many repositories it holds.
    Org { name: String, repos: usize },
    /// A repository: its Augur id, clone URL and org.
    Repo { id: i64, url: String, org: String },
}

impl SearchHit {
    /// `"org"` or `"repo"`, as in the JSON `kind` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            SearchHit::Org { .. } => "org",
            SearchHit::Repo { .. } => "repo",
        }
    }

    /// What a person reads: the org's name, or the repository's `owner/name`.
    pub fn label(&self) -> &str {
        match self {
            SearchHit::Org { name, .. } => name,
            SearchHit::Repo { url, .. } => repo_slug(url),
        }
    }

    /// A short second line: the org's repository count, or the repository's org.
    pub fn detail(&self) -> String {
        match self {
            SearchHit::Org { repos: 1, .. } => "1 repo".to_owned(),
            SearchHit::Org { repos, .. } => format!("{repos} repos"),
            SearchHit::Repo { org, .. } => format!("in {org}"),
        }
    }
}

/// The `owner/name` of a clone URL: its last two path segments, without a trailing `/` or
/// `.git`. A URL with a single path segment gives that segment; one without a path gives
/// what follows the scheme.
pub fn repo_slug(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(url, |at| &url[at + 3..]);
    let mut trimmed = after_scheme.trim_end_matches('/');
    trimmed = trimmed.strip_suffix(".git").unwrap_or(trimmed);
    let Some(host_end) = trimmed.find('/') else { return trimmed };
    let path = &trimmed[host_end + 1..];
    match path.rfind('/') {
        Some(last) => match path[..last].rfind('/') {
            Some(owner_start) => &path[owner_start + 1..],
            None => path,
        },
        None => path,
    }
}

/// The repository name: the last segment of [`repo_slug`].
pub fn repo_name(url: &str) -> &str {
    let slug = repo_slug(url);
    slug.rfind('/').map_or(slug, |at| &slug[at + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_the_last_two_path_segments() {
        assert_eq!(repo_slug("https://github.com/chaoss/augur"), "chaoss/augur");
        assert_eq!(repo_slug("https://github.com/chaoss/augur/"), "chaoss/augur");
        assert_eq!(repo_slug("https://github.com/chaoss/augur.git"), "chaoss/augur");
        assert_eq!(repo_slug("https://gitlab.com/group/sub/project"), "sub/project");
        assert_eq!(repo_slug("https://example.org/solo"), "solo");
        assert_eq!(repo_slug("https://example.org"), "example.org");
        assert_eq!(repo_slug("github.com/chaoss/augur"), "chaoss/augur");
        assert_eq!(repo_name("https://github.com/chaoss/augur"), "augur");
        assert_eq!(repo_name("https://example.org/solo"), "solo");
    }

    #[test]
    fn hits_serialize_with_a_kind_tag() {
        let org = SearchHit::Org { name: "chaoss".into(), repos: 3 };
        let repo = SearchHit::Repo { id: 25480, url: "https://github.com/chaoss/augur".into(), org: "chaoss".into() };
        assert_eq!(serde_json::to_string(&org).unwrap(), r#"{"kind":"org","name":"chaoss","repos":3}"#);
        assert_eq!(
            serde_json::to_string(&repo).unwrap(),
            r#"{"kind":"repo","id":25480,"url":"https://github.com/chaoss/augur","org":"chaoss"}"#
        );
        let back: SearchHit = serde_json::from_str(r#"{"kind":"org","name":"chaoss","repos":3}"#).unwrap();
        assert_eq!(back, org);
    }

    #[test]
    fn labels_kinds_and_details() {
        let org = SearchHit::Org { name: "chaoss".into(), repos: 1 };
        let repo = SearchHit::Repo { id: 7, url: "https://github.com/chaoss/augur".into(), org: "chaoss".into() };
        assert_eq!((org.label(), org.kind(), org.detail()), ("chaoss", "org", "1 repo".into()));
        assert_eq!((repo.label(), repo.kind(), repo.detail()), ("chaoss/augur", "repo", "in chaoss".into()));
    }
}

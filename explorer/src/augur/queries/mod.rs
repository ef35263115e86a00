//! The registry of Augur queries: one file per query (its SQL, its row type, its version)
//! and one line per query in [`Query::ALL`]. A chart's transform names the query whose rows
//! it reads; a job runs one query for one set of repos and caches the rows per repo.
//!
//! Conventions shared by every query: rows carry `repo_id` and come ordered by it (results
//! are cached per repo), timestamps are whole seconds since the epoch in UTC, and
//! [`NO_TIME`] stands for a missing timestamp.

mod actions;
mod affiliations;
mod assignments;
mod commits;
mod issues;
mod prs;
mod responses;
mod rows;
mod snapshots;

use std::collections::HashSet;

use futures::{future::BoxFuture, Stream, TryStreamExt};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sqlx::{postgres::PgRow, PgPool};

pub use actions::{action, ActionRow, ContributorActions};
pub use affiliations::{AffiliationRow, CommitDomainRow, CommitDomains, ContributorAffiliations};
pub use assignments::{AssignmentRow, IssueAssignments, PrAssignments, ASSIGNED, UNASSIGNED};
pub use commits::{CommitRow, Commits};
pub use issues::{IssueRow, Issues};
pub use prs::{PrRow, Prs};
pub use responses::{PrResponses, ResponseRow};
use rows::query_row;
pub use rows::{value_at, ColumnValue, MissingColumn, QueryRow, TextId, WireValue};
pub use snapshots::{
    DependencyRow, LanguageRow, PackageVersions, RepoInfo, RepoInfoRow, RepoLanguages, Scorecard, ScorecardRow,
};

use crate::{
    store::{
        codec::{CachedResult, Frame},
        encoder::PartEncoder,
    },
    RepoSet,
};

/// A missing timestamp. Queries drop dates before 1971 (Augur's placeholder for an
/// unknown date is in 1970), so no real timestamp is ever 0.
pub const NO_TIME: i64 = 0;

/// Takes each repo's rows, encoded, as soon as the repo's last row has arrived.
pub type PartSink<'a> = dyn FnMut(i64, PartEncoder) + Send + 'a;

/// One Augur query: its SQL (binding the repo ids as `$1` and ordering by repo first) and
/// the row it reads.
pub trait AugurQuery: 'static {
    /// Its name in job payloads, cache keys and the command line.
    const NAME: &'static str;
    /// Bump when the SQL's output or the row changes: old cache entries then go unused.
    const VERSION: u32;
    const SQL: &'static str;
    type Row: QueryRow;
}

type StreamFn = for<'a, 'b> fn(&'a PgPool, &'a RepoSet, &'a mut PartSink<'b>) -> BoxFuture<'a, Result<(), sqlx::Error>>;

/// A registered query, as jobs, cache keys and charts name it.
#[derive(Clone, Copy)]
pub struct Query {
    name: &'static str,
    version: u32,
    stream: StreamFn,
}

impl Query {
    /// Every query, each on one line.
    pub const ALL: &'static [Query] = &[
        Query::of::<Commits>(),
        Query::of::<Prs>(),
        Query::of::<Issues>(),
        Query::of::<PrAssignments>(),
        Query::of::<IssueAssignments>(),
        Query::of::<PrResponses>(),
        Query::of::<ContributorActions>(),
        Query::of::<CommitDomains>(),
        Query::of::<ContributorAffiliations>(),
        Query::of::<RepoLanguages>(),
        Query::of::<PackageVersions>(),
        Query::of::<Scorecard>(),
        Query::of::<RepoInfo>(),
    ];

    pub const fn of<Q: AugurQuery>() -> Query {
        Query { name: Q::NAME, version: Q::VERSION, stream: stream_parts::<Q> }
    }

    pub fn from_name(name: &str) -> Option<Query> {
        Query::ALL.iter().copied().find(|q| q.name == name)
    }

    pub fn name(self) -> &'static str {
        self.name
    }

    pub fn version(self) -> u32 {
        self.version
    }

    /// The version cache keys carry: the query's and the encoding's.
    pub fn cache_version(self) -> String {
        format!("{}.{}", self.version, crate::store::codec::FORMAT)
    }

    /// Runs the query on Augur and hands `sink` one part per requested repo (empty for a
    /// repo without rows), encoded as the rows stream in, so that no repo's rows are held
    /// raw: only the part being encoded.
    pub async fn stream(self, db: &PgPool, repos: &RepoSet, sink: &mut PartSink<'_>) -> Result<(), sqlx::Error> {
        (self.stream)(db, repos, sink).await
    }

    /// The whole result in one frame, repo after repo, through the cache's encoding: for
    /// tests and tools.
    pub async fn run(self, db: &PgPool, repos: &RepoSet) -> Result<Frame, sqlx::Error> {
        let mut parts = Vec::new();
        self.stream(db, repos, &mut |_, part| parts.push(part.finish(self.version, chrono::Utc::now()))).await?;
        let decoded = CachedResult::decode(&CachedResult::encode_group(&parts));
        decoded
            .map(|whole| whole.frame)
            .map_err(|error| sqlx::Error::Protocol(format!("the {} query's parts: {error}", self.name)))
    }
}

/// Queries are known by name: two with the same name are the same query.
impl PartialEq for Query {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Query {}

impl std::hash::Hash for Query {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl std::fmt::Debug for Query {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Query({} v{})", self.name, self.version)
    }
}

impl Serialize for Query {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name)
    }
}

impl<'de> Deserialize<'de> for Query {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Query::from_name(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown query {name:?}")))
    }
}

/// Streams a query's rows into one frame per repo.
fn stream_parts<'a, 'b, Q: AugurQuery>(
    db: &'a PgPool,
    repos: &'a RepoSet,
    sink: &'a mut PartSink<'b>,
) -> BoxFuture<'a, Result<(), sqlx::Error>> {
    Box::pin(async move {
        // Straight on a connection: through the pool, each row passes one more stream.
        let mut conn = db.acquire().await?;
        let rows = sqlx::query(Q::SQL).bind(repos.ids()).fetch(&mut *conn);
        let new_part = || PartEncoder::new(Q::Row::columns());
        let first = std::sync::atomic::AtomicBool::new(true);
        let add = |row: &PgRow, repo: i64, part: &mut PartEncoder| {
            Q::Row::encode_row(row, repo, part, first.swap(false, std::sync::atomic::Ordering::Relaxed))
        };
        by_repo(rows, repos, |row| value_at::<i64>(row, 0, false), new_part, add, sink).await
    })
}

/// Cuts rows ordered by repo into one part per repo, each handed to `sink` as its repo
/// ends; requested repos without rows get an empty part.
async fn by_repo<R, P>(
    rows: impl Stream<Item = Result<R, sqlx::Error>>,
    repos: &RepoSet,
    repo_of: impl Fn(&R) -> Result<i64, sqlx::Error>,
    new_part: impl Fn() -> P,
    add: impl Fn(&R, i64, &mut P) -> Result<(), sqlx::Error>,
    sink: &mut (dyn FnMut(i64, P) + Send + '_),
) -> Result<(), sqlx::Error> {
    let mut rows = std::pin::pin!(rows);
    let mut done: HashSet<i64> = HashSet::with_capacity(repos.ids().len());
    let mut current: Option<(i64, P)> = None;
    while let Some(row) = rows.try_next().await? {
        let repo = repo_of(&row)?;
        if current.as_ref().is_none_or(|(at, _)| *at != repo) {
            if let Some((at, part)) = current.take() {
                sink(at, part);
            }
            if !done.insert(repo) {
                return Err(sqlx::Error::Protocol(format!(
                    "rows of repo {repo} came in two runs: not ordered by repo"
                )));
            }
            current = Some((repo, new_part()));
        }
        if let Some((_, part)) = current.as_mut() {
            add(&row, repo, part)?;
        }
    }
    if let Some((at, part)) = current {
        sink(at, part);
    }
    for repo in repos.ids().iter().filter(|r| !done.contains(r)) {
        sink(*repo, new_part());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn parts(rows: Vec<(i64, i64)>, repos: &[i64]) -> Result<Vec<(i64, Vec<i64>)>, sqlx::Error> {
        let mut out = Vec::new();
        let stream = futures::stream::iter(rows.into_iter().map(Ok));
        let repos = RepoSet::new(repos.iter().copied()).unwrap();
        let add = |row: &(i64, i64), _repo: i64, part: &mut Vec<i64>| {
            part.push(row.1);
            Ok(())
        };
        by_repo(stream, &repos, |r| Ok(r.0), Vec::new, add, &mut |repo, part| out.push((repo, part))).await?;
        Ok(out)
    }

    #[tokio::test]
    async fn each_repo_is_handed_on_when_its_rows_end_and_silent_repos_get_an_empty_part() {
        let got = parts(vec![(1, 10), (1, 11), (3, 30)], &[1, 2, 3]).await.unwrap();
        assert_eq!(got, vec![(1, vec![10, 11]), (3, vec![30]), (2, vec![])]);
    }

    #[tokio::test]
    async fn rows_not_ordered_by_repo_are_an_error_not_a_split_part() {
        let err = parts(vec![(1, 10), (2, 20), (1, 11)], &[1, 2]).await.unwrap_err();
        assert!(err.to_string().contains("not ordered by repo"), "{err}");
    }

    #[test]
    fn names_are_unique_and_travel_as_themselves() {
        let names: HashSet<&str> = Query::ALL.iter().map(|q| q.name()).collect();
        assert_eq!(names.len(), Query::ALL.len());
        for query in Query::ALL {
            let json = serde_json::to_value(query).unwrap();
            assert_eq!(json, serde_json::json!(query.name()));
            assert_eq!(serde_json::from_value::<Query>(json).unwrap(), *query);
        }
        assert!(serde_json::from_value::<Query>(serde_json::json!("nope")).is_err());
    }
}

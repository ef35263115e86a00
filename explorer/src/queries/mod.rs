//! The registry of Augur queries. A chart names the query it needs; a job runs one
//! query for one set of repos and caches the resulting frame.
//!
//! Frame conventions shared by every query: a `repo_id` column (results are cached per
//! repo), timestamps as whole seconds since the epoch in UTC, [`NO_TIME`] for a missing
//! timestamp, and 0/1 for flags.

mod assignments;
mod commits;
mod issues;
mod prs;
mod responses;

use std::collections::HashSet;

use futures::{Stream, TryStreamExt};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::{
    codec::{Column, Frame},
    RepoSet,
};

/// Takes each repo's rows as a frame, as soon as the repo's last row has arrived.
pub type PartSink<'a> = dyn FnMut(i64, Frame) + Send + 'a;

/// A missing timestamp. Queries drop dates before 1971 (Augur's placeholder for an
/// unknown date is in 1970), so no real timestamp is ever 0.
pub const NO_TIME: i64 = 0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Query {
    /// `repo_id`, `commit`, `author_ts`, `author_bot`: see [`commits`].
    Commits,
    /// `repo_id`, `pr`, `created`, `closed`, `merged`, `author_bot`: see [`prs`].
    Prs,
    /// `repo_id`, `issue`, `created`, `closed`, `author_bot`: see [`issues`].
    Issues,
    /// `repo_id`, `item`, `created`, `closed`, `assigned_at`, `action`, `assignee`,
    /// `assignee_bot`: see [`assignments`].
    PrAssignments,
    /// The same columns as [`Query::PrAssignments`], for issues.
    IssueAssignments,
    /// `repo_id`, `pr`, `created`, `closed`, `message_at`, `by_author`, `message_bot`:
    /// see [`responses`].
    PrResponses,
}

impl Query {
    pub const ALL: [Query; 6] =
        [Query::Commits, Query::Prs, Query::Issues, Query::PrAssignments, Query::IssueAssignments, Query::PrResponses];

    pub fn from_name(name: &str) -> Option<Query> {
        Query::ALL.into_iter().find(|q| q.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Query::Commits => "commits",
            Query::Prs => "prs",
            Query::Issues => "issues",
            Query::PrAssignments => "pr_assignments",
            Query::IssueAssignments => "issue_assignments",
            Query::PrResponses => "pr_responses",
        }
    }

    /// Bump when the SQL or the frame it produces changes: old cache entries then go unused.
    pub fn version(self) -> u32 {
        match self {
            Query::Commits => commits::VERSION,
            Query::Prs => prs::VERSION,
            Query::Issues => issues::VERSION,
            Query::PrAssignments | Query::IssueAssignments => assignments::VERSION,
            Query::PrResponses => responses::VERSION,
        }
    }

    /// The version cache keys carry: the query's and the encoding's.
    pub fn cache_version(self) -> String {
        format!("{}.{}", self.version(), crate::codec::FORMAT)
    }

    /// Runs the query on Augur and hands `sink` one frame per requested repo (empty for a
    /// repo without rows) as the rows stream in, so that only one repo's rows are held raw.
    pub async fn stream(self, db: &PgPool, repos: &RepoSet, sink: &mut PartSink<'_>) -> Result<(), sqlx::Error> {
        match self {
            Query::Commits => commits::run(db, repos, sink).await,
            Query::Prs => prs::run(db, repos, sink).await,
            Query::Issues => issues::run(db, repos, sink).await,
            Query::PrAssignments => assignments::run(db, repos, assignments::Items::PullRequests, sink).await,
            Query::IssueAssignments => assignments::run(db, repos, assignments::Items::Issues, sink).await,
            Query::PrResponses => responses::run(db, repos, sink).await,
        }
    }

    /// The whole result in one frame, repo after repo: for tests and tools.
    pub async fn run(self, db: &PgPool, repos: &RepoSet) -> Result<Frame, sqlx::Error> {
        let mut whole = Frame::new();
        let mut mismatch = false;
        self.stream(db, repos, &mut |_, frame| mismatch |= whole.append(frame).is_none()).await?;
        if mismatch {
            return Err(sqlx::Error::Protocol(format!("the {} query gave parts with different columns", self.name())));
        }
        Ok(whole)
    }
}

/// Cuts rows ordered by repo into one frame per repo, handed to `sink` as each repo ends;
/// requested repos without rows get an empty frame. Every query's SQL orders by repo first.
async fn by_repo<R>(
    rows: impl Stream<Item = Result<R, sqlx::Error>>,
    repos: &RepoSet,
    repo_of: fn(&R) -> i64,
    frame_of: fn(Vec<R>) -> Frame,
    sink: &mut PartSink<'_>,
) -> Result<(), sqlx::Error> {
    let mut rows = std::pin::pin!(rows);
    let mut done: HashSet<i64> = HashSet::with_capacity(repos.ids().len());
    let mut current: Option<(i64, Vec<R>)> = None;
    while let Some(row) = rows.try_next().await? {
        let repo = repo_of(&row);
        match current.as_mut() {
            Some((at, batch)) if *at == repo => batch.push(row),
            _ => {
                if let Some((at, batch)) = current.take() {
                    sink(at, frame_of(batch));
                }
                if !done.insert(repo) {
                    return Err(sqlx::Error::Protocol(format!(
                        "rows of repo {repo} came in two runs: not ordered by repo"
                    )));
                }
                current = Some((repo, vec![row]));
            }
        }
    }
    if let Some((at, batch)) = current {
        sink(at, frame_of(batch));
    }
    for repo in repos.ids().iter().filter(|r| !done.contains(r)) {
        sink(*repo, frame_of(Vec::new()));
    }
    Ok(())
}

/// An integer column taken from rows.
fn ints<R>(rows: &[R], pick: impl Fn(&R) -> i64) -> Column {
    Column::I64(rows.iter().map(pick).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame_of(rows: Vec<(i64, i64)>) -> Frame {
        Frame::new().with_column("repo_id", ints(&rows, |r| r.0)).with_column("n", ints(&rows, |r| r.1))
    }

    async fn parts(rows: Vec<(i64, i64)>, repos: &[i64]) -> Result<Vec<(i64, Vec<i64>)>, sqlx::Error> {
        let mut out = Vec::new();
        let stream = futures::stream::iter(rows.into_iter().map(Ok));
        let repos = RepoSet::new(repos.iter().copied()).unwrap();
        by_repo(stream, &repos, |r| r.0, frame_of, &mut |repo, frame| {
            out.push((repo, frame.i64("n").unwrap().to_vec()));
        })
        .await?;
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
}

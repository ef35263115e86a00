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

use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::{codec::Frame, RepoSet};

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

    /// Runs the query on Augur, streaming rows into a frame.
    pub async fn run(self, db: &PgPool, repos: &RepoSet) -> Result<Frame, sqlx::Error> {
        match self {
            Query::Commits => commits::run(db, repos).await,
            Query::Prs => prs::run(db, repos).await,
            Query::Issues => issues::run(db, repos).await,
            Query::PrAssignments => assignments::run(db, repos, assignments::Items::PullRequests).await,
            Query::IssueAssignments => assignments::run(db, repos, assignments::Items::Issues).await,
            Query::PrResponses => responses::run(db, repos).await,
        }
    }
}

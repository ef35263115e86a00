//! The registry of Augur queries. A chart names the query it needs; a job runs one
//! query for one set of repos and caches the resulting frame.

mod commits;

use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::{codec::Frame, RepoSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Query {
    Commits,
}

impl Query {
    pub const ALL: [Query; 1] = [Query::Commits];

    pub fn from_name(name: &str) -> Option<Query> {
        Query::ALL.into_iter().find(|q| q.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Query::Commits => "commits",
        }
    }

    /// Bump when the SQL or the frame it produces changes: old cache entries then go unused.
    pub fn version(self) -> u32 {
        match self {
            Query::Commits => commits::VERSION,
        }
    }

    /// Runs the query on Augur, streaming rows into a frame.
    pub async fn run(self, db: &PgPool, repos: &RepoSet) -> Result<Frame, sqlx::Error> {
        match self {
            Query::Commits => commits::run(db, repos).await,
        }
    }
}

use sqlx::PgPool;

use crate::{codec::Frame, RepoSet};

pub const VERSION: u32 = 1;

/// Which explorer assignment view to read.
#[derive(Clone, Copy, Debug)]
pub enum Items {
    PullRequests,
    Issues,
}

pub async fn run(_db: &PgPool, _repos: &RepoSet, _items: Items) -> Result<Frame, sqlx::Error> {
    Err(sqlx::Error::Protocol("this query is not written yet".into()))
}

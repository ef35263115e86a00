use sqlx::PgPool;

use crate::{codec::Frame, RepoSet};

pub const VERSION: u32 = 1;

pub async fn run(_db: &PgPool, _repos: &RepoSet) -> Result<Frame, sqlx::Error> {
    Err(sqlx::Error::Protocol("this query is not written yet".into()))
}

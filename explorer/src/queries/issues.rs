use futures::TryStreamExt;
use sqlx::PgPool;

use crate::{
    codec::{Column, Frame},
    RepoSet,
};

pub const VERSION: u32 = 1;

/// One row per issue. Old Augur also stored pull requests in `issues`, with `pull_request`
/// and `pull_request_id` set to the PR number; those rows are left out. Augur's naive
/// timestamps hold UTC, so they are compared with `now() AT TIME ZONE 'UTC'` and read with
/// `EXTRACT(EPOCH ...)`, neither of which depends on the session time zone. As in 8Knot,
/// issues created or closed in the future are left out; dates before 1971 are Augur's
/// placeholder for an unknown date and drop the row too.
const SQL: &str = "
SELECT i.repo_id,
       i.issue_id,
       EXTRACT(EPOCH FROM i.created_at)::bigint AS created,
       COALESCE(EXTRACT(EPOCH FROM i.closed_at)::bigint, 0) AS closed,
       bot.cntrb_id IS NOT NULL AS author_bot
FROM augur_data.issues i
LEFT JOIN augur_data.contributors bot ON bot.cntrb_id = i.reporter_id AND bot.gh_type = 'Bot'
WHERE i.repo_id = ANY($1)
  AND i.pull_request IS NULL AND i.pull_request_id IS NULL
  AND i.created_at >= TIMESTAMP '1971-01-01' AND i.created_at < now() AT TIME ZONE 'UTC'
  AND (i.closed_at IS NULL
       OR i.closed_at >= TIMESTAMP '1971-01-01' AND i.closed_at < now() AT TIME ZONE 'UTC')
ORDER BY i.repo_id, i.created_at, i.issue_id";

/// Frame columns: `repo_id`, `issue` (issue_id), `created`, `closed` ([`NO_TIME`] while
/// open), `author_bot` (the reporter's GitHub account is a Bot).
///
/// [`NO_TIME`]: super::NO_TIME
pub async fn run(db: &PgPool, repos: &RepoSet) -> Result<Frame, sqlx::Error> {
    let mut repo_ids = Vec::new();
    let mut issues = Vec::new();
    let mut created = Vec::new();
    let mut closed = Vec::new();
    let mut author_bot = Vec::new();
    let mut rows = sqlx::query_as::<_, (i64, i64, i64, i64, bool)>(SQL).bind(repos.ids()).fetch(db);
    while let Some((repo_id, issue, created_at, closed_at, bot)) = rows.try_next().await? {
        repo_ids.push(repo_id);
        issues.push(issue);
        created.push(created_at);
        closed.push(closed_at);
        author_bot.push(i64::from(bot));
    }
    Ok(Frame::new()
        .with_column("repo_id", Column::I64(repo_ids))
        .with_column("issue", Column::I64(issues))
        .with_column("created", Column::I64(created))
        .with_column("closed", Column::I64(closed))
        .with_column("author_bot", Column::I64(author_bot)))
}

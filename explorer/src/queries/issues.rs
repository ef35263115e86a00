use sqlx::PgPool;

use super::{ints, PartSink};
use crate::{codec::Frame, RepoSet};

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
pub async fn run(db: &PgPool, repos: &RepoSet, sink: &mut PartSink<'_>) -> Result<(), sqlx::Error> {
    let rows = sqlx::query_as::<_, Row>(SQL).bind(repos.ids()).fetch(db);
    super::by_repo(rows, repos, |r| r.0, frame_of, sink).await
}

/// (repo_id, issue_id, created, closed, author_bot)
type Row = (i64, i64, i64, i64, bool);

fn frame_of(rows: Vec<Row>) -> Frame {
    Frame::new()
        .with_column("repo_id", ints(&rows, |r| r.0))
        .with_column("issue", ints(&rows, |r| r.1))
        .with_column("created", ints(&rows, |r| r.2))
        .with_column("closed", ints(&rows, |r| r.3))
        .with_column("author_bot", ints(&rows, |r| i64::from(r.4)))
}

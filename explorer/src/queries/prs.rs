use sqlx::PgPool;

use super::{ints, PartSink};
use crate::{codec::Frame, RepoSet};

pub const VERSION: u32 = 1;

/// One row per pull request. Augur's naive timestamps hold UTC, so they are compared with
/// `now() AT TIME ZONE 'UTC'` and read with `EXTRACT(EPOCH ...)`, neither of which depends on
/// the session time zone. As in 8Knot, PRs created in the future are left out, and so are
/// those closed or merged in the future; dates before 1971 are Augur's placeholder for an
/// unknown date and drop the row too. Augur sets `pr_closed_at` on merged PRs too, so a
/// merged PR has `closed` = `merged`.
const SQL: &str = "
SELECT p.repo_id,
       p.pull_request_id,
       EXTRACT(EPOCH FROM p.pr_created_at)::bigint AS created,
       COALESCE(EXTRACT(EPOCH FROM p.pr_closed_at)::bigint, 0) AS closed,
       COALESCE(EXTRACT(EPOCH FROM p.pr_merged_at)::bigint, 0) AS merged,
       bot.cntrb_id IS NOT NULL AS author_bot
FROM augur_data.pull_requests p
LEFT JOIN augur_data.contributors bot ON bot.cntrb_id = p.pr_augur_contributor_id AND bot.gh_type = 'Bot'
WHERE p.repo_id = ANY($1)
  AND p.pr_created_at >= TIMESTAMP '1971-01-01' AND p.pr_created_at < now() AT TIME ZONE 'UTC'
  AND (p.pr_closed_at IS NULL
       OR p.pr_closed_at >= TIMESTAMP '1971-01-01' AND p.pr_closed_at < now() AT TIME ZONE 'UTC')
  AND (p.pr_merged_at IS NULL
       OR p.pr_merged_at >= TIMESTAMP '1971-01-01' AND p.pr_merged_at < now() AT TIME ZONE 'UTC')
ORDER BY p.repo_id, p.pr_created_at, p.pull_request_id";

/// Frame columns: `repo_id`, `pr` (pull_request_id), `created`, `closed` ([`NO_TIME`] while
/// open), `merged` ([`NO_TIME`] unless merged), `author_bot` (the author's GitHub account is a
/// Bot).
///
/// [`NO_TIME`]: super::NO_TIME
pub async fn run(db: &PgPool, repos: &RepoSet, sink: &mut PartSink<'_>) -> Result<(), sqlx::Error> {
    let rows = sqlx::query_as::<_, Row>(SQL).bind(repos.ids()).fetch(db);
    super::by_repo(rows, repos, |r| r.0, frame_of, sink).await
}

/// (repo_id, pull_request_id, created, closed, merged, author_bot)
type Row = (i64, i64, i64, i64, i64, bool);

fn frame_of(rows: Vec<Row>) -> Frame {
    Frame::new()
        .with_column("repo_id", ints(&rows, |r| r.0))
        .with_column("pr", ints(&rows, |r| r.1))
        .with_column("created", ints(&rows, |r| r.2))
        .with_column("closed", ints(&rows, |r| r.3))
        .with_column("merged", ints(&rows, |r| r.4))
        .with_column("author_bot", ints(&rows, |r| i64::from(r.5)))
}

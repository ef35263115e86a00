use futures::TryStreamExt;
use sqlx::PgPool;

use crate::{
    codec::{Column, Frame},
    RepoSet,
};

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
pub async fn run(db: &PgPool, repos: &RepoSet) -> Result<Frame, sqlx::Error> {
    let mut repo_ids = Vec::new();
    let mut prs = Vec::new();
    let mut created = Vec::new();
    let mut closed = Vec::new();
    let mut merged = Vec::new();
    let mut author_bot = Vec::new();
    let mut rows = sqlx::query_as::<_, (i64, i64, i64, i64, i64, bool)>(SQL).bind(repos.ids()).fetch(db);
    while let Some((repo_id, pr, created_at, closed_at, merged_at, bot)) = rows.try_next().await? {
        repo_ids.push(repo_id);
        prs.push(pr);
        created.push(created_at);
        closed.push(closed_at);
        merged.push(merged_at);
        author_bot.push(i64::from(bot));
    }
    Ok(Frame::new()
        .with_column("repo_id", Column::I64(repo_ids))
        .with_column("pr", Column::I64(prs))
        .with_column("created", Column::I64(created))
        .with_column("closed", Column::I64(closed))
        .with_column("merged", Column::I64(merged))
        .with_column("author_bot", Column::I64(author_bot)))
}

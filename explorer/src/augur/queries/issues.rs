use super::{query_row, AugurQuery};

/// One row per issue. Old Augur also stored pull requests in `issues`, with `pull_request`
/// and `pull_request_id` set to the PR number; those rows are left out. Augur's naive
/// timestamps hold UTC, so they are compared with `now() AT TIME ZONE 'UTC'` and read with
/// `EXTRACT(EPOCH ...)`, neither of which depends on the session time zone. As in 8Knot,
/// issues created or closed in the future are left out; dates before 1971 are Augur's
/// placeholder for an unknown date and drop the row too.
pub struct Issues;

impl AugurQuery for Issues {
    const NAME: &'static str = "issues";
    const VERSION: u32 = 1;
    type Row = IssueRow;
    const SQL: &'static str = "
SELECT i.repo_id,
       i.issue_id AS issue,
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
}

query_row! {
    /// An issue. Times are seconds since the epoch, UTC; `closed` is
    /// [`NO_TIME`](super::NO_TIME) while open.
    pub struct IssueRow {
        pub repo_id: i64,
        /// Augur's issue_id.
        pub issue: i64,
        pub created: i64,
        pub closed: i64,
        /// The reporter's GitHub account is a Bot.
        pub author_bot: bool,
    }
}

use super::{query_row, AugurQuery};

/// One row per pull request. Augur's naive timestamps hold UTC, so they are compared with
/// `now() AT TIME ZONE 'UTC'` and read with `EXTRACT(EPOCH ...)`, neither of which depends on
/// the session time zone. As in 8Knot, PRs created in the future are left out, and so are
/// those closed or merged in the future; dates before 1971 are Augur's placeholder for an
/// unknown date and drop the row too. Augur sets `pr_closed_at` on merged PRs too, so a
/// merged PR has `closed` = `merged`.
pub struct Prs;

impl AugurQuery for Prs {
    const NAME: &'static str = "prs";
    const VERSION: u32 = 1;
    type Row = PrRow;
    const SQL: &'static str = "
SELECT p.repo_id,
       p.pull_request_id AS pr,
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
}

query_row! {
    /// A pull request. Times are seconds since the epoch, UTC; [`NO_TIME`](super::NO_TIME)
    /// while not closed or not merged.
    pub struct PrRow {
        pub repo_id: i64,
        /// Augur's pull_request_id.
        pub pr: i64,
        pub created: i64,
        pub closed: i64,
        pub merged: i64,
        /// The author's GitHub account is a Bot.
        pub author_bot: bool,
    }
}

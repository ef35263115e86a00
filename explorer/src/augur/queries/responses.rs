use super::{query_row, AugurQuery};

/// From `explorer_pr_response` (repo column `id`): one row per message on a PR (inline
/// review comments and conversation comments), or one row without a message for a PR that
/// has none, for first- and last-response times. Augur's naive timestamps hold UTC, so they
/// are compared with `now() AT TIME ZONE 'UTC'` and read with `EXTRACT(EPOCH ...)`, neither
/// of which depends on the session time zone. As in 8Knot, PRs created or closed in the
/// future are left out, and dates before 1971 (Augur's placeholder for an unknown date)
/// drop the PR too. A message without a time, dated in the future or before 1971, is kept
/// as a row without a message, so that its PR is never lost.
pub struct PrResponses;

impl AugurQuery for PrResponses {
    const NAME: &'static str = "pr_responses";
    const VERSION: u32 = 1;
    type Row = ResponseRow;
    const SQL: &'static str = "
SELECT r.id AS repo_id,
       r.pull_request_id AS pr,
       EXTRACT(EPOCH FROM r.pr_created_at)::bigint AS created,
       COALESCE(EXTRACT(EPOCH FROM r.pr_closed_at)::bigint, 0) AS closed,
       CASE WHEN m.dated THEN EXTRACT(EPOCH FROM r.msg_timestamp)::bigint ELSE 0 END AS message_at,
       m.dated AND COALESCE(r.msg_cntrb_id = r.cntrb_id, false) AS by_author,
       m.dated AND bot.cntrb_id IS NOT NULL AS message_bot
FROM augur_data.explorer_pr_response r
CROSS JOIN LATERAL (
    SELECT COALESCE(r.msg_timestamp >= TIMESTAMP '1971-01-01' AND r.msg_timestamp < now() AT TIME ZONE 'UTC', false)
        AS dated
) m
LEFT JOIN augur_data.contributors bot ON bot.cntrb_id = r.msg_cntrb_id AND bot.gh_type = 'Bot'
WHERE r.id = ANY($1)
  AND r.pr_created_at >= TIMESTAMP '1971-01-01' AND r.pr_created_at < now() AT TIME ZONE 'UTC'
  AND (r.pr_closed_at IS NULL
       OR r.pr_closed_at >= TIMESTAMP '1971-01-01' AND r.pr_closed_at < now() AT TIME ZONE 'UTC')
ORDER BY repo_id, created, pr, message_at, by_author, message_bot";
}

query_row! {
    /// A message on a pull request, or a pull request without one. Times are seconds since
    /// the epoch, UTC, [`NO_TIME`](super::NO_TIME) when absent.
    pub struct ResponseRow {
        pub repo_id: i64,
        pub pr: i64,
        pub created: i64,
        pub closed: i64,
        pub message_at: i64,
        /// The message is by the PR's author.
        pub by_author: bool,
        /// The message's author is a Bot.
        pub message_bot: bool,
    }
}

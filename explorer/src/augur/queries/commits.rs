use super::{query_row, AugurQuery, TextId};

/// One row per distinct commit and repo. `commits` holds one row per changed file, so
/// rows are grouped by hash. Timestamps after now() and Augur's 1970 placeholder (its
/// fallback for a missing date) are left out. The author is a bot when Augur resolved the
/// author's email to a contributor whose GitHub account is a Bot; an unresolved author
/// (NULL `cmt_ght_author_id`) is not. Only bot accounts are joined, which keeps the join
/// small on a table with a row per file.
pub struct Commits;

impl AugurQuery for Commits {
    const NAME: &'static str = "commits";
    const VERSION: u32 = 2;
    type Row = CommitRow;
    const SQL: &'static str = "
SELECT c.repo_id,
       c.cmt_commit_hash,
       EXTRACT(EPOCH FROM min(c.cmt_author_timestamp))::bigint AS author_ts,
       bool_or(bot.cntrb_id IS NOT NULL) AS author_bot
FROM augur_data.commits c
LEFT JOIN augur_data.contributors bot ON bot.cntrb_id = c.cmt_ght_author_id AND bot.gh_type = 'Bot'
WHERE c.repo_id = ANY($1)
  AND c.cmt_author_timestamp < now()
  AND c.cmt_author_timestamp >= TIMESTAMPTZ '1971-01-01 00:00:00+00'
GROUP BY c.repo_id, c.cmt_commit_hash
ORDER BY c.repo_id, author_ts, c.cmt_commit_hash";
}

query_row! {
    /// A distinct commit of a repo.
    pub struct CommitRow {
        pub repo_id: i64,
        pub commit: TextId as String,
        /// Seconds since the epoch, UTC.
        pub author_ts: i64,
        /// The author's GitHub account is a Bot.
        pub author_bot: bool,
    }
}

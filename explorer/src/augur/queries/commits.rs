use super::{query_row, AugurQuery, ColumnValue};
use crate::store::codec::Column;

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
        #[sqlx(rename = "cmt_commit_hash", try_from = "String")]
        pub commit: CommitHash,
        /// Seconds since the epoch, UTC.
        pub author_ts: i64,
        /// The author's GitHub account is a Bot.
        pub author_bot: bool,
    }
}

/// A stable 64-bit hash of a commit hash, so that a commit in several repos counts once
/// while the cache holds an integer instead of 40 characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CommitHash(pub i64);

impl From<String> for CommitHash {
    fn from(hash: String) -> Self {
        CommitHash(fnv1a(hash.as_bytes()) as i64)
    }
}

impl ColumnValue for CommitHash {
    fn into_column(values: Vec<Self>) -> Column {
        Column::I64(values.into_iter().map(|c| c.0).collect())
    }

    fn from_column(column: Column) -> Option<Vec<Self>> {
        Some(i64::from_column(column)?.into_iter().map(CommitHash).collect())
    }
}

/// FNV-1a: stable across builds and machines, unlike std's hasher, since cached values
/// computed by different workers are compared.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x85944171f73967e8);
    }
}

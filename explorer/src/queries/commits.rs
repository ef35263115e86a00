use futures::TryStreamExt;
use sqlx::PgPool;

use crate::{
    codec::{Column, Frame},
    RepoSet,
};

pub const VERSION: u32 = 2;

/// One row per distinct commit and repo. `commits` holds one row per changed file, so
/// rows are grouped by hash. Timestamps after now() and Augur's 1970 placeholder (its
/// fallback for a missing date) are left out. The author is a bot when Augur resolved the
/// author's email to a contributor whose GitHub account is a Bot; an unresolved author
/// (NULL `cmt_ght_author_id`) is not. Only bot accounts are joined, which keeps the join
/// small on a table with a row per file.
const SQL: &str = "
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

/// Frame columns: `repo_id`, `commit` (a stable 64-bit hash of the commit hash, so a commit
/// in several repos counts once), `author_ts` (seconds since the epoch, UTC), `author_bot`
/// (the author's GitHub account is a Bot).
pub async fn run(db: &PgPool, repos: &RepoSet) -> Result<Frame, sqlx::Error> {
    let mut repo_ids = Vec::new();
    let mut commits = Vec::new();
    let mut author_ts = Vec::new();
    let mut author_bot = Vec::new();
    let mut rows = sqlx::query_as::<_, (i64, String, i64, bool)>(SQL).bind(repos.ids()).fetch(db);
    while let Some((repo_id, hash, ts, bot)) = rows.try_next().await? {
        repo_ids.push(repo_id);
        commits.push(fnv1a(hash.as_bytes()) as i64);
        author_ts.push(ts);
        author_bot.push(i64::from(bot));
    }
    Ok(Frame::new()
        .with_column("repo_id", Column::I64(repo_ids))
        .with_column("commit", Column::I64(commits))
        .with_column("author_ts", Column::I64(author_ts))
        .with_column("author_bot", Column::I64(author_bot)))
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

use sqlx::PgPool;

use super::{ints, PartSink};
use crate::{codec::Frame, RepoSet};

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
pub async fn run(db: &PgPool, repos: &RepoSet, sink: &mut PartSink<'_>) -> Result<(), sqlx::Error> {
    let rows = sqlx::query_as::<_, Row>(SQL).bind(repos.ids()).fetch(db);
    super::by_repo(rows, repos, |r| r.0, frame_of, sink).await
}

/// (repo_id, hash, author_ts, author_bot)
type Row = (i64, String, i64, bool);

fn frame_of(rows: Vec<Row>) -> Frame {
    Frame::new()
        .with_column("repo_id", ints(&rows, |r| r.0))
        .with_column("commit", ints(&rows, |r| fnv1a(r.1.as_bytes()) as i64))
        .with_column("author_ts", ints(&rows, |r| r.2))
        .with_column("author_bot", ints(&rows, |r| i64::from(r.3)))
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

//! The generator is deterministic and its data keeps Augur's invariants.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use sqlx::PgConnection;
use testkit::TestDb;
use xtask::generate;

/// Today at midnight UTC: the generator's future commits are future relative to it.
fn anchor() -> DateTime<Utc> {
    Utc::now().duration_trunc(TimeDelta::days(1)).unwrap()
}

const TABLES: [&str; 19] = [
    "repo_groups",
    "repo",
    "contributors",
    "contributors_aliases",
    "commits",
    "issues",
    "issue_events",
    "pull_requests",
    "pull_request_events",
    "pull_request_reviews",
    "message",
    "issue_message_ref",
    "pull_request_message_ref",
    "pull_request_review_message_ref",
    "repo_info",
    "repo_deps_libyear",
    "repo_deps_scorecard",
    "repo_labor",
    "releases",
];

/// One checksum per table over every row, independent of physical order. Columns that
/// default to the load time (Augur's bookkeeping stamps the generator leaves alone) are
/// left out: they are the database's, not the generator's.
async fn checksums(conn: &mut PgConnection) -> Vec<(String, String)> {
    let mut sums = Vec::new();
    for table in TABLES {
        let stamped: Vec<String> = sqlx::query_scalar(
            "SELECT column_name::text FROM information_schema.columns
             WHERE table_schema = 'augur_data' AND table_name = $1
               AND (column_default ILIKE '%current_timestamp%' OR column_default ILIKE '%now()%')",
        )
        .bind(table)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        let row = format!(
            "(to_jsonb(t) - ARRAY[{}]::text[])::text",
            stamped.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(",")
        );
        let sum: Option<String> =
            sqlx::query_scalar(&format!("SELECT md5(string_agg({row}, '|' ORDER BY {row})) FROM augur_data.{table} t"))
                .fetch_one(&mut *conn)
                .await
                .unwrap();
        sums.push((table.to_owned(), sum.unwrap_or_default()));
    }
    sums
}

async fn seeded(seed: u64, anchor: DateTime<Utc>) -> TestDb {
    let mut db = TestDb::new().await;
    generate::seed(&mut db.conn, generate::Scale::Tiny, seed, anchor).await.unwrap();
    db
}

async fn checksums_of(db: TestDb) -> Vec<(String, String)> {
    let mut db = db;
    let sums = checksums(&mut db.conn).await;
    db.drop().await;
    sums
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data_and_another_seed_differs() {
    let anchor = anchor();
    let first = checksums_of(seeded(7, anchor).await).await;
    let again = checksums_of(seeded(7, anchor).await).await;
    let other = checksums_of(seeded(8, anchor).await).await;
    for ((table, a), (_, b)) in first.iter().zip(&again) {
        assert!(!a.is_empty(), "{table} is empty");
        assert_eq!(a, b, "{table} differs between two loads with the same seed");
    }
    for table in ["commits", "issues", "pull_requests", "message"] {
        let sum = |sums: &[(String, String)]| sums.iter().find(|(t, _)| t == table).unwrap().1.clone();
        assert_ne!(sum(&first), sum(&other), "{table} is the same under another seed");
    }
}

async fn count(conn: &mut PgConnection, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql).fetch_one(conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test]
async fn the_data_keeps_augurs_invariants() {
    let mut db = seeded(1, anchor()).await;
    let conn = &mut db.conn;
    let checks = [
        (
            "merged PRs whose closed_at is not merged_at",
            "SELECT count(*) FROM augur_data.pull_requests WHERE pr_merged_at IS NOT NULL
               AND pr_closed_at IS DISTINCT FROM pr_merged_at",
        ),
        (
            "merged PRs without both a closed and a merged event at merged_at",
            "SELECT count(*) FROM augur_data.pull_requests p WHERE p.pr_merged_at IS NOT NULL AND (
               SELECT count(DISTINCT e.action) FROM augur_data.pull_request_events e
               WHERE e.pull_request_id = p.pull_request_id AND e.action IN ('closed', 'merged')
                 AND e.created_at = p.pr_merged_at) <> 2",
        ),
        (
            "closed issues without a closer",
            "SELECT count(*) FROM augur_data.issues WHERE closed_at IS NOT NULL AND pull_request IS NULL
               AND cntrb_id IS NULL",
        ),
        (
            "closed issues whose closer is not the actor of their last closed event",
            "SELECT count(*) FROM augur_data.issues i WHERE i.closed_at IS NOT NULL AND i.pull_request IS NULL
               AND i.cntrb_id IS DISTINCT FROM (
                 SELECT e.cntrb_id FROM augur_data.issue_events e
                 WHERE e.issue_id = i.issue_id AND e.action = 'closed'
                 ORDER BY e.created_at DESC LIMIT 1)",
        ),
        (
            "commit hashes whose rows disagree on author or timestamps",
            "SELECT count(*) FROM (SELECT repo_id, cmt_commit_hash FROM augur_data.commits
               GROUP BY 1, 2 HAVING count(DISTINCT (cmt_author_email, cmt_author_timestamp,
               cmt_committer_timestamp, cmt_author_date, cmt_ght_author_id)) > 1) x",
        ),
        (
            // Unresolved authors' commits are actions too, with a NULL cntrb_id.
            "repos whose commit actions differ from their distinct commits",
            "SELECT count(*) FROM augur_data.repo r WHERE
               (SELECT count(DISTINCT cmt_commit_hash) FROM augur_data.commits c WHERE c.repo_id = r.repo_id)
               <> (SELECT count(*) FROM augur_data.explorer_contributor_actions a
                 WHERE a.repo_id = r.repo_id AND a.action = 'commit')",
        ),
        (
            "PR-open actions that differ from PR rows",
            "SELECT abs((SELECT count(*) FROM augur_data.pull_requests)
               - (SELECT count(*) FROM augur_data.explorer_contributor_actions WHERE action = 'pull_request_open'))",
        ),
        (
            "issue-opened actions that differ from true issue rows",
            "SELECT abs((SELECT count(*) FROM augur_data.issues WHERE pull_request IS NULL)
               - (SELECT count(*) FROM augur_data.explorer_contributor_actions WHERE action = 'issue_opened'))",
        ),
        (
            "issue comments at closing time that reached the actions view",
            "SELECT count(*) FROM augur_data.explorer_contributor_actions a
               JOIN augur_data.issues i ON i.repo_id = a.repo_id AND a.action = 'issue_comment'
               AND a.created_at = i.closed_at AND a.cntrb_id = i.cntrb_id
               WHERE NOT EXISTS (SELECT 1 FROM augur_data.message m
                 JOIN augur_data.issue_message_ref r USING (msg_id)
                 WHERE m.cntrb_id = a.cntrb_id AND m.msg_timestamp = a.created_at
                   AND r.issue_id <> i.issue_id)",
        ),
        (
            // Every item closes in the end (housekeeping waits at most 1,563 days), so open
            // counts level off instead of growing with every year of history.
            "PRs and issues opened over 1,600 days ago and still open",
            "SELECT (SELECT count(*) FROM augur_data.pull_requests WHERE pr_closed_at IS NULL
                       AND pr_created_at < now() - interval '1600 days')
                  + (SELECT count(*) FROM augur_data.issues WHERE closed_at IS NULL
                       AND created_at < now() - interval '1600 days')",
        ),
    ];
    for (what, sql) in checks {
        assert_eq!(count(conn, sql).await, 0, "{what}");
    }
    // The traps the app must handle are present.
    let traps = [
        ("legacy PR rows in issues", "SELECT count(*) FROM augur_data.issues WHERE pull_request IS NOT NULL"),
        ("reopened issues", "SELECT count(*) FROM augur_data.issue_events WHERE action = 'reopened'"),
        ("unresolved commit authors", "SELECT count(*) FROM augur_data.commits WHERE cmt_ght_author_id IS NULL"),
        ("merge commits", "SELECT count(*) FROM augur_data.commits WHERE cmt_filename = '(Merge commit)'"),
        ("bots", "SELECT count(*) FROM augur_data.contributors WHERE gh_type = 'Bot'"),
        (
            "PRs opened over 1,600 days ago",
            "SELECT count(*) FROM augur_data.pull_requests WHERE pr_created_at < now() - interval '1600 days'",
        ),
        ("open PRs", "SELECT count(*) FROM augur_data.pull_requests WHERE pr_closed_at IS NULL"),
        (
            "commits whose local date differs from the UTC date",
            "SELECT count(*) FROM augur_data.commits
               WHERE cmt_author_date <> to_char(cmt_author_timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
        ),
        ("future commits", "SELECT count(*) FROM augur_data.commits WHERE cmt_author_timestamp > now()"),
        ("placeholder commits", "SELECT count(*) FROM augur_data.commits WHERE cmt_author_timestamp < '1971-01-01'"),
        (
            "repos with several repo_info snapshots",
            "SELECT count(*) FROM (SELECT repo_id FROM augur_data.repo_info GROUP BY 1
               HAVING count(DISTINCT data_collection_date) > 1) x",
        ),
        (
            "issue comments exactly at closed_at",
            "SELECT count(*) FROM augur_data.issues i JOIN augur_data.issue_message_ref r USING (issue_id)
               JOIN augur_data.message m USING (msg_id) WHERE m.msg_timestamp = i.closed_at",
        ),
        (
            "assigned and unassigned events",
            "SELECT least((SELECT count(*) FROM augur_data.issue_events WHERE action = 'unassigned'),
                          (SELECT count(*) FROM augur_data.pull_request_events WHERE action = 'assigned'))",
        ),
    ];
    for (what, sql) in traps {
        assert!(count(conn, sql).await > 0, "the tiny data set has no {what}");
    }
    db.drop().await;
}

//! The Augur queries against a small hand-built fixture: which rows each query keeps (legacy
//! PR rows in `issues`, future and 1970 dates, the repo filter), the flags it computes (bots,
//! the PR author's own messages, assignment actions) and the names it gives assignees. Every
//! query is run from sessions in several time zones: Augur's naive timestamps hold UTC, so the
//! frames must not change.

use chrono::{NaiveDateTime, Utc};
use explorer::augur::queries::{Commits, IssueAssignments, Issues, PrAssignments, PrResponses, Prs};
use explorer::{
    store::codec::{Column, Frame},
    Query, RepoSet,
};
use sqlx::{postgres::PgPoolOptions, Executor};
use testkit::TestDb;

const NO_TIME: i64 = explorer::augur::queries::NO_TIME;

/// Session time zones every query runs in: UTC, behind UTC and ahead of it.
const TIME_ZONES: [&str; 3] = ["UTC", "America/Los_Angeles", "Asia/Kolkata"];

const ALICE: &str = "01000001-0000-0000-0000-000000000000";
/// No cntrb_login: named by gh_login.
const BOB: &str = "01000002-0000-0000-0000-000000000000";
/// Neither login: named by the first 15 characters of the uuid.
const CAROL: &str = "01000003-0000-0000-0000-000000000000";
const DEPENDABOT: &str = "01000004-0000-0000-0000-000000000000";

/// Seconds since the epoch of a UTC time written `YYYY-MM-DD HH:MM:SS`.
fn t(utc: &str) -> i64 {
    NaiveDateTime::parse_from_str(utc, "%Y-%m-%d %H:%M:%S").unwrap().and_utc().timestamp()
}

async fn sql(db: &mut TestDb, sql: &str) {
    sqlx::raw_sql(sql).execute(&mut db.conn).await.unwrap_or_else(|e| panic!("{e}\n{sql}"));
}

/// Repos 10 and 11 are selected in the tests, 12 never is. Contributors: alice (a user with a
/// login), bob (gh_login only), carol (no login at all) and dependabot (a Bot).
async fn load_people(db: &mut TestDb) {
    sql(
        db,
        &format!(
            "INSERT INTO augur_data.repo_groups (repo_group_id, rg_name) VALUES (1, 'chaoss');
             INSERT INTO augur_data.repo (repo_id, repo_group_id, repo_git, repo_name) VALUES
               (10, 1, 'https://github.com/chaoss/augur', 'augur'),
               (11, 1, 'https://github.com/chaoss/8knot', '8knot'),
               (12, 1, 'https://github.com/chaoss/other', 'other');
             INSERT INTO augur_data.contributors (cntrb_id, cntrb_login, gh_login, gh_type) VALUES
               ('{ALICE}', 'alice', 'alice', 'User'),
               ('{BOB}', NULL, 'bob-gh', 'User'),
               ('{CAROL}', NULL, NULL, NULL),
               ('{DEPENDABOT}', 'dependabot[bot]', 'dependabot[bot]', 'Bot');"
        ),
    )
    .await;
}

/// Pull requests with their events, reviews and messages.
async fn load_prs(db: &mut TestDb) {
    sql(
        db,
        &format!(
            "INSERT INTO augur_data.pull_requests
               (pull_request_id, repo_id, pr_augur_contributor_id, pr_created_at, pr_closed_at, pr_merged_at) VALUES
               -- merged: closed at the merge
               (100, 10, '{ALICE}', '2024-01-10 12:00:00', '2024-01-12 08:00:00', '2024-01-12 08:00:00'),
               -- by a bot, closed without merging
               (101, 10, '{DEPENDABOT}', '2024-01-11 00:00:00', '2024-01-13 00:00:00', NULL),
               -- open
               (102, 10, '{BOB}', '2024-01-09 00:00:00', NULL, NULL),
               -- closed in the future: left out
               (103, 10, '{ALICE}', '2024-01-14 00:00:00', '2099-01-01 00:00:00', NULL),
               -- created in the future: left out
               (104, 10, '{ALICE}', '2099-01-01 00:00:00', NULL, NULL),
               -- Augur's 1970 placeholder: left out
               (105, 10, '{ALICE}', '1970-01-01 00:00:15', NULL, NULL),
               -- no known author
               (106, 11, NULL, '2024-02-01 10:00:00', NULL, NULL),
               -- merged in the future: left out
               (107, 11, '{ALICE}', '2024-02-02 00:00:00', '2099-01-01 00:00:00', '2099-01-01 00:00:00'),
               -- a repo not selected
               (108, 12, '{ALICE}', '2024-01-05 00:00:00', NULL, NULL);
             INSERT INTO augur_data.pull_request_events
               (pull_request_id, repo_id, cntrb_id, action, created_at, node_id) VALUES
               (100, 10, '{ALICE}', 'assigned', '2024-01-10 13:00:00', 'PRE1'),
               (100, 10, '{ALICE}', 'closed', '2024-01-12 08:00:00', 'PRE2'),
               (100, 10, '{ALICE}', 'merged', '2024-01-12 08:00:00', 'PRE3'),
               (101, 10, '{ALICE}', 'closed', '2024-01-13 00:00:00', 'PRE4'),
               (101, 10, '{ALICE}', 'labeled', '2024-01-11 01:00:00', 'PRE5'),
               (102, 10, '{BOB}', 'assigned', '2024-01-09 01:00:00', 'PRE6'),
               (102, 10, '{BOB}', 'unassigned', '2024-01-09 02:00:00', 'PRE7'),
               (102, 10, '{CAROL}', 'assigned', '2024-01-09 03:00:00', 'PRE8'),
               (103, 10, '{BOB}', 'assigned', '2024-01-14 01:00:00', 'PRE9'),
               (106, 11, '{DEPENDABOT}', 'assigned', '2024-02-01 11:00:00', 'PRE10'),
               -- an event dated in the future: its PR keeps a row without an event
               (106, 11, '{BOB}', 'assigned', '2099-01-01 00:00:00', 'PRE11'),
               (108, 12, '{BOB}', 'assigned', '2024-01-05 01:00:00', 'PRE12');
             INSERT INTO augur_data.pull_request_reviews
               (pr_review_id, pull_request_id, repo_id, cntrb_id, pr_review_state, pr_review_submitted_at,
                pr_review_src_id) VALUES
               (1, 100, 10, '{BOB}', 'COMMENTED', '2024-01-11 09:00:00', 9001);
             INSERT INTO augur_data.message (msg_id, repo_id, cntrb_id, msg_timestamp, platform_msg_id) VALUES
               (1, 10, '{ALICE}', '2024-01-10 12:30:00', 1),
               (2, 10, '{DEPENDABOT}', '2024-01-10 12:05:00', 2),
               (3, 10, '{BOB}', '2024-01-11 09:00:00', 3),
               (4, 10, '{ALICE}', '2024-01-11 06:00:00', 4),
               (5, 10, '{BOB}', '2099-01-01 00:00:00', 5),
               (6, 11, '{CAROL}', '2024-02-01 12:00:00', 6),
               (7, 11, NULL, '2024-02-01 13:00:00', 7),
               (8, 10, '{BOB}', '2024-01-14 02:00:00', 8),
               (9, 12, '{BOB}', '2024-01-05 02:00:00', 9);
             INSERT INTO augur_data.pull_request_message_ref (pull_request_id, repo_id, msg_id) VALUES
               (100, 10, 1), (100, 10, 2), (101, 10, 4), (101, 10, 5), (106, 11, 6), (106, 11, 7),
               (103, 10, 8), (108, 12, 9);
             -- an inline review comment
             INSERT INTO augur_data.pull_request_review_message_ref (pr_review_id, repo_id, msg_id) VALUES (1, 10, 3);"
        ),
    )
    .await;
}

/// Issues (with old Augur's PR rows) and their events.
async fn load_issues(db: &mut TestDb) {
    sql(
        db,
        &format!(
            "INSERT INTO augur_data.issues
               (issue_id, repo_id, reporter_id, pull_request, pull_request_id, created_at, closed_at) VALUES
               (200, 10, '{ALICE}', NULL, NULL, '2024-01-03 09:00:00', '2024-01-04 10:00:00'),
               -- opened by a bot
               (201, 10, '{DEPENDABOT}', NULL, NULL, '2024-01-05 00:00:00', NULL),
               -- old Augur's copies of PRs: left out
               (202, 10, '{ALICE}', 7, 7, '2024-01-06 00:00:00', NULL),
               (203, 10, '{ALICE}', 8, NULL, '2024-01-06 01:00:00', NULL),
               -- closed in the future, created in the future, created in 1970: left out
               (204, 10, '{ALICE}', NULL, NULL, '2024-01-07 00:00:00', '2099-02-01 00:00:00'),
               (205, 10, '{ALICE}', NULL, NULL, '1970-01-01 00:00:15', NULL),
               (206, 10, '{ALICE}', NULL, NULL, '2099-01-01 00:00:00', NULL),
               -- no known reporter
               (207, 11, NULL, NULL, NULL, '2024-02-02 00:00:00', NULL),
               -- a repo not selected
               (208, 12, '{ALICE}', NULL, NULL, '2024-01-02 00:00:00', NULL);
             INSERT INTO augur_data.issue_events (issue_id, repo_id, cntrb_id, action, created_at, node_id) VALUES
               (200, 10, '{BOB}', 'assigned', '2024-01-03 10:00:00', 'IE1'),
               (200, 10, '{BOB}', 'unassigned', '2024-01-03 11:00:00', 'IE2'),
               (200, 10, '{ALICE}', 'closed', '2024-01-04 10:00:00', 'IE3'),
               (200, 10, '{ALICE}', 'labeled', '2024-01-03 09:30:00', 'IE4'),
               (201, 10, '{DEPENDABOT}', 'assigned', '2024-01-05 01:00:00', 'IE5'),
               (201, 10, '{CAROL}', 'assigned', '2024-01-05 02:00:00', 'IE6'),
               -- Augur's 1970 placeholder on an event: its issue keeps a row without an event
               (201, 10, '{BOB}', 'unassigned', '1970-01-01 00:00:15', 'IE7'),
               (202, 10, '{ALICE}', 'assigned', '2024-01-06 00:30:00', 'IE8'),
               (203, 10, '{ALICE}', 'assigned', '2024-01-06 01:30:00', 'IE9'),
               (204, 10, '{BOB}', 'assigned', '2024-01-07 01:00:00', 'IE10'),
               (208, 12, '{BOB}', 'assigned', '2024-01-02 01:00:00', 'IE11');"
        ),
    )
    .await;
}

/// Commits, one row per file.
async fn load_commits(db: &mut TestDb) {
    // (repo, hash, files, author, author timestamp as git wrote it)
    let commits: [(i64, &str, usize, Option<&str>, &str); 7] = [
        // By a bot, two files.
        (10, "c1", 2, Some(DEPENDABOT), "2024-01-20 10:00:00+00:00"),
        // 10:00 at -05:00 is 15:00 UTC.
        (10, "c2", 3, Some(ALICE), "2024-01-19 10:00:00-05:00"),
        // The author's email was never resolved to a contributor.
        (10, "c3", 1, None, "2024-01-21 00:00:00+00:00"),
        (11, "c4", 1, Some(BOB), "2024-02-03 08:00:00+05:30"),
        // In the future, Augur's placeholder and a repo not selected: left out.
        (10, "c5", 1, Some(DEPENDABOT), "2099-01-01 00:00:00+00:00"),
        (10, "c6", 1, Some(DEPENDABOT), "1970-01-01 00:00:15-05:00"),
        (12, "c7", 1, Some(DEPENDABOT), "2024-01-20 10:00:00+00:00"),
    ];
    for (repo, hash, files, author, ts) in commits {
        for file in 0..files {
            sqlx::query(
                "INSERT INTO augur_data.commits (repo_id, cmt_commit_hash, cmt_author_name, cmt_author_raw_email,
                   cmt_author_email, cmt_author_date, cmt_committer_name, cmt_committer_raw_email, cmt_committer_email,
                   cmt_committer_date, cmt_added, cmt_removed, cmt_whitespace, cmt_filename, cmt_date_attempted,
                   cmt_author_timestamp, cmt_committer_timestamp, cmt_ght_author_id)
                 VALUES ($1, $2, 'Ada', 'ada@example.org', 'ada@example.org', left($3, 10), 'Ada', 'ada@example.org',
                   'ada@example.org', left($3, 10), 1, 0, 0, $4, now(), $3::timestamptz, $3::timestamptz, $5::uuid)",
            )
            .bind(repo)
            .bind(hash)
            .bind(ts)
            .bind(format!("file{file}.rs"))
            .bind(author)
            .execute(&mut db.conn)
            .await
            .unwrap();
        }
    }
}

/// A database holding the whole fixture, its views refreshed.
async fn fixture() -> TestDb {
    let mut db = TestDb::new().await;
    load_people(&mut db).await;
    load_prs(&mut db).await;
    load_issues(&mut db).await;
    load_commits(&mut db).await;
    xtask::schema::refresh_views(&mut db.conn).await.unwrap();
    db
}

/// Runs `query` for repos 10 and 11 from a session in each of [`TIME_ZONES`], checks that they
/// all give the same frame and returns it.
async fn run(db: &TestDb, query: Query) -> Frame {
    let repos = RepoSet::new([10, 11]).unwrap();
    let mut frames = Vec::new();
    for zone in TIME_ZONES {
        let pool = PgPoolOptions::new()
            .after_connect(move |conn, _| {
                let set = format!("SET TimeZone = '{zone}'");
                Box::pin(async move {
                    conn.execute(set.as_str()).await?;
                    Ok(())
                })
            })
            .connect(&db.url())
            .await
            .unwrap();
        let shown: String = sqlx::query_scalar("SHOW TimeZone").fetch_one(&pool).await.unwrap();
        assert_eq!(shown, zone, "the session time zone is set");
        frames.push((zone, query.run(&pool, &repos).await.unwrap()));
        pool.close().await;
    }
    let (_, first) = frames.remove(0);
    for (zone, frame) in frames {
        assert_eq!(frame, first, "{query:?} from a session in {zone} differs from UTC");
    }
    first
}

fn i64s<R>(rows: &[R], f: impl Fn(&R) -> i64) -> Column {
    Column::I64(rows.iter().map(f).collect())
}

/// (repo, pr, created, closed, merged, author_bot)
fn prs(rows: &[(i64, i64, &str, &str, &str, i64)]) -> Frame {
    Frame::new()
        .with_column("repo_id", i64s(rows, |r| r.0))
        .with_column("pr", i64s(rows, |r| r.1))
        .with_column("created", i64s(rows, |r| t(r.2)))
        .with_column("closed", i64s(rows, |r| time_or_none(r.3)))
        .with_column("merged", i64s(rows, |r| time_or_none(r.4)))
        .with_column("author_bot", i64s(rows, |r| r.5))
}

/// (repo, issue, created, closed, author_bot)
fn issues(rows: &[(i64, i64, &str, &str, i64)]) -> Frame {
    Frame::new()
        .with_column("repo_id", i64s(rows, |r| r.0))
        .with_column("issue", i64s(rows, |r| r.1))
        .with_column("created", i64s(rows, |r| t(r.2)))
        .with_column("closed", i64s(rows, |r| time_or_none(r.3)))
        .with_column("author_bot", i64s(rows, |r| r.4))
}

/// (repo, item, created, closed, assigned_at, action, assignee, assignee_bot)
type Assignment<'a> = (i64, i64, &'a str, &'a str, &'a str, i64, &'a str, i64);

fn assignments(rows: &[Assignment]) -> Frame {
    Frame::new()
        .with_column("repo_id", i64s(rows, |r| r.0))
        .with_column("item", i64s(rows, |r| r.1))
        .with_column("created", i64s(rows, |r| t(r.2)))
        .with_column("closed", i64s(rows, |r| time_or_none(r.3)))
        .with_column("assigned_at", i64s(rows, |r| time_or_none(r.4)))
        .with_column("action", i64s(rows, |r| r.5))
        .with_column("assignee", Column::Str(rows.iter().map(|r| r.6.to_owned()).collect()))
        .with_column("assignee_bot", i64s(rows, |r| r.7))
}

/// (repo, pr, created, closed, message_at, by_author, message_bot)
fn responses(rows: &[(i64, i64, &str, &str, &str, i64, i64)]) -> Frame {
    Frame::new()
        .with_column("repo_id", i64s(rows, |r| r.0))
        .with_column("pr", i64s(rows, |r| r.1))
        .with_column("created", i64s(rows, |r| t(r.2)))
        .with_column("closed", i64s(rows, |r| time_or_none(r.3)))
        .with_column("message_at", i64s(rows, |r| time_or_none(r.4)))
        .with_column("by_author", i64s(rows, |r| r.5))
        .with_column("message_bot", i64s(rows, |r| r.6))
}

/// "" is a missing time.
fn time_or_none(utc: &str) -> i64 {
    if utc.is_empty() {
        NO_TIME
    } else {
        t(utc)
    }
}

/// The commit column's value: FNV-1a of the hash text (the reference algorithm, written here
/// again so that a change to the query's hashing shows up).
fn commit_key(hash: &str) -> i64 {
    hash.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)) as i64
}

#[tokio::test]
async fn prs_keep_past_prs_of_the_selected_repos_and_flag_bot_authors() {
    let db = fixture().await;
    let frame = run(&db, Query::of::<Prs>()).await;
    let expected = prs(&[
        (10, 102, "2024-01-09 00:00:00", "", "", 0),
        (10, 100, "2024-01-10 12:00:00", "2024-01-12 08:00:00", "2024-01-12 08:00:00", 0),
        (10, 101, "2024-01-11 00:00:00", "2024-01-13 00:00:00", "", 1),
        (11, 106, "2024-02-01 10:00:00", "", "", 0),
    ]);
    assert_eq!(frame, expected);
    let merged = frame.i64("merged").unwrap();
    let closed = frame.i64("closed").unwrap();
    assert_eq!(closed[1], merged[1], "a merged PR is closed when merged");
    db.drop().await;
}

#[tokio::test]
async fn issues_leave_out_old_augurs_pr_rows_and_bad_dates() {
    let db = fixture().await;
    let expected = issues(&[
        (10, 200, "2024-01-03 09:00:00", "2024-01-04 10:00:00", 0),
        (10, 201, "2024-01-05 00:00:00", "", 1),
        (11, 207, "2024-02-02 00:00:00", "", 0),
    ]);
    assert_eq!(run(&db, Query::of::<Issues>()).await, expected);
    db.drop().await;
}

#[tokio::test]
async fn pr_assignments_give_actions_assignee_names_and_rows_without_events() {
    let db = fixture().await;
    let expected = assignments(&[
        (10, 102, "2024-01-09 00:00:00", "", "2024-01-09 01:00:00", 1, "bob-gh", 0),
        (10, 102, "2024-01-09 00:00:00", "", "2024-01-09 02:00:00", -1, "bob-gh", 0),
        (10, 102, "2024-01-09 00:00:00", "", "2024-01-09 03:00:00", 1, "01000003-0000-0", 0),
        (10, 100, "2024-01-10 12:00:00", "2024-01-12 08:00:00", "2024-01-10 13:00:00", 1, "alice", 0),
        // Closed and merged events are not assignments: a row without an event.
        (10, 101, "2024-01-11 00:00:00", "2024-01-13 00:00:00", "", 0, "", 0),
        // The event dated 2099 stays as a row without an event.
        (11, 106, "2024-02-01 10:00:00", "", "", 0, "", 0),
        (11, 106, "2024-02-01 10:00:00", "", "2024-02-01 11:00:00", 1, "dependabot[bot]", 1),
    ]);
    assert_eq!(run(&db, Query::of::<PrAssignments>()).await, expected);
    db.drop().await;
}

#[tokio::test]
async fn issue_assignments_leave_out_old_augurs_pr_rows() {
    let db = fixture().await;
    let expected = assignments(&[
        (10, 200, "2024-01-03 09:00:00", "2024-01-04 10:00:00", "2024-01-03 10:00:00", 1, "bob-gh", 0),
        (10, 200, "2024-01-03 09:00:00", "2024-01-04 10:00:00", "2024-01-03 11:00:00", -1, "bob-gh", 0),
        // The event dated 1970 stays as a row without an event.
        (10, 201, "2024-01-05 00:00:00", "", "", 0, "", 0),
        (10, 201, "2024-01-05 00:00:00", "", "2024-01-05 01:00:00", 1, "dependabot[bot]", 1),
        (10, 201, "2024-01-05 00:00:00", "", "2024-01-05 02:00:00", 1, "01000003-0000-0", 0),
        (11, 207, "2024-02-02 00:00:00", "", "", 0, "", 0),
    ]);
    assert_eq!(run(&db, Query::of::<IssueAssignments>()).await, expected);
    db.drop().await;
}

#[tokio::test]
async fn pr_responses_give_every_message_and_one_row_for_a_pr_without_any() {
    let db = fixture().await;
    let expected = responses(&[
        // No messages: one row without a message.
        (10, 102, "2024-01-09 00:00:00", "", "", 0, 0),
        (10, 100, "2024-01-10 12:00:00", "2024-01-12 08:00:00", "2024-01-10 12:05:00", 0, 1),
        // The author's own comment.
        (10, 100, "2024-01-10 12:00:00", "2024-01-12 08:00:00", "2024-01-10 12:30:00", 1, 0),
        // An inline review comment.
        (10, 100, "2024-01-10 12:00:00", "2024-01-12 08:00:00", "2024-01-11 09:00:00", 0, 0),
        // The message dated 2099 stays as a row without a message.
        (10, 101, "2024-01-11 00:00:00", "2024-01-13 00:00:00", "", 0, 0),
        (10, 101, "2024-01-11 00:00:00", "2024-01-13 00:00:00", "2024-01-11 06:00:00", 0, 0),
        // The PR's author is unknown, and so is one message's: neither is the author's own.
        (11, 106, "2024-02-01 10:00:00", "", "2024-02-01 12:00:00", 0, 0),
        (11, 106, "2024-02-01 10:00:00", "", "2024-02-01 13:00:00", 0, 0),
    ]);
    assert_eq!(run(&db, Query::of::<PrResponses>()).await, expected);
    db.drop().await;
}

#[tokio::test]
async fn commits_flag_bot_authors_once_per_commit() {
    let db = fixture().await;
    let rows = [
        (10, "c2", "2024-01-19 15:00:00", 0),
        (10, "c1", "2024-01-20 10:00:00", 1),
        (10, "c3", "2024-01-21 00:00:00", 0),
        (11, "c4", "2024-02-03 02:30:00", 0),
    ];
    let expected = Frame::new()
        .with_column("repo_id", i64s(&rows, |r| r.0))
        .with_column("commit", i64s(&rows, |r| commit_key(r.1)))
        .with_column("author_ts", i64s(&rows, |r| t(r.2)))
        .with_column("author_bot", i64s(&rows, |r| r.3));
    assert_eq!(run(&db, Query::of::<Commits>()).await, expected);
    db.drop().await;
}

#[tokio::test]
async fn contributor_actions_fold_kinds_name_logins_and_keep_unresolved_authors_apart() {
    use explorer::augur::queries::{action, ActionRow, ContributorActions, QueryRow, TextId};
    let db = fixture().await;
    let rows = ActionRow::from_frame(run(&db, Query::of::<ContributorActions>()).await).unwrap();
    let key = |r: &ActionRow| (r.repo_id, r.at);
    assert!(rows.windows(2).all(|w| key(&w[0]) <= key(&w[1])), "ordered by repo, then time");
    assert!(rows.iter().all(|r| [10, 11].contains(&r.repo_id)), "only the selected repos");
    // Actions in 2099 or at the 1970 placeholder are left out.
    assert!(rows.iter().all(|r| r.at > t("1971-01-01 00:00:00") && r.at < t("2099-01-01 00:00:00")));
    assert!(rows.iter().all(|r| r.action != action::OTHER), "every kind is known");

    // One row per distinct commit (c1 to c4), the unresolved author's without a contributor.
    let commits: Vec<&ActionRow> = rows.iter().filter(|r| r.action == action::COMMIT).collect();
    assert_eq!(commits.len(), 4);
    let unresolved: Vec<&&ActionRow> = commits.iter().filter(|r| r.contributor == TextId::NONE).collect();
    assert_eq!(unresolved.len(), 1);
    assert_eq!((unresolved[0].at, unresolved[0].login.as_str()), (t("2024-01-21 00:00:00"), ""));

    // Bob has no cntrb_login: he is named by his GitHub login; his review folds to PR review.
    let reviews: Vec<&ActionRow> = rows.iter().filter(|r| r.action == action::PR_REVIEW).collect();
    assert_eq!(reviews.len(), 1);
    assert_eq!(reviews[0].login, "bob-gh");
    let bob = reviews[0].contributor;
    assert!(rows.iter().filter(|r| r.login == "bob-gh").all(|r| r.contributor == bob), "one id per contributor");
    let alice = rows.iter().find(|r| r.login == "alice").unwrap().contributor;
    assert!(bob != alice && alice != TextId::NONE);

    // Exactly the bot's actions are flagged, and it is named by its login.
    let bot = rows.iter().find(|r| r.login == "dependabot[bot]").unwrap().contributor;
    assert!(rows.iter().any(|r| r.contributor == bot && r.action == action::ISSUE_OPENED));
    for row in &rows {
        assert_eq!(row.bot, row.contributor == bot, "{row:?}");
    }
    db.drop().await;
}

/// Augur's naive timestamps are UTC: a PR opened an hour ago is in the past and one opened an
/// hour from now is in the future whatever the session's time zone (comparing them with a
/// bare now() would read them as local times, and keep or drop the wrong one away from UTC).
#[tokio::test]
async fn the_future_is_judged_in_utc() {
    let mut db = TestDb::new().await;
    load_people(&mut db).await;
    let now = Utc::now().naive_utc();
    let hour_ago = (now - chrono::Duration::hours(1)).format("%Y-%m-%d %H:%M:%S").to_string();
    let in_an_hour = (now + chrono::Duration::hours(1)).format("%Y-%m-%d %H:%M:%S").to_string();
    sql(
        &mut db,
        &format!(
            "INSERT INTO augur_data.pull_requests (pull_request_id, repo_id, pr_augur_contributor_id, pr_created_at)
             VALUES (1, 10, '{ALICE}', '{hour_ago}'), (2, 10, '{ALICE}', '{in_an_hour}');
             INSERT INTO augur_data.issues (issue_id, repo_id, reporter_id, created_at, closed_at)
             VALUES (1, 10, '{ALICE}', '{hour_ago}', NULL), (2, 10, '{ALICE}', '2024-01-01 00:00:00', '{in_an_hour}');
             INSERT INTO augur_data.message (msg_id, repo_id, cntrb_id, msg_timestamp) VALUES
               (1, 10, '{BOB}', '{hour_ago}'), (2, 10, '{BOB}', '{in_an_hour}');
             INSERT INTO augur_data.pull_request_message_ref (pull_request_id, repo_id, msg_id) VALUES
               (1, 10, 1), (1, 10, 2);"
        ),
    )
    .await;
    xtask::schema::refresh_views(&mut db.conn).await.unwrap();
    assert_eq!(run(&db, Query::of::<Prs>()).await, prs(&[(10, 1, &hour_ago, "", "", 0)]));
    assert_eq!(run(&db, Query::of::<Issues>()).await, issues(&[(10, 1, &hour_ago, "", 0)]));
    assert_eq!(run(&db, Query::of::<PrAssignments>()).await, assignments(&[(10, 1, &hour_ago, "", "", 0, "", 0)]));
    assert_eq!(
        run(&db, Query::of::<PrResponses>()).await,
        responses(&[(10, 1, &hour_ago, "", "", 0, 0), (10, 1, &hour_ago, "", &hour_ago, 0, 0)])
    );
    db.drop().await;
}

/// Inserts one single-file commit of `repo` by `author` (a contributor id or NULL) with this
/// author email, at this author time.
async fn commit_by(db: &mut TestDb, repo: i64, hash: &str, email: &str, author: Option<&str>, ts: &str) {
    sqlx::query(
        "INSERT INTO augur_data.commits (repo_id, cmt_commit_hash, cmt_author_name, cmt_author_raw_email,
           cmt_author_email, cmt_author_date, cmt_committer_name, cmt_committer_raw_email, cmt_committer_email,
           cmt_committer_date, cmt_added, cmt_removed, cmt_whitespace, cmt_filename, cmt_date_attempted,
           cmt_author_timestamp, cmt_committer_timestamp, cmt_ght_author_id)
         VALUES ($1, $2, 'Ada', $3, $3, left($4, 10), 'Ada', $3, $3, left($4, 10), 1, 0, 0, 'a.rs', now(),
           $4::timestamptz, $4::timestamptz, $5::uuid)",
    )
    .bind(repo)
    .bind(hash)
    .bind(email)
    .bind(ts)
    .bind(author)
    .execute(&mut db.conn)
    .await
    .unwrap();
}

#[tokio::test]
async fn commit_domains_lower_case_the_address_and_take_the_text_after_the_last_at() {
    use explorer::augur::queries::{CommitDomainRow, CommitDomains, QueryRow};
    let mut db = TestDb::new().await;
    load_people(&mut db).await;
    commit_by(&mut db, 10, "d1", "Ada@RedHat.COM", Some(ALICE), "2024-01-01 10:00:00+00:00").await;
    // Two files of one commit: one row.
    commit_by(&mut db, 10, "d2", "odd@name@Example.org", None, "2024-01-02 10:00:00+00:00").await;
    commit_by(&mut db, 10, "d2", "odd@name@Example.org", None, "2024-01-02 10:00:00+00:00").await;
    commit_by(&mut db, 11, "d3", "unknown", None, "2024-01-03 10:00:00+00:00").await;
    commit_by(&mut db, 11, "d4", "bot@users.noreply.github.com", Some(DEPENDABOT), "2024-01-04 10:00:00+00:00").await;
    commit_by(&mut db, 12, "d5", "x@other.org", None, "2024-01-04 10:00:00+00:00").await;
    let rows = CommitDomainRow::from_frame(run(&db, Query::of::<CommitDomains>()).await).unwrap();
    let got: Vec<(i64, &str, bool)> = rows.iter().map(|r| (r.repo_id, r.domain.as_str(), r.author_bot)).collect();
    assert_eq!(
        got,
        [
            (10, "redhat.com", false),
            (10, "example.org", false),
            (11, "", false),
            (11, "users.noreply.github.com", true)
        ]
    );
    assert_eq!(rows[0].author_ts, t("2024-01-01 10:00:00"));
    db.drop().await;
}

#[tokio::test]
async fn contributor_affiliations_give_daily_counts_with_each_domain_once_and_the_company() {
    use explorer::augur::queries::{AffiliationRow, ContributorAffiliations, QueryRow, TextId};
    let mut db = TestDb::new().await;
    load_people(&mut db).await;
    sql(
        &mut db,
        &format!(
            "UPDATE augur_data.contributors SET cntrb_company = '  Red Hat ' WHERE cntrb_id = '{ALICE}';
             -- alice: two addresses at redhat.com, one in other cases, and a gmail one; bob none.
             INSERT INTO augur_data.contributors_aliases (cntrb_id, canonical_email, alias_email) VALUES
               ('{ALICE}', 'alice@redhat.com', 'alice@redhat.com'),
               ('{ALICE}', 'alice@redhat.com', 'ALICE@RedHat.com'),
               ('{ALICE}', 'alice@redhat.com', 'a.l@redhat.com'),
               ('{ALICE}', 'alice@redhat.com', 'alice@gmail.com'),
               ('{DEPENDABOT}', 'bot@users.noreply.github.com', 'bot@users.noreply.github.com'),
               ('{CAROL}', 'carol', 'carol');
             -- alice opens two issues on one UTC day of repo 10 (late in it: 23:30 UTC), one the
             -- next day and one in repo 11; bob one; dependabot one; carol one.
             INSERT INTO augur_data.issues (issue_id, repo_id, reporter_id, created_at) VALUES
               (1, 10, '{ALICE}', '2024-03-01 08:00:00'),
               (2, 10, '{ALICE}', '2024-03-01 23:30:00'),
               (3, 10, '{ALICE}', '2024-03-02 00:30:00'),
               (4, 11, '{ALICE}', '2024-03-01 09:00:00'),
               (5, 10, '{BOB}', '2024-03-05 09:00:00'),
               (6, 11, '{DEPENDABOT}', '2024-03-05 09:00:00'),
               (7, 11, '{CAROL}', '2024-03-06 09:00:00'),
               (8, 12, '{ALICE}', '2024-03-06 09:00:00');"
        ),
    )
    .await;
    // An unresolved author's commit: left out.
    commit_by(&mut db, 10, "u1", "someone@example.org", None, "2024-03-01 10:00:00+00:00").await;
    xtask::schema::refresh_views(&mut db.conn).await.unwrap();
    let rows = AffiliationRow::from_frame(run(&db, Query::of::<ContributorAffiliations>()).await).unwrap();
    let key = |r: &AffiliationRow| (r.repo_id, r.contributor, r.day);
    assert!(rows.windows(2).all(|w| key(&w[0]) < key(&w[1])), "ordered by repo, contributor and day, no repeats");
    assert!(rows.iter().all(|r| r.contributor != TextId::NONE && [10, 11].contains(&r.repo_id)));
    let of = |repo: i64, company: &str, domains: &str| -> Vec<(i64, i64, bool)> {
        rows.iter()
            .filter(|r| r.repo_id == repo && r.company == company && r.domains == domains)
            .map(|r| (r.day, r.contributions, r.bot))
            .collect()
    };
    let alice = "gmail.com redhat.com";
    assert_eq!(of(10, "Red Hat", alice), [(t("2024-03-01 00:00:00"), 2, false), (t("2024-03-02 00:00:00"), 1, false)]);
    assert_eq!(of(11, "Red Hat", alice), [(t("2024-03-01 00:00:00"), 1, false)]);
    // No alias: no domains; an alias without '@': no domain either.
    assert_eq!(of(10, "", ""), [(t("2024-03-05 00:00:00"), 1, false)]);
    assert_eq!(of(11, "", "users.noreply.github.com"), [(t("2024-03-05 00:00:00"), 1, true)]);
    assert_eq!(of(11, "", ""), [(t("2024-03-06 00:00:00"), 1, false)]);
    assert_eq!(rows.len(), 6);
    db.drop().await;
}

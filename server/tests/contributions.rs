//! Contributions charts through the JSON API on a hand-built fixture: the numbers, and
//! that charts sharing a query, or a changed control, reuse the cached result without a job.

mod support;

use explorer::augur::queries::Prs;
use explorer::{store::Counter, Query, RepoSet, ResultKey};
use redis::AsyncCommands;
use serde_json::{json, Value};
use sqlx::PgConnection;
use support::TestEnv;

const ALICE: &str = "01000000-0001-0000-0000-000000000000";
const BOT: &str = "01000000-0002-0000-0000-000000000000";

async fn load_fixture(conn: &mut PgConnection) {
    sqlx::raw_sql(&format!(
        "INSERT INTO augur_data.repo_groups (repo_group_id, rg_name) VALUES (1, 'chaoss');
         INSERT INTO augur_data.repo (repo_id, repo_group_id, repo_git, repo_name)
           VALUES (10, 1, 'https://github.com/chaoss/augur', 'augur');
         INSERT INTO augur_data.contributors (cntrb_id, cntrb_login, gh_login, gh_type) VALUES
           ('{ALICE}', 'alice', 'alice', 'User'), ('{BOT}', 'helper[bot]', 'helper[bot]', 'Bot');
         INSERT INTO augur_data.pull_requests
           (pull_request_id, repo_id, pr_augur_contributor_id, pr_created_at, pr_closed_at, pr_merged_at) VALUES
           -- merged: Augur sets closed_at to the merge time
           (100, 10, '{ALICE}', '2024-01-10 12:00:00', '2024-02-05 10:00:00', '2024-02-05 10:00:00'),
           -- closed without merging exactly as March begins (UTC)
           (101, 10, '{ALICE}', '2024-01-20 09:00:00', '2024-03-01 00:00:00', NULL),
           -- by a bot, still open
           (102, 10, '{BOT}', '2024-02-15 00:00:00', NULL, NULL);
         INSERT INTO augur_data.issues (issue_id, repo_id, reporter_id, created_at, closed_at, pull_request, pull_request_id)
         VALUES
           -- late on January 31st in UTC: a January issue
           (1, 10, '{ALICE}', '2024-01-31 23:30:00', '2024-02-02 00:00:00', NULL, NULL),
           -- a pull request stored as an issue by an old Augur: not an issue
           (2, 10, '{ALICE}', '2024-01-05 00:00:00', NULL, 5, 5);"
    ))
    .execute(conn)
    .await
    .unwrap();
}

/// The first `n` periods and values of each series of a ready answer.
fn head(body: &Value, n: usize) -> Value {
    let data = &body["data"];
    let periods: Vec<Value> = data["periods"].as_array().unwrap().iter().take(n).cloned().collect();
    let series: Vec<Value> = data["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| json!({"name": s["name"], "values": s["values"].as_array().unwrap().iter().take(n).cloned().collect::<Vec<_>>()}))
        .collect();
    json!({"periods": periods, "series": series})
}

/// The chart's ready answer, running the jobs it waits for.
async fn ready(env: &TestEnv, client: &reqwest::Client, base: &str, chart_and_query: &str) -> Value {
    let url = format!("{base}/api/v1/charts/{chart_and_query}");
    let response = env.get_after_jobs(client, &url).await;
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn pull_request_charts_count_by_hand_and_share_one_query() {
    let mut env = TestEnv::new().await;
    load_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();

    // Jan: 100 and 101 opened, both open on Feb 1. Feb: 100 merged (not also closed); the bot's
    // 102 is hidden; 101, closed at exactly Mar 1 00:00, is still open at the end of February.
    // Mar: 101 closed without merging; nothing open on Apr 1.
    let prs = ready(&env, &client, &base, "prs-over-time?repos=10").await;
    assert_eq!(
        head(&prs, 3),
        json!({"periods": ["2024-01-01", "2024-02-01", "2024-03-01"], "series": [
            {"name": "opened", "values": [2, 0, 0]},
            {"name": "merged", "values": [0, 1, 0]},
            {"name": "closed", "values": [0, 0, 1]},
            {"name": "open", "values": [2, 1, 0]},
        ]})
    );

    // With bots shown, the bot's PR is opened in February and open from then on.
    let with_bots = ready(&env, &client, &base, "prs-over-time?repos=10&bots=show").await;
    assert_eq!(head(&with_bots, 3)["series"][0]["values"], json!([2, 1, 0]));
    assert_eq!(head(&with_bots, 3)["series"][3]["values"], json!([2, 2, 1]));

    // Staleness at Feb 1 00:00: 100 is 21.5 days old, 101 11.6 days: both staling (7 to 30).
    // At Mar 1 00:00 only 101 is open, 40.6 days old: stale.
    let staleness = ready(&env, &client, &base, "pr-staleness?repos=10").await;
    assert_eq!(
        head(&staleness, 2)["series"],
        json!([{"name": "new", "values": [0, 0]}, {"name": "staling", "values": [2, 0]}, {"name": "stale", "values": [0, 1]}])
    );
    // With the stale threshold at 45 days, 101 is still staling on Mar 1.
    let later = ready(&env, &client, &base, "pr-staleness?repos=10&stale_days=45").await;
    assert_eq!(head(&later, 2)["series"][1]["values"], json!([2, 1]));

    assert_eq!(
        env.cache.counted(Counter::Runs(Query::of::<Prs>())).await.unwrap(),
        1,
        "one query served four drawings"
    );
    assert_eq!(env.waiting_jobs().await, 0);
    assert!(!env.run_one_job().await, "no job left queued");

    // Each drawing is kept next to the result; invalidating the repo drops them with it.
    let key = ResultKey::new(Query::of::<Prs>(), &RepoSet::new([10]).unwrap());
    let mut redis = env.cache.connection();
    let drawings: u64 = redis.hlen(env.cache.chart_json_key(&key)).await.unwrap();
    assert_eq!(drawings, 4);
    env.cache.invalidate_repo(10).await.unwrap();
    let left: bool = redis.exists(env.cache.chart_json_key(&key)).await.unwrap();
    assert!(!left, "drawings outlived their result");
    env.finish().await;
}

#[tokio::test]
async fn issues_leave_out_pull_requests_and_count_in_utc() {
    let mut env = TestEnv::new().await;
    load_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();

    // Issue 1 is January's (23:30 UTC on the 31st), open on Feb 1, closed on Feb 2. The old
    // Augur PR row from January 5th is not an issue.
    let issues = ready(&env, &client, &base, "issues-over-time?repos=10").await;
    assert_eq!(
        head(&issues, 2),
        json!({"periods": ["2024-01-01", "2024-02-01"], "series": [
            {"name": "created", "values": [1, 0]},
            {"name": "closed", "values": [0, 1]},
            {"name": "open", "values": [1, 0]},
        ]})
    );
    let csv = client.get(format!("{base}/api/v1/charts/issues-over-time?repos=10&format=csv")).send().await.unwrap();
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("period,created,closed,open\n2024-01-01,1,0,1\n2024-02-01,0,1,0\n"), "{text}");
    let svg = client.get(format!("{base}/api/v1/charts/issues-over-time?repos=10&format=svg")).send().await.unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    let text = svg.text().await.unwrap();
    assert!(text.starts_with("<svg") && text.contains("\ncreated\n"), "an SVG with its legend: {text}");
    env.finish().await;
}

#[tokio::test]
async fn controls_are_checked_per_chart() {
    let mut env = TestEnv::new().await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    for (query, needle) in [
        ("pr-staleness?repos=10&staling_days=30&stale_days=30", "stale_days"),
        ("prs-over-time?repos=10&response_days=3", "unknown parameter"),
        ("pr-first-response?repos=10&response_days=0", "response_days"),
        ("issues-over-time?repos=10&from=2024-02-01&to=2024-01-01", "after"),
    ] {
        let response = client.get(format!("{base}/api/v1/charts/{query}")).send().await.unwrap();
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"].as_str().unwrap().contains(needle), "{query}: {body}");
    }
    env.finish().await;
}

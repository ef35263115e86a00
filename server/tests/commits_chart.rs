//! The whole request path for "Commits over time", against real Redis and PostgreSQL.

mod support;

use std::time::Duration;

use explorer::Query;
use serde_json::{json, Value};
use sqlx::PgConnection;
use support::{poll_until_done, TestEnv};

/// Two repos whose commits are counted by hand below. `commits` holds one row per file.
async fn load_fixture(conn: &mut PgConnection) {
    sqlx::raw_sql(
        "INSERT INTO augur_data.repo_groups (repo_group_id, rg_name) VALUES (1, 'chaoss');
         INSERT INTO augur_data.repo (repo_id, repo_group_id, repo_git, repo_name) VALUES
           (10, 1, 'https://github.com/chaoss/augur', 'augur'),
           (11, 1, 'https://github.com/chaoss/augur-fork', 'augur-fork');",
    )
    .execute(&mut *conn)
    .await
    .unwrap();
    // (repo, hash, files, author timestamp as git wrote it)
    let commits: [(i64, &str, usize, &str); 7] = [
        // 23:30 at -08:00 on Jan 31 is Feb 1 in UTC: February. Three files, one commit.
        (10, "aaa1", 3, "2024-01-31 23:30:00-08:00"),
        // January, two files.
        (10, "aaa2", 2, "2024-01-15 10:00:00+00:00"),
        // 05:00 at +05:30 on Feb 10: February.
        (11, "bbb1", 1, "2024-02-10 05:00:00+05:30"),
        // The same commit also in the fork: still one commit.
        (11, "aaa1", 3, "2024-01-31 23:30:00-08:00"),
        // 00:30 at +02:00 on March 1 is Feb 29 22:30 UTC: February.
        (11, "bbb2", 1, "2024-03-01 00:30:00+02:00"),
        // In the future: left out.
        (10, "ccc1", 1, "2099-01-01 00:00:00+00:00"),
        // Augur's placeholder for a missing date: left out.
        (10, "ccc2", 1, "1970-01-01 00:00:15-05:00"),
    ];
    for (repo, hash, files, ts) in commits {
        for file in 0..files {
            sqlx::query(
                "INSERT INTO augur_data.commits (repo_id, cmt_commit_hash, cmt_author_name, cmt_author_raw_email,
                   cmt_author_email, cmt_author_date, cmt_committer_name, cmt_committer_raw_email, cmt_committer_email,
                   cmt_committer_date, cmt_added, cmt_removed, cmt_whitespace, cmt_filename, cmt_date_attempted,
                   cmt_author_timestamp, cmt_committer_timestamp)
                 VALUES ($1, $2, 'Ada', 'ada@example.org', 'ada@example.org', left($3, 10), 'Ada', 'ada@example.org',
                   'ada@example.org', left($3, 10), 1, 0, 0, $4, now(), $3::timestamptz, $3::timestamptz)",
            )
            .bind(repo)
            .bind(hash)
            .bind(ts)
            .bind(format!("file{file}.rs"))
            .execute(&mut *conn)
            .await
            .unwrap();
        }
    }
}

fn chart_url(base: &str, query: &str) -> String {
    format!("{base}/api/v1/charts/commits-over-time?{query}")
}

#[tokio::test]
async fn a_cold_request_runs_one_job_and_then_serves_the_right_counts() {
    let mut env = TestEnv::new().await;
    load_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    env.start_worker();
    let client = reqwest::Client::new();

    let first = client.get(chart_url(&base, "repos=11,10&interval=month")).send().await.unwrap();
    assert_eq!(first.status(), 202);
    let body: Value = first.json().await.unwrap();
    assert!(["queued", "running"].contains(&body["status"].as_str().unwrap()), "{body}");

    let done = poll_until_done(&client, &chart_url(&base, "repos=10,11&interval=month"), Duration::from_secs(30)).await;
    assert_eq!(done.status(), 200);
    let body: Value = done.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(
        body["data"],
        json!({"periods": ["2024-01-01", "2024-02-01"], "series": [{"name": "commits", "values": [1, 3]}]})
    );
    let computed_at = body["computed_at"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(computed_at).is_ok(), "{computed_at}");
    assert_eq!(env.cache.runs(Query::Commits).await.unwrap(), 1);
}

#[tokio::test]
async fn a_second_request_is_a_cache_hit_without_a_job() {
    let mut env = TestEnv::new().await;
    load_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    env.start_worker();
    let client = reqwest::Client::new();
    poll_until_done(&client, &chart_url(&base, "repos=10,11"), Duration::from_secs(30)).await;

    // Another order, a duplicate id and another interval: the same cached result, redrawn.
    let again = client.get(chart_url(&base, "repos=11,10,10&interval=week")).send().await.unwrap();
    assert_eq!(again.status(), 200);
    let body: Value = again.json().await.unwrap();
    // Weeks start on Monday: Jan 15 2024 is a Monday; Jan 29 holds Feb 1; Feb 5 holds Feb 10; Feb 26 holds Feb 29.
    assert_eq!(
        body["data"]["periods"],
        json!(["2024-01-15", "2024-01-22", "2024-01-29", "2024-02-05", "2024-02-12", "2024-02-19", "2024-02-26"])
    );
    assert_eq!(body["data"]["series"][0]["values"], json!([1, 0, 1, 1, 0, 0, 1]));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(env.cache.runs(Query::Commits).await.unwrap(), 1, "the hit ran no new query");
    assert_eq!(env.waiting_jobs().await, 0, "the hit queued no job");
}

#[tokio::test]
async fn a_cached_entry_expires_after_the_configured_ttl() {
    let mut env = TestEnv::with(|name| (name == "CACHE_TTL_SECS").then(|| "3600".to_owned())).await;
    load_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    env.start_worker();
    let client = reqwest::Client::new();
    poll_until_done(&client, &chart_url(&base, "repos=10"), Duration::from_secs(30)).await;

    let repos = explorer::RepoSet::new([10]).unwrap();
    let key = env.cache.result_key(&explorer::ResultKey::new(Query::Commits, &repos));
    let ttl: i64 = redis::cmd("TTL").arg(&key).query_async(&mut env.cache.connection()).await.unwrap();
    assert!((3500..=3600).contains(&ttl), "TTL of {key} is {ttl}");
}

#[tokio::test]
async fn without_a_worker_the_chart_stays_queued_with_one_job() {
    let mut env = TestEnv::new().await;
    load_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();

    let mut elapsed = Vec::new();
    for _ in 0..3 {
        let response = client.get(chart_url(&base, "repos=10,11")).send().await.unwrap();
        assert_eq!(response.status(), 202);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "queued", "{body}");
        elapsed.push(body["elapsed_ms"].as_u64().unwrap());
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    assert!(elapsed[2] >= elapsed[0] + 700, "elapsed time grows: {elapsed:?}");
    assert_eq!(env.waiting_jobs().await, 1, "three requests, one job");
    assert_eq!(env.cache.runs(Query::Commits).await.unwrap(), 0);
}

#[tokio::test]
async fn csv_gives_the_same_data() {
    let mut env = TestEnv::new().await;
    load_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    env.start_worker();
    let client = reqwest::Client::new();
    poll_until_done(&client, &chart_url(&base, "repos=10,11"), Duration::from_secs(30)).await;

    let response = client.get(chart_url(&base, "repos=10,11&interval=year&format=csv")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert_eq!(response.text().await.unwrap(), "period,commits\n2024-01-01,4\n");
}

#[tokio::test]
async fn bad_parameters_get_a_clear_400() {
    let mut env = TestEnv::new().await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let cases = [
        ("", "no repositories given"),
        ("repos=10,x", "\"x\" is not a repository id"),
        ("repos=10&interval=fortnight", "interval must be one of day, week, month, year"),
        ("repos=10&format=xml", "format must be json or csv"),
        ("repo=10", "unknown parameter \"repo\""),
    ];
    for (query, message) in cases {
        let response = client.get(chart_url(&base, query)).send().await.unwrap();
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().await.unwrap();
        let error = body["error"].as_str().unwrap();
        assert!(error.contains(message), "{query}: {error}");
    }
    let unknown = client.get(format!("{base}/api/v1/charts/pie-in-the-sky?repos=1")).send().await.unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(env.waiting_jobs().await, 0, "no bad request queued a job");
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let mut env = TestEnv::new().await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    assert_eq!(client.get(format!("{base}/healthz")).send().await.unwrap().text().await.unwrap(), "ok");
    assert_eq!(client.get(format!("{base}/readyz")).send().await.unwrap().status(), 200);
}

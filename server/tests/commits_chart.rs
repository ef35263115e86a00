//! The whole request path for "Commits over time", against real Redis and PostgreSQL.

mod support;

use explorer::augur::queries::Commits;
use std::time::Duration;

use explorer::{store::Counter, Query, RepoSet, ResultKey};
use serde_json::{json, Value};
use support::{load_commit_fixture, TestEnv};

fn chart_url(base: &str, query: &str) -> String {
    format!("{base}/api/v1/charts/commits-over-time?{query}")
}

#[tokio::test]
async fn a_cold_request_runs_one_job_and_then_serves_the_right_counts() {
    let mut env = TestEnv::new().await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();

    let first = client.get(chart_url(&base, "repos=11,10&interval=month")).send().await.unwrap();
    assert_eq!(first.status(), 202);
    let body: Value = first.json().await.unwrap();
    assert_eq!(body["status"], "queued", "{body}");
    assert_eq!(env.waiting_jobs().await, 1);
    assert!(env.run_one_job().await);

    let done = client.get(chart_url(&base, "repos=10,11&interval=month")).send().await.unwrap();
    assert_eq!(done.status(), 200);
    let body: Value = done.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(
        body["data"],
        json!({"periods": ["2024-01-01", "2024-02-01"], "series": [{"name": "commits", "values": [1, 3]}]})
    );
    let computed_at = body["computed_at"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(computed_at).is_ok(), "{computed_at}");
    assert_eq!(env.cache.counted(Counter::Runs(Query::of::<Commits>())).await.unwrap(), 1);
    assert!(!env.run_one_job().await, "one job for the two requests");
    env.finish().await;
}

#[tokio::test]
async fn a_second_request_is_a_cache_hit_without_a_job() {
    let mut env = TestEnv::new().await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    assert_eq!(env.get_after_jobs(&client, &chart_url(&base, "repos=10,11")).await.status(), 200);

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
    assert_eq!(env.waiting_jobs().await, 0, "the hit queued no job");
    assert!(!env.run_one_job().await, "the hit queued no job");
    assert_eq!(env.cache.counted(Counter::Runs(Query::of::<Commits>())).await.unwrap(), 1, "the hit ran no new query");
    env.finish().await;
}

#[tokio::test]
async fn a_cached_entry_expires_after_the_configured_ttl() {
    let mut env = TestEnv::with(|name| (name == "CACHE_TTL_SECS").then(|| "3600".to_owned())).await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    assert_eq!(env.get_after_jobs(&client, &chart_url(&base, "repos=10")).await.status(), 200);

    let repos = RepoSet::new([10]).unwrap();
    let key = env.cache.result_key(&ResultKey::new(Query::of::<Commits>(), &repos));
    let ttl: i64 = redis::cmd("TTL").arg(&key).query_async(&mut env.cache.connection()).await.unwrap();
    assert!((3500..=3600).contains(&ttl), "TTL of {key} is {ttl}");
    env.finish().await;
}

#[tokio::test]
async fn without_a_worker_the_chart_stays_queued_with_one_job() {
    let mut env = TestEnv::new().await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let key = ResultKey::new(Query::of::<Commits>(), &RepoSet::new([10, 11]).unwrap());

    let mut elapsed = Vec::new();
    for round in 0..3 {
        if round > 0 {
            // As if the job had waited another 400 ms for a worker.
            env.backdate_queued_job(&key, Duration::from_millis(400)).await;
        }
        let response = client.get(chart_url(&base, "repos=10,11")).send().await.unwrap();
        assert_eq!(response.status(), 202);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "queued", "{body}");
        elapsed.push(body["elapsed_ms"].as_u64().unwrap());
    }
    assert!(elapsed[1] >= elapsed[0] + 400 && elapsed[2] >= elapsed[1] + 400, "elapsed time grows: {elapsed:?}");
    assert_eq!(env.waiting_jobs().await, 1, "three requests, one job");
    assert_eq!(env.cache.counted(Counter::Runs(Query::of::<Commits>())).await.unwrap(), 0);
    env.finish().await;
}

#[tokio::test]
async fn csv_gives_the_same_data() {
    let mut env = TestEnv::new().await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    assert_eq!(env.get_after_jobs(&client, &chart_url(&base, "repos=10,11")).await.status(), 200);

    let response = client.get(chart_url(&base, "repos=10,11&interval=year&format=csv")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert_eq!(response.text().await.unwrap(), "period,commits\n2024-01-01,4\n");
    env.finish().await;
}

#[tokio::test]
async fn bad_parameters_get_a_clear_400() {
    let mut env = TestEnv::new().await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let cases = [
        ("", "no repositories given"),
        ("repos=10,x", "\"x\" is not a repository id"),
        ("repos=10&interval=fortnight", "interval must be day, week, month, year for commits-over-time"),
        ("repos=10&interval=quarter", "interval must be day, week, month, year for commits-over-time"),
        ("repos=10&format=xml", "format must be json, csv, svg or png"),
        ("repo=10", "unknown parameter \"repo\""),
    ];
    for (query, message) in cases {
        let response = client.get(chart_url(&base, query)).send().await.unwrap();
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().await.unwrap();
        let error = body["error"].as_str().unwrap();
        assert!(error.contains(message), "{query}: {error}");
        assert_eq!(body["kind"], "bad_input", "{query}: {body}");
    }
    let unknown = client.get(format!("{base}/api/v1/charts/pie-in-the-sky?repos=1")).send().await.unwrap();
    assert_eq!(unknown.status(), 404);
    let body: Value = unknown.json().await.unwrap();
    assert_eq!(body["kind"], "not_found", "{body}");
    assert!(body["error"].as_str().unwrap().starts_with("unknown chart \"pie-in-the-sky\""), "{body}");
    assert_eq!(env.waiting_jobs().await, 0, "no bad request queued a job");
    env.finish().await;
}

#[tokio::test]
async fn an_unknown_page_is_a_404_page_with_a_way_home() {
    let mut env = TestEnv::new().await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    for path in ["/nope", "/charts/commits-over-time/extra"] {
        let response = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        let page = response.text().await.unwrap();
        assert!(page.contains("<h1>Page not found</h1>"), "{path}: {page}");
        assert!(page.contains(r#"<a href="/">Go to the welcome page</a>"#), "{path}: {page}");
    }
    // The page itself and the API are routes, not the fallback.
    assert_eq!(client.get(format!("{base}/")).send().await.unwrap().status(), 200);
    let api = client.get(format!("{base}/api/v1/repos?q=augur")).send().await.unwrap();
    assert_eq!(api.status(), 200);
    env.finish().await;
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let mut env = TestEnv::new().await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    assert_eq!(client.get(format!("{base}/healthz")).send().await.unwrap().text().await.unwrap(), "ok");
    assert_eq!(client.get(format!("{base}/readyz")).send().await.unwrap().status(), 200);
    env.finish().await;
}

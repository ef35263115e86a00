//! Failure is a state, not a hang: a broken query fails at once, an unreachable Augur is
//! retried with backoff up to a bound, and both end as a reason the page can show.

mod support;

use explorer::augur::queries::Commits;
use explorer::{store::Counter, Query};
use serde_json::Value;
use support::TestEnv;

#[tokio::test]
async fn a_query_error_fails_at_once_without_retries() {
    let mut env = TestEnv::new().await;
    support::load_commit_fixture(&mut env.db().await).await;
    // An Augur without the commits table: retrying cannot help.
    sqlx::raw_sql("DROP TABLE augur_data.commits CASCADE").execute(&mut env.db().await).await.unwrap();
    let base = env.start_server().await;
    let client = reqwest::Client::new();

    let response = env.get_after_jobs(&client, &format!("{base}/api/v1/charts/commits-over-time?repos=10")).await;
    assert_eq!(response.status(), 500);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "failed");
    assert_eq!(body["kind"], "failed");
    assert_eq!(body["retryable"], false);
    // The SQLSTATE (42P01: undefined table), not PostgreSQL's message naming the relation.
    assert_eq!(body["error"], "the database refused the query (PostgreSQL error 42P01)", "{body}");
    assert_eq!(env.cache.counted(Counter::Runs(Query::of::<Commits>())).await.unwrap(), 1, "no retry");
    assert!(!env.run_one_job().await, "no retry queued");
    env.finish().await;
}

#[tokio::test]
async fn an_unreachable_augur_is_retried_then_reported() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut env = TestEnv::with(|name| match name {
        "JOB_ATTEMPTS" => Some("3".to_owned()),
        "JOB_RETRY_BASE_MS" => Some("50".to_owned()),
        _ => None,
    })
    .await;
    // The web tier knows the repos; the worker's Augur is unreachable.
    support::load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    env.use_worker_database(format!("postgres://postgres@127.0.0.1:{port}/augur"));
    let client = reqwest::Client::new();

    let response = env.get_after_jobs(&client, &format!("{base}/api/v1/charts/commits-over-time?repos=10")).await;
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "failed");
    assert_eq!(body["kind"], "failed");
    assert_eq!(body["retryable"], true);
    assert_eq!(body["error"], "the Augur database could not be reached", "{body}");
    assert_eq!(env.cache.counted(Counter::Runs(Query::of::<Commits>())).await.unwrap(), 3, "three attempts");
    env.finish().await;
}

#[tokio::test]
async fn retry_runs_a_failed_chart_again() {
    let mut env = TestEnv::new().await;
    support::load_commit_fixture(&mut env.db().await).await;
    sqlx::raw_sql("ALTER TABLE augur_data.commits RENAME TO commits_away").execute(&mut env.db().await).await.unwrap();
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/charts/commits-over-time?repos=10,11");
    assert_eq!(env.get_after_jobs(&client, &url).await.status(), 500);
    // Still failed when asked again: a failure is remembered, not retried behind the user's back.
    assert_eq!(client.get(&url).send().await.unwrap().status(), 500);

    sqlx::raw_sql("ALTER TABLE augur_data.commits_away RENAME TO commits").execute(&mut env.db().await).await.unwrap();
    let retried =
        client.post(format!("{base}/api/v1/charts/commits-over-time/retry?repos=10,11")).send().await.unwrap();
    assert_eq!(retried.status(), 202);
    let done = env.get_after_jobs(&client, &url).await;
    assert_eq!(done.status(), 200);
    let body: Value = done.json().await.unwrap();
    assert_eq!(body["data"]["series"][0]["values"], serde_json::json!([1, 3]));
    env.finish().await;
}

#[tokio::test]
async fn a_result_above_the_size_limit_fails_with_a_clear_reason() {
    let mut env = TestEnv::with(|name| (name == "RESULT_MAX_BYTES").then(|| "16".to_owned())).await;
    support::load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/charts/commits-over-time?repos=10,11");
    let response = env.get_after_jobs(&client, &url).await;
    assert_eq!(response.status(), 500);
    let body: Value = response.json().await.unwrap();
    let error = body["error"].as_str().unwrap();
    assert!(error.contains("more than the 16 bytes a result may take"), "{error}");
    assert_eq!(body["retryable"], false);
    env.finish().await;
}

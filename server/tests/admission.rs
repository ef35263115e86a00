//! Admission control against the real server: a per-client allowance of job-creating
//! requests, a fleet-wide cap on waiting jobs, and a hold on retries of a query that keeps
//! failing. Cached charts and polls are never refused.

mod support;

use serde_json::Value;
use support::{load_commit_fixture, TestEnv};

async fn settings_env(pairs: &'static [(&'static str, &'static str)]) -> TestEnv {
    let env = TestEnv::with(move |name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())).await;
    load_commit_fixture(&mut env.db().await).await;
    env
}

#[tokio::test]
async fn a_client_over_its_allowance_gets_429_while_others_and_cached_charts_still_answer() {
    let mut env = settings_env(&[
        ("JOBS_PER_CLIENT_PER_MINUTE", "1"),
        ("JOB_BURST_PER_CLIENT", "2"),
        ("TRUSTED_PROXY_HEADER", "x-forwarded-for"),
    ])
    .await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let chart = |repos: &str| format!("{base}/api/v1/charts/commits-over-time?repos={repos}");
    let from =
        |address: &'static str| move |request: reqwest::RequestBuilder| request.header("x-forwarded-for", address);
    let (mallory, alice) = (from("198.51.100.7"), from("203.0.113.5"));

    assert_eq!(mallory(client.get(chart("10"))).send().await.unwrap().status(), 202);
    assert_eq!(mallory(client.get(chart("11"))).send().await.unwrap().status(), 202);
    let refused = mallory(client.get(chart("10,11"))).send().await.unwrap();
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    let body: Value = refused.json().await.unwrap();
    assert_eq!((body["kind"].as_str(), body["per_client"].as_bool()), (Some("busy"), Some(true)), "{body}");
    assert!(body["error"].as_str().unwrap().contains("cached charts still load"), "{body}");
    assert_eq!(env.waiting_jobs().await, 2, "the refused request queued nothing");

    // Polling a pending chart is not a new job; another client has its own allowance.
    assert_eq!(mallory(client.get(chart("10"))).send().await.unwrap().status(), 202);
    assert_eq!(alice(client.get(chart("10,11"))).send().await.unwrap().status(), 202);
    // Once computed, the refused client's chart is served from the cache.
    while env.waiting_jobs().await > 0 {
        assert!(env.run_one_job().await);
    }
    assert_eq!(mallory(client.get(chart("10,11"))).send().await.unwrap().status(), 200);
    env.finish().await;
}

#[tokio::test]
async fn a_full_queue_refuses_new_work_with_503_and_retry_after() {
    let mut env = settings_env(&[("QUEUE_MAX_WAITING", "2")]).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let chart = |repos: &str| format!("{base}/api/v1/charts/commits-over-time?repos={repos}");
    for repos in ["10", "11"] {
        assert_eq!(client.get(chart(repos)).send().await.unwrap().status(), 202);
    }
    let refused = client.get(chart("10,11")).send().await.unwrap();
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers()["retry-after"], "15");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["kind"], "busy");
    assert!(body["error"].as_str().unwrap().contains("full queue"), "{body}");
    assert_eq!(env.waiting_jobs().await, 2);
    // A worker drains one: there is room again.
    assert!(env.run_one_job().await);
    assert_eq!(client.get(chart("10,11")).send().await.unwrap().status(), 202);
    env.finish().await;
}

#[tokio::test]
async fn a_query_that_keeps_failing_is_held_before_it_runs_again() {
    let mut env = settings_env(&[("FAILURE_HOLD_BASE_SECS", "30")]).await;
    sqlx::raw_sql("ALTER TABLE augur_data.commits RENAME TO commits_away").execute(&mut env.db().await).await.unwrap();
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/charts/commits-over-time?repos=10");
    let retry = format!("{base}/api/v1/charts/commits-over-time/retry?repos=10");

    assert_eq!(env.get_after_jobs(&client, &url).await.status(), 500);
    // After one failure a retry runs at once (whoever fixed the cause may try).
    assert_eq!(client.post(&retry).send().await.unwrap().status(), 202);
    assert!(env.run_one_job().await);
    assert_eq!(client.get(&url).send().await.unwrap().status(), 500);
    // After the second, retries are held.
    let held = client.post(&retry).send().await.unwrap();
    assert_eq!(held.status(), 503);
    let wait: u64 = held.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((25..=30).contains(&wait), "Retry-After {wait}");
    let body: Value = held.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("failed 2 times in a row"), "{body}");
    assert_eq!(env.waiting_jobs().await, 0, "the held retry queued nothing");
    env.finish().await;
}

#[tokio::test]
async fn a_passing_failure_stands_for_seconds_not_minutes() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut env = settings_env(&[("TRANSIENT_FAILURE_SECS", "2"), ("JOB_ATTEMPTS", "1")]).await;
    let base = env.start_server().await;
    env.use_worker_database(format!("postgres://postgres@127.0.0.1:{port}/augur"));
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/charts/commits-over-time?repos=10");
    let failed = env.get_after_jobs(&client, &url).await;
    assert_eq!(failed.status(), 503);
    let key = explorer::ResultKey::new(
        explorer::Query::of::<explorer::augur::queries::Commits>(),
        &explorer::RepoSet::new([10]).unwrap(),
    );
    let ttl_ms: i64 =
        redis::cmd("PTTL").arg(env.cache.status_key(&key)).query_async(&mut env.cache.connection()).await.unwrap();
    assert!((1..=2_000).contains(&ttl_ms), "the failed status stands {ttl_ms} ms");
    env.finish().await;
}

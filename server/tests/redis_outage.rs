//! Redis down: the web tier starts anyway, answers a clear 503, and recovers by itself
//! when Redis comes back.

mod support;

use std::time::{Duration, Instant};

use serde_json::Value;
use support::{free_port, load_commit_fixture, poll_until_done, RedisProcess, TestEnv};

#[tokio::test]
async fn without_redis_the_api_answers_503_and_recovers_when_redis_returns() {
    let port = free_port();
    let mut env = TestEnv::with(|name| (name == "REDIS_URL").then(|| format!("redis://127.0.0.1:{port}/"))).await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let chart = format!("{base}/api/v1/charts/commits-over-time?repos=10");

    assert_eq!(client.get(format!("{base}/healthz")).send().await.unwrap().status(), 200, "the process is up");
    assert_eq!(client.get(format!("{base}/readyz")).send().await.unwrap().status(), 503);
    let started = Instant::now();
    let response = client.get(&chart).send().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(10), "the error came after {:?}", started.elapsed());
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    // The kind to branch on and a sentence; Redis' own text ("Connection refused ...") stays in the log.
    assert_eq!(body, serde_json::json!({"kind": "unavailable", "error": "the cache is unavailable"}));

    let _redis = RedisProcess::start(port);
    let started = Instant::now();
    loop {
        let status = client.get(&chart).send().await.unwrap().status();
        if status == 202 {
            break;
        }
        assert_eq!(status, 503, "while Redis starts, the answer stays a clear 503");
        assert!(started.elapsed() < Duration::from_secs(20), "no recovery after Redis came back");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(client.get(format!("{base}/readyz")).send().await.unwrap().status(), 200);
    env.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_keeps_working_after_redis_restarts() {
    let port = free_port();
    let redis = RedisProcess::start(port);
    let mut env = TestEnv::with(|name| (name == "REDIS_URL").then(|| format!("redis://127.0.0.1:{port}/"))).await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    env.start_worker();
    let client = reqwest::Client::new();
    let chart = |repos: &str| format!("{base}/api/v1/charts/commits-over-time?repos={repos}");
    let wait_for_redis = || async {
        let started = Instant::now();
        while client.get(format!("{base}/readyz")).send().await.unwrap().status() != 200 {
            assert!(started.elapsed() < Duration::from_secs(10), "Redis did not come up");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    wait_for_redis().await;
    assert_eq!(poll_until_done(&client, &chart("10"), Duration::from_secs(30)).await.status(), 200);

    // Redis restarts empty; the worker must notice and take new jobs again, by itself.
    drop(redis);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let _redis = RedisProcess::start(port);
    wait_for_redis().await;
    let response = poll_until_done(&client, &chart("11"), Duration::from_secs(30)).await;
    let status = response.status();
    assert_eq!(status, 200, "{}", response.text().await.unwrap());
    env.finish().await;
}

#[tokio::test]
async fn with_redis_full_cached_charts_still_answer_and_new_work_gets_a_clear_503() {
    let port = free_port();
    let _redis = RedisProcess::start(port);
    let mut env = TestEnv::with(|name| (name == "REDIS_URL").then(|| format!("redis://127.0.0.1:{port}/"))).await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let started = Instant::now();
    while client.get(format!("{base}/readyz")).send().await.unwrap().status() != 200 {
        assert!(started.elapsed() < Duration::from_secs(10), "Redis did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let chart = |query: &str| format!("{base}/api/v1/charts/commits-over-time?{query}");
    assert_eq!(env.get_after_jobs(&client, &chart("repos=10")).await.status(), 200);

    // Full: every write is refused (OOM), reads still work.
    let mut conn = env.cache.connection();
    for (name, value) in [("maxmemory-policy", "noeviction"), ("maxmemory", "1")] {
        redis::cmd("CONFIG").arg("SET").arg(name).arg(value).query_async::<()>(&mut conn).await.unwrap();
    }
    assert_eq!(client.get(chart("repos=10")).send().await.unwrap().status(), 200, "a cached drawing");
    let redrawn = client.get(chart("repos=10&interval=week")).send().await.unwrap();
    assert_eq!(redrawn.status(), 200, "a new drawing of a cached result, not cached itself");
    let new_work = client.get(chart("repos=11")).send().await.unwrap();
    assert_eq!(new_work.status(), 503);
    let body: Value = new_work.json().await.unwrap();
    assert_eq!(body["error"], "the cache is full: charts already computed still load, new ones must wait", "{body}");
    env.finish().await;
}

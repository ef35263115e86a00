//! One job per key across the fleet: identical cold requests on several web replicas.

mod support;

use explorer::augur::queries::Commits;
use std::time::Duration;

use explorer::{store::Counter, Query};
use serde_json::Value;
use support::{load_commit_fixture, poll_until_done, TestEnv};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_identical_cold_requests_on_two_replicas_enqueue_one_job() {
    let mut env = TestEnv::new().await;
    load_commit_fixture(&mut env.db().await).await;
    let replicas = [env.start_server().await, env.start_server().await];
    env.start_worker();
    let client = reqwest::Client::new();

    let requests: Vec<_> = (0..100)
        .map(|i| {
            let url = format!("{}/api/v1/charts/commits-over-time?repos=10,11", replicas[i % 2]);
            let client = client.clone();
            tokio::spawn(async move {
                let response = poll_until_done(&client, &url, Duration::from_secs(30)).await;
                assert_eq!(response.status(), 200);
                response.json::<Value>().await.unwrap()
            })
        })
        .collect();
    let mut answers = Vec::new();
    for request in requests {
        answers.push(request.await.unwrap());
    }

    assert!(answers.iter().all(|a| a["status"] == "ready" && a["data"] == answers[0]["data"]));
    assert_eq!(answers[0]["data"]["series"][0]["values"], serde_json::json!([1, 3]));
    assert_eq!(env.cache.counted(Counter::Enqueued(Query::of::<Commits>())).await.unwrap(), 1, "jobs enqueued");
    assert_eq!(env.cache.counted(Counter::Runs(Query::of::<Commits>())).await.unwrap(), 1, "queries run");
    env.finish().await;
}

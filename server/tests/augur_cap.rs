//! Bounded pressure on Augur: a fleet-wide cap on concurrent queries, across workers.

mod support;

use std::time::{Duration, Instant};

use sqlx::{Connection, PgConnection};
use support::{load_commit_fixture, poll_until_done, TestEnv};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_more_augur_queries_run_at_once_than_the_cap_allows() {
    let mut env = TestEnv::with(|name| (name == "AUGUR_MAX_QUERIES").then(|| "1".to_owned())).await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    env.start_worker();
    env.start_worker();
    let client = reqwest::Client::new();

    // Augur is slow: a lock holds every query on commits until released.
    let mut augur = PgConnection::connect(&env.settings.database_url).await.unwrap();
    sqlx::raw_sql("BEGIN; LOCK TABLE augur_data.commits IN ACCESS EXCLUSIVE MODE").execute(&mut augur).await.unwrap();
    let urls: Vec<String> =
        ["10", "11", "10,11"].iter().map(|r| format!("{base}/api/v1/charts/commits-over-time?repos={r}")).collect();
    for url in &urls {
        assert_eq!(client.get(url).send().await.unwrap().status(), 202);
    }
    // All three jobs are taken by the two workers, yet one query at a time reaches Augur.
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(2) {
        assert!(explorer::jobs::slots::held(&env.cache).await.unwrap() <= 1);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(explorer::jobs::slots::held(&env.cache).await.unwrap(), 1);

    sqlx::raw_sql("ROLLBACK").execute(&mut augur).await.unwrap();
    for url in &urls {
        assert_eq!(poll_until_done(&client, url, Duration::from_secs(30)).await.status(), 200);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(explorer::jobs::slots::held(&env.cache).await.unwrap(), 0, "slots are released");
}

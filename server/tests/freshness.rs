//! Cached data follows Augur's collections: a repo collected anew has its cached results
//! dropped by the periodic sweep, and the next request computes them from the new data.

mod support;

use std::time::{Duration, Instant};

use explorer::augur::queries::Commits;
use explorer::{jobs::freshness, Query, RepoSet, ResultKey};
use sqlx::PgConnection;
use support::{load_commit_fixture, TestEnv};

/// Both repos' collection finished an hour ago, per Augur's bookkeeping.
async fn collected_an_hour_ago(conn: &mut PgConnection) {
    sqlx::raw_sql(
        "INSERT INTO augur_operations.collection_status
           (repo_id, core_status, core_data_last_collected, facade_status, facade_data_last_collected)
         SELECT repo_id, 'Success', (now() AT TIME ZONE 'UTC') - interval '1 hour',
                'Success', (now() AT TIME ZONE 'UTC') - interval '70 minutes'
           FROM augur_data.repo",
    )
    .execute(conn)
    .await
    .unwrap();
}

/// Augur's facade phase collects `repo` again, and finds one more commit.
async fn collect_again(conn: &mut PgConnection, repo: i64) {
    sqlx::query(
        "INSERT INTO augur_data.commits (repo_id, cmt_commit_hash, cmt_author_name, cmt_author_raw_email,
           cmt_author_email, cmt_author_date, cmt_committer_name, cmt_committer_raw_email, cmt_committer_email,
           cmt_committer_date, cmt_added, cmt_removed, cmt_whitespace, cmt_filename, cmt_date_attempted,
           cmt_author_timestamp, cmt_committer_timestamp)
         VALUES ($1, 'new1', 'Ada', 'ada@example.org', 'ada@example.org', '2024-01-20', 'Ada', 'ada@example.org',
           'ada@example.org', '2024-01-20', 1, 0, 0, 'new.rs', now(), '2024-01-20 12:00:00+00', '2024-01-20 12:00:00+00')",
    )
    .bind(repo)
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE augur_operations.collection_status
            SET facade_data_last_collected = now() AT TIME ZONE 'UTC' WHERE repo_id = $1",
    )
    .bind(repo)
    .execute(&mut *conn)
    .await
    .unwrap();
}

fn key(ids: &[i64]) -> ResultKey {
    ResultKey::new(Query::of::<Commits>(), &RepoSet::new(ids.iter().copied()).unwrap())
}

fn total(json: &serde_json::Value) -> i64 {
    json["data"]["series"][0]["values"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).sum()
}

#[tokio::test]
async fn a_repo_collected_anew_is_computed_again_and_the_others_stay_cached() {
    let mut env = TestEnv::new().await;
    let mut augur = env.db().await;
    load_commit_fixture(&mut augur).await;
    collected_an_hour_ago(&mut augur).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let url = |repos: &str| format!("{base}/api/v1/charts/commits-over-time?repos={repos}&interval=month");
    let db = explorer::augur::db::augur_pool(&env.settings.database_url, 1, Duration::from_secs(30)).unwrap();

    // The first sweep has seen nothing yet: both repos count as collected anew, but nothing
    // is cached to drop. It reads as the app's read-only role.
    let first = freshness::sweep(&db, &env.cache, env.settings.result_ttl).await.unwrap();
    assert_eq!((first.changed, first.dropped), (2, 0));

    let mut before = std::collections::HashMap::new();
    for repos in ["10", "11", "10,11"] {
        let json: serde_json::Value = env.get_after_jobs(&client, &url(repos)).await.json().await.unwrap();
        before.insert(repos, (total(&json), json["computed_at"].as_str().unwrap().to_owned()));
    }
    // Nothing new in Augur: a sweep drops nothing.
    let quiet = freshness::sweep(&db, &env.cache, env.settings.result_ttl).await.unwrap();
    assert_eq!((quiet.refreshed.len(), quiet.dropped), (0, 0), "{quiet:?}");

    // Augur collects repo 10 again.
    collect_again(&mut augur, 10).await;
    let swept = freshness::sweep(&db, &env.cache, env.settings.result_ttl).await.unwrap();
    assert_eq!(swept.refreshed, vec![10]);
    // Repo 10's part, its selection and the selection with 11; repo 11's part and its own stay.
    assert_eq!(swept.dropped, 3, "{swept:?}");
    assert!(env.cache.has_result(&key(&[11])).await.unwrap());
    assert!(!env.cache.has_result(&key(&[10])).await.unwrap());
    assert!(!env.cache.has_result(&key(&[10, 11])).await.unwrap());

    let cached = client.get(url("11")).send().await.unwrap();
    assert_eq!(cached.status(), 200, "repo 11 still answers from the cache");
    assert_eq!(client.get(url("10,11")).send().await.unwrap().status(), 202, "computed again");
    let fresh: serde_json::Value = env.get_after_jobs(&client, &url("10,11")).await.json().await.unwrap();
    assert_eq!(total(&fresh), before["10,11"].0 + 1, "the new commit counts");
    assert!(fresh["computed_at"].as_str().unwrap() > before["10,11"].1.as_str(), "data as of moves with the data");

    // Seen once, dropped once.
    let again = freshness::sweep(&db, &env.cache, env.settings.result_ttl).await.unwrap();
    assert!(again.refreshed.is_empty(), "{again:?}");
    env.finish().await;
}

#[tokio::test]
async fn one_worker_sweeps_on_its_own_every_few_seconds() {
    let mut env = TestEnv::with(|name| (name == "FRESHNESS_CHECK_SECS").then(|| "1".to_owned())).await;
    let mut augur = env.db().await;
    load_commit_fixture(&mut augur).await;
    collected_an_hour_ago(&mut augur).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/charts/commits-over-time?repos=10");
    env.start_worker();
    // The worker's first sweep sees both repos before anything is cached.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(support::poll_until_done(&client, &url, Duration::from_secs(30)).await.status(), 200);
    assert!(env.cache.has_result(&key(&[10])).await.unwrap());

    collect_again(&mut augur, 10).await;
    let started = Instant::now();
    while env.cache.has_result(&key(&[10])).await.unwrap() {
        assert!(started.elapsed() < Duration::from_secs(10), "the worker never dropped repo 10's result");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    env.finish().await;
}

//! Invalidation on demand: forgetting one repo recomputes only that repo.

mod support;

use explorer::augur::queries::Commits;
use explorer::{store::Counter, Query};
use support::{load_commit_fixture, TestEnv};

#[tokio::test]
async fn invalidating_a_repo_drops_its_entries_and_recomputes_only_it() {
    let mut env = TestEnv::new().await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/charts/commits-over-time?repos=10,11");
    assert_eq!(env.get_after_jobs(&client, &url).await.status(), 200);
    assert_eq!(env.cache.counted(Counter::QueriedRepos(Query::of::<Commits>())).await.unwrap(), 2);

    // The group result and repo 11's part go; repo 10's part stays.
    assert_eq!(env.cache.invalidate_repo(11).await.unwrap(), 2);
    assert_eq!(client.get(&url).send().await.unwrap().status(), 202, "recomputing");
    assert!(env.run_one_job().await);
    assert_eq!(client.get(&url).send().await.unwrap().status(), 200);
    assert_eq!(
        env.cache.counted(Counter::QueriedRepos(Query::of::<Commits>())).await.unwrap(),
        3,
        "only repo 11 again"
    );

    // A whole query: every group and part of it.
    assert_eq!(env.cache.invalidate_query(Query::of::<Commits>()).await.unwrap(), 3);
    assert_eq!(client.get(&url).send().await.unwrap().status(), 202);
    env.finish().await;
}

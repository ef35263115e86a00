//! Results are reusable per (query, repo): a selection that overlaps cached ones queries
//! only the repos not cached yet, and one made only of cached repos needs no job at all.

mod support;

use explorer::augur::queries::Commits;
use explorer::{store::Counter, Query};
use serde_json::{json, Value};
use support::{load_commit_fixture, TestEnv};

#[tokio::test]
async fn a_new_selection_queries_only_the_repos_not_cached_yet() {
    let mut env = TestEnv::new().await;
    let mut db = env.db().await;
    load_commit_fixture(&mut db).await;
    // Repo 12: one more commit, in January 2024.
    sqlx::raw_sql(
        "INSERT INTO augur_data.repo (repo_id, repo_group_id, repo_git) VALUES (12, 1, 'https://github.com/chaoss/wg');
         INSERT INTO augur_data.commits (repo_id, cmt_commit_hash, cmt_author_name, cmt_author_raw_email,
           cmt_author_email, cmt_author_date, cmt_committer_name, cmt_committer_raw_email, cmt_committer_email,
           cmt_committer_date, cmt_added, cmt_removed, cmt_whitespace, cmt_filename, cmt_date_attempted,
           cmt_author_timestamp, cmt_committer_timestamp)
         VALUES (12, 'ddd1', 'Bo', 'bo@x.org', 'bo@x.org', '2024-01-20', 'Bo', 'bo@x.org', 'bo@x.org', '2024-01-20',
           1, 0, 0, 'a.md', now(), '2024-01-20 09:00:00+00', '2024-01-20 09:00:00+00');",
    )
    .execute(&mut db)
    .await
    .unwrap();
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let url = |repos: &str| format!("{base}/api/v1/charts/commits-over-time?repos={repos}");
    let counted = |counter| {
        let cache = env.cache.clone();
        async move { cache.counted(counter).await.unwrap() }
    };

    assert_eq!(env.get_after_jobs(&client, &url("10,11")).await.status(), 200);
    assert_eq!(counted(Counter::QueriedRepos(Query::of::<Commits>())).await, 2);

    let done = env.get_after_jobs(&client, &url("10,11,12")).await;
    assert_eq!(done.status(), 200);
    let body: Value = done.json().await.unwrap();
    assert_eq!(
        body["data"]["series"][0]["values"],
        json!([2, 3]),
        "January: aaa2 and ddd1; February: aaa1, bbb1, bbb2"
    );
    assert_eq!(counted(Counter::QueriedRepos(Query::of::<Commits>())).await, 3, "only repo 12 was queried");
    assert_eq!(counted(Counter::Runs(Query::of::<Commits>())).await, 2);

    // Every repo of this selection is cached: answered at once, without a job.
    let response = client.get(url("11,12")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["series"][0]["values"], json!([1, 3]), "January: ddd1; February: aaa1, bbb1, bbb2");
    assert_eq!(counted(Counter::Enqueued(Query::of::<Commits>())).await, 2);
    assert!(!env.run_one_job().await);
    env.finish().await;
}

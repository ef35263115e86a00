//! What one request can make Redis hold is bounded: large selections are kept as a
//! reference to their parts, drawings per result are capped, and the invalidation indexes
//! hold only live results.

mod support;

use std::time::Duration;

use explorer::augur::queries::Commits;
use explorer::{store::Counter, Query, RepoSet, ResultKey};
use redis::AsyncCommands;
use support::TestEnv;

/// Repos 10 and 11 with `per_repo` commits each, one file per commit, one a day.
async fn load_many_commits(env: &TestEnv, per_repo: i64) {
    sqlx::raw_sql(&format!(
        "INSERT INTO augur_data.repo_groups (repo_group_id, rg_name) VALUES (1, 'chaoss');
         INSERT INTO augur_data.repo (repo_id, repo_group_id, repo_git, repo_name) VALUES
           (10, 1, 'https://github.com/chaoss/augur', 'augur'),
           (11, 1, 'https://github.com/chaoss/augur-fork', 'augur-fork');
         INSERT INTO augur_data.commits (repo_id, cmt_commit_hash, cmt_author_name, cmt_author_raw_email,
           cmt_author_email, cmt_author_date, cmt_committer_name, cmt_committer_raw_email, cmt_committer_email,
           cmt_committer_date, cmt_added, cmt_removed, cmt_whitespace, cmt_filename, cmt_date_attempted,
           cmt_author_timestamp, cmt_committer_timestamp)
         SELECT repo, md5(repo || '-' || n), 'Ada', 'ada@example.org', 'ada@example.org', '2020-01-01', 'Ada',
           'ada@example.org', 'ada@example.org', '2020-01-01', 1, 0, 0, 'f.rs', now(),
           timestamptz '2020-01-01 12:00:00+00' + make_interval(hours => n),
           timestamptz '2020-01-01 12:00:00+00' + make_interval(hours => n)
         FROM generate_series(1, {per_repo}) n, (VALUES (10), (11)) AS r(repo);"
    ))
    .execute(&mut env.db().await)
    .await
    .unwrap();
}

fn total(json: &serde_json::Value) -> i64 {
    json["data"]["series"][0]["values"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).sum()
}

#[tokio::test]
async fn a_large_selection_keeps_a_reference_to_its_parts_not_a_copy() {
    let mut env = TestEnv::new().await;
    // About 11 bytes a commit once encoded: two parts well over the copy limit together.
    load_many_commits(&env, 20_000).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/charts/commits-over-time?repos=10,11&interval=month");
    let ready: serde_json::Value = env.get_after_jobs(&client, &url).await.json().await.unwrap();
    assert_eq!(total(&ready), 40_000);

    let mut redis = env.cache.connection();
    let key = ResultKey::new(Query::of::<Commits>(), &RepoSet::new([10, 11]).unwrap());
    let entry: Vec<u8> = redis.get(env.cache.result_key(&key)).await.unwrap();
    let parts: Vec<Vec<u8>> = redis
        .mget(&[env.cache.part_key(Query::of::<Commits>(), 10), env.cache.part_key(Query::of::<Commits>(), 11)])
        .await
        .unwrap();
    let parts_bytes: usize = parts.iter().map(Vec::len).sum();
    assert!(parts_bytes > explorer::store::codec::COPY_MAX_BYTES, "the parts are large: {parts_bytes} bytes");
    assert!(entry.len() < 64, "the selection's entry is a reference, not a {} byte copy", entry.len());

    // Read again (a redraw with other controls) from the reference: the same numbers.
    let weekly = format!("{base}/api/v1/charts/commits-over-time?repos=10,11&interval=week");
    let again = client.get(&weekly).send().await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(total(&again.json().await.unwrap()), 40_000);

    // A part that went (evicted) sends the selection back to a job, which queries only it.
    // (Drawings made before stay: they are still the data as of their time.)
    let _: () = redis.del(env.cache.part_key(Query::of::<Commits>(), 11)).await.unwrap();
    let queried_before = env.cache.counted(Counter::QueriedRepos(Query::of::<Commits>())).await.unwrap();
    let yearly = format!("{base}/api/v1/charts/commits-over-time?repos=10,11&interval=year");
    let recomputed: serde_json::Value = env.get_after_jobs(&client, &yearly).await.json().await.unwrap();
    assert_eq!(total(&recomputed), 40_000);
    let queried = env.cache.counted(Counter::QueriedRepos(Query::of::<Commits>())).await.unwrap() - queried_before;
    assert_eq!(queried, 1, "only the missing repo ran again");
    env.finish().await;
}

#[tokio::test]
async fn a_small_selection_keeps_its_copy() {
    let mut env = TestEnv::new().await;
    load_many_commits(&env, 10).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/charts/commits-over-time?repos=10,11");
    assert_eq!(env.get_after_jobs(&client, &url).await.status(), 200);
    let key = ResultKey::new(Query::of::<Commits>(), &RepoSet::new([10, 11]).unwrap());
    let entry = env.cache.result(&key).await.unwrap().unwrap();
    assert!(!explorer::store::codec::CachedResult::is_reference(&entry));
    assert!(explorer::store::codec::CachedResult::decode(&entry).is_ok());
    env.finish().await;
}

#[tokio::test]
async fn a_result_keeps_a_bounded_number_of_drawings() {
    let env = TestEnv::new().await;
    let key = ResultKey::new(Query::of::<Commits>(), &RepoSet::new([10]).unwrap());
    env.cache.put_result(&key, b"result", Duration::from_secs(60)).await.unwrap();
    let extra = 10;
    for i in 0..explorer::store::MAX_DRAWINGS + extra {
        env.cache.put_chart_json(&key, &format!("controls-{i}"), "{}").await.unwrap();
    }
    let mut redis = env.cache.connection();
    let held: usize = redis.hlen(env.cache.chart_json_key(&key)).await.unwrap();
    assert!(held <= explorer::store::MAX_DRAWINGS, "{held} drawings kept");
    let last = format!("controls-{}", explorer::store::MAX_DRAWINGS + extra - 1);
    assert_eq!(env.cache.chart_json(&key, &last).await.unwrap().as_deref(), Some("{}"), "the newest is kept");
    // Redrawing one already kept never drops the others.
    let before: usize = redis.hlen(env.cache.chart_json_key(&key)).await.unwrap();
    env.cache.put_chart_json(&key, &last, "{\"again\":1}").await.unwrap();
    assert_eq!(redis.hlen::<_, usize>(env.cache.chart_json_key(&key)).await.unwrap(), before);
    env.finish().await;
}

#[tokio::test]
async fn the_invalidation_indexes_hold_only_live_results_and_expire_with_them() {
    let env = TestEnv::new().await;
    let commits = Query::of::<Commits>();
    let short = ResultKey::new(commits, &RepoSet::new([10, 11]).unwrap());
    let long = ResultKey::new(commits, &RepoSet::new([10]).unwrap());
    env.cache.index_result(&short, commits, &[10, 11], Duration::from_secs(1)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    env.cache.index_result(&long, commits, &[10], Duration::from_secs(30)).await.unwrap();

    let mut redis = env.cache.connection();
    let repo_index = format!("{}index:repo:10", env.settings.key_prefix);
    let members: Vec<String> = redis.zrange(&repo_index, 0, -1).await.unwrap();
    assert_eq!(members, vec![long.to_string()], "the expired result left the index when the next came");
    let ttl: i64 = redis.pttl(&repo_index).await.unwrap();
    assert!(ttl > 1_000 && ttl <= 30_000, "the index lives as long as its longest-lived result: {ttl} ms");
    // Repo 11's index held only the expired result, and went with it.
    let gone: bool = redis.exists(format!("{}index:repo:11", env.settings.key_prefix)).await.unwrap();
    assert!(!gone);
    // A shorter-lived result added later never shortens the index's life.
    let other = ResultKey::new(commits, &RepoSet::new([10, 12]).unwrap());
    env.cache.index_result(&other, commits, &[10, 12], Duration::from_secs(2)).await.unwrap();
    assert!(redis.pttl::<_, i64>(&repo_index).await.unwrap() > 2_000);
    env.finish().await;
}

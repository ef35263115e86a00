//! The Repo Overview through the JSON API: the per-repository tables show the picked repo
//! (the selection's first by default) from one cached result, `repo=` is the empty state, a
//! repo outside the selection is refused, and tables come as `columns` + `rows` and CSV.

mod support;

use serde_json::Value;
use sqlx::PgConnection;
use support::TestEnv;

async fn load_fixture(conn: &mut PgConnection) {
    sqlx::raw_sql(
        "INSERT INTO augur_data.repo_groups (repo_group_id, rg_name) VALUES (1, 'chaoss');
         INSERT INTO augur_data.repo (repo_id, repo_group_id, repo_git, repo_name) VALUES
           (10, 1, 'https://github.com/chaoss/augur', 'augur'),
           (11, 1, 'https://github.com/chaoss/8knot', '8knot');
         INSERT INTO augur_data.repo_deps_scorecard (repo_id, name, score, data_collection_date) VALUES
           (10, 'Code-Review', '8', '2024-03-01 10:00:00'),
           (10, 'SAST', '-1', '2024-03-01 10:00:01'),
           (11, 'Code-Review', '2', '2024-02-01 00:00:00');
         INSERT INTO augur_data.repo_info (repo_id, license, stars_count, issues_enabled, data_collection_date) VALUES
           (11, 'MIT', 40, 'true', '2024-02-02 00:00:00');
         INSERT INTO augur_data.releases (release_id, repo_id, release_published_at, release_is_draft) VALUES
           ('r1', 11, '2024-01-01 00:00:00', false);",
    )
    .execute(conn)
    .await
    .unwrap();
}

async fn ready(env: &TestEnv, client: &reqwest::Client, url: &str) -> Value {
    let response = env.get_after_jobs(client, url).await;
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn per_repo_tables_follow_the_pick_from_one_cached_result() {
    let mut env = TestEnv::new().await;
    load_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let scorecard = format!("{base}/api/v1/charts/ossf-scorecard?repos=10,11");

    // The selection's first repo by default.
    let first = ready(&env, &client, &scorecard).await;
    assert_eq!(first["data"]["columns"], serde_json::json!(["Check", "Score"]));
    assert_eq!(first["data"]["rows"], serde_json::json!([["Code-Review", "8"], ["SAST", "Inconclusive"]]));
    assert_eq!(first["data"]["note"], "Collected 2024-03-01");

    // Another pick redraws from the same result: ready at once, no job.
    let picked = client.get(format!("{scorecard}&repo=11")).send().await.unwrap();
    assert_eq!(picked.status(), 200, "picking a repo waited for a job");
    let picked: Value = picked.json().await.unwrap();
    assert_eq!(picked["data"]["rows"], serde_json::json!([["Code-Review", "2"]]));
    assert_eq!(env.waiting_jobs().await, 0);

    // No pick: an empty table, not a wait.
    let none: Value = client.get(format!("{scorecard}&repo=")).send().await.unwrap().json().await.unwrap();
    assert_eq!((none["status"].as_str(), none["data"]["rows"].as_array().map(Vec::len)), (Some("ready"), Some(0)));

    // A repo outside the selection is a bad request naming it.
    let outside = client.get(format!("{scorecard}&repo=12")).send().await.unwrap();
    assert_eq!(outside.status(), 400);
    let body: Value = outside.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("repo=12 is not a repository of the selection"), "{body}");

    // The table as CSV, and repo-info's single release.
    let csv = client.get(format!("{scorecard}&repo=11&format=csv")).send().await.unwrap().text().await.unwrap();
    assert_eq!(csv, "Check,Score\nCode-Review,2\n");
    let info = ready(&env, &client, &format!("{base}/api/v1/charts/repo-info?repos=10,11&repo=11")).await;
    let rows = info["data"]["rows"].as_array().unwrap();
    let field = |name: &str| rows.iter().find(|r| r[0] == name).map(|r| r[1].clone()).unwrap();
    assert_eq!((field("License"), field("Stars"), field("Releases")), ("MIT".into(), "40".into(), "1".into()));
    assert_eq!(field("Average time between releases"), "N/A");
    // Repo 10 has no snapshot and no release: no rows, the chart's empty state.
    let empty: Value =
        client.get(format!("{base}/api/v1/charts/repo-info?repos=10,11")).send().await.unwrap().json().await.unwrap();
    assert_eq!(empty["data"]["rows"].as_array().map(Vec::len), Some(0), "{empty}");
    env.finish().await;
}

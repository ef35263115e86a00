//! Search and selection against the real server: the live index, orgs in chart requests,
//! the selection limit and the default selection.

mod support;

use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::PgConnection;
use support::{load_commit_fixture, TestEnv};

async fn search(client: &reqwest::Client, base: &str, query: &str) -> Value {
    let response = client.get(format!("{base}/api/v1/repos?{query}")).send().await.unwrap();
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

/// Waits for the index to answer `query` with a hit labelled `url`; the refresh is a second.
async fn until_found(client: &reqwest::Client, base: &str, query: &str, url: &str) -> Value {
    let started = Instant::now();
    loop {
        let body = search(client, base, query).await;
        if body["results"].as_array().unwrap().iter().any(|hit| hit["url"] == url) {
            return body;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{url} never found by {query}: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn add_repo(conn: &mut PgConnection, id: i64, name: &str) {
    sqlx::query("INSERT INTO augur_data.repo (repo_id, repo_group_id, repo_git, repo_name) VALUES ($1, 1, $2, $3)")
        .bind(id)
        .bind(format!("https://github.com/chaoss/{name}"))
        .bind(name)
        .execute(conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_repo_added_to_augur_is_found_after_the_refresh_without_a_restart() {
    let mut env = TestEnv::with(|name| (name == "SEARCH_REFRESH_SECS").then(|| "1".to_owned())).await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();

    let body = until_found(&client, &base, "q=augur", "https://github.com/chaoss/augur").await;
    assert_eq!(body["index_loaded"], true);
    // The fixture's two repos: the exact name first, then the longer one.
    let urls: Vec<&str> = body["results"].as_array().unwrap().iter().filter_map(|h| h["url"].as_str()).collect();
    assert_eq!(urls, ["https://github.com/chaoss/augur", "https://github.com/chaoss/augur-fork"]);
    let orgs = search(&client, &base, "q=org:chaos").await;
    assert_eq!(orgs["results"][0], serde_json::json!({"kind": "org", "name": "chaoss", "repos": 2}));
    assert_eq!(search(&client, &base, "q=grimoire").await["results"], serde_json::json!([]));

    add_repo(&mut env.db().await, 12, "grimoirelab").await;
    until_found(&client, &base, "q=grimoire", "https://github.com/chaoss/grimoirelab").await;

    let limited = search(&client, &base, "q=chaoss&limit=1").await;
    assert_eq!(limited["results"].as_array().unwrap().len(), 1);
    for bad in ["", "q=x&limit=0", "q=x&limit=many", "q=x&page=2"] {
        let response = client.get(format!("{base}/api/v1/repos?{bad}")).send().await.unwrap();
        assert_eq!(response.status(), 400, "{bad}");
    }
    env.finish().await;
}

#[tokio::test]
async fn an_org_selects_all_its_repos_up_to_the_limit() {
    let mut env = TestEnv::with(|name| match name {
        "SELECTION_MAX_REPOS" => Some("2".to_owned()),
        "SEARCH_REFRESH_SECS" => Some("1".to_owned()),
        _ => None,
    })
    .await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    until_found(&client, &base, "q=augur", "https://github.com/chaoss/augur").await;

    let chart = |query: &str| format!("{base}/api/v1/charts/commits-over-time?{query}");
    let by_org = env.get_after_jobs(&client, &chart("orgs=chaoss")).await;
    assert_eq!(by_org.status(), 200);
    let by_org: Value = by_org.json().await.unwrap();
    // The org is repos 10 and 11: the same chart, served from the same cache entry.
    let by_ids: Value = client.get(chart("repos=10,11")).send().await.unwrap().json().await.unwrap();
    assert_eq!(by_org["data"], by_ids["data"]);
    assert_eq!(by_org["computed_at"], by_ids["computed_at"]);

    add_repo(&mut env.db().await, 12, "grimoirelab").await;
    // A repo id is checked against the index: wait for the refresh to know it.
    until_found(&client, &base, "q=grimoire", "https://github.com/chaoss/grimoirelab").await;
    let too_many = client.get(chart("orgs=chaoss&repos=12")).send().await.unwrap();
    assert_eq!(too_many.status(), 400);
    let body: Value = too_many.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("more than the limit of 2"), "{body}");
    let unknown = client.get(chart("orgs=nobody")).send().await.unwrap();
    assert_eq!(unknown.status(), 400);
    env.finish().await;
}

#[tokio::test]
async fn a_charts_page_opens_on_the_default_selection() {
    let mut env = TestEnv::with(|name| (name == "DEFAULT_SELECTION").then(|| "org:chaoss, 11".to_owned())).await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    let bare = client.get(format!("{base}/contributors/types")).send().await.unwrap();
    assert!(bare.status().is_redirection(), "{}", bare.status());
    assert_eq!(bare.headers()["location"], "/contributors/types?repos=11&orgs=chaoss");
    // A URL that names a selection is served as it is, and so is the welcome page.
    let named = client.get(format!("{base}/contributions?repos=10")).send().await.unwrap();
    assert_eq!(named.status(), 200);
    let welcome = client.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(welcome.status(), 200);
    env.finish().await;
}

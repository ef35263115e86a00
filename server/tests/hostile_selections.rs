//! Selections as an attacker writes them, through both doors (the JSON API and the page's
//! server function): one check for both, and nothing queued for what it refuses.

mod support;

use app::api::ChartData;
use charts::{ChartControls, ChartId};
use leptos::server_fn::ServerFn;
use serde_json::Value;
use support::{load_commit_fixture, TestEnv};

async fn error_of(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (status, body["error"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn an_org_repeated_thousands_of_times_is_one_org() {
    let mut env = TestEnv::new().await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let repeated: Vec<&str> = (0..3_000).map(|i| ["chaoss", "CHAOSS", "ChAoSs"][i % 3]).collect();
    let url = format!("{base}/api/v1/charts/commits-over-time?orgs={}", repeated.join(","));
    assert_eq!(client.get(&url).send().await.unwrap().status(), 202);
    // The same selection as the org named once: the same job.
    let once = client.get(format!("{base}/api/v1/charts/commits-over-time?repos=10,11")).send().await.unwrap();
    assert_eq!(once.status(), 202);
    assert_eq!(env.waiting_jobs().await, 1);

    let many: Vec<String> = (0..51).map(|i| format!("org{i}")).collect();
    let url = format!("{base}/api/v1/charts/commits-over-time?orgs={}", many.join(","));
    let (status, error) = error_of(client.get(&url).send().await.unwrap()).await;
    assert_eq!(status, 400);
    assert!(error.contains("51 orgs, more than the limit of 50"), "{error}");
    env.finish().await;
}

#[tokio::test]
async fn unknown_repo_ids_are_refused_and_named_without_queueing_anything() {
    let mut env = TestEnv::new().await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/charts/commits-over-time?repos=10,11,424242");
    let (status, error) = error_of(client.get(&url).send().await.unwrap()).await;
    assert_eq!((status, error.as_str()), (400, "unknown repository id 424242: Augur holds no such repository"));
    let retry = client.post(format!("{base}/api/v1/charts/commits-over-time/retry?repos=7")).send().await.unwrap();
    assert_eq!(retry.status(), 400);
    assert_eq!(env.waiting_jobs().await, 0);
    env.finish().await;
}

/// Calls the page's chart server function as the page does (a form-encoded POST).
async fn chart_data(client: &reqwest::Client, base: &str, call: &ChartData) -> reqwest::Response {
    client
        .post(format!("{base}{}", ChartData::PATH))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(serde_qs::to_string(call).unwrap())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_server_function_refuses_what_the_api_refuses() {
    let mut env = TestEnv::new().await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    // The page's selection type, read from its JSON form.
    let selection = |repos: Vec<i64>, orgs: Vec<&str>| {
        serde_json::from_value(serde_json::json!({ "repos": repos, "orgs": orgs })).unwrap()
    };
    let mut out_of_range = ChartControls::for_chart(ChartId::PrStaleness);
    out_of_range.stale_days = 4_000_000;
    let defaults = ChartControls::for_chart(ChartId::PrStaleness);
    for (call, needle, api) in [
        (
            ChartData {
                chart: ChartId::PrStaleness,
                selection: selection(vec![10], vec![]),
                controls: out_of_range,
                retry: false,
            },
            "stale_days must be a whole number from 1 to 120",
            "pr-staleness?repos=10&stale_days=4000000",
        ),
        (
            ChartData {
                chart: ChartId::PrStaleness,
                selection: selection(vec![10, 99], vec![]),
                controls: defaults,
                retry: true,
            },
            "unknown repository id 99",
            "pr-staleness?repos=10,99",
        ),
        (
            ChartData {
                chart: ChartId::PrStaleness,
                selection: selection(vec![], vec!["nobody"]),
                controls: defaults,
                retry: false,
            },
            "unknown org \"nobody\"",
            "pr-staleness?orgs=nobody",
        ),
    ] {
        let (status, error) = error_of(chart_data(&client, &base, &call).await).await;
        assert_eq!(status, 400, "{needle}: {error}");
        assert!(error.contains(needle), "{needle}: {error}");
        let (status, error) = error_of(client.get(format!("{base}/api/v1/charts/{api}")).send().await.unwrap()).await;
        assert_eq!(status, 400, "{api}: {error}");
        assert!(error.contains(needle), "{api}: {error}");
    }
    assert_eq!(env.waiting_jobs().await, 0, "nothing refused was queued");
    // And what both accept, both queue once.
    let fine = ChartData {
        chart: ChartId::PrStaleness,
        selection: selection(vec![10], vec![]),
        controls: defaults,
        retry: false,
    };
    assert_eq!(chart_data(&client, &base, &fine).await.status(), 200);
    assert_eq!(env.waiting_jobs().await, 1);
    env.finish().await;
}

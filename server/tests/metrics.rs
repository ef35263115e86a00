//! /metrics on the web server and the worker, and the worker's probes. A test binary of
//! its own: the counters are per process.

mod support;

use std::time::Duration;

use support::{load_commit_fixture, poll_until_done, TestEnv};

/// The value of one series, named with its labels as the exposition writes them.
fn metric(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {series} in\n{text}"))
}

async fn scrape(client: &reqwest::Client, url: String) -> String {
    let response = client.get(url).send().await.unwrap();
    let content_type = response.headers().get(reqwest::header::CONTENT_TYPE).cloned();
    assert_eq!(content_type.unwrap().to_str().unwrap(), "text/plain; version=0.0.4; charset=utf-8");
    response.text().await.unwrap()
}

#[tokio::test]
async fn web_and_worker_report_cache_use_jobs_and_queue_depth() {
    let worker_addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let mut env = TestEnv::with(|name| (name == "WORKER_METRICS_ADDR").then(|| worker_addr.to_string())).await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    env.start_worker();
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/charts/commits-over-time?repos=10,11");
    poll_until_done(&client, &url, Duration::from_secs(30)).await;
    client.get(&url).send().await.unwrap();

    let internal = env.metrics_url.clone().expect("the test servers serve metrics");
    assert_eq!(client.get(format!("{base}/metrics")).send().await.unwrap().status(), 404, "not on the public router");
    let web = scrape(&client, format!("{internal}/metrics")).await;
    let chart = "{chart=\"commits-over-time\"}";
    assert!(metric(&web, &format!("explorer_chart_requests_total{chart}")) >= 3.0, "{web}");
    assert!(metric(&web, &format!("explorer_cache_misses_total{chart}")) >= 1.0, "{web}");
    assert!(
        metric(&web, &format!("explorer_cache_hits_total{chart}")) >= 2.0,
        "the last poll and the request after it: {web}"
    );
    assert_eq!(metric(&web, "explorer_jobs_enqueued_total{query=\"commits\"}"), 1.0, "{web}");
    assert_eq!(metric(&web, "explorer_queue_depth"), 0.0);

    let worker = format!("http://{worker_addr}");
    let text = scrape(&client, format!("{worker}/metrics")).await;
    assert_eq!(metric(&text, "explorer_jobs_done_total{query=\"commits\"}"), 1.0, "{text}");
    assert_eq!(metric(&text, "explorer_job_duration_seconds_count{query=\"commits\"}"), 1.0);
    assert_eq!(metric(&text, "explorer_augur_queries_in_flight"), 0.0);
    assert_eq!(client.get(format!("{worker}/healthz")).send().await.unwrap().status(), 200);
    assert_eq!(client.get(format!("{worker}/readyz")).send().await.unwrap().status(), 200);
    env.finish().await;
}

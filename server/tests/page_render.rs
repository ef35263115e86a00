//! A page render waits a bounded time for its charts' jobs, so charts whose queries are
//! fast come in the page itself instead of on the browser's next poll.

mod support;

use std::time::{Duration, Instant};

use app::api::ChartData;
use charts::{ChartControls, ChartId};
use leptos::server_fn::ServerFn;
use support::{load_commit_fixture, TestEnv};

/// The page's cards by the state they were rendered in.
fn states(html: &str) -> (usize, usize) {
    let pending = html.matches(r#"data-state="queued""#).count() + html.matches(r#"data-state="running""#).count();
    (html.matches(r#"data-state="ready""#).count(), pending)
}

#[tokio::test]
async fn a_cold_page_brings_the_charts_whose_jobs_finish_while_it_renders() {
    // Long enough for a loaded machine; the render ends as soon as the last job does.
    let mut env = TestEnv::with(|name| (name == "RENDER_WAIT_MS").then(|| "20000".to_owned())).await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    env.start_worker();
    let started = Instant::now();
    let html = reqwest::get(format!("{base}/contributions?repos=10,11")).await.unwrap().text().await.unwrap();
    let took = started.elapsed();
    let charts = charts::PageSpec::at("/contributions").unwrap().charts.len();
    let (ready, pending) = states(&html);
    assert_eq!((ready, pending), (charts, 0), "every chart drawn in the page");
    assert!(took < Duration::from_secs(15), "the render waited out its limit ({took:?}) instead of the jobs");
    env.finish().await;
}

#[tokio::test]
async fn without_a_worker_the_page_comes_after_its_wait_with_the_charts_pending() {
    let mut env = TestEnv::with(|name| (name == "RENDER_WAIT_MS").then(|| "400".to_owned())).await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let started = Instant::now();
    let html = reqwest::get(format!("{base}/contributions?repos=10")).await.unwrap().text().await.unwrap();
    let took = started.elapsed();
    let charts = charts::PageSpec::at("/contributions").unwrap().charts.len();
    assert_eq!(states(&html), (0, charts));
    // The charts wait side by side, not one after another.
    assert!(took >= Duration::from_millis(400) && took < Duration::from_secs(4), "{took:?}");
    env.finish().await;
}

#[tokio::test]
async fn the_browsers_own_calls_never_wait() {
    let mut env = TestEnv::with(|name| (name == "RENDER_WAIT_MS").then(|| "20000".to_owned())).await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let call = ChartData {
        chart: ChartId::CommitsOverTime,
        selection: serde_json::from_value(serde_json::json!({ "repos": [10], "orgs": [] })).unwrap(),
        controls: ChartControls::for_chart(ChartId::CommitsOverTime),
        retry: false,
    };
    let started = Instant::now();
    let answer = reqwest::Client::new()
        .post(format!("{base}{}", ChartData::PATH))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(serde_qs::to_string(&call).unwrap())
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let body = answer.text().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    assert!(body.contains("queued"), "{body}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    env.finish().await;
}

/// Reads the event stream until `want` was told finished; returns everything read.
async fn read_until(stream: &mut reqwest::Response, read: &mut String, want: &str) {
    let told = format!("event: finished\ndata: {want}\n");
    while !read.contains(&told) {
        let chunk = tokio::time::timeout(Duration::from_secs(20), stream.chunk()).await;
        let chunk = chunk.expect("an event in time").unwrap().unwrap_or_else(|| panic!("stream ended: {read}"));
        read.push_str(std::str::from_utf8(&chunk).unwrap());
    }
}

#[tokio::test]
async fn the_event_stream_tells_each_chart_as_its_job_finishes_then_ends() {
    let mut env = TestEnv::new().await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let queued = client.get(format!("{base}/api/v1/charts/commits-over-time?repos=10")).send().await.unwrap();
    assert_eq!(queued.status(), 202);

    let url = format!("{base}/api/v1/events?charts=commits-over-time,activity-cycle,prs-over-time&repos=10");
    let mut stream = client.get(&url).send().await.unwrap();
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    assert_eq!(stream.headers()["x-accel-buffering"], "no");
    // A chart with no job pending is told at once: the page's next ask queues or reads it.
    let mut read = String::new();
    read_until(&mut stream, &mut read, "prs-over-time").await;
    assert!(!read.contains("commits-over-time"), "told before its job ran: {read}");

    // Both charts of the commits query are told when its one job finishes.
    assert!(env.run_one_job().await);
    read_until(&mut stream, &mut read, "commits-over-time").await;
    read_until(&mut stream, &mut read, "activity-cycle").await;
    // Everything told: the stream ends by itself.
    let end = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(chunk) = stream.chunk().await.unwrap() {
            read.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    });
    assert!(end.await.is_ok(), "the stream stayed open: {read}");
    assert_eq!(read.matches("event: finished").count(), 3, "{read}");

    for (query, needle) in [
        ("charts=nope&repos=10", r#"unknown chart \"nope\""#),
        ("repos=10", "no charts given"),
        ("charts=commits-over-time&repos=10&x=1", r#"unknown parameter \"x\""#),
        ("charts=commits-over-time", "no repositories given"),
    ] {
        let refused = client.get(format!("{base}/api/v1/events?{query}")).send().await.unwrap();
        assert_eq!(refused.status(), 400, "{query}");
        let body = refused.text().await.unwrap();
        assert!(body.contains(needle), "{query}: {body}");
    }
    env.finish().await;
}

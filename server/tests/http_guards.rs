//! The guards every request passes, against the real server: security headers, slow
//! clients cut off, cross-site writes refused, bodies bounded.

mod support;

use std::time::{Duration, Instant};

use app::api::ChartData;
use leptos::server_fn::ServerFn;
use support::{load_commit_fixture, TestEnv};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn pages_and_answers_carry_the_security_headers() {
    let mut env = TestEnv::new().await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();

    let page = client.get(format!("{base}/contributions?repos=10")).send().await.unwrap();
    let policy = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    assert_eq!(page.headers()["referrer-policy"], "strict-origin-when-cross-origin");
    let html = page.text().await.unwrap();
    // Every inline script carries this render's nonce, which the policy names.
    let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect(&policy);
    assert!(policy.contains("'wasm-unsafe-eval'") && policy.contains("frame-ancestors 'none'"), "{policy}");
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert!(!scripts.is_empty(), "the page hydrates through scripts");
    for script in scripts {
        let tag = script.split('>').next().unwrap();
        assert!(
            tag.contains("src=") || tag.contains(&format!("nonce=\"{nonce}\"")),
            "a script without the nonce: {tag}"
        );
    }
    let other = client.get(format!("{base}/contributions?repos=10")).send().await.unwrap();
    assert_ne!(other.headers()["content-security-policy"].to_str().unwrap(), policy, "a nonce per render");

    let api = client.get(format!("{base}/api/v1/charts")).send().await.unwrap();
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
    assert!(api.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    env.finish().await;
}

/// Reads until the server closes the connection or `limit` passes; what it sent.
async fn read_until_closed(stream: &mut tokio::net::TcpStream, limit: Duration) -> Option<String> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let read_all = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(limit, read_all).await.ok()?;
    Some(String::from_utf8_lossy(&seen).into_owned())
}

#[tokio::test]
async fn a_client_trickling_its_headers_is_cut_off() {
    let mut env = TestEnv::with(|name| (name == "HEADER_READ_TIMEOUT_MS").then(|| "600".to_owned())).await;
    let base = env.start_server().await;
    let addr = base.trim_start_matches("http://").to_owned();

    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let started = Instant::now();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    // One header line every 200 ms, never the blank line: a slowloris.
    let trickle = async {
        for i in 0.. {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if slow.write_all(format!("X-Slow-{i}: y\r\n").as_bytes()).await.is_err() {
                return;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), trickle).await;
    let cut_after = started.elapsed();
    assert!(cut_after < Duration::from_secs(3), "a slow client held its connection for {cut_after:?}");
    assert!(cut_after >= Duration::from_millis(500), "cut off before the deadline: {cut_after:?}");

    // An idle keep-alive connection is closed too, after its answer.
    let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let answered = read_until_closed(&mut idle, Duration::from_secs(3)).await.expect("the idle connection stays open");
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");

    // A client that sends its request at once is served as before.
    let ok = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(ok.status(), 200);
    env.finish().await;
}

#[tokio::test]
async fn cross_site_writes_are_refused() {
    let mut env = TestEnv::new().await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let host = base.trim_start_matches("http://").to_owned();
    let client = reqwest::Client::new();
    let retry = format!("{base}/api/v1/charts/commits-over-time/retry?repos=10");

    let forged = client.post(&retry).header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(forged.status(), 403);
    let body: serde_json::Value = forged.json().await.unwrap();
    assert_eq!(body["error"], "requests from other sites are refused");
    let fetched = client.post(&retry).header("sec-fetch-site", "cross-site").send().await.unwrap();
    assert_eq!(fetched.status(), 403);
    let server_fn = client
        .post(format!("{base}{}", ChartData::PATH))
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("chart=commits-over-time")
        .send()
        .await
        .unwrap();
    assert_eq!(server_fn.status(), 403);
    assert_eq!(env.waiting_jobs().await, 0, "nothing forged was queued");

    let own = client
        .post(&retry)
        .header("origin", format!("http://{host}"))
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 202);
    // Reading stays open to any site: the API is public.
    let read = client.get(retry.replace("/retry", "")).header("origin", "https://elsewhere.example").send().await;
    assert_eq!(read.unwrap().status(), 202);
    env.finish().await;
}

#[tokio::test]
async fn a_large_body_is_refused() {
    let mut env = TestEnv::with(|name| (name == "MAX_BODY_BYTES").then(|| "4096".to_owned())).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let response = client
        .post(format!("{base}{}", ChartData::PATH))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("x".repeat(10_000))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    env.finish().await;
}

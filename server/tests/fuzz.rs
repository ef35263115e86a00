//! Thousands of generated malformed and hostile requests against the real server, to the
//! JSON API and to the page's server function: none may get a 5xx, every 4xx must carry a
//! sentence, and no answer may carry Redis', the queue's or the database's own text.
//! Generated from a fixed seed (the run is the same every time; FUZZ_SEED picks another),
//! bounded in count and time.

mod support;

use std::time::{Duration, Instant};

use app::api::ChartData;
use leptos::server_fn::ServerFn;
use serde_json::Value;
use support::{load_commit_fixture, TestEnv};

/// A small, seeded generator (xorshift64*): enough to spread requests over the space.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// A value as an attacker or a broken client sends one.
    fn value(&mut self) -> String {
        match self.below(12) {
            0 => String::new(),
            1 => self.next().to_string(),
            2 => format!("-{}", self.below(1000)),
            3 => "99999999999999999999999999".to_owned(),
            4 => self.pick(&["10", "11", "10,11", "12", "0", "1", "3", "120", "121", "0.5", "1.0"]).to_owned(),
            5 => self.pick(&["week", "month", "day", "year", "quarter", "hide", "show", "maybe"]).to_owned(),
            6 => self.pick(&["2024-01-01", "2024-13-01", "0000-00-00", "9999-12-31", "yesterday"]).to_owned(),
            7 => "chaoss,".repeat(self.below(400)),
            8 => (0..self.below(300)).map(|i| (i % 50 + 1).to_string()).collect::<Vec<_>>().join(","),
            9 => self
                .pick(&["%00", "%ff%fe", "'; DROP TABLE repo; --", "<script>alert(1)</script>", "{{7*7}}", "\u{202e}x"])
                .to_owned(),
            10 => "x".repeat(self.below(3000)),
            _ => format!("{},{}", self.value(), self.value()),
        }
    }
}

const PARAMS: &[&str] = &[
    "repos",
    "orgs",
    "format",
    "bots",
    "from",
    "to",
    "interval",
    "staling_days",
    "stale_days",
    "response_days",
    "top_k",
    "window_months",
    "step_months",
    "threshold_pct",
    "view",
    "action",
    "exclude",
    "repo",
    "weight_pr_merged",
    "contributions_required",
    "q",
    "limit",
    "",
    "repos[]",
    "__proto__",
];
const SLUGS: &[&str] = &[
    "commits-over-time",
    "pr-staleness",
    "issue-staleness",
    "org-activity",
    "project-velocity",
    "bus-factor",
    "ossf-scorecard",
    "pie-in-the-sky",
    "..",
    "%2e%2e",
    "commits-over-time%00",
];
const CONTROL_FIELDS: &[&str] =
    &["interval", "hide_bots", "from", "to", "staling_days", "stale_days", "choice", "top_k", "repo", "window_months"];

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b',' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// One generated request.
fn request(gen: &mut Gen, client: &reqwest::Client, base: &str) -> (String, reqwest::RequestBuilder) {
    let query = |gen: &mut Gen| {
        (0..gen.below(6))
            .map(|_| format!("{}={}", encode(gen.pick(PARAMS)), encode(&gen.value())))
            .collect::<Vec<_>>()
            .join("&")
    };
    match gen.below(5) {
        0 | 1 => {
            let url = format!("{base}/api/v1/charts/{}?{}", gen.pick(SLUGS), query(gen));
            (format!("GET {url}"), client.get(url))
        }
        2 => {
            let url = format!("{base}/api/v1/charts/{}/retry?{}", gen.pick(SLUGS), query(gen));
            (format!("POST {url}"), client.post(url))
        }
        3 => {
            let url = format!("{base}/api/v1/repos?{}", query(gen));
            (format!("GET {url}"), client.get(url))
        }
        _ => {
            // The page's server function, with fields as a tampered page might post them.
            let mut fields = vec![format!("chart={}", encode(gen.pick(SLUGS)))];
            for i in 0..gen.below(5) {
                fields.push(format!("selection[repos][{i}]={}", encode(&gen.value())));
            }
            if gen.below(2) == 0 {
                fields.push(format!("selection[orgs][0]={}", encode(&gen.value())));
            }
            for _ in 0..gen.below(8) {
                fields.push(format!("controls[{}]={}", gen.pick(CONTROL_FIELDS), encode(&gen.value())));
            }
            fields.push(format!("retry={}", gen.pick(&["true", "false", "2"])));
            // Now and then one field dropped or the order shuffled.
            if gen.below(4) == 0 {
                let at = gen.below(fields.len());
                fields.remove(at);
            }
            let body = fields.join("&");
            let url = format!("{base}{}", ChartData::PATH);
            let call = client.post(url).header("content-type", "application/x-www-form-urlencoded").body(body.clone());
            (format!("POST server fn {body}"), call)
        }
    }
}

/// Words that would mean a dependency's own error text reached the client.
const RAW_TEXT: &[&str] = &["redis", "apalis", "sqlx", "postgres", "panicked", "Error {", "os error"];

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hostile_requests_never_get_a_5xx_and_every_4xx_says_why() {
    let mut env = TestEnv::with(|name| match name {
        // One client sends everything: no per-client or queue limit may turn a 202 into a 429/503.
        "JOBS_PER_CLIENT_PER_MINUTE" | "JOB_BURST_PER_CLIENT" | "QUEUE_MAX_WAITING" => Some("1000000".to_owned()),
        _ => None,
    })
    .await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    let seed = std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_1234_abcd_0001u64);
    let count: usize = std::env::var("FUZZ_REQUESTS").ok().and_then(|s| s.parse().ok()).unwrap_or(4_000);
    let mut gen = Gen(seed);
    let requests: Vec<(String, reqwest::RequestBuilder)> =
        (0..count).map(|_| request(&mut gen, &client, &base)).collect();

    // Eight clients at once, each sending its share in turn.
    let started = Instant::now();
    let mut lanes: Vec<Vec<(String, reqwest::RequestBuilder)>> = (0..8).map(|_| Vec::new()).collect();
    for (i, request) in requests.into_iter().enumerate() {
        lanes[i % 8].push(request);
    }
    let tasks: Vec<_> = lanes
        .into_iter()
        .map(|lane| {
            tokio::spawn(async move {
                let mut seen = Vec::new();
                for (what, request) in lane {
                    let response = request.send().await.unwrap_or_else(|e| panic!("{what}: no answer: {e}"));
                    let status = response.status().as_u16();
                    let kind = response.headers().get("content-type").map(|v| v.to_str().unwrap_or("").to_owned());
                    let body = response.text().await.unwrap_or_default();
                    seen.push((what, status, kind.unwrap_or_default(), body));
                }
                seen
            })
        })
        .collect();
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for task in tasks {
        for (what, status, kind, body) in task.await.unwrap() {
            *statuses.entry(status).or_default() += 1;
            assert!(status < 500, "{what} got {status}: {body}");
            let lower = body.to_lowercase();
            for raw in RAW_TEXT {
                assert!(!lower.contains(&raw.to_lowercase()), "{what} answered with raw text {raw:?}: {body}");
            }
            // A path that leaves the API's routes (`..` resolved) gets the page's 404.
            if status == 404 && kind.starts_with("text/html") {
                assert!(body.contains("<h1>Page not found</h1>"), "{what}: {body}");
            } else if (400..500).contains(&status) {
                assert!(kind.starts_with("application/json"), "{what} got {status} as {kind}: {body}");
                let error: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{what}: {body}"));
                let sentence = error["error"].as_str().unwrap_or_default();
                assert!(
                    sentence.len() >= 10 && error["kind"].is_string(),
                    "{what} got {status} without a sentence: {body}"
                );
            }
        }
    }
    let took = started.elapsed();
    println!("fuzz: {count} requests (seed {seed:#x}) in {took:?}; statuses {statuses:?}");
    assert!(took < Duration::from_secs(240), "the run took {took:?}");
    // The server is still whole afterwards.
    assert_eq!(client.get(format!("{base}/healthz")).send().await.unwrap().status(), 200);
    env.finish().await;
}

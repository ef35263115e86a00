//! A bounded flood of distinct cold selections from one client, against the real server on
//! a private Redis: the client gets 429s past its allowance, the queue stays within its
//! cap, Redis grows by a bounded amount, and another client's cached chart keeps answering
//! at its usual speed meanwhile.

mod support;

use std::time::{Duration, Instant};

use support::{free_port, RedisProcess, TestEnv};

const REPOS: i64 = 40;
const FLOOD: usize = 300;
const BURST: u64 = 20;
const QUEUE_CAP: u64 = 30;
/// What the flood may add to Redis: the queued jobs and their statuses (a few KB each).
const REDIS_GROWTH_BOUND: i64 = 2 << 20;

async fn used_memory(conn: &mut redis::aio::ConnectionManager) -> i64 {
    let info: String = redis::cmd("INFO").arg("memory").query_async(conn).await.unwrap();
    let line = info.lines().find(|l| l.starts_with("used_memory:")).unwrap();
    line["used_memory:".len()..].trim().parse().unwrap()
}

fn p99(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[(times.len() * 99 / 100).min(times.len() - 1)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_of_cold_selections_is_refused_without_hurting_other_clients() {
    let port = free_port();
    let _redis = RedisProcess::start(port);
    let mut env = TestEnv::with(|name| match name {
        "REDIS_URL" => Some(format!("redis://127.0.0.1:{port}/")),
        "TRUSTED_PROXY_HEADER" => Some("x-forwarded-for".to_owned()),
        "JOB_BURST_PER_CLIENT" => Some(BURST.to_string()),
        "JOBS_PER_CLIENT_PER_MINUTE" => Some("60".to_owned()),
        "QUEUE_MAX_WAITING" => Some(QUEUE_CAP.to_string()),
        _ => None,
    })
    .await;
    let mut db = env.db().await;
    sqlx::raw_sql("INSERT INTO augur_data.repo_groups (repo_group_id, rg_name) VALUES (1, 'flood')")
        .execute(&mut db)
        .await
        .unwrap();
    for id in 1..=REPOS {
        sqlx::query("INSERT INTO augur_data.repo (repo_id, repo_group_id, repo_git, repo_name) VALUES ($1, 1, $2, $3)")
            .bind(id)
            .bind(format!("https://github.com/flood/r{id}"))
            .bind(format!("r{id}"))
            .execute(&mut db)
            .await
            .unwrap();
    }
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let mut conn = env.cache.connection();
    let started = Instant::now();
    while client.get(format!("{base}/readyz")).send().await.unwrap().status() != 200 {
        assert!(started.elapsed() < Duration::from_secs(10), "Redis did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Alice's chart, computed before the flood; her usual speed for it.
    let alice_url = format!("{base}/api/v1/charts/commits-over-time?repos=1");
    let alice = |c: &reqwest::Client| c.get(&alice_url).header("x-forwarded-for", "203.0.113.5");
    assert_eq!(env.waiting_jobs().await, 0);
    let _ = alice(&client).send().await.unwrap();
    assert!(env.run_one_job().await);
    let mut before = Vec::new();
    for _ in 0..100 {
        let at = Instant::now();
        assert_eq!(alice(&client).send().await.unwrap().status(), 200);
        before.push(at.elapsed());
    }
    let memory_before = used_memory(&mut conn).await;

    // Mallory: distinct pairs of repos, eight at a time.
    let selections: Vec<String> =
        (1..=REPOS).flat_map(|a| ((a + 1)..=REPOS).map(move |b| format!("{a},{b}"))).take(FLOOD).collect();
    let flood: Vec<_> = (0..8)
        .map(|lane| {
            let (client, base) = (client.clone(), base.clone());
            let mine: Vec<String> = selections.iter().skip(lane).step_by(8).cloned().collect();
            tokio::spawn(async move {
                let mut statuses = Vec::new();
                for repos in mine {
                    let url = format!("{base}/api/v1/charts/commits-over-time?repos={repos}");
                    let response = client.get(url).header("x-forwarded-for", "198.51.100.7").send().await.unwrap();
                    statuses.push(response.status().as_u16());
                }
                statuses
            })
        })
        .collect();
    // Meanwhile: Alice's chart, and the queue's depth.
    let mut during = Vec::new();
    let mut deepest = 0;
    while !flood.iter().all(|task| task.is_finished()) {
        let at = Instant::now();
        assert_eq!(alice(&client).send().await.unwrap().status(), 200);
        during.push(at.elapsed());
        deepest = deepest.max(env.waiting_jobs().await);
    }
    let mut statuses = std::collections::BTreeMap::<u16, u64>::new();
    for task in flood {
        for status in task.await.unwrap() {
            *statuses.entry(status).or_default() += 1;
        }
    }
    deepest = deepest.max(env.waiting_jobs().await);
    let growth = used_memory(&mut conn).await - memory_before;
    let (p99_before, p99_during) = (p99(before), p99(during.clone()));
    println!(
        "abuse: {FLOOD} cold selections from one client in {:?}: {statuses:?}; deepest queue {deepest} (cap \
         {QUEUE_CAP}); Redis grew {growth} bytes; the other client's cached chart p99 {p99_before:?} before, \
         {p99_during:?} during ({} requests)",
        started.elapsed(),
        during.len()
    );
    let accepted = statuses.get(&202).copied().unwrap_or(0);
    // The burst, plus at most what refilled (one a second) while the flood ran.
    assert!((BURST..=BURST + 5).contains(&accepted), "{statuses:?}");
    assert_eq!(statuses.get(&429).copied().unwrap_or(0), FLOOD as u64 - accepted, "{statuses:?}");
    assert!(deepest <= QUEUE_CAP, "the queue reached {deepest}");
    assert!(growth < REDIS_GROWTH_BOUND, "Redis grew {growth} bytes");
    assert!(!during.is_empty());
    // The flood and the reader share two cores (and, in CI, the machine with other tests),
    // so the bound is that of a cached answer: well under what any job or Augur query
    // takes. BENCHMARKS.md has the figures measured alone.
    assert!(
        p99_during < Duration::from_millis(250),
        "the other client's p99 went from {p99_before:?} to {p99_during:?}"
    );
    env.finish().await;
}

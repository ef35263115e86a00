//! `cargo xtask bench-chart`: the time of a chart through the JSON API, cold (the cache
//! entry deleted first, so a worker runs the query) and cached.

use explorer::augur::queries::Commits;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use explorer::{Query, RepoSet, ResultKey, Settings};

pub struct ChartBench {
    pub base_url: String,
    pub repos: RepoSet,
    pub requests: usize,
}

pub async fn run(bench: ChartBench, settings: &Settings) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let url = format!(
        "{}/api/v1/charts/commits-over-time?repos={}",
        bench.base_url.trim_end_matches('/'),
        bench.repos.ids().iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    );
    let cache = explorer::Cache::connect(&settings.redis_url, &settings.key_prefix)
        .context("could not connect to the server's Redis (REDIS_URL, CACHE_KEY_PREFIX)")?;
    // Cold means every repo queried again, not assembled from cached per-repo parts.
    for repo in bench.repos.ids() {
        cache.invalidate_repo(*repo).await?;
    }
    let key = ResultKey::new(Query::of::<Commits>(), &bench.repos);
    cache.drop_result(&key).await?;
    cache.clear_status(&key).await?;

    let started = Instant::now();
    loop {
        let response = client.get(&url).send().await?;
        match response.status().as_u16() {
            200 => break,
            202 => tokio::time::sleep(Duration::from_millis(5)).await,
            status => bail!("{url} answered {status}: {}", response.text().await.unwrap_or_default()),
        }
        if started.elapsed() > Duration::from_secs(600) {
            bail!("{url} still pending after 10 minutes");
        }
    }
    let cold = started.elapsed();

    let mut times = Vec::with_capacity(bench.requests);
    let mut bytes = 0;
    for _ in 0..bench.requests {
        let started = Instant::now();
        let body = client.get(&url).send().await?.error_for_status()?.bytes().await?;
        times.push(started.elapsed());
        bytes = body.len();
    }
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!("chart commits-over-time, {} repos, response {} bytes", bench.repos.ids().len(), bytes);
    println!("cold (request to ready, 5 ms polling): {:.1} ms", cold.as_secs_f64() * 1e3);
    println!(
        "cached, {} sequential requests: p50 {:.2} ms, p99 {:.2} ms",
        times.len(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3
    );
    Ok(())
}

/// `cargo xtask bench-jobs`: enqueue-to-start latency of jobs on an idle worker, and the
/// job time beyond the SQL, from the timings the worker records.
pub struct JobBench {
    pub base_url: String,
    pub repos: Vec<i64>,
    pub jobs: usize,
}

pub async fn run_jobs(bench: JobBench, settings: &Settings) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let cache = explorer::Cache::connect(&settings.redis_url, &settings.key_prefix)
        .context("could not connect to the server's Redis (REDIS_URL, CACHE_KEY_PREFIX)")?;
    for i in 0..bench.jobs {
        // One repo at a time, dropped from the cache first: each request is one cold job,
        // sent when the previous one is done, so the worker is idle when it arrives.
        let repo = bench.repos[i % bench.repos.len()];
        cache.invalidate_repo(repo).await?;
        let url = format!("{}/api/v1/charts/commits-over-time?repos={repo}", bench.base_url.trim_end_matches('/'));
        let started = Instant::now();
        loop {
            let response = client.get(&url).send().await?;
            match response.status().as_u16() {
                200 => break,
                202 => tokio::time::sleep(Duration::from_millis(2)).await,
                status => bail!("{url} answered {status}: {}", response.text().await.unwrap_or_default()),
            }
            if started.elapsed() > Duration::from_secs(120) {
                bail!("{url} still pending after 2 minutes");
            }
        }
    }
    // The worker records a job's timings just after caching its result.
    let waited = Instant::now();
    let timings = loop {
        let timings: Vec<_> = cache.job_timings().await?.into_iter().take(bench.jobs).collect();
        if timings.len() == bench.jobs {
            break timings;
        }
        if waited.elapsed() > Duration::from_secs(5) {
            bail!("the worker recorded {} job timings, expected {}", timings.len(), bench.jobs);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let mut waits: Vec<Duration> = timings.iter().map(|t| t.0).collect();
    waits.sort();
    let at = |q: f64| waits[((waits.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e3;
    let query: Duration = timings.iter().map(|t| t.1).sum();
    let total: Duration = timings.iter().map(|t| t.2).sum();
    println!("{} cold jobs, one at a time, on an idle worker", timings.len());
    println!("enqueue to start: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms", at(0.5), at(0.99), at(1.0));
    println!(
        "job time {:.1} ms of which SQL {:.1} ms (mean per job): overhead beyond the SQL {:.1} %",
        total.as_secs_f64() * 1e3 / timings.len() as f64,
        query.as_secs_f64() * 1e3 / timings.len() as f64,
        (total.as_secs_f64() / query.as_secs_f64() - 1.0) * 100.0
    );
    Ok(())
}

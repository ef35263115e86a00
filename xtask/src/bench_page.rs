//! `cargo xtask bench-page`: one page of the registry (the Contributions page unless told)
//! for one org. Cold: every repo of the org dropped from the cache, then all of the page's
//! charts asked for at once through the JSON API until each is ready. Warm: the server-side
//! render of the page, timed to the last byte of the streamed HTML.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use charts::PageSpec;
use explorer::{Cache, Settings};

pub struct PageBench {
    pub base_url: String,
    pub org: String,
    pub requests: usize,
    /// The page's path, as the registry has it.
    pub page: String,
}

pub async fn run(bench: PageBench, settings: &Settings) -> anyhow::Result<()> {
    let base = bench.base_url.trim_end_matches('/');
    let spec = PageSpec::at(&bench.page).with_context(|| {
        let paths: Vec<&str> = charts::PAGES.iter().map(|p| p.path).collect();
        format!("no page at {:?}; pages: {}", bench.page, paths.join(", "))
    })?;
    let db = sqlx::PgPool::connect(&settings.database_url).await.context("could not connect to DATABASE_URL")?;
    let repos: Vec<i64> = sqlx::query_scalar(
        "SELECT r.repo_id FROM augur_data.repo r JOIN augur_data.repo_groups g USING (repo_group_id)
         WHERE g.rg_name = $1 ORDER BY r.repo_id",
    )
    .bind(&bench.org)
    .fetch_all(&db)
    .await?;
    if repos.is_empty() {
        bail!("no repos in the org {:?}", bench.org);
    }
    let ids = repos.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let cache = Cache::connect(&settings.redis_url, &settings.key_prefix)
        .context("could not connect to the server's Redis (REDIS_URL, CACHE_KEY_PREFIX)")?;
    for repo in &repos {
        cache.invalidate_repo(*repo).await?;
    }

    // Cold: every chart asked for at once, as the page does; each polled until ready.
    let client = reqwest::Client::new();
    let started = Instant::now();
    let cold: Vec<_> = spec
        .charts
        .iter()
        .map(|chart| {
            let (client, url) = (client.clone(), format!("{base}/api/v1/charts/{}?repos={ids}", chart.slug()));
            tokio::spawn(async move { ready_after(&client, &url, started).await })
        })
        .collect();
    let mut ready_at = Vec::new();
    for (chart, task) in spec.charts.iter().zip(cold) {
        ready_at.push((chart.slug(), task.await??));
    }
    println!(
        "{} for org {} ({} repos): cold, all {} charts at once",
        spec.path,
        bench.org,
        repos.len(),
        spec.charts.len()
    );
    for (slug, at) in &ready_at {
        println!("  {slug:<26} ready after {:>8.1} ms", at.as_secs_f64() * 1e3);
    }

    // Warm: the page rendered on the server, to the last byte.
    let page = format!("{base}{}?repos={ids}", spec.path);
    let mut times = Vec::with_capacity(bench.requests);
    let mut bytes = 0;
    for _ in 0..bench.requests {
        let started = Instant::now();
        let html = client.get(&page).send().await?.error_for_status()?.text().await?;
        times.push(started.elapsed());
        bytes = html.len();
        let drawn = html.matches("data-state=\"ready\"").count();
        if drawn < spec.charts.len() {
            bail!("the page drew {drawn} of {} charts: is the cache warm?", spec.charts.len());
        }
    }
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e3;
    println!(
        "warm page render, {} sequential requests, {} bytes: p50 {:.1} ms, p99 {:.1} ms",
        times.len(),
        bytes,
        at(0.5),
        at(0.99)
    );
    Ok(())
}

async fn ready_after(client: &reqwest::Client, url: &str, started: Instant) -> anyhow::Result<Duration> {
    loop {
        let response = client.get(url).send().await?;
        match response.status().as_u16() {
            200 => return Ok(started.elapsed()),
            202 => tokio::time::sleep(Duration::from_millis(20)).await,
            status => bail!("{url} answered {status}: {}", response.text().await.unwrap_or_default()),
        }
        if started.elapsed() > Duration::from_secs(900) {
            bail!("{url} still pending after 15 minutes");
        }
    }
}

//! `cargo xtask bench-page`: one page of the registry (the Contributions page unless told)
//! for one org. Cold: every repo of the org dropped from the cache, then all of the page's
//! charts asked for at once through the JSON API until each is ready. Warm: the server-side
//! render of the page, timed to the last byte of the streamed HTML. Cold renders: the org
//! dropped again before each render, which then waits for the page's jobs (RENDER_WAIT_MS),
//! timed against the slowest SQL of those jobs as the worker recorded it.

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
    pub cold_renders: usize,
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

    // The page's distinct queries: one job each.
    let mut queries: Vec<&str> = spec.charts.iter().map(|c| explorer::viz::query_for(*c).name()).collect();
    queries.sort_unstable();
    queries.dedup();
    let chart_urls: Vec<String> =
        spec.charts.iter().map(|chart| format!("{base}/api/v1/charts/{}?repos={ids}", chart.slug())).collect();
    for run in 0..bench.cold_renders {
        for repo in &repos {
            cache.invalidate_repo(*repo).await?;
        }
        let started = Instant::now();
        let html = client.get(&page).send().await?.error_for_status()?.text().await?;
        let render = started.elapsed();
        let drawn = html.matches("data-state=\"ready\"").count();
        let sql = slowest_sql(&cache, &client, &chart_urls, queries.len()).await?;
        println!(
            "cold render {run}: {:.1} ms to the last byte, {drawn} of {} charts drawn in it; slowest SQL of its {} jobs {:.1} ms; render − SQL {:.1} ms",
            render.as_secs_f64() * 1e3,
            spec.charts.len(),
            queries.len(),
            sql.as_secs_f64() * 1e3,
            (render.as_secs_f64() - sql.as_secs_f64()) * 1e3,
        );
    }
    Ok(())
}

/// The longest query time of the page's `jobs` jobs, read once every chart of the page is
/// ready: they are then the newest the worker recorded (just after caching each result).
async fn slowest_sql(
    cache: &Cache,
    client: &reqwest::Client,
    chart_urls: &[String],
    jobs: usize,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    for url in chart_urls {
        ready_after(client, url, started).await?;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let timings = cache.job_timings().await?;
    if timings.len() < jobs {
        bail!("the worker recorded {} job timings, expected {jobs}", timings.len());
    }
    Ok(timings[..jobs].iter().map(|t| t.1).max().unwrap_or_default())
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

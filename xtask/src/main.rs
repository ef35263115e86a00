//! `cargo xtask seed ...` loads the demo database; `cargo xtask bench-chart ...` times a chart.

use std::{str::FromStr, time::Instant};

use anyhow::{bail, Context};
use chrono::{DurationRound, TimeDelta, Utc};
use sqlx::{postgres::PgConnectOptions, ConnectOptions, Connection};
use xtask::{generate, schema};

const USAGE: &str =
    "usage: cargo xtask seed [--scale tiny|demo|large] [--seed N] [--database-url URL] [--replace] [--keep-existing]

  --scale          tiny (tests), demo (default) or large (benchmarks)
  --seed           the generator's seed (default 1); the same seed gives the same data
  --database-url   where to load (default: $DATABASE_URL, else the project-local demo database)
  --replace        drop an existing augur_data schema first (never use on a real Augur)
  --keep-existing  leave a database that already holds augur_data as it is, and succeed

bench-chart times commits-over-time through the JSON API of a running server and worker:
cold (its cache entry deleted first) and cached. It reads REDIS_URL and CACHE_KEY_PREFIX like
the server. --repos defaults to 25480,25485 (the demo's chaoss/augur and kubernetes/kubernetes).

bench-jobs drops one repo at a time from the cache and asks for its chart, N times, then reads
the timings the worker recorded: enqueue-to-start latency and job time beyond the SQL.
--repos defaults to the demo's small repos.";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("seed") => seed(&args[1..]).await,
        Some("bench-chart") => bench_chart(&args[1..]).await,
        Some("bench-jobs") => bench_jobs(&args[1..]).await,
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }
}

async fn seed(args: &[String]) -> anyhow::Result<()> {
    let mut scale = generate::Scale::Demo;
    let mut seed = 1u64;
    let mut url = std::env::var("DATABASE_URL").unwrap_or_else(|_| explorer::settings::DEFAULT_DATABASE_URL.to_owned());
    let (mut replace, mut keep_existing) = (false, false);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().with_context(|| format!("{arg} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--scale" => scale = generate::Scale::from_str(value()?).map_err(anyhow::Error::msg)?,
            "--seed" => seed = value()?.parse().context("--seed takes a whole number")?,
            "--database-url" => url = value()?.clone(),
            "--replace" => replace = true,
            "--keep-existing" => keep_existing = true,
            other => bail!("unknown argument {other:?}\n\n{USAGE}"),
        }
    }

    let options = PgConnectOptions::from_str(&url).context("the database URL is not a PostgreSQL URL")?;
    create_database_if_missing(&options).await?;
    let mut conn = options.connect().await.context("could not connect to the database")?;
    if schema::has_augur_data(&mut conn).await? {
        if keep_existing {
            println!("the database already holds augur_data: left as it is");
            return Ok(());
        }
        if !replace {
            bail!(
                "the database already holds an augur_data schema; refusing to touch it. \
                 Pass --replace to drop and reload it (never on a real Augur database)."
            );
        }
        schema::drop(&mut conn).await?;
    }
    let started = Instant::now();
    schema::create(&mut conn).await.context("could not create the schema")?;
    let anchor = Utc::now().duration_trunc(TimeDelta::days(1)).context("today has a start")?;
    let report = generate::seed(&mut conn, scale, seed, anchor).await.context("could not load the data")?;
    println!("seeded the {scale:?} scale in {:.1} s:", started.elapsed().as_secs_f64());
    for (table, rows) in &report.rows {
        println!("  {table:<36} {rows:>10}");
    }
    Ok(())
}

async fn bench_chart(args: &[String]) -> anyhow::Result<()> {
    let mut base_url = None;
    let mut repos = "25480,25485".to_owned();
    let mut requests = 200;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().with_context(|| format!("{arg} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--base-url" => base_url = Some(value()?.clone()),
            "--repos" => repos = value()?.clone(),
            "--requests" => requests = value()?.parse().context("--requests takes a whole number")?,
            other => bail!("unknown argument {other:?}\n\n{USAGE}"),
        }
    }
    let bench = xtask::bench::ChartBench {
        base_url: base_url.with_context(|| format!("--base-url is required\n\n{USAGE}"))?,
        repos: explorer::RepoSet::parse(&repos)?,
        requests: requests.max(1),
    };
    let settings = explorer::Settings::from_env()?;
    xtask::bench::run(bench, &settings).await
}

async fn bench_jobs(args: &[String]) -> anyhow::Result<()> {
    let mut base_url = None;
    let mut repos = "25481,25482,25483,25484,25486,25487,25488,25489,25490".to_owned();
    let mut jobs = 200;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().with_context(|| format!("{arg} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--base-url" => base_url = Some(value()?.clone()),
            "--repos" => repos = value()?.clone(),
            "--jobs" => jobs = value()?.parse().context("--jobs takes a whole number")?,
            other => bail!("unknown argument {other:?}\n\n{USAGE}"),
        }
    }
    let bench = xtask::bench::JobBench {
        base_url: base_url.with_context(|| format!("--base-url is required\n\n{USAGE}"))?,
        repos: explorer::RepoSet::parse(&repos)?.ids().to_vec(),
        jobs: jobs.max(1),
    };
    xtask::bench::run_jobs(bench, &explorer::Settings::from_env()?).await
}

async fn create_database_if_missing(options: &PgConnectOptions) -> anyhow::Result<()> {
    let name = options.get_database().unwrap_or("postgres").to_owned();
    let mut admin = options.clone().database("postgres").connect().await.context("could not connect to PostgreSQL")?;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(&name)
        .fetch_one(&mut admin)
        .await?;
    if !exists {
        sqlx::raw_sql(&format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\""))).execute(&mut admin).await?;
        println!("created database {name}");
    }
    admin.close().await?;
    Ok(())
}

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
--repos defaults to the demo's small repos.

bench-page --org NAME drops the org's repos from the cache, asks for every Contributions chart
at once until all are ready (cold), then times --requests server-side renders of the page (warm).
It reads DATABASE_URL (to list the org's repos), REDIS_URL and CACHE_KEY_PREFIX.

bench-search [--repos 100000] [--orgs 5000] [--queries 2000] builds the repo and org search
index over a synthetic catalog in memory (no database) and times a fixed mix of --queries
typeahead queries (limit 20): build time, then p50/p99/max per kind of query. Run it --release.";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("seed") => seed(&args[1..]).await,
        Some("bench-chart") => bench_chart(&args[1..]).await,
        Some("bench-jobs") => bench_jobs(&args[1..]).await,
        Some("bench-page") => bench_page(&args[1..]).await,
        Some("bench-search") => bench_search(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }
}

async fn seed(args: &[String]) -> anyhow::Result<()> {
    let flags = Flags::parse(args, &["--scale", "--seed", "--database-url"], &["--replace", "--keep-existing"])?;
    let scale = generate::Scale::from_str(flags.value("--scale").unwrap_or("demo")).map_err(anyhow::Error::msg)?;
    let seed: u64 = flags.number("--seed", 1)?;
    let url = match flags.value("--database-url") {
        Some(url) => url.to_owned(),
        None => std::env::var("DATABASE_URL").unwrap_or_else(|_| explorer::settings::DEFAULT_DATABASE_URL.to_owned()),
    };
    let (replace, keep_existing) = (flags.has("--replace"), flags.has("--keep-existing"));

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
    let flags = Flags::parse(args, &["--base-url", "--repos", "--requests"], &[])?;
    let bench = xtask::bench::ChartBench {
        base_url: flags.required("--base-url")?,
        repos: explorer::RepoSet::parse(flags.value("--repos").unwrap_or("25480,25485"))?,
        requests: flags.number("--requests", 200)?.max(1),
    };
    xtask::bench::run(bench, &explorer::Settings::from_env()?).await
}

async fn bench_jobs(args: &[String]) -> anyhow::Result<()> {
    let flags = Flags::parse(args, &["--base-url", "--repos", "--jobs"], &[])?;
    let repos = flags.value("--repos").unwrap_or("25481,25482,25483,25484,25486,25487,25488,25489,25490");
    let bench = xtask::bench::JobBench {
        base_url: flags.required("--base-url")?,
        repos: explorer::RepoSet::parse(repos)?.ids().to_vec(),
        jobs: flags.number("--jobs", 200)?.max(1),
    };
    xtask::bench::run_jobs(bench, &explorer::Settings::from_env()?).await
}

async fn bench_page(args: &[String]) -> anyhow::Result<()> {
    let flags = Flags::parse(args, &["--base-url", "--org", "--requests"], &[])?;
    let bench = xtask::bench_page::PageBench {
        base_url: flags.required("--base-url")?,
        org: flags.required("--org")?,
        requests: flags.number("--requests", 100)?.max(1),
    };
    xtask::bench_page::run(bench, &explorer::Settings::from_env()?).await
}

fn bench_search(args: &[String]) -> anyhow::Result<()> {
    let flags = Flags::parse(args, &["--repos", "--orgs", "--queries"], &[])?;
    let bench = xtask::bench_search::SearchBench {
        repos: flags.number("--repos", 100_000)?,
        orgs: flags.number("--orgs", 5_000)?,
        queries: flags.number("--queries", 2_000)?.max(1),
    };
    xtask::bench_search::run(bench)
}

/// A command's `--name value` and `--switch` arguments, checked against what it accepts.
struct Flags {
    values: Vec<(String, String)>,
    switches: Vec<String>,
}

impl Flags {
    fn parse(args: &[String], with_value: &[&str], switches: &[&str]) -> anyhow::Result<Flags> {
        let mut flags = Flags { values: Vec::new(), switches: Vec::new() };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            if with_value.contains(&arg.as_str()) {
                let value = it.next().with_context(|| format!("{arg} needs a value\n\n{USAGE}"))?;
                flags.values.push((arg.clone(), value.clone()));
            } else if switches.contains(&arg.as_str()) {
                flags.switches.push(arg.clone());
            } else {
                bail!("unknown argument {arg:?}\n\n{USAGE}");
            }
        }
        Ok(flags)
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.values.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn required(&self, name: &str) -> anyhow::Result<String> {
        self.value(name).map(str::to_owned).with_context(|| format!("{name} is required\n\n{USAGE}"))
    }

    fn number<T: FromStr>(&self, name: &str, default: T) -> anyhow::Result<T> {
        match self.value(name) {
            Some(text) => text.parse().map_err(|_| anyhow::anyhow!("{name} takes a whole number (got {text:?})")),
            None => Ok(default),
        }
    }

    fn has(&self, name: &str) -> bool {
        self.switches.iter().any(|s| s == name)
    }
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

//! `cargo xtask seed ...` loads the demo database; `cargo xtask bench-chart ...` times a chart.

use std::{str::FromStr, time::Instant};

use anyhow::{bail, Context};
use chrono::{DurationRound, TimeDelta, Utc};
use clap::{Parser, Subcommand};
use explorer::RepoSet;
use sqlx::{postgres::PgConnectOptions, ConnectOptions, Connection};
use xtask::{generate, schema};

/// Developer tasks: the demo database and the benchmarks.
#[derive(Parser)]
#[command(name = "xtask", bin_name = "cargo xtask", args_override_self = true)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Create the part of Augur's schema the app reads and load deterministic synthetic data
    Seed(Seed),
    /// Time commits-over-time through the JSON API of a running server and worker
    ///
    /// Cold (its cache entry deleted first) and cached. It reads REDIS_URL and
    /// CACHE_KEY_PREFIX like the server.
    BenchChart {
        /// The running web server, e.g. http://127.0.0.1:3000
        #[arg(long, value_name = "URL")]
        base_url: String,
        /// The selection (the demo's chaoss/augur and kubernetes/kubernetes)
        #[arg(long, value_name = "ID,ID", default_value = "25480,25485", value_parser = RepoSet::parse)]
        repos: RepoSet,
        #[arg(long, value_name = "N", default_value_t = 200)]
        requests: usize,
    },
    /// Time job overheads: enqueue-to-start latency and job time beyond the SQL
    ///
    /// Drops one repo at a time from the cache and asks for its chart, N times, then reads
    /// the timings the worker recorded.
    BenchJobs {
        /// The running web server, e.g. http://127.0.0.1:3000
        #[arg(long, value_name = "URL")]
        base_url: String,
        /// The repos to take turns with (the demo's small repos)
        #[arg(
            long,
            value_name = "ID,ID",
            default_value = "25481,25482,25483,25484,25486,25487,25488,25489,25490",
            value_parser = RepoSet::parse
        )]
        repos: RepoSet,
        #[arg(long, value_name = "N", default_value_t = 200)]
        jobs: usize,
    },
    /// Time a page of an org, cold and warm
    ///
    /// Drops the org's repos from the cache, asks for every chart of the page at once until
    /// all are ready (cold), then times --requests server-side renders of the page (warm).
    /// It reads DATABASE_URL (to list the org's repos), REDIS_URL and CACHE_KEY_PREFIX.
    BenchPage {
        /// The running web server, e.g. http://127.0.0.1:3000
        #[arg(long, value_name = "URL")]
        base_url: String,
        #[arg(long, value_name = "NAME")]
        org: String,
        #[arg(long, value_name = "N", default_value_t = 100)]
        requests: usize,
        /// The page's path, e.g. /contributors/behavior
        #[arg(long, value_name = "PATH", default_value = "/contributions")]
        page: String,
        /// Then this many cold renders of the page (the org dropped from the cache before
        /// each), each timed to its last byte against the slowest SQL of its jobs
        #[arg(long, value_name = "N", default_value_t = 0)]
        cold_renders: usize,
    },
    /// Time reading a large selection's result kept as a reference to its parts, against a copy
    ///
    /// The parts must be cached (ask for a chart of the selection first). It reads REDIS_URL
    /// and CACHE_KEY_PREFIX like the server.
    BenchReference {
        /// The query whose parts to read (commits, prs, issues, ...)
        #[arg(long, value_name = "NAME", default_value = "commits", value_parser = parse_query)]
        query: explorer::Query,
        #[arg(long, value_name = "ID,ID", value_parser = RepoSet::parse)]
        repos: RepoSet,
        #[arg(long, value_name = "N", default_value_t = 50)]
        reads: usize,
    },
    /// Time the repo and org search index over a synthetic catalog in memory
    ///
    /// No database. Builds the index, then times a fixed mix of --queries typeahead queries
    /// (limit 20): build time, then p50/p99/max per kind of query. Run it --release.
    BenchSearch {
        #[arg(long, value_name = "N", default_value_t = 100_000)]
        repos: usize,
        #[arg(long, value_name = "N", default_value_t = 5_000)]
        orgs: usize,
        #[arg(long, value_name = "N", default_value_t = 2_000)]
        queries: usize,
    },
}

#[derive(clap::Args)]
struct Seed {
    /// tiny (tests), demo or large (benchmarks)
    #[arg(long, value_name = "tiny|demo|large", default_value = "demo")]
    scale: generate::Scale,
    /// The generator's seed; the same seed gives the same data
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// Where to load (else the project-local demo database)
    #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true,
          default_value = explorer::settings::DEFAULT_DATABASE_URL)]
    database_url: String,
    /// Drop an existing augur_data schema first (never use on a real Augur)
    #[arg(long)]
    replace: bool,
    /// Leave a database that already holds augur_data as it is, and succeed
    #[arg(long)]
    keep_existing: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().task {
        Task::Seed(args) => seed(args).await,
        Task::BenchChart { base_url, repos, requests } => {
            let bench = xtask::bench::ChartBench { base_url, repos, requests: requests.max(1) };
            xtask::bench::run(bench, &explorer::Settings::from_env()?).await
        }
        Task::BenchJobs { base_url, repos, jobs } => {
            let bench = xtask::bench::JobBench { base_url, repos: repos.ids().to_vec(), jobs: jobs.max(1) };
            xtask::bench::run_jobs(bench, &explorer::Settings::from_env()?).await
        }
        Task::BenchPage { base_url, org, requests, page, cold_renders } => {
            let bench = xtask::bench_page::PageBench { base_url, org, requests: requests.max(1), page, cold_renders };
            xtask::bench_page::run(bench, &explorer::Settings::from_env()?).await
        }
        Task::BenchReference { query, repos, reads } => {
            let bench = xtask::bench_reference::ReferenceBench { query, repos, reads };
            xtask::bench_reference::run(bench, &explorer::Settings::from_env()?).await
        }
        Task::BenchSearch { repos, orgs, queries } => {
            xtask::bench_search::run(xtask::bench_search::SearchBench { repos, orgs, queries: queries.max(1) })
        }
    }
}

fn parse_query(name: &str) -> Result<explorer::Query, String> {
    explorer::Query::from_name(name).ok_or_else(|| format!("no query is named {name:?}"))
}

async fn seed(args: Seed) -> anyhow::Result<()> {
    let Seed { scale, seed, database_url: url, replace, keep_existing } = args;

    let options = PgConnectOptions::from_str(&url).context("the database URL is not a PostgreSQL URL")?;
    create_database_if_missing(&options).await?;
    let mut conn = options.connect().await.context("could not connect to the database")?;
    if schema::has_augur_data(&mut conn).await? {
        if keep_existing {
            println!("the database already holds augur_data: left as it is");
            schema::grant_reader(&mut conn).await.context("could not grant the read-only role")?;
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
    schema::grant_reader(&mut conn).await.context("could not grant the read-only role")?;
    println!("seeded the {scale:?} scale in {:.1} s:", started.elapsed().as_secs_f64());
    println!("  the app may connect as {} (it can read augur_data and nothing else)", schema::READER_ROLE);
    for (table, rows) in &report.rows {
        println!("  {table:<36} {rows:>10}");
    }
    Ok(())
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

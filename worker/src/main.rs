use anyhow::Context;
use clap::{builder::PossibleValuesParser, builder::TypedValueParser, Parser, Subcommand};
use explorer::{Query, Settings};

/// Runs query jobs from the Redis queue until SIGTERM; settings come from the environment
/// (see the README).
#[derive(Parser)]
#[command(name = "worker")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Drop cached results, so that the next request recomputes them from Augur
    Invalidate(Target),
}

#[derive(clap::Args)]
#[group(required = true, multiple = false)]
struct Target {
    /// Forget everything cached about a repo
    #[arg(long, value_name = "ID")]
    repo: Option<i64>,
    /// Forget everything cached for a query
    #[arg(long, value_name = "NAME", value_parser = query_names())]
    query: Option<Query>,
}

/// The query names as the flag's possible values, which help and errors list.
fn query_names() -> impl TypedValueParser<Value = Query> {
    PossibleValuesParser::new(Query::ALL.iter().map(|q| q.name()))
        .map(|name| Query::from_name(&name).expect("a possible value names a query"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    explorer::logs::init();
    let settings = Settings::from_env().context("invalid settings")?;
    match cli.command {
        None => {
            tracing::info!(?settings, "starting worker");
            worker::run(settings, explorer::shutdown::signal()).await
        }
        Some(Command::Invalidate(target)) => invalidate(&settings, target).await,
    }
}

async fn invalidate(settings: &Settings, target: Target) -> anyhow::Result<()> {
    let cache = explorer::Cache::connect(&settings.redis_url, &settings.key_prefix)?;
    let dropped = match (target.repo, target.query) {
        (Some(repo), _) => cache.invalidate_repo(repo).await?,
        (None, Some(query)) => cache.invalidate_query(query).await?,
        (None, None) => unreachable!("clap requires --repo or --query"),
    };
    println!("invalidated {dropped} cache entries");
    Ok(())
}

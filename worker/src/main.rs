use anyhow::Context;
use explorer::Settings;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    explorer::logs::init();
    let settings = Settings::from_env().context("invalid settings")?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => {
            tracing::info!(?settings, "starting worker");
            worker::run(settings, explorer::shutdown::signal()).await
        }
        Some("invalidate") => invalidate(&settings, &args[1..]).await,
        Some(other) => anyhow::bail!("unknown command {other:?}\n\n{}", usage()),
    }
}

fn usage() -> String {
    let names: Vec<&str> = explorer::Query::ALL.iter().map(|q| q.name()).collect();
    format!(
        "usage: worker                      run jobs until SIGTERM
       worker invalidate --repo ID    forget everything cached about a repo
       worker invalidate --query NAME forget everything cached for a query ({})",
        names.join(", ")
    )
}

/// Drops cached results so that the next request recomputes them from Augur.
async fn invalidate(settings: &Settings, args: &[String]) -> anyhow::Result<()> {
    let cache = explorer::Cache::connect(&settings.redis_url, &settings.key_prefix)?;
    let dropped = match args {
        [flag, repo] if flag == "--repo" => {
            cache.invalidate_repo(repo.parse().with_context(|| format!("{repo:?} is not a repo id"))?).await?
        }
        [flag, name] if flag == "--query" => {
            let query = explorer::Query::from_name(name)
                .with_context(|| format!("no query is named {name:?}\n\n{}", usage()))?;
            cache.invalidate_query(query).await?
        }
        _ => anyhow::bail!("{}", usage()),
    };
    println!("invalidated {dropped} cache entries");
    Ok(())
}

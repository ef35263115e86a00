//! `cargo xtask bench-reference`: what a large selection's result costs to read when kept
//! as a reference to its per-repo parts (MGET the parts, put them side by side, decode)
//! against a full copy under its own key (GET, decode). Both read the same parts, cached
//! before by the running app, in alternation, so the machine's noise hits both alike.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use explorer::{store::codec::CachedResult, Query, RepoSet, Settings};

pub struct ReferenceBench {
    pub query: Query,
    pub repos: RepoSet,
    pub reads: usize,
}

pub async fn run(bench: ReferenceBench, settings: &Settings) -> anyhow::Result<()> {
    let cache = explorer::Cache::connect(&settings.redis_url, &settings.key_prefix)
        .context("could not connect to the server's Redis (REDIS_URL, CACHE_KEY_PREFIX)")?;
    let ids = bench.repos.ids();
    let parts = cache.parts(bench.query, ids).await?;
    let missing = ids.iter().zip(&parts).filter(|(_, p)| p.is_none()).count();
    if missing > 0 {
        bail!("{missing} of the {} repos have no cached part: ask for a chart of the selection first", ids.len());
    }
    let copy = CachedResult::encode_group(&parts.into_iter().flatten().collect::<Vec<_>>());
    let scratch = format!("{}bench:reference-copy", settings.key_prefix);
    let mut conn = cache.connection();
    redis::cmd("SET").arg(&scratch).arg(&copy).arg("EX").arg(600).query_async::<()>(&mut conn).await?;

    let (mut by_copy, mut by_reference) = (Vec::new(), Vec::new());
    let mut rows = 0;
    for _ in 0..bench.reads.max(1) {
        let started = Instant::now();
        let bytes: Vec<u8> = redis::cmd("GET").arg(&scratch).query_async(&mut conn).await?;
        rows = CachedResult::decode(&bytes)?.frame.len();
        by_copy.push(started.elapsed());

        let started = Instant::now();
        let parts: Vec<Vec<u8>> = cache.parts(bench.query, ids).await?.into_iter().flatten().collect();
        let decoded = CachedResult::decode(&CachedResult::encode_group(&parts))?;
        by_reference.push(started.elapsed());
        assert_eq!(decoded.frame.len(), rows, "both reads give the same rows");
    }
    redis::cmd("DEL").arg(&scratch).query_async::<()>(&mut conn).await?;
    let median = |times: &mut Vec<Duration>| {
        times.sort();
        times[times.len() / 2].as_secs_f64() * 1e3
    };
    let (copy_ms, reference_ms) = (median(&mut by_copy), median(&mut by_reference));
    println!(
        "{} result of {} repos: {} bytes, {rows} rows, {} reads each",
        bench.query.name(),
        ids.len(),
        copy.len(),
        by_copy.len()
    );
    println!("copy (GET + decode): median {copy_ms:.2} ms");
    println!("reference (MGET parts + decode): median {reference_ms:.2} ms ({:.2}x)", reference_ms / copy_ms);
    Ok(())
}

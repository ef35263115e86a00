//! Cached results follow Augur's collections: a repo that Augur collected again since its
//! parts were computed has them dropped, so the next request computes them anew and the
//! page's "data as of" moves with the data. One worker of the fleet sweeps periodically;
//! requests never ask Augur about freshness.
//!
//! A sweep reads the repos whose collection status changed since the last sweep (with an
//! overlap for collections that committed late) and drops those it has not yet seen at
//! that collection time. What it has seen lives in Redis, so any worker may sweep next.

use std::time::Duration;

use redis::AsyncCommands;
use sqlx::PgPool;

use crate::{
    store::{now_ms, CacheError},
    Cache,
};

/// Collections whose status row commits up to this long after a later one are still seen.
const OVERLAP: Duration = Duration::from_secs(5 * 60);
/// Repos dropped per round trip.
const BATCH: usize = 200;

/// The latest time any collection phase finished per repo. Augur stamps these with its
/// own clock, without a zone (UTC on its servers); `extract(epoch ...)` of a timestamp
/// without zone reads it as UTC whatever the session's zone.
const CHANGED_SINCE: &str = "
SELECT repo_id,
       (extract(epoch FROM greatest(core_data_last_collected, secondary_data_last_collected,
                                    facade_data_last_collected, ml_data_last_collected)) * 1000)::bigint
  FROM augur_operations.collection_status
 WHERE greatest(core_data_last_collected, secondary_data_last_collected,
                facade_data_last_collected, ml_data_last_collected)
       > (to_timestamp($1::bigint / 1000.0) AT TIME ZONE 'UTC')";

#[derive(Debug, thiserror::Error)]
pub enum FreshnessError {
    #[error("the cache is unavailable: {0}")]
    Cache(#[from] CacheError),
    #[error("could not read Augur's collection status: {0}")]
    Augur(#[from] sqlx::Error),
}

/// What one sweep found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sweep {
    /// Repos whose collection status changed within the window read.
    pub changed: usize,
    /// Repos collected anew since last seen, whose cached data was dropped.
    pub refreshed: Vec<i64>,
    /// Cached results and parts dropped.
    pub dropped: u64,
}

fn seen_key(cache: &Cache) -> String {
    format!("{}freshness:seen", cache.prefix())
}

fn watermark_key(cache: &Cache) -> String {
    format!("{}freshness:watermark", cache.prefix())
}

/// Drops the cached data of every repo Augur collected since it was last seen. On the
/// first sweep nothing has been seen, so every repo collected within `result_ttl` (the
/// oldest a cached part can be) counts as new.
pub async fn sweep(db: &PgPool, cache: &Cache, result_ttl: Duration) -> Result<Sweep, FreshnessError> {
    let mut conn = cache.connection();
    let watermark: Option<i64> = conn.get(watermark_key(cache)).await?;
    let since = watermark.unwrap_or_else(|| now_ms() - result_ttl.as_millis() as i64) - OVERLAP.as_millis() as i64;
    let changed: Vec<(i64, i64)> = sqlx::query_as(CHANGED_SINCE).bind(since).fetch_all(db).await?;
    let mut sweep = Sweep { changed: changed.len(), ..Sweep::default() };
    for batch in changed.chunks(BATCH) {
        let repos: Vec<i64> = batch.iter().map(|(repo, _)| *repo).collect();
        let seen: Vec<Option<i64>> =
            redis::cmd("HMGET").arg(seen_key(cache)).arg(&repos).query_async(&mut conn).await?;
        let refreshed: Vec<i64> = batch
            .iter()
            .zip(seen)
            .filter(|((_, collected), seen)| seen.is_none_or(|seen| *collected > seen))
            .map(|((repo, _), _)| *repo)
            .collect();
        if !refreshed.is_empty() {
            sweep.dropped += cache.invalidate_current(&refreshed).await?;
        }
        // Recorded only once dropped: a sweep cut short drops them again next time.
        conn.hset_multiple::<_, _, _, ()>(seen_key(cache), batch).await?;
        sweep.refreshed.extend(refreshed);
    }
    // The records live as long as a cached part could, renewed by each sweep.
    let keep = result_ttl.as_secs().max(1) as i64 * 2;
    let mut record = redis::pipe();
    if let Some(newest) = changed.iter().map(|(_, collected)| *collected).max() {
        record.set(watermark_key(cache), newest.max(watermark.unwrap_or(i64::MIN))).ignore();
    }
    record.expire(seen_key(cache), keep).ignore().expire(watermark_key(cache), keep).ignore();
    record.query_async::<()>(&mut conn).await?;
    Ok(sweep)
}

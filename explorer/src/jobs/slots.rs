//! The fleet-wide cap on concurrent Augur queries (Augur copes with about eight): a Redis
//! sorted set of holders scored by lease expiry, so that a killed worker's slot frees
//! itself when its lease runs out.

use std::time::Duration;

use redis::Script;

use crate::{store::CacheError, Cache};

/// How long a slot stays held without renewal.
const LEASE: Duration = Duration::from_secs(60);
/// How often a waiting job asks for a slot.
const RETRY: Duration = Duration::from_millis(200);

const ACQUIRE: &str = r"
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  return 1
end
return 0";

/// A held slot; released when dropped (and by its lease, if the process dies).
pub struct Slot {
    cache: Cache,
    holder: String,
    renewal: tokio::task::JoinHandle<()>,
}

fn key(cache: &Cache) -> String {
    format!("{}augur_slots", cache.prefix())
}

fn now_ms() -> i64 {
    crate::store::now_ms()
}

/// Waits for one of `cap` fleet-wide slots.
pub async fn acquire(cache: &Cache, cap: u32, holder: String) -> Result<Slot, CacheError> {
    let script = Script::new(ACQUIRE);
    loop {
        let now = now_ms();
        let got: i32 = script
            .key(key(cache))
            .arg(now)
            .arg(cap)
            .arg(now + LEASE.as_millis() as i64)
            .arg(&holder)
            .invoke_async(&mut cache.connection())
            .await?;
        if got == 1 {
            let renewal = tokio::spawn(renew(cache.clone(), holder.clone()));
            return Ok(Slot { cache: cache.clone(), holder, renewal });
        }
        tokio::time::sleep(RETRY).await;
    }
}

/// Keeps the lease fresh while the query runs.
async fn renew(cache: Cache, holder: String) {
    loop {
        tokio::time::sleep(LEASE / 3).await;
        let expires = now_ms() + LEASE.as_millis() as i64;
        let renewed: Result<(), _> = redis::cmd("ZADD")
            .arg(key(&cache))
            .arg("XX")
            .arg(expires)
            .arg(&holder)
            .query_async(&mut cache.connection())
            .await;
        if let Err(error) = renewed {
            tracing::warn!(%error, "could not renew an Augur query slot");
        }
    }
}

/// Slots held now, fleet-wide.
pub async fn held(cache: &Cache) -> Result<u64, CacheError> {
    redis::cmd("ZCOUNT").arg(key(cache)).arg(now_ms()).arg("+inf").query_async(&mut cache.connection()).await
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.renewal.abort();
        let (cache, holder) = (self.cache.clone(), std::mem::take(&mut self.holder));
        tokio::spawn(async move {
            let released: Result<(), _> =
                redis::cmd("ZREM").arg(key(&cache)).arg(holder).query_async(&mut cache.connection()).await;
            if let Err(error) = released {
                tracing::warn!(%error, "could not release an Augur query slot; its lease will");
            }
        });
    }
}

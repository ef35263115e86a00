//! The fleet-wide cap on concurrent Augur queries (Augur copes with about eight): a Redis
//! sorted set of holders scored by lease expiry, so that a killed worker's slot frees
//! itself when its lease runs out.

use std::time::Duration;

use redis::Script;
use tokio::sync::watch;

use crate::{store::CacheError, Cache};

/// How long a slot stays held without renewal.
pub const LEASE: Duration = Duration::from_secs(60);
/// How often a waiting job asks for a slot.
const RETRY: Duration = Duration::from_millis(200);

/// Drops lapsed leases, then takes a slot if one is free. Renewal runs the same script:
/// a holder whose lease lapsed (a stalled process, Redis unreachable for a while) takes
/// its slot back only while the cap allows, so a renewal never pushes the fleet past it.
const TAKE: &str = r"
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[4]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  return 1
end
return 0";

/// The terms on which jobs share Augur: how many queries at once, fleet-wide, how long a
/// lease lasts unrenewed, and how long a job waits for a slot before it gives up.
#[derive(Clone, Copy, Debug)]
pub struct Slots {
    pub cap: u32,
    pub lease: Duration,
    pub wait: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum SlotError {
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error("no Augur query slot came free within {} s", .0.as_secs())]
    Busy(Duration),
}

/// A held slot; released when dropped (and by its lease, if the process dies).
pub struct Slot {
    cache: Cache,
    holder: String,
    renewal: tokio::task::JoinHandle<()>,
    lost: watch::Receiver<bool>,
}

fn key(cache: &Cache) -> String {
    format!("{}augur_slots", cache.prefix())
}

fn now_ms() -> i64 {
    crate::store::now_ms()
}

impl Slots {
    /// Waits up to `wait` for one of the fleet's slots.
    pub async fn acquire(&self, cache: &Cache, holder: String) -> Result<Slot, SlotError> {
        let deadline = tokio::time::Instant::now() + self.wait;
        loop {
            if self.take(cache, &holder).await? {
                let (signal, lost) = watch::channel(false);
                let renewal = tokio::spawn(renew(*self, cache.clone(), holder.clone(), signal));
                return Ok(Slot { cache: cache.clone(), holder, renewal, lost });
            }
            if tokio::time::Instant::now() + RETRY > deadline {
                return Err(SlotError::Busy(self.wait));
            }
            tokio::time::sleep(RETRY).await;
        }
    }

    async fn take(&self, cache: &Cache, holder: &str) -> Result<bool, CacheError> {
        static SCRIPT: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| Script::new(TAKE));
        let now = now_ms();
        let taken: i32 = SCRIPT
            .key(key(cache))
            .arg(now)
            .arg(self.cap)
            .arg(now + self.lease.as_millis() as i64)
            .arg(holder)
            .invoke_async(&mut cache.connection())
            .await?;
        Ok(taken == 1)
    }
}

/// Keeps the lease fresh while the query runs. A lease that lapsed and whose slot others
/// took meanwhile is lost: the holder hears it and stops its query.
async fn renew(slots: Slots, cache: Cache, holder: String, lost: watch::Sender<bool>) {
    loop {
        tokio::time::sleep(slots.lease / 3).await;
        match slots.take(&cache, &holder).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!("an Augur query slot's lease lapsed and the fleet's slots are taken");
                let _ = lost.send(true);
                return;
            }
            // Redis is away: the lease may lapse meanwhile, which the next renewal learns.
            Err(error) => tracing::warn!(%error, "could not renew an Augur query slot"),
        }
    }
}

impl Slot {
    /// Resolves when the slot is lost: the query holding it must stop, or the fleet would
    /// run more than the cap. Pending for as long as the slot is held.
    pub async fn lost(&mut self) {
        if self.lost.wait_for(|lost| *lost).await.is_err() {
            // The renewal task was aborted: only `drop` does that, so wait forever.
            std::future::pending::<()>().await;
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

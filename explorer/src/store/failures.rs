//! What the fleet remembers of a cache key's failed jobs, so the same failing or timing-out
//! query is not run again on every request or retry: a count of failures in a row, and a
//! hold on retries that doubles with each one, up to a bound. Both keys expire.

use std::time::Duration;

use redis::AsyncCommands;

use super::{Cache, CacheError};
use crate::ResultKey;

/// How long a run of failures is remembered after the last one.
pub const FAILURE_MEMORY: Duration = Duration::from_secs(3600);

/// How long retries of a key are held after its `failures`-th failure in a row: none after
/// the first (whoever fixed the cause may try at once), then `base`, doubling, at most `max`.
pub fn retry_hold(failures: u32, base: Duration, max: Duration) -> Duration {
    match failures {
        0 | 1 => Duration::ZERO,
        n => base.saturating_mul(1u32 << (n - 2).min(20)).min(max),
    }
}

impl Cache {
    fn failures_key(&self, key: &ResultKey) -> String {
        format!("{}failures:{}", self.prefix, key)
    }

    fn hold_key(&self, key: &ResultKey) -> String {
        format!("{}hold:{}", self.prefix, key)
    }

    /// Counts one more failure of `key`'s job and holds its retries for `hold(count)`;
    /// returns the count and the hold.
    pub async fn record_failure(
        &self,
        key: &ResultKey,
        hold: impl Fn(u32) -> Duration,
    ) -> Result<(u32, Duration), CacheError> {
        let (count,): (u32,) = redis::pipe()
            .incr(self.failures_key(key), 1)
            .expire(self.failures_key(key), FAILURE_MEMORY.as_secs() as i64)
            .ignore()
            .query_async(&mut self.conn.clone())
            .await?;
        let held = hold(count);
        if !held.is_zero() {
            let _: () = self.conn.clone().pset_ex(self.hold_key(key), count, held.as_millis() as u64).await?;
        }
        Ok((count, held))
    }

    /// The failures in a row and how long retries are still held, if they are.
    pub async fn retry_held(&self, key: &ResultKey) -> Result<Option<(u32, Duration)>, CacheError> {
        let (count, left_ms): (Option<u32>, i64) = redis::pipe()
            .get(self.failures_key(key))
            .pttl(self.hold_key(key))
            .query_async(&mut self.conn.clone())
            .await?;
        // PTTL is -2 for a missing key, -1 for one without expiry (never set so).
        Ok((left_ms > 0).then(|| (count.unwrap_or(0), Duration::from_millis(left_ms as u64))))
    }

    /// A success ends the run of failures.
    pub async fn forget_failures(&self, key: &ResultKey) -> Result<(), CacheError> {
        self.conn.clone().del::<_, ()>(&[self.failures_key(key), self.hold_key(key)]).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_double_from_the_second_failure_up_to_the_bound() {
        let (base, max) = (Duration::from_secs(10), Duration::from_secs(600));
        let holds: Vec<u64> = (1..=10).map(|n| retry_hold(n, base, max).as_secs()).collect();
        assert_eq!(holds, [0, 10, 20, 40, 80, 160, 320, 600, 600, 600]);
        assert_eq!(retry_hold(u32::MAX, base, max), max, "no overflow on a long run");
    }
}

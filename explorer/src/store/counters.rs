//! Fleet-wide counters and job timings, for tests, benchmarks and operators.

use std::time::Duration;

use redis::AsyncCommands;

use super::{Cache, CacheError};
use crate::Query;

/// Fleet-wide event counts, kept in Redis so that every replica adds to the same number.
#[derive(Clone, Copy, Debug)]
pub enum Counter {
    /// Augur queries a worker actually ran.
    Runs(Query),
    /// Jobs the web tier put on the queue.
    Enqueued(Query),
    /// Repos that Augur queries covered: a cached repo is never queried again.
    QueriedRepos(Query),
}

impl Cache {
    fn counter_key(&self, counter: Counter) -> String {
        match counter {
            Counter::Runs(query) => format!("{}stats:runs:{}", self.prefix, query.name()),
            Counter::Enqueued(query) => format!("{}stats:enqueued:{}", self.prefix, query.name()),
            Counter::QueriedRepos(query) => format!("{}stats:queried_repos:{}", self.prefix, query.name()),
        }
    }

    /// Adds one to a fleet-wide counter.
    pub async fn count(&self, counter: Counter) -> Result<(), CacheError> {
        self.count_by(counter, 1).await
    }

    pub async fn count_by(&self, counter: Counter, n: u64) -> Result<(), CacheError> {
        self.conn.clone().incr(self.counter_key(counter), n).await
    }

    pub async fn counted(&self, counter: Counter) -> Result<u64, CacheError> {
        let n: Option<u64> = self.conn.clone().get(self.counter_key(counter)).await?;
        Ok(n.unwrap_or(0))
    }

    /// Keeps the timings of the last thousand jobs (queue wait, query, whole job, in
    /// microseconds) for benchmarks and operators.
    pub async fn record_job(&self, queue_wait: Duration, query: Duration, total: Duration) -> Result<(), CacheError> {
        let key = format!("{}stats:jobs", self.prefix);
        let entry = format!("{},{},{}", queue_wait.as_micros(), query.as_micros(), total.as_micros());
        redis::pipe().lpush(&key, entry).ignore().ltrim(&key, 0, 999).ignore().query_async(&mut self.conn.clone()).await
    }

    /// The recorded (queue wait, query, whole job) timings, newest first.
    pub async fn job_timings(&self) -> Result<Vec<(Duration, Duration, Duration)>, CacheError> {
        let entries: Vec<String> = self.conn.clone().lrange(format!("{}stats:jobs", self.prefix), 0, -1).await?;
        Ok(entries
            .iter()
            .filter_map(|e| {
                let mut parts = e.split(',').map(|p| p.parse::<u64>().ok().map(Duration::from_micros));
                Some((parts.next()??, parts.next()??, parts.next()??))
            })
            .collect())
    }
}

//! Everything shared between replicas lives in Redis, under the deployment's key prefix:
//! cached results with their per-repo parts and chart JSON ([`results`]), job statuses and
//! fleet-wide locks ([`status`]), and counters ([`counters`]). The result format is
//! [`codec`]; a result's name is [`key::ResultKey`]. A web replica may also keep the chart
//! JSON it served in its own memory, kept coherent by Redis ([`LocalCharts`]).

pub mod codec;
mod counters;
pub mod encoder;
pub mod failures;
pub mod key;
mod local;
mod results;
mod status;

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

pub use counters::Counter;
pub use local::{LocalCharts, LocalStats, DEFAULT_LOCAL_CACHE_BYTES};
pub use results::MAX_DRAWINGS;
pub use status::{elapsed_since, now_ms, JobStatus};

use crate::{Query, ResultKey};

/// Redis holds everything shared between replicas: results, job statuses and counters.
/// Every key starts with the deployment's prefix.
#[derive(Clone)]
pub struct Cache {
    conn: ConnectionManager,
    prefix: String,
}

pub type CacheError = redis::RedisError;

impl Cache {
    /// Connects lazily and with bounded waits: a binary starts while Redis is down, a
    /// request then fails fast, and the connection comes back by itself when Redis returns.
    /// Only a malformed URL is an error here.
    pub fn connect(redis_url: &str, prefix: &str) -> Result<Self, CacheError> {
        let client = redis::Client::open(redis_url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_secs(5)))
            .set_number_of_retries(1);
        let conn = ConnectionManager::new_lazy_with_config(client, config)?;
        Ok(Cache { conn, prefix: prefix.to_owned() })
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn connection(&self) -> ConnectionManager {
        self.conn.clone()
    }

    /// The hash tag `{key}` keeps a result and its drawings in one Redis Cluster slot, so
    /// the script that writes a drawing may read the result's expiry.
    pub fn result_key(&self, key: &ResultKey) -> String {
        format!("{}result:{{{}}}", self.prefix, key)
    }

    /// A hash of the chart JSON drawn from one result, one field per (chart, controls, day).
    pub fn chart_json_key(&self, key: &ResultKey) -> String {
        format!("{}chart:{{{}}}", self.prefix, key)
    }

    pub fn status_key(&self, key: &ResultKey) -> String {
        format!("{}status:{}", self.prefix, key)
    }

    /// One repo's share of a query's result: what lets a new selection reuse the repos
    /// that earlier ones already computed.
    pub fn part_key(&self, query: Query, repo: i64) -> String {
        format!("{}part:{}:{}:{}", self.prefix, query.name(), query.cache_version(), repo)
    }

    pub async fn ping(&self) -> Result<(), CacheError> {
        redis::cmd("PING").query_async::<()>(&mut self.conn.clone()).await
    }
}

/// `text` as a Redis MATCH pattern that matches only itself.
pub fn escape_glob(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    #[test]
    fn glob_characters_match_only_themselves() {
        assert_eq!(super::escape_glob("t_1_2:"), "t_1_2:");
        assert_eq!(super::escape_glob("a*b?[c]\\"), "a\\*b\\?\\[c\\]\\\\");
    }
}

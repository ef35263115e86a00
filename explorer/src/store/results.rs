//! Cached results: a selection's result, each repo's part of it, the chart JSON drawn from
//! it, and the index that lets invalidation find a result by repo or query.

use std::time::Duration;

use redis::AsyncCommands;

use super::{codec::CachedResult, Cache, CacheError};
use crate::{Query, ResultKey};

/// The most drawings (chart JSON for one set of controls) kept per cached result.
pub const MAX_DRAWINGS: usize = 64;

impl Cache {
    /// The cached parts of `repos`, in their order; `None` where a repo has none.
    pub async fn parts(&self, query: Query, repos: &[i64]) -> Result<Vec<Option<Vec<u8>>>, CacheError> {
        if repos.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = repos.iter().map(|r| self.part_key(query, *r)).collect();
        redis::cmd("MGET").arg(keys).query_async(&mut self.conn.clone()).await
    }

    pub async fn put_parts(&self, query: Query, parts: &[(i64, Vec<u8>)], ttl: Duration) -> Result<(), CacheError> {
        let mut pipe = redis::pipe();
        for (repo, bytes) in parts {
            pipe.set_ex(self.part_key(query, *repo), bytes, ttl.as_secs().max(1)).ignore();
        }
        pipe.query_async::<()>(&mut self.conn.clone()).await
    }

    pub async fn result(&self, key: &ResultKey) -> Result<Option<Vec<u8>>, CacheError> {
        self.conn.clone().get(self.result_key(key)).await
    }

    pub async fn has_result(&self, key: &ResultKey) -> Result<bool, CacheError> {
        self.conn.clone().exists(self.result_key(key)).await
    }

    /// Stores a result (a large selection's as a reference to its parts, see
    /// [`CachedResult::entry_to_store`]) and drops its pending status and its old drawings
    /// in one round trip.
    pub async fn put_result(&self, key: &ResultKey, bytes: &[u8], ttl: Duration) -> Result<(), CacheError> {
        redis::pipe()
            .atomic()
            .set_ex(self.result_key(key), CachedResult::entry_to_store(bytes), ttl.as_secs().max(1))
            .del(self.status_key(key))
            .del(self.chart_json_key(key))
            .query_async::<()>(&mut self.conn.clone())
            .await
    }

    /// The chart JSON drawn before from this result with the same controls.
    pub async fn chart_json(&self, key: &ResultKey, field: &str) -> Result<Option<String>, CacheError> {
        self.conn.clone().hget(self.chart_json_key(key), field).await
    }

    /// Keeps chart JSON next to its result. The script writes it only while the result
    /// exists and makes it expire with the result, so a drawing never outlives its data. A
    /// result keeps at most [`MAX_DRAWINGS`]: past that, its old drawings make way, so
    /// endless distinct controls cannot grow one entry without bound.
    pub async fn put_chart_json(&self, key: &ResultKey, field: &str, json: &str) -> Result<(), CacheError> {
        static SCRIPT: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| {
            redis::Script::new(
                "local ttl = redis.call('PTTL', KEYS[1])
                 if ttl > 0 then
                   if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[3]) and redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then
                     redis.call('DEL', KEYS[2])
                   end
                   redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
                   redis.call('PEXPIRE', KEYS[2], ttl)
                 end
                 return ttl",
            )
        });
        SCRIPT
            .key(self.result_key(key))
            .key(self.chart_json_key(key))
            .arg(field)
            .arg(json)
            .arg(MAX_DRAWINGS)
            .invoke_async::<i64>(&mut self.conn.clone())
            .await
            .map(drop)
    }

    pub async fn drop_result(&self, key: &ResultKey) -> Result<(), CacheError> {
        self.conn.clone().del(&[self.result_key(key), self.chart_json_key(key)]).await
    }

    /// Records which repos and query a group result covers, so that invalidating one of
    /// them finds it. Each index is a sorted set scored by its members' expiry: adding to
    /// it drops the members whose results have expired, and the index lives as long as its
    /// longest-lived member, so it holds only live results.
    pub async fn index_result(
        &self,
        key: &ResultKey,
        query: Query,
        repos: &[i64],
        ttl: Duration,
    ) -> Result<(), CacheError> {
        static SCRIPT: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| {
            redis::Script::new(
                "local now, ttl, member = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
                 for _, index in ipairs(KEYS) do
                   redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
                   redis.call('ZADD', index, now + ttl, member)
                   if redis.call('PTTL', index) < ttl then
                     redis.call('PEXPIRE', index, ttl)
                   end
                 end
                 return 0",
            )
        });
        let ttl_ms = ttl.as_millis().max(1000) as i64;
        let mut script = SCRIPT.prepare_invoke();
        for index in repos.iter().map(|r| self.repo_index(*r)).chain([self.query_index(query)]) {
            script.key(index);
        }
        script
            .arg(super::now_ms())
            .arg(ttl_ms)
            .arg(key.as_str())
            .invoke_async::<i64>(&mut self.conn.clone())
            .await
            .map(drop)
    }

    fn repo_index(&self, repo: i64) -> String {
        format!("{}index:repo:{repo}", self.prefix)
    }

    fn query_index(&self, query: Query) -> String {
        format!("{}index:query:{}", self.prefix, query.name())
    }

    /// Forgets everything cached about one repo, for every query; returns the entries dropped.
    pub async fn invalidate_repo(&self, repo: i64) -> Result<u64, CacheError> {
        let parts = self.scan(&format!("{}part:*:*:{repo}", self.prefix)).await?;
        self.invalidate(&[self.repo_index(repo)], parts).await
    }

    /// Forgets everything cached for one query, every version and repo; returns the entries dropped.
    pub async fn invalidate_query(&self, query: Query) -> Result<u64, CacheError> {
        let parts = self.scan(&format!("{}part:{}:*", self.prefix, query.name())).await?;
        self.invalidate(&[self.query_index(query)], parts).await
    }

    /// Forgets what is cached about these repos under the current query versions (older
    /// versions are never read again and expire), without scanning the key space: what
    /// the freshness sweep calls for each batch of repos Augur collected anew.
    pub async fn invalidate_current(&self, repos: &[i64]) -> Result<u64, CacheError> {
        let parts = repos.iter().flat_map(|r| Query::ALL.iter().map(move |q| self.part_key(*q, *r))).collect();
        let indexes: Vec<String> = repos.iter().map(|r| self.repo_index(*r)).collect();
        self.invalidate(&indexes, parts).await
    }

    async fn scan(&self, pattern: &str) -> Result<Vec<String>, CacheError> {
        let mut conn = self.conn.clone();
        let mut found = Vec::new();
        let mut cursor = 0u64;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(pattern)
                .arg("COUNT")
                .arg(1000)
                .query_async(&mut conn)
                .await?;
            found.extend(keys);
            if next == 0 {
                return Ok(found);
            }
            cursor = next;
        }
    }

    /// Drops the results the indexes list, their drawings, the given parts and the
    /// indexes themselves; returns how many results and parts went.
    async fn invalidate(&self, indexes: &[String], parts: Vec<String>) -> Result<u64, CacheError> {
        let mut conn = self.conn.clone();
        let mut doomed = parts;
        let mut drawings = Vec::new();
        for index in indexes {
            let groups: Vec<String> = conn.zrange(index, 0, -1).await?;
            doomed.extend(groups.iter().map(|g| format!("{}result:{{{g}}}", self.prefix)));
            // Drawings go with their results; they are not counted as entries.
            drawings.extend(groups.iter().map(|g| format!("{}chart:{{{g}}}", self.prefix)));
        }
        for chunk in drawings.chunks(500) {
            conn.del::<_, ()>(chunk).await?;
        }
        doomed.sort_unstable();
        doomed.dedup();
        let mut dropped = 0;
        for chunk in doomed.chunks(500) {
            dropped += conn.del::<_, u64>(chunk).await?;
        }
        for chunk in indexes.chunks(500) {
            conn.del::<_, ()>(chunk).await?;
        }
        Ok(dropped)
    }
}

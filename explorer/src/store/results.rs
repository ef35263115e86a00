//! Cached results: a selection's result, each repo's part of it, the chart JSON drawn from
//! it, and the index that lets invalidation find a result by repo or query.

use std::time::Duration;

use redis::AsyncCommands;

use super::{Cache, CacheError};
use crate::{Query, ResultKey};

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

    /// Stores a result and drops its pending status and its old drawings in one round trip.
    pub async fn put_result(&self, key: &ResultKey, bytes: &[u8], ttl: Duration) -> Result<(), CacheError> {
        redis::pipe()
            .atomic()
            .set_ex(self.result_key(key), bytes, ttl.as_secs().max(1))
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
    /// exists and makes it expire with the result, so a drawing never outlives its data.
    pub async fn put_chart_json(&self, key: &ResultKey, field: &str, json: &str) -> Result<(), CacheError> {
        static SCRIPT: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| {
            redis::Script::new(
                "local ttl = redis.call('PTTL', KEYS[1])
                 if ttl > 0 then
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
            .invoke_async::<i64>(&mut self.conn.clone())
            .await
            .map(drop)
    }

    pub async fn drop_result(&self, key: &ResultKey) -> Result<(), CacheError> {
        self.conn.clone().del(&[self.result_key(key), self.chart_json_key(key)]).await
    }

    /// Records which repos and query a group result covers, so that invalidating one of
    /// them finds it. The index lives as long as the result.
    pub async fn index_result(
        &self,
        key: &ResultKey,
        query: Query,
        repos: &[i64],
        ttl: Duration,
    ) -> Result<(), CacheError> {
        let ttl = ttl.as_secs().max(1) as i64;
        let mut pipe = redis::pipe();
        for set in repos.iter().map(|r| self.repo_index(*r)).chain([self.query_index(query)]) {
            pipe.sadd(&set, key.as_str()).ignore().expire(&set, ttl).ignore();
        }
        pipe.query_async::<()>(&mut self.conn.clone()).await
    }

    fn repo_index(&self, repo: i64) -> String {
        format!("{}groups:repo:{repo}", self.prefix)
    }

    fn query_index(&self, query: Query) -> String {
        format!("{}groups:query:{}", self.prefix, query.name())
    }

    /// Forgets everything cached about one repo, for every query; returns the entries dropped.
    pub async fn invalidate_repo(&self, repo: i64) -> Result<u64, CacheError> {
        let parts = format!("{}part:*:*:{repo}", self.prefix);
        self.invalidate(&self.repo_index(repo), &parts).await
    }

    /// Forgets everything cached for one query, every version and repo; returns the entries dropped.
    pub async fn invalidate_query(&self, query: Query) -> Result<u64, CacheError> {
        let parts = format!("{}part:{}:*", self.prefix, query.name());
        self.invalidate(&self.query_index(query), &parts).await
    }

    async fn invalidate(&self, index: &str, parts_pattern: &str) -> Result<u64, CacheError> {
        let mut conn = self.conn.clone();
        let groups: Vec<String> = conn.smembers(index).await?;
        let mut doomed: Vec<String> = groups.iter().map(|g| format!("{}result:{{{g}}}", self.prefix)).collect();
        // Drawings go with their results; they are not counted as entries.
        let drawings: Vec<String> = groups.iter().map(|g| format!("{}chart:{{{g}}}", self.prefix)).collect();
        for chunk in drawings.chunks(500) {
            conn.del::<_, ()>(chunk).await?;
        }
        let mut cursor = 0u64;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(parts_pattern)
                .arg("COUNT")
                .arg(1000)
                .query_async(&mut conn)
                .await?;
            doomed.extend(keys);
            if next == 0 {
                break;
            }
            cursor = next;
        }
        let mut dropped = 0;
        for chunk in doomed.chunks(500) {
            dropped += conn.del::<_, u64>(chunk).await?;
        }
        conn.del::<_, ()>(index).await?;
        Ok(dropped)
    }
}

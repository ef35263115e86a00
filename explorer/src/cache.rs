use std::time::Duration;

use redis::{aio::ConnectionManager, aio::ConnectionManagerConfig, AsyncCommands, SetExpiry, SetOptions};

use crate::{status::JobStatus, Query, ResultKey};

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

    /// A hash of the chart data drawn from one result, one field per (chart, controls, day).
    pub fn view_key(&self, key: &ResultKey) -> String {
        format!("{}view:{{{}}}", self.prefix, key)
    }

    pub fn status_key(&self, key: &ResultKey) -> String {
        format!("{}status:{}", self.prefix, key)
    }

    fn counter_key(&self, counter: Counter) -> String {
        match counter {
            Counter::Runs(query) => format!("{}stats:runs:{}", self.prefix, query.name()),
            Counter::Enqueued(query) => format!("{}stats:enqueued:{}", self.prefix, query.name()),
            Counter::QueriedRepos(query) => format!("{}stats:queried_repos:{}", self.prefix, query.name()),
        }
    }

    /// One repo's share of a query's result: what lets a new selection reuse the repos
    /// that earlier ones already computed.
    pub fn part_key(&self, query: Query, repo: i64) -> String {
        format!("{}part:{}:{}:{}", self.prefix, query.name(), query.cache_version(), repo)
    }

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
            .del(self.view_key(key))
            .query_async::<()>(&mut self.conn.clone())
            .await
    }

    /// Chart data drawn before from this result with the same controls, as JSON.
    pub async fn view(&self, key: &ResultKey, field: &str) -> Result<Option<String>, CacheError> {
        self.conn.clone().hget(self.view_key(key), field).await
    }

    /// Keeps a drawing next to its result. The script writes it only while the result
    /// exists and makes it expire with the result, so a drawing never outlives its data.
    pub async fn put_view(&self, key: &ResultKey, field: &str, json: &str) -> Result<(), CacheError> {
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
            .key(self.view_key(key))
            .arg(field)
            .arg(json)
            .invoke_async::<i64>(&mut self.conn.clone())
            .await
            .map(drop)
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
        let views: Vec<String> = groups.iter().map(|g| format!("{}view:{{{g}}}", self.prefix)).collect();
        for chunk in views.chunks(500) {
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

    pub async fn drop_result(&self, key: &ResultKey) -> Result<(), CacheError> {
        self.conn.clone().del(&[self.result_key(key), self.view_key(key)]).await
    }

    pub async fn status(&self, key: &ResultKey) -> Result<Option<JobStatus>, CacheError> {
        let text: Option<String> = self.conn.clone().get(self.status_key(key)).await?;
        // An unreadable status (say, from an older release) counts as none: the job is enqueued anew.
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// Sets the status only if none exists; true when this caller won. This is what makes
    /// a hundred identical cold requests enqueue one job.
    pub async fn claim(&self, key: &ResultKey, status: &JobStatus, ttl: Duration) -> Result<bool, CacheError> {
        self.set_if_absent(self.status_key(key), to_json(status), ttl).await
    }

    /// A short fleet-wide lock: true for the one caller that got it.
    pub async fn try_lock(&self, name: &str, ttl: Duration) -> Result<bool, CacheError> {
        self.set_if_absent(format!("{}lock:{name}", self.prefix), "1".to_owned(), ttl).await
    }

    /// SET NX EX: true when this call created the key.
    async fn set_if_absent(&self, key: String, value: String, ttl: Duration) -> Result<bool, CacheError> {
        let options = SetOptions::default()
            .conditional_set(redis::ExistenceCheck::NX)
            .with_expiration(SetExpiry::EX(ttl.as_secs().max(1)));
        let set: Option<String> = self.conn.clone().set_options(key, value, options).await?;
        Ok(set.is_some())
    }

    pub async fn set_status(&self, key: &ResultKey, status: &JobStatus, ttl: Duration) -> Result<(), CacheError> {
        self.conn.clone().set_ex(self.status_key(key), to_json(status), ttl.as_secs().max(1)).await
    }

    pub async fn clear_status(&self, key: &ResultKey) -> Result<(), CacheError> {
        self.conn.clone().del(self.status_key(key)).await
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

    pub async fn ping(&self) -> Result<(), CacheError> {
        redis::cmd("PING").query_async::<()>(&mut self.conn.clone()).await
    }
}

fn to_json(status: &JobStatus) -> String {
    serde_json::to_string(status).expect("a job status always serializes")
}

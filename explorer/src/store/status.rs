//! Where each cache key's job stands, and fleet-wide locks: both are SET NX EX keys.

use std::time::Duration;

use chrono::Utc;
use redis::{AsyncCommands, SetExpiry, SetOptions};
use serde::{Deserialize, Serialize};

use super::{Cache, CacheError};
use crate::ResultKey;

/// Where the job behind a cache key stands, as kept in Redis beside the (missing) result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum JobStatus {
    /// `job` is the queue's id of the job, to find it in the queue (or notice it is gone).
    Queued {
        enqueued_at_ms: i64,
        job: String,
    },
    Running {
        enqueued_at_ms: i64,
        started_at_ms: i64,
        job: String,
    },
    Failed {
        reason: String,
        retryable: bool,
    },
}

/// Milliseconds since the epoch, the unit of every stored time.
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// Milliseconds from `since_ms` to now, never negative (clocks of two hosts may differ).
pub fn elapsed_since(since_ms: i64) -> u64 {
    (now_ms() - since_ms).max(0) as u64
}

impl Cache {
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
}

fn to_json(status: &JobStatus) -> String {
    serde_json::to_string(status).expect("a job status always serializes")
}

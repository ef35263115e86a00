use chrono::Utc;
use serde::{Deserialize, Serialize};

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

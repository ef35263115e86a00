use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ChartData;

/// The state of one chart request: its data, or why it has none yet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase", try_from = "crate::wire::ReplyWire")]
pub enum ChartReply {
    /// Waiting for a worker. `elapsed_ms` counts from the first request; `position` is
    /// the place in the queue (1 = next), when known.
    Queued {
        elapsed_ms: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        position: Option<u64>,
    },
    /// A worker is running the query.
    Running {
        elapsed_ms: u64,
    },
    Ready {
        computed_at: DateTime<Utc>,
        data: ChartData,
    },
    Failed {
        error: String,
        retryable: bool,
    },
}

impl ChartReply {
    /// True while the answer may still change by itself, so the page should ask again.
    pub fn is_pending(&self) -> bool {
        matches!(self, ChartReply::Queued { .. } | ChartReply::Running { .. })
    }
}

use chrono::{DurationRound, TimeDelta, Utc};
use sqlx::PgPool;
use std::time::Duration;

use tracing::{info, warn, Instrument};

use crate::{
    cache::{CacheError, Counter},
    codec::{CachedResult, Frame},
    queue::QueryJob,
    status::{now_ms, JobStatus},
    Cache, ResultKey, Settings,
};

/// What a worker needs to run jobs.
#[derive(Clone)]
pub struct JobContext {
    pub db: PgPool,
    pub cache: Cache,
    pub settings: Settings,
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("the cache is unavailable: {0}")]
    Cache(#[from] CacheError),
    #[error("the Augur query failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("the job took longer than its {} s limit", .0.as_secs())]
    TimedOut(Duration),
}

/// Runs one query job (`job_id` is the queue's id of it): the Augur query, then the
/// encoded result into the cache. A failed query leaves a Failed status that the page shows.
pub async fn run(job: QueryJob, job_id: &str, ctx: &JobContext) -> Result<(), JobError> {
    let key = ResultKey::new(job.query, &job.repos);
    let span = tracing::info_span!("job", query = job.query.name(), repos = job.repos.ids().len(), %key);
    async move {
        // A duplicate of a job that already finished (its status had expired meanwhile).
        if ctx.cache.has_result(&key).await? {
            info!("result already cached, skipping");
            return Ok(());
        }
        let enqueued_at_ms = match ctx.cache.status(&key).await? {
            Some(JobStatus::Queued { enqueued_at_ms, .. } | JobStatus::Running { enqueued_at_ms, .. }) => {
                enqueued_at_ms
            }
            _ => now_ms(),
        };
        let running = JobStatus::Running { enqueued_at_ms, started_at_ms: now_ms(), job: job_id.to_owned() };
        ctx.cache.set_status(&key, &running, ctx.settings.pending_ttl()).await?;

        let started = std::time::Instant::now();
        let frame = match run_with_retries(&job, ctx).await {
            Ok(frame) => frame,
            Err(JobError::Cache(error)) => return Err(JobError::Cache(error)),
            Err(error) => {
                let failed = match &error {
                    JobError::Query(e) => JobStatus::Failed { reason: describe(e), retryable: is_transient(e) },
                    other => JobStatus::Failed { reason: other.to_string(), retryable: false },
                };
                ctx.cache.set_status(&key, &failed, ctx.settings.pending_ttl()).await?;
                return Err(error);
            }
        };
        let entry = CachedResult {
            query_version: job.query.version(),
            computed_at: Utc::now().duration_trunc(TimeDelta::milliseconds(1)).unwrap_or_else(|_| Utc::now()),
            frame,
        };
        let bytes = entry.encode();
        ctx.cache.put_result(&key, &bytes, ctx.settings.result_ttl).await?;
        info!(
            rows = entry.frame.len(),
            bytes = bytes.len(),
            ms = started.elapsed().as_millis() as u64,
            "result cached"
        );
        Ok(())
    }
    .instrument(span)
    .await
}

/// Runs the query, retrying transient failures (Augur restarting, a dropped connection)
/// with exponential backoff up to the configured attempts; a broken query fails at once.
/// Each attempt stops a little after PostgreSQL's statement_timeout would have stopped it.
async fn run_with_retries(job: &QueryJob, ctx: &JobContext) -> Result<Frame, JobError> {
    let limit = ctx.settings.statement_timeout + Duration::from_secs(30);
    let mut attempt = 1;
    loop {
        ctx.cache.count(Counter::Runs(job.query)).await?;
        let outcome = tokio::time::timeout(limit, job.query.run(&ctx.db, &job.repos)).await;
        match outcome {
            Ok(Ok(frame)) => return Ok(frame),
            Ok(Err(error)) if is_transient(&error) && attempt < ctx.settings.job_attempts => {
                let delay = ctx.settings.job_retry_base * 2u32.pow(attempt - 1);
                warn!(%error, attempt, ?delay, "transient failure, retrying");
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
            Ok(Err(error)) => return Err(JobError::Query(error)),
            Err(_) => return Err(JobError::TimedOut(limit)),
        }
    }
}

/// A reason a user can read, without the SQL text.
fn describe(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("57014") => {
            "the query took longer than the statement timeout".to_owned()
        }
        sqlx::Error::Database(db) => format!("the database refused the query: {}", db.message()),
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
            "the Augur database could not be reached".to_owned()
        }
        other => format!("the query failed: {other}"),
    }
}

/// Whether trying again later can help: lost connections can; a broken query cannot.
fn is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed | sqlx::Error::Tls(_) => true,
        // 57P0x: the server is shutting down or restarting; 53xxx: out of resources.
        sqlx::Error::Database(db) => db.code().is_some_and(|c| c.starts_with("57P") || c.starts_with("53")),
        _ => false,
    }
}

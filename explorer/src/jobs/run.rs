use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use sqlx::PgPool;
use std::time::Duration;

use tracing::{info, warn, Instrument};

use crate::{
    jobs::queue::QueryJob,
    jobs::slots,
    metrics::{InFlight, METRICS},
    store::codec::CachedResult,
    store::encoder::PartEncoder,
    store::{now_ms, JobStatus},
    store::{CacheError, Counter},
    Cache, Query, RepoSet, ResultKey, Settings,
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
    /// Augur is as busy as the fleet lets it be: all its query slots stayed taken.
    #[error("Augur is busy: {0}; try again shortly")]
    NoSlot(slots::SlotError),
    /// The query's slot lapsed and others took it; it stopped to keep the fleet's cap.
    #[error("Augur is busy: the query lost its slot among the fleet's queries; try again shortly")]
    SlotLost,
    /// A bug: the job's code panicked. The worker and its other jobs carry on.
    #[error("the job failed on the worker")]
    Panicked(String),
    #[error("the result is {} bytes, more than the {} bytes a result may take (RESULT_MAX_BYTES); select fewer repositories", .size, .limit)]
    TooLarge { size: u64, limit: u64 },
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
            announce(ctx, &key).await;
            return Ok(());
        }
        let enqueued_at_ms = match ctx.cache.status(&key).await? {
            Some(JobStatus::Queued { enqueued_at_ms, .. } | JobStatus::Running { enqueued_at_ms, .. }) => {
                enqueued_at_ms
            }
            _ => now_ms(),
        };
        let started_at_ms = now_ms();
        let running = JobStatus::Running { enqueued_at_ms, started_at_ms, job: job_id.to_owned() };
        ctx.cache.set_status(&key, &running, ctx.settings.pending_ttl()).await?;

        let started = std::time::Instant::now();
        let Computed { bytes, computed_at, queried_rows, query_time } = match contain_panics(compute(&job, ctx)).await {
            Ok(computed) => computed,
            Err(JobError::Cache(error)) => return Err(JobError::Cache(error)),
            Err(error) => {
                // The raw error, SQL text and all, is for the log; the page gets `describe`'s sentence.
                match &error {
                    JobError::Panicked(said) => tracing::error!(panic = %said, "job panicked"),
                    error => warn!(%error, "job failed"),
                }
                METRICS.job_failed(job.query.name());
                let (reason, retryable) = match &error {
                    JobError::Query(e) => (describe(e), is_transient(e)),
                    JobError::NoSlot(_) | JobError::SlotLost => (error.to_string(), true),
                    other => (other.to_string(), false),
                };
                // A passing cause stands for seconds, then a request runs the job again; a
                // lasting one until its status expires or a retry. Either way a key that
                // keeps failing is held longer and longer.
                let (failures, hold) = ctx.cache.record_failure(&key, |n| ctx.settings.retry_hold(n)).await?;
                let stands = if retryable { ctx.settings.transient_failure_ttl } else { ctx.settings.pending_ttl() };
                let failed = JobStatus::Failed { reason, retryable };
                ctx.cache.set_status(&key, &failed, stands.max(hold)).await?;
                info!(failures, hold_secs = hold.as_secs(), "failure recorded");
                announce(ctx, &key).await;
                return Err(error);
            }
        };
        // The whole selection is only as fresh as its oldest part.
        let age = (Utc::now() - computed_at).to_std().unwrap_or_default();
        let ttl = ctx.settings.result_ttl.saturating_sub(age).max(Duration::from_secs(1));
        ctx.cache.put_result(&key, &bytes, ttl).await?;
        ctx.cache.index_result(&key, job.query, job.repos.ids(), ttl).await?;
        ctx.cache.forget_failures(&key).await?;
        announce(ctx, &key).await;
        METRICS.job_done(job.query.name(), started.elapsed());
        let queue_wait = Duration::from_millis((started_at_ms - enqueued_at_ms).max(0) as u64);
        ctx.cache.record_job(queue_wait, query_time, started.elapsed()).await?;
        info!(queried_rows, bytes = bytes.len(), ms = started.elapsed().as_millis() as u64, "result cached");
        Ok(())
    }
    .instrument(span.clone())
    .await
    .inspect_err(|error| {
        if let JobError::Cache(error) = error {
            // Nothing was recorded: the queue keeps the job and it runs again.
            span.in_scope(|| warn!(%error, "the cache is unavailable; the job will run again"));
        }
    })
}

/// Tells the replicas waiting on `key` that its job is over. Not worth failing the job
/// for: a waiter that misses it looks again on its own schedule.
async fn announce(ctx: &JobContext, key: &ResultKey) {
    let (mut conn, prefix) = (ctx.cache.connection(), ctx.cache.prefix());
    if let Err(error) = crate::jobs::finished::announce_finished(&mut conn, prefix, key).await {
        warn!(%error, "could not announce the finished job");
    }
}

/// `work`'s outcome, or a panic inside it as [`JobError::Panicked`] with what it said, so
/// that it ends as the chart's Failed status instead of a lost job and a stuck worker.
async fn contain_panics<T>(work: impl std::future::Future<Output = Result<T, JobError>>) -> Result<T, JobError> {
    use futures::FutureExt;
    match std::panic::AssertUnwindSafe(work).catch_unwind().await {
        Ok(outcome) => outcome,
        Err(panic) => {
            let said = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Err(JobError::Panicked(said))
        }
    }
}

/// A selection's result, encoded, as of its oldest part, and what its SQL did.
struct Computed {
    bytes: Vec<u8>,
    computed_at: DateTime<Utc>,
    queried_rows: usize,
    query_time: Duration,
}

/// The selection's result: the cached parts of repos computed before, and the query run
/// for the others only, whose parts are cached in turn. Parts are encoded as each repo's
/// rows arrive and the result is the parts side by side, so no repo's rows are held
/// decoded beyond its own part. Nothing is cached above the size limit.
async fn compute(job: &QueryJob, ctx: &JobContext) -> Result<Computed, JobError> {
    let query = job.query;
    let ids = job.repos.ids();
    let mut parts: Vec<Option<Vec<u8>>> = Vec::with_capacity(ids.len());
    let mut computed_at: Option<DateTime<Utc>> = None;
    let mut missing = Vec::new();
    for (repo, bytes) in ids.iter().zip(ctx.cache.parts(query, ids).await?) {
        let header = bytes.as_deref().map(CachedResult::header);
        match (bytes, header) {
            (Some(bytes), Some(Ok(header))) if header.query_version == query.version() => {
                computed_at = Some(computed_at.map_or(header.computed_at, |at| at.min(header.computed_at)));
                parts.push(Some(bytes));
            }
            _ => {
                missing.push(*repo);
                parts.push(None);
            }
        }
    }
    let (mut queried_rows, mut query_time) = (0, Duration::ZERO);
    if let Ok(missing_repos) = RepoSet::new(missing.iter().copied()) {
        let query_started = std::time::Instant::now();
        let fresh = run_with_retries(query, &missing_repos, ctx).await?;
        query_time = query_started.elapsed();
        ctx.cache.count_by(Counter::QueriedRepos(query), missing.len() as u64).await?;
        queried_rows = fresh.rows;
        computed_at = Some(computed_at.map_or(fresh.computed_at, |at| at.min(fresh.computed_at)));
        let size: u64 = parts.iter().flatten().chain(fresh.parts.iter().map(|(_, b)| b)).map(|b| b.len() as u64).sum();
        if size > ctx.settings.result_max_bytes {
            return Err(JobError::TooLarge { size, limit: ctx.settings.result_max_bytes });
        }
        ctx.cache.put_parts(query, &fresh.parts, ctx.settings.result_ttl).await?;
        for (repo, bytes) in fresh.parts {
            // A repo set is sorted: find each part's place without a scan per part.
            if let Ok(slot) = ids.binary_search(&repo) {
                parts[slot] = Some(bytes);
            }
        }
    }
    let parts: Vec<Vec<u8>> = parts.into_iter().flatten().collect();
    let bytes = CachedResult::encode_group(&parts);
    let (size, limit) = (bytes.len() as u64, ctx.settings.result_max_bytes);
    if size > limit {
        return Err(JobError::TooLarge { size, limit });
    }
    let computed_at = computed_at.expect("a selection has at least one repo, cached or queried");
    Ok(Computed { bytes, computed_at, queried_rows, query_time })
}

/// Freshly queried parts, encoded.
struct Fresh {
    parts: Vec<(i64, Vec<u8>)>,
    computed_at: DateTime<Utc>,
    rows: usize,
}

/// The longest a retry's wait grows to before its jitter (at most as long again).
const RETRY_DELAY_CAP: Duration = Duration::from_secs(30);

/// The waits before each retry: the first between `base` and twice it, each next range
/// twice the one before up to the cap. The jitter spreads out the retries of the many jobs
/// that fail together when Augur restarts, and each wait is still longer than the last.
fn retry_delays(base: Duration) -> impl Iterator<Item = Duration> {
    use backon::BackoffBuilder;

    backon::ExponentialBuilder::new()
        .with_min_delay(base)
        .with_max_delay(RETRY_DELAY_CAP.max(base))
        .with_jitter()
        .without_max_times()
        .build()
}

/// Runs the query, retrying transient failures (Augur restarting, a dropped connection)
/// with jittered exponential backoff up to the configured attempts; a broken query fails
/// at once. Each attempt stops a little after PostgreSQL's statement_timeout would have.
async fn run_with_retries(query: Query, repos: &RepoSet, ctx: &JobContext) -> Result<Fresh, JobError> {
    let limit = ctx.settings.statement_timeout + Duration::from_secs(30);
    let mut delays = retry_delays(ctx.settings.job_retry_base);
    let mut attempt = 1;
    loop {
        let mut slot = match ctx.settings.augur_slots().acquire(&ctx.cache, slot_holder()).await {
            Ok(slot) => slot,
            Err(slots::SlotError::Cache(error)) => return Err(JobError::Cache(error)),
            Err(busy) => return Err(JobError::NoSlot(busy)),
        };
        ctx.cache.count(Counter::Runs(query)).await?;
        let in_flight = InFlight::start();
        // A failed attempt's parts are dropped with it: the next attempt starts afresh.
        let computed_at = Utc::now().duration_trunc(TimeDelta::milliseconds(1)).unwrap_or_else(|_| Utc::now());
        let streamed = stream_fresh(query, ctx.db.clone(), repos.clone(), computed_at);
        // Dropping the stream on a lost slot aborts the query's task.
        let outcome = tokio::select! {
            outcome = tokio::time::timeout(limit, streamed) => Some(outcome),
            () = slot.lost() => None,
        };
        drop(in_flight);
        drop(slot);
        match outcome {
            Some(Ok(Ok(fresh))) => return Ok(fresh),
            Some(Ok(Err(error))) if is_transient(&error) && attempt < ctx.settings.job_attempts => {
                warn!(%error, attempt, "transient failure, retrying");
            }
            Some(Ok(Err(error))) => return Err(JobError::Query(error)),
            Some(Err(_)) => return Err(JobError::TimedOut(limit)),
            None if attempt < ctx.settings.job_attempts => {
                warn!(attempt, "the query lost its Augur slot, retrying");
            }
            None => return Err(JobError::SlotLost),
        }
        tokio::time::sleep(delays.next().unwrap_or(RETRY_DELAY_CAP)).await;
        attempt += 1;
    }
}

/// Runs the query and encodes its parts in a task of its own, which the runtime polls
/// directly: polled through the job's spans, every wake-up entered and left each of them,
/// a fifth of a million-row query's time beyond its SQL. Dropping the future (the
/// attempt's time limit) aborts the task.
async fn stream_fresh(
    query: Query,
    db: PgPool,
    repos: RepoSet,
    computed_at: DateTime<Utc>,
) -> Result<Fresh, sqlx::Error> {
    struct AbortOnDrop(tokio::task::JoinHandle<Result<Fresh, sqlx::Error>>);
    impl Drop for AbortOnDrop {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    let mut task = AbortOnDrop(tokio::spawn(async move {
        let mut fresh = Fresh { parts: Vec::with_capacity(repos.ids().len()), computed_at, rows: 0 };
        let mut encode = |repo: i64, part: PartEncoder| {
            fresh.rows += part.rows();
            fresh.parts.push((repo, part.finish(query.version(), computed_at)));
        };
        query.stream(&db, &repos, &mut encode).await?;
        Ok(fresh)
    }));
    match (&mut task.0).await {
        Ok(result) => result,
        Err(ended) => Err(sqlx::Error::Protocol(format!("the {} query's task ended: {ended}", query.name()))),
    }
}

/// Names a slot holder uniquely across processes and attempts.
fn slot_holder() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{}-{nanos}", std::process::id())
}

/// A reason a user can read: never the SQL, the database's own message or the driver's
/// text, which the job's log line carries with the cache key. The SQLSTATE code stays, as
/// it tells an operator what to look for without showing the query.
fn describe(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("57014") => {
            "the query took longer than the statement timeout".to_owned()
        }
        sqlx::Error::Database(db) => match db.code() {
            Some(code) => format!("the database refused the query (PostgreSQL error {code})"),
            None => "the database refused the query".to_owned(),
        },
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
            "the Augur database could not be reached".to_owned()
        }
        sqlx::Error::RowNotFound
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::ColumnIndexOutOfBounds { .. }
        | sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::TypeNotFound { .. } => {
            "the database answered in a shape the query does not expect (is the Augur schema current?)".to_owned()
        }
        _ => "the query failed on the worker".to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_in_a_job_becomes_an_error_with_a_sentence() {
        let outcome: Result<(), JobError> = contain_panics(async { panic!("index out of bounds") }).await;
        let error = outcome.unwrap_err();
        assert!(matches!(&error, JobError::Panicked(said) if said == "index out of bounds"), "{error:?}");
        assert_eq!(error.to_string(), "the job failed on the worker");
        assert_eq!(contain_panics(async { Ok::<_, JobError>(3) }).await.unwrap(), 3);
    }

    #[test]
    fn retry_delays_grow_within_their_bounds_and_vary() {
        let base = Duration::from_secs(1);
        let delays: Vec<Duration> = retry_delays(base).take(8).collect();
        let mut floor = base;
        for (retry, delay) in delays.iter().enumerate() {
            assert!(*delay >= floor && *delay <= floor * 2, "retry {retry} waits {delay:?}, not in {floor:?}..2×");
            floor = (floor * 2).min(RETRY_DELAY_CAP);
        }
        // Until the cap each range starts where the one before ends.
        assert!(delays[..5].windows(2).all(|w| w[0] < w[1]), "{delays:?}");
        assert!(delays.iter().all(|d| *d <= RETRY_DELAY_CAP * 2), "{delays:?}");

        let firsts: Vec<Duration> = (0..20).map(|_| retry_delays(base).next().unwrap()).collect();
        assert!(firsts.iter().any(|d| *d != firsts[0]), "no jitter: {firsts:?}");
    }

    #[test]
    fn reasons_are_sentences_without_the_driver_text() {
        let raw =
            "encountered unexpected or invalid data: expected DataRow, got 'Z' at SELECT secret FROM augur_data.repo";
        let cases = [
            (sqlx::Error::Protocol(raw.to_owned()), "the query failed on the worker"),
            (sqlx::Error::ColumnNotFound(raw.to_owned()), "the database answered in a shape"),
            (sqlx::Error::PoolTimedOut, "could not be reached"),
            (sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::ConnectionReset, raw)), "could not be reached"),
        ];
        for (error, expected) in cases {
            let reason = describe(&error);
            assert!(reason.contains(expected), "{error:?} became {reason:?}");
            assert!(!reason.contains("augur_data") && !reason.contains("DataRow"), "{error:?} became {reason:?}");
        }
    }
}

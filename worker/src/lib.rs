//! The worker: takes query jobs from the Redis queue, runs them on Augur and fills the
//! cache. Any number of worker processes can run; each job goes to one of them.

use std::{future::Future, time::Duration};

use anyhow::Context;
use apalis::prelude::{
    BackendExt, BoxDynError, Data, Event, EventListenerExt, Strategy, TaskId, WorkerBuilder, WorkerBuilderExt,
};
use explorer::{
    jobs::queue::QueryJob,
    jobs::run::{self as job, JobContext, JobError},
    Cache, Settings,
};
use tracing::{info, warn};

/// Runs jobs until `shutdown` resolves, then stops taking new ones (what the binary does).
pub async fn run(settings: Settings, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
    Worker::build(settings)?.run(shutdown).await
}

/// A worker's connections and name, built before it takes any job, so that tests can
/// drain the queue one job at a time with [`Worker::run_one`].
pub struct Worker {
    context: JobContext,
    name: String,
}

impl Worker {
    /// Builds the Augur pool and the cache connection; both connect lazily, so a worker
    /// builds (and reports the problem per job) while Augur or Redis is down.
    pub fn build(settings: Settings) -> anyhow::Result<Worker> {
        let db = explorer::augur::db::augur_pool(
            &settings.database_url,
            settings.worker_concurrency as u32,
            settings.statement_timeout,
        )
        .context("the DATABASE_URL is not a valid PostgreSQL URL")?;
        let cache =
            Cache::connect(&settings.redis_url, &settings.key_prefix).context("REDIS_URL is not a valid Redis URL")?;
        Ok(Worker { context: JobContext { db, cache, settings }, name: unique_name() })
    }

    /// Runs jobs until `shutdown` resolves, then stops taking new ones. Losing Redis stops
    /// apalis' worker; it is started again until Redis answers, so the process never needs a
    /// restart for it.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let Worker { context, name } = self;
        let settings = &context.settings;
        let janitor_queue = explorer::jobs::queue::connect(&settings.redis_url, &settings.key_prefix)
            .context("REDIS_URL is not a valid Redis URL")?;
        let janitor = tokio::spawn(janitor(janitor_queue, context.cache.clone()));
        let freshness = tokio::spawn(follow_collections(context.clone()));
        let probes = match settings.worker_metrics_addr {
            Some(addr) => {
                let listener =
                    tokio::net::TcpListener::bind(addr).await.with_context(|| format!("could not listen on {addr}"))?;
                info!(%addr, "serving /metrics, /healthz and /readyz");
                Some(tokio::spawn(serve_probes(listener, context.cache.clone(), context.db.clone())))
            }
            None => None,
        };
        // The shutdown as a flag that every start of the apalis worker can wait on.
        let (stop, stopping) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop.send(true);
        });
        info!(worker = %name, concurrency = settings.worker_concurrency, "worker started");
        let outcome = loop {
            let outcome = run_once(&context, &name, stopping.clone()).await;
            if *stopping.borrow() {
                break outcome;
            }
            match outcome {
                Err(error) => warn!(error = %format!("{error:#}"), "the worker lost its queue; starting again in 1 s"),
                Ok(()) => warn!("the worker stopped by itself; starting again in 1 s"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        };
        janitor.abort();
        freshness.abort();
        if let Some(probes) = probes {
            probes.abort();
        }
        outcome
    }

    /// Takes one queued job, if any, and runs it to completion: its result or failure is
    /// in the cache and the queue has recorded it as done when this returns. Returns
    /// whether a job ran. For tests, which drain the queue with it instead of waiting for
    /// a background worker; no other worker should take jobs from the same queue meanwhile,
    /// or the job counted as queued may be gone before this one asks for it.
    pub async fn run_one(&self) -> anyhow::Result<bool> {
        let settings = &self.context.settings;
        let waiting = explorer::jobs::queue::waiting(&mut self.context.cache.connection(), &settings.key_prefix)
            .await
            .context("could not read the queue's depth")?;
        if waiting == 0 {
            return Ok(false);
        }
        let queue = explorer::jobs::queue::connect(&settings.redis_url, &settings.key_prefix)
            .context("REDIS_URL is not a valid Redis URL")?;
        // One job per fetch: a batch would hold further jobs until this worker stops.
        let config = queue.get_config().clone().batch_size(1);
        let queue = queue.with_config(config);
        let polling = Strategy::new().interval(Duration::from_millis(20));
        // Stopping after the first finished job makes apalis take no other, record this one
        // as done and leave the worker's registration, before `run` returns.
        WorkerBuilder::new(format!("{}-one-{}", self.name, unique_suffix()))
            .backend(queue.poll_with_strategy(polling))
            .data(self.context.clone())
            .concurrency(1)
            .on_event(|worker, event| {
                if matches!(event, Event::Success(_) | Event::Error(_)) {
                    let _ = worker.stop();
                }
            })
            .build(handle)
            .run()
            .await
            .context("the worker stopped with an error")?;
        Ok(true)
    }
}

/// One run of the apalis worker, until it fails or the process is stopping.
async fn run_once(
    context: &JobContext,
    name: &str,
    stopping: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let settings = &context.settings;
    let queue = explorer::jobs::queue::connect(&settings.redis_url, &settings.key_prefix)
        .context("REDIS_URL is not a valid Redis URL")?;
    // Wake at once when the web tier announces a job; poll every second in case a wake-up
    // was lost (Redis restart) or a job was pushed by something that does not announce.
    let polling = Strategy::new()
        .stream(explorer::jobs::queue::wakeups(&settings.redis_url, &settings.key_prefix))
        .interval(Duration::from_secs(1));
    let mut stop = stopping.clone();
    let worker = WorkerBuilder::new(name)
        .backend(queue.poll_with_strategy(polling))
        .data(context.clone())
        .concurrency(settings.worker_concurrency)
        .build(handle)
        .run_until(async move {
            let _ = stop.wait_for(|stopping| *stopping).await;
            // apalis stops fetching as this future resolves, so the line marks the moment.
            info!("taking no new jobs");
            Ok::<(), std::io::Error>(())
        });
    // On shutdown apalis stops taking jobs and waits for those in flight; past the grace
    // period the process leaves them, and the other workers take them back once this
    // one's heartbeats stop.
    let grace = settings.shutdown_grace;
    let mut stop = stopping;
    tokio::select! {
        ran = worker => ran.context("the worker stopped with an error"),
        _ = async {
            let _ = stop.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(grace).await;
        } => {
            warn!(?grace, "jobs still running after the grace period are left to other workers");
            Ok(())
        }
    }
}

/// /metrics for Prometheus; /healthz while the process is up; /readyz when Redis and
/// Augur both answer.
async fn serve_probes(listener: tokio::net::TcpListener, cache: Cache, db: sqlx::PgPool) {
    use axum::{
        http::{header, StatusCode},
        routing::get,
        Router,
    };

    let metrics_cache = cache.clone();
    let router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/metrics",
            get(move || {
                let cache = metrics_cache.clone();
                async move {
                    let text = explorer::metrics::scrape(&cache).await;
                    ([(header::CONTENT_TYPE, explorer::metrics::CONTENT_TYPE)], text)
                }
            }),
        )
        .route(
            "/readyz",
            get(move || {
                let (cache, db) = (cache.clone(), db.clone());
                async move {
                    let augur = sqlx::query("SELECT 1").execute(&db).await;
                    match (cache.ping().await, augur) {
                        (Ok(()), Ok(_)) => (StatusCode::OK, "ready"),
                        (Err(_), _) => (StatusCode::SERVICE_UNAVAILABLE, "redis unavailable"),
                        (_, Err(_)) => (StatusCode::SERVICE_UNAVAILABLE, "augur unavailable"),
                    }
                }
            }),
        );
    if let Err(error) = axum::serve(listener, router).await {
        warn!(%error, "the probe server stopped");
    }
}

/// Once a minute, one worker of the fleet cleans what apalis keeps of finished jobs.
async fn janitor(mut queue: explorer::jobs::queue::JobQueue, cache: Cache) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        match cache.try_lock("vacuum", Duration::from_secs(50)).await {
            Ok(true) => match explorer::jobs::queue::vacuum(&mut queue).await {
                Ok(cleaned) => info!(cleaned, "cleaned finished jobs from the queue"),
                Err(error) => warn!(%error, "could not clean finished jobs"),
            },
            Ok(false) => {}
            Err(error) => warn!(%error, "could not clean finished jobs"),
        }
    }
}

/// Every FRESHNESS_CHECK_SECS, one worker of the fleet drops the cached data of repos
/// that Augur has collected anew.
async fn follow_collections(context: JobContext) {
    let every = context.settings.freshness_check;
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let lock = (every * 4 / 5).max(Duration::from_secs(1));
        match context.cache.try_lock("freshness", lock).await {
            Ok(true) => {
                match explorer::jobs::freshness::sweep(&context.db, &context.cache, context.settings.result_ttl).await {
                    Ok(sweep) if sweep.refreshed.is_empty() => {}
                    Ok(sweep) => {
                        info!(
                            repos = sweep.refreshed.len(),
                            dropped = sweep.dropped,
                            "dropped data Augur collected anew"
                        )
                    }
                    Err(error) => warn!(%error, "could not follow Augur's collections"),
                }
            }
            Ok(false) => {}
            Err(error) => warn!(%error, "could not follow Augur's collections"),
        }
    }
}

async fn handle(task: QueryJob, id: TaskId, context: Data<JobContext>) -> Result<(), BoxDynError> {
    match job::run(task, &id.to_string(), &context).await {
        Ok(()) => Ok(()),
        // Without Redis nothing was recorded: apalis keeps the job and it runs again.
        Err(JobError::Cache(error)) => Err(error.into()),
        // Recorded as the chart's Failed status, which the page shows, and logged by
        // job::run in the job's span, with its cache key.
        Err(_) => Ok(()),
    }
}

/// Worker names must differ between processes: apalis tracks in-flight jobs per name.
fn unique_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".to_owned());
    format!("worker-{host}-{}-{}", std::process::id(), unique_suffix())
}

/// Differs between calls within a process.
fn unique_suffix() -> String {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{nanos:08x}{:x}", COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

use apalis::prelude::TaskSink;
use charts::{ChartControls, ChartId, ChartReply};
use tracing::{info, warn, Instrument};

use crate::{
    cache::{CacheError, Counter},
    codec::CachedResult,
    queue::{JobQueue, QueryJob},
    status::{elapsed_since, now_ms, JobStatus},
    viz, Cache, RepoSet, ResultKey, Settings,
};

/// What the web tier does for a chart: answer from the cache, or make sure exactly one
/// job is queued for it and say how far along it is. It never runs an Augur query.
#[derive(Clone)]
pub struct ChartService {
    cache: Cache,
    jobs: JobQueue,
    settings: Settings,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("the cache is unavailable, try again shortly ({0})")]
    CacheUnavailable(#[from] CacheError),
    #[error("the job queue is unavailable, try again shortly ({0})")]
    QueueUnavailable(String),
}

impl ChartService {
    pub fn new(cache: Cache, jobs: JobQueue, settings: Settings) -> Self {
        ChartService { cache, jobs, settings }
    }

    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    pub async fn chart(
        &self,
        chart: ChartId,
        repos: &RepoSet,
        controls: &ChartControls,
    ) -> Result<ChartReply, ServiceError> {
        let query = viz::query_for(chart);
        let key = ResultKey::new(query, repos);
        let span = tracing::info_span!("chart", chart = chart.slug(), %key);
        async move {
            if let Some(bytes) = self.cache.result(&key).await? {
                match CachedResult::decode(&bytes) {
                    Ok(entry) => return Ok(ready(chart, &entry, controls)),
                    Err(error) => {
                        // Never serve what cannot be read: drop it and compute it again.
                        warn!(%error, "dropping unreadable cache entry");
                        self.cache.drop_result(&key).await?;
                    }
                }
            }
            match self.cache.status(&key).await? {
                Some(status) => Ok(pending(status)),
                None => self.enqueue(QueryJob { query, repos: repos.clone() }, &key).await,
            }
        }
        .instrument(span)
        .await
    }

    async fn enqueue(&self, job: QueryJob, key: &ResultKey) -> Result<ChartReply, ServiceError> {
        let status = JobStatus::Queued { enqueued_at_ms: now_ms() };
        if !self.cache.claim(key, &status, self.settings.pending_ttl()).await? {
            // Another request, on this replica or another, queued it first.
            return Ok(self.cache.status(key).await?.map_or(ChartReply::Queued { elapsed_ms: 0 }, pending));
        }
        let query = job.query;
        if let Err(error) = self.jobs.clone().push(job).await {
            // Without the job the claim would keep every poll waiting: give it back.
            self.cache.clear_status(key).await?;
            return Err(ServiceError::QueueUnavailable(error.to_string()));
        }
        self.cache.count(Counter::Enqueued(query)).await?;
        // Lost wake-ups only delay the job until a worker's next poll: not worth failing for.
        if let Err(error) = crate::queue::announce(&mut self.cache.connection(), self.cache.prefix()).await {
            warn!(%error, "could not announce the job to idle workers");
        }
        info!("job enqueued");
        Ok(ChartReply::Queued { elapsed_ms: 0 })
    }
}

fn ready(chart: ChartId, entry: &CachedResult, controls: &ChartControls) -> ChartReply {
    match viz::build(chart, &entry.frame, controls) {
        Ok(data) => ChartReply::Ready { computed_at: entry.computed_at, data },
        Err(error) => ChartReply::Failed { error: error.to_string(), retryable: false },
    }
}

fn pending(status: JobStatus) -> ChartReply {
    match status {
        JobStatus::Queued { enqueued_at_ms } => ChartReply::Queued { elapsed_ms: elapsed_since(enqueued_at_ms) },
        JobStatus::Running { enqueued_at_ms, .. } => ChartReply::Running { elapsed_ms: elapsed_since(enqueued_at_ms) },
        JobStatus::Failed { reason, retryable } => ChartReply::Failed { error: reason, retryable },
    }
}

use std::{
    future::Future,
    time::{Duration, Instant},
};

use apalis::prelude::{TaskBuilder, TaskId, TaskSink};
use charts::{AppError, ChartControls, ChartId, ChartReply};
use chrono::{DateTime, NaiveDate, Utc};
use tracing::{info, warn, Instrument};

use crate::{
    jobs::{
        finished::FinishedJobs,
        queue::{self, JobQueue, Place, QueryJob},
    },
    metrics::METRICS,
    store::codec::CachedResult,
    store::{elapsed_since, now_ms, JobStatus},
    store::{CacheError, Counter, LocalCharts},
    viz,
    web::admission::{Admission, Client, Refusal},
    Cache, Query, RepoSet, ResultKey, Settings,
};

/// What the web tier does for a chart: answer from the cache, or make sure exactly one
/// job is queued for it and say how far along it is. It never runs an Augur query.
#[derive(Clone)]
pub struct ChartService {
    cache: Cache,
    jobs: JobQueue,
    settings: Settings,
    /// Names the repositories of charts that draw one point per repository.
    repos: Option<crate::web::search::LiveIndex>,
    /// Who may queue new jobs; shared by the clones.
    admission: std::sync::Arc<Admission>,
    /// Lets a request wait for a pending chart's job; without it, requests never wait.
    finished: Option<FinishedJobs>,
    /// Answers repeated drawings from this replica's memory; without it, each is read from Redis.
    local: Option<LocalCharts>,
}

/// How often a request waiting on a job looks at its status even without an announcement
/// (one lost while the replica's subscription was down, say).
const RECHECK: Duration = Duration::from_millis(250);

/// A dependency of the web tier is down. The message is for users; the raw cause goes to
/// the log only, inside the chart's span (which carries the cache key).
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("the cache is unavailable")]
    CacheUnavailable(#[from] CacheError),
    #[error("the job queue is unavailable")]
    QueueUnavailable(String),
    /// New work refused (a client over its allowance, a full queue, a query that keeps
    /// failing): not a fault, so not logged as one.
    #[error("new work refused: {0:?}")]
    Refused(Refusal),
}

impl From<Refusal> for ServiceError {
    fn from(refusal: Refusal) -> Self {
        ServiceError::Refused(refusal)
    }
}

impl ServiceError {
    /// The raw error of Redis or the queue, for the log.
    pub fn cause(&self) -> String {
        match self {
            ServiceError::CacheUnavailable(error) => error.to_string(),
            ServiceError::QueueUnavailable(error) => error.clone(),
            ServiceError::Refused(refusal) => format!("{refusal:?}"),
        }
    }
}

impl From<ServiceError> for AppError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Refused(refusal) => refusal.into(),
            // Redis at its maxmemory with noeviction: reads work, writes do not.
            ServiceError::CacheUnavailable(error) if error.code() == Some("OOM") => {
                AppError::unavailable("the cache is full: charts already computed still load, new ones must wait")
            }
            error => AppError::unavailable(error.to_string()),
        }
    }
}

impl ChartService {
    pub fn new(cache: Cache, jobs: JobQueue, settings: Settings) -> Self {
        let admission = std::sync::Arc::new(Admission::new(&settings.web_limits));
        ChartService { cache, jobs, settings, repos: None, admission, finished: None, local: None }
    }

    /// Lets [`ChartService::answer_within`] wait for jobs, learning from `finished` when one ends.
    pub fn with_finished_jobs(mut self, finished: FinishedJobs) -> Self {
        self.finished = Some(finished);
        self
    }

    /// Reads drawings through `local`, this replica's coherent copy of them.
    pub fn with_local_charts(mut self, local: LocalCharts) -> Self {
        self.local = Some(local);
        self
    }

    /// Labels scatter points owner/name from this index (else "repository <id>").
    pub fn with_repo_names(mut self, index: crate::web::search::LiveIndex) -> Self {
        self.repos = Some(index);
        self
    }

    /// A ready answer with its points named by repository.
    fn labelled(&self, reply: ChartReply) -> ChartReply {
        // Only scatter charts need the index; the others skip taking it.
        if !matches!(reply, ChartReply::Ready { data: charts::ChartData::Points(_), .. }) {
            return reply;
        }
        let index = self.repos.as_ref().map(|repos| repos.current());
        label_points(reply, index.as_deref())
    }

    /// The replica's subscription to finished jobs, when it has one.
    pub fn finished_jobs(&self) -> Option<&FinishedJobs> {
        self.finished.as_ref()
    }

    /// Whether `key`'s job is queued or running: what a page waiting on it may wait for.
    pub async fn job_pending(&self, key: &ResultKey) -> Result<bool, ServiceError> {
        let status = self.cache.status(key).await?;
        Ok(matches!(status, Some(JobStatus::Queued { .. } | JobStatus::Running { .. })))
    }

    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// A chart's answer, as typed data for the page.
    pub async fn chart(
        &self,
        chart: ChartId,
        repos: &RepoSet,
        controls: &ChartControls,
        client: Client,
    ) -> Result<ChartReply, ServiceError> {
        Ok(self.answer(chart, repos, controls, client).await?.into_reply())
    }

    /// As [`ChartService::answer`], but a pending chart is waited for, up to `wait`: a
    /// job that finishes sooner is answered with its data instead of "queued". The wait
    /// ends as soon as the job is announced finished (through any worker), and looks again
    /// every [`RECHECK`] in case an announcement was lost.
    pub async fn answer_within(
        &self,
        chart: ChartId,
        repos: &RepoSet,
        controls: &ChartControls,
        client: Client,
        wait: Duration,
    ) -> Result<ChartAnswer, ServiceError> {
        let Some(finished) = self.finished.as_ref().filter(|_| !wait.is_zero()) else {
            return self.answer(chart, repos, controls, client).await;
        };
        let deadline = Instant::now() + wait;
        // Watching before the first look: a job that ends in between is still heard of.
        let mut watch = finished.watch();
        let key = ResultKey::new(viz::query_for(chart), repos);
        let mut counted = Counted::Yes;
        loop {
            let answer = self.look(chart, repos, controls, client, counted).await?;
            if !answer.is_pending() || Instant::now() >= deadline {
                return Ok(answer);
            }
            counted = Counted::No;
            watch.finished(&key, deadline.min(Instant::now() + RECHECK)).await;
        }
    }

    /// A chart's answer; ready data comes as the JSON the API sends, straight from the
    /// cache when this drawing was asked for before. A new job is queued only if `client`
    /// and the fleet's queue have room for it.
    pub async fn answer(
        &self,
        chart: ChartId,
        repos: &RepoSet,
        controls: &ChartControls,
        client: Client,
    ) -> Result<ChartAnswer, ServiceError> {
        self.look(chart, repos, controls, client, Counted::Yes).await
    }

    /// [`ChartService::answer`]; a waiting request's later looks are not counted again as
    /// requests, hits or misses.
    async fn look(
        &self,
        chart: ChartId,
        repos: &RepoSet,
        controls: &ChartControls,
        client: Client,
        counted: Counted,
    ) -> Result<ChartAnswer, ServiceError> {
        let count = counted == Counted::Yes;
        let query = viz::query_for(chart);
        let key = ResultKey::new(query, repos);
        // A per-repo chart names its repo in its drawing's field. Callers reject a pick
        // outside the selection with its reason (`ChartControls::pick_repo_in`).
        let mut controls = *controls;
        if controls.pick_repo_in(chart, repos.ids()).is_err() {
            controls.repo = charts::RepoPick::Nothing;
        }
        let controls = &controls;
        let span = tracing::info_span!("chart", chart = chart.slug(), %key);
        logged(span, async move {
            if count {
                METRICS.chart_requested(chart.slug());
            }
            let today = Utc::now().date_naive();
            let field = chart_json_field(chart, controls, today);
            let drawn = match &self.local {
                Some(local) => local.chart_json(&key, &field).await?,
                None => self.cache.chart_json(&key, &field).await?,
            };
            if let Some(json) = drawn {
                if count {
                    METRICS.cache_hit(chart.slug());
                }
                return Ok(ChartAnswer::Ready(json));
            }
            if let Some(entry) = self.cached_result(query, repos, &key).await? {
                if count {
                    METRICS.cache_hit(chart.slug());
                }
                let reply = self.labelled(ready(chart, entry, controls, today));
                if !matches!(reply, ChartReply::Ready { .. }) {
                    return Ok(ChartAnswer::Other(reply));
                }
                let json = serde_json::to_string(&reply).expect("chart data serialises");
                // The answer is computed: a failed write (Redis full, say) costs the next
                // request a redraw, not this one its answer.
                if let Err(error) = self.cache.put_chart_json(&key, &field, &json).await {
                    warn!(%error, "could not cache the drawing; answering without");
                }
                return Ok(ChartAnswer::Ready(json));
            }
            if count {
                METRICS.cache_missed(chart.slug());
            }
            let job = QueryJob { query, repos: repos.clone() };
            let reply = match self.cache.status(&key).await? {
                Some(status) => self.follow(status, job, &key).await?,
                None => self.enqueue(job, &key, client).await?,
            };
            Ok(ChartAnswer::Other(reply))
        })
        .await
    }

    /// The selection's result: its own entry, or one assembled from per-repo parts when
    /// every repo has one, which is then kept as the selection's entry so the next read is
    /// one GET (and invalidation finds it through the index). A large selection's entry
    /// is a reference, answered from its parts.
    async fn cached_result(
        &self,
        query: Query,
        repos: &RepoSet,
        key: &ResultKey,
    ) -> Result<Option<CachedResult>, ServiceError> {
        if let Some(bytes) = self.cache.result(key).await? {
            if CachedResult::is_reference(&bytes) {
                let assembled = self.assembled(query, repos).await?;
                let entry = assembled.and_then(|(bytes, _)| CachedResult::decode(&bytes).ok());
                if entry.is_none() {
                    // A part went (evicted, invalidated): the job computes just that one.
                    self.cache.drop_result(key).await?;
                }
                return Ok(entry);
            }
            match CachedResult::decode(&bytes) {
                Ok(entry) => return Ok(Some(entry)),
                Err(error) => {
                    // Never serve what cannot be read: drop it and compute it again.
                    warn!(%error, "dropping unreadable cache entry");
                    self.cache.drop_result(key).await?;
                }
            }
        }
        let Some((bytes, computed_at)) = self.assembled(query, repos).await? else {
            return Ok(None);
        };
        // Parts whose columns cannot be read are the job's to compute again.
        let Ok(entry) = CachedResult::decode(&bytes) else {
            return Ok(None);
        };
        let age = (Utc::now() - computed_at).to_std().unwrap_or_default();
        let ttl = self.settings.result_ttl.saturating_sub(age);
        if !ttl.is_zero() {
            // As for drawings: the parts still answer the next request if this write fails.
            let stored = match self.cache.put_result(key, &bytes, ttl).await {
                Ok(()) => self.cache.index_result(key, query, repos.ids(), ttl).await,
                Err(error) => Err(error),
            };
            if let Err(error) = stored {
                warn!(%error, "could not cache the assembled result; answering without");
            }
        }
        Ok(Some(entry))
    }

    /// The selection's result built from per-repo parts when every repo has a current one,
    /// as of the oldest part; the parts are not decoded for it.
    async fn assembled(&self, query: Query, repos: &RepoSet) -> Result<Option<(Vec<u8>, DateTime<Utc>)>, ServiceError> {
        let mut parts = Vec::with_capacity(repos.ids().len());
        let mut oldest: Option<DateTime<Utc>> = None;
        let mut size = 0u64;
        for bytes in self.cache.parts(query, repos.ids()).await? {
            let Some(bytes) = bytes else { return Ok(None) };
            match CachedResult::header(&bytes) {
                Ok(header) if header.query_version == query.version() => {
                    oldest = Some(oldest.map_or(header.computed_at, |at| at.min(header.computed_at)));
                    size += bytes.len() as u64;
                    parts.push(bytes);
                }
                _ => return Ok(None),
            }
        }
        // Too large a selection is the job's to refuse, with a reason the page shows.
        if size > self.settings.result_max_bytes {
            return Ok(None);
        }
        Ok(oldest.map(|at| (CachedResult::encode_group(&parts), at)))
    }

    /// Asks again for a chart whose job failed: the failure is forgotten and the job queued
    /// anew. For a chart in any other state this is the same as asking for it.
    /// A query that failed twice or more in a row is held a while (doubling with each
    /// failure) before a retry may run it again.
    pub async fn retry(
        &self,
        chart: ChartId,
        repos: &RepoSet,
        controls: &ChartControls,
        client: Client,
    ) -> Result<ChartReply, ServiceError> {
        let key = ResultKey::new(viz::query_for(chart), repos);
        let span = tracing::info_span!("retry", chart = chart.slug(), %key);
        logged(span, async {
            if let Some(JobStatus::Failed { .. }) = self.cache.status(&key).await? {
                if let Some((failures, retry_after)) = self.cache.retry_held(&key).await? {
                    return Err(Refusal::Failing { failures, retry_after }.into());
                }
                info!("retry requested");
                self.cache.clear_status(&key).await?;
            }
            Ok(())
        })
        .await?;
        self.chart(chart, repos, controls, client).await
    }

    /// Reports a pending job, and puts it back on the queue if the queue lost it.
    async fn follow(&self, status: JobStatus, job: QueryJob, key: &ResultKey) -> Result<ChartReply, ServiceError> {
        let (enqueued_at_ms, id) = match status {
            JobStatus::Queued { enqueued_at_ms, job } | JobStatus::Running { enqueued_at_ms, job, .. } => {
                (enqueued_at_ms, job)
            }
            JobStatus::Failed { reason, retryable } => return Ok(ChartReply::Failed { error: reason, retryable }),
        };
        let elapsed_ms = elapsed_since(enqueued_at_ms);
        let place = queue::place(&mut self.cache.connection(), self.cache.prefix(), &id).await?;
        Ok(match place {
            Place::Waiting(position) => ChartReply::Queued { elapsed_ms, position: Some(position) },
            // A worker has it (its Running status may be a moment behind).
            Place::Taken => ChartReply::Running { elapsed_ms },
            // The status is written just before the push: give the push time to land.
            Place::Missing if Duration::from_millis(elapsed_ms) < self.settings.push_grace => {
                ChartReply::Queued { elapsed_ms, position: None }
            }
            Place::Missing => return self.requeue(job, key, enqueued_at_ms).await,
        })
    }

    async fn enqueue(&self, job: QueryJob, key: &ResultKey, client: Client) -> Result<ChartReply, ServiceError> {
        let id = new_job_id(key);
        let status = JobStatus::Queued { enqueued_at_ms: now_ms(), job: id.clone() };
        if !self.cache.claim(key, &status, self.settings.pending_ttl()).await? {
            // Another request, on this replica or another, queued it first.
            return match self.cache.status(key).await? {
                Some(status) => self.follow(status, job, key).await,
                None => Ok(ChartReply::Queued { elapsed_ms: 0, position: None }),
            };
        }
        // A job may have stored the result (and dropped its status) between this request's
        // cache read and its claim: then the claim is given back instead of queueing again.
        if self.cache.has_result(key).await? {
            self.cache.clear_status(key).await?;
            return Ok(ChartReply::Queued { elapsed_ms: 0, position: None });
        }
        // Only the request that won the claim is charged: a hundred identical requests are
        // one new job. Refused, it gives the claim back.
        if let Err(refusal) = self.admit(client).await? {
            self.cache.clear_status(key).await?;
            return Err(refusal.into());
        }
        self.push(job, key, id).await?;
        Ok(ChartReply::Queued { elapsed_ms: 0, position: None })
    }

    /// Whether `client` and the fleet's queue have room for one more job: the cheap, local
    /// check first, then the queue's depth. Concurrent requests may each see room for one
    /// more, so the queue can pass its cap by the enqueues in flight at that moment.
    async fn admit(&self, client: Client) -> Result<Result<(), Refusal>, ServiceError> {
        if let Err(refusal) = self.admission.admit_client(client) {
            return Ok(Err(refusal));
        }
        let waiting = queue::waiting(&mut self.cache.connection(), self.cache.prefix()).await?;
        Ok(self.admission.admit_to_queue(waiting))
    }

    /// A pending job the queue no longer holds: queue it again, once across the fleet,
    /// keeping its first enqueue time so the page's elapsed time stays honest.
    async fn requeue(&self, job: QueryJob, key: &ResultKey, enqueued_at_ms: i64) -> Result<ChartReply, ServiceError> {
        let elapsed_ms = elapsed_since(enqueued_at_ms);
        if self.cache.try_lock(&format!("requeue:{key}"), Duration::from_secs(10)).await? {
            warn!("the queue lost this chart's job: enqueuing it again");
            let id = new_job_id(key);
            let status = JobStatus::Queued { enqueued_at_ms, job: id.clone() };
            self.cache.set_status(key, &status, self.settings.pending_ttl()).await?;
            self.push(job, key, id).await?;
        }
        Ok(ChartReply::Queued { elapsed_ms, position: None })
    }

    async fn push(&self, job: QueryJob, key: &ResultKey, id: String) -> Result<(), ServiceError> {
        let query = job.query;
        let task = || TaskBuilder::new(job.clone()).task_id(TaskId::from_string(id.clone())).build();
        let mut pushed = self.jobs.clone().push_task(task()).await;
        if pushed.is_err() {
            // A connection broken by a Redis restart fails once, then reconnects.
            pushed = self.jobs.clone().push_task(task()).await;
        }
        if let Err(error) = pushed {
            // Without the job the status would keep every poll waiting: give it back.
            self.cache.clear_status(key).await?;
            return Err(ServiceError::QueueUnavailable(error.to_string()));
        }
        self.cache.count(Counter::Enqueued(query)).await?;
        METRICS.job_enqueued(query.name());
        // Lost wake-ups only delay the job until a worker's next poll: not worth failing for.
        if let Err(error) = queue::announce(&mut self.cache.connection(), self.cache.prefix()).await {
            warn!(%error, "could not announce the job to idle workers");
        }
        info!("job enqueued");
        Ok(())
    }
}

/// Runs a chart's work in its span and logs a failure's raw cause there, with the key.
async fn logged<T>(
    span: tracing::Span,
    work: impl Future<Output = Result<T, ServiceError>>,
) -> Result<T, ServiceError> {
    async move {
        let outcome = work.await;
        match &outcome {
            Err(ServiceError::Refused(refusal)) => tracing::debug!(?refusal, "new work refused"),
            Err(error) => warn!(%error, cause = %error.cause(), "chart request failed"),
            Ok(_) => {}
        }
        outcome
    }
    .instrument(span)
    .await
}

/// Names each scatter point owner/name by its repository id, so two repositories of the
/// same name in two orgs stay two labelled points; "repository <id>" when the index does not
/// know the id (yet).
fn label_points(mut reply: ChartReply, index: Option<&crate::web::search::SearchIndex>) -> ChartReply {
    if let ChartReply::Ready { data: charts::ChartData::Points(points), .. } = &mut reply {
        for point in &mut points.points {
            point.label = match index.and_then(|index| index.repo(point.id)) {
                Some(entry) => charts::repo_slug(&entry.url).to_owned(),
                None => format!("repository {}", point.id),
            };
        }
    }
    reply
}

/// Unique per enqueue, and readable in Redis next to the cache key it serves.
fn new_job_id(key: &ResultKey) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{}-{nanos:x}", &key.as_str()[..16])
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Counted {
    Yes,
    No,
}

/// A chart's answer, ready data kept as JSON so a cached drawing is sent as stored.
#[derive(Debug)]
pub enum ChartAnswer {
    /// `ChartReply::Ready` as JSON.
    Ready(String),
    Other(ChartReply),
}

impl ChartAnswer {
    /// Queued or running: the job has not finished.
    pub fn is_pending(&self) -> bool {
        matches!(self, ChartAnswer::Other(reply) if reply.is_pending())
    }

    pub fn into_reply(self) -> ChartReply {
        match self {
            ChartAnswer::Ready(json) => serde_json::from_str(&json).unwrap_or_else(|error| {
                warn!(%error, "cached chart JSON does not parse");
                ChartReply::Failed { error: "the cached chart could not be read".to_owned(), retryable: true }
            }),
            ChartAnswer::Other(reply) => reply,
        }
    }
}

/// Names a drawing within its result's hash. The controls are reduced to those the chart
/// reads; the day is there because "open at the end of the current period" changes daily.
/// The leading version changes with the JSON shape of the chart data.
fn chart_json_field(chart: ChartId, controls: &ChartControls, today: NaiveDate) -> String {
    let params: Vec<String> = controls.to_params(chart).iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("v1|{}|{}|{today}", chart.slug(), params.join("&"))
}

fn ready(chart: ChartId, entry: CachedResult, controls: &ChartControls, today: NaiveDate) -> ChartReply {
    match viz::build(chart, entry.frame, controls, today) {
        Ok(data) => ChartReply::Ready { computed_at: entry.computed_at, data },
        Err(error) => {
            // The cause names the row and column for the log; the page gets a sentence.
            warn!(%error, "a cached result does not fit its chart's rows");
            ChartReply::Failed {
                error: "the cached result could not be read for this chart".to_owned(),
                retryable: false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::augur::queries::Commits;

    #[test]
    fn points_are_named_by_repository_id_even_when_two_repos_share_a_name() {
        let entry = |id, url: &str| charts::RepoEntry { id, url: url.into(), org: String::new() };
        let index = crate::web::search::SearchIndex::new(vec![
            entry(1, "https://github.com/chaoss/augur"),
            entry(2, "https://github.com/someone/augur"),
        ]);
        let point = |id| charts::Point { id, label: String::new(), x: 1.0, y: 1.0, size: 1.0 };
        let points = charts::Points { points: vec![point(2), point(1), point(3)], log_y: false };
        let reply = ChartReply::Ready { computed_at: chrono::Utc::now(), data: points.into() };
        let ChartReply::Ready { data: charts::ChartData::Points(named), .. } = label_points(reply, Some(&index)) else {
            panic!("still points");
        };
        let labels: Vec<&str> = named.points.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["someone/augur", "chaoss/augur", "repository 3"]);
    }

    #[test]
    fn job_ids_survive_the_queue_unchanged() {
        // The worker reads the id back from Redis as text; it must parse to the same text,
        // or pending charts could not find their job.
        let id = new_job_id(&ResultKey::new(Query::of::<Commits>(), &RepoSet::new([1, 2]).unwrap()));
        let parsed: TaskId = id.parse().unwrap();
        assert_eq!(parsed.to_string(), id);
        assert!(matches!(parsed, TaskId::String(_)), "{parsed:?}");
    }

    #[test]
    fn users_get_a_sentence_and_the_log_gets_the_redis_text() {
        let raw = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused (os error 111)");
        let error = ServiceError::from(CacheError::from(raw));
        assert!(error.cause().contains("os error 111"), "the log keeps the cause: {}", error.cause());
        let shown = AppError::from(error);
        assert_eq!(shown, AppError::unavailable("the cache is unavailable"));
        assert_eq!(shown.http_status(), 503);

        let queue = AppError::from(ServiceError::QueueUnavailable("apalis: broken pipe".to_owned()));
        assert_eq!(queue, AppError::unavailable("the job queue is unavailable"));
    }
}

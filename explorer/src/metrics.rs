//! Prometheus metrics of this process, in the Prometheus text format. Counters are per
//! process; Prometheus sums them over replicas. Fleet-wide figures (queue depth) are read
//! from Redis when scraped. Labels are chart slugs and query names: a few dozen series.

use std::{sync::LazyLock, time::Duration};

use prometheus_client::{
    encoding::{prometheus_text, EncodeLabelSet},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

use crate::Cache;

/// Upper bounds, in seconds, of the job duration histogram.
const BUCKETS: [f64; 10] = [0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0, 60.0, 300.0, 900.0];

/// The `Content-Type` of what [`Metrics::render`] writes.
pub const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChartLabel {
    chart: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueryLabel {
    query: &'static str,
}

type JobDurations = Family<QueryLabel, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    chart_requests: Family<ChartLabel, Counter>,
    cache_hits: Family<ChartLabel, Counter>,
    cache_misses: Family<ChartLabel, Counter>,
    jobs_enqueued: Family<QueryLabel, Counter>,
    jobs_done: Family<QueryLabel, Counter>,
    jobs_failed: Family<QueryLabel, Counter>,
    augur_queries_in_flight: Gauge,
    job_durations: JobDurations,
    local_cache_hits: Counter,
    local_cache_misses: Counter,
    local_cache_invalidations: Counter,
    local_cache_resets: Counter,
    local_cache_bytes: Gauge,
}

pub static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

impl Metrics {
    fn new() -> Self {
        let mut registry = Registry::with_prefix("explorer");
        let chart_requests = counters(&mut registry, "chart_requests", "Chart requests answered");
        let cache_hits = counters(&mut registry, "cache_hits", "Chart requests answered from the cache");
        let cache_misses = counters(&mut registry, "cache_misses", "Chart requests that had to wait for a job");
        let jobs_enqueued = counters(&mut registry, "jobs_enqueued", "Jobs this process put on the queue");
        let jobs_done = counters(&mut registry, "jobs_done", "Jobs this process finished");
        let jobs_failed = counters(&mut registry, "jobs_failed", "Jobs this process ended as failed");
        let augur_queries_in_flight = Gauge::default();
        registry.register(
            "augur_queries_in_flight",
            "Augur queries this process is running",
            augur_queries_in_flight.clone(),
        );
        let job_durations = JobDurations::new_with_constructor(|| Histogram::new(BUCKETS));
        registry.register(
            "job_duration_seconds",
            "Time from taking a job to caching its result",
            job_durations.clone(),
        );
        let local_cache_hits =
            counter(&mut registry, "local_cache_hits", "Chart JSON reads answered from this replica's memory");
        let local_cache_misses =
            counter(&mut registry, "local_cache_misses", "Chart JSON reads this replica's local cache sent to Redis");
        let local_cache_invalidations =
            counter(&mut registry, "local_cache_invalidations", "Keys whose local copies a Redis invalidation dropped");
        let local_cache_resets = counter(
            &mut registry,
            "local_cache_resets",
            "Times the local cache lost its tracked Redis connection and dropped every copy",
        );
        let local_cache_bytes = Gauge::default();
        registry.register(
            "local_cache_bytes",
            "Bytes of chart JSON (fields and values) held in this replica's memory",
            local_cache_bytes.clone(),
        );
        Metrics {
            registry,
            chart_requests,
            cache_hits,
            cache_misses,
            jobs_enqueued,
            jobs_done,
            jobs_failed,
            augur_queries_in_flight,
            job_durations,
            local_cache_hits,
            local_cache_misses,
            local_cache_invalidations,
            local_cache_resets,
            local_cache_bytes,
        }
    }

    pub fn chart_requested(&self, chart: &'static str) {
        self.chart_requests.get_or_create(&ChartLabel { chart }).inc();
    }

    pub fn cache_hit(&self, chart: &'static str) {
        self.cache_hits.get_or_create(&ChartLabel { chart }).inc();
    }

    pub fn cache_missed(&self, chart: &'static str) {
        self.cache_misses.get_or_create(&ChartLabel { chart }).inc();
    }

    pub fn job_enqueued(&self, query: &'static str) {
        self.jobs_enqueued.get_or_create(&QueryLabel { query }).inc();
    }

    /// A job of `query` whose result is cached, `took` after it was taken.
    pub fn job_done(&self, query: &'static str, took: Duration) {
        self.jobs_done.get_or_create(&QueryLabel { query }).inc();
        self.job_durations.get_or_create(&QueryLabel { query }).observe(took.as_secs_f64());
    }

    pub fn job_failed(&self, query: &'static str) {
        self.jobs_failed.get_or_create(&QueryLabel { query }).inc();
    }

    pub fn local_cache_hit(&self) {
        self.local_cache_hits.inc();
    }

    pub fn local_cache_missed(&self) {
        self.local_cache_misses.inc();
    }

    /// `keys` whose local copies an invalidation dropped.
    pub fn local_cache_invalidated(&self, keys: u64) {
        self.local_cache_invalidations.inc_by(keys);
    }

    pub fn local_cache_reset(&self) {
        self.local_cache_resets.inc();
    }

    pub fn local_cache_held(&self, bytes: usize) {
        self.local_cache_bytes.set(i64::try_from(bytes).unwrap_or(i64::MAX));
    }

    /// The exposition text; `queue_depth` is added when known.
    pub fn render(&self, queue_depth: Option<u64>) -> String {
        let mut text = String::new();
        prometheus_text::encode(&mut text, &self.registry).expect("writing to a String cannot fail");
        if let Some(depth) = queue_depth {
            // Read at scrape time, so it lives in a registry of its own for this scrape.
            let mut fleet = Registry::with_prefix("explorer");
            let gauge: Gauge = Gauge::default();
            gauge.set(i64::try_from(depth).unwrap_or(i64::MAX));
            fleet.register("queue_depth", "Jobs waiting for a worker, fleet-wide", gauge);
            prometheus_text::encode(&mut text, &fleet).expect("writing to a String cannot fail");
        }
        text
    }
}

/// A counter per label set, registered as `name` (the exposition adds `_total`).
fn counters<Label>(registry: &mut Registry, name: &str, help: &str) -> Family<Label, Counter>
where
    Label: Clone + std::hash::Hash + Eq + EncodeLabelSet + std::fmt::Debug + Send + Sync + 'static,
{
    let family = Family::default();
    registry.register(name, help, family.clone());
    family
}

/// A counter without labels, registered as `name` (the exposition adds `_total`).
fn counter(registry: &mut Registry, name: &str, help: &str) -> Counter {
    let counter = Counter::default();
    registry.register(name, help, counter.clone());
    counter
}

/// What /metrics answers: this process's metrics and the queue depth, unless Redis is down.
pub async fn scrape(cache: &Cache) -> String {
    let depth = crate::jobs::queue::waiting(&mut cache.connection(), cache.prefix()).await.ok();
    METRICS.render(depth)
}

/// Counts an Augur query as in flight until dropped.
pub struct InFlight;

impl InFlight {
    pub fn start() -> Self {
        METRICS.augur_queries_in_flight.inc();
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        METRICS.augur_queries_in_flight.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_carry_their_chart_or_query_and_buckets_are_cumulative() {
        let metrics = Metrics::new();
        metrics.job_done("commits", Duration::from_millis(300));
        metrics.job_done("commits", Duration::from_secs(20));
        metrics.job_done("issues", Duration::from_millis(50));
        metrics.job_failed("issues");
        metrics.cache_hit("commits-over-time");
        metrics.cache_hit("commits-over-time");
        metrics.cache_missed("issues-over-time");
        metrics.local_cache_hit();
        metrics.local_cache_invalidated(3);
        metrics.local_cache_held(512);
        let text = metrics.render(Some(4));
        for line in [
            "explorer_job_duration_seconds_bucket{query=\"commits\",le=\"0.25\"} 0",
            "explorer_job_duration_seconds_bucket{query=\"commits\",le=\"0.5\"} 1",
            "explorer_job_duration_seconds_bucket{query=\"commits\",le=\"60\"} 2",
            "explorer_job_duration_seconds_count{query=\"commits\"} 2",
            "explorer_job_duration_seconds_bucket{query=\"issues\",le=\"0.1\"} 1",
            "explorer_jobs_done_total{query=\"commits\"} 2",
            "explorer_jobs_failed_total{query=\"issues\"} 1",
            "explorer_cache_hits_total{chart=\"commits-over-time\"} 2",
            "explorer_cache_misses_total{chart=\"issues-over-time\"} 1",
            "explorer_augur_queries_in_flight 0",
            "explorer_queue_depth 4",
            "explorer_local_cache_hits_total 1",
            "explorer_local_cache_misses_total 0",
            "explorer_local_cache_invalidations_total 3",
            "explorer_local_cache_resets_total 0",
            "explorer_local_cache_bytes 512",
        ] {
            assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
        }
        assert!(!metrics.render(None).contains("explorer_queue_depth"));
    }
}

//! Prometheus metrics of this process, in the text exposition format. Counters are
//! per process; Prometheus sums them over replicas. Fleet-wide figures (queue depth)
//! are read from Redis when scraped.

use std::{
    fmt::Write,
    sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed},
    time::Duration,
};

/// Upper bounds, in seconds, of the job duration histogram.
const BUCKETS: [f64; 10] = [0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0, 60.0, 300.0, 900.0];

pub struct Metrics {
    pub chart_requests: AtomicU64,
    pub cache_hits: AtomicU64,
    pub cache_misses: AtomicU64,
    pub jobs_enqueued: AtomicU64,
    pub jobs_done: AtomicU64,
    pub jobs_failed: AtomicU64,
    pub augur_queries_in_flight: AtomicI64,
    job_seconds_buckets: [AtomicU64; BUCKETS.len()],
    job_seconds_count: AtomicU64,
    job_millis_sum: AtomicU64,
}

pub static METRICS: Metrics = Metrics::new();

impl Metrics {
    const fn new() -> Self {
        Metrics {
            chart_requests: AtomicU64::new(0),
            cache_hits: AtomicU64::new(0),
            cache_misses: AtomicU64::new(0),
            jobs_enqueued: AtomicU64::new(0),
            jobs_done: AtomicU64::new(0),
            jobs_failed: AtomicU64::new(0),
            augur_queries_in_flight: AtomicI64::new(0),
            job_seconds_buckets: [const { AtomicU64::new(0) }; BUCKETS.len()],
            job_seconds_count: AtomicU64::new(0),
            job_millis_sum: AtomicU64::new(0),
        }
    }

    pub fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Relaxed);
    }

    pub fn observe_job(&self, took: Duration) {
        let seconds = took.as_secs_f64();
        for (bound, bucket) in BUCKETS.iter().zip(&self.job_seconds_buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Relaxed);
            }
        }
        self.job_seconds_count.fetch_add(1, Relaxed);
        self.job_millis_sum.fetch_add(took.as_millis() as u64, Relaxed);
    }

    /// The exposition text; `queue_depth` is added when known.
    pub fn render(&self, queue_depth: Option<u64>) -> String {
        let mut out = String::new();
        let mut counter = |name: &str, help: &str, value: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}");
        };
        counter("explorer_chart_requests_total", "Chart requests answered.", self.chart_requests.load(Relaxed));
        counter("explorer_cache_hits_total", "Chart requests answered from the cache.", self.cache_hits.load(Relaxed));
        counter(
            "explorer_cache_misses_total",
            "Chart requests that had to wait for a job.",
            self.cache_misses.load(Relaxed),
        );
        counter(
            "explorer_jobs_enqueued_total",
            "Jobs this process put on the queue.",
            self.jobs_enqueued.load(Relaxed),
        );
        counter("explorer_jobs_done_total", "Jobs this process finished.", self.jobs_done.load(Relaxed));
        counter("explorer_jobs_failed_total", "Jobs this process ended as failed.", self.jobs_failed.load(Relaxed));
        let _ = writeln!(
            out,
            "# HELP explorer_augur_queries_in_flight Augur queries this process is running.\n\
             # TYPE explorer_augur_queries_in_flight gauge\nexplorer_augur_queries_in_flight {}",
            self.augur_queries_in_flight.load(Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP explorer_job_duration_seconds Time from taking a job to caching its result.\n\
             # TYPE explorer_job_duration_seconds histogram"
        );
        for (bound, bucket) in BUCKETS.iter().zip(&self.job_seconds_buckets) {
            let _ = writeln!(out, "explorer_job_duration_seconds_bucket{{le=\"{bound}\"}} {}", bucket.load(Relaxed));
        }
        let count = self.job_seconds_count.load(Relaxed);
        let _ = writeln!(out, "explorer_job_duration_seconds_bucket{{le=\"+Inf\"}} {count}");
        let _ =
            writeln!(out, "explorer_job_duration_seconds_sum {}", self.job_millis_sum.load(Relaxed) as f64 / 1000.0);
        let _ = writeln!(out, "explorer_job_duration_seconds_count {count}");
        if let Some(depth) = queue_depth {
            let _ = writeln!(
                out,
                "# HELP explorer_queue_depth Jobs waiting for a worker, fleet-wide.\n\
                 # TYPE explorer_queue_depth gauge\nexplorer_queue_depth {depth}"
            );
        }
        out
    }
}

/// Counts an Augur query as in flight until dropped.
pub struct InFlight;

impl InFlight {
    pub fn start() -> Self {
        METRICS.augur_queries_in_flight.fetch_add(1, Relaxed);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        METRICS.augur_queries_in_flight.fetch_sub(1, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative() {
        let metrics = Metrics::new();
        metrics.observe_job(Duration::from_millis(300));
        metrics.observe_job(Duration::from_secs(20));
        let text = metrics.render(Some(4));
        assert!(text.contains("explorer_job_duration_seconds_bucket{le=\"0.25\"} 0"), "{text}");
        assert!(text.contains("explorer_job_duration_seconds_bucket{le=\"0.5\"} 1"), "{text}");
        assert!(text.contains("explorer_job_duration_seconds_bucket{le=\"60\"} 2"), "{text}");
        assert!(text.contains("explorer_job_duration_seconds_count 2"), "{text}");
        assert!(text.contains("explorer_queue_depth 4"), "{text}");
    }
}

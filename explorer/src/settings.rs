use std::{fmt, time::Duration};

/// The project-local PostgreSQL that `scripts/demo.sh` starts and seeds.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5433/augur";
/// The project-local Redis that `scripts/demo.sh` starts.
pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6380/";
/// The web tier's internal address for /metrics: loopback, so a dev machine exposes nothing.
pub const DEFAULT_METRICS_ADDR: &str = "127.0.0.1:9463";

/// Every setting of the web and worker binaries, read once from the environment.
/// The README's settings table lists them with these defaults.
#[derive(Clone)]
pub struct Settings {
    pub database_url: String,
    pub redis_url: String,
    /// Prefix of every Redis key this deployment writes (tests and tenants use their own).
    pub key_prefix: String,
    /// How long a computed chart result stays cached.
    pub result_ttl: Duration,
    /// The largest encoded result a job may cache; a larger one fails with a clear reason.
    pub result_max_bytes: u64,
    /// PostgreSQL `statement_timeout` for Augur queries; also bounds how long a job may run.
    pub statement_timeout: Duration,
    /// Jobs one worker process runs at once.
    pub worker_concurrency: usize,
    /// Augur queries running at once across all workers.
    pub augur_max_queries: u32,
    /// How long a job waits for one of the fleet's Augur query slots before it fails.
    pub augur_slot_wait: Duration,
    /// Tries of a query that fails for a transient reason (connection lost, Augur restarting).
    pub job_attempts: u32,
    /// The wait before the first retry; it doubles for each next one.
    pub job_retry_base: Duration,
    /// How long a freshly queued job may be missing from the queue (its status is written
    /// just before the push) before a request counts it as lost and queues it again.
    pub push_grace: Duration,
    /// How long a stopping worker lets its running jobs finish before leaving them to others.
    pub shutdown_grace: Duration,
    /// Where a worker serves /metrics, /healthz and /readyz; none when unset.
    pub worker_metrics_addr: Option<std::net::SocketAddr>,
    /// Where a web replica serves /metrics, /healthz and /readyz apart from the public
    /// router; none when set to `off`.
    pub metrics_addr: Option<std::net::SocketAddr>,
    /// How long a stopping web replica keeps accepting (failing /readyz) so that balancers
    /// take it out before its port closes.
    pub web_drain_delay: Duration,
    /// How long a stopping web replica lets its requests in flight finish once it stopped accepting.
    pub web_shutdown_grace: Duration,
    pub search_refresh: Duration,
    /// How often one worker checks Augur's collection status for repos collected anew.
    pub freshness_check: Duration,
    pub selection_max_repos: usize,
    /// What the page shows when its URL names no selection: `org:NAME` and repo ids, comma-separated.
    pub default_selection: String,
    /// What one anonymous client may ask of the web tier.
    pub web_limits: WebLimits,
    /// How long a failure for a passing cause (a lost connection) stands before a request
    /// runs the job again; at least the retry hold.
    pub transient_failure_ttl: Duration,
    /// The hold on retries after a key's second failure in a row; it doubles with each
    /// further one, up to `failure_hold_max`.
    pub failure_hold_base: Duration,
    pub failure_hold_max: Duration,
    /// How long a page render waits for a pending chart's job before it sends the chart as
    /// pending: a job that finishes sooner comes in the page itself. Zero turns it off.
    pub render_wait: Duration,
    /// Bytes of chart JSON (fields and values) a web replica keeps in its own memory, kept
    /// coherent with Redis by client tracking ([`crate::store::LocalCharts`]). Zero turns it off.
    pub local_cache_bytes: u64,
}

/// The web tier's bounds on what a client may hold or ask for.
#[derive(Clone, Debug, PartialEq)]
pub struct WebLimits {
    /// The longest a request may take, body included, before it is answered 408.
    pub request_timeout: Duration,
    /// How long a connection may take to send a request's headers (and how long it may sit
    /// idle between requests) before it is closed.
    pub header_read_timeout: Duration,
    /// Requests served at once by one replica; more are answered 503 at once.
    pub max_concurrent_requests: usize,
    /// The largest request body accepted (server functions post their arguments).
    pub max_body_bytes: usize,
    /// Requests that queue a new job one client may make per minute, after a burst of
    /// `job_burst_per_client` (a page of a new selection queues one job per query).
    pub jobs_per_client_per_minute: u32,
    pub job_burst_per_client: u32,
    /// The header a trusted proxy in front sets to the client's address (`x-forwarded-for`:
    /// its last entry); without it, the peer address is the client.
    pub trusted_proxy_header: Option<String>,
    /// Jobs waiting across the fleet past which new work is refused (503, Retry-After).
    pub queue_max_waiting: u64,
}

impl WebLimits {
    fn from_lookup(lookup: &impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        Ok(WebLimits {
            request_timeout: Duration::from_secs(positive(lookup, "REQUEST_TIMEOUT_SECS", 30)?),
            header_read_timeout: Duration::from_millis(positive(lookup, "HEADER_READ_TIMEOUT_MS", 10_000)?),
            max_concurrent_requests: positive(lookup, "MAX_CONCURRENT_REQUESTS", 512)?.min(1 << 20) as usize,
            max_body_bytes: positive(lookup, "MAX_BODY_BYTES", 256 << 10)?.min(1 << 30) as usize,
            jobs_per_client_per_minute: positive(lookup, "JOBS_PER_CLIENT_PER_MINUTE", 60)?.min(1 << 20) as u32,
            job_burst_per_client: positive(lookup, "JOB_BURST_PER_CLIENT", 120)?.min(1 << 20) as u32,
            trusted_proxy_header: lookup("TRUSTED_PROXY_HEADER").map(|h| h.trim().to_ascii_lowercase()),
            queue_max_waiting: positive(lookup, "QUEUE_MAX_WAITING", 1_000)?,
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[error("setting {name} is invalid: {reason} (got {value:?})")]
pub struct SettingsError {
    pub name: &'static str,
    pub value: String,
    pub reason: &'static str,
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Reads settings through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let text = |name: &str, default: &str| lookup(name).unwrap_or_else(|| default.to_owned());
        Ok(Settings {
            database_url: text("DATABASE_URL", DEFAULT_DATABASE_URL),
            redis_url: text("REDIS_URL", DEFAULT_REDIS_URL),
            key_prefix: text("CACHE_KEY_PREFIX", "explorer:"),
            result_ttl: Duration::from_secs(positive(&lookup, "CACHE_TTL_SECS", 24 * 3600)?),
            result_max_bytes: positive(&lookup, "RESULT_MAX_BYTES", 64 << 20)?,
            statement_timeout: Duration::from_secs(positive(&lookup, "STATEMENT_TIMEOUT_SECS", 15 * 60)?),
            worker_concurrency: positive(&lookup, "WORKER_CONCURRENCY", 4)? as usize,
            augur_max_queries: positive(&lookup, "AUGUR_MAX_QUERIES", 8)?.min(1_000) as u32,
            augur_slot_wait: Duration::from_secs(positive(&lookup, "AUGUR_SLOT_WAIT_SECS", 15 * 60)?),
            job_attempts: positive(&lookup, "JOB_ATTEMPTS", 4)?.min(20) as u32,
            job_retry_base: Duration::from_millis(positive(&lookup, "JOB_RETRY_BASE_MS", 1_000)?),
            push_grace: Duration::from_millis(positive(&lookup, "JOB_PUSH_GRACE_MS", 5_000)?),
            shutdown_grace: Duration::from_secs(positive(&lookup, "WORKER_SHUTDOWN_GRACE_SECS", 25)?),
            search_refresh: Duration::from_secs(positive(&lookup, "SEARCH_REFRESH_SECS", 600)?),
            freshness_check: Duration::from_secs(positive(&lookup, "FRESHNESS_CHECK_SECS", 300)?),
            selection_max_repos: positive(&lookup, "SELECTION_MAX_REPOS", 1_000)?.min(crate::repos::MAX_REPOS as u64)
                as usize,
            default_selection: text("DEFAULT_SELECTION", ""),
            web_limits: WebLimits::from_lookup(&lookup)?,
            transient_failure_ttl: Duration::from_secs(positive(&lookup, "TRANSIENT_FAILURE_SECS", 10)?),
            failure_hold_base: Duration::from_secs(positive(&lookup, "FAILURE_HOLD_BASE_SECS", 10)?),
            failure_hold_max: Duration::from_secs(positive(&lookup, "FAILURE_HOLD_MAX_SECS", 600)?),
            worker_metrics_addr: match lookup("WORKER_METRICS_ADDR") {
                None => None,
                Some(value) => Some(address("WORKER_METRICS_ADDR", value)?),
            },
            metrics_addr: match lookup("METRICS_ADDR") {
                Some(value) if value.trim() == "off" => None,
                Some(value) => Some(address("METRICS_ADDR", value)?),
                None => Some(DEFAULT_METRICS_ADDR.parse().expect("a valid address")),
            },
            web_drain_delay: Duration::from_secs(whole(&lookup, "WEB_DRAIN_DELAY_SECS", 5)?),
            web_shutdown_grace: Duration::from_secs(positive(&lookup, "WEB_SHUTDOWN_GRACE_SECS", 20)?),
            render_wait: Duration::from_millis(whole(&lookup, "RENDER_WAIT_MS", 1_000)?.min(60_000)),
            local_cache_bytes: bytes(&lookup, "LOCAL_CACHE_BYTES", crate::store::DEFAULT_LOCAL_CACHE_BYTES)?,
        })
    }

    /// How long a queued or running status may stand before it is considered lost
    /// and a new request enqueues the job again.
    pub fn pending_ttl(&self) -> Duration {
        self.statement_timeout + Duration::from_secs(5 * 60)
    }

    /// The terms of the fleet-wide Augur query slots.
    pub fn augur_slots(&self) -> crate::jobs::slots::Slots {
        crate::jobs::slots::Slots {
            cap: self.augur_max_queries,
            lease: crate::jobs::slots::LEASE,
            wait: self.augur_slot_wait,
        }
    }

    /// The hold on retries after a key's `failures`-th failure in a row.
    pub fn retry_hold(&self, failures: u32) -> Duration {
        crate::store::failures::retry_hold(failures, self.failure_hold_base, self.failure_hold_max)
    }
}

fn address(name: &'static str, value: String) -> Result<std::net::SocketAddr, SettingsError> {
    value.trim().parse().map_err(|_| SettingsError { name, value, reason: "expected an address such as 0.0.0.0:9464" })
}

/// A whole number, zero allowed.
fn whole(lookup: &impl Fn(&str) -> Option<String>, name: &'static str, default: u64) -> Result<u64, SettingsError> {
    let Some(value) = lookup(name) else { return Ok(default) };
    value.trim().parse::<u64>().map_err(|_| SettingsError { name, value, reason: "expected a whole number" })
}

/// A size in bytes, zero allowed, up to 1 TiB: a typo such as an extra digit group is an
/// error rather than a replica that grows until it is killed.
fn bytes(lookup: &impl Fn(&str) -> Option<String>, name: &'static str, default: u64) -> Result<u64, SettingsError> {
    let Some(value) = lookup(name) else { return Ok(default) };
    match value.trim().parse::<u64>() {
        Ok(n) if n <= 1 << 40 => Ok(n),
        _ => Err(SettingsError { name, value, reason: "expected a number of bytes from 0 (off) to 1099511627776" }),
    }
}

fn positive(lookup: &impl Fn(&str) -> Option<String>, name: &'static str, default: u64) -> Result<u64, SettingsError> {
    let Some(value) = lookup(name) else { return Ok(default) };
    match value.trim().parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(SettingsError { name, value, reason: "expected a whole number above zero" }),
    }
}

/// The URL with any password replaced, for logs: the one before the host
/// (`postgres://app:secret@db/augur`) and any `password=` in the query string
/// (`postgres://db/augur?user=app&password=secret`).
pub fn redact_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let base = match (base.find("://"), base.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &base[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &base[..scheme_end + 3], user, &base[at..]),
                None => base.to_owned(),
            }
        }
        _ => base.to_owned(),
    };
    let Some(query) = query else { return base };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if name.eq_ignore_ascii_case("password") => format!("{name}=***"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{base}?{}", pairs.join("&"))
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &redact_url(&self.database_url))
            .field("redis_url", &redact_url(&self.redis_url))
            .field("key_prefix", &self.key_prefix)
            .field("result_ttl", &self.result_ttl)
            .field("result_max_bytes", &self.result_max_bytes)
            .field("statement_timeout", &self.statement_timeout)
            .field("worker_concurrency", &self.worker_concurrency)
            .field("augur_max_queries", &self.augur_max_queries)
            .field("augur_slot_wait", &self.augur_slot_wait)
            .field("job_attempts", &self.job_attempts)
            .field("job_retry_base", &self.job_retry_base)
            .field("push_grace", &self.push_grace)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("worker_metrics_addr", &self.worker_metrics_addr)
            .field("metrics_addr", &self.metrics_addr)
            .field("web_drain_delay", &self.web_drain_delay)
            .field("web_shutdown_grace", &self.web_shutdown_grace)
            .field("search_refresh", &self.search_refresh)
            .field("freshness_check", &self.freshness_check)
            .field("selection_max_repos", &self.selection_max_repos)
            .field("default_selection", &self.default_selection)
            .field("web_limits", &self.web_limits)
            .field("transient_failure_ttl", &self.transient_failure_ttl)
            .field("failure_hold_base", &self.failure_hold_base)
            .field("failure_hold_max", &self.failure_hold_max)
            .field("render_wait", &self.render_wait)
            .field("local_cache_bytes", &self.local_cache_bytes)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let s = Settings::from_lookup(|_| None).unwrap();
        assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(s.result_ttl, Duration::from_secs(86_400));
        assert_eq!(s.statement_timeout, Duration::from_secs(900));
        assert_eq!(s.push_grace, Duration::from_secs(5));
    }

    #[test]
    fn web_metrics_stay_on_loopback_unless_moved_or_turned_off() {
        let s = Settings::from_lookup(|_| None).unwrap();
        assert_eq!(s.metrics_addr, Some(DEFAULT_METRICS_ADDR.parse().unwrap()));
        assert!(s.metrics_addr.unwrap().ip().is_loopback());
        let off = Settings::from_lookup(|n| (n == "METRICS_ADDR").then(|| "off".to_owned())).unwrap();
        assert_eq!(off.metrics_addr, None);
        let err = Settings::from_lookup(|n| (n == "METRICS_ADDR").then(|| "9463".to_owned())).unwrap_err();
        assert!(err.to_string().contains("METRICS_ADDR"), "{err}");
    }

    #[test]
    fn the_drain_delay_may_be_zero_but_the_grace_may_not() {
        let s = Settings::from_lookup(|n| (n == "WEB_DRAIN_DELAY_SECS").then(|| "0".to_owned())).unwrap();
        assert_eq!(s.web_drain_delay, Duration::ZERO);
        assert!(Settings::from_lookup(|n| (n == "WEB_SHUTDOWN_GRACE_SECS").then(|| "0".to_owned())).is_err());
    }

    #[test]
    fn the_local_cache_defaults_to_16_mib_and_zero_turns_it_off() {
        let set =
            |value: &'static str| Settings::from_lookup(move |n| (n == "LOCAL_CACHE_BYTES").then(|| value.to_owned()));
        assert_eq!(Settings::from_lookup(|_| None).unwrap().local_cache_bytes, 16 << 20);
        assert_eq!(set("0").unwrap().local_cache_bytes, 0);
        assert_eq!(set(" 1048576 ").unwrap().local_cache_bytes, 1 << 20);
        for bad in ["16MiB", "-1", "2000000000000"] {
            let err = set(bad).unwrap_err();
            assert!(err.to_string().contains("LOCAL_CACHE_BYTES"), "{err}");
        }
    }

    #[test]
    fn a_bad_number_names_the_setting() {
        let err = Settings::from_lookup(|n| (n == "CACHE_TTL_SECS").then(|| "soon".to_owned())).unwrap_err();
        assert!(err.to_string().contains("CACHE_TTL_SECS"), "{err}");
    }

    #[test]
    fn passwords_never_reach_logs() {
        let s = Settings::from_lookup(|n| (n == "DATABASE_URL").then(|| "postgres://app:hunter2@db/augur".to_owned()))
            .unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("postgres://app:***@db/augur"), "{shown}");
    }

    #[test]
    fn passwords_in_query_strings_never_reach_logs() {
        let url = "postgres://db/augur?user=app&Password=hunter2&sslmode=require";
        assert_eq!(redact_url(url), "postgres://db/augur?user=app&Password=***&sslmode=require");
        assert_eq!(redact_url("redis://:s3cret@cache:6379/0?password=again"), "redis://:***@cache:6379/0?password=***");
        assert_eq!(redact_url("redis://cache:6379/"), "redis://cache:6379/");
    }
}

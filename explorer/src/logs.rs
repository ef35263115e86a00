use tracing_subscriber::EnvFilter;

/// Structured logs on stdout, filtered by RUST_LOG (default `info`). Spans carry the
/// cache key, so one grep follows a chart from request to job to cache.
pub fn init() {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
}

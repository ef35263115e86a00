//! The web tier: Leptos pages, server functions and the JSON API over the same core.
//! It never runs an Augur query beyond the repository list; jobs go to the workers.

mod api;
mod default_selection;
mod events;
mod guard;
mod internal;
mod png;
mod slow_clients;

use std::{
    future::{Future, IntoFuture},
    net::SocketAddr,
    sync::Arc,
    time::Duration,
};

use anyhow::Context;
use app::{shell, App};
use axum::{extract::FromRef, http::StatusCode, routing::get, Router};
use explorer::{shutdown::Draining, web::search::LiveIndex, ChartService, Settings};
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;

/// What every handler can reach. Nothing in it is per-replica: replicas are interchangeable.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// Shared, not cloned per request: it holds the settings and connections.
    pub charts: Arc<ChartService>,
    /// This replica's repo and org search index, refreshed in the background.
    pub search: LiveIndex,
    /// Raised when the replica starts leaving: /readyz fails from then on.
    pub draining: Draining,
}

impl FromRef<AppState> for LiveIndex {
    fn from_ref(state: &AppState) -> Self {
        state.search.clone()
    }
}

/// The API's handlers take only the chart service: extracting it clones one `Arc`, not the
/// whole state.
impl FromRef<AppState> for Arc<ChartService> {
    fn from_ref(state: &AppState) -> Self {
        state.charts.clone()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// A bound, not yet running web server; `port()` tells where (tests bind port 0).
pub struct Application {
    listener: TcpListener,
    router: Router,
    /// The internal address (/metrics and probes) and what it serves, unless turned off.
    internal: Option<(TcpListener, Router)>,
    draining: Draining,
    drain_delay: Duration,
    shutdown_grace: Duration,
    header_read_timeout: Duration,
    search_refresh: tokio::task::JoinHandle<()>,
}

impl Application {
    pub async fn build(settings: Settings, leptos_options: LeptosOptions) -> anyhow::Result<Self> {
        let cache = explorer::Cache::connect(&settings.redis_url, &settings.key_prefix)
            .context("REDIS_URL is not a valid Redis URL")?;
        let jobs = explorer::jobs::queue::connect(&settings.redis_url, &settings.key_prefix)
            .context("REDIS_URL is not a valid Redis URL")?;
        // The web tier only lists repositories: two connections and short statements suffice.
        let db = explorer::augur::db::augur_pool(&settings.database_url, 2, std::time::Duration::from_secs(10))
            .context("the DATABASE_URL is not a valid PostgreSQL URL")?;
        let addr: SocketAddr = leptos_options.site_addr;
        let search = LiveIndex::new();
        let search_refresh = search.clone().start_refresh(db, settings.search_refresh).await;
        let (metrics_addr, drain_delay, shutdown_grace) =
            (settings.metrics_addr, settings.web_drain_delay, settings.web_shutdown_grace);
        let draining = Draining::default();
        let finished = explorer::jobs::finished::FinishedJobs::listen(&settings.redis_url, &settings.key_prefix);
        let header_read_timeout = settings.web_limits.header_read_timeout;
        let local = explorer::store::LocalCharts::new(&settings.redis_url, cache.clone(), settings.local_cache_bytes)
            .context("REDIS_URL is not a valid Redis URL")?;
        let mut charts =
            ChartService::new(cache, jobs, settings).with_repo_names(search.clone()).with_finished_jobs(finished);
        if let Some(local) = local {
            charts = charts.with_local_charts(local);
        }
        let state = AppState { leptos_options, charts: Arc::new(charts), search, draining: draining.clone() };
        let listener = TcpListener::bind(addr).await.with_context(|| format!("could not listen on {addr}"))?;
        let internal = match metrics_addr {
            Some(addr) => {
                let listener = TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("could not listen on {addr} (METRICS_ADDR)"))?;
                Some((listener, internal::router(state.clone())))
            }
            None => None,
        };
        Ok(Application {
            listener,
            router: router(state),
            internal,
            draining,
            drain_delay,
            shutdown_grace,
            header_read_timeout,
            search_refresh,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Where /metrics and the probes are served apart from the public router, if anywhere.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.internal.as_ref().and_then(|(listener, _)| listener.local_addr().ok())
    }

    /// Serves until `shutdown` resolves, then drains: /readyz fails at once, new connections
    /// are still taken for `WEB_DRAIN_DELAY_SECS` while balancers notice, then the port closes
    /// and the requests in flight get `WEB_SHUTDOWN_GRACE_SECS` to finish; past it they are
    /// dropped and this returns.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let Application {
            listener,
            router,
            internal,
            draining,
            drain_delay,
            shutdown_grace,
            header_read_timeout,
            search_refresh,
        } = self;
        let (closed_tx, mut closed) = tokio::sync::watch::channel(false);
        let stop_accepting = async move {
            shutdown.await;
            draining.start();
            tracing::info!(?drain_delay, "draining: /readyz fails, still accepting while balancers notice");
            tokio::time::sleep(drain_delay).await;
            tracing::info!(?shutdown_grace, "no longer accepting; finishing the requests in flight");
            let _ = closed_tx.send(true);
        };
        let internal = internal.map(|(listener, router)| tokio::spawn(axum::serve(listener, router).into_future()));
        // Headers read within a deadline; peer addresses reach the handlers, for the per-client limits.
        let listener = slow_clients::HeadDeadlineListener::new(listener, header_read_timeout);
        let served = axum::serve(listener, router.into_make_service_with_connect_info::<slow_clients::ClientAddr>())
            .with_graceful_shutdown(stop_accepting);
        let outcome = tokio::select! {
            served = served => served.context("the web server stopped with an error"),
            _ = async {
                // Only a sent `true` starts the grace (a dropped sender never does).
                if closed.wait_for(|closed| *closed).await.is_err() {
                    std::future::pending::<()>().await;
                }
                tokio::time::sleep(shutdown_grace).await;
            } => {
                tracing::warn!(?shutdown_grace, "requests still running after the grace period are dropped");
                Ok(())
            }
        };
        search_refresh.abort();
        if let Some(internal) = internal {
            internal.abort();
        }
        outcome
    }
}

fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.charts.clone());
            provide_context(state.search.clone());
            guard::page_policy();
        }
    };
    let app_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    let default_page = default_selection::target(&state.charts.settings().default_selection);
    let limits = state.charts.settings().web_limits.clone();
    let router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .nest("/api/v1", api::routes())
        .leptos_routes_with_context(&state, routes, context, app_shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(guard::page_policy, shell))
        .layer(axum::middleware::from_fn_with_state(default_page, default_selection::redirect))
        .layer(axum::middleware::from_fn_with_state(state.draining.clone(), close_when_draining))
        .layer(CompressionLayer::new())
        .with_state(state);
    guard::protect(router, &limits)
}

/// While draining, every answer asks its client to close the connection: a balancer's pooled
/// connections leave one by one with an answer, instead of being cut when the port closes.
async fn close_when_draining(
    axum::extract::State(draining): axum::extract::State<Draining>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut response = next.run(request).await;
    if draining.is_draining() {
        response.headers_mut().insert(axum::http::header::CONNECTION, axum::http::HeaderValue::from_static("close"));
    }
    response
}

/// Ready when Redis answers (without it no chart can be served or queued) and the replica
/// is not leaving; a draining replica answers at once, without asking Redis.
async fn readyz(axum::extract::State(state): axum::extract::State<AppState>) -> (StatusCode, &'static str) {
    if state.draining.is_draining() {
        return (StatusCode::SERVICE_UNAVAILABLE, "draining");
    }
    match state.charts.cache().ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "redis unavailable"),
    }
}

//! The replica's internal address (`METRICS_ADDR`): /metrics for Prometheus and KEDA, with
//! the probes beside it. Not on the public router, so anonymous users cannot read it.

use axum::{extract::State, http::header, response::IntoResponse, routing::get, Router};

use crate::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(crate::readyz))
        .route("/metrics", get(metrics))
        .with_state(state)
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let text = explorer::metrics::scrape(state.charts.cache()).await;
    ([(header::CONTENT_TYPE, explorer::metrics::CONTENT_TYPE)], text)
}

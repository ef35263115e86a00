//! The public JSON API: `GET /api/v1/charts/<chart-id>?repos=ID,ID&<controls>&format=json|csv|svg`.

use std::{collections::HashMap, sync::Arc};

use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use charts::{chart_svg, ChartControls, ChartId, ChartReply, ChartSize, BOTS_PARAM, FROM_PARAM, TO_PARAM};
use explorer::{ChartAnswer, ChartService, RepoSet};
use serde_json::json;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/charts/{chart}", get(chart)).route("/charts/{chart}/retry", post(retry))
}

/// Parameters every chart accepts; each chart adds its own controls.
const COMMON_PARAMETERS: [&str; 5] = ["repos", "format", BOTS_PARAM, FROM_PARAM, TO_PARAM];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
    Svg,
}

/// An answer with an error message that names what to fix.
struct ApiError {
    status: StatusCode,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

fn bad_request(message: String) -> ApiError {
    ApiError { status: StatusCode::BAD_REQUEST, message }
}

/// A request's parameters, checked.
fn parse(slug: &str, params: &HashMap<String, String>) -> Result<(ChartId, RepoSet, ChartControls, Format), ApiError> {
    let chart = ChartId::from_slug(slug).ok_or_else(|| {
        let known: Vec<&str> = ChartId::ALL.iter().map(|c| c.slug()).collect();
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: format!("unknown chart {slug:?}; charts: {}", known.join(", ")),
        }
    })?;
    let known: Vec<&str> = COMMON_PARAMETERS.into_iter().chain(chart.controls().iter().map(|c| c.param())).collect();
    if let Some(unknown) = params.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(bad_request(format!(
            "unknown parameter {unknown:?} for {}; parameters: {}",
            chart.slug(),
            known.join(", ")
        )));
    }
    let repos = RepoSet::parse(params.get("repos").map(String::as_str).unwrap_or(""))
        .map_err(|e| bad_request(e.to_string()))?;
    let controls = ChartControls::from_params(chart, |name| params.get(name).map(String::as_str))
        .map_err(|e| bad_request(e.to_string()))?;
    let format = match params.get("format").map(String::as_str) {
        None | Some("json") => Format::Json,
        Some("csv") => Format::Csv,
        Some("svg") => Format::Svg,
        Some(other) => return Err(bad_request(format!("format must be json, csv or svg (got {other:?})"))),
    };
    Ok((chart, repos, controls, format))
}

async fn chart(
    State(charts): State<Arc<ChartService>>,
    Path(slug): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    answer(&charts, slug, params, false).await
}

/// `POST /api/v1/charts/<chart-id>/retry?repos=...`: forget a failure and queue the job again.
async fn retry(
    State(charts): State<Arc<ChartService>>,
    Path(slug): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    answer(&charts, slug, params, true).await
}

async fn answer(charts: &ChartService, slug: String, params: HashMap<String, String>, retry: bool) -> Response {
    let (chart, repos, controls, format) = match parse(&slug, &params) {
        Ok(parsed) => parsed,
        Err(error) => return error.into_response(),
    };
    let answer = if retry {
        charts.retry(chart, &repos, &controls).await.map(ChartAnswer::Other)
    } else {
        charts.answer(chart, &repos, &controls).await
    };
    let reply = match answer {
        // A cached drawing is sent as stored, without parsing it.
        Ok(ChartAnswer::Ready(json)) if format == Format::Json => {
            return ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], json).into_response();
        }
        Ok(answer) => answer.into_reply(),
        Err(e) => return ApiError { status: StatusCode::SERVICE_UNAVAILABLE, message: e.to_string() }.into_response(),
    };
    match (&reply, format) {
        (ChartReply::Ready { data, .. }, Format::Csv) => {
            download(chart, "csv", "text/csv; charset=utf-8", data.to_csv())
        }
        (ChartReply::Ready { data, .. }, Format::Svg) => {
            let svg = chart_svg(data, chart.layout(), controls.interval, ChartSize::default());
            download(chart, "svg", "image/svg+xml", svg)
        }
        (ChartReply::Ready { .. }, Format::Json) => Json(reply).into_response(),
        (ChartReply::Queued { .. } | ChartReply::Running { .. }, _) => {
            (StatusCode::ACCEPTED, [(header::RETRY_AFTER, HeaderValue::from_static("1"))], Json(reply)).into_response()
        }
        (ChartReply::Failed { retryable, .. }, _) => {
            let status = if *retryable { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::INTERNAL_SERVER_ERROR };
            (status, Json(reply)).into_response()
        }
    }
}

/// A chart's data as a file to save.
fn download(chart: ChartId, extension: &str, content_type: &'static str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{}.{extension}\"", chart.slug());
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).expect("chart slugs are plain ASCII")),
        ],
        body,
    )
        .into_response()
}

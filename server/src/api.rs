//! The public JSON API: `GET /api/v1/charts/<chart-id>?repos=ID,ID&<controls>&format=json|csv|svg`.

use std::{collections::HashMap, sync::Arc};

use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Extension, Json, Router,
};
use charts::{
    chart_svg, AppError, ChartControls, ChartId, ChartReply, Drawing, BOTS_PARAM, CHARTS, FROM_PARAM, PAGES, TO_PARAM,
};
use explorer::{
    web::admission::Client,
    web::search::LiveIndex,
    web::selection::{self, SelectionError},
    ChartAnswer, ChartService, RepoSet,
};
use serde_json::json;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/charts", get(chart_list))
        .route("/charts/{chart}", get(chart))
        .route("/charts/{chart}/retry", post(retry))
        .route("/repos", get(search_repos))
        .route("/events", get(crate::events::finished_charts))
}

/// Parameters every chart accepts; each chart adds its own controls.
const COMMON_PARAMETERS: [&str; 6] = ["repos", "orgs", "format", BOTS_PARAM, FROM_PARAM, TO_PARAM];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
    Svg,
    Png,
}

/// An error answer: `{"kind":"bad_input"|"not_found"|"unavailable"|"failed","error":"<sentence>"}`
/// with the status of its kind.
pub(crate) struct ApiError(pub(crate) AppError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (status_of(&self.0), Json(&self.0)).into_response();
        if let Some(seconds) = self.0.retry_after_secs() {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

fn status_of(error: &AppError) -> StatusCode {
    StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

pub(crate) fn bad_request(message: String) -> ApiError {
    ApiError(AppError::bad_input(message))
}

/// A request's parameters, checked.
fn parse(
    slug: &str,
    params: &HashMap<String, String>,
    search: &LiveIndex,
    limit: usize,
) -> Result<(ChartId, RepoSet, ChartControls, Format), ApiError> {
    let chart = ChartId::from_slug(slug).ok_or_else(|| {
        let known: Vec<&str> = CHARTS.iter().map(|c| c.slug).collect();
        ApiError(AppError::not_found(format!("unknown chart {slug:?}; charts: {}", known.join(", "))))
    })?;
    let known: Vec<&str> = COMMON_PARAMETERS.into_iter().chain(chart.controls().iter().map(|c| c.param())).collect();
    if let Some(unknown) = params.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(bad_request(format!(
            "unknown parameter {unknown:?} for {}; parameters: {}",
            chart.slug(),
            known.join(", ")
        )));
    }
    // The cheap checks first; the selection, which reads the index, then the picked repo,
    // which must be one of it.
    let mut controls = ChartControls::from_params(chart, |name| params.get(name).map(String::as_str))
        .and_then(|controls| controls.checked_for(chart))
        .map_err(|e| bad_request(e.to_string()))?;
    let format = match params.get("format").map(String::as_str) {
        None | Some("json") => Format::Json,
        Some("csv") => Format::Csv,
        Some("svg") => Format::Svg,
        Some("png") => Format::Png,
        Some(other) => return Err(bad_request(format!("format must be json, csv, svg or png (got {other:?})"))),
    };
    let repos = selected(params, search, limit)?;
    controls.pick_repo_in(chart, repos.ids()).map_err(|e| bad_request(e.to_string()))?;
    Ok((chart, repos, controls, format))
}

/// `repos=ID,ID` ∪ every repo of `orgs=NAME,NAME`.
pub(crate) fn selected(
    params: &HashMap<String, String>,
    search: &LiveIndex,
    limit: usize,
) -> Result<RepoSet, ApiError> {
    let ids = match params.get("repos").map(|t| t.trim()).filter(|t| !t.is_empty()) {
        Some(text) => selection::parse_ids(text).map_err(|e| bad_request(e.to_string()))?,
        None => Vec::new(),
    };
    let orgs = params.get("orgs").map(|t| selection::split_names(t)).unwrap_or_default();
    match selection::resolve(search, &ids, &orgs, limit) {
        Ok(resolved) => Ok(resolved.set),
        Err(SelectionError::Empty) => {
            Err(bad_request("no repositories given: pass repos=ID,ID,... or orgs=NAME,...".into()))
        }
        Err(e) => Err(ApiError(e.into())),
    }
}

async fn chart(
    State(charts): State<Arc<ChartService>>,
    State(search): State<LiveIndex>,
    client: Option<Extension<Client>>,
    Path(slug): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    answer(&charts, &search, client_of(client), slug, params, false).await
}

/// The client the guards named, or an in-process caller's.
fn client_of(client: Option<Extension<Client>>) -> Client {
    client.map_or(Client::INTERNAL, |Extension(client)| client)
}

/// `POST /api/v1/charts/<chart-id>/retry?repos=...`: forget a failure and queue the job again.
async fn retry(
    State(charts): State<Arc<ChartService>>,
    State(search): State<LiveIndex>,
    client: Option<Extension<Client>>,
    Path(slug): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    answer(&charts, &search, client_of(client), slug, params, true).await
}

async fn answer(
    charts: &ChartService,
    search: &LiveIndex,
    client: Client,
    slug: String,
    params: HashMap<String, String>,
    retry: bool,
) -> Response {
    let (chart, repos, controls, format) = match parse(&slug, &params, search, charts.settings().selection_max_repos) {
        Ok(parsed) => parsed,
        Err(error) => return error.into_response(),
    };
    let answer = if retry {
        charts.retry(chart, &repos, &controls, client).await.map(ChartAnswer::Other)
    } else {
        charts.answer(chart, &repos, &controls, client).await
    };
    let reply = match answer {
        // A cached drawing is sent as stored, without parsing it.
        Ok(ChartAnswer::Ready(json)) if format == Format::Json => {
            return ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], json).into_response();
        }
        Ok(answer) => answer.into_reply(),
        // The service logged the raw cause with the cache key; the client gets the sentence.
        Err(e) => return ApiError(e.into()).into_response(),
    };
    match (&reply, format) {
        (ChartReply::Ready { data, .. }, Format::Csv) => {
            download(chart, "csv", "text/csv; charset=utf-8", data.to_csv())
        }
        (ChartReply::Ready { data, .. }, Format::Svg) => {
            let svg = chart_svg(data, chart.spec(), controls.interval, Drawing::file());
            download(chart, "svg", "image/svg+xml", svg)
        }
        (ChartReply::Ready { data, .. }, Format::Png) => {
            let svg = chart_svg(data, chart.spec(), controls.interval, Drawing::file());
            // Rasterising takes milliseconds of CPU: off the async workers.
            let rendered = tokio::task::spawn_blocking(move || crate::png::svg_to_png(&svg)).await;
            match rendered.map_err(|stopped| stopped.to_string()).and_then(|png| png) {
                Ok(png) => download(chart, "png", "image/png", png),
                Err(reason) => {
                    tracing::warn!(%reason, chart = chart.slug(), "PNG download failed");
                    ApiError(AppError::failed("the chart could not be drawn as PNG".to_owned(), true)).into_response()
                }
            }
        }
        (ChartReply::Ready { .. }, Format::Json) => Json(reply).into_response(),
        (ChartReply::Queued { .. } | ChartReply::Running { .. }, _) => {
            (StatusCode::ACCEPTED, [(header::RETRY_AFTER, HeaderValue::from_static("1"))], Json(reply)).into_response()
        }
        (ChartReply::Failed { error, retryable }, _) => {
            let error = AppError::failed(error.clone(), *retryable);
            // The error's body, with the chart's state named as in every other chart answer.
            let mut body = serde_json::to_value(&error).expect("an error serialises");
            body["status"] = json!("failed");
            (status_of(&error), Json(body)).into_response()
        }
    }
}

/// `GET /api/v1/charts`: the registry, every chart with its controls and pages, and every
/// page with its charts in order.
async fn chart_list() -> Response {
    let charts: Vec<serde_json::Value> = CHARTS
        .iter()
        .map(|c| {
            json!({
                "id": c.slug,
                "title": c.title,
                "about": c.about,
                "query": explorer::viz::query_for(c.id).name(),
                "controls": c.controls.iter().map(|control| control.param()).collect::<Vec<_>>(),
                "default_interval": c.default_interval.as_str(),
                "pages": c.id.pages().map(|p| p.path).collect::<Vec<_>>(),
            })
        })
        .collect();
    let pages: Vec<serde_json::Value> = PAGES
        .iter()
        .map(|p| json!({ "path": p.path, "title": p.title, "charts": p.charts.iter().map(|c| c.slug()).collect::<Vec<_>>() }))
        .collect();
    Json(json!({ "charts": charts, "pages": pages })).into_response()
}

/// A chart's data as a file to save.
fn download(chart: ChartId, extension: &str, content_type: &'static str, body: impl IntoResponse) -> Response {
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

/// `GET /api/v1/repos?q=<text>&limit=N`: repos and orgs matching `q`, best first (orgs
/// first within a rank), from this replica's search index.
async fn search_repos(State(search): State<LiveIndex>, Query(params): Query<HashMap<String, String>>) -> Response {
    if let Some(unknown) = params.keys().find(|k| !["q", "limit"].contains(&k.as_str())) {
        return bad_request(format!("unknown parameter {unknown:?}; parameters: q, limit")).into_response();
    }
    let Some(query) = params.get("q") else {
        return bad_request("pass the text to look for as q=...".into()).into_response();
    };
    let limit = match params.get("limit").map(|t| t.trim().parse::<usize>()) {
        None => 20,
        Some(Ok(n)) if (1..=MAX_SEARCH_LIMIT).contains(&n) => n,
        Some(_) => {
            return bad_request(format!("limit must be a whole number from 1 to {MAX_SEARCH_LIMIT}")).into_response()
        }
    };
    let results = search.current().search(query, limit);
    Json(json!({ "query": query, "index_loaded": search.loaded(), "results": results })).into_response()
}

const MAX_SEARCH_LIMIT: usize = 200;

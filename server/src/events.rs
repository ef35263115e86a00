//! `GET /api/v1/events?charts=SLUG,SLUG&repos=ID,ID&orgs=NAME`: server-sent events, one
//! `finished` event (its data: the chart's slug) as each named chart's job ends, so that a
//! page asks for a pending chart at once instead of on its poll schedule. Any replica can
//! serve it: each hears every worker through its one Redis subscription. The stream ends
//! when every named chart's job has, or after [`LIFETIME`]; the page's polling stays the
//! fallback that always works (a buffering proxy, a lost connection).

use std::{
    collections::{HashMap, VecDeque},
    convert::Infallible,
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    extract::{Query, State},
    http::{HeaderName, HeaderValue},
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Response,
    },
};
use charts::{AppError, ChartId};
use explorer::{
    jobs::finished::{Heard, Watch},
    web::search::LiveIndex,
    ChartService, ResultKey,
};

use crate::api::{bad_request, selected, ApiError};

/// A stream's longest life, so that a page left open does not hold a connection for a slow
/// job forever (a proxy would cut it anyway); a page still waiting opens a new one.
const LIFETIME: Duration = Duration::from_secs(25);

/// More charts than any page has.
const MAX_CHARTS: usize = 64;

const PARAMETERS: [&str; 3] = ["charts", "repos", "orgs"];

pub async fn finished_charts(
    State(service): State<Arc<ChartService>>,
    State(search): State<LiveIndex>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    match stream(service, &search, &params).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn stream(
    service: Arc<ChartService>,
    search: &LiveIndex,
    params: &HashMap<String, String>,
) -> Result<Response, ApiError> {
    if let Some(unknown) = params.keys().find(|k| !PARAMETERS.contains(&k.as_str())) {
        return Err(bad_request(format!("unknown parameter {unknown:?}; parameters: {}", PARAMETERS.join(", "))));
    }
    let charts = named_charts(params.get("charts").map(String::as_str).unwrap_or_default())?;
    let repos = selected(params, search, service.settings().selection_max_repos)?;
    let Some(finished) = service.finished_jobs() else {
        return Err(ApiError(AppError::unavailable("this replica does not follow jobs; poll instead")));
    };
    // Watching before the first look: a job that ends in between is still told.
    let watch = finished.watch();
    let mut waiting: HashMap<ResultKey, Vec<&'static str>> = HashMap::new();
    for chart in charts {
        waiting.entry(ResultKey::new(explorer::viz::query_for(chart), &repos)).or_default().push(chart.slug());
    }
    let mut events = Events { service, watch, waiting, ready: VecDeque::new(), deadline: Instant::now() + LIFETIME };
    events.look_again().await.map_err(|error| ApiError(error.into()))?;
    let stream = futures::stream::unfold(events, |mut events| async move {
        let slug = events.next().await?;
        Some((Ok::<_, Infallible>(Event::default().event("finished").data(slug)), events))
    });
    let mut response = Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(10))).into_response();
    // nginx would otherwise hold the events back in its buffer.
    response.headers_mut().insert(HeaderName::from_static("x-accel-buffering"), HeaderValue::from_static("no"));
    Ok(response)
}

/// The charts named `slug,slug`: known, at least one, at most [`MAX_CHARTS`].
fn named_charts(text: &str) -> Result<Vec<ChartId>, ApiError> {
    let slugs: Vec<&str> = text.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    if slugs.is_empty() {
        return Err(bad_request("no charts given: pass charts=SLUG,SLUG,...".into()));
    }
    if slugs.len() > MAX_CHARTS {
        return Err(bad_request(format!("{} charts, more than the limit of {MAX_CHARTS}", slugs.len())));
    }
    slugs
        .into_iter()
        .map(|slug| ChartId::from_slug(slug).ok_or_else(|| bad_request(format!("unknown chart {slug:?}"))))
        .collect()
}

/// The stream's state: the charts whose jobs are still running, by their result's key.
struct Events {
    service: Arc<ChartService>,
    watch: Watch,
    waiting: HashMap<ResultKey, Vec<&'static str>>,
    /// Charts told finished, not sent yet.
    ready: VecDeque<&'static str>,
    deadline: Instant,
}

impl Events {
    /// The next chart to tell of; none when all were told, or the stream's time is up.
    async fn next(&mut self) -> Option<&'static str> {
        loop {
            if let Some(slug) = self.ready.pop_front() {
                return Some(slug);
            }
            if self.waiting.is_empty() {
                return None;
            }
            match self.watch.next(self.deadline).await {
                Heard::Finished(key) => {
                    if let Some(slugs) = self.waiting.remove(key.as_ref()) {
                        self.ready.extend(slugs);
                    }
                }
                // Redis unreachable ends the stream: the page's polls take over.
                Heard::Missed => self.look_again().await.ok()?,
                Heard::Nothing => return None,
            }
        }
    }

    /// Moves every chart whose job is no longer pending (finished, failed, or never
    /// queued: the page's next ask queues it) to the ready ones.
    async fn look_again(&mut self) -> Result<(), explorer::ServiceError> {
        let keys: Vec<ResultKey> = self.waiting.keys().cloned().collect();
        for key in keys {
            if !self.service.job_pending(&key).await? {
                self.ready.extend(self.waiting.remove(&key).unwrap_or_default());
            }
        }
        Ok(())
    }
}

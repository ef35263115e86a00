//! Server functions: thin calls into the explorer core, which lives on the server only.
//! Each fails with an `AppError`, whose kind the page branches on.

use charts::{AppError, ChartControls, ChartId, ChartReply, RepoEntry, SearchHit};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::url_state::Selection;

/// Repos and orgs matching what the user typed, best first.
#[server]
pub async fn search_repos(query: String) -> Result<Vec<SearchHit>, AppError> {
    let search = expect_context::<explorer::web::search::LiveIndex>();
    Ok(search.current().search(&query, SEARCH_HITS))
}

/// Hits shown under the search box.
pub const SEARCH_HITS: usize = 12;

/// A selection as the page shows it: the orgs with their sizes, and every repo it covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SelectionView {
    pub orgs: Vec<(String, usize)>,
    /// The repos picked one by one.
    pub picked: Vec<RepoEntry>,
    /// Every repo the charts are drawn for: picked ∪ the orgs' repos.
    pub all: Vec<RepoEntry>,
}

/// Describes a selection, or says why it cannot be drawn (unknown org, over the limit).
#[server]
pub async fn describe_selection(selection: Selection) -> Result<SelectionView, AppError> {
    ssr::with_status(<DescribeSelection as leptos::server_fn::ServerFn>::PATH, describe(selection).await)
}

#[cfg(feature = "ssr")]
async fn describe(selection: Selection) -> Result<SelectionView, AppError> {
    let search = expect_context::<explorer::web::search::LiveIndex>();
    let limit = expect_context::<std::sync::Arc<explorer::ChartService>>().settings().selection_max_repos;
    let resolved = explorer::web::selection::resolve(&search, &selection.repos, &selection.orgs, limit)?;
    let index = search.current();
    // Every id was checked against this index or the one before it.
    let entry = |id: i64| {
        index.repo(id).cloned().unwrap_or_else(|| RepoEntry { id, url: format!("repository {id}"), org: String::new() })
    };
    Ok(SelectionView {
        picked: resolved.picked.iter().map(|id| entry(*id)).collect(),
        all: resolved.set.ids().iter().map(|id| entry(*id)).collect(),
        orgs: resolved.orgs,
    })
}

/// A chart's data if cached; otherwise queues its job (once) and says how it is going.
/// `retry` first forgets a failure of the chart's job, so that it runs again. A failed job
/// is an `AppError::Failed` with its reason, as in the JSON API.
#[server]
pub async fn chart_data(
    chart: ChartId,
    selection: Selection,
    controls: ChartControls,
    retry: bool,
) -> Result<ChartReply, AppError> {
    ssr::with_status(
        <ChartData as leptos::server_fn::ServerFn>::PATH,
        chart_reply(chart, selection, controls, retry).await,
    )
}

#[cfg(feature = "ssr")]
async fn chart_reply(
    chart: ChartId,
    selection: Selection,
    controls: ChartControls,
    retry: bool,
) -> Result<ChartReply, AppError> {
    let service = expect_context::<std::sync::Arc<explorer::ChartService>>();
    let search = expect_context::<explorer::web::search::LiveIndex>();
    // The fields arrive as sent: the same ranges and selection checks as the JSON API's.
    let controls = controls.checked_for(chart)?;
    let limit = service.settings().selection_max_repos;
    let repos = explorer::web::selection::resolve(&search, &selection.repos, &selection.orgs, limit)?.set;
    let mut controls = controls;
    controls.pick_repo_in(chart, repos.ids())?;
    // The service logged any raw cause with the cache key; the page gets the sentence. A
    // failed job is a state of the chart, answered like the others: an error answer would
    // be an HTTP error the browser reports for every failed chart.
    if retry {
        return Ok(service.retry(chart, &repos, &controls, ssr::client()).await?);
    }
    // A page render waits a moment for a fast job: its chart then streams with the page
    // instead of waiting for the browser's next poll. The browser's own calls never wait.
    let wait = match ssr::called_as(<ChartData as leptos::server_fn::ServerFn>::PATH) {
        true => std::time::Duration::ZERO,
        false => service.settings().render_wait,
    };
    Ok(service.answer_within(chart, &repos, &controls, ssr::client(), wait).await?.into_reply())
}

#[cfg(feature = "ssr")]
mod ssr {
    use charts::AppError;
    use leptos::prelude::use_context;
    use leptos::server_fn::http_export::{header::RETRY_AFTER, request::Parts, HeaderValue, StatusCode};

    /// Answers an error with its kind's HTTP status, as the JSON API does (a server
    /// function's error is a 500 otherwise): a bad request is a 400 at either door. Only
    /// when the request is the call of the server function at `path`: called while a page
    /// renders, its error is the page's to show, not the page's status.
    pub fn with_status<T>(path: &str, result: Result<T, AppError>) -> Result<T, AppError> {
        let Err(error) = &result else { return result };
        if let (true, Some(response)) = (called_as(path), use_context::<leptos_axum::ResponseOptions>()) {
            response.set_status(StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
            if let Some(seconds) = error.retry_after_secs() {
                response.insert_header(RETRY_AFTER, HeaderValue::from(seconds));
            }
        }
        result
    }

    /// Whether this is a call of the server function at `path`, not a page render.
    pub fn called_as(path: &str) -> bool {
        use_context::<Parts>().is_some_and(|parts| parts.uri.path() == path)
    }

    /// The client the server's guards named for this request (a page render's server
    /// calls count for the client that asked for the page).
    pub fn client() -> explorer::web::admission::Client {
        use_context::<Parts>()
            .and_then(|parts| parts.extensions.get::<explorer::web::admission::Client>().copied())
            .unwrap_or(explorer::web::admission::Client::INTERNAL)
    }
}

//! Server functions: thin calls into the explorer core, which lives on the server only.

use charts::{ChartControls, ChartId, ChartReply, RepoEntry};
use leptos::prelude::*;

/// Every repository the user can pick.
#[server]
pub async fn list_repos() -> Result<Vec<RepoEntry>, ServerFnError> {
    let catalog = expect_context::<explorer::catalog::Catalog>();
    catalog.list().await.map_err(|error| {
        tracing::error!(%error, "listing repositories failed");
        ServerFnError::new("the repository list is unavailable: the Augur database cannot be reached")
    })
}

/// A chart's data if cached; otherwise queues its job (once) and says how it is going.
/// `retry` first forgets a failure of the chart's job, so that it runs again.
#[server]
pub async fn chart_data(
    chart: ChartId,
    repos: Vec<i64>,
    controls: ChartControls,
    retry: bool,
) -> Result<ChartReply, ServerFnError> {
    let service = expect_context::<std::sync::Arc<explorer::ChartService>>();
    let repos = explorer::RepoSet::new(repos).map_err(|e| ServerFnError::new(e.to_string()))?;
    let reply = match retry {
        true => service.retry(chart, &repos, &controls).await,
        false => service.chart(chart, &repos, &controls).await,
    };
    reply.map_err(|e| ServerFnError::new(e.to_string()))
}

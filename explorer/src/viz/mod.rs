//! From cached query rows to chart data: the visualization logic, run on the web tier so
//! that control changes redraw from the cache without a new job.
//!
//! Each module lists its charts' transforms in `transforms()`: a transform names the chart,
//! and through the type of the rows it reads, the query. The toolkit every transform shares:
//! [`grid::PeriodGrid`] (UTC calendar periods, their bounds and the instants their state is
//! read at), [`spans::Spans`] (how many time spans hold each instant), [`items::by_item`]
//! (rows grouped per PR or issue, in time order) and [`shown`] (the bot filter).
//!
//! Shared conventions: a state "at the end of a period" (open items, staleness, assignment)
//! is read at the instant the next period starts, or at the end of `today` for the current
//! period; the date range keeps the periods that overlap it.

mod affiliation;
mod assignment;
mod commits;
mod contributors;
mod grid;
mod importance;
mod items;
mod lifecycle;
mod overview;
mod response;
mod spans;
#[cfg(test)]
mod test_actions;
mod velocity;

use std::sync::LazyLock;

use charts::{ChartControls, ChartData, ChartId};
use chrono::NaiveDate;

use crate::{
    augur::queries::{AugurQuery, MissingColumn, QueryRow},
    store::codec::Frame,
    Query,
};

/// How one chart is drawn from its query's rows.
pub struct Transform {
    pub chart: ChartId,
    pub query: Query,
    draw: Box<DrawFrame>,
}

/// A transform as the service calls it: on a cached frame, which it reads into typed rows.
type DrawFrame = dyn Fn(Frame, &ChartControls, NaiveDate) -> Result<ChartData, MissingColumn> + Send + Sync;

/// The shape every transform has: the query's rows, the controls, and today (UTC), which
/// ends the current period, to a time series or categories.
type Draw<R, D> = fn(&[R], &ChartControls, NaiveDate) -> D;

/// `chart`, drawn by `transform` from the rows of `query`.
fn draw<Q: AugurQuery, D: Into<ChartData> + 'static>(
    _query: Q,
    chart: ChartId,
    transform: Draw<Q::Row, D>,
) -> Transform {
    Transform {
        chart,
        query: Query::of::<Q>(),
        draw: Box::new(
            move |frame, controls, today| Ok(transform(&Q::Row::from_frame(frame)?, controls, today).into()),
        ),
    }
}

/// Every chart's transform, in chart order.
static TRANSFORMS: LazyLock<Vec<Transform>> = LazyLock::new(|| {
    let modules = [
        commits::transforms,
        lifecycle::transforms,
        response::transforms,
        assignment::transforms,
        contributors::transforms,
        importance::transforms,
        velocity::transforms,
        affiliation::transforms,
        overview::transforms,
    ];
    let mut all: Vec<Transform> = modules.into_iter().flat_map(|transforms| transforms()).collect();
    all.sort_by_key(|t| t.chart);
    all
});

/// The chart's transform. Every chart has one (a test checks), so a missing one is a bug.
pub fn transform(chart: ChartId) -> &'static Transform {
    let index = TRANSFORMS.binary_search_by_key(&chart, |t| t.chart);
    &TRANSFORMS[index.unwrap_or_else(|_| panic!("chart {} has no transform", chart.slug()))]
}

/// The query whose result a chart is drawn from.
pub fn query_for(chart: ChartId) -> Query {
    transform(chart).query
}

/// Draws `chart` from its query's cached frame. `today` (UTC) ends the current period.
pub fn build(
    chart: ChartId,
    frame: Frame,
    controls: &ChartControls,
    today: NaiveDate,
) -> Result<ChartData, MissingColumn> {
    let data = (transform(chart).draw)(frame, controls, today)?;
    Ok(data.within(controls.interval, controls.from, controls.to))
}

/// Whether an instant falls in the date range, whose both ends are whole days included: what
/// charts that are not time series keep (time series keep the periods that overlap it).
fn in_range(controls: &ChartControls, at: i64) -> bool {
    let day = grid::date_of(at);
    controls.from.is_none_or(|from| day >= from) && controls.to.is_none_or(|to| day <= to)
}

/// The bot filter: whether a row by (or about) an account whose type is Bot is shown.
fn shown(controls: &ChartControls, is_bot: bool) -> bool {
    !(controls.hide_bots && is_bot)
}

/// Time helpers for the transforms' tests.
#[cfg(test)]
mod test_time {
    use chrono::{NaiveDate, NaiveDateTime};

    /// Seconds since the epoch of a UTC "YYYY-MM-DD HH:MM:SS".
    pub fn at(text: &str) -> i64 {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap().and_utc().timestamp()
    }

    pub fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chart_has_exactly_one_transform_on_a_registered_query() {
        assert_eq!(TRANSFORMS.len(), ChartId::ALL.len(), "a chart has two transforms, or one has none");
        for chart in ChartId::ALL {
            let query = transform(*chart).query;
            assert_eq!(transform(*chart).chart, *chart);
            assert!(Query::ALL.contains(&query), "{} reads {}, which Query::ALL lacks", chart.slug(), query.name());
        }
    }

    #[test]
    fn a_frame_without_the_rows_columns_is_an_error_not_a_panic() {
        let frame = Frame::new().with_column("repo_id", crate::store::codec::Column::I64(vec![1]));
        for chart in ChartId::ALL {
            let err = build(*chart, frame.clone(), &ChartControls::for_chart(*chart), test_time::d("2024-01-01"));
            assert!(err.is_err(), "{}", chart.slug());
        }
    }

    /// The README's chart table lists every chart, in registry order, with its query.
    #[test]
    fn the_readme_chart_table_matches_the_registry() {
        let readme = include_str!("../../../README.md");
        let rows: Vec<(&str, &str)> = readme
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let id = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
                ChartId::from_slug(id)?;
                Some((id, *cells.get(3)?))
            })
            .collect();
        let want: Vec<(&str, &str)> = ChartId::ALL.iter().map(|c| (c.slug(), query_for(*c).name())).collect();
        assert_eq!(rows, want, "README.md's chart table (id, series, query, controls)");
    }
}

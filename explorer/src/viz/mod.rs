//! From cached query frames to chart data: the visualization logic, run on the web tier
//! so that control changes redraw from the cache without a new job.
//!
//! Shared conventions: periods are UTC calendar periods; a state "at the end of a period"
//! (open items, staleness, assignment) is read at the instant the next period starts, or
//! at the end of `today` for the current period; the date range keeps the periods that
//! overlap it.

mod assignment;
mod commits;
mod lifecycle;
mod response;
mod spans;

use charts::{ChartControls, ChartId, Interval, TimeSeries};
use chrono::{DateTime, NaiveDate};

use crate::{codec::Frame, Query};

/// The query whose result a chart is drawn from.
pub fn query_for(chart: ChartId) -> Query {
    match chart {
        ChartId::CommitsOverTime => Query::Commits,
        ChartId::PrsOverTime | ChartId::PrStaleness => Query::Prs,
        ChartId::PrFirstResponse | ChartId::PrEngagement => Query::PrResponses,
        ChartId::PrReviewStatus | ChartId::PrReviewAssignment => Query::PrAssignments,
        ChartId::IssuesOverTime | ChartId::IssueStaleness => Query::Issues,
        ChartId::IssueAssignmentStatus | ChartId::IssueAssignment => Query::IssueAssignments,
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cached {query} result lacks column {column}")]
pub struct MissingColumn {
    query: &'static str,
    column: &'static str,
}

/// Draws `chart` from its query's frame. `today` (UTC) ends the current period.
pub fn build(
    chart: ChartId,
    frame: &Frame,
    controls: &ChartControls,
    today: NaiveDate,
) -> Result<TimeSeries, MissingColumn> {
    let series = match chart {
        ChartId::CommitsOverTime => commits::commits_over_time(frame, controls)?,
        ChartId::PrsOverTime => lifecycle::prs_over_time(frame, controls, today)?,
        ChartId::PrStaleness => lifecycle::staleness(frame, Query::Prs, controls, today)?,
        ChartId::IssuesOverTime => lifecycle::issues_over_time(frame, controls, today)?,
        ChartId::IssueStaleness => lifecycle::staleness(frame, Query::Issues, controls, today)?,
        ChartId::PrFirstResponse => response::first_response(frame, controls, today)?,
        ChartId::PrEngagement => response::engagement(frame, controls, today)?,
        ChartId::PrReviewStatus => assignment::status(frame, Query::PrAssignments, controls, today)?,
        ChartId::IssueAssignmentStatus => assignment::status(frame, Query::IssueAssignments, controls, today)?,
        ChartId::PrReviewAssignment => assignment::per_contributor(frame, Query::PrAssignments, controls)?,
        ChartId::IssueAssignment => assignment::per_contributor(frame, Query::IssueAssignments, controls)?,
    };
    Ok(series.within(controls.interval, controls.from, controls.to))
}

fn column<'a>(frame: &'a Frame, query: Query, column: &'static str) -> Result<&'a [i64], MissingColumn> {
    frame.i64(column).ok_or(MissingColumn { query: query.name(), column })
}

fn text_column<'a>(frame: &'a Frame, query: Query, column: &'static str) -> Result<&'a [String], MissingColumn> {
    frame.str(column).ok_or(MissingColumn { query: query.name(), column })
}

/// The UTC date of a timestamp in seconds.
fn date_of(ts: i64) -> NaiveDate {
    DateTime::from_timestamp(ts, 0).map(|t| t.date_naive()).unwrap_or_default()
}

/// Seconds since the epoch at the start of `date` (00:00 UTC).
fn start_of(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc().timestamp()
}

/// The start of every period from the one holding `first` to the one holding `last`.
fn period_grid(interval: Interval, first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    let mut periods = Vec::new();
    let mut period = interval.period_start(first);
    while period <= last {
        periods.push(period);
        period = interval.next_period(period);
    }
    periods
}

/// The instant a period's state is read at: when the next period starts, or the end of
/// `today` for the period still running.
fn period_end(interval: Interval, start: NaiveDate, today: NaiveDate) -> i64 {
    let end_of_today = today.succ_opt().unwrap_or(today);
    start_of(interval.next_period(start).min(end_of_today))
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

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_current_period_ends_with_today() {
        assert_eq!(period_end(Interval::Month, d(2024, 1, 1), d(2024, 6, 1)), start_of(d(2024, 2, 1)));
        assert_eq!(period_end(Interval::Month, d(2024, 6, 1), d(2024, 6, 10)), start_of(d(2024, 6, 11)));
    }

    #[test]
    fn the_grid_covers_both_ends() {
        let grid = period_grid(Interval::Week, d(2024, 1, 3), d(2024, 1, 15));
        assert_eq!(grid, vec![d(2024, 1, 1), d(2024, 1, 8), d(2024, 1, 15)]);
    }
}

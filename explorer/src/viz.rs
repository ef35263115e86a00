//! From cached query frames to chart data: the visualization logic, run on the web tier
//! so that control changes redraw from the cache without a new job.

use charts::{ChartControls, ChartId, TimeSeries};
use chrono::DateTime;

use crate::{codec::Frame, Query};

/// The query whose result a chart is drawn from.
pub fn query_for(chart: ChartId) -> Query {
    match chart {
        ChartId::CommitsOverTime => Query::Commits,
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cached {query} result lacks column {column}")]
pub struct MissingColumn {
    query: &'static str,
    column: &'static str,
}

pub fn build(chart: ChartId, frame: &Frame, controls: &ChartControls) -> Result<TimeSeries, MissingColumn> {
    match chart {
        ChartId::CommitsOverTime => commits_over_time(frame, controls),
    }
}

fn column<'a>(frame: &'a Frame, query: Query, column: &'static str) -> Result<&'a [i64], MissingColumn> {
    frame.i64(column).ok_or(MissingColumn { query: query.name(), column })
}

fn commits_over_time(frame: &Frame, controls: &ChartControls) -> Result<TimeSeries, MissingColumn> {
    let commits = column(frame, Query::Commits, "commit")?;
    let author_ts = column(frame, Query::Commits, "author_ts")?;
    // The same commit in two selected repos is one commit.
    let mut seen = std::collections::HashSet::with_capacity(commits.len());
    let dates = commits
        .iter()
        .zip(author_ts)
        .filter(|(commit, _)| seen.insert(**commit))
        .filter_map(|(_, ts)| DateTime::from_timestamp(*ts, 0))
        .map(|t| t.date_naive());
    Ok(TimeSeries::count_by_period(controls.interval, "commits", dates))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Column;
    use charts::Interval;
    use chrono::{FixedOffset, NaiveDate, TimeZone};

    fn ts(offset_minutes: i32, y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        FixedOffset::east_opt(offset_minutes * 60).unwrap().with_ymd_and_hms(y, m, d, h, min, 0).unwrap().timestamp()
    }

    fn frame(rows: &[(i64, i64, i64)]) -> Frame {
        Frame::new()
            .with_column("repo_id", Column::I64(rows.iter().map(|r| r.0).collect()))
            .with_column("commit", Column::I64(rows.iter().map(|r| r.1).collect()))
            .with_column("author_ts", Column::I64(rows.iter().map(|r| r.2).collect()))
    }

    fn months(interval: Interval, rows: &[(i64, i64, i64)]) -> TimeSeries {
        build(ChartId::CommitsOverTime, &frame(rows), &ChartControls { interval }).unwrap()
    }

    #[test]
    fn a_late_evening_west_of_utc_falls_in_the_next_utc_month() {
        // 23:30 at -08:00 on January 31st is 07:30 UTC on February 1st.
        let series =
            months(Interval::Month, &[(1, 10, ts(-8 * 60, 2024, 1, 31, 23, 30)), (1, 11, ts(0, 2024, 1, 15, 12, 0))]);
        let feb = NaiveDate::from_ymd_opt(2024, 2, 1).unwrap();
        assert_eq!(series.periods, vec![NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), feb]);
        assert_eq!(series.series[0].values, vec![1, 1]);
    }

    #[test]
    fn an_early_morning_east_of_utc_falls_in_the_previous_utc_year() {
        // 05:00 at +05:30 on January 1st 2024 is 23:30 UTC on December 31st 2023.
        let series = months(Interval::Year, &[(1, 10, ts(5 * 60 + 30, 2024, 1, 1, 5, 0))]);
        assert_eq!(series.periods, vec![NaiveDate::from_ymd_opt(2023, 1, 1).unwrap()]);
    }

    #[test]
    fn a_commit_in_two_repos_counts_once() {
        let t = ts(0, 2024, 3, 4, 10, 0);
        let series = months(Interval::Week, &[(1, 42, t), (2, 42, t), (2, 43, t)]);
        assert_eq!(series.series[0].values, vec![2]);
    }

    #[test]
    fn a_frame_without_the_needed_column_is_an_error() {
        let frame = Frame::new().with_column("repo_id", Column::I64(vec![1]));
        let err = build(ChartId::CommitsOverTime, &frame, &ChartControls::default()).unwrap_err();
        assert!(err.to_string().contains("commit"));
    }
}

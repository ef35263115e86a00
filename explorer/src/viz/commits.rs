use charts::{ChartControls, TimeSeries};
use chrono::DateTime;

use super::{column, MissingColumn};
use crate::{codec::Frame, Query};

/// Distinct commits per period (a commit in several selected repos counts once); commits
/// by bot accounts are left out when the bot filter is on.
pub(super) fn commits_over_time(frame: &Frame, controls: &ChartControls) -> Result<TimeSeries, MissingColumn> {
    let commits = column(frame, Query::Commits, "commit")?;
    let author_ts = column(frame, Query::Commits, "author_ts")?;
    let author_bot = column(frame, Query::Commits, "author_bot")?;
    // The same commit in two selected repos is one commit.
    let mut seen = std::collections::HashSet::with_capacity(commits.len());
    let dates = (0..commits.len())
        .filter(|&i| !(controls.hide_bots && author_bot[i] == 1))
        .filter(|&i| seen.insert(commits[i]))
        .filter_map(|i| DateTime::from_timestamp(author_ts[i], 0))
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

    /// Rows of (repo, commit, author time); commits numbered 900 and up are by a bot.
    fn frame(rows: &[(i64, i64, i64)]) -> Frame {
        Frame::new()
            .with_column("repo_id", Column::I64(rows.iter().map(|r| r.0).collect()))
            .with_column("commit", Column::I64(rows.iter().map(|r| r.1).collect()))
            .with_column("author_ts", Column::I64(rows.iter().map(|r| r.2).collect()))
            .with_column("author_bot", Column::I64(rows.iter().map(|r| i64::from(r.1 >= 900)).collect()))
    }

    fn months(interval: Interval, rows: &[(i64, i64, i64)]) -> TimeSeries {
        commits_over_time(&frame(rows), &ChartControls { interval, ..ChartControls::default() }).unwrap()
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
    fn bot_commits_count_only_when_bots_are_shown() {
        let t = ts(0, 2024, 3, 4, 10, 0);
        let rows = frame(&[(1, 42, t), (1, 900, t), (1, 901, t)]);
        let hidden = commits_over_time(&rows, &ChartControls::default()).unwrap();
        let shown = commits_over_time(&rows, &ChartControls { hide_bots: false, ..ChartControls::default() }).unwrap();
        assert_eq!((hidden.series[0].values.clone(), shown.series[0].values.clone()), (vec![1], vec![3]));
    }

    #[test]
    fn a_frame_without_the_needed_column_is_an_error() {
        let frame = Frame::new().with_column("repo_id", Column::I64(vec![1]));
        let err = commits_over_time(&frame, &ChartControls::default()).unwrap_err();
        assert!(err.to_string().contains("commit"));
    }
}

use std::collections::HashSet;

use charts::{ChartControls, ChartId, TimeSeries};
use chrono::{DateTime, NaiveDate};

use super::{draw, shown, Transform};
use crate::augur::queries::{CommitRow, Commits};

pub(super) fn transforms() -> Vec<Transform> {
    vec![draw(Commits, ChartId::CommitsOverTime, commits_over_time)]
}

/// Distinct commits per period (a commit in several selected repos counts once); commits
/// by bot accounts are left out when the bot filter is on.
fn commits_over_time(rows: &[CommitRow], controls: &ChartControls, _today: NaiveDate) -> TimeSeries {
    let mut seen = HashSet::with_capacity(rows.len());
    let dates = rows
        .iter()
        .filter(|r| shown(controls, r.author_bot))
        .filter(|r| seen.insert(r.commit))
        .filter_map(|r| DateTime::from_timestamp(r.author_ts, 0))
        .map(|t| t.date_naive());
    TimeSeries::count_by_period(controls.interval, "commits", dates)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::augur::queries::CommitHash;
    use charts::Interval;
    use chrono::{FixedOffset, TimeZone};

    fn ts(offset_minutes: i32, y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        FixedOffset::east_opt(offset_minutes * 60).unwrap().with_ymd_and_hms(y, m, d, h, min, 0).unwrap().timestamp()
    }

    /// Rows of (repo, commit, author time); commits numbered 900 and up are by a bot.
    fn commits(rows: &[(i64, i64, i64)]) -> Vec<CommitRow> {
        rows.iter()
            .map(|&(repo_id, commit, author_ts)| CommitRow {
                repo_id,
                commit: CommitHash(commit),
                author_ts,
                author_bot: commit >= 900,
            })
            .collect()
    }

    fn draw(rows: &[CommitRow], controls: &ChartControls) -> TimeSeries {
        commits_over_time(rows, controls, NaiveDate::from_ymd_opt(2030, 1, 1).unwrap())
    }

    fn months(interval: Interval, rows: &[(i64, i64, i64)]) -> TimeSeries {
        draw(&commits(rows), &ChartControls { interval, ..ChartControls::default() })
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
        let rows = commits(&[(1, 42, t), (1, 900, t), (1, 901, t)]);
        let hidden = draw(&rows, &ChartControls::default());
        let shown = draw(&rows, &ChartControls { hide_bots: false, ..ChartControls::default() });
        assert_eq!((hidden.series[0].values.clone(), shown.series[0].values.clone()), (vec![1], vec![3]));
    }
}

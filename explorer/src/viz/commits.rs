use std::collections::HashSet;

use charts::{Categories, ChartControls, ChartId, TimeSeries};
use chrono::{DateTime, Datelike, NaiveDate, Timelike};

use super::{draw, in_range, shown, Transform};
use crate::augur::queries::{CommitRow, Commits};

pub(super) fn transforms() -> Vec<Transform> {
    vec![
        draw(Commits, ChartId::CommitsOverTime, commits_over_time),
        draw(Commits, ChartId::ActivityCycle, activity_cycle),
    ]
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

const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// Distinct commits by the weekday or hour of their author time in UTC, within the date
/// range; every weekday or hour is a category, zero when empty.
fn activity_cycle(rows: &[CommitRow], controls: &ChartControls, _today: NaiveDate) -> Categories {
    let by_hour = controls.choice_of(ChartId::ActivityCycle) == "hour";
    let categories: Vec<String> =
        if by_hour { (0..24).map(|h| h.to_string()).collect() } else { WEEKDAYS.map(str::to_owned).to_vec() };
    let mut values = vec![0; categories.len()];
    let mut seen = HashSet::with_capacity(rows.len());
    for row in rows.iter().filter(|r| shown(controls, r.author_bot)).filter(|r| seen.insert(r.commit)) {
        let Some(at) = DateTime::from_timestamp(row.author_ts, 0) else { continue };
        if !in_range(controls, row.author_ts) {
            continue;
        }
        values[if by_hour { at.hour() as usize } else { at.weekday().num_days_from_monday() as usize }] += 1;
    }
    Categories::one_series("commits", categories.into_iter().zip(values), 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::augur::queries::TextId;
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
                commit: TextId(commit),
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

    fn cycle(rows: &[CommitRow], pairs: &[(&str, &str)]) -> Categories {
        let controls = ChartControls::from_params(ChartId::ActivityCycle, |name| {
            pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
        })
        .unwrap();
        activity_cycle(rows, &controls, NaiveDate::from_ymd_opt(2030, 1, 1).unwrap())
    }

    #[test]
    fn the_cycle_counts_each_commit_once_by_its_utc_weekday() {
        // Mon 2024-03-04 10:00 UTC twice (a fork and its parent: one commit), Sun 2024-03-10
        // 23:30 at -08:00 (Monday 07:30 UTC), and a bot's commit on Tuesday.
        let rows = commits(&[
            (1, 42, ts(0, 2024, 3, 4, 10, 0)),
            (2, 42, ts(0, 2024, 3, 4, 10, 0)),
            (1, 43, ts(-8 * 60, 2024, 3, 10, 23, 30)),
            (1, 900, ts(0, 2024, 3, 5, 9, 0)),
        ]);
        let weekdays = cycle(&rows, &[]);
        assert_eq!(weekdays.categories[0], "Monday");
        assert_eq!(weekdays.categories.len(), 7);
        assert_eq!(weekdays.series[0].values, vec![2, 0, 0, 0, 0, 0, 0]);
        let with_bots = cycle(&rows, &[("bots", "show")]);
        assert_eq!(with_bots.series[0].values, vec![2, 1, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn the_hourly_cycle_has_every_hour_and_keeps_to_the_date_range() {
        let rows = commits(&[
            (1, 1, ts(0, 2024, 3, 4, 0, 59)),
            (1, 2, ts(5 * 60 + 30, 2024, 3, 5, 5, 0)), // 23:30 UTC on Mar 4
            (1, 3, ts(0, 2024, 3, 6, 12, 0)),          // after the range's last day
        ]);
        let hours = cycle(&rows, &[("view", "hour"), ("to", "2024-03-05")]);
        let mut want = vec![0; 24];
        (want[0], want[23]) = (1, 1);
        assert_eq!(hours.categories, (0..24).map(|h| h.to_string()).collect::<Vec<_>>());
        assert_eq!(hours.series[0].values, want);
        let from_the_sixth = cycle(&rows, &[("view", "hour"), ("from", "2024-03-06")]);
        assert_eq!(from_the_sixth.series[0].values.iter().sum::<i64>(), 1);
        assert!(ChartControls::from_params(ChartId::ActivityCycle, |n| (n == "view").then_some("month")).is_err());
    }
}

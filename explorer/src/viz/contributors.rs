//! Contributors over time, from their actions: when they first contributed, whether those
//! active in a period are repeat or drive-thru contributors, how recently they contributed,
//! and how many did each kind of action.
//!
//! A contributor is a resolved Augur contributor; actions Augur could not tie to one count
//! for nobody here (8Knot lumps them into one contributor, "None"). With the bot filter on,
//! bots' actions are left out entirely.

use std::collections::{HashMap, HashSet};

use charts::{ChartControls, ChartId, Interval, TimeSeries};
use chrono::{DateTime, Months, NaiveDate};

use super::{draw, grid::date_of, grid::PeriodGrid, shown, Transform};
use crate::augur::queries::{action, ActionRow, ContributorActions, TextId};

pub(super) fn transforms() -> Vec<Transform> {
    vec![
        draw(ContributorActions, ChartId::DriveRepeatContributions, drive_repeat_contributions),
        draw(ContributorActions, ChartId::FirstTimeContributors, first_time_contributors),
        draw(ContributorActions, ChartId::ContributorEngagement, contributor_engagement),
        draw(ContributorActions, ChartId::NewContributors, new_contributors),
        draw(ContributorActions, ChartId::ContributorTypes, contributor_types),
        draw(ContributorActions, ChartId::ContributorsByAction, contributors_by_action),
    ]
}

/// The (time, contributor) of every action that counts for a contributor, in time order.
fn contributions(rows: &[ActionRow], controls: &ChartControls) -> Vec<(i64, TextId)> {
    let mut out: Vec<(i64, TextId)> = rows
        .iter()
        .filter(|r| r.contributor != TextId::NONE && shown(controls, r.bot))
        .map(|r| (r.at, r.contributor))
        .collect();
    out.sort_unstable();
    out
}

/// Per period, the contributors whose first contribution (their earliest action in any repo
/// of the selection, of any kind) falls in it.
fn new_contributors(rows: &[ActionRow], controls: &ChartControls, _today: NaiveDate) -> TimeSeries {
    let mut first: HashMap<TextId, i64> = HashMap::new();
    for (at, who) in contributions(rows, controls) {
        first.entry(who).or_insert(at);
    }
    let dates = first.into_values().filter_map(|at| DateTime::from_timestamp(at, 0)).map(|t| t.date_naive());
    TimeSeries::count_by_period(controls.interval, "new", dates)
}

/// Per period, the distinct contributors active in it: `repeat` when they had made at least
/// `contributions_required` contributions (any kind, any repo of the selection) by the end
/// of that period, `drive` otherwise.
fn contributor_types(rows: &[ActionRow], controls: &ChartControls, today: NaiveDate) -> TimeSeries {
    let contributions = contributions(rows, controls);
    let (Some(first), Some(last)) = (contributions.first(), contributions.last()) else {
        return PeriodGrid::to_today(controls.interval, None, today)
            .series([("repeat", Vec::new()), ("drive", Vec::new())]);
    };
    let grid = PeriodGrid::between(controls.interval, date_of(first.0), date_of(last.0), today);
    let required = controls.contributions_required;
    let mut made: HashMap<TextId, u32> = HashMap::new();
    let (mut repeat, mut drive) = (vec![0; grid.periods.len()], vec![0; grid.periods.len()]);
    let mut next = 0;
    for period in 0..grid.periods.len() {
        let mut active = HashSet::new();
        while let Some(&(at, who)) = contributions.get(next) {
            if grid.period_of(at) != Some(period) {
                break;
            }
            *made.entry(who).or_default() += 1;
            active.insert(who);
            next += 1;
        }
        for who in active {
            if made[&who] >= required {
                repeat[period] += 1;
            } else {
                drive[period] += 1;
            }
        }
    }
    grid.series([("repeat", repeat), ("drive", drive)])
}

/// Every action kind with its series name, in the order series are drawn.
pub(super) const KINDS: [(i32, &str); 9] = [
    (action::COMMIT, "commit"),
    (action::ISSUE_OPENED, "issue_opened"),
    (action::ISSUE_COMMENT, "issue_comment"),
    (action::ISSUE_CLOSED, "issue_closed"),
    (action::PR_OPENED, "pr_open"),
    (action::PR_COMMENT, "pr_comment"),
    (action::PR_REVIEW, "pr_review"),
    (action::PR_MERGED, "pr_merged"),
    (action::PR_CLOSED, "pr_closed"),
];

/// Events counted per calendar quarter, one series per action kind that occurs. (These
/// charts open on quarters, so the date range keeps whole quarters.)
fn per_quarter_by_kind(events: impl Iterator<Item = (i64, i32)>, today: NaiveDate) -> TimeSeries {
    let events: Vec<(i64, i32)> = events.collect();
    let (Some(first), Some(last)) = (events.iter().map(|e| e.0).min(), events.iter().map(|e| e.0).max()) else {
        return TimeSeries::default();
    };
    let grid = PeriodGrid::between(Interval::Quarter, date_of(first), date_of(last), today);
    let series: Vec<(&str, Vec<i64>)> = KINDS
        .iter()
        .map(|&(kind, name)| (name, grid.count(events.iter().filter(|e| e.1 == kind).map(|e| e.0))))
        .filter(|(_, values)| values.iter().any(|v| *v > 0))
        .collect();
    grid.series(series)
}

/// Per calendar quarter, the contributions (by kind) of drive-thru contributors, who made
/// fewer than `contributions_required` contributions in all, or of repeat ones (`view`).
fn drive_repeat_contributions(rows: &[ActionRow], controls: &ChartControls, today: NaiveDate) -> TimeSeries {
    let mut made: HashMap<TextId, u32> = HashMap::new();
    let counted = |r: &&ActionRow| r.contributor != TextId::NONE && shown(controls, r.bot);
    for row in rows.iter().filter(counted) {
        *made.entry(row.contributor).or_default() += 1;
    }
    let repeat = controls.choice_of(ChartId::DriveRepeatContributions) == "repeat";
    let chosen = |r: &&ActionRow| (made[&r.contributor] >= controls.contributions_required) == repeat;
    per_quarter_by_kind(rows.iter().filter(counted).filter(chosen).map(|r| (r.at, r.action)), today)
}

/// Per calendar quarter, the contributors whose first contribution (their earliest across
/// the selection) falls in it, by the kind of that first contribution.
fn first_time_contributors(rows: &[ActionRow], controls: &ChartControls, today: NaiveDate) -> TimeSeries {
    let mut first: HashMap<TextId, (i64, i32)> = HashMap::new();
    for row in rows.iter().filter(|r| r.contributor != TextId::NONE && shown(controls, r.bot)) {
        // The earliest action wins; at one instant, the lower kind code, so that the answer
        // does not depend on the order rows arrive in.
        let entry = first.entry(row.contributor).or_insert((row.at, row.action));
        *entry = (*entry).min((row.at, row.action));
    }
    per_quarter_by_kind(first.into_values(), today)
}

/// At the end of each period (the end of today for the current one), the contributors
/// seen so far by how long ago their latest contribution was: `active` (less than
/// `drifting_months`), `drifting` (less than `away_months`) or `away`.
fn contributor_engagement(rows: &[ActionRow], controls: &ChartControls, today: NaiveDate) -> TimeSeries {
    let contributions = contributions(rows, controls);
    let grid = PeriodGrid::to_today(controls.interval, contributions.first().map(|c| c.0), today);
    let mut latest: HashMap<TextId, i64> = HashMap::new();
    let mut next = 0;
    let (mut active, mut drifting, mut away) = (Vec::new(), Vec::new(), Vec::new());
    for &end in &grid.ends {
        while let Some(&(at, who)) = contributions.get(next).filter(|c| c.0 < end) {
            latest.insert(who, at);
            next += 1;
        }
        // A contribution at instant `at` is recent while `end` is before `at` plus the months.
        let within = |at: i64, months: u32| {
            let since = DateTime::from_timestamp(at, 0).expect("stored times are valid");
            since.checked_add_months(Months::new(months)).is_none_or(|until| end < until.timestamp())
        };
        let (mut a, mut d, mut w) = (0, 0, 0);
        for &at in latest.values() {
            if within(at, controls.drifting_months) {
                a += 1;
            } else if within(at, controls.away_months) {
                d += 1;
            } else {
                w += 1;
            }
        }
        active.push(a);
        drifting.push(d);
        away.push(w);
    }
    grid.series([("active", active), ("drifting", drifting), ("away", away)])
}

/// The action codes a chart's `action` choice stands for.
pub(super) fn chosen_actions(controls: &ChartControls, chart: ChartId) -> &'static [i32] {
    match controls.choice_of(chart) {
        "comment" => &[action::PR_COMMENT, action::ISSUE_COMMENT],
        "issue_comment" => &[action::ISSUE_COMMENT],
        "pr_comment" => &[action::PR_COMMENT],
        "pr_review" => &[action::PR_REVIEW],
        "issue_opened" => &[action::ISSUE_OPENED],
        "issue_closed" => &[action::ISSUE_CLOSED],
        "commit" => &[action::COMMIT],
        "pr_open" => &[action::PR_OPENED],
        // The registry lists every choice a chart offers, and each is matched above.
        other => unreachable!("no action choice {other:?}"),
    }
}

/// Per calendar period, the distinct contributors who did the chosen kind of action in it.
fn contributors_by_action(rows: &[ActionRow], controls: &ChartControls, _today: NaiveDate) -> TimeSeries {
    let actions = chosen_actions(controls, ChartId::ContributorsByAction);
    let active: HashSet<(TextId, NaiveDate)> = rows
        .iter()
        .filter(|r| actions.contains(&r.action) && r.contributor != TextId::NONE && shown(controls, r.bot))
        .map(|r| (r.contributor, controls.interval.period_start(date_of(r.at))))
        .collect();
    TimeSeries::count_by_period(controls.interval, "contributors", active.into_iter().map(|(_, period)| period))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::augur::queries::action;
    use crate::viz::test_actions::{actions, controls_of, values, with_kinds};
    use crate::viz::test_time::d;
    use charts::Interval;

    #[test]
    fn a_contributor_is_new_once_at_their_earliest_action_in_any_repo() {
        // Contributor 1: latest action in repo 10 (March), earliest in repo 11 (January).
        // Contributor 2: first in February, in two repos the same month. The unresolved
        // author (0) and the bot (9) are nobody's first contribution.
        let rows = actions(&[
            (10, 1, "2024-03-05 10:00:00", false),
            (10, 2, "2024-02-10 10:00:00", false),
            (10, 0, "2024-01-02 10:00:00", false),
            (11, 1, "2024-01-31 23:59:59", false),
            (11, 2, "2024-02-11 10:00:00", false),
            (11, 9, "2023-12-01 00:00:00", true),
        ]);
        let ts = new_contributors(&rows, &controls_of(&[], ChartId::NewContributors), d("2024-06-01"));
        assert_eq!(ts.periods, vec![d("2024-01-01"), d("2024-02-01")]);
        assert_eq!(values(&ts, "new"), [1, 1]);
        let with_bots =
            new_contributors(&rows, &controls_of(&[("bots", "show")], ChartId::NewContributors), d("2024-06-01"));
        assert_eq!(with_bots.periods[0], d("2023-12-01"));
        assert_eq!(values(&with_bots, "new"), [1, 1, 1]);
    }

    #[test]
    fn a_contributor_turns_repeat_in_the_period_their_count_reaches_the_threshold() {
        // Required 2. Contributor 1: one action in January (drive), one in February across
        // another repo (2 by then: repeat), one in April (repeat). Contributor 2: one action in
        // February (drive). March has nobody active. The unresolved author counts for nobody.
        let rows = actions(&[
            (10, 1, "2024-01-15 00:00:00", false),
            (11, 1, "2024-02-01 00:00:00", false),
            (10, 2, "2024-02-20 00:00:00", false),
            (10, 0, "2024-03-10 00:00:00", false),
            (10, 1, "2024-04-30 23:00:00", false),
        ]);
        let controls = controls_of(&[("contributions_required", "2")], ChartId::ContributorTypes);
        let ts = contributor_types(&rows, &controls, d("2024-06-01"));
        assert_eq!(ts.periods, vec![d("2024-01-01"), d("2024-02-01"), d("2024-03-01"), d("2024-04-01")]);
        assert_eq!(values(&ts, "repeat"), [0, 1, 0, 1]);
        assert_eq!(values(&ts, "drive"), [1, 1, 0, 0]);
        // By default four contributions are required: everyone is a drive-thru here.
        let ts = contributor_types(&rows, &controls_of(&[], ChartId::ContributorTypes), d("2024-06-01"));
        assert_eq!(values(&ts, "repeat"), [0, 0, 0, 0]);
        assert_eq!(values(&ts, "drive"), [1, 2, 0, 1]);
    }

    #[test]
    fn periods_are_utc_weeks_and_days_are_not_offered() {
        // Sunday 23:59:59 and Monday 00:00:00 UTC fall in two weeks.
        let rows = actions(&[(10, 1, "2024-01-07 23:59:59", false), (10, 2, "2024-01-08 00:00:00", false)]);
        let weekly = controls_of(&[("interval", "week")], ChartId::ContributorTypes);
        let ts = contributor_types(&rows, &weekly, d("2024-02-01"));
        assert_eq!(ts.periods, vec![d("2024-01-01"), d("2024-01-08")]);
        assert_eq!(values(&ts, "drive"), [1, 1]);
        let day = ChartControls::from_params(ChartId::ContributorTypes, |n| (n == "interval").then_some("day"));
        assert!(day.unwrap_err().0.contains("week, month, year"));
        assert_eq!(ChartId::NewContributors.spec().intervals, Interval::USUAL);
    }

    #[test]
    fn no_contributions_give_named_empty_series() {
        let rows = actions(&[(10, 0, "2024-01-02 10:00:00", false)]);
        let ts = contributor_types(&rows, &ChartControls::for_chart(ChartId::ContributorTypes), d("2024-01-05"));
        assert!(ts.periods.is_empty());
        assert_eq!(ts.series.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["repeat", "drive"]);
        let ts = new_contributors(&rows, &ChartControls::for_chart(ChartId::NewContributors), d("2024-01-05"));
        assert!(ts.periods.is_empty());
    }

    #[test]
    fn contributors_by_action_count_a_person_once_per_calendar_half_year() {
        // Contributor 1 comments in January (an issue) and in May (a PR): one person in the
        // first half-year. Contributor 2 comments on July 1st 00:00 UTC: the second half.
        // Contributor 3 only opens PRs; the unresolved author's comment counts for nobody.
        let mut rows = actions(&[
            (10, 1, "2024-01-10 00:00:00", false),
            (11, 1, "2024-05-10 00:00:00", false),
            (10, 2, "2024-07-01 00:00:00", false),
            (10, 3, "2024-03-01 00:00:00", false),
            (10, 0, "2024-02-01 00:00:00", false),
        ]);
        let kinds =
            [action::ISSUE_COMMENT, action::PR_COMMENT, action::PR_COMMENT, action::PR_OPENED, action::PR_COMMENT];
        for (row, kind) in rows.iter_mut().zip(kinds) {
            row.action = kind;
        }
        let halves = controls_of(&[("interval", "half"), ("action", "comment")], ChartId::ContributorsByAction);
        let ts = contributors_by_action(&rows, &halves, d("2025-01-01"));
        assert_eq!(ts.periods, vec![d("2024-01-01"), d("2024-07-01")]);
        assert_eq!(values(&ts, "contributors"), [1, 1]);
        // Quarters split contributor 1's two comments apart; PRs opened are the default.
        let quarters = controls_of(&[("interval", "quarter"), ("action", "comment")], ChartId::ContributorsByAction);
        let ts = contributors_by_action(&rows, &quarters, d("2025-01-01"));
        assert_eq!(values(&ts, "contributors"), [1, 1, 1]);
        let opened = contributors_by_action(&rows, &controls_of(&[], ChartId::ContributorsByAction), d("2025-01-01"));
        assert_eq!(
            (opened.periods.clone(), values(&opened, "contributors").to_vec()),
            (vec![d("2024-03-01")], vec![1])
        );
    }

    #[test]
    fn drive_thru_and_repeat_contributions_by_quarter_and_kind() {
        // Required 2, all time. Contributor 1: a commit in Q1 (repo 10) and an issue opened
        // in Q2 (repo 11): repeat. Contributor 2: one PR in Q1: drive-thru. The unresolved
        // author's commit belongs to neither.
        let rows = with_kinds(
            actions(&[
                (10, 1, "2024-03-31 23:59:59", false),
                (11, 1, "2024-04-01 00:00:00", false),
                (10, 2, "2024-02-01 00:00:00", false),
                (10, 0, "2024-02-02 00:00:00", false),
            ]),
            &[action::COMMIT, action::ISSUE_OPENED, action::PR_OPENED, action::COMMIT],
        );
        let chart = ChartId::DriveRepeatContributions;
        let drive =
            drive_repeat_contributions(&rows, &controls_of(&[("contributions_required", "2")], chart), d("2025-01-01"));
        assert_eq!(drive.periods, vec![d("2024-01-01")]);
        assert_eq!(
            drive.series.iter().map(|s| (s.name.as_str(), s.values.clone())).collect::<Vec<_>>(),
            [("pr_open", vec![1])]
        );
        let repeat = drive_repeat_contributions(
            &rows,
            &controls_of(&[("contributions_required", "2"), ("view", "repeat")], chart),
            d("2025-01-01"),
        );
        assert_eq!(repeat.periods, vec![d("2024-01-01"), d("2024-04-01")]);
        assert_eq!(values(&repeat, "commit"), [1, 0]);
        assert_eq!(values(&repeat, "issue_opened"), [0, 1]);
    }

    #[test]
    fn first_time_contributors_by_the_kind_of_their_earliest_action_anywhere() {
        // Contributor 1's latest action is a commit in repo 10 (Q3); the earliest, an issue
        // comment in repo 11 (Q1). Contributor 2 starts with a review in Q3.
        let rows = with_kinds(
            actions(&[
                (10, 1, "2024-08-01 00:00:00", false),
                (11, 1, "2024-01-05 00:00:00", false),
                (10, 2, "2024-09-30 12:00:00", false),
            ]),
            &[action::COMMIT, action::ISSUE_COMMENT, action::PR_REVIEW],
        );
        let ts = first_time_contributors(&rows, &controls_of(&[], ChartId::FirstTimeContributors), d("2025-01-01"));
        assert_eq!(ts.periods, vec![d("2024-01-01"), d("2024-04-01"), d("2024-07-01")]);
        assert_eq!(values(&ts, "issue_comment"), [1, 0, 0]);
        assert_eq!(values(&ts, "pr_review"), [0, 0, 1]);
        assert!(ts.series.iter().all(|s| s.name != "commit"), "a later commit is no first contribution");
    }

    #[test]
    fn engagement_ages_each_contributor_by_their_latest_contribution() {
        // Drifting after 1 month, away after 2. Contributor 1 acts on Jan 15 and Mar 20;
        // contributor 2 only on Jan 31 (one month later is Feb 29, two is Mar 31).
        // Feb 1: both active. Mar 1: both drifting (Feb 15 and Feb 29 have passed, Mar 15
        // and Mar 31 not). Apr 1: 1 active again (until Apr 20), 2 away. The current month
        // is read at the end of today, Apr 10: the same.
        let rows = actions(&[
            (10, 1, "2024-01-15 00:00:00", false),
            (10, 2, "2024-01-31 00:00:00", false),
            (11, 1, "2024-03-20 00:00:00", false),
        ]);
        let controls = controls_of(&[("drifting_months", "1"), ("away_months", "2")], ChartId::ContributorEngagement);
        let ts = contributor_engagement(&rows, &controls, d("2024-04-10"));
        assert_eq!(ts.periods, vec![d("2024-01-01"), d("2024-02-01"), d("2024-03-01"), d("2024-04-01")]);
        assert_eq!(values(&ts, "active"), [2, 0, 1, 1]);
        assert_eq!(values(&ts, "drifting"), [0, 2, 0, 0]);
        assert_eq!(values(&ts, "away"), [0, 0, 1, 1]);
        let swapped = ChartControls::from_params(ChartId::ContributorEngagement, |n| {
            [("drifting_months", "12"), ("away_months", "6")].iter().find(|(k, _)| *k == n).map(|(_, v)| *v)
        });
        assert!(swapped.unwrap_err().0.contains("must be greater"));
    }

    #[test]
    fn every_action_choice_of_the_registry_stands_for_some_kinds() {
        for chart in [ChartId::BusFactor, ChartId::ContributorsByAction] {
            for index in 0..chart.spec().choices.len() {
                let controls = ChartControls { choice: index as u8, ..ChartControls::for_chart(chart) };
                assert!(!chosen_actions(&controls, chart).is_empty(), "{} choice {index}", chart.slug());
            }
        }
    }
}

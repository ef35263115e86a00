//! Contributors over time, from their actions: when they first contributed, and whether
//! those active in a period are repeat or drive-thru contributors.
//!
//! A contributor is a resolved Augur contributor; actions Augur could not tie to one count
//! for nobody here (8Knot lumps them into one contributor, "None"). With the bot filter on,
//! bots' actions are left out entirely.

use std::collections::{HashMap, HashSet};

use charts::{Categories, ChartControls, ChartId, Interval, Point, Points, Series, TimeSeries};
use chrono::{DateTime, Datelike, Months, NaiveDate};

use super::{draw, grid::date_of, grid::PeriodGrid, in_range, shown, Transform};
use crate::augur::queries::{action, ActionRow, ContributorActions, TextId};

pub(super) fn transforms() -> Vec<Transform> {
    vec![
        draw(ContributorActions, ChartId::DriveRepeatContributions, drive_repeat_contributions),
        draw(ContributorActions, ChartId::FirstTimeContributors, first_time_contributors),
        draw(ContributorActions, ChartId::ContributorEngagement, contributor_engagement),
        draw(ContributorActions, ChartId::NewContributors, new_contributors),
        draw(ContributorActions, ChartId::ContributorTypes, contributor_types),
        draw(ContributorActions, ChartId::ContributorsByAction, contributors_by_action),
        draw(ContributorActions, ChartId::BusFactor, bus_factor),
        draw(ContributorActions, ChartId::LotteryFactor, lottery_factor),
        draw(ContributorActions, ChartId::ProjectVelocity, project_velocity),
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
const KINDS: [(i32, &str); 9] = [
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
fn chosen_actions(controls: &ChartControls, chart: ChartId) -> &'static [i32] {
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

/// The `top_k` contributors by the chosen kind of action within the date range (both
/// ends included), most first, then "Other" for everyone else's. Ties go by login, then
/// by id, so the same data always names the same people.
fn bus_factor(rows: &[ActionRow], controls: &ChartControls, _today: NaiveDate) -> Categories {
    let actions = chosen_actions(controls, ChartId::BusFactor);
    let mut counts: HashMap<TextId, (u32, &str)> = HashMap::new();
    for row in rows.iter().filter(|r| {
        actions.contains(&r.action)
            && r.contributor != TextId::NONE
            && shown(controls, r.bot)
            && in_range(controls, r.at)
    }) {
        let entry = counts.entry(row.contributor).or_insert((0, row.login.as_str()));
        entry.0 += 1;
    }
    let mut ranked: Vec<(TextId, u32, &str)> = counts.into_iter().map(|(id, (n, login))| (id, n, login)).collect();
    ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(b.2)).then(a.0.cmp(&b.0)));
    let top = ranked.len().min(controls.top_k as usize);
    let mut categories: Vec<String> = ranked[..top]
        .iter()
        .map(|(_, _, login)| if login.is_empty() { "(no login)" } else { login }.to_owned())
        .collect();
    let mut values: Vec<i64> = ranked[..top].iter().map(|r| i64::from(r.1)).collect();
    let other: i64 = ranked[top..].iter().map(|r| i64::from(r.1)).sum();
    if other > 0 {
        categories.push("Other".to_owned());
        values.push(other);
    }
    Categories { categories, series: vec![Series { name: "contributions".to_owned(), values }] }
}

/// The kinds the lottery factor follows, each its own series.
const LOTTERY_KINDS: [(i32, &str); 7] = [
    (action::COMMIT, "commit"),
    (action::ISSUE_OPENED, "issue_opened"),
    (action::ISSUE_COMMENT, "issue_comment"),
    (action::ISSUE_CLOSED, "issue_closed"),
    (action::PR_OPENED, "pr_open"),
    (action::PR_COMMENT, "pr_comment"),
    (action::PR_REVIEW, "pr_review"),
];

/// Per window of `window_months` calendar months (one starting every `step_months`, from
/// the month of the earliest contribution to that of the latest), and per kind of action:
/// the fewest contributors whose actions of that kind cover `threshold_pct` percent of
/// them (0 when the window has none). A window that ends after today is marked partial.
fn lottery_factor(rows: &[ActionRow], controls: &ChartControls, today: NaiveDate) -> Categories {
    let mut counted: Vec<&ActionRow> = rows
        .iter()
        .filter(|r| r.contributor != TextId::NONE && shown(controls, r.bot) && in_range(controls, r.at))
        .filter(|r| LOTTERY_KINDS.iter().any(|(kind, _)| *kind == r.action))
        .collect();
    counted.sort_unstable_by_key(|r| r.at);
    let names = LOTTERY_KINDS.map(|(_, name)| name.to_owned());
    let (Some(first), Some(last)) = (counted.first(), counted.last()) else {
        let series = names.into_iter().map(|name| Series { name, values: Vec::new() }).collect();
        return Categories { categories: Vec::new(), series };
    };
    let month_of = |at: i64| Interval::Month.period_start(date_of(at));
    let (first, last) = (month_of(first.at), month_of(last.at));
    let mut categories = Vec::new();
    let mut values = vec![Vec::new(); LOTTERY_KINDS.len()];
    let mut start = first;
    while start <= last {
        let end = start + Months::new(controls.window_months);
        let (from, until) = (start_of(start), start_of(end));
        let lo = counted.partition_point(|r| r.at < from);
        let hi = counted.partition_point(|r| r.at < until);
        for (series, (kind, _)) in values.iter_mut().zip(LOTTERY_KINDS) {
            series.push(fewest_covering(counted[lo..hi].iter().filter(|r| r.action == kind), controls.threshold_pct));
        }
        let last_month = end - Months::new(1);
        let partial = if end > today { " (partial)" } else { "" };
        categories.push(format!(
            "{}-{:02} to {}-{:02}{partial}",
            start.year(),
            start.month(),
            last_month.year(),
            last_month.month()
        ));
        start = start + Months::new(controls.step_months);
    }
    let series = names.into_iter().zip(values).map(|(name, values)| Series { name, values }).collect();
    Categories { categories, series }
}

/// The fewest contributors whose actions make up at least `pct` percent of these.
fn fewest_covering<'a>(actions: impl Iterator<Item = &'a &'a ActionRow>, pct: u32) -> i64 {
    let mut per_contributor: HashMap<TextId, u64> = HashMap::new();
    for row in actions {
        *per_contributor.entry(row.contributor).or_default() += 1;
    }
    let total: u64 = per_contributor.values().sum();
    let mut counts: Vec<u64> = per_contributor.into_values().collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    let mut covered = 0;
    for (n, count) in counts.iter().enumerate() {
        covered += count;
        if covered * 100 >= u64::from(pct) * total {
            return n as i64 + 1;
        }
    }
    0
}

/// One point per repository with actions in the date range: x its commits (every commit,
/// resolved author or not), y its issue and PR actions weighted by kind, size its distinct
/// contributors. Points are labelled by the web tier, which knows the repositories' names.
fn project_velocity(rows: &[ActionRow], controls: &ChartControls, _today: NaiveDate) -> Points {
    let weights = [
        (action::ISSUE_OPENED, controls.weight_issue_opened),
        (action::ISSUE_CLOSED, controls.weight_issue_closed),
        (action::PR_OPENED, controls.weight_pr_opened),
        (action::PR_MERGED, controls.weight_pr_merged),
        (action::PR_CLOSED, controls.weight_pr_closed),
    ];
    // Per repo: commits, weighted actions in tenths, contributors.
    let mut repos: std::collections::BTreeMap<i64, (u64, u64, HashSet<TextId>)> = Default::default();
    for row in rows.iter().filter(|r| shown(controls, r.bot) && in_range(controls, r.at)) {
        let repo = repos.entry(row.repo_id).or_default();
        if row.action == action::COMMIT {
            repo.0 += 1;
        }
        if let Some((_, weight)) = weights.iter().find(|(kind, _)| *kind == row.action) {
            repo.1 += u64::from(*weight);
        }
        if row.contributor != TextId::NONE {
            repo.2.insert(row.contributor);
        }
    }
    let points = repos
        .into_iter()
        .map(|(id, (commits, tenths, people))| Point {
            id,
            label: id.to_string(),
            x: commits as f64,
            y: tenths as f64 / 10.0,
            size: people.len() as f64,
        })
        .collect();
    Points { points, log_y: controls.choice_of(ChartId::ProjectVelocity) == "log" }
}

/// Seconds since the epoch at the start of `date` (00:00 UTC).
fn start_of(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::augur::queries::action;
    use crate::viz::test_time::{at, d};
    use charts::Interval;

    /// (repo, contributor, time, bot); contributor 0 is unresolved.
    fn actions(rows: &[(i64, i64, &str, bool)]) -> Vec<ActionRow> {
        rows.iter()
            .map(|&(repo_id, who, time, bot)| ActionRow {
                repo_id,
                contributor: TextId(who),
                at: at(time),
                action: action::COMMIT,
                login: format!("user{who}"),
                bot,
            })
            .collect()
    }

    fn monthly(pairs: &[(&str, &str)], chart: ChartId) -> ChartControls {
        ChartControls::from_params(chart, |n| pairs.iter().find(|(k, _)| *k == n).map(|(_, v)| *v)).unwrap()
    }

    fn values<'a>(ts: &'a TimeSeries, name: &str) -> &'a [i64] {
        &ts.series.iter().find(|s| s.name == name).unwrap().values
    }

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
        let ts = new_contributors(&rows, &monthly(&[], ChartId::NewContributors), d("2024-06-01"));
        assert_eq!(ts.periods, vec![d("2024-01-01"), d("2024-02-01")]);
        assert_eq!(values(&ts, "new"), [1, 1]);
        let with_bots =
            new_contributors(&rows, &monthly(&[("bots", "show")], ChartId::NewContributors), d("2024-06-01"));
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
        let controls = monthly(&[("contributions_required", "2")], ChartId::ContributorTypes);
        let ts = contributor_types(&rows, &controls, d("2024-06-01"));
        assert_eq!(ts.periods, vec![d("2024-01-01"), d("2024-02-01"), d("2024-03-01"), d("2024-04-01")]);
        assert_eq!(values(&ts, "repeat"), [0, 1, 0, 1]);
        assert_eq!(values(&ts, "drive"), [1, 1, 0, 0]);
        // By default four contributions are required: everyone is a drive-thru here.
        let ts = contributor_types(&rows, &monthly(&[], ChartId::ContributorTypes), d("2024-06-01"));
        assert_eq!(values(&ts, "repeat"), [0, 0, 0, 0]);
        assert_eq!(values(&ts, "drive"), [1, 2, 0, 1]);
    }

    #[test]
    fn periods_are_utc_weeks_and_days_are_not_offered() {
        // Sunday 23:59:59 and Monday 00:00:00 UTC fall in two weeks.
        let rows = actions(&[(10, 1, "2024-01-07 23:59:59", false), (10, 2, "2024-01-08 00:00:00", false)]);
        let weekly = monthly(&[("interval", "week")], ChartId::ContributorTypes);
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
        let halves = monthly(&[("interval", "half"), ("action", "comment")], ChartId::ContributorsByAction);
        let ts = contributors_by_action(&rows, &halves, d("2025-01-01"));
        assert_eq!(ts.periods, vec![d("2024-01-01"), d("2024-07-01")]);
        assert_eq!(values(&ts, "contributors"), [1, 1]);
        // Quarters split contributor 1's two comments apart; PRs opened are the default.
        let quarters = monthly(&[("interval", "quarter"), ("action", "comment")], ChartId::ContributorsByAction);
        let ts = contributors_by_action(&rows, &quarters, d("2025-01-01"));
        assert_eq!(values(&ts, "contributors"), [1, 1, 1]);
        let opened = contributors_by_action(&rows, &monthly(&[], ChartId::ContributorsByAction), d("2025-01-01"));
        assert_eq!(
            (opened.periods.clone(), values(&opened, "contributors").to_vec()),
            (vec![d("2024-03-01")], vec![1])
        );
    }

    fn with_kinds(mut rows: Vec<ActionRow>, kinds: &[i32]) -> Vec<ActionRow> {
        for (row, kind) in rows.iter_mut().zip(kinds) {
            row.action = *kind;
        }
        rows
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
            drive_repeat_contributions(&rows, &monthly(&[("contributions_required", "2")], chart), d("2025-01-01"));
        assert_eq!(drive.periods, vec![d("2024-01-01")]);
        assert_eq!(
            drive.series.iter().map(|s| (s.name.as_str(), s.values.clone())).collect::<Vec<_>>(),
            [("pr_open", vec![1])]
        );
        let repeat = drive_repeat_contributions(
            &rows,
            &monthly(&[("contributions_required", "2"), ("view", "repeat")], chart),
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
        let ts = first_time_contributors(&rows, &monthly(&[], ChartId::FirstTimeContributors), d("2025-01-01"));
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
        let controls = monthly(&[("drifting_months", "1"), ("away_months", "2")], ChartId::ContributorEngagement);
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
    fn the_bus_factor_names_the_top_contributors_by_login_and_lumps_the_rest() {
        // Commits in the range: 3 by contributor 3 ("carol"), 2 each by 1 ("alice") and 2
        // ("bob"), 1 by 4 ("dan"); the unresolved author's 5 never form a contributor. Top 2:
        // carol, then the alice/bob tie broken by login; Other = bob 2 + dan 1.
        let mut rows = Vec::new();
        for (who, n) in [(3, 3), (1, 2), (2, 2), (4, 1), (0, 5)] {
            for i in 0..n {
                rows.extend(actions(&[(10 + i % 2, who, "2024-05-01 12:00:00", false)]));
            }
        }
        for row in &mut rows {
            row.login = ["", "alice", "bob", "carol", "dan"][row.contributor.0 as usize].to_owned();
        }
        // A commit outside the range does not count: May 2nd is past `to`.
        rows.extend(actions(&[(10, 4, "2024-05-02 00:00:00", false)]));
        let controls = monthly(&[("top_k", "2"), ("to", "2024-05-01")], ChartId::BusFactor);
        let pie = bus_factor(&rows, &controls, d("2025-01-01"));
        assert_eq!(pie.categories, ["carol", "alice", "Other"]);
        assert_eq!(pie.series[0].values, [3, 2, 3]);
        // Everyone fits in the top 10: no "Other" slice.
        let all = bus_factor(&rows, &monthly(&[], ChartId::BusFactor), d("2025-01-01"));
        assert_eq!(all.categories, ["carol", "alice", "bob", "dan"]);
        assert_eq!(all.series[0].values, [3, 2, 2, 2]);
    }

    #[test]
    fn the_lottery_factor_per_calendar_window_with_the_last_one_partial() {
        // Windows of 2 months every 2 months, threshold 50 %. Jan-Feb: commits 3 by 1, 1 by
        // 2, 1 by 3 (5 in all: contributor 1 alone covers 60 %, so 1). Mar-Apr: commits 1 by
        // each of 1, 2 (2 in all: 1 covers exactly 50 %, so 1) and issues opened 1 each by 4,
        // 5, 6 (3 in all: one covers 33 %, two 67 %, so 2). Today is Apr 10: Mar-Apr ends
        // after it, so it is partial.
        let mut spec = vec![];
        for (who, time, kind) in [
            (1, "2024-01-01 00:00:00", action::COMMIT),
            (1, "2024-01-20 00:00:00", action::COMMIT),
            (1, "2024-02-29 23:59:59", action::COMMIT),
            (2, "2024-02-01 00:00:00", action::COMMIT),
            (3, "2024-02-02 00:00:00", action::COMMIT),
            (1, "2024-03-01 00:00:00", action::COMMIT),
            (2, "2024-04-01 00:00:00", action::COMMIT),
            (4, "2024-03-02 00:00:00", action::ISSUE_OPENED),
            (5, "2024-03-03 00:00:00", action::ISSUE_OPENED),
            (6, "2024-03-04 00:00:00", action::ISSUE_OPENED),
        ] {
            spec.push(with_kinds(actions(&[(10, who, time, false)]), &[kind]).remove(0));
        }
        let controls = monthly(&[("window_months", "2"), ("step_months", "2")], ChartId::LotteryFactor);
        let out = lottery_factor(&spec, &controls, d("2024-04-10"));
        assert_eq!(out.categories, ["2024-01 to 2024-02", "2024-03 to 2024-04 (partial)"]);
        let series = |name: &str| out.series.iter().find(|s| s.name == name).unwrap().values.clone();
        assert_eq!(series("commit"), [1, 1]);
        assert_eq!(series("issue_opened"), [0, 2]);
        assert_eq!(series("pr_review"), [0, 0]);
        assert_eq!(out.series.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), LOTTERY_KINDS.map(|k| k.1));
        // 95 % needs all three January commit authors.
        let strict =
            monthly(&[("window_months", "2"), ("step_months", "2"), ("threshold_pct", "95")], ChartId::LotteryFactor);
        assert_eq!(lottery_factor(&spec, &strict, d("2025-01-01")).series[0].values, [3, 2]);
        // PR comments and reviews each land in their own series (8Knot swaps the two).
        let mut talk = with_kinds(actions(&[(10, 7, "2024-01-05 00:00:00", false)]), &[action::PR_COMMENT]);
        talk.extend(with_kinds(actions(&[(10, 8, "2024-01-06 00:00:00", false)]), &[action::PR_COMMENT]));
        talk.extend(with_kinds(actions(&[(10, 9, "2024-01-07 00:00:00", false)]), &[action::PR_REVIEW]));
        let out = lottery_factor(&talk, &controls, d("2025-01-01"));
        let series = |name: &str| out.series.iter().find(|s| s.name == name).unwrap().values.clone();
        assert_eq!((series("pr_comment"), series("pr_review")), (vec![1], vec![1]));
        let strict =
            monthly(&[("window_months", "2"), ("step_months", "2"), ("threshold_pct", "95")], ChartId::LotteryFactor);
        let out = lottery_factor(&talk, &strict, d("2025-01-01"));
        let series = |name: &str| out.series.iter().find(|s| s.name == name).unwrap().values.clone();
        assert_eq!((series("pr_comment"), series("pr_review")), (vec![2], vec![1]));
        // Overlapping windows: 2 months every month gives Jan-Feb, Feb-Mar, Mar-Apr, Apr-May.
        let overlapping = monthly(&[("window_months", "2"), ("step_months", "1")], ChartId::LotteryFactor);
        assert_eq!(lottery_factor(&spec, &overlapping, d("2025-01-01")).categories.len(), 4);
    }

    #[test]
    fn velocity_weighs_each_repos_actions_and_counts_its_people() {
        // Repo 10: 2 commits (one by an unresolved author), a PR merged (0.7) and 2 issues
        // opened (0.3 each): y 1.3, 2 contributors. Repo 11: only a closed PR (0.2), 1
        // contributor; no commit counts as 0. Repo 12's one action is a bot's: hidden.
        let rows = with_kinds(
            actions(&[
                (10, 1, "2024-01-01 00:00:00", false),
                (10, 0, "2024-01-02 00:00:00", false),
                (10, 2, "2024-01-03 00:00:00", false),
                (10, 1, "2024-01-04 00:00:00", false),
                (10, 2, "2024-01-05 00:00:00", false),
                (11, 3, "2024-01-06 00:00:00", false),
                (12, 9, "2024-01-07 00:00:00", true),
            ]),
            &[
                action::COMMIT,
                action::COMMIT,
                action::PR_MERGED,
                action::ISSUE_OPENED,
                action::ISSUE_OPENED,
                action::PR_CLOSED,
                action::COMMIT,
            ],
        );
        let velocity = project_velocity(&rows, &monthly(&[], ChartId::ProjectVelocity), d("2025-01-01"));
        let got: Vec<(i64, f64, f64, f64)> = velocity.points.iter().map(|p| (p.id, p.x, p.y, p.size)).collect();
        assert_eq!(got, [(10, 2.0, 1.3, 2.0), (11, 0.0, 0.2, 1.0)]);
        assert!(!velocity.log_y);
        // Other weights, a log axis, and PR merges weighed at 1.
        let controls = monthly(
            &[("weight_pr_merged", "1"), ("weight_issue_opened", "0"), ("view", "log")],
            ChartId::ProjectVelocity,
        );
        let velocity = project_velocity(&rows, &controls, d("2025-01-01"));
        assert_eq!(velocity.points[0].y, 1.0);
        assert!(velocity.log_y);
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

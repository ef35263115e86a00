//! How much of the work rests on a few people: the top contributors of one kind of action
//! (the bus factor), and over time the fewest contributors covering a share of it (the
//! lottery factor). Unresolved contributors count for nobody.

use std::collections::HashMap;

use charts::{Categories, ChartControls, ChartId, Interval, Series};
use chrono::{Datelike, Months, NaiveDate};

use super::{
    contributors::{chosen_actions, KINDS},
    draw,
    grid::{date_of, start_of},
    in_range, shown, Transform,
};
use crate::augur::queries::{ActionRow, ContributorActions, TextId};

pub(super) fn transforms() -> Vec<Transform> {
    vec![
        draw(ContributorActions, ChartId::BusFactor, bus_factor),
        draw(ContributorActions, ChartId::LotteryFactor, lottery_factor),
    ]
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
    let named =
        ranked[..top].iter().map(|(_, n, login)| (if login.is_empty() { "(no login)" } else { login }, i64::from(*n)));
    let other: i64 = ranked[top..].iter().map(|r| i64::from(r.1)).sum();
    Categories::one_series("contributions", named, other)
}

/// The kinds the lottery factor follows, each its own series: every kind but merges and
/// closes of pull requests, which are a maintainer's, as 8Knot has it.
const LOTTERY_KINDS: &[(i32, &str)] = KINDS.split_at(7).0;

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
    let names = LOTTERY_KINDS.iter().map(|(_, name)| name.to_string()).collect::<Vec<_>>();
    let (Some(first), Some(last)) = (counted.first(), counted.last()) else {
        let series = names.into_iter().map(|name| Series { name, values: Vec::new() }).collect();
        return Categories { categories: Vec::new(), series, note: String::new() };
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
        for (series, &(kind, _)) in values.iter_mut().zip(LOTTERY_KINDS) {
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
    Categories { categories, series, note: String::new() }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::augur::queries::action;
    use crate::viz::test_actions::{actions, controls_of, with_kinds};
    use crate::viz::test_time::d;

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
        let controls = controls_of(&[("top_k", "2"), ("to", "2024-05-01")], ChartId::BusFactor);
        let pie = bus_factor(&rows, &controls, d("2025-01-01"));
        assert_eq!(pie.categories, ["carol", "alice", "Other"]);
        assert_eq!(pie.series[0].values, [3, 2, 3]);
        // Everyone fits in the top 10: no "Other" slice.
        let all = bus_factor(&rows, &controls_of(&[], ChartId::BusFactor), d("2025-01-01"));
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
        let controls = controls_of(&[("window_months", "2"), ("step_months", "2")], ChartId::LotteryFactor);
        let out = lottery_factor(&spec, &controls, d("2024-04-10"));
        assert_eq!(out.categories, ["2024-01 to 2024-02", "2024-03 to 2024-04 (partial)"]);
        let series = |name: &str| out.series.iter().find(|s| s.name == name).unwrap().values.clone();
        assert_eq!(series("commit"), [1, 1]);
        assert_eq!(series("issue_opened"), [0, 2]);
        assert_eq!(series("pr_review"), [0, 0]);
        assert_eq!(
            out.series.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            LOTTERY_KINDS.iter().map(|k| k.1).collect::<Vec<_>>()
        );
        // 95 % needs all three January commit authors.
        let strict = controls_of(
            &[("window_months", "2"), ("step_months", "2"), ("threshold_pct", "95")],
            ChartId::LotteryFactor,
        );
        assert_eq!(lottery_factor(&spec, &strict, d("2025-01-01")).series[0].values, [3, 2]);
        // PR comments and reviews each land in their own series (8Knot swaps the two).
        let mut talk = with_kinds(actions(&[(10, 7, "2024-01-05 00:00:00", false)]), &[action::PR_COMMENT]);
        talk.extend(with_kinds(actions(&[(10, 8, "2024-01-06 00:00:00", false)]), &[action::PR_COMMENT]));
        talk.extend(with_kinds(actions(&[(10, 9, "2024-01-07 00:00:00", false)]), &[action::PR_REVIEW]));
        let out = lottery_factor(&talk, &controls, d("2025-01-01"));
        let series = |name: &str| out.series.iter().find(|s| s.name == name).unwrap().values.clone();
        assert_eq!((series("pr_comment"), series("pr_review")), (vec![1], vec![1]));
        let strict = controls_of(
            &[("window_months", "2"), ("step_months", "2"), ("threshold_pct", "95")],
            ChartId::LotteryFactor,
        );
        let out = lottery_factor(&talk, &strict, d("2025-01-01"));
        let series = |name: &str| out.series.iter().find(|s| s.name == name).unwrap().values.clone();
        assert_eq!((series("pr_comment"), series("pr_review")), (vec![2], vec![1]));
        // Overlapping windows: 2 months every month gives Jan-Feb, Feb-Mar, Mar-Apr, Apr-May.
        let overlapping = controls_of(&[("window_months", "2"), ("step_months", "1")], ChartId::LotteryFactor);
        assert_eq!(lottery_factor(&spec, &overlapping, d("2025-01-01")).categories.len(), 4);
    }
}

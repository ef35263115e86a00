//! Assignment of pull requests (review) and issues: how many open items have an assignee
//! at each period end (`status`), and how many assignments each frequent assignee gets
//! per period (`per_contributor`).

use std::collections::HashMap;

use charts::{ChartControls, ChartId, Series, TimeSeries};
use chrono::NaiveDate;

use super::{draw, grid::date_of, grid::PeriodGrid, in_range, items::by_item, shown, spans::Spans, Transform};
use crate::augur::queries::{AssignmentRow, IssueAssignments, PrAssignments, ASSIGNED, NO_TIME, UNASSIGNED};

pub(super) fn transforms() -> Vec<Transform> {
    vec![
        draw(PrAssignments, ChartId::PrReviewStatus, status),
        draw(PrAssignments, ChartId::PrReviewAssignment, per_contributor),
        draw(IssueAssignments, ChartId::IssueAssignmentStatus, status),
        draw(IssueAssignments, ChartId::IssueAssignment, per_contributor),
    ]
}

/// An assign or unassign event that counts: dated, naming an assignee, not a hidden bot.
fn counts(row: &AssignmentRow, controls: &ChartControls) -> bool {
    row.assigned_at != NO_TIME && !row.assignee.is_empty() && shown(controls, row.assignee_bot)
}

/// Open items at each period end, split by whether they have an assignee then.
fn status(rows: &[AssignmentRow], controls: &ChartControls, today: NaiveDate) -> TimeSeries {
    let mut open = Spans::default();
    let mut assigned = Spans::default();
    let mut first_created: Option<i64> = None;
    let mut assignees: Vec<&str> = Vec::new();
    for group in by_item(rows, |r| (r.repo_id, r.item), |r| r.assigned_at).groups() {
        let (created, closed) = (group[0].created, group[0].closed);
        if created == NO_TIME {
            continue;
        }
        let closed = if closed == NO_TIME { i64::MAX } else { closed };
        first_created = Some(first_created.map_or(created, |f| f.min(created)));
        open.push(created, closed);

        // The item is assigned at t when the events before t leave someone assigned: for
        // t in (the event time the set fills, the event time it empties].
        let events: Vec<&AssignmentRow> = group
            .iter()
            .copied()
            .filter(|r| (r.action == ASSIGNED || r.action == UNASSIGNED) && counts(r, controls))
            .collect();
        assignees.clear();
        let mut since = None;
        // Events of one instant apply together: a hand-over at one second is no gap.
        for same_time in events.chunk_by(|a, b| a.assigned_at == b.assigned_at) {
            for event in same_time {
                let held = assignees.iter().position(|a| *a == event.assignee);
                match (event.action, held) {
                    (ASSIGNED, None) => assignees.push(&event.assignee),
                    (UNASSIGNED, Some(i)) => {
                        assignees.swap_remove(i);
                    }
                    _ => {}
                }
            }
            let time = same_time[0].assigned_at;
            match (since, assignees.is_empty()) {
                (None, false) => since = Some(time),
                (Some(from), true) => {
                    assigned.push(created.max(from), closed.min(time));
                    since = None;
                }
                _ => {}
            }
        }
        if let Some(from) = since {
            assigned.push(created.max(from), closed);
        }
    }

    let grid = PeriodGrid::to_today(controls.interval, first_created, today);
    let open = open.counts_at(&grid.ends);
    let assigned = assigned.counts_at(&grid.ends);
    let unassigned = open.iter().zip(&assigned).map(|(o, a)| o - a).collect();
    grid.series([("assigned", assigned), ("unassigned", unassigned)])
}

/// How many contributors the per-contributor charts name; the rest are one "Other" series,
/// so a big org's chart stays readable (and its page small).
const NAMED_CONTRIBUTORS: usize = 8;

/// Assignments per period of each contributor assigned at least `assignments_required`
/// times within the date range, most assigned first: the first [`NAMED_CONTRIBUTORS`] by
/// name, the others summed as "Other". Periods run to today, as the selection's other
/// charts do.
fn per_contributor(rows: &[AssignmentRow], controls: &ChartControls, today: NaiveDate) -> TimeSeries {
    let events: Vec<(&str, i64)> = rows
        .iter()
        .filter(|r| r.action == ASSIGNED && counts(r, controls))
        .map(|r| (r.assignee.as_str(), r.assigned_at))
        .collect();
    let (Some(first), Some(last)) = (events.iter().map(|e| e.1).min(), events.iter().map(|e| e.1).max()) else {
        return TimeSeries::default();
    };
    let grid = PeriodGrid::between(controls.interval, date_of(first), date_of(last).max(today), today);

    // The threshold (and the order) go by the assignments in the date range, the ones
    // the chart shows; the series themselves cover every period.
    let mut totals: HashMap<&str, u32> = HashMap::new();
    for (login, at) in &events {
        if in_range(controls, *at) {
            *totals.entry(login).or_default() += 1;
        }
    }
    let mut chosen: Vec<(&str, u32)> =
        totals.into_iter().filter(|(_, total)| *total >= controls.assignments_required).collect();
    chosen.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));

    // Everyone past the named ones shares the last slot, "Other".
    let slot: HashMap<&str, usize> =
        chosen.iter().enumerate().map(|(i, (login, _))| (*login, i.min(NAMED_CONTRIBUTORS))).collect();
    let slots = chosen.len().min(NAMED_CONTRIBUTORS + 1);
    let mut values = vec![vec![0; grid.periods.len()]; slots];
    for (login, at) in &events {
        if let (Some(&s), Some(period)) = (slot.get(login), grid.period_of(*at)) {
            values[s][period] += 1;
        }
    }
    let names = chosen.iter().map(|(login, _)| (*login).to_owned());
    let names: Vec<String> = if chosen.len() > NAMED_CONTRIBUTORS + 1 {
        names.take(NAMED_CONTRIBUTORS).chain(std::iter::once(charts::Categories::OTHER.to_owned())).collect()
    } else {
        names.collect()
    };
    let series = names.into_iter().zip(values).map(|(name, values)| Series { name, values }).collect();
    TimeSeries { periods: grid.periods, series }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viz::test_time::{at, d};
    use charts::Interval;

    /// One row per event: (item, created, closed, assigned_at, action, assignee, assignee_bot).
    type Row = (i64, i64, i64, i64, i64, &'static str, i64);

    fn frame(rows: &[Row]) -> Vec<AssignmentRow> {
        rows.iter()
            .map(|&(item, created, closed, assigned_at, action, assignee, bot)| AssignmentRow {
                repo_id: 7,
                item,
                created,
                closed,
                assigned_at,
                action: action as i32,
                assignee: assignee.to_owned(),
                assignee_bot: bot == 1,
            })
            .collect()
    }

    fn daily(hide_bots: bool) -> ChartControls {
        ChartControls { interval: Interval::Day, hide_bots, ..ChartControls::default() }
    }

    fn values<'a>(series: &'a TimeSeries, name: &str) -> &'a [i64] {
        &series.series.iter().find(|s| s.name == name).unwrap().values
    }

    fn names(series: &TimeSeries) -> Vec<&str> {
        series.series.iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    fn assign_unassign_reassign_follows_each_step() {
        let c = at("2024-01-01 00:00:00");
        let f = frame(&[
            (1, c, NO_TIME, at("2024-01-02 10:00:00"), 1, "alice", 0),
            (1, c, NO_TIME, at("2024-01-03 10:00:00"), -1, "alice", 0),
            (1, c, NO_TIME, at("2024-01-05 10:00:00"), 1, "alice", 0),
        ]);
        let out = status(&f, &daily(true), d("2024-01-06"));
        // Ends Jan 2..Jan 7 at 00:00: assigned from Jan 2 10:00 to Jan 3 10:00, then from
        // Jan 5 10:00 on.
        assert_eq!(out.periods.len(), 6);
        assert_eq!(values(&out, "assigned"), [0, 1, 0, 0, 1, 1]);
        assert_eq!(values(&out, "unassigned"), [1, 0, 1, 1, 0, 0]);
    }

    #[test]
    fn an_item_stays_assigned_while_anyone_is() {
        let c = at("2024-01-01 00:00:00");
        let f = frame(&[
            (2, c, NO_TIME, at("2024-01-02 10:00:00"), 1, "alice", 0),
            (2, c, NO_TIME, at("2024-01-02 11:00:00"), 1, "bob", 0),
            (2, c, NO_TIME, at("2024-01-03 10:00:00"), -1, "bob", 0),
            (2, c, NO_TIME, at("2024-01-03 11:00:00"), 1, "alice", 0), // already assigned
            (2, c, NO_TIME, at("2024-01-04 10:00:00"), -1, "alice", 0),
        ]);
        let out = status(&f, &daily(true), d("2024-01-05"));
        // t = Jan 2: nobody; Jan 3: {alice, bob}; Jan 4: {alice}; Jan 5, Jan 6: nobody
        // (alice's second assignment did not count twice).
        assert_eq!(values(&out, "assigned"), [0, 1, 1, 0, 0]);
        assert_eq!(values(&out, "unassigned"), [1, 0, 0, 1, 1]);
    }

    #[test]
    fn closing_at_a_period_end_still_counts_and_never_assigned_is_unassigned() {
        let f = frame(&[
            // Closed exactly at the end of Jan 2; never assigned.
            (3, at("2024-01-01 00:00:00"), at("2024-01-03 00:00:00"), NO_TIME, 0, "", 0),
            // Open from Jan 1 12:00 to Jan 2 12:00, assigned at 13:00 on Jan 1.
            (4, at("2024-01-01 12:00:00"), at("2024-01-02 12:00:00"), at("2024-01-01 13:00:00"), 1, "alice", 0),
        ]);
        let out = status(&f, &daily(true), d("2024-01-03"));
        // t = Jan 2: both open, 4 assigned; t = Jan 3: only 3 (closed at t); t = Jan 4: none.
        assert_eq!(out.periods, vec![d("2024-01-01"), d("2024-01-02"), d("2024-01-03")]);
        assert_eq!(values(&out, "assigned"), [1, 0, 0]);
        assert_eq!(values(&out, "unassigned"), [1, 1, 0]);
    }

    #[test]
    fn bot_assignees_count_only_when_bots_are_shown() {
        let f = frame(&[(5, at("2024-01-01 00:00:00"), NO_TIME, at("2024-01-01 06:00:00"), 1, "helper[bot]", 1)]);
        // One period, read at Jan 2 00:00.
        let hidden = status(&f, &daily(true), d("2024-01-01"));
        assert_eq!((values(&hidden, "assigned"), values(&hidden, "unassigned")), (&[0][..], &[1][..]));
        let shown = status(&f, &daily(false), d("2024-01-01"));
        assert_eq!((values(&shown, "assigned"), values(&shown, "unassigned")), (&[1][..], &[0][..]));
    }

    /// `n` assignments to `login` at `time`.
    fn assignments(login: &'static str, bot: i64, time: &str, action: i64, n: usize) -> Vec<Row> {
        vec![(9, at("2023-12-01 00:00:00"), NO_TIME, at(time), action, login, bot); n]
    }

    fn contributors_frame() -> Vec<AssignmentRow> {
        let rows: Vec<Row> = [
            // alice: 3 in February, plus one at 23:30 UTC on Jan 31 (January, out of range).
            assignments("alice", 0, "2024-01-31 23:30:00", 1, 1),
            assignments("alice", 0, "2024-02-01 00:00:00", 1, 1),
            assignments("alice", 0, "2024-02-10 00:00:00", 1, 1),
            assignments("alice", 0, "2024-02-29 23:59:00", 1, 1),
            // bob: 2 in February (one short), 5 in March.
            assignments("bob", 0, "2024-02-15 00:00:00", 1, 2),
            assignments("bob", 0, "2024-03-15 00:00:00", 1, 5),
            // carol: only unassignments, in April: neither counted nor in the grid.
            assignments("carol", 0, "2024-04-02 00:00:00", -1, 5),
            assignments("dave", 0, "2024-02-20 00:00:00", 1, 4),
            assignments("erin", 0, "2024-02-21 00:00:00", 1, 3),
            assignments("bot[bot]", 1, "2024-02-22 00:00:00", 1, 5),
            assignments("", 0, "2024-02-23 00:00:00", 1, 5),
        ]
        .concat();
        frame(&rows)
    }

    #[test]
    fn per_contributor_keeps_those_at_the_threshold_in_the_range() {
        let controls = ChartControls {
            interval: Interval::Month,
            from: Some(d("2024-02-01")),
            to: Some(d("2024-02-29")),
            assignments_required: 3,
            ..ChartControls::default()
        };
        let out = per_contributor(&contributors_frame(), &controls, d("2024-03-20"));
        // Grid: January (alice's Jan 31 23:30 UTC) to March (bob, and today). In range: dave 4,
        // alice 3, erin 3, bob 2 (out), the bot hidden.
        assert_eq!(out.periods, vec![d("2024-01-01"), d("2024-02-01"), d("2024-03-01")]);
        assert_eq!(names(&out), ["dave", "alice", "erin"]);
        assert_eq!(values(&out, "dave"), [0, 4, 0]);
        assert_eq!(values(&out, "alice"), [1, 3, 0]);
        assert_eq!(values(&out, "erin"), [0, 3, 0]);

        // All time, bots shown: bob 7, then the bot 5, alice 4, dave 4, erin 3.
        let all = ChartControls { from: None, to: None, hide_bots: false, ..controls };
        let out = per_contributor(&contributors_frame(), &all, d("2024-03-20"));
        assert_eq!(names(&out), ["bob", "bot[bot]", "alice", "dave", "erin"]);
        assert_eq!(values(&out, "bob"), [0, 2, 5]);
        assert_eq!(values(&out, "bot[bot]"), [0, 5, 0]);
    }

    #[test]
    fn past_the_named_contributors_the_rest_are_one_other_series_and_periods_run_to_today() {
        // Twelve contributors, the k-th assigned 20 - k times in January 2024.
        let mut rows = Vec::new();
        let logins: Vec<String> = (0..12).map(|k| format!("user{k:02}")).collect();
        for (k, login) in logins.iter().enumerate() {
            let login: &'static str = Box::leak(login.clone().into_boxed_str());
            rows.extend(assignments(login, 0, "2024-01-10 10:00:00", i64::from(ASSIGNED), 20 - k));
        }
        let controls = ChartControls { interval: Interval::Month, assignments_required: 1, ..ChartControls::default() };
        let out = per_contributor(&frame(&rows), &controls, d("2024-03-15"));
        assert_eq!(
            names(&out),
            ["user00", "user01", "user02", "user03", "user04", "user05", "user06", "user07", "Other"]
        );
        // The four after the eighth: 12 + 11 + 10 + 9 assignments.
        assert_eq!(values(&out, "Other"), [42, 0, 0]);
        assert_eq!(out.periods, vec![d("2024-01-01"), d("2024-02-01"), d("2024-03-01")]);
        // Nine contributors fit: no "Other".
        let nine: Vec<Row> = rows.iter().filter(|r| r.5 <= "user08").cloned().collect();
        assert_eq!(per_contributor(&frame(&nine), &controls, d("2024-03-15")).series.len(), 9);
    }

    #[test]
    fn an_empty_frame_gives_empty_periods() {
        let out = status(&frame(&[]), &ChartControls::default(), d("2024-01-01"));
        assert!(out.periods.is_empty());
        assert_eq!(names(&out), ["assigned", "unassigned"]);
        assert!(out.series.iter().all(|s| s.values.is_empty()));
        let out = per_contributor(&frame(&[]), &ChartControls::default(), d("2030-01-01"));
        assert!(out.periods.is_empty() && out.series.is_empty());
    }

    #[test]
    fn the_sweep_agrees_with_replaying_each_item_at_each_period_end() {
        let mut seed = 777u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) % n) as i64
        };
        let logins = ["alice", "bob", "carol", "bot[bot]"];
        let base = at("2024-01-01 00:00:00");
        let hour = 3600;
        let mut rows: Vec<Row> = Vec::new();
        for item in 0..40 {
            let created = base + next(40 * 24) * hour;
            let closed = if next(3) == 0 { NO_TIME } else { created + next(20 * 24) * hour };
            rows.push((item, created, closed, NO_TIME, 0, "", 0));
            for _ in 0..next(8) {
                let login = logins[next(4) as usize];
                let action = if next(2) == 0 { 1 } else { -1 };
                rows.push((
                    item,
                    created,
                    closed,
                    created + next(15 * 24) * hour,
                    action,
                    login,
                    i64::from(login == "bot[bot]"),
                ));
            }
        }
        let today = d("2024-03-01");
        for hide_bots in [true, false] {
            let out = status(&frame(&rows), &daily(hide_bots), today);
            for (i, period) in out.periods.iter().enumerate() {
                // A day is read at the next midnight (the grid never passes today).
                let t = period.succ_opt().unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
                let (mut assigned, mut unassigned) = (0, 0);
                for item in 0..40 {
                    let mut own: Vec<&Row> = rows.iter().filter(|r| r.0 == item).collect();
                    let (created, closed) = (own[0].1, own[0].2);
                    if !(created < t && (closed == NO_TIME || closed >= t)) {
                        continue;
                    }
                    own.sort_by_key(|r| r.3);
                    let mut set: Vec<&str> = Vec::new();
                    for r in own.iter().filter(|r| r.3 != NO_TIME && r.3 < t && !(hide_bots && r.6 == 1)) {
                        set.retain(|l| *l != r.5);
                        if r.4 == 1 {
                            set.push(r.5);
                        }
                    }
                    if set.is_empty() {
                        unassigned += 1;
                    } else {
                        assigned += 1;
                    }
                }
                assert_eq!(
                    (values(&out, "assigned")[i], values(&out, "unassigned")[i]),
                    (assigned, unassigned),
                    "{period}"
                );
            }
            assert!(out.periods.len() > 50);
            assert!(
                values(&out, "assigned").iter().any(|v| *v > 0) && values(&out, "unassigned").iter().any(|v| *v > 0)
            );
        }
    }
}

//! Assignment of pull requests (review) and issues: how many open items have an assignee
//! at each period end (`status`), and how many assignments each frequent assignee gets
//! per period (`per_contributor`).

use std::collections::HashMap;

use charts::{ChartControls, Series, TimeSeries};
use chrono::NaiveDate;

use super::{column, date_of, period_end, period_grid, spans::Spans, text_column, MissingColumn};
use crate::{codec::Frame, queries::NO_TIME, Query};

const ASSIGNED: i64 = 1;
const UNASSIGNED: i64 = -1;

/// Open items at each period end, split by whether they have an assignee then.
pub(super) fn status(
    frame: &Frame,
    query: Query,
    controls: &ChartControls,
    today: NaiveDate,
) -> Result<TimeSeries, MissingColumn> {
    let repo = column(frame, query, "repo_id")?;
    let item = column(frame, query, "item")?;
    let created = column(frame, query, "created")?;
    let closed = column(frame, query, "closed")?;
    let assigned_at = column(frame, query, "assigned_at")?;
    let action = column(frame, query, "action")?;
    let assignee = text_column(frame, query, "assignee")?;
    let assignee_bot = column(frame, query, "assignee_bot")?;

    // One sort puts each item's events together in time order; it is stable, so events
    // of the same second keep the order the query gave them.
    let mut rows: Vec<usize> = (0..frame.len()).collect();
    rows.sort_by_key(|&r| (repo[r], item[r], assigned_at[r]));

    let mut open = Spans::default();
    let mut assigned = Spans::default();
    let mut first_created: Option<i64> = None;
    let mut assignees: Vec<&str> = Vec::new();
    for group in rows.chunk_by(|&a, &b| (repo[a], item[a]) == (repo[b], item[b])) {
        let (created, closed) = (created[group[0]], closed[group[0]]);
        if created == NO_TIME {
            continue;
        }
        let closed = if closed == NO_TIME { i64::MAX } else { closed };
        first_created = Some(first_created.map_or(created, |f| f.min(created)));
        open.push(created, closed);

        // The item is assigned at t when the events before t leave someone assigned: for
        // t in (the event time the set fills, the event time it empties].
        let events = group.iter().copied().filter(|&r| {
            assigned_at[r] != NO_TIME
                && (action[r] == ASSIGNED || action[r] == UNASSIGNED)
                && !assignee[r].is_empty()
                && !(controls.hide_bots && assignee_bot[r] == 1)
        });
        let events: Vec<usize> = events.collect();
        assignees.clear();
        let mut since = None;
        // Events of one instant apply together: a hand-over at one second is no gap.
        for same_time in events.chunk_by(|&a, &b| assigned_at[a] == assigned_at[b]) {
            for &r in same_time {
                let login = assignee[r].as_str();
                let held = assignees.iter().position(|a| *a == login);
                match (action[r], held) {
                    (ASSIGNED, None) => assignees.push(login),
                    (UNASSIGNED, Some(i)) => {
                        assignees.swap_remove(i);
                    }
                    _ => {}
                }
            }
            let time = assigned_at[same_time[0]];
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

    let periods = first_created.map_or_else(Vec::new, |first| period_grid(controls.interval, date_of(first), today));
    let ends: Vec<i64> = periods.iter().map(|p| period_end(controls.interval, *p, today)).collect();
    let open = open.counts_at(&ends);
    let assigned = assigned.counts_at(&ends);
    let unassigned = open.iter().zip(&assigned).map(|(o, a)| o - a).collect();
    Ok(TimeSeries {
        periods,
        series: vec![
            Series { name: "assigned".to_owned(), values: assigned },
            Series { name: "unassigned".to_owned(), values: unassigned },
        ],
    })
}

/// Assignments per period of each contributor assigned at least `assignments_required`
/// times within the date range, most assigned first.
pub(super) fn per_contributor(
    frame: &Frame,
    query: Query,
    controls: &ChartControls,
) -> Result<TimeSeries, MissingColumn> {
    let assigned_at = column(frame, query, "assigned_at")?;
    let action = column(frame, query, "action")?;
    let assignee = text_column(frame, query, "assignee")?;
    let assignee_bot = column(frame, query, "assignee_bot")?;

    let events: Vec<(&str, NaiveDate)> = (0..frame.len())
        .filter(|&r| {
            action[r] == ASSIGNED
                && assigned_at[r] != NO_TIME
                && !assignee[r].is_empty()
                && !(controls.hide_bots && assignee_bot[r] == 1)
        })
        .map(|r| (assignee[r].as_str(), date_of(assigned_at[r])))
        .collect();
    let (Some(first), Some(last)) = (events.iter().map(|e| e.1).min(), events.iter().map(|e| e.1).max()) else {
        return Ok(TimeSeries::default());
    };
    let periods = period_grid(controls.interval, first, last);

    // The threshold (and the order) go by the assignments in the date range, the ones
    // the chart shows; the series themselves cover every period.
    let in_range =
        |date: &NaiveDate| controls.from.is_none_or(|from| *date >= from) && controls.to.is_none_or(|to| *date <= to);
    let mut totals: HashMap<&str, u32> = HashMap::new();
    for (login, date) in &events {
        if in_range(date) {
            *totals.entry(login).or_default() += 1;
        }
    }
    let mut chosen: Vec<(&str, u32)> =
        totals.into_iter().filter(|(_, total)| *total >= controls.assignments_required).collect();
    chosen.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));

    let slot: HashMap<&str, usize> = chosen.iter().enumerate().map(|(i, (login, _))| (*login, i)).collect();
    let mut values = vec![vec![0; periods.len()]; chosen.len()];
    for (login, date) in &events {
        if let Some(&s) = slot.get(login) {
            let period = controls.interval.period_start(*date);
            let index = periods.binary_search(&period).expect("the grid holds every event's period");
            values[s][index] += 1;
        }
    }
    let series =
        chosen.into_iter().zip(values).map(|((login, _), values)| Series { name: login.to_owned(), values }).collect();
    Ok(TimeSeries { periods, series })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Column;
    use crate::viz::test_time::{at, d};
    use charts::Interval;

    /// One row per event: (item, created, closed, assigned_at, action, assignee, assignee_bot).
    type Row = (i64, i64, i64, i64, i64, &'static str, i64);

    fn frame(rows: &[Row]) -> Frame {
        let col = |f: fn(&Row) -> i64| Column::I64(rows.iter().map(f).collect());
        Frame::new()
            .with_column("repo_id", Column::I64(vec![7; rows.len()]))
            .with_column("item", col(|r| r.0))
            .with_column("created", col(|r| r.1))
            .with_column("closed", col(|r| r.2))
            .with_column("assigned_at", col(|r| r.3))
            .with_column("action", col(|r| r.4))
            .with_column("assignee", Column::Str(rows.iter().map(|r| r.5.to_owned()).collect()))
            .with_column("assignee_bot", col(|r| r.6))
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
        let out = status(&f, Query::IssueAssignments, &daily(true), d("2024-01-06")).unwrap();
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
        let out = status(&f, Query::PrAssignments, &daily(true), d("2024-01-05")).unwrap();
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
        let out = status(&f, Query::IssueAssignments, &daily(true), d("2024-01-03")).unwrap();
        // t = Jan 2: both open, 4 assigned; t = Jan 3: only 3 (closed at t); t = Jan 4: none.
        assert_eq!(out.periods, vec![d("2024-01-01"), d("2024-01-02"), d("2024-01-03")]);
        assert_eq!(values(&out, "assigned"), [1, 0, 0]);
        assert_eq!(values(&out, "unassigned"), [1, 1, 0]);
    }

    #[test]
    fn bot_assignees_count_only_when_bots_are_shown() {
        let f = frame(&[(5, at("2024-01-01 00:00:00"), NO_TIME, at("2024-01-01 06:00:00"), 1, "helper[bot]", 1)]);
        // One period, read at Jan 2 00:00.
        let hidden = status(&f, Query::PrAssignments, &daily(true), d("2024-01-01")).unwrap();
        assert_eq!((values(&hidden, "assigned"), values(&hidden, "unassigned")), (&[0][..], &[1][..]));
        let shown = status(&f, Query::PrAssignments, &daily(false), d("2024-01-01")).unwrap();
        assert_eq!((values(&shown, "assigned"), values(&shown, "unassigned")), (&[1][..], &[0][..]));
    }

    /// `n` assignments to `login` at `time`.
    fn assignments(login: &'static str, bot: i64, time: &str, action: i64, n: usize) -> Vec<Row> {
        vec![(9, at("2023-12-01 00:00:00"), NO_TIME, at(time), action, login, bot); n]
    }

    fn contributors_frame() -> Frame {
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
        let out = per_contributor(&contributors_frame(), Query::IssueAssignments, &controls).unwrap();
        // Grid: January (alice's Jan 31 23:30 UTC) to March (bob). In range: dave 4,
        // alice 3, erin 3, bob 2 (out), the bot hidden.
        assert_eq!(out.periods, vec![d("2024-01-01"), d("2024-02-01"), d("2024-03-01")]);
        assert_eq!(names(&out), ["dave", "alice", "erin"]);
        assert_eq!(values(&out, "dave"), [0, 4, 0]);
        assert_eq!(values(&out, "alice"), [1, 3, 0]);
        assert_eq!(values(&out, "erin"), [0, 3, 0]);

        // All time, bots shown: bob 7, then the bot 5, alice 4, dave 4, erin 3.
        let all = ChartControls { from: None, to: None, hide_bots: false, ..controls };
        let out = per_contributor(&contributors_frame(), Query::IssueAssignments, &all).unwrap();
        assert_eq!(names(&out), ["bob", "bot[bot]", "alice", "dave", "erin"]);
        assert_eq!(values(&out, "bob"), [0, 2, 5]);
        assert_eq!(values(&out, "bot[bot]"), [0, 5, 0]);
    }

    #[test]
    fn a_missing_column_is_an_error() {
        let f = Frame::new()
            .with_column("assigned_at", Column::I64(vec![1]))
            .with_column("action", Column::I64(vec![1]))
            .with_column("assignee_bot", Column::I64(vec![0]));
        let err = per_contributor(&f, Query::PrAssignments, &ChartControls::default()).unwrap_err();
        assert!(err.to_string().ends_with("column assignee"), "{err}");
        let err = status(&f, Query::IssueAssignments, &ChartControls::default(), d("2024-01-01")).unwrap_err();
        assert!(err.to_string().contains("issue_assignments"), "{err}");
    }

    #[test]
    fn an_empty_frame_gives_empty_periods() {
        let out = status(&frame(&[]), Query::PrAssignments, &ChartControls::default(), d("2024-01-01")).unwrap();
        assert!(out.periods.is_empty());
        assert_eq!(names(&out), ["assigned", "unassigned"]);
        assert!(out.series.iter().all(|s| s.values.is_empty()));
        let out = per_contributor(&frame(&[]), Query::PrAssignments, &ChartControls::default()).unwrap();
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
            let out = status(&frame(&rows), Query::PrAssignments, &daily(hide_bots), today).unwrap();
            for (i, period) in out.periods.iter().enumerate() {
                let t = period_end(Interval::Day, *period, today);
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

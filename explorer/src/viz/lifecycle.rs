//! Pull requests and issues over their life: how many open, merge and close in each period,
//! how many are open at each period's end, and how old those open ones are.
//!
//! An item is open at instant `t` when it was created before `t` and not closed before `t`
//! (periods are half-open, so an item closed exactly at a period boundary belongs to the
//! next period and is still open at the end of this one). Counts come from sorted times and
//! binary search rather than a pass over the rows per period, so a daily chart over ten
//! years of a large project costs O((rows + periods) · log rows).

use charts::{ChartControls, ChartId, TimeSeries};
use chrono::NaiveDate;

use super::{draw, grid::PeriodGrid, shown, spans::Spans, Transform};
use crate::augur::queries::{IssueRow, Issues, PrRow, Prs, NO_TIME};

const DAY: i64 = 86_400;

pub(super) fn transforms() -> Vec<Transform> {
    vec![
        draw(Prs, ChartId::PrsOverTime, prs_over_time),
        draw(Prs, ChartId::PrStaleness, pr_staleness),
        draw(Issues, ChartId::IssuesOverTime, issues_over_time),
        draw(Issues, ChartId::IssueStaleness, issue_staleness),
    ]
}

/// Per period: PRs `opened`, `merged`, `closed` without a merge, and `open` at the period end.
fn prs_over_time(rows: &[PrRow], controls: &ChartControls, today: NaiveDate) -> TimeSeries {
    let items = pr_items(rows, controls);
    let grid = grid(controls, &items, today);
    let opened = grid.count(items.iter().map(|i| i.created));
    let merged = grid.count(items.iter().map(|i| i.merged).filter(|t| *t != NO_TIME));
    // Augur sets closed_at = merged_at on a merge: a merged PR is counted once, as merged.
    let closed = grid.count(items.iter().filter(|i| i.merged == NO_TIME).map(|i| i.closed).filter(|t| *t != NO_TIME));
    let open = open_at(&items, &grid.ends);
    grid.series([("opened", opened), ("merged", merged), ("closed", closed), ("open", open)])
}

/// Per period: issues `created`, `closed`, and `open` at the period end.
fn issues_over_time(rows: &[IssueRow], controls: &ChartControls, today: NaiveDate) -> TimeSeries {
    let items = issue_items(rows, controls);
    let grid = grid(controls, &items, today);
    let created = grid.count(items.iter().map(|i| i.created));
    let closed = grid.count(items.iter().map(|i| i.closed).filter(|t| *t != NO_TIME));
    let open = open_at(&items, &grid.ends);
    grid.series([("created", created), ("closed", closed), ("open", open)])
}

fn pr_staleness(rows: &[PrRow], controls: &ChartControls, today: NaiveDate) -> TimeSeries {
    staleness(&pr_items(rows, controls), controls, today)
}

fn issue_staleness(rows: &[IssueRow], controls: &ChartControls, today: NaiveDate) -> TimeSeries {
    staleness(&issue_items(rows, controls), controls, today)
}

/// Per period, the items open at its end by whole days since creation: `new` (younger
/// than `staling_days`), `staling`, and `stale` (at least `stale_days`).
fn staleness(items: &[Item], controls: &ChartControls, today: NaiveDate) -> TimeSeries {
    let grid = grid(controls, items, today);
    let staling_age = i64::from(controls.staling_days) * DAY;
    let stale_age = i64::from(controls.stale_days) * DAY;

    // Items in creation order; each closed one with its rank, in order of closing. Sweeping
    // the period ends in ascending order, a Fenwick tree over creation ranks holds the items
    // closed by then, so "open and created at or before x" is two prefix counts.
    let mut created: Vec<i64> = items.iter().map(|i| i.created).collect();
    let mut by_created: Vec<&Item> = items.iter().collect();
    by_created.sort_unstable_by_key(|i| i.created);
    created.sort_unstable();
    let mut closings: Vec<(i64, usize)> =
        by_created.iter().enumerate().filter_map(|(rank, i)| i.gone().map(|gone| (gone, rank))).collect();
    closings.sort_unstable();
    let mut closed_by_rank = Fenwick::new(created.len());
    let mut next_closing = 0;

    let periods = grid.ends.len();
    let (mut new, mut staling, mut stale) = (Vec::with_capacity(periods), Vec::new(), Vec::new());
    for &t in &grid.ends {
        while next_closing < closings.len() && closings[next_closing].0 < t {
            closed_by_rank.add(closings[next_closing].1);
            next_closing += 1;
        }
        // `gone >= created`, so every item counted as closed was created before `t`.
        let open_created_by = |x: i64| {
            let n = created.partition_point(|c| *c <= x);
            n as i64 - closed_by_rank.prefix(n)
        };
        // age = floor((t - created) / DAY) >= d  <=>  created <= t - d·DAY. Cuts never pass
        // t - 1 (open means created < t), and stale wins if the thresholds ever cross.
        let total = open_created_by(t - 1);
        let old = open_created_by((t - stale_age).min(t - 1));
        let aging = open_created_by((t - staling_age).min(t - 1)).max(old);
        new.push(total - aging);
        staling.push(aging - old);
        stale.push(old);
    }
    grid.series([("new", new), ("staling", staling), ("stale", stale)])
}

/// One PR or issue as the charts see it.
struct Item {
    created: i64,
    closed: i64,
    /// NO_TIME for issues.
    merged: i64,
}

impl Item {
    /// When the item stopped being open, if it did: the close (or, should a merged PR lack
    /// one, the merge), never before creation so that a bad close time cannot make an item
    /// count as closed before it existed.
    fn gone(&self) -> Option<i64> {
        let end = if self.closed != NO_TIME { self.closed } else { self.merged };
        (end != NO_TIME).then(|| end.max(self.created))
    }
}

/// The PRs to count: bot-authored ones dropped when the controls hide bots, and rows
/// without a creation time (which no period can hold) dropped.
fn pr_items(rows: &[PrRow], controls: &ChartControls) -> Vec<Item> {
    rows.iter()
        .filter(|r| r.created != NO_TIME && shown(controls, r.author_bot))
        .map(|r| Item { created: r.created, closed: r.closed, merged: r.merged })
        .collect()
}

/// The issues to count, as [`pr_items`] chooses PRs.
fn issue_items(rows: &[IssueRow], controls: &ChartControls) -> Vec<Item> {
    rows.iter()
        .filter(|r| r.created != NO_TIME && shown(controls, r.author_bot))
        .map(|r| Item { created: r.created, closed: r.closed, merged: NO_TIME })
        .collect()
}

/// The periods from the one holding the earliest creation to the one holding `today`.
fn grid(controls: &ChartControls, items: &[Item], today: NaiveDate) -> PeriodGrid {
    PeriodGrid::to_today(controls.interval, items.iter().map(|i| i.created).min(), today)
}

/// How many items are open at each instant of `ends`.
fn open_at(items: &[Item], ends: &[i64]) -> Vec<i64> {
    let mut open = Spans::default();
    for item in items {
        open.push(item.created, item.gone().unwrap_or(i64::MAX));
    }
    open.counts_at(ends)
}

/// Counts per position with prefix sums in O(log n).
struct Fenwick(Vec<i64>);

impl Fenwick {
    fn new(len: usize) -> Self {
        Fenwick(vec![0; len + 1])
    }

    fn add(&mut self, position: usize) {
        let mut i = position + 1;
        while i < self.0.len() {
            self.0[i] += 1;
            i += i & i.wrapping_neg();
        }
    }

    /// The count over positions `0..n`.
    fn prefix(&self, n: usize) -> i64 {
        let (mut i, mut sum) = (n, 0);
        while i > 0 {
            sum += self.0[i];
            i -= i & i.wrapping_neg();
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use charts::Interval;
    use chrono::{TimeZone, Utc};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Seconds since the epoch of a UTC time.
    fn at(y: i32, m: u32, day: u32, h: u32, min: u32, s: u32) -> i64 {
        Utc.with_ymd_and_hms(y, m, day, h, min, s).unwrap().timestamp()
    }

    /// PR rows as (created, closed, merged, author_bot).
    fn prs(rows: &[(i64, i64, i64, i64)]) -> Vec<PrRow> {
        let row = |(pr, &(created, closed, merged, bot)): (usize, &(i64, i64, i64, i64))| PrRow {
            repo_id: 1,
            pr: pr as i64,
            created,
            closed,
            merged,
            author_bot: bot == 1,
        };
        rows.iter().enumerate().map(row).collect()
    }

    /// Issue rows as (created, closed, author_bot).
    fn issues(rows: &[(i64, i64, i64)]) -> Vec<IssueRow> {
        let row = |(issue, &(created, closed, bot)): (usize, &(i64, i64, i64))| IssueRow {
            repo_id: 1,
            issue: issue as i64,
            created,
            closed,
            author_bot: bot == 1,
        };
        rows.iter().enumerate().map(row).collect()
    }

    fn controls(interval: Interval) -> ChartControls {
        ChartControls { interval, ..ChartControls::default() }
    }

    fn values(ts: &TimeSeries) -> Vec<(&str, Vec<i64>)> {
        ts.series.iter().map(|s| (s.name.as_str(), s.values.clone())).collect()
    }

    #[test]
    fn a_merged_pr_counts_as_merged_not_closed() {
        // A: created Jan 10, merged Feb 5 (closed_at = merged_at). B: created Jan 20,
        // closed Feb 10 unmerged. Today Mar 15: periods Jan, Feb, Mar.
        // opened: Jan 2. merged: Feb 1 (A). closed: Feb 1 (B only).
        // open at Feb 1 00:00: A and B; at Mar 1 and at the end of Mar 15: none.
        let merge = at(2024, 2, 5, 12, 0, 0);
        let frame = prs(&[
            (at(2024, 1, 10, 9, 0, 0), merge, merge, 0),
            (at(2024, 1, 20, 9, 0, 0), at(2024, 2, 10, 9, 0, 0), NO_TIME, 0),
        ]);
        let ts = prs_over_time(&frame, &controls(Interval::Month), d(2024, 3, 15));
        assert_eq!(ts.periods, vec![d(2024, 1, 1), d(2024, 2, 1), d(2024, 3, 1)]);
        assert_eq!(
            values(&ts),
            vec![
                ("opened", vec![2, 0, 0]),
                ("merged", vec![0, 1, 0]),
                ("closed", vec![0, 1, 0]),
                ("open", vec![2, 0, 0])
            ]
        );
    }

    #[test]
    fn an_item_closed_at_the_boundary_is_open_at_the_end_of_the_period_before() {
        // Weeks start Monday; 2024-01-01 is a Monday. Today Wed Jan 17: weeks Jan 1, 8, 15.
        // A: created Mon Jan 1, closed exactly Mon Jan 8 00:00 -> closed in week Jan 8.
        // B: created Wed Jan 3, never closed.
        // C: created Tue Jan 9, closed Thu Jan 11 -> closed in week Jan 8.
        // created: [2 (A, B), 1 (C), 0]; closed: [0, 2 (A, C), 0].
        // open at Jan 8 00:00: A (closed == t, still open) and B = 2; at Jan 15 00:00: B = 1;
        // at the end of Jan 17: B = 1.
        let frame = issues(&[
            (at(2024, 1, 1, 10, 0, 0), at(2024, 1, 8, 0, 0, 0), 0),
            (at(2024, 1, 3, 10, 0, 0), NO_TIME, 0),
            (at(2024, 1, 9, 10, 0, 0), at(2024, 1, 11, 12, 0, 0), 0),
        ]);
        let ts = issues_over_time(&frame, &controls(Interval::Week), d(2024, 1, 17));
        assert_eq!(ts.periods, vec![d(2024, 1, 1), d(2024, 1, 8), d(2024, 1, 15)]);
        assert_eq!(values(&ts), vec![("created", vec![2, 1, 0]), ("closed", vec![0, 2, 0]), ("open", vec![2, 1, 1])]);
    }

    #[test]
    fn the_current_period_is_read_at_the_end_of_today() {
        // Today Wed Jan 17 (week of Jan 15); its end is Jan 18 00:00.
        // A: created Jan 16, closed Jan 17 23:59:59 -> closed before the end of today.
        // B: created Jan 17 23:00 -> open at the end of today.
        // C: created Jan 16, closed Jan 18 00:00 (tomorrow) -> still open at the end of today.
        // open: B and C = 2. closed in the week: A, and C whose close tomorrow falls in the
        // same calendar week = 2.
        let frame = issues(&[
            (at(2024, 1, 16, 8, 0, 0), at(2024, 1, 17, 23, 59, 59), 0),
            (at(2024, 1, 17, 23, 0, 0), NO_TIME, 0),
            (at(2024, 1, 16, 8, 0, 0), at(2024, 1, 18, 0, 0, 0), 0),
        ]);
        let ts = issues_over_time(&frame, &controls(Interval::Week), d(2024, 1, 17));
        assert_eq!(ts.periods, vec![d(2024, 1, 15)]);
        assert_eq!(values(&ts), vec![("created", vec![3]), ("closed", vec![2]), ("open", vec![2])]);
    }

    #[test]
    fn periods_are_utc_calendar_periods() {
        // 23:30 UTC on Jan 31 is January; 00:30 UTC on Feb 1 is February. Today Feb 2.
        // open at Feb 1 00:00: the first only = 1; at the end of Feb 2: both = 2.
        let frame = issues(&[(at(2024, 1, 31, 23, 30, 0), NO_TIME, 0), (at(2024, 2, 1, 0, 30, 0), NO_TIME, 0)]);
        let ts = issues_over_time(&frame, &controls(Interval::Month), d(2024, 2, 2));
        assert_eq!(ts.periods, vec![d(2024, 1, 1), d(2024, 2, 1)]);
        assert_eq!(values(&ts), vec![("created", vec![1, 1]), ("closed", vec![0, 0]), ("open", vec![1, 2])]);
    }

    #[test]
    fn bots_are_left_out_only_when_hidden() {
        // A human PR open since Mar 4 and a bot PR merged Mar 5, both in March; today Mar 20.
        let merge = at(2024, 3, 5, 0, 0, 0);
        let frame = prs(&[(at(2024, 3, 4, 0, 0, 0), NO_TIME, NO_TIME, 0), (at(2024, 3, 1, 0, 0, 0), merge, merge, 1)]);
        let hidden = prs_over_time(&frame, &controls(Interval::Month), d(2024, 3, 20));
        // Hidden: the human PR only: opened 1, merged 0, closed 0, open 1.
        assert_eq!(
            values(&hidden),
            vec![("opened", vec![1]), ("merged", vec![0]), ("closed", vec![0]), ("open", vec![1])]
        );
        let shown =
            prs_over_time(&frame, &ChartControls { hide_bots: false, ..controls(Interval::Month) }, d(2024, 3, 20));
        // Shown: opened 2, merged 1 (the bot's), closed 0, open 1 (the human's).
        assert_eq!(
            values(&shown),
            vec![("opened", vec![2]), ("merged", vec![1]), ("closed", vec![0]), ("open", vec![1])]
        );

        // Staleness on the same frame at the end of Mar 20 (Mar 21 00:00): the human PR is
        // 17 days old (staling); the bot PR is merged, so it never shows either way.
        let stale = pr_staleness(&frame, &controls(Interval::Month), d(2024, 3, 20));
        assert_eq!(values(&stale), vec![("new", vec![0]), ("staling", vec![1]), ("stale", vec![0])]);
    }

    #[test]
    fn staleness_buckets_at_the_exact_thresholds() {
        // Defaults: staling at 7 days, stale at 30. Today Mar 15 2024, so March is read at
        // Mar 16 00:00 and February at Mar 1 00:00.
        // A: Mar 9 00:00          -> at Mar 16 exactly 7 days: staling.
        // B: Mar 9 00:00:01       -> 6 days 23:59:59, 6 whole days: new.
        // C: Feb 15 00:00         -> at Mar 1, 15 days (Feb 15..29): staling; at Mar 16,
        //                            15 + 15 = exactly 30 days: stale.
        // D: Feb 15 00:00:01      -> 29 whole days at Mar 16: staling; 14 at Mar 1: staling.
        // E: Feb 1, closed Mar 10 -> at Mar 1, 29 days: staling; closed by Mar 16.
        // F: Feb 28 12:00         -> at Mar 1, 0 days: new; at Mar 16, 16 days: staling.
        // February: new 1 (F), staling 3 (C, D, E), stale 0.
        // March: new 1 (B), staling 3 (A, D, F), stale 1 (C).
        let frame = issues(&[
            (at(2024, 3, 9, 0, 0, 0), NO_TIME, 0),
            (at(2024, 3, 9, 0, 0, 1), NO_TIME, 0),
            (at(2024, 2, 15, 0, 0, 0), NO_TIME, 0),
            (at(2024, 2, 15, 0, 0, 1), NO_TIME, 0),
            (at(2024, 2, 1, 0, 0, 0), at(2024, 3, 10, 0, 0, 0), 0),
            (at(2024, 2, 28, 12, 0, 0), NO_TIME, 0),
        ]);
        let ts = issue_staleness(&frame, &controls(Interval::Month), d(2024, 3, 15));
        assert_eq!(ts.periods, vec![d(2024, 2, 1), d(2024, 3, 1)]);
        assert_eq!(values(&ts), vec![("new", vec![1, 1]), ("staling", vec![3, 3]), ("stale", vec![0, 1])]);
    }

    #[test]
    fn staleness_by_week_with_custom_thresholds_and_bots() {
        // staling 2 days, stale 5. Weeks of Jan 1 and Jan 8 2024; today Wed Jan 10, read at
        // Jan 8 00:00 and Jan 11 00:00.
        // A: Jan 1 00:00, closed exactly Jan 8 00:00 -> open at Jan 8 (7 days: stale), gone by Jan 11.
        // B: Jan 6 00:00 -> 2 days at Jan 8: staling; 5 days at Jan 11: stale.
        // C: Jan 7 12:00 -> 0 days at Jan 8: new; 3 days at Jan 11: staling.
        // D: Jan 2, bot  -> left out (hide_bots).
        // Week Jan 1: new 1 (C), staling 1 (B), stale 1 (A). Week Jan 8: 0, 1 (C), 1 (B).
        let frame = issues(&[
            (at(2024, 1, 1, 0, 0, 0), at(2024, 1, 8, 0, 0, 0), 0),
            (at(2024, 1, 6, 0, 0, 0), NO_TIME, 0),
            (at(2024, 1, 7, 12, 0, 0), NO_TIME, 0),
            (at(2024, 1, 2, 0, 0, 0), NO_TIME, 1),
        ]);
        let weekly = ChartControls { staling_days: 2, stale_days: 5, ..controls(Interval::Week) };
        let ts = issue_staleness(&frame, &weekly, d(2024, 1, 10));
        assert_eq!(ts.periods, vec![d(2024, 1, 1), d(2024, 1, 8)]);
        assert_eq!(values(&ts), vec![("new", vec![1, 0]), ("staling", vec![1, 1]), ("stale", vec![1, 1])]);
        // With bots shown D (Jan 2: 6 days at Jan 8, 9 at Jan 11) is stale in both weeks.
        let shown = issue_staleness(&frame, &ChartControls { hide_bots: false, ..weekly }, d(2024, 1, 10));
        assert_eq!(values(&shown), vec![("new", vec![1, 0]), ("staling", vec![1, 1]), ("stale", vec![2, 2])]);
    }

    #[test]
    fn no_rows_give_named_empty_series() {
        let empty_prs = prs(&[]);
        let ts = prs_over_time(&empty_prs, &controls(Interval::Month), d(2024, 1, 1));
        assert!(ts.periods.is_empty());
        let empty = Vec::<i64>::new;
        assert_eq!(values(&ts), vec![("opened", empty()), ("merged", empty()), ("closed", empty()), ("open", empty())]);
        let ts = issues_over_time(&issues(&[]), &controls(Interval::Month), d(2024, 1, 1));
        assert_eq!(values(&ts), vec![("created", empty()), ("closed", empty()), ("open", empty())]);
        let ts = pr_staleness(&empty_prs, &controls(Interval::Week), d(2024, 1, 1));
        assert_eq!(values(&ts), vec![("new", empty()), ("staling", empty()), ("stale", empty())]);
        // Only bot rows, hidden: nothing left either.
        let bots = issues(&[(at(2024, 1, 1, 0, 0, 0), NO_TIME, 1)]);
        let ts = issues_over_time(&bots, &controls(Interval::Month), d(2024, 1, 1));
        assert!(ts.periods.is_empty());
        assert_eq!(ts.series.len(), 3);
    }

    #[test]
    fn sweeps_agree_with_a_direct_count_from_the_definition() {
        // Not expected numbers but a second, naive reading of the same definitions
        // (rows × periods), over pseudo-random items, to exercise the sorted sweeps.
        let today = d(2024, 6, 30);
        let base = at(2024, 1, 1, 0, 0, 0);
        let mut seed: u64 = 7;
        let mut next = |bound: i64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 33) as i64) % bound
        };
        let rows: Vec<(i64, i64, i64)> = (0..400)
            .map(|_| {
                let created = base + next(180 * DAY);
                let closed = if next(3) == 0 { NO_TIME } else { created + next(60 * DAY) };
                (created, closed, next(5) / 4)
            })
            .collect();
        let frame = issues(&rows);
        let ctl = ChartControls { staling_days: 3, stale_days: 20, ..controls(Interval::Week) };
        let ts = issue_staleness(&frame, &ctl, today);
        let open = issues_over_time(&frame, &ctl, today);
        for (p, start) in ts.periods.iter().enumerate() {
            // Read at the next Monday, or at the end of today for the current week.
            let monday = start.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
            let t = (monday + 7 * DAY).min(at(2024, 7, 1, 0, 0, 0));
            let mut want = [0i64; 3];
            for &(c, cl, bot) in &rows {
                if bot == 1 || c >= t || (cl != NO_TIME && cl < t) {
                    continue;
                }
                let age = (t - c) / DAY;
                want[if age < 3 {
                    0
                } else if age < 20 {
                    1
                } else {
                    2
                }] += 1;
            }
            let got: Vec<i64> = ts.series.iter().map(|s| s.values[p]).collect();
            assert_eq!(got, want, "week of {start}");
            assert_eq!(open.series[2].values[p], want.iter().sum::<i64>(), "week of {start}");
        }
    }
}

//! The periods of a time-series chart: UTC calendar periods with gaps included, each with
//! its bounds and the instant its state ("open at the end of the period") is read at.

use charts::{Interval, Series, TimeSeries};
use chrono::{DateTime, NaiveDate};

pub(super) struct PeriodGrid {
    pub periods: Vec<NaiveDate>,
    /// Period `i` holds the instants `bounds[i] .. bounds[i + 1]`.
    bounds: Vec<i64>,
    /// The instant each period's state is read at (ascending): when the next period starts,
    /// or the end of `today` for the period still running.
    pub ends: Vec<i64>,
}

impl PeriodGrid {
    /// The periods from the one holding `first` to the one holding `last`.
    pub fn between(interval: Interval, first: NaiveDate, last: NaiveDate, today: NaiveDate) -> PeriodGrid {
        let mut periods = Vec::new();
        let mut period = interval.period_start(first);
        while period <= last {
            periods.push(period);
            period = interval.next_period(period);
        }
        let mut bounds: Vec<i64> = periods.iter().map(|p| start_of(*p)).collect();
        if let Some(last) = periods.last() {
            bounds.push(start_of(interval.next_period(*last)));
        }
        let end_of_today = today.succ_opt().unwrap_or(today);
        let ends = periods.iter().map(|p| start_of(interval.next_period(*p).min(end_of_today))).collect();
        PeriodGrid { periods, bounds, ends }
    }

    /// The periods from the one holding the instant `first` to the one holding `today`;
    /// none without a first instant.
    pub fn to_today(interval: Interval, first: Option<i64>, today: NaiveDate) -> PeriodGrid {
        match first {
            Some(first) => PeriodGrid::between(interval, date_of(first), today, today),
            None => PeriodGrid { periods: Vec::new(), bounds: Vec::new(), ends: Vec::new() },
        }
    }

    /// The index of the period holding instant `t`, if the grid covers it.
    pub fn period_of(&self, t: i64) -> Option<usize> {
        // The number of bounds at or before `t`, less one, is the period holding it.
        let after = self.bounds.partition_point(|b| *b <= t);
        after.checked_sub(1).filter(|i| *i < self.periods.len())
    }

    /// How many of `times` fall in each period; times outside the grid are left out.
    pub fn count(&self, times: impl Iterator<Item = i64>) -> Vec<i64> {
        let mut counts = vec![0; self.periods.len()];
        for t in times {
            if let Some(i) = self.period_of(t) {
                counts[i] += 1;
            }
        }
        counts
    }

    /// The chart data: these periods and the named series, in order.
    pub fn series<'a>(self, named: impl IntoIterator<Item = (&'a str, Vec<i64>)>) -> TimeSeries {
        let series = named.into_iter().map(|(name, values)| Series { name: name.to_owned(), values }).collect();
        TimeSeries { periods: self.periods, series }
    }
}

/// The UTC date of a timestamp in seconds.
pub(super) fn date_of(ts: i64) -> NaiveDate {
    DateTime::from_timestamp(ts, 0).map(|t| t.date_naive()).unwrap_or_default()
}

/// Seconds since the epoch at the start of `date` (00:00 UTC).
pub(super) fn start_of(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viz::test_time::{at, d};

    #[test]
    fn the_current_period_ends_with_today() {
        let grid = PeriodGrid::between(Interval::Month, d("2024-01-15"), d("2024-06-10"), d("2024-06-10"));
        assert_eq!(grid.ends[0], at("2024-02-01 00:00:00"));
        assert_eq!(grid.ends.last(), Some(&at("2024-06-11 00:00:00")));
    }

    #[test]
    fn the_grid_covers_both_ends_and_places_instants_by_utc_bounds() {
        let grid = PeriodGrid::between(Interval::Week, d("2024-01-03"), d("2024-01-15"), d("2024-02-01"));
        assert_eq!(grid.periods, vec![d("2024-01-01"), d("2024-01-08"), d("2024-01-15")]);
        assert_eq!(grid.period_of(at("2024-01-07 23:59:59")), Some(0));
        assert_eq!(grid.period_of(at("2024-01-08 00:00:00")), Some(1));
        assert_eq!(grid.period_of(at("2024-01-22 00:00:00")), None);
        assert_eq!(grid.period_of(at("2023-12-31 23:59:59")), None);
        let counts =
            grid.count([at("2024-01-01 00:00:00"), at("2024-01-21 12:00:00"), at("2025-01-01 00:00:00")].into_iter());
        assert_eq!(counts, vec![1, 0, 1]);
    }

    #[test]
    fn no_first_instant_gives_no_periods() {
        let grid = PeriodGrid::to_today(Interval::Day, None, d("2024-01-01"));
        assert!(grid.periods.is_empty() && grid.ends.is_empty());
        assert_eq!(grid.series([("open", vec![])]).series.len(), 1);
    }
}

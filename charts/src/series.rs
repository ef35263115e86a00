use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Interval;

/// One named line or bar set of a time-series chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<i64>,
}

/// Values per period. `periods` holds the UTC start date of every period from the first
/// to the last one with data, gaps included, so bars line up with a calendar axis.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TimeSeries {
    #[serde(with = "crate::iso::dates")]
    pub periods: Vec<NaiveDate>,
    pub series: Vec<Series>,
}

impl TimeSeries {
    /// Counts the events that fall in each period.
    pub fn count_by_period(interval: Interval, name: &str, dates: impl IntoIterator<Item = NaiveDate>) -> Self {
        let mut counts: BTreeMap<NaiveDate, i64> = BTreeMap::new();
        for date in dates {
            *counts.entry(interval.period_start(date)).or_default() += 1;
        }
        let (Some(&first), Some(&last)) = (counts.keys().next(), counts.keys().next_back()) else {
            return TimeSeries {
                periods: Vec::new(),
                series: vec![Series { name: name.to_owned(), values: Vec::new() }],
            };
        };
        let mut periods = Vec::new();
        let mut values = Vec::new();
        let mut period = first;
        while period <= last {
            periods.push(period);
            values.push(counts.get(&period).copied().unwrap_or(0));
            period = interval.next_period(period);
        }
        TimeSeries { periods, series: vec![Series { name: name.to_owned(), values }] }
    }

    /// Keeps the periods that overlap the days from `from` to `to` (both included).
    pub fn within(mut self, interval: Interval, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Self {
        let keep: Vec<bool> = self
            .periods
            .iter()
            .map(|start| {
                from.is_none_or(|from| interval.next_period(*start) > from) && to.is_none_or(|to| *start <= to)
            })
            .collect();
        let kept = |values: Vec<i64>| values.into_iter().zip(&keep).filter(|(_, k)| **k).map(|(v, _)| v).collect();
        self.periods = kept_dates(std::mem::take(&mut self.periods), &keep);
        for series in &mut self.series {
            series.values = kept(std::mem::take(&mut series.values));
        }
        self
    }

    /// True when no period holds a value.
    pub fn is_empty(&self) -> bool {
        self.periods.is_empty()
    }

    /// The data as CSV: a `period` column, then one column per series.
    pub fn to_csv(&self) -> String {
        csv("period", self.periods.iter().map(|p| crate::iso::format_date(*p)), &self.series)
    }
}

fn kept_dates(dates: Vec<NaiveDate>, keep: &[bool]) -> Vec<NaiveDate> {
    dates.into_iter().zip(keep).filter(|(_, k)| **k).map(|(d, _)| d).collect()
}

/// CSV with a first column named `first` holding `rows`, then one column per series.
pub(crate) fn csv(first: &str, rows: impl Iterator<Item = String>, series: &[Series]) -> String {
    let mut out = String::from(first);
    for s in series {
        out.push(',');
        out.push_str(&csv_field(&s.name));
    }
    out.push('\n');
    for (i, row) in rows.enumerate() {
        out.push_str(&row);
        for s in series {
            out.push(',');
            out.push_str(&s.values.get(i).copied().unwrap_or(0).to_string());
        }
        out.push('\n');
    }
    out
}

/// A text cell. One that a spreadsheet would run as a formula (it starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return: names and domains come from anyone's commits) gets
/// a leading `'`, which spreadsheets show as text; a cell holding a separator, quote or line
/// break is quoted.
pub(crate) fn csv_field(text: &str) -> String {
    let text = match text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("'{text}"),
        false => text.to_owned(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn counts_fill_empty_periods_with_zero() {
        let ts =
            TimeSeries::count_by_period(Interval::Month, "commits", [d(2024, 1, 31), d(2024, 1, 2), d(2024, 4, 1)]);
        assert_eq!(ts.periods, vec![d(2024, 1, 1), d(2024, 2, 1), d(2024, 3, 1), d(2024, 4, 1)]);
        assert_eq!(ts.series[0].values, vec![2, 0, 0, 1]);
    }

    #[test]
    fn no_events_gives_an_empty_series() {
        let ts = TimeSeries::count_by_period(Interval::Week, "commits", []);
        assert!(ts.is_empty());
        assert_eq!(ts.series[0].name, "commits");
    }

    #[test]
    fn within_keeps_the_periods_that_overlap_the_range() {
        let ts = TimeSeries::count_by_period(Interval::Month, "n", [d(2024, 1, 5), d(2024, 2, 5), d(2024, 3, 5)]);
        let cut = ts.clone().within(Interval::Month, Some(d(2024, 1, 31)), Some(d(2024, 2, 1)));
        assert_eq!(cut.periods, vec![d(2024, 1, 1), d(2024, 2, 1)]);
        assert_eq!(cut.series[0].values, vec![1, 1]);
        assert_eq!(ts.clone().within(Interval::Month, None, None), ts);
    }

    #[test]
    fn csv_cells_cannot_run_as_formulas_or_break_rows() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for (text, cell) in [("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx")] {
            assert_eq!(csv_field(text), cell, "{text:?}");
        }
        assert_eq!(csv_field("a\rb"), "\"a\rb\"");
        assert_eq!(csv_field("\r=1"), "\"'\r=1\"");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("example.org"), "example.org");
    }

    #[test]
    fn csv_has_a_header_and_one_row_per_period() {
        let ts = TimeSeries::count_by_period(Interval::Year, "commits", [d(2023, 5, 5), d(2024, 5, 5)]);
        assert_eq!(ts.to_csv(), "period,commits\n2023-01-01,1\n2024-01-01,1\n");
    }

    #[test]
    fn json_shape_is_periods_and_series() {
        let ts = TimeSeries::count_by_period(Interval::Day, "commits", [d(2024, 2, 29)]);
        let json = serde_json::to_value(&ts).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"periods": ["2024-02-29"], "series": [{"name": "commits", "values": [1]}]})
        );
    }
}

use std::{fmt, str::FromStr};

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// The width of one bar of a time-series chart. Periods are calendar periods in UTC;
/// weeks start on Monday.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    Day,
    Week,
    #[default]
    Month,
    /// Calendar quarters: January, April, July, October.
    Quarter,
    /// Calendar half-years: January and July.
    Half,
    Year,
}

impl Interval {
    pub const ALL: [Interval; 6] =
        [Interval::Day, Interval::Week, Interval::Month, Interval::Quarter, Interval::Half, Interval::Year];

    /// What a time-series chart offers unless its registry row says otherwise.
    pub const USUAL: [Interval; 4] = [Interval::Day, Interval::Week, Interval::Month, Interval::Year];

    /// The name used in URLs and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
            Interval::Quarter => "quarter",
            Interval::Half => "half",
            Interval::Year => "year",
        }
    }

    /// The name shown on the control.
    pub fn label(self) -> &'static str {
        match self {
            Interval::Day => "Day",
            Interval::Week => "Week",
            Interval::Month => "Month",
            Interval::Quarter => "Quarter",
            Interval::Half => "Half year",
            Interval::Year => "Year",
        }
    }

    /// The first day of the period that holds `date`.
    pub fn period_start(self, date: NaiveDate) -> NaiveDate {
        match self {
            Interval::Day => date,
            Interval::Week => date - Duration::days(i64::from(date.weekday().num_days_from_monday())),
            Interval::Month => date.with_day(1).expect("day 1 exists in every month"),
            Interval::Quarter | Interval::Half => {
                let months = if self == Interval::Quarter { 3 } else { 6 };
                let month = (date.month0() / months) * months + 1;
                NaiveDate::from_ymd_opt(date.year(), month, 1).expect("the first of a month exists")
            }
            Interval::Year => NaiveDate::from_ymd_opt(date.year(), 1, 1).expect("January 1st exists"),
        }
    }

    /// The first day of the period after the one starting at `start`.
    pub fn next_period(self, start: NaiveDate) -> NaiveDate {
        match self {
            Interval::Day => start + Duration::days(1),
            Interval::Week => start + Duration::days(7),
            Interval::Month | Interval::Quarter | Interval::Half => {
                let months = match self {
                    Interval::Quarter => 3,
                    Interval::Half => 6,
                    _ => 1,
                };
                start.checked_add_months(chrono::Months::new(months)).expect("dates stay far from chrono's limits")
            }
            Interval::Year => {
                start.checked_add_months(chrono::Months::new(12)).expect("dates stay far from chrono's limits")
            }
        }
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseIntervalError(pub String);

impl fmt::Display for ParseIntervalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "interval must be one of day, week, month, quarter, half, year (got {:?})", self.0)
    }
}

impl std::error::Error for ParseIntervalError {}

impl FromStr for Interval {
    type Err = ParseIntervalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Interval::ALL
            .into_iter()
            .find(|i| i.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseIntervalError(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weeks_start_on_monday() {
        // 2024-03-03 is a Sunday: it belongs to the week that began on Monday 2024-02-26.
        assert_eq!(Interval::Week.period_start(d(2024, 3, 3)), d(2024, 2, 26));
        assert_eq!(Interval::Week.period_start(d(2024, 3, 4)), d(2024, 3, 4));
        // A week that spans a year boundary keeps its Monday in the old year.
        assert_eq!(Interval::Week.period_start(d(2025, 1, 1)), d(2024, 12, 30));
    }

    #[test]
    fn months_and_years_start_on_their_first_day() {
        assert_eq!(Interval::Month.period_start(d(2024, 2, 29)), d(2024, 2, 1));
        assert_eq!(Interval::Year.period_start(d(2024, 12, 31)), d(2024, 1, 1));
        assert_eq!(Interval::Day.period_start(d(2024, 12, 31)), d(2024, 12, 31));
    }

    #[test]
    fn quarters_and_halves_are_calendar_ones() {
        assert_eq!(Interval::Quarter.period_start(d(2024, 3, 31)), d(2024, 1, 1));
        assert_eq!(Interval::Quarter.period_start(d(2024, 4, 1)), d(2024, 4, 1));
        assert_eq!(Interval::Quarter.period_start(d(2024, 12, 31)), d(2024, 10, 1));
        assert_eq!(Interval::Quarter.next_period(d(2024, 10, 1)), d(2025, 1, 1));
        assert_eq!(Interval::Half.period_start(d(2024, 6, 30)), d(2024, 1, 1));
        assert_eq!(Interval::Half.period_start(d(2024, 7, 1)), d(2024, 7, 1));
        assert_eq!(Interval::Half.next_period(d(2024, 7, 1)), d(2025, 1, 1));
        assert_eq!("half".parse::<Interval>(), Ok(Interval::Half));
    }

    #[test]
    fn next_period_steps_one_calendar_unit() {
        assert_eq!(Interval::Month.next_period(d(2024, 1, 1)), d(2024, 2, 1));
        assert_eq!(Interval::Month.next_period(d(2024, 12, 1)), d(2025, 1, 1));
        assert_eq!(Interval::Year.next_period(d(2024, 1, 1)), d(2025, 1, 1));
        assert_eq!(Interval::Week.next_period(d(2024, 12, 30)), d(2025, 1, 6));
        assert_eq!(Interval::Day.next_period(d(2024, 2, 28)), d(2024, 2, 29));
    }

    #[test]
    fn parses_names_and_rejects_others() {
        assert_eq!("week".parse::<Interval>(), Ok(Interval::Week));
        assert_eq!("Month".parse::<Interval>(), Ok(Interval::Month));
        let err = "fortnight".parse::<Interval>().unwrap_err();
        assert!(err.to_string().contains("fortnight"));
    }
}

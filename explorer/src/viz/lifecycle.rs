//! Pull requests and issues over their life: opened/closed per period, open at period end,
//! and staleness of the open ones. Owner: being written.

use charts::{ChartControls, TimeSeries};
use chrono::NaiveDate;

use super::MissingColumn;
use crate::{codec::Frame, Query};

pub(super) fn prs_over_time(
    _frame: &Frame,
    _controls: &ChartControls,
    _today: NaiveDate,
) -> Result<TimeSeries, MissingColumn> {
    Ok(TimeSeries::default())
}

pub(super) fn issues_over_time(
    _frame: &Frame,
    _controls: &ChartControls,
    _today: NaiveDate,
) -> Result<TimeSeries, MissingColumn> {
    Ok(TimeSeries::default())
}

pub(super) fn staleness(
    _frame: &Frame,
    _query: Query,
    _controls: &ChartControls,
    _today: NaiveDate,
) -> Result<TimeSeries, MissingColumn> {
    Ok(TimeSeries::default())
}

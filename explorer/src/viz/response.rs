//! How quickly and how often pull requests get a response. Owner: being written.

use charts::{ChartControls, TimeSeries};
use chrono::NaiveDate;

use super::MissingColumn;
use crate::codec::Frame;

pub(super) fn first_response(
    _frame: &Frame,
    _controls: &ChartControls,
    _today: NaiveDate,
) -> Result<TimeSeries, MissingColumn> {
    Ok(TimeSeries::default())
}

pub(super) fn engagement(
    _frame: &Frame,
    _controls: &ChartControls,
    _today: NaiveDate,
) -> Result<TimeSeries, MissingColumn> {
    Ok(TimeSeries::default())
}

//! Assignment of pull requests (review) and issues. Owner: being written.

use charts::{ChartControls, TimeSeries};
use chrono::NaiveDate;

use super::MissingColumn;
use crate::{codec::Frame, Query};

pub(super) fn status(
    _frame: &Frame,
    _query: Query,
    _controls: &ChartControls,
    _today: NaiveDate,
) -> Result<TimeSeries, MissingColumn> {
    Ok(TimeSeries::default())
}

pub(super) fn per_contributor(
    _frame: &Frame,
    _query: Query,
    _controls: &ChartControls,
) -> Result<TimeSeries, MissingColumn> {
    Ok(TimeSeries::default())
}

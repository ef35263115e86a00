//! Chart data and its drawing, compiled for both the server (SSR, the JSON API)
//! and the browser, so a chart looks the same whichever side drew it.

mod interval;
mod render;
mod series;

pub use interval::{Interval, ParseIntervalError};
pub use render::{bar_chart_svg, ChartSize};
pub use series::{Series, TimeSeries};

mod catalog;
mod reply;

pub use catalog::{ChartControls, ChartId, RepoEntry};
pub use reply::ChartReply;

//! Chart data and its drawing, compiled for both the server (SSR, the JSON API)
//! and the browser, so a chart looks the same whichever side drew it.

mod catalog;
mod compact;
mod controls;
mod data;
mod definitions;
mod error;
mod hits;
mod interval;
pub mod iso;
mod render;
mod reply;
mod search;
mod series;
mod url;
mod wire;

pub use catalog::{ChartId, ChartSpec, Choice, Layout, PageSpec, RepoEntry, CHARTS, PAGES};
pub use controls::{ChartControls, Control, ControlError, RepoPick, BOTS_PARAM, FROM_PARAM, REPO_PARAM, TO_PARAM};
pub use data::{Categories, ChartData, Point, Points, Table};
pub use definitions::{Definition, DEFINITIONS};
pub use error::AppError;
pub use hits::mark_texts;
pub use interval::{Interval, ParseIntervalError};
pub use render::{chart_svg, series_hex, ChartSize, Drawing};
pub use reply::{ChartReply, HydrationReply};
pub use search::{repo_name, repo_slug, SearchHit};
pub use series::{Series, TimeSeries};
pub use url::encode_query_value;

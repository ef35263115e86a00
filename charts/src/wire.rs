//! The flat forms the tagged and untagged enums are read through. Serde's derived reader for
//! `#[serde(tag)]` and `#[serde(untagged)]` enums buffers every value into its generic
//! `Content` tree first, about 35 KB of the browser bundle and a copy of every chart's data;
//! a struct of optional fields reads the same JSON in one pass, and the enum is built from
//! whichever fields arrived. Written JSON is unchanged: the enums serialise as derived.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use crate::{
    AppError, Categories, ChartData, ChartReply, Interval, Point, Points, SearchHit, Series, Table, TimeSeries,
};

fn need<T>(value: Option<T>, field: &'static str) -> Result<T, String> {
    value.ok_or_else(|| format!("missing field `{field}`"))
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum ReplyStatus {
    Queued,
    Running,
    Ready,
    Failed,
}

#[derive(Deserialize)]
pub(crate) struct ReplyWire {
    status: ReplyStatus,
    elapsed_ms: Option<u64>,
    position: Option<u64>,
    computed_at: Option<String>,
    data: Option<ChartData>,
    error: Option<String>,
    retryable: Option<bool>,
}

impl TryFrom<ReplyWire> for ChartReply {
    type Error = String;

    fn try_from(wire: ReplyWire) -> Result<Self, String> {
        Ok(match wire.status {
            ReplyStatus::Queued => {
                ChartReply::Queued { elapsed_ms: need(wire.elapsed_ms, "elapsed_ms")?, position: wire.position }
            }
            ReplyStatus::Running => ChartReply::Running { elapsed_ms: need(wire.elapsed_ms, "elapsed_ms")? },
            ReplyStatus::Ready => {
                let text = need(wire.computed_at, "computed_at")?;
                let computed_at: DateTime<Utc> =
                    crate::iso::parse_time(&text).ok_or_else(|| format!("{text:?} is not an RFC 3339 time"))?;
                ChartReply::Ready { computed_at, data: need(wire.data, "data")? }
            }
            ReplyStatus::Failed => {
                ChartReply::Failed { error: need(wire.error, "error")?, retryable: need(wire.retryable, "retryable")? }
            }
        })
    }
}

#[derive(Deserialize)]
pub(crate) struct DataWire {
    periods: Option<Vec<String>>,
    /// The periods as the page's hydration data writes them (`HydrationReply`).
    first_period: Option<String>,
    period_count: Option<usize>,
    step: Option<Interval>,
    categories: Option<Vec<String>>,
    series: Option<Vec<Series>>,
    note: Option<String>,
    points: Option<Vec<Point>>,
    log_y: Option<bool>,
    columns: Option<Vec<String>>,
    rows: Option<Vec<Vec<String>>>,
}

impl TryFrom<DataWire> for ChartData {
    type Error = String;

    /// The kinds are told apart as the untagged derive told them: by their required fields,
    /// tried in the enum's order.
    fn try_from(wire: DataWire) -> Result<Self, String> {
        let note = wire.note.unwrap_or_default();
        Ok(match wire {
            DataWire { periods: Some(periods), series: Some(series), .. } => {
                ChartData::Periods(TimeSeries { periods: crate::iso::parse_dates(&periods)?, series })
            }
            DataWire {
                first_period: Some(first),
                period_count: Some(count),
                step: Some(step),
                series: Some(series),
                ..
            } => ChartData::Periods(TimeSeries { periods: stepped(&first, count, step)?, series }),
            DataWire { categories: Some(categories), series: Some(series), .. } => {
                ChartData::Categories(Categories { categories, series, note })
            }
            DataWire { points: Some(points), log_y: Some(log_y), .. } => ChartData::Points(Points { points, log_y }),
            DataWire { columns: Some(columns), rows: Some(rows), .. } => {
                ChartData::Table(Table { columns, rows, note })
            }
            _ => return Err("data did not match any kind of chart data".to_owned()),
        })
    }
}

/// `count` periods from `first`, each `step` after the last. A count no chart reaches (a
/// century of days) is corrupt data, not an allocation to make.
fn stepped(first: &str, count: usize, step: Interval) -> Result<Vec<NaiveDate>, String> {
    let first = crate::iso::parse_date(first).ok_or_else(|| format!("{first:?} is not a date"))?;
    if count > 36_600 {
        return Err(format!("{count} periods are more than a chart draws"));
    }
    Ok(std::iter::successors(Some(first), |at| Some(step.next_period(*at))).take(count).collect())
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum HitKind {
    Org,
    Repo,
}

#[derive(Deserialize)]
pub(crate) struct HitWire {
    kind: HitKind,
    name: Option<String>,
    repos: Option<usize>,
    id: Option<i64>,
    url: Option<String>,
    org: Option<String>,
}

impl TryFrom<HitWire> for SearchHit {
    type Error = String;

    fn try_from(wire: HitWire) -> Result<Self, String> {
        Ok(match wire.kind {
            HitKind::Org => SearchHit::Org { name: need(wire.name, "name")?, repos: need(wire.repos, "repos")? },
            HitKind::Repo => {
                SearchHit::Repo { id: need(wire.id, "id")?, url: need(wire.url, "url")?, org: need(wire.org, "org")? }
            }
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum ErrorKind {
    BadInput,
    NotFound,
    Unavailable,
    Busy,
    Failed,
}

#[derive(Deserialize)]
pub(crate) struct ErrorWire {
    kind: ErrorKind,
    error: Option<String>,
    retry_after_secs: Option<u32>,
    per_client: Option<bool>,
    retryable: Option<bool>,
}

impl TryFrom<ErrorWire> for AppError {
    type Error = String;

    fn try_from(wire: ErrorWire) -> Result<Self, String> {
        let message = need(wire.error, "error")?;
        Ok(match wire.kind {
            ErrorKind::BadInput => AppError::BadInput { message },
            ErrorKind::NotFound => AppError::NotFound { message },
            ErrorKind::Unavailable => AppError::Unavailable { message },
            ErrorKind::Busy => AppError::Busy {
                message,
                retry_after_secs: need(wire.retry_after_secs, "retry_after_secs")?,
                per_client: need(wire.per_client, "per_client")?,
            },
            ErrorKind::Failed => AppError::Failed { message, retryable: need(wire.retryable, "retryable")? },
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{from_value, json, to_value};

    use super::*;

    /// Each value reads back from what it writes.
    fn round_trips<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(value: T) {
        let json = to_value(&value).unwrap();
        assert_eq!(from_value::<T>(json.clone()).unwrap(), value, "{json}");
    }

    #[test]
    fn every_kind_reads_back_what_it_writes() {
        let periods = TimeSeries {
            periods: vec![chrono::NaiveDate::from_ymd_opt(2024, 2, 26).unwrap()],
            series: vec![Series { name: "commits".into(), values: vec![3] }],
        };
        let data = [
            ChartData::Periods(periods),
            ChartData::Categories(Categories::one_series("commits", [("Monday", 2)], 1)),
            ChartData::Points(Points {
                points: vec![Point { id: 1, label: "a/b".into(), x: 1.5, y: 2.0, size: 3.0 }],
                log_y: true,
            }),
            ChartData::Table(Table {
                columns: vec!["Check".into()],
                rows: vec![vec!["SAST".into()]],
                note: "n".into(),
            }),
        ];
        let computed_at =
            chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap().and_hms_milli_opt(9, 5, 1, 20).unwrap().and_utc();
        for data in data {
            round_trips(data.clone());
            round_trips(ChartReply::Ready { computed_at, data });
        }
        round_trips(ChartReply::Queued { elapsed_ms: 5, position: Some(2) });
        round_trips(ChartReply::Queued { elapsed_ms: 5, position: None });
        round_trips(ChartReply::Running { elapsed_ms: 7 });
        round_trips(ChartReply::Failed { error: "timed out".into(), retryable: true });
        round_trips(SearchHit::Org { name: "chaoss".into(), repos: 4 });
        round_trips(SearchHit::Repo { id: 9, url: "https://github.com/a/b".into(), org: "a".into() });
        round_trips(AppError::bad_input("bad"));
        round_trips(AppError::not_found("gone"));
        round_trips(AppError::unavailable("down"));
        round_trips(AppError::Busy { message: "full".into(), retry_after_secs: 3, per_client: true });
        round_trips(AppError::failed("no", false));
    }

    #[test]
    fn a_missing_or_wrong_field_is_an_error_that_names_it() {
        let error = from_value::<ChartReply>(json!({"status": "running"})).unwrap_err().to_string();
        assert!(error.contains("elapsed_ms"), "{error}");
        let error = from_value::<ChartReply>(json!({"status": "done", "elapsed_ms": 1})).unwrap_err().to_string();
        assert!(error.contains("done"), "{error}");
        let error = from_value::<ChartData>(json!({"series": []})).unwrap_err().to_string();
        assert!(error.contains("did not match"), "{error}");
        let error = from_value::<ChartData>(json!({"periods": ["2024-02-30"], "series": []})).unwrap_err().to_string();
        assert!(error.contains("2024-02-30"), "{error}");
        let error = from_value::<AppError>(json!({"kind": "busy", "error": "full"})).unwrap_err().to_string();
        assert!(error.contains("retry_after_secs"), "{error}");
    }

    #[test]
    fn time_series_win_over_categories_as_the_untagged_order_had_it() {
        let both = json!({"periods": ["2024-01-01"], "categories": ["x"], "series": []});
        assert!(matches!(from_value::<ChartData>(both).unwrap(), ChartData::Periods(_)));
    }
}

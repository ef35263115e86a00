use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize, Serializer};

use crate::{ChartData, Interval, Series};

/// The state of one chart request: its data, or why it has none yet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase", try_from = "crate::wire::ReplyWire")]
pub enum ChartReply {
    /// Waiting for a worker. `elapsed_ms` counts from the first request; `position` is
    /// the place in the queue (1 = next), when known.
    Queued {
        elapsed_ms: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        position: Option<u64>,
    },
    /// A worker is running the query.
    Running {
        elapsed_ms: u64,
    },
    Ready {
        computed_at: DateTime<Utc>,
        data: ChartData,
    },
    Failed {
        error: String,
        retryable: bool,
    },
}

impl ChartReply {
    /// True while the answer may still change by itself, so the page should ask again.
    pub fn is_pending(&self) -> bool {
        matches!(self, ChartReply::Queued { .. } | ChartReply::Running { .. })
    }
}

/// A reply as the page's hydration data carries it. A time series whose periods follow one
/// another by an interval (as every drawn series does) writes its first period, their count
/// and the interval instead of every date: a weekly chart since 2011 spelt out 800 dates, a
/// quarter of a large page's HTML. It reads back as the reply it was; the JSON API and the
/// server functions keep writing every period.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(transparent)]
pub struct HydrationReply(pub ChartReply);

#[derive(Serialize)]
struct ReadyWithSteps<'a> {
    status: &'static str,
    computed_at: &'a DateTime<Utc>,
    data: StepsWire<'a>,
}

#[derive(Serialize)]
struct StepsWire<'a> {
    first_period: NaiveDate,
    period_count: usize,
    step: Interval,
    series: &'a [Series],
}

impl Serialize for HydrationReply {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ChartReply::Ready { computed_at, data: ChartData::Periods(series) } = &self.0 else {
            return self.0.serialize(serializer);
        };
        match (series.periods.first(), steps_of(&series.periods)) {
            (Some(first), Some(step)) => ReadyWithSteps {
                status: "ready",
                computed_at,
                data: StepsWire {
                    first_period: *first,
                    period_count: series.periods.len(),
                    step,
                    series: &series.series,
                },
            }
            .serialize(serializer),
            _ => self.0.serialize(serializer),
        }
    }
}

/// The interval each period follows the last by, when there is one and at least two periods.
fn steps_of(periods: &[NaiveDate]) -> Option<Interval> {
    if periods.len() < 2 {
        return None;
    }
    Interval::ALL.into_iter().find(|step| periods.windows(2).all(|pair| step.next_period(pair[0]) == pair[1]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TimeSeries;

    fn ready(periods: &[&str]) -> ChartReply {
        let periods: Vec<NaiveDate> = periods.iter().map(|p| crate::iso::parse_date(p).unwrap()).collect();
        let values = (0..periods.len() as i64).collect();
        ChartReply::Ready {
            computed_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            data: ChartData::Periods(TimeSeries { periods, series: vec![Series { name: "commits".into(), values }] }),
        }
    }

    fn round_trip(reply: &ChartReply) -> (String, ChartReply) {
        let json = serde_json::to_string(&HydrationReply(reply.clone())).unwrap();
        let back: HydrationReply = serde_json::from_str(&json).unwrap();
        (json, back.0)
    }

    #[test]
    fn weekly_periods_travel_as_their_first_and_count() {
        let reply = ready(&["2024-01-01", "2024-01-08", "2024-01-15"]);
        let (json, back) = round_trip(&reply);
        assert!(json.contains("\"first_period\":\"2024-01-01\",\"period_count\":3,\"step\":\"week\""), "{json}");
        assert!(!json.contains("2024-01-08"), "{json}");
        assert_eq!(back, reply);
    }

    #[test]
    fn months_of_unequal_length_step_as_months() {
        let reply = ready(&["2024-01-01", "2024-02-01", "2024-03-01"]);
        let (json, back) = round_trip(&reply);
        assert!(json.contains("\"step\":\"month\""), "{json}");
        assert_eq!(back, reply);
    }

    #[test]
    fn irregular_or_single_periods_and_other_replies_are_written_as_the_api_writes_them() {
        for reply in [
            ready(&["2024-01-01", "2024-01-08", "2024-02-01"]),
            ready(&["2024-01-01"]),
            ChartReply::Running { elapsed_ms: 5 },
        ] {
            let (json, back) = round_trip(&reply);
            assert_eq!(json, serde_json::to_string(&reply).unwrap());
            assert_eq!(back, reply);
        }
    }
}

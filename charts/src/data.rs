//! What a chart draws: values per period ([`TimeSeries`]), per category ([`Categories`]),
//! points ([`Points`]) or a table ([`Table`]). Each serialises as it is, so a time series
//! answers `{"periods", "series"}`, a categorical chart `{"categories", "series"}` and a
//! table `{"columns", "rows"}`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{series::csv_field, Interval, Series, TimeSeries};

/// Values per named category (weekdays, hours, email domains), in the order shown.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Categories {
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// A line drawn under the chart and sent in the JSON when not empty, such as how many
    /// rows the chart had to leave out.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Categories {
    /// The category that lumps together everything not named.
    pub const OTHER: &'static str = "Other";

    /// One series over named categories, in the order given, then [`Categories::OTHER`]
    /// holding `other` when it is above zero.
    pub fn one_series<K: Into<String>>(series: &str, named: impl IntoIterator<Item = (K, i64)>, other: i64) -> Self {
        let (mut categories, mut values): (Vec<String>, Vec<i64>) =
            named.into_iter().map(|(category, value)| (category.into(), value)).unzip();
        if other > 0 {
            categories.push(Self::OTHER.to_owned());
            values.push(other);
        }
        Categories { categories, series: vec![Series { name: series.to_owned(), values }], note: String::new() }
    }

    /// The data as CSV: a `category` column, then one column per series.
    pub fn to_csv(&self) -> String {
        let rows = self.categories.iter().map(|c| csv_field(c));
        crate::series::csv("category", rows, &self.series)
    }
}

/// One point per repository of a scatter chart.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Points {
    pub points: Vec<Point>,
    /// The y axis is logarithmic.
    pub log_y: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// The repository's id; two repositories of the same name stay two points.
    pub id: i64,
    /// `owner/name`, filled in by the web tier from its repository index.
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub size: f64,
}

impl Points {
    /// The data as CSV: one row per point.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("id,label,x,y,size\n");
        for p in &self.points {
            out.push_str(&format!("{},{},{},{},{}\n", p.id, csv_field(&p.label), p.x, p.y, p.size));
        }
        out
    }
}

/// A table of text cells under named columns, such as a repository's scorecard checks.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub columns: Vec<String>,
    /// One cell per column in each row, as shown.
    pub rows: Vec<Vec<String>>,
    /// A line shown under the table and sent in the JSON when not empty, such as when the
    /// data was collected.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Table {
    /// The data as CSV: the column names, then one line per row.
    pub fn to_csv(&self) -> String {
        let line = |cells: &[String]| cells.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(",") + "\n";
        std::iter::once(&self.columns).chain(&self.rows).map(|cells| line(cells)).collect()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged, try_from = "crate::wire::DataWire")]
pub enum ChartData {
    Periods(TimeSeries),
    Categories(Categories),
    Points(Points),
    Table(Table),
}

impl ChartData {
    /// The named series (none for a scatter chart).
    pub fn series(&self) -> &[Series] {
        match self {
            ChartData::Periods(ts) => &ts.series,
            ChartData::Categories(c) => &c.series,
            ChartData::Points(_) | ChartData::Table(_) => &[],
        }
    }

    /// The label of each position along the x axis.
    pub fn labels(&self, interval: Interval) -> Vec<String> {
        match self {
            ChartData::Periods(ts) => ts.periods.iter().map(|p| crate::render::period_label(*p, interval)).collect(),
            ChartData::Categories(c) => c.categories.clone(),
            ChartData::Points(p) => p.points.iter().map(|p| p.label.clone()).collect(),
            ChartData::Table(t) => t.rows.iter().filter_map(|row| row.first().cloned()).collect(),
        }
    }

    /// True when there is nothing to draw: no period, category, point or row, or only zeros.
    pub fn has_no_values(&self) -> bool {
        match self {
            ChartData::Points(p) => p.points.is_empty(),
            ChartData::Table(t) => t.rows.is_empty(),
            _ => self.series().iter().all(|s| s.values.iter().all(|v| *v == 0)),
        }
    }

    pub fn to_csv(&self) -> String {
        match self {
            ChartData::Periods(ts) => ts.to_csv(),
            ChartData::Categories(c) => c.to_csv(),
            ChartData::Points(p) => p.to_csv(),
            ChartData::Table(t) => t.to_csv(),
        }
    }

    /// The same numbers as a table: a row per period, category or point, a column per
    /// series (what "Show as table" shows, and a screen reader can walk).
    pub fn to_table(&self, interval: Interval) -> Table {
        let labels = self.labels(interval);
        match self {
            ChartData::Table(table) => table.clone(),
            ChartData::Points(points) => Table {
                columns: ["repository", "x", "y", "size"].map(String::from).to_vec(),
                rows: points
                    .points
                    .iter()
                    .map(|p| vec![p.label.clone(), p.x.to_string(), p.y.to_string(), p.size.to_string()])
                    .collect(),
                note: String::new(),
            },
            _ => {
                let first = if matches!(self, ChartData::Periods(_)) { "period" } else { "category" };
                let columns = std::iter::once(first.to_owned()).chain(self.series().iter().map(|s| s.name.clone()));
                let rows = labels
                    .into_iter()
                    .enumerate()
                    .map(|(i, label)| {
                        let values = self.series().iter().map(|s| s.values.get(i).copied().unwrap_or(0).to_string());
                        std::iter::once(label).chain(values).collect()
                    })
                    .collect();
                Table { columns: columns.collect(), rows, note: String::new() }
            }
        }
    }

    /// Keeps the periods that overlap the date range; a categorical chart applies the
    /// range to its rows instead, so it passes through.
    pub fn within(self, interval: Interval, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Self {
        match self {
            ChartData::Periods(ts) => ChartData::Periods(ts.within(interval, from, to)),
            categories => categories,
        }
    }
}

impl From<TimeSeries> for ChartData {
    fn from(ts: TimeSeries) -> Self {
        ChartData::Periods(ts)
    }
}

impl From<Points> for ChartData {
    fn from(p: Points) -> Self {
        ChartData::Points(p)
    }
}

impl From<Table> for ChartData {
    fn from(t: Table) -> Self {
        ChartData::Table(t)
    }
}

impl From<Categories> for ChartData {
    fn from(c: Categories) -> Self {
        ChartData::Categories(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_keeps_its_json_shape_and_reads_back_as_itself() {
        let ts = TimeSeries::count_by_period(Interval::Day, "commits", [NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()]);
        let periods = ChartData::from(ts.clone());
        assert_eq!(serde_json::to_value(&periods).unwrap(), serde_json::to_value(&ts).unwrap());
        let cycle = ChartData::from(Categories {
            categories: vec!["Monday".into(), "Tuesday".into()],
            series: vec![Series { name: "commits".into(), values: vec![3, 0] }],
            note: String::new(),
        });
        let json = serde_json::to_value(&cycle).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"categories": ["Monday", "Tuesday"], "series": [{"name": "commits", "values": [3, 0]}]})
        );
        assert_eq!(serde_json::from_value::<ChartData>(json).unwrap(), cycle);
        assert_eq!(serde_json::from_value::<ChartData>(serde_json::to_value(&periods).unwrap()).unwrap(), periods);
    }

    #[test]
    fn points_keep_their_shape_and_read_back_as_points() {
        let data = ChartData::from(Points {
            points: vec![Point { id: 7, label: "a/b".into(), x: 3.0, y: 1.5, size: 2.0 }],
            log_y: true,
        });
        let json = serde_json::to_value(&data).unwrap();
        assert_eq!(json["points"][0]["label"], "a/b");
        assert_eq!(serde_json::from_value::<ChartData>(json).unwrap(), data);
        assert_eq!(data.to_csv(), "id,label,x,y,size\n7,a/b,3,1.5,2\n");
    }

    #[test]
    fn a_table_keeps_columns_and_rows_and_reads_back_as_a_table() {
        let table = Table {
            columns: vec!["Check".into(), "Score".into()],
            rows: vec![vec!["Code-Review".into(), "8".into()], vec!["SAST, weekly".into(), "Inconclusive".into()]],
            note: "Collected 2024-05-01".into(),
        };
        let data = ChartData::from(table.clone());
        let json = serde_json::to_value(&data).unwrap();
        assert_eq!(json["columns"], serde_json::json!(["Check", "Score"]));
        assert_eq!(json["rows"][1], serde_json::json!(["SAST, weekly", "Inconclusive"]));
        assert_eq!(serde_json::from_value::<ChartData>(json).unwrap(), data);
        assert_eq!(data.to_csv(), "Check,Score\nCode-Review,8\n\"SAST, weekly\",Inconclusive\n");
        assert!(!data.has_no_values());
        assert!(ChartData::from(Table { rows: Vec::new(), ..table }).has_no_values());
    }

    #[test]
    fn every_kind_reads_as_a_table_of_the_same_numbers() {
        let ts = TimeSeries {
            periods: vec![NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()],
            series: vec![
                Series { name: "opened".into(), values: vec![214] },
                Series { name: "open".into(), values: vec![9] },
            ],
        };
        let table = ChartData::from(ts).to_table(Interval::Month);
        assert_eq!(table.columns, ["period", "opened", "open"]);
        assert_eq!(table.rows, [["2024-03", "214", "9"]]);
        let pie = ChartData::from(Categories::one_series("commits", [("a.org", 3)], 2)).to_table(Interval::Month);
        assert_eq!((pie.columns[0].as_str(), pie.rows.len()), ("category", 2));
        assert_eq!(pie.rows[1], ["Other", "2"]);
    }

    #[test]
    fn categories_as_csv_quote_what_needs_it() {
        let c = Categories {
            categories: vec!["a,b".into(), "c".into()],
            series: vec![Series { name: "n".into(), values: vec![1, 2] }],
            note: String::new(),
        };
        assert_eq!(c.to_csv(), "category,n\n\"a,b\",1\nc,2\n");
    }
}

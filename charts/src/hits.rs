//! What a chart says about each of its marks: the exact values of a period, a category, a
//! slice or a point, as one line of text. A file's drawing puts it in each mark's `<title>`
//! (its accessible name and hover tooltip); the page reads it out for the mark under the
//! pointer or the keyboard's focus, so both say the same thing.

use crate::{ChartData, Interval, Layout};

/// One text per mark, in the order of the drawing's positions: periods or categories for
/// bars and lines, slices for a pie (categories with a value), points for a scatter.
/// Hidden series are left out of the text; a hidden pie slice has no mark.
pub fn mark_texts(data: &ChartData, layout: Layout, interval: Interval, hidden: &[String]) -> Vec<String> {
    let labels = data.labels(interval);
    match data {
        ChartData::Points(points) => points
            .points
            .iter()
            .map(|p| format!("{}: x {}, y {}, size {}", p.label, trim(p.x), trim(p.y), trim(p.size)))
            .collect(),
        ChartData::Table(_) => Vec::new(),
        _ if layout == Layout::Pie => {
            let values = data.series().first().map_or(&[][..], |s| &s.values[..]);
            let shown: Vec<(usize, i64)> = pie_slices(&labels, values, hidden);
            let total: i64 = shown.iter().map(|(_, v)| v).sum();
            shown
                .into_iter()
                .map(|(i, v)| format!("{}: {} ({:.1}%)", labels[i], v, v as f64 / total.max(1) as f64 * 100.0))
                .collect()
        }
        _ => {
            let series: Vec<_> = data.series().iter().filter(|s| !hidden.contains(&s.name)).collect();
            labels
                .iter()
                .enumerate()
                .map(|(i, label)| {
                    let values: Vec<String> = series
                        .iter()
                        .map(|s| format!("{} {}", s.name, s.values.get(i).copied().unwrap_or(0)))
                        .collect();
                    if values.is_empty() {
                        label.clone()
                    } else {
                        format!("{label}: {}", values.join(", "))
                    }
                })
                .collect()
        }
    }
}

/// The slices a pie draws: categories with a value above zero that are not hidden, as
/// (category index, value).
pub(crate) fn pie_slices(labels: &[String], values: &[i64], hidden: &[String]) -> Vec<(usize, i64)> {
    (0..labels.len())
        .filter(|i| !hidden.contains(&labels[*i]))
        .filter_map(|i| values.get(i).copied().filter(|v| *v > 0).map(|v| (i, v)))
        .collect()
}

/// A number without a trailing ".0".
fn trim(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value:.2}")
    }
}

/// A mark's transparent hit area, drawn over the chart.
pub(crate) enum HitArea {
    Rect { x: i32, y: i32, width: i32, height: i32 },
    Circle { cx: i32, cy: i32, r: i32 },
    Path(String),
}

/// The marks' hit areas, each with its text as `<title>` (its accessible name and tooltip),
/// as SVG to put on top of the drawing. The group's transparent fill is inherited, and a
/// mark's index is its place in the group: every byte counts, a weekly chart has hundreds.
pub(crate) fn overlay(areas: &[HitArea], texts: &[String]) -> String {
    let mut out = String::from("<g class=\"marks\" fill=\"transparent\">");
    for (area, text) in areas.iter().zip(texts) {
        let text = escape(text);
        out.push_str(&match area {
            HitArea::Rect { x, y, width, height } => {
                format!("<rect x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{height}\"><title>{text}</title></rect>")
            }
            HitArea::Circle { cx, cy, r } => {
                format!("<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\"><title>{text}</title></circle>")
            }
            HitArea::Path(d) => format!("<path d=\"{d}\"><title>{text}</title></path>"),
        });
    }
    out.push_str("</g>");
    out
}

/// The page's hit area for a bar or line chart: one transparent band over the plot's
/// periods (`data-n` of them, equally wide), where the page finds the period under the
/// pointer from its x, and a cursor the page moves to the period it names.
pub(crate) fn band(columns: &[HitArea]) -> String {
    let (Some(HitArea::Rect { x, y, height, .. }), Some(HitArea::Rect { x: last, width: last_width, .. })) =
        (columns.first(), columns.last())
    else {
        return String::new();
    };
    let width = last + last_width - x;
    format!(
        "<g class=\"marks\" fill=\"transparent\"><rect class=\"band\" x=\"{x}\" y=\"{y}\" width=\"{width}\" \
         height=\"{height}\" data-n=\"{}\"/><rect class=\"cursor\" x=\"{x}\" y=\"{y}\" width=\"0\" height=\"{height}\"/></g>",
        columns.len()
    )
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Categories, Point, Points, Series, TimeSeries};
    use chrono::NaiveDate;

    fn months() -> ChartData {
        ChartData::Periods(TimeSeries {
            periods: vec![NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(), NaiveDate::from_ymd_opt(2024, 4, 1).unwrap()],
            series: vec![
                Series { name: "opened".into(), values: vec![214, 3] },
                Series { name: "merged".into(), values: vec![30, 0] },
            ],
        })
    }

    #[test]
    fn a_period_names_each_shown_series_value() {
        let layout = Layout::Bars { lines: &[] };
        assert_eq!(
            mark_texts(&months(), layout, Interval::Month, &[]),
            ["2024-03: opened 214, merged 30", "2024-04: opened 3, merged 0"]
        );
        assert_eq!(mark_texts(&months(), layout, Interval::Month, &["merged".into()])[0], "2024-03: opened 214");
    }

    #[test]
    fn a_pie_slice_has_its_share_of_the_shown_slices() {
        let pie =
            ChartData::Categories(Categories::one_series("commits", [("a.org", 3), ("b.org", 1), ("c.org", 0)], 0));
        assert_eq!(mark_texts(&pie, Layout::Pie, Interval::Month, &[]), ["a.org: 3 (75.0%)", "b.org: 1 (25.0%)"]);
        assert_eq!(mark_texts(&pie, Layout::Pie, Interval::Month, &["a.org".into()]), ["b.org: 1 (100.0%)"]);
    }

    #[test]
    fn a_point_names_its_repository_and_values() {
        let points = ChartData::Points(Points {
            points: vec![Point { id: 1, label: "chaoss/augur".into(), x: 12.0, y: 3.5, size: 4.0 }],
            log_y: false,
        });
        assert_eq!(mark_texts(&points, Layout::Scatter, Interval::Month, &[]), ["chaoss/augur: x 12, y 3.50, size 4"]);
    }

    #[test]
    fn the_band_spans_every_column_and_counts_them() {
        let columns: Vec<HitArea> =
            (0..3).map(|i| HitArea::Rect { x: 68 + 10 * i, y: 12, width: 10, height: 300 }).collect();
        assert_eq!(
            band(&columns),
            "<g class=\"marks\" fill=\"transparent\"><rect class=\"band\" x=\"68\" y=\"12\" width=\"30\" \
             height=\"300\" data-n=\"3\"/><rect class=\"cursor\" x=\"68\" y=\"12\" width=\"0\" height=\"300\"/></g>"
        );
        assert_eq!(band(&[]), "");
    }

    #[test]
    fn the_overlay_escapes_text_and_names_each_mark() {
        let svg = overlay(&[HitArea::Circle { cx: 1, cy: 2, r: 3 }], &["a<b & \"c\"".into()]);
        assert_eq!(
            svg,
            "<g class=\"marks\" fill=\"transparent\"><circle cx=\"1\" cy=\"2\" r=\"3\">\
             <title>a&lt;b &amp; &quot;c&quot;</title></circle></g>"
        );
    }
}

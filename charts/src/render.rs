use chrono::NaiveDate;
use plotters::prelude::*;

use crate::{Interval, TimeSeries};

const BAR_COLOR: RGBColor = RGBColor(49, 110, 196);
const AXIS_FONT: (&str, u32) = ("sans-serif", 13);

/// Pixel size of a drawn chart; the SVG scales with its container through its viewBox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartSize {
    pub width: u32,
    pub height: u32,
}

impl Default for ChartSize {
    fn default() -> Self {
        ChartSize { width: 900, height: 360 }
    }
}

/// Draws the first series of `ts` as bars, one per period, and returns the SVG text.
pub fn bar_chart_svg(ts: &TimeSeries, interval: Interval, size: ChartSize) -> String {
    let mut svg = String::new();
    let drawn = draw_bars(&mut svg, ts, interval, size);
    if let Err(error) = drawn {
        // Drawing into a string only fails on a plotters bug; show it instead of a blank box.
        return format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\"><text x=\"10\" y=\"20\">chart could not be drawn: {}</text></svg>",
            size.width,
            size.height,
            escape_xml(&error)
        );
    }
    responsive(svg, size)
}

fn draw_bars(svg: &mut String, ts: &TimeSeries, interval: Interval, size: ChartSize) -> Result<(), String> {
    let values: &[i64] = ts.series.first().map(|s| s.values.as_slice()).unwrap_or(&[]);
    let y_name = ts.series.first().map(|s| s.name.as_str()).unwrap_or("");
    let n = values.len().max(1) as u32;
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let root = SVGBackend::with_string(svg, (size.width, size.height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(56)
        .build_cartesian_2d((0..n).into_segmented(), 0i64..(max + max / 10 + 1))
        .map_err(|e| e.to_string())?;
    let label = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
            ts.periods.get(*i as usize).map(|p| period_label(*p, interval)).unwrap_or_default()
        }
        SegmentValue::Last => String::new(),
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(RGBColor(225, 228, 232))
        .light_line_style(TRANSPARENT)
        .x_labels(8)
        .x_label_formatter(&label)
        .y_desc(y_name)
        .label_style(AXIS_FONT)
        .axis_desc_style(AXIS_FONT)
        .draw()
        .map_err(|e| e.to_string())?;
    let bar_gap = if values.len() > 200 { 0 } else { 1 };
    chart
        .draw_series(
            Histogram::vertical(&chart)
                .style(BAR_COLOR.filled())
                .margin(bar_gap)
                .data(values.iter().enumerate().filter(|(_, v)| **v > 0).map(|(i, v)| (i as u32, *v))),
        )
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}

fn period_label(start: NaiveDate, interval: Interval) -> String {
    let format = match interval {
        Interval::Day | Interval::Week => "%Y-%m-%d",
        Interval::Month => "%Y-%m",
        Interval::Year => "%Y",
    };
    start.format(format).to_string()
}

/// plotters writes a fixed width and height; a viewBox lets CSS size the chart instead.
fn responsive(svg: String, size: ChartSize) -> String {
    let fixed = format!("width=\"{}\" height=\"{}\"", size.width, size.height);
    let scalable =
        format!("viewBox=\"0 0 {} {}\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\"", size.width, size.height);
    svg.replacen(&fixed, &scalable, 1)
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn draws_one_bar_per_non_empty_period() {
        let ts = TimeSeries::count_by_period(Interval::Month, "commits", [d(2024, 1, 5), d(2024, 1, 6), d(2024, 3, 1)]);
        let svg = bar_chart_svg(&ts, Interval::Month, ChartSize::default());
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("viewBox=\"0 0 900 360\""));
        let bars = svg.matches(&format!("fill=\"#{:02X}{:02X}{:02X}\"", 49, 110, 196)).count();
        // January (2) and March (1) are bars; February is zero and draws no rectangle.
        assert_eq!(bars, 2, "{svg}");
        assert!(svg.contains("2024-01"));
    }

    #[test]
    fn an_empty_series_still_draws_axes() {
        let ts = TimeSeries::count_by_period(Interval::Day, "commits", []);
        let svg = bar_chart_svg(&ts, Interval::Day, ChartSize::default());
        assert!(svg.contains("<svg"));
        assert!(!svg.contains("could not be drawn"));
    }
}

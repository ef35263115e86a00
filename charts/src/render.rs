use chrono::{Datelike, NaiveDate};
use plotters::prelude::*;

use crate::{
    compact::{bar_path, compact, place_bars, BarBox, BARS_HERE},
    hits::{band, mark_texts, overlay, pie_slices, HitArea},
    ChartData, ChartSpec, Interval, Layout, Point, Points, Series, Table,
};

/// Series colours in order; the first is the app's blue. Chosen to stay apart for
/// the common forms of colour blindness (Okabe–Ito's hues), and darkened where Okabe–Ito's
/// own are too light to read on the white plot: each has at least 3:1 contrast there.
const PALETTE: [RGBColor; 8] = [
    RGBColor(49, 110, 196),
    RGBColor(184, 122, 0),
    RGBColor(0, 148, 108),
    RGBColor(196, 100, 155),
    RGBColor(20, 135, 190),
    RGBColor(213, 94, 0),
    RGBColor(120, 94, 240),
    RGBColor(100, 100, 100),
];
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

/// How a chart is drawn besides its data.
#[derive(Clone, Copy, Debug)]
pub struct Drawing<'a> {
    pub size: ChartSize,
    /// Series (or pie slices) left out, by name; the others keep their colours.
    pub hidden: &'a [String],
    /// Whether the legend is drawn into the SVG, under the plot: a file needs it, the page
    /// draws its own (which hides and shows series).
    pub legend: bool,
    /// Whether each period of a bar or line chart is a hit area named by its values. A file
    /// keeps them (hover in any SVG viewer); the page has one band over the plot instead, and
    /// says the values of the period under the pointer or the keyboard's focus in its
    /// readout: one name per period was half a page's HTML. Pie slices and scatter points,
    /// a few per chart, are always named.
    pub name_periods: bool,
}

impl Drawing<'_> {
    /// A file to download: the default size, every series, the legend in the picture.
    pub fn file() -> Drawing<'static> {
        Drawing { size: ChartSize::default(), hidden: &[], legend: true, name_periods: true }
    }

    /// The page's drawing: the legend is the page's, `hidden` series are left out.
    pub fn page(hidden: &[String]) -> Drawing<'_> {
        Drawing { size: ChartSize::default(), hidden, legend: false, name_periods: false }
    }
}

/// Draws `data` as the chart's registry row says and returns the SVG text; `interval`
/// names a time series' periods. Marks carry their values as their accessible names (see
/// [`mark_texts`]), but for the page's periods, which its readout names (see [`Drawing`]).
pub fn chart_svg(data: &ChartData, chart: &ChartSpec, interval: Interval, drawing: Drawing) -> String {
    let mut svg = String::new();
    let size = drawing.size;
    // A table is as tall as its rows.
    let size = match data {
        ChartData::Table(table) => ChartSize { height: table_height(table), ..size },
        _ => size,
    };
    let drawn = match (chart.layout, data) {
        (_, ChartData::Points(points)) => draw_scatter(&mut svg, points, chart, size),
        (_, ChartData::Table(table)) => draw_table(&mut svg, table, size).map(|()| Vec::new()),
        (Layout::Pie, _) => draw_pie(&mut svg, &data.labels(interval), data.series(), note_of(data), drawing),
        _ => draw(&mut svg, &data.labels(interval), data.series(), chart, drawing),
    };
    let areas = match drawn {
        Ok(areas) => areas,
        Err(error) => return failed_svg(&error, size),
    };
    let periods = matches!(data, ChartData::Periods(_) | ChartData::Categories(_))
        && matches!(chart.layout, Layout::Bars { .. } | Layout::Stacked | Layout::Lines);
    let marks = if periods && !drawing.name_periods {
        band(&areas)
    } else {
        overlay(&areas, &mark_texts(data, chart.layout, interval, drawing.hidden))
    };
    if !areas.is_empty() {
        if let Some(end) = svg.rfind("</svg>") {
            svg.insert_str(end, &marks);
        }
    }
    responsive(&compact(&svg), size, chart.title)
}

/// Drawing into a string only fails on a plotters bug; show it instead of a blank box.
fn failed_svg(error: &str, size: ChartSize) -> String {
    let (width, height) = (size.width, size.height);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\"><text x=\"10\" y=\"20\">\
         chart could not be drawn: {}</text></svg>",
        crate::hits::escape(error)
    )
}

/// The line a categorical chart carries under it, if any.
fn note_of(data: &ChartData) -> &str {
    match data {
        ChartData::Categories(c) => &c.note,
        ChartData::Table(t) => &t.note,
        _ => "",
    }
}

/// A series' colour as CSS and SVG write it, `#RRGGBB`: the page's legend swatches.
pub fn series_hex(index: usize) -> String {
    let RGBColor(r, g, b) = series_color(index);
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// The palette's colours, then two darker shades of them: 24 colours before one repeats,
/// so a pie of many slices never gives two slices one colour. The shades keep their hue,
/// so series stay told apart by lightness as well; lighter tints would fall under 3:1
/// contrast on the white plot.
pub fn series_color(index: usize) -> RGBColor {
    let RGBColor(r, g, b) = PALETTE[index % PALETTE.len()];
    let toward = |channel: u8, target: u8, share: u32| {
        ((u32::from(channel) * (100 - share) + u32::from(target) * share) / 100) as u8
    };
    match (index / PALETTE.len()) % 3 {
        0 => RGBColor(r, g, b),
        1 => RGBColor(toward(r, 0, 30), toward(g, 0, 30), toward(b, 0, 30)),
        _ => RGBColor(toward(r, 0, 55), toward(g, 0, 55), toward(b, 0, 55)),
    }
}

/// One labelled circle per point. x is drawn as log10(1 + x), so a repository with one
/// commit is not squashed against the axis; y likewise when the data asks for a log axis;
/// a circle's radius grows with log(1 + size).
fn draw_scatter(svg: &mut String, points: &Points, spec: &ChartSpec, size: ChartSize) -> Result<Vec<HitArea>, String> {
    let log1p10 = |v: f64| (1.0 + v.max(0.0)).log10();
    let x_of = |p: &Point| log1p10(p.x);
    let y_of = |p: &Point| if points.log_y { log1p10(p.y) } else { p.y };
    let top = |values: &mut dyn Iterator<Item = f64>| values.fold(0.0f64, f64::max).max(1.0) * 1.15;
    let (x_max, y_max) = (top(&mut points.points.iter().map(x_of)), top(&mut points.points.iter().map(y_of)));
    let root = SVGBackend::with_string(svg, (size.width, size.height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..x_max, 0f64..y_max)
        .map_err(|e| e.to_string())?;
    let unlog = |v: &f64| format!("{:.0}", 10f64.powf(*v) - 1.0);
    let plain = |v: &f64| format!("{v:.0}");
    let y_format: &dyn Fn(&f64) -> String = if points.log_y { &unlog } else { &plain };
    chart
        .configure_mesh()
        .bold_line_style(RGBColor(225, 228, 232))
        .light_line_style(TRANSPARENT)
        .x_label_formatter(&unlog)
        .y_label_formatter(y_format)
        .x_desc(spec.x_axis)
        .y_desc(if points.log_y { "Weighted actions (log scale)" } else { "Weighted actions" })
        .label_style(AXIS_FONT)
        .axis_desc_style(AXIS_FONT)
        .draw()
        .map_err(|e| e.to_string())?;
    let mut areas = Vec::with_capacity(points.points.len());
    for (index, point) in points.points.iter().enumerate() {
        let color = series_color(index);
        let radius = 4 + (3.0 * (1.0 + point.size.max(0.0)).ln()).round() as i32;
        let at = (x_of(point), y_of(point));
        chart.draw_series([Circle::new(at, radius, color.mix(0.7).filled())]).map_err(|e| e.to_string())?;
        chart.draw_series([Text::new(point.label.clone(), at, AXIS_FONT.into_font())]).map_err(|e| e.to_string())?;
        let (cx, cy) = chart.backend_coord(&at);
        areas.push(HitArea::Circle { cx, cy, r: radius.max(6) });
    }
    root.present().map_err(|e| e.to_string())?;
    Ok(areas)
}

/// A pie of the first series, one slice per label with a value above zero, from twelve
/// o'clock clockwise.
fn draw_pie(
    svg: &mut String,
    labels: &[String],
    series: &[Series],
    note: &str,
    drawing: Drawing,
) -> Result<Vec<HitArea>, String> {
    let size = drawing.size;
    let root = SVGBackend::with_string(svg, (size.width, size.height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    if !note.is_empty() {
        root.draw(&Text::new(note.to_owned(), (12, size.height as i32 - 20), AXIS_FONT.into_font()))
            .map_err(|e| e.to_string())?;
    }
    let values = series.first().map_or(&[][..], |s| &s.values[..]);
    let slices: Vec<usize> = pie_slices(labels, values, drawing.hidden).into_iter().map(|(i, _)| i).collect();
    let mut areas = Vec::with_capacity(slices.len());
    if !slices.is_empty() {
        let sizes: Vec<f64> = slices.iter().map(|i| values[*i] as f64).collect();
        let colors: Vec<RGBColor> = slices.iter().map(|i| series_color(*i)).collect();
        let total: f64 = sizes.iter().sum();
        // Thin slices go unlabelled on the pie, where their names would overlap; the legend
        // beside it names every slice with its value and share.
        let names: Vec<&str> =
            slices.iter().zip(&sizes).map(|(i, v)| if v / total >= 0.04 { labels[*i].as_str() } else { "" }).collect();
        // Without its legend beside it, the pie takes the middle.
        let center_x = if drawing.legend { size.width / 3 } else { size.width / 2 };
        let center = (center_x as i32, (size.height / 2) as i32);
        let radius = f64::from(size.height) * 0.36;
        let mut start = -std::f64::consts::FRAC_PI_2;
        for value in &sizes {
            let sweep = value / total * std::f64::consts::TAU;
            areas.push(HitArea::Path(slice_path(center, radius, start, sweep)));
            start += sweep;
        }
        let mut pie = Pie::new(&center, &radius, &sizes, &colors, &names);
        pie.start_angle(-90.0);
        pie.label_style(AXIS_FONT.into_font().color(&BLACK));
        pie.label_offset(12.0);
        root.draw(&pie).map_err(|e| e.to_string())?;
        if !drawing.legend {
            root.present().map_err(|e| e.to_string())?;
            return Ok(areas);
        }
        let legend_x = (size.width * 2 / 3) as i32 - 40;
        let row_height = (size.height as i32 - 24) / slices.len().max(12) as i32;
        for (row, ((index, value), color)) in slices.iter().zip(&sizes).zip(&colors).enumerate() {
            let y = 12 + row as i32 * row_height;
            root.draw(&Rectangle::new([(legend_x, y), (legend_x + 10, y + 10)], color.filled()))
                .map_err(|e| e.to_string())?;
            let text = format!("{}: {} ({:.1}%)", labels[*index], value, value / total * 100.0);
            root.draw(&Text::new(text, (legend_x + 16, y), AXIS_FONT.into_font())).map_err(|e| e.to_string())?;
        }
    }
    root.present().map_err(|e| e.to_string())?;
    Ok(areas)
}

/// A pie slice from `start`, `sweep` radians clockwise (on screen), as an SVG path.
fn slice_path((cx, cy): (i32, i32), radius: f64, start: f64, sweep: f64) -> String {
    let at = |angle: f64| (f64::from(cx) + radius * angle.cos(), f64::from(cy) + radius * angle.sin());
    if sweep >= std::f64::consts::TAU - 1e-9 {
        // A whole circle: two half arcs, since one arc cannot end where it starts.
        let (top, bottom) = (at(start), at(start + std::f64::consts::PI));
        return format!(
            "M{:.1} {:.1}A{radius:.1} {radius:.1} 0 1 1 {:.1} {:.1}A{radius:.1} {radius:.1} 0 1 1 {:.1} {:.1}Z",
            top.0, top.1, bottom.0, bottom.1, top.0, top.1
        );
    }
    let ((x0, y0), (x1, y1)) = (at(start), at(start + sweep));
    let large = i32::from(sweep > std::f64::consts::PI);
    format!("M{cx} {cy}L{x0:.1} {y0:.1}A{radius:.1} {radius:.1} 0 {large} 1 {x1:.1} {y1:.1}Z")
}

const TABLE_ROW: u32 = 26;

/// A heading line, the rows and the note.
fn table_height(table: &Table) -> u32 {
    TABLE_ROW * (table.rows.len() as u32 + 2) + 12
}

/// The table as text in columns: the page shows an HTML table, this is the SVG download.
/// Each column is as wide as its longest cell (at about 8 px a character).
fn draw_table(svg: &mut String, table: &Table, size: ChartSize) -> Result<(), String> {
    let root = SVGBackend::with_string(svg, (size.width, size.height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let widths: Vec<i32> = (0..table.columns.len())
        .map(|c| {
            let longest = std::iter::once(&table.columns).chain(&table.rows).filter_map(|row| row.get(c));
            longest.map(|cell| cell.chars().count()).max().unwrap_or(0) as i32 * 8 + 24
        })
        .collect();
    let bold = AXIS_FONT.into_font().style(FontStyle::Bold);
    for (line, cells) in std::iter::once(&table.columns).chain(&table.rows).enumerate() {
        let y = 12 + line as i32 * TABLE_ROW as i32;
        if line > 0 {
            let rule = [(12, y - 6), (size.width as i32 - 12, y - 6)];
            root.draw(&PathElement::new(rule, RGBColor(225, 228, 232))).map_err(|e| e.to_string())?;
        }
        let mut x = 12;
        for (cell, width) in cells.iter().zip(&widths) {
            let font = if line == 0 { bold.clone() } else { AXIS_FONT.into_font() };
            root.draw(&Text::new(cell.clone(), (x, y), font)).map_err(|e| e.to_string())?;
            x += width;
        }
    }
    if !table.note.is_empty() {
        let y = 12 + (table.rows.len() as i32 + 1) * TABLE_ROW as i32;
        root.draw(&Text::new(table.note.clone(), (12, y), AXIS_FONT.into_font())).map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}

/// Draws one position per label along the x axis, each series' value at each position.
fn draw(
    svg: &mut String,
    labels: &[String],
    series: &[Series],
    spec: &ChartSpec,
    drawing: Drawing,
) -> Result<Vec<HitArea>, String> {
    let (areas, bars) = draw_axes_and_lines(svg, labels, series, spec, drawing)?;
    place_bars(svg, &bars);
    Ok(areas)
}

/// The drawing of [`draw`] with the bars left out as paths to place, since plotters holds the
/// SVG text until its drawing ends.
fn draw_axes_and_lines(
    svg: &mut String,
    labels: &[String],
    series: &[Series],
    spec: &ChartSpec,
    drawing: Drawing,
) -> Result<(Vec<HitArea>, String), String> {
    let (n, layout, size) = (labels.len(), spec.layout, drawing.size);
    let shown: Vec<usize> = (0..series.len()).filter(|s| !drawing.hidden.contains(&series[*s].name)).collect();
    let is_line = |name: &str| match layout {
        Layout::Bars { lines } => lines.contains(&name),
        Layout::Stacked => false,
        Layout::Lines => true,
        Layout::Pie | Layout::Scatter | Layout::Table => false,
    };
    let value = |s: usize, i: usize| series[s].values.get(i).copied().unwrap_or(0);
    let top = (0..n)
        .map(|i| {
            let stacked: i64 = shown.iter().map(|&s| value(s, i).max(0)).sum();
            let single = shown.iter().map(|&s| value(s, i)).max().unwrap_or(0);
            if layout == Layout::Stacked {
                stacked
            } else {
                single
            }
        })
        .max()
        .unwrap_or(0)
        .max(1);
    let root = SVGBackend::with_string(svg, (size.width, size.height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    // A file's legend sits under the plot, never over the data.
    let legend_rows = if drawing.legend && series.len() > 1 { legend_rows(series, size.width) } else { Vec::new() };
    let legend_height = 22 * legend_rows.len() as u32;
    let (plot_area, legend_area) = root.split_vertically(size.height - legend_height);
    let y_end = top + top / 10 + 1;
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(12)
        // Room for the last x label, which is centred on the last position.
        .margin_right(36)
        .x_label_area_size(if spec.x_axis.is_empty() { 32 } else { 48 })
        .y_label_area_size(56)
        .build_cartesian_2d(-0.5f64..(n.max(1) as f64 - 0.5), 0i64..y_end)
        .map_err(|e| e.to_string())?;
    // Period i is centred on x = i; ticks between periods get no label.
    let label = |x: &f64| {
        let i = x.round();
        if (x - i).abs() > 1e-6 || i < 0.0 {
            return String::new();
        }
        labels.get(i as usize).cloned().unwrap_or_default()
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(RGBColor(225, 228, 232))
        .light_line_style(TRANSPARENT)
        // Up to 24 labelled positions (a day's hours); longer axes label every few.
        .x_labels(if n <= 24 { n.max(1) } else { 8 })
        .x_label_formatter(&label)
        .x_desc(spec.x_axis)
        .label_style(AXIS_FONT)
        .axis_desc_style(AXIS_FONT)
        .draw()
        .map_err(|e| e.to_string())?;

    let bar_series: Vec<usize> = shown.iter().copied().filter(|s| !is_line(&series[*s].name)).collect();
    let gap = if n > 200 { 0.0 } else { 0.1 };
    let slot = (1.0 - 2.0 * gap) / bar_series.len().max(1) as f64;
    let mut base = vec![0i64; n];
    let mut bars = String::new();
    for (k, &s) in bar_series.iter().enumerate() {
        let mut boxes: Vec<BarBox> = Vec::new();
        for (i, stack) in base.iter_mut().enumerate() {
            let v = value(s, i);
            if v <= 0 {
                continue;
            }
            let left = i as f64 - 0.5 + gap;
            let (x0, x1, y0, y1) = if layout == Layout::Stacked {
                let y0 = *stack;
                *stack += v;
                (left, left + 1.0 - 2.0 * gap, y0, y0 + v)
            } else {
                (left + k as f64 * slot, left + (k + 1) as f64 * slot, 0, v)
            };
            let ((left, top), (right, bottom)) = (chart.backend_coord(&(x0, y1)), chart.backend_coord(&(x1, y0)));
            boxes.push((left, top, right, bottom));
        }
        if !boxes.is_empty() {
            bars.push_str(&bar_path(&series_hex(s), &boxes));
        }
    }
    if !bars.is_empty() {
        chart
            .plotting_area()
            .draw(&Text::new(BARS_HERE, (0.0, 0), AXIS_FONT.into_font()))
            .map_err(|e| e.to_string())?;
    }
    for &s in shown.iter().filter(|s| is_line(&series[**s].name)) {
        let color = series_color(s);
        let points = (0..n).map(|i| (i as f64, value(s, i)));
        chart.draw_series(LineSeries::new(points, color.stroke_width(2))).map_err(|e| e.to_string())?;
    }
    for (row, entries) in legend_rows.iter().enumerate() {
        let y = 6 + row as i32 * 22;
        for &(s, x) in entries {
            let color = series_color(s);
            legend_area.draw(&Rectangle::new([(x, y), (x + 10, y + 10)], color.filled())).map_err(|e| e.to_string())?;
            legend_area
                .draw(&Text::new(series[s].name.clone(), (x + 15, y), AXIS_FONT.into_font()))
                .map_err(|e| e.to_string())?;
        }
    }
    // One hit area per position: the whole column, so a zero or a thin bar is easy to hover.
    let areas = (0..n)
        .map(|i| {
            let (x0, y0) = chart.backend_coord(&(i as f64 - 0.5, y_end));
            let (x1, y1) = chart.backend_coord(&(i as f64 + 0.5, 0));
            HitArea::Rect { x: x0, y: y0, width: (x1 - x0).max(1), height: (y1 - y0).max(1) }
        })
        .collect();
    root.present().map_err(|e| e.to_string())?;
    Ok((areas, bars))
}

pub(crate) fn period_label(start: NaiveDate, interval: Interval) -> String {
    match interval {
        Interval::Day | Interval::Week => crate::iso::format_date(start),
        Interval::Month => format!("{:04}-{:02}", start.year(), start.month()),
        Interval::Quarter => format!("{} Q{}", start.year(), start.month0() / 3 + 1),
        Interval::Half => format!("{} H{}", start.year(), start.month0() / 6 + 1),
        Interval::Year => format!("{:04}", start.year()),
    }
}

/// Each series' place in the file's legend: rows of (series, x), as many as the width needs.
fn legend_rows(series: &[Series], width: u32) -> Vec<Vec<(usize, i32)>> {
    let mut rows: Vec<Vec<(usize, i32)>> = vec![Vec::new()];
    let mut x = 68;
    for (s, one) in series.iter().enumerate() {
        let entry = 15 + one.name.chars().count() as i32 * 7 + 18;
        if x + entry > width as i32 - 12 && x > 68 {
            rows.push(Vec::new());
            x = 68;
        }
        rows.last_mut().expect("one row at least").push((s, x));
        x += entry;
    }
    rows
}

/// plotters writes a fixed width and height; a viewBox lets CSS size the chart instead.
/// The chart is a group named by its title, each mark an image named by its values.
fn responsive(svg: &str, size: ChartSize, title: &str) -> String {
    let fixed = format!("width=\"{}\" height=\"{}\"", size.width, size.height);
    // plotters writes a viewBox of its own: a second one would make the file invalid XML.
    let has_view_box = svg.split('>').next().is_some_and(|tag| tag.contains("viewBox="));
    let view_box =
        if has_view_box { String::new() } else { format!("viewBox=\"0 0 {} {}\" ", size.width, size.height) };
    let named = format!(
        "{view_box}preserveAspectRatio=\"xMidYMid meet\" role=\"group\" aria-label=\"{}\"",
        crate::hits::escape(title)
    );
    svg.replacen(&fixed, &named, 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Categories, TimeSeries};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn spec(layout: Layout) -> ChartSpec {
        ChartSpec { layout, ..crate::catalog::UNSET }
    }

    #[test]
    fn twenty_four_series_get_twenty_four_colours() {
        let colours: std::collections::HashSet<String> = (0..24).map(series_hex).collect();
        assert_eq!(colours.len(), 24, "{colours:?}");
        assert_eq!(series_hex(0), "#316EC4", "the first stays the app's blue");
        assert_eq!(series_hex(24), series_hex(0), "then the cycle starts again");
        // Each shade is darker than the one before, with the same hue order.
        let light = |c: RGBColor| u32::from(c.0) + u32::from(c.1) + u32::from(c.2);
        assert!(light(series_color(8)) < light(series_color(0)));
        assert!(light(series_color(16)) < light(series_color(8)));
    }

    /// WCAG's relative luminance of an sRGB colour.
    fn luminance(RGBColor(r, g, b): RGBColor) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    #[test]
    fn every_series_colour_has_three_to_one_contrast_on_the_white_plot() {
        // WCAG 1.4.11 (non-text contrast): marks need 3:1 against what they are drawn on.
        for index in 0..24 {
            let contrast = 1.05 / (luminance(series_color(index)) + 0.05);
            assert!(contrast >= 3.0, "series {index} ({}): {contrast:.2}:1", series_hex(index));
        }
    }

    fn fill(index: usize) -> String {
        let c = series_color(index);
        format!("fill=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2)
    }

    /// How many bars series `index` has: the rectangles in its path.
    fn bar_count(svg: &str, index: usize) -> usize {
        let start = format!("<path {} d=\"", fill(index));
        svg.find(&start).map_or(0, |at| svg[at + start.len()..].split('"').next().unwrap_or("").matches('z').count())
    }

    fn two_series() -> TimeSeries {
        TimeSeries {
            periods: vec![d(2024, 1, 1), d(2024, 2, 1), d(2024, 3, 1)],
            series: vec![
                Series { name: "opened".into(), values: vec![2, 0, 1] },
                Series { name: "open".into(), values: vec![2, 2, 3] },
            ],
        }
    }

    #[test]
    fn draws_one_bar_per_non_empty_period() {
        let ts = TimeSeries::count_by_period(Interval::Month, "commits", [d(2024, 1, 5), d(2024, 1, 6), d(2024, 3, 1)]);
        let svg = chart_svg(&ts.into(), &spec(Layout::Bars { lines: &[] }), Interval::Month, Drawing::file());
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("viewBox=\"0 0 900 360\""));
        // January (2) and March (1) are bars; February is zero and draws no rectangle.
        assert_eq!(bar_count(&svg, 0), 2, "{svg}");
        assert!(!svg.contains(BARS_HERE), "{svg}");
        assert!(svg.contains("2024-01"));
        assert!(!svg.contains("opacity=\"1\"") && !svg.contains("stroke=\"none\""), "defaults left out: {svg}");
    }

    #[test]
    fn a_line_series_is_a_path_and_the_others_bars() {
        let svg =
            chart_svg(&two_series().into(), &spec(Layout::Bars { lines: &["open"] }), Interval::Month, Drawing::file());
        // Two bars, and the legend's swatch for "opened".
        assert_eq!(bar_count(&svg, 0), 2, "{svg}");
        assert_eq!(svg.matches(&fill(0)).count(), 2, "{svg}");
        // The bars lie under the line.
        let line = series_color(1);
        let stroke = format!("<polyline fill=\"none\" stroke=\"#{:02X}{:02X}{:02X}\"", line.0, line.1, line.2);
        assert!(svg.find(&format!("<path {}", fill(0))) < svg.find(&stroke), "{svg}");
        assert!(svg.contains("\nopen\n") && svg.contains("\nopened\n"), "legend names both series: {svg}");
    }

    #[test]
    fn stacked_bars_draw_every_non_zero_value() {
        let svg = chart_svg(&two_series().into(), &spec(Layout::Stacked), Interval::Month, Drawing::file());
        // Series 0 has two non-zero values, series 1 three.
        assert_eq!(bar_count(&svg, 0), 2, "{svg}");
        assert_eq!(bar_count(&svg, 1), 3, "{svg}");
    }

    #[test]
    fn an_empty_series_still_draws_axes() {
        let ts = TimeSeries::count_by_period(Interval::Day, "commits", []);
        let svg = chart_svg(&ts.into(), &spec(Layout::Lines), Interval::Day, Drawing::file());
        assert!(svg.contains("<svg"));
        assert!(!svg.contains("could not be drawn"));
    }

    #[test]
    fn a_pie_has_a_slice_per_category_with_a_value_and_names_them() {
        let data = ChartData::from(Categories {
            categories: vec!["alice".into(), "bob".into(), "Other".into(), "nobody".into()],
            series: vec![Series { name: "contributions".into(), values: vec![6, 3, 1, 0] }],
            note: "2 left out".into(),
        });
        let svg = chart_svg(&data, &spec(Layout::Pie), Interval::Month, Drawing::file());
        assert!(svg.contains("alice") && svg.contains("Other") && !svg.contains("nobody"), "{svg}");
        assert!(svg.contains("alice: 6 (60.0%)") && svg.contains("Other: 1 (10.0%)"), "{svg}");
        assert!(svg.contains("2 left out"), "the note is drawn: {svg}");
        let empty = ChartData::from(Categories::default());
        assert!(!chart_svg(&empty, &spec(Layout::Pie), Interval::Month, Drawing::file()).contains("could not"));
    }

    #[test]
    fn every_period_is_a_named_hit_area_and_hidden_series_are_left_out() {
        let bars = spec(Layout::Bars { lines: &["open"] });
        let svg = chart_svg(&two_series().into(), &bars, Interval::Month, Drawing::file());
        assert_eq!(svg.matches("<title>").count(), 3, "{svg}");
        assert!(svg.contains("<title>2024-01: opened 2, open 2</title>"), "{svg}");
        // The page's drawing: the legend is the page's, "open" hidden keeps "opened"'s colour.
        let hidden = ["open".to_owned()];
        let page = chart_svg(&two_series().into(), &bars, Interval::Month, Drawing::page(&hidden));
        let line = series_color(1);
        let stroke = format!("stroke=\"#{:02X}{:02X}{:02X}\"", line.0, line.1, line.2);
        assert!(svg.contains(&stroke) && !page.contains(&stroke), "the hidden line is drawn: {page}");
        assert!(!page.contains("\nopened\n"), "the page's drawing has no legend: {page}");
        assert_eq!(bar_count(&page, 0), 2, "{page}");
        // The page names no period: one band over the three, which its readout names.
        assert!(!page.contains("<title>"), "{page}");
        assert_eq!(page.matches("class=\"band\"").count(), 1, "{page}");
        assert!(page.contains("data-n=\"3\""), "{page}");
        assert!(page.contains("role=\"group\" aria-label=\"\""), "{page}");
    }

    #[test]
    fn a_pie_slice_is_a_hit_area_with_its_share() {
        let pie = ChartData::Categories(Categories::one_series("commits", [("a.org", 3), ("b.org", 1)], 0));
        let svg = chart_svg(&pie, &spec(Layout::Pie), Interval::Month, Drawing::page(&[]));
        assert_eq!(svg.matches("<path d=\"M").count(), 2, "{svg}");
        assert!(svg.contains("<title>a.org: 3 (75.0%)</title>") && svg.contains("<title>b.org: 1 (25.0%)</title>"));
        // A single slice is a whole circle.
        let one = ChartData::Categories(Categories::one_series("commits", [("a.org", 3)], 0));
        let svg = chart_svg(&one, &spec(Layout::Pie), Interval::Month, Drawing::page(&[]));
        assert_eq!(svg.matches(" 0 1 1 ").count(), 2, "{svg}");
    }

    #[test]
    fn a_scatter_draws_a_labelled_circle_per_point() {
        let point = |id, label: &str, x, y, size| Point { id, label: label.into(), x, y, size };
        let data = ChartData::from(Points {
            points: vec![point(1, "chaoss/augur", 120.0, 40.5, 12.0), point(2, "other/augur", 1.0, 0.0, 1.0)],
            log_y: true,
        });
        let svg = chart_svg(&data, &spec(Layout::Scatter), Interval::Month, Drawing::file());
        // Each point, and each point's hit area over it.
        assert_eq!(svg.matches("<circle").count(), 4, "{svg}");
        assert_eq!(svg.matches("</circle>").count(), 2, "{svg}");
        assert!(svg.contains("<title>chaoss/augur: x 120, y 40.50, size 12</title>"), "{svg}");
        assert!(svg.contains("chaoss/augur") && svg.contains("other/augur") && svg.contains("log scale"), "{svg}");
    }

    #[test]
    fn a_table_draws_every_cell_and_its_note_and_grows_with_its_rows() {
        let table = Table {
            columns: vec!["Check".into(), "Score".into()],
            rows: vec![vec!["Code-Review".into(), "8".into()], vec!["SAST".into(), "Inconclusive".into()]],
            note: "Collected 2024-05-01".into(),
        };
        let svg = chart_svg(&ChartData::Table(table.clone()), &spec(Layout::Table), Interval::Month, Drawing::file());
        for text in ["Check", "Score", "Code-Review", "Inconclusive", "Collected 2024-05-01"] {
            assert!(svg.contains(&format!(">\n{text}\n<")), "{text} in {svg}");
        }
        let taller = Table { rows: [table.rows.clone(), table.rows.clone()].concat(), ..table };
        let tall = chart_svg(&ChartData::Table(taller), &spec(Layout::Table), Interval::Month, Drawing::file());
        let height =
            |svg: &str| svg.split("viewBox=\"0 0 900 ").nth(1).and_then(|r| r.split('"').next()).map(str::to_owned);
        let rows = |svg: &str| height(svg).and_then(|h| h.parse::<u32>().ok()).unwrap_or(0);
        assert!(rows(&tall) > rows(&svg), "{} vs {}", rows(&tall), rows(&svg));
        // One viewBox: two would make the downloaded file invalid XML.
        assert_eq!(svg.matches("viewBox=").count(), 1, "{svg}");
    }

    #[test]
    fn categories_are_labelled_by_name() {
        let data = ChartData::from(Categories {
            categories: (0..24).map(|h| h.to_string()).collect(),
            series: vec![Series { name: "commits".into(), values: (0..24).collect() }],
            note: String::new(),
        });
        let svg = chart_svg(&data, &spec(Layout::Bars { lines: &[] }), Interval::Month, Drawing::file());
        // Hours 1 to 23 are bars (hour 0 is zero); every hour is labelled.
        assert_eq!(bar_count(&svg, 0), 23, "{svg}");
        assert!(svg.contains("\n23\n") && svg.contains("\n0\n"), "{svg}");
    }
}

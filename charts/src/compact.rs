//! Drawn SVG made smaller without changing what it shows. A weekly chart since 2009 has
//! hundreds of bars and line points, and a page of eleven charts was over a megabyte of
//! markup, most of it plotters' one `<rect>` per bar and one point per period.

/// Drawn where the bars go. plotters writes each element into the SVG as it draws and holds
/// the text until it is done, so the bars, drawn as paths of our own, replace this marker:
/// above the grid and axes, under the lines.
pub(crate) const BARS_HERE: &str = "@bars-go-here@";

/// A bar's pixel box: left, top, right, bottom.
pub(crate) type BarBox = (i32, i32, i32, i32);

/// One series' bars as a single path, a closed rectangle per bar. A bar narrower than a
/// pixel (a weekly chart on a narrow plot) keeps a pixel, so no value vanishes.
pub(crate) fn bar_path(fill: &str, bars: &[BarBox]) -> String {
    let mut d = String::with_capacity(bars.len() * 20);
    for &(left, top, right, bottom) in bars {
        let (width, height) = ((right - left).max(1), bottom - top);
        d.push_str(&format!("M{left} {top}h{width}v{height}h-{width}z"));
    }
    format!("<path fill=\"{fill}\" d=\"{d}\"/>\n")
}

/// Puts the bar paths where [`BARS_HERE`] was drawn, dropping the marker's `<text>`; without
/// the marker, on top of the drawing rather than nowhere.
pub(crate) fn place_bars(svg: &mut String, bars: &str) {
    let Some(at) = svg.find(BARS_HERE) else {
        if let Some(end) = svg.rfind("</svg>") {
            svg.insert_str(end, bars);
        }
        return;
    };
    let start = svg[..at].rfind("<text").unwrap_or(at);
    let end = svg[at..].find("</text>").map_or(at + BARS_HERE.len(), |e| at + e + "</text>".len());
    let end = if svg[end..].starts_with('\n') { end + 1 } else { end };
    svg.replace_range(start..end, bars);
}

/// plotters spells out SVG's defaults on every mark (opacity 1, no stroke), and writes every
/// point of a line, though a flat run of weeks needs only its two ends.
pub(crate) fn compact(svg: &str) -> String {
    let svg = svg.replace(" opacity=\"1\"", "").replace(" stroke=\"none\"", "");
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg.as_str();
    while let Some(at) = rest.find("<polyline") {
        let Some(points_at) = rest[at..].find("points=\"").map(|p| at + p + "points=\"".len()) else { break };
        let Some(len) = rest[points_at..].find('"') else { break };
        out.push_str(&rest[..points_at]);
        out.push_str(&simplify(&rest[points_at..points_at + len]));
        rest = &rest[points_at + len..];
    }
    out.push_str(rest);
    out
}

/// A polyline's points without those that lie on the straight line between their neighbours
/// (exactly, in whole pixels), so the line drawn is the same.
fn simplify(points: &str) -> String {
    let parsed: Option<Vec<(i64, i64)>> = points
        .split_whitespace()
        .map(|pair| {
            let (x, y) = pair.split_once(',')?;
            Some((x.parse().ok()?, y.parse().ok()?))
        })
        .collect();
    let Some(parsed) = parsed else { return points.to_owned() };
    let mut kept: Vec<(i64, i64)> = Vec::with_capacity(parsed.len());
    for point in parsed {
        if kept.last() == Some(&point) {
            continue;
        }
        if let [.., a, b] = kept[..] {
            let turn = (b.0 - a.0) * (point.1 - a.1) - (b.1 - a.1) * (point.0 - a.0);
            // b lies on the segment from a to the new point: same line, and not doubling back.
            let between = (b.0 - a.0) * (point.0 - b.0) + (b.1 - a.1) * (point.1 - b.1) >= 0;
            if turn == 0 && between {
                kept.pop();
            }
        }
        kept.push(point);
    }
    kept.iter().map(|(x, y)| format!("{x},{y}")).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_run_keeps_its_ends_and_corners_stay() {
        assert_eq!(simplify("0,10 1,10 2,10 3,10 4,5 5,5 "), "0,10 3,10 4,5 5,5");
        // A straight diagonal needs its two ends; a repeated point goes.
        assert_eq!(simplify("0,0 1,1 2,2 2,2 3,3"), "0,0 3,3");
        // A line that doubles back keeps the point where it turns.
        assert_eq!(simplify("0,0 5,0 2,0"), "0,0 5,0 2,0");
    }

    #[test]
    fn only_polyline_points_are_rewritten() {
        let svg = "<line x1=\"0\" y1=\"0\" x2=\"1\" y2=\"1\"/>\n<polyline fill=\"none\" opacity=\"1\" \
                   stroke=\"#000000\" points=\"0,5 1,5 2,5 \"/>\n<rect stroke=\"none\" opacity=\"1\"/>";
        assert_eq!(
            compact(svg),
            "<line x1=\"0\" y1=\"0\" x2=\"1\" y2=\"1\"/>\n<polyline fill=\"none\" stroke=\"#000000\" \
             points=\"0,5 2,5\"/>\n<rect/>"
        );
    }

    #[test]
    fn without_the_marker_the_bars_still_show() {
        let mut svg = "<svg><line/></svg>".to_owned();
        place_bars(&mut svg, "<path/>");
        assert_eq!(svg, "<svg><line/><path/></svg>");
    }

    #[test]
    fn bars_replace_the_marker_text() {
        let mut svg = format!("<line/>\n<text x=\"0\" y=\"0\">\n{BARS_HERE}\n</text>\n<polyline/>");
        place_bars(&mut svg, &bar_path("#316EC4", &[(10, 20, 12, 100), (12, 50, 12, 100)]));
        assert_eq!(svg, "<line/>\n<path fill=\"#316EC4\" d=\"M10 20h2v80h-2zM12 50h1v50h-1z\"/>\n<polyline/>");
    }
}

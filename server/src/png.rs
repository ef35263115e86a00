//! PNG downloads: a chart's SVG file rasterised by resvg at twice its size, with the
//! bundled DejaVu Sans as every sans-serif font, so the text looks the same on any server
//! whatever fonts it has installed.

use std::sync::{Arc, LazyLock};

use resvg::{tiny_skia, usvg};

/// How many device pixels a chart pixel becomes: crisp on high-density screens and in slides.
pub const SCALE: f32 = 2.0;

static FONTS: LazyLock<Arc<usvg::fontdb::Database>> = LazyLock::new(|| {
    let mut fonts = usvg::fontdb::Database::new();
    fonts.load_font_data(include_bytes!("../assets/DejaVuSans.ttf").to_vec());
    fonts.load_font_data(include_bytes!("../assets/DejaVuSans-Bold.ttf").to_vec());
    fonts.set_sans_serif_family("DejaVu Sans");
    Arc::new(fonts)
});

/// The SVG as PNG bytes, or why it could not be drawn.
pub fn svg_to_png(svg: &str) -> Result<Vec<u8>, String> {
    let options = usvg::Options { fontdb: FONTS.clone(), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| format!("the chart's SVG does not parse: {e}"))?;
    let size = tree.size().to_int_size().scale_by(SCALE).ok_or("the chart has no size")?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("the chart is too large to draw")?;
    resvg::render(&tree, tiny_skia::Transform::from_scale(SCALE, SCALE), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| format!("the PNG could not be encoded: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use charts::{chart_svg, ChartData, ChartId, Drawing, Interval, Series, TimeSeries};

    /// Width and height from a PNG's IHDR chunk.
    fn png_size(bytes: &[u8]) -> (u32, u32) {
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
        assert_eq!(&bytes[12..16], b"IHDR");
        let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
        (be(16), be(20))
    }

    #[test]
    fn a_chart_becomes_a_png_twice_its_size_with_its_text_drawn() {
        let data = ChartData::Periods(TimeSeries {
            periods: vec![chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()],
            series: vec![Series { name: "commits".into(), values: vec![214] }],
        });
        let svg = chart_svg(&data, ChartId::CommitsOverTime.spec(), Interval::Month, Drawing::file());
        let png = svg_to_png(&svg).unwrap();
        assert_eq!(png_size(&png), (1800, 720));
        // The same chart without its text is a smaller file: the labels were drawn.
        let blank = svg_to_png(&svg.replace("2024-03", "").replace(">\n214\n<", "><")).unwrap();
        assert!(png.len() > blank.len(), "{} vs {}", png.len(), blank.len());
    }
}

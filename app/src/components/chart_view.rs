//! A drawn chart a reader can explore: each mark's values on hover and from the keyboard
//! (arrow keys), a legend whose entries hide and show their series, and the same numbers
//! as a table on demand.

use charts::{chart_svg, mark_texts, series_hex, ChartData, ChartId, Drawing, Interval, Layout, Table};
use leptos::{prelude::*, wasm_bindgen::JsCast, web_sys};

use crate::{components::chart_card::DataTable, url_state::hidden_series};

const HINT: &str = "Hover over the chart, or focus it and use the arrow keys, for exact values.";

#[component]
pub fn ChartView(chart: ChartId, data: ChartData, interval: Interval) -> impl IntoView {
    let hidden = hidden_series(chart);
    let layout = chart.layout();
    let data = StoredValue::new(data);
    let texts = Memo::new(move |_| data.with_value(|d| mark_texts(d, layout, interval, &hidden.get())));
    let focused = RwSignal::new(None::<usize>);
    let readout_id = format!("{}-readout", chart.slug());
    // A hydrating page already holds the server's drawing, and drawing all of a page's charts
    // again in the browser was most of its hydration. The browser draws once the reader
    // hides or shows a series, or when it built the card itself (a chart that became ready
    // on the page), which the effect below finds by the empty container.
    let drawn = NodeRef::<leptos::html::Div>::new();
    let must_draw = RwSignal::new(cfg!(not(feature = "hydrate")));
    let first_hidden = hidden.get_untracked();
    let drawing_started = StoredValue::new(false);
    let svg = move || {
        let hidden = hidden.get();
        if !(must_draw.get() || drawing_started.get_value() || hidden != first_hidden) {
            return String::new();
        }
        drawing_started.set_value(true);
        data.with_value(|d| chart_svg(d, chart.spec(), interval, Drawing::page(&hidden)))
    };
    Effect::new(move |_| {
        if drawn.get().is_some_and(|div| div.first_element_child().is_none()) {
            must_draw.set(true);
        }
    });
    let readout =
        move || focused.get().and_then(|i| texts.with(|t| t.get(i).cloned())).unwrap_or_else(|| HINT.to_owned());
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let count = texts.with(Vec::len);
        if count == 0 {
            return;
        }
        let next = match (ev.key().as_str(), focused.get_untracked()) {
            ("ArrowRight" | "ArrowDown", None) | ("Home", _) => 0,
            ("ArrowLeft" | "ArrowUp", None) | ("End", _) => count - 1,
            ("ArrowRight" | "ArrowDown", Some(i)) => (i + 1).min(count - 1),
            ("ArrowLeft" | "ArrowUp", Some(i)) => i.saturating_sub(1),
            _ => return,
        };
        ev.prevent_default();
        focused.set(Some(next));
    };
    // The mark under the pointer: the period under it on a bar or line chart's band, else
    // the mark's place among the marks.
    let on_pointer = move |ev: web_sys::MouseEvent| {
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        // An SVG element's className is not a string: read the attribute.
        let index = if target.get_attribute("class").as_deref() == Some("band") {
            let periods: f64 = target.get_attribute("data-n").and_then(|n| n.parse().ok()).unwrap_or(0.0);
            let box_ = target.get_bounding_client_rect();
            let at = (f64::from(ev.client_x()) - box_.left()) / box_.width().max(1.0) * periods;
            (periods >= 1.0).then(|| at.clamp(0.0, periods - 1.0) as usize)
        } else {
            target.closest(".marks > *").ok().flatten().map(|mark| {
                let mut index = 0;
                let mut before = mark.previous_element_sibling();
                while let Some(sibling) = before {
                    index += 1;
                    before = sibling.previous_element_sibling();
                }
                index
            })
        };
        if index.is_some() && index != focused.get_untracked() {
            focused.set(index);
        }
    };
    // The focused mark is outlined, so a keyboard reader sees where they are: on a band the
    // cursor moves to its period.
    Effect::new(move |_| {
        let index = focused.get();
        let Some(container) = drawn.get() else { return };
        if let (Ok(Some(band)), Ok(Some(cursor))) =
            (container.query_selector(".marks > .band"), container.query_selector(".marks > .cursor"))
        {
            let number = |name: &str| band.get_attribute(name).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
            let (x, width, periods) = (number("x"), number("width"), number("data-n").max(1.0));
            let (at, class) = match index {
                Some(i) => (x + i as f64 * width / periods, "cursor focused"),
                None => (x, "cursor"),
            };
            let _ = cursor.set_attribute("x", &format!("{at:.1}"));
            let _ =
                cursor.set_attribute("width", &format!("{:.1}", if index.is_some() { width / periods } else { 0.0 }));
            let _ = cursor.set_attribute("class", class);
            return;
        }
        if let Ok(Some(previous)) = container.query_selector(".marks > .focused") {
            let _ = previous.remove_attribute("class");
        }
        let selector = index.map(|i| format!(".marks > :nth-child({})", i + 1));
        if let Some(Ok(Some(mark))) = selector.map(|s| container.query_selector(&s)) {
            let _ = mark.set_attribute("class", "focused");
        }
    });
    view! {
        <div
            class="chart"
            node_ref=drawn
            data-state="ready"
            data-interval=interval.as_str()
            tabindex="0"
            aria-describedby=readout_id.clone()
            on:keydown=on_keydown
            on:mousemove=on_pointer
            inner_html=svg
        ></div>
        <p class="readout" id=readout_id aria-live="polite">{readout}</p>
        <Legend chart data hidden />
        <TableView chart data interval />
    }
}

/// One entry per series (per slice for a pie): a button that hides or shows it.
#[component]
fn Legend(chart: ChartId, data: StoredValue<ChartData>, hidden: RwSignal<Vec<String>>) -> impl IntoView {
    let names: Vec<String> = data.with_value(|d| match (chart.layout(), d) {
        (_, ChartData::Points(_) | ChartData::Table(_)) => Vec::new(),
        (Layout::Pie, d) => d.labels(Interval::Month),
        (_, d) => d.series().iter().map(|s| s.name.clone()).collect(),
    });
    if names.len() < 2 {
        return None;
    }
    let entries = names
        .into_iter()
        .enumerate()
        .map(|(index, name)| {
            let shown = {
                let name = name.clone();
                move || hidden.with(|h| !h.contains(&name))
            };
            let toggle = {
                let name = name.clone();
                move |_| {
                    hidden.update(|h| match h.iter().position(|n| *n == name) {
                        Some(at) => {
                            h.remove(at);
                        }
                        None => h.push(name.clone()),
                    })
                }
            };
            let fill = series_hex(index);
            let series = name.clone();
            view! {
                <li>
                    <button type="button" data-series=series aria-pressed=move || shown().to_string() on:click=toggle>
                        <svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
                            <rect width="12" height="12" rx="2" fill=fill></rect>
                        </svg>
                        {name}
                    </button>
                </li>
            }
        })
        .collect_view();
    Some(view! {
        <ul class="legend" aria-label=format!("Series of {}: press to hide or show", chart.title())>
            {entries}
        </ul>
    })
}

/// "Show as table": the chart's numbers as an HTML table, built when first opened.
#[component]
fn TableView(chart: ChartId, data: StoredValue<ChartData>, interval: Interval) -> impl IntoView {
    let open = RwSignal::new(false);
    let caption = format!("{}: the chart's numbers", chart.title());
    view! {
        <details class="as-table" on:toggle=move |_| open.set(true)>
            <summary>"Show as table"</summary>
            {move || {
                open.get().then(|| {
                    let table: Table = data.with_value(|d| d.to_table(interval));
                    view! { <DataTable caption=caption.clone() table /> }
                })
            }}
        </details>
    }
}

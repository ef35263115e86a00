//! Hears from the server (`/api/v1/events`, server-sent events) the moment a pending
//! chart's job finishes, so that its card asks again at once instead of on its poll
//! schedule. The polls stay: they are the fallback that always works.

use std::collections::BTreeMap;

use charts::{encode_query_value, ChartId};
use leptos::prelude::*;

use crate::{components::progress::PageProgress, url_state::Selection};

/// How many times the server told each chart's job finished; cards watch their count.
#[derive(Clone, Copy)]
pub struct FinishedCharts(RwSignal<BTreeMap<ChartId, u32>>);

impl FinishedCharts {
    /// Starts listening for the page's pending charts: one stream at a time, opened while
    /// any chart is pending, for those charts.
    pub fn provide(progress: PageProgress, selection: Signal<Selection>) {
        let finished = FinishedCharts(RwSignal::new(BTreeMap::new()));
        provide_context(finished);
        listen(finished, progress, selection);
    }

    /// The times `chart` was told finished (tracked); zero outside a charts page.
    pub fn times(chart: ChartId) -> u32 {
        use_context::<FinishedCharts>()
            .map_or(0, |FinishedCharts(told)| told.with(|t| t.get(&chart).copied()).unwrap_or(0))
    }
}

/// The stream's address for these charts of this selection.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // the server renders no stream
fn events_url(charts: &[ChartId], selection: &Selection) -> String {
    let slugs: Vec<&str> = charts.iter().map(|c| c.slug()).collect();
    let ids: Vec<String> = selection.repos.iter().map(i64::to_string).collect();
    let mut url = format!("/api/v1/events?charts={}&repos={}", slugs.join(","), ids.join(","));
    if !selection.orgs.is_empty() {
        let orgs: Vec<String> = selection.orgs.iter().map(|o| encode_query_value(o)).collect();
        url.push_str(&format!("&orgs={}", orgs.join(",")));
    }
    url
}

#[cfg(not(feature = "hydrate"))]
fn listen(_: FinishedCharts, _: PageProgress, _: Signal<Selection>) {}

#[cfg(feature = "hydrate")]
fn listen(finished: FinishedCharts, progress: PageProgress, selection: Signal<Selection>) {
    use leptos::wasm_bindgen::{closure::Closure, JsCast};
    use std::time::Duration;
    use web_sys::{EventSource, MessageEvent};

    /// The stream, the charts it was opened for, and its listeners (kept alive with it).
    struct Open {
        source: EventSource,
        charts: Vec<ChartId>,
        _listeners: [Closure<dyn FnMut(web_sys::Event)>; 2],
    }
    let open = StoredValue::new_local(None::<Open>);
    // Bumped a while after a stream ends, to open the next one if charts still wait.
    let reopen = RwSignal::new(0u32);
    // Streams that ended in a row without telling anything: each waits longer to reopen.
    let fruitless = StoredValue::new(0u32);
    let close = move || {
        if let Some(stream) = open.try_update_value(Option::take).flatten() {
            stream.source.close();
        }
    };
    let pending = Memo::new(move |_| progress.pending());
    Effect::new(move |previous_selection: Option<Selection>| {
        reopen.track();
        let (pending, selection) = (pending.get(), selection.get());
        let same_selection = previous_selection.as_ref() == Some(&selection);
        let covered = open.with_value(|o| {
            o.as_ref().is_some_and(|o| {
                o.source.ready_state() != EventSource::CLOSED && pending.iter().all(|c| o.charts.contains(c))
            })
        });
        if pending.is_empty() || selection.is_empty() {
            close();
        } else if !(same_selection && covered) {
            close();
            let Ok(source) = EventSource::new(&events_url(&pending, &selection)) else { return selection };
            let told = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                let slug = event.dyn_ref::<MessageEvent>().and_then(|m| m.data().as_string());
                if let Some(chart) = slug.as_deref().and_then(ChartId::from_slug) {
                    fruitless.set_value(0);
                    finished.0.update(|told| *told.entry(chart).or_default() += 1);
                }
            });
            // The stream ended (all told, or its time up) or broke. The browser would
            // reconnect to the same charts on its own; instead it is closed, and the next
            // one opened for the charts still waiting, if any.
            let ended = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                open.with_value(|o| {
                    if let Some(o) = o {
                        o.source.close();
                    }
                });
                let attempt = fruitless.get_value();
                fruitless.set_value(attempt + 1);
                let delay = Duration::from_secs(1 << attempt.min(5));
                set_timeout(move || reopen.update(|n| *n = n.wrapping_add(1)), delay);
            });
            let _ = source.add_event_listener_with_callback("finished", told.as_ref().unchecked_ref());
            let _ = source.add_event_listener_with_callback("error", ended.as_ref().unchecked_ref());
            open.set_value(Some(Open { source, charts: pending, _listeners: [told, ended] }));
        }
        selection
    });
    on_cleanup(close);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_names_the_charts_and_the_selection() {
        let selection = Selection { repos: vec![1, 2], orgs: vec!["a b".into()] };
        let url = events_url(&[ChartId::CommitsOverTime, ChartId::PrsOverTime], &selection);
        assert_eq!(url, "/api/v1/events?charts=commits-over-time,prs-over-time&repos=1,2&orgs=a%20b");
    }
}

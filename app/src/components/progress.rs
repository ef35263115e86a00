//! The page's progress: how many of its charts are ready, running or failed, as they
//! arrive; and a button that copies the link to the current view.

use std::collections::BTreeMap;

use charts::ChartId;
use leptos::{prelude::*, wasm_bindgen::JsValue};

/// Where a chart card is, as the page summary counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardState {
    /// Nothing to draw yet: no selection, or no repository picked.
    Idle,
    Pending,
    Ready,
    Failed,
}

/// Every card's state, shared through the page's context.
#[derive(Clone, Copy)]
pub struct PageProgress(RwSignal<BTreeMap<ChartId, CardState>>);

impl PageProgress {
    pub fn provide() -> Self {
        let progress = PageProgress(RwSignal::new(BTreeMap::new()));
        provide_context(progress);
        progress
    }

    /// The charts whose jobs are queued or running (tracked).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // only the browser listens for them
    pub fn pending(&self) -> Vec<ChartId> {
        self.0.with(|states| states.iter().filter(|(_, s)| **s == CardState::Pending).map(|(c, _)| *c).collect())
    }

    /// Records a card's state; a card outside a charts page records nothing.
    pub fn report(chart: ChartId, state: CardState) {
        if let Some(PageProgress(states)) = use_context::<PageProgress>() {
            if states.with_untracked(|s| s.get(&chart) != Some(&state)) {
                states.update(|s| {
                    s.insert(chart, state);
                });
            }
        }
    }
}

/// "8 of 11 ready, 3 running, 1 failed", and the copy-link button.
#[component]
pub fn ProgressBar(progress: PageProgress, charts: usize) -> impl IntoView {
    let summary = move || {
        let states = progress.0.get();
        let count = |state| states.values().filter(|s| **s == state).count();
        let (ready, pending, failed) = (count(CardState::Ready), count(CardState::Pending), count(CardState::Failed));
        if ready + pending + failed == 0 {
            return "Pick repositories or orgs to draw the charts.".to_owned();
        }
        let mut text = format!("{ready} of {charts} ready");
        if pending > 0 {
            text.push_str(&format!(", {pending} running"));
        }
        if failed > 0 {
            text.push_str(&format!(", {failed} failed"));
        }
        text
    };
    let copied = RwSignal::new(false);
    view! {
        <section class="progress" aria-label="Page progress">
            <p role="status" aria-live="polite" data-progress=move || progress.0.with(|s| s.values().filter(|v| **v == CardState::Ready).count())>
                {summary}
            </p>
            <button
                type="button"
                class="copy-link"
                on:click=move |_| {
                    if copy_current_link().is_ok() {
                        copied.set(true);
                        set_timeout(move || copied.set(false), std::time::Duration::from_secs(2));
                    }
                }
            >
                {move || if copied.get() { "Link copied" } else { "Copy link" }}
            </button>
        </section>
    }
}

/// Puts the page's address, which holds the whole view, on the clipboard.
fn copy_current_link() -> Result<(), JsValue> {
    let window = leptos::web_sys::window().ok_or(JsValue::NULL)?;
    let href = window.location().href()?;
    let navigator = js_sys::Reflect::get(&window, &"navigator".into())?;
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())?;
    let write: js_sys::Function = js_sys::Reflect::get(&clipboard, &"writeText".into())?.into();
    write.call1(&clipboard, &href.into()).map(|_| ())
}

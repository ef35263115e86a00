use charts::ChartId;
use chrono::NaiveDate;
use leptos::prelude::*;

use crate::{
    components::{chart_card::ChartCard, selection_panel::SelectionPanel},
    url_state::{page_state, PageControls},
};

/// The Contributions page: pick repositories, see their charts. Every chart loads on its own.
#[component]
pub fn ContributionsPage() -> impl IntoView {
    let (selected, page) = page_state();
    // Set only in the browser, once the page is interactive: end-to-end tests wait for it.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <div class="layout" data-hydrated=move || if hydrated.get() { "true" } else { "false" }>
            <header class="topbar">
                <h1>"Augur Explorer"</h1>
                <nav>
                    <span class="current">"Contributions"</span>
                </nav>
            </header>
            // Type-erased parts keep the page's view type shallow for release builds.
            <aside class="sidebar">{view! { <SelectionPanel selection=selected /> }.into_any()}</aside>
            <main class="charts">
                <PageControlBar page />
                {ChartId::ALL
                    .into_iter()
                    .map(|chart| view! { <ChartCard chart selection=selected.into() page=page.into() /> }.into_any())
                    .collect_view()}
            </main>
        </div>
    }
}

/// The bot filter and date range, shared by every chart.
#[component]
fn PageControlBar(page: RwSignal<PageControls>) -> impl IntoView {
    let date_input = move |label: &'static str,
                           name: &'static str,
                           get: fn(&PageControls) -> Option<NaiveDate>,
                           put: fn(&mut PageControls, Option<NaiveDate>)| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input
                    type="date"
                    name=name
                    prop:value=move || page.with(|p| get(p).map(|d| d.to_string()).unwrap_or_default())
                    on:change=move |ev| {
                        let date = NaiveDate::parse_from_str(&event_target_value(&ev), "%Y-%m-%d").ok();
                        page.update(|p| put(p, date));
                    }
                />
            </label>
        }
    };
    view! {
        <section class="page-controls" aria-label="Controls for every chart">
            <label class="switch">
                <input
                    type="checkbox"
                    name="hide-bots"
                    prop:checked=move || page.with(|p| p.hide_bots)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        page.update(|p| p.hide_bots = on);
                    }
                />
                <span>"Hide bots"</span>
            </label>
            {date_input("From", "from", |p| p.from, |p, d| p.from = d)}
            {date_input("To", "to", |p| p.to, |p, d| p.to = d)}
        </section>
    }
}

use charts::{ChartId, Control, PageSpec, PAGES};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    components::{
        chart_card::ChartCard,
        finished::FinishedCharts,
        progress::{PageProgress, ProgressBar},
        repo_picker::RepoPicker,
        selection_panel::{described, SelectionPanel},
    },
    info_pages::{DEFINITIONS_PATH, WELCOME_PATH},
    url_state::{page_state, shared_query, PageControls},
};

/// A page of charts, as its registry row lists them: pick repositories, see the charts.
/// Every chart loads on its own.
#[component]
pub fn ChartsPage(spec: &'static PageSpec) -> impl IntoView {
    let (selected, page) = page_state();
    let described = described(selected);
    let progress = PageProgress::provide();
    FinishedCharts::provide(progress, selected.into());
    // Set only in the browser, once the page is interactive: end-to-end tests wait for it.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <div class="layout" data-hydrated=move || if hydrated.get() { "true" } else { "false" }>
            <header class="topbar">
                <h1>"Augur Explorer"</h1>
                <TopNav current=spec.path />
            </header>
            // Type-erased parts keep the page's view type shallow for release builds.
            <aside class="sidebar">{view! { <SelectionPanel selection=selected described /> }.into_any()}</aside>
            <main class="charts">
                <section class="page-intro">
                    <h2>{spec.title}</h2>
                    <p>{spec.intro}</p>
                </section>
                <PageControlBar page />
                <ProgressBar progress charts=spec.charts.len() />
                {spec
                    .charts
                    .iter()
                    .enumerate()
                    .map(|(index, &chart)| {
                        // The picker heads the page's per-repository charts.
                        let per_repo = |c: &ChartId| c.controls().contains(&Control::Repo);
                        let picker = (per_repo(&chart) && !spec.charts[..index].iter().any(per_repo))
                            .then(|| view! { <RepoPicker described /> });
                        view! {
                            {picker}
                            <ChartCard chart selection=selected.into() page=page.into() />
                        }
                        .into_any()
                    })
                    .collect_view()}
            </main>
        </div>
    }
}

/// Every page, the current one marked; a link keeps the selection, the bot filter and the
/// date range.
#[component]
pub(crate) fn TopNav(current: &'static str) -> impl IntoView {
    let query = use_query_map();
    let pages = std::iter::once((WELCOME_PATH, "Welcome"))
        .chain(PAGES.iter().map(|page| (page.path, page.title)))
        .chain(std::iter::once((DEFINITIONS_PATH, "Definitions")));
    view! {
        <nav aria-label="Pages">
            {pages
                .map(|(path, title)| {
                    if path == current {
                        view! { <span class="current" aria-current="page">{title}</span> }.into_any()
                    } else if path == WELCOME_PATH {
                        // The welcome page with a selection would be the Contributions page.
                        view! { <a href=path>{title}</a> }.into_any()
                    } else {
                        let href = move || format!("{path}{}", query.with(shared_query));
                        view! { <a href=href>{title}</a> }.into_any()
                    }
                })
                .collect_view()}
        </nav>
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
                        let date = charts::iso::parse_date(&event_target_value(&ev));
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

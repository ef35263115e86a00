use charts::ChartId;
use leptos::prelude::*;

use crate::components::{chart_card::ChartCard, repo_picker::RepoPicker};

/// The Contributions page: pick repositories, see their charts.
#[component]
pub fn ContributionsPage() -> impl IntoView {
    let selected = RwSignal::new(Vec::<i64>::new());
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
            <aside class="sidebar">
                <RepoPicker selected />
            </aside>
            <main class="charts">
                <ChartCard chart=ChartId::CommitsOverTime repos=selected.into() />
            </main>
        </div>
    }
}

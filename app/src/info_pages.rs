//! The pages without charts: Welcome (`/`) and Definitions (`/definitions`).

use charts::{PageSpec, DEFINITIONS, PAGES};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::pages::{ChartsPage, TopNav};

pub const WELCOME_PATH: &str = "/";
pub const DEFINITIONS_PATH: &str = "/definitions";

/// The welcome page; a link to `/` that names a selection (the Contributions page's old
/// address) still shows that selection's Contributions page.
#[component]
pub fn Welcome() -> impl IntoView {
    let query = use_query_map();
    let names_selection = query.with_untracked(|q| q.get("repos").is_some() || q.get("orgs").is_some());
    if names_selection {
        return view! { <ChartsPage spec=contributions_page() /> }.into_any();
    }
    view! {
        <InfoLayout current=WELCOME_PATH title="Welcome">
            <section class="prose">
                <h2>"Community health of open-source projects, from Augur"</h2>
                <p>
                    "Augur Explorer draws charts of the data a CHAOSS Augur instance collects: commits, \
                     pull requests, issues, their contributors and the organisations behind them. It \
                     rebuilds 8Knot's pages and charts with their known defects fixed, and answers in \
                     milliseconds once a result is cached."
                </p>
                <h3>"Pick repositories"</h3>
                <p>
                    "Open any page and type in the search box: a repository (owner/name or its URL) or an \
                     organisation, which adds every repository Augur holds for it. The selection, the bot \
                     filter and the date range are in the page's address, so a link shows the same view \
                     and moving between pages keeps them."
                </p>
                <h3>"The pages"</h3>
                <ul class="page-list">
                    {PAGES
                        .iter()
                        .map(|page| {
                            view! {
                                <li>
                                    <a href=page.path>{page.title}</a>
                                    ": "
                                    {page.intro}
                                </li>
                            }
                        })
                        .collect_view()}
                    <li>
                        <a href=DEFINITIONS_PATH>"Definitions"</a>
                        ": what contributors, contributions, recency, consistency and staleness mean here."
                    </li>
                </ul>
                <h3>"How it works"</h3>
                <HowItWorks />
                <p>
                    "A page asks the web tier for each chart. A cached result is drawn at once; otherwise \
                     the web tier queues a job and the page shows it waiting. Workers, scaled on their own, \
                     run the query against Augur (a capped number at a time, so Augur is never flooded) \
                     and store the result in Redis, compressed, for a day. Every web replica reads the \
                     same cache, so any of them can answer."
                </p>
                <h3>"Reading a chart"</h3>
                <p>
                    "Each card says what it counts under \"About this chart\", shows when its data was read \
                     from Augur, and has its own controls (interval, thresholds, views), kept in the \
                     address. Its numbers download as CSV, SVG or JSON; the same JSON is served at "
                    <code>"/api/v1/charts/<chart-id>?repos=…"</code>
                    " (the list of charts is at "
                    <code>"/api/v1/charts"</code>
                    ")."
                </p>
            </section>
        </InfoLayout>
    }
    .into_any()
}

/// The glossary, in the words the charts' about texts use.
#[component]
pub fn Definitions() -> impl IntoView {
    view! {
        <InfoLayout current=DEFINITIONS_PATH title="Definitions">
            <section class="prose">
                <dl class="definitions">
                    {DEFINITIONS
                        .iter()
                        .map(|d| {
                            view! {
                                <dt id=d.id>{d.term}</dt>
                                <dd>{d.text}</dd>
                            }
                        })
                        .collect_view()}
                </dl>
            </section>
        </InfoLayout>
    }
}

/// The page frame without the selection panel.
#[component]
fn InfoLayout(current: &'static str, title: &'static str, children: Children) -> impl IntoView {
    // Set only in the browser, once the page is interactive: end-to-end tests wait for it.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <Title text=format!("{title} · Augur Explorer") />
        <div class="layout info" data-hydrated=move || if hydrated.get() { "true" } else { "false" }>
            <header class="topbar">
                <h1>"Augur Explorer"</h1>
                <TopNav current />
            </header>
            <main class="info-page">
                <h2 class="info-title">{title}</h2>
                {children()}
            </main>
        </div>
    }
}

/// The request path as a diagram: drawn in the page, so it never goes stale as an image would.
#[component]
fn HowItWorks() -> impl IntoView {
    let boxes = [
        (10, "Browser", "pages, charts"),
        (180, "Web replicas", "server functions, API"),
        (350, "Redis", "cache, queue, status"),
        (520, "Workers", "run queries"),
        (690, "Augur", "PostgreSQL"),
    ];
    view! {
        <svg class="how-it-works" viewBox="0 0 840 90" role="img" aria-labelledby="how-it-works-title">
            <title id="how-it-works-title">
                "The browser asks a web replica; replicas read results from Redis and queue jobs there; workers take jobs, query Augur and store results in Redis."
            </title>
            {boxes
                .into_iter()
                .map(|(x, name, role)| {
                    view! {
                        <g>
                            <rect x=x y="15" width="140" height="60" rx="8" />
                            <text x=x + 70 y="40" text-anchor="middle" class="name">{name}</text>
                            <text x=x + 70 y="60" text-anchor="middle" class="role">{role}</text>
                        </g>
                    }
                })
                .collect_view()}
            {[150, 320, 490, 660]
                .into_iter()
                .map(|x| view! { <line x1=x y1="45" x2=x + 30 y2="45" /> })
                .collect_view()}
        </svg>
    }
}

fn contributions_page() -> &'static PageSpec {
    PAGES.iter().find(|page| page.path == "/contributions").expect("the registry has a Contributions page")
}

//! The pages of the explorer. Compiled twice: with `ssr` for the server, which renders
//! them and runs the server functions, and with `hydrate` for the browser.

pub mod api;
mod components;
mod info_pages;
mod pages;
mod url_state;

use std::sync::Arc;

use leptos::prelude::*;
use leptos::tachys::view::iterators::StaticVec;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{RouteChildren, Router, Routes, RoutesProps},
    NestedRoute, PossibleRouteMatch, StaticSegment,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/explorer.css" />
        <Title text="Augur Explorer" />
        <Router>
            <PageRoutes />
        </Router>
    }
}

/// One route per registry page, the welcome and definitions pages; any other path gets the
/// not-found page.
#[component]
fn PageRoutes() -> impl IntoView {
    let routes: Vec<_> = charts::PAGES
        .iter()
        .map(|spec| (spec.path, Routed::Charts(spec)))
        .chain([(info_pages::WELCOME_PATH, Routed::Welcome), (info_pages::DEFINITIONS_PATH, Routed::Definitions)])
        .map(|(path, page)| NestedRoute::new(route_path(path), routed_view(page)))
        .collect();
    // Built without the view macro, which takes a block child for a view rather than routes.
    Routes(
        RoutesProps::builder()
            .fallback(NotFound)
            .children(RouteChildren::to_children(move || StaticVec::from(routes)))
            .build(),
    )
}

/// What a route shows.
#[derive(Clone, Copy)]
enum Routed {
    Charts(&'static charts::PageSpec),
    Welcome,
    Definitions,
}

/// A route's view; one closure type for every route, as the routes share one list.
fn routed_view(page: Routed) -> impl Fn() -> AnyView + Clone + Send + Sync + 'static {
    move || match page {
        Routed::Charts(spec) => view! { <pages::ChartsPage spec /> }.into_any(),
        Routed::Welcome => view! { <info_pages::Welcome /> }.into_any(),
        Routed::Definitions => view! { <info_pages::Definitions /> }.into_any(),
    }
}

/// A registry page's path as the router matches it: one static segment per part.
fn route_path(path: &'static str) -> Arc<dyn PossibleRouteMatch + Send + Sync> {
    let parts: Vec<&'static str> = path.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [] => Arc::new(StaticSegment("")),
        [a] => Arc::new(StaticSegment(*a)),
        [a, b] => Arc::new((StaticSegment(*a), StaticSegment(*b))),
        [a, b, c] => Arc::new((StaticSegment(*a), StaticSegment(*b), StaticSegment(*c))),
        _ => panic!("page path {path} has more than three parts"),
    }
}

/// Any path that is no route. The server answers it with HTTP 404 (the file-or-page
/// fallback sets that status when no static file matches).
#[component]
fn NotFound() -> impl IntoView {
    view! {
        <Title text="Page not found · Augur Explorer" />
        <main class="not-found">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address."</p>
            <p><a href="/">"Go to the welcome page"</a></p>
        </main>
    }
}

//! The pages of the explorer. Compiled twice: with `ssr` for the server, which renders
//! them and runs the server functions, and with `hydrate` for the browser.

pub mod api;
mod components;
mod pages;
mod url_state;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    StaticSegment,
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
            <Routes fallback=NotFound>
                <Route path=StaticSegment("") view=pages::ContributionsPage />
            </Routes>
        </Router>
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
            <p><a href="/">"Go to the charts"</a></p>
        </main>
    }
}

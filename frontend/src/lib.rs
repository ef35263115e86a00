//! The browser entry point: hydrates the page the server rendered.

// Release builds keep Leptos' full view types (debug builds erase them): the page's type is
// deeper than rustc's default limit of 128.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}

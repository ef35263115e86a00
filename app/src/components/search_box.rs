use charts::SearchHit;
use leptos::{ev::KeyboardEvent, prelude::*};

use crate::api::search_repos;

/// The typeahead: type to find repos and orgs (`repo:` / `org:` narrow it), pick with the
/// mouse or the keyboard (arrows, Enter; Escape closes). `on_pick` receives the choice.
#[component]
pub fn SearchBox(on_pick: Callback<SearchHit>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let hits = RwSignal::new(Vec::<SearchHit>::new());
    let active = RwSignal::new(None::<usize>);
    let open = RwSignal::new(false);
    // Answers can arrive out of order: only the latest question's answer is shown.
    let asked = StoredValue::new(0u64);

    let ask = move |query: String| {
        let question = asked.get_value() + 1;
        asked.set_value(question);
        if query.trim().is_empty() {
            hits.set(Vec::new());
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(found) = search_repos(query).await {
                if asked.get_value() == question {
                    active.set(None);
                    hits.set(found);
                }
            }
        });
    };
    let pick = move |hit: SearchHit| {
        on_pick.run(hit);
        text.set(String::new());
        hits.set(Vec::new());
        active.set(None);
        open.set(false);
    };
    let on_key = move |ev: KeyboardEvent| {
        let count = hits.with(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1).min(count - 1))));
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = Some(a.map_or(0, |i| i.saturating_sub(1))));
            }
            "Enter" if count > 0 => {
                ev.prevent_default();
                let chosen = hits.with(|h| h.get(active.get_untracked().unwrap_or(0)).cloned());
                if let Some(hit) = chosen {
                    pick(hit);
                }
            }
            "Escape" => {
                open.set(false);
                active.set(None);
            }
            _ => {}
        }
    };
    let expanded = move || open.get() && hits.with(|h| !h.is_empty());

    view! {
        <div class="search">
            <label for="repo-search">"Find repositories and orgs"</label>
            <input
                id="repo-search"
                // Not type="search": browsers clear that on Escape, which here only closes the list.
                type="text"
                autocomplete="off"
                placeholder="e.g. augur, org:chaoss"
                role="combobox"
                aria-autocomplete="list"
                aria-controls="repo-search-results"
                aria-expanded=move || expanded().to_string()
                aria-activedescendant=move || active.get().map(|i| format!("repo-search-option-{i}")).unwrap_or_default()
                prop:value=move || text.get()
                on:input=move |ev| {
                    let query = event_target_value(&ev);
                    text.set(query.clone());
                    open.set(true);
                    ask(query);
                }
                on:keydown=on_key
                on:blur=move |_| open.set(false)
                on:focus=move |_| open.set(true)
            />
            <ul id="repo-search-results" role="listbox" aria-label="Matching repositories and orgs" hidden=move || !expanded()>
                {move || {
                    hits.get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, hit)| {
                            let (label, detail, kind) = (hit.label().to_owned(), hit.detail(), hit.kind());
                            let url = match &hit { SearchHit::Repo { url, .. } => url.clone(), SearchHit::Org { .. } => String::new() };
                            view! {
                                <li
                                    id=format!("repo-search-option-{i}")
                                    role="option"
                                    class="hit"
                                    data-kind=kind
                                    aria-selected=move || (active.get() == Some(i)).to_string()
                                    class:active=move || active.get() == Some(i)
                                    // mousedown, not click: it comes before the input's blur closes the list.
                                    on:mousedown=move |ev| {
                                        ev.prevent_default();
                                        pick(hit.clone());
                                    }
                                >
                                    <span class="hit-kind">{if kind == "org" { "Org" } else { "Repo" }}</span>
                                    <span class="hit-label">{label}</span>
                                    <span class="hit-detail">{if url.is_empty() { detail } else { url }}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

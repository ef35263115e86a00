use charts::{repo_slug, RepoPick};
use leptos::prelude::*;

use crate::{components::selection_panel::Described, url_state::repo_pick};

/// Picks the one repository of the selection that the per-repository charts show; "None"
/// clears it. The choice lives in the URL as `repo=ID`.
#[component]
pub fn RepoPicker(described: Described) -> impl IntoView {
    let pick = repo_pick();
    // A repository that left the selection gives way to the selection's first.
    Effect::new(move |_| {
        if let (Some(Ok(Some(view))), RepoPick::Repo(id)) = (described.get(), pick.get()) {
            if !view.all.iter().any(|repo| repo.id == id) {
                pick.set(RepoPick::First);
            }
        }
    });
    view! {
        <section class="repo-picker" aria-labelledby="repo-picker-title">
            <h2 id="repo-picker-title">"Per repository"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading the selection…"</p> }>
                {move || Suspend::new(async move {
                    let repos = match described.await {
                        Ok(Some(view)) => view.all,
                        _ => return view! { <p class="muted">"Pick repositories or orgs to choose one here."</p> }.into_any(),
                    };
                    let first = repos.first().map(|repo| repo.id);
                    let shown = move || match pick.get() {
                        RepoPick::First => first,
                        RepoPick::Nothing => None,
                        RepoPick::Repo(id) => Some(id),
                    };
                    view! {
                        <label class="field" for="repo-pick">
                            <span>"Repository"</span>
                            <select
                                id="repo-pick"
                                name="repo"
                                prop:value=move || shown().map(|id| id.to_string()).unwrap_or_default()
                                on:change=move |ev| {
                                    let value = event_target_value(&ev);
                                    pick.set(RepoPick::parse(&value).unwrap_or(RepoPick::Nothing));
                                }
                            >
                                <option value="" selected=move || shown().is_none()>"None"</option>
                                {repos
                                    .into_iter()
                                    .map(|repo| {
                                        let id = repo.id;
                                        view! {
                                            <option value=id.to_string() selected=move || shown() == Some(id)>
                                                {repo_slug(&repo.url).to_owned()}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </label>
                    }
                    .into_any()
                })}
            </Transition>
        </section>
    }
}

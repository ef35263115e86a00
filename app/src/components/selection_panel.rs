use charts::{repo_slug, AppError, SearchHit};
use leptos::prelude::*;

use crate::{
    api::{describe_selection, SelectionView},
    components::search_box::SearchBox,
    url_state::Selection,
};

/// The selection as the server describes it (`None` while nothing is selected), loaded once
/// per selection for every part of the page that lists its repositories.
pub type Described = Resource<Result<Option<SelectionView>, AppError>>;

pub fn described(selection: RwSignal<Selection>) -> Described {
    Resource::new(
        move || selection.get(),
        |selection| async move {
            if selection.is_empty() {
                return Ok(None);
            }
            describe_selection(selection).await.map(Some)
        },
    )
}

/// The sidebar: the search box, what is selected (removable), and the full repo list.
#[component]
pub fn SelectionPanel(selection: RwSignal<Selection>, described: Described) -> impl IntoView {
    let on_pick = Callback::new(move |hit: SearchHit| selection.update(|s| s.add(&hit)));
    view! {
        <section class="picker" aria-labelledby="picker-title">
            <h2 id="picker-title">"Selection"</h2>
            <SearchBox on_pick />
            <Transition fallback=|| view! { <p class="muted">"Loading the selection…"</p> }>
                {move || Suspend::new(async move {
                    match described.await {
                        Ok(None) => view! {
                            <p class="muted" data-selection="empty">"Nothing selected yet: search for a repository or an org."</p>
                        }
                        .into_any(),
                        Ok(Some(view)) => {
                            let count = view.all.len();
                            view! {
                                <ul class="chips" aria-label="Selected orgs and repositories">
                                    {view.orgs.into_iter().map(|(org, repos)| {
                                        let name = org.clone();
                                        view! {
                                            <li class="chip" data-org=org.clone()>
                                                <span>{format!("{org} · {repos} repos")}</span>
                                                <button type="button" aria-label=format!("Remove org {org}")
                                                    on:click=move |_| selection.update(|s| s.orgs.retain(|o| *o != name))>"×"</button>
                                            </li>
                                        }
                                    }).collect_view()}
                                    {view.picked.into_iter().map(|repo| {
                                        let (id, slug) = (repo.id, repo_slug(&repo.url).to_owned());
                                        view! {
                                            <li class="chip" data-repo=id>
                                                <span title=repo.url.clone()>{slug.clone()}</span>
                                                <button type="button" aria-label=format!("Remove {slug}")
                                                    on:click=move |_| selection.update(|s| s.repos.retain(|r| *r != id))>"×"</button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                                <details class="repo-list">
                                    <summary data-count=count>{format!("Repo list ({count})")}</summary>
                                    <ul>
                                        {view.all.into_iter().map(|repo| view! { <li>{repo.url}</li> }).collect_view()}
                                    </ul>
                                </details>
                            }
                            .into_any()
                        }
                        // A dependency not ready yet passes by itself; anything else needs a
                        // different selection.
                        Err(AppError::Unavailable { message }) => view! {
                            <p class="error" role="alert" data-selection="unavailable">
                                {format!("The selection cannot be shown right now: {message}. Try again in a moment.")}
                            </p>
                            <button type="button" class="retry" on:click=move |_| described.refetch()>"Try again"</button>
                        }
                        .into_any(),
                        Err(error) => view! {
                            <p class="error" role="alert" data-selection="error" data-kind=error.kind()>
                                {format!("This selection cannot be drawn: {error}.")}
                            </p>
                            <button type="button" class="clear" on:click=move |_| selection.set(Selection::default())>
                                "Clear the selection"
                            </button>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

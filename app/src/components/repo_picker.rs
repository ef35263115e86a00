use charts::RepoEntry;
use leptos::prelude::*;

use crate::api::list_repos;

/// A plain multi-select of the known repositories, grouped by org.
#[component]
pub fn RepoPicker(selected: RwSignal<Vec<i64>>) -> impl IntoView {
    let repos = OnceResource::new(list_repos());
    view! {
        <section class="picker" aria-labelledby="picker-title">
            <h2 id="picker-title">"Repositories"</h2>
            <p class="muted">{move || match selected.with(Vec::len) {
                0 => "None selected".to_owned(),
                1 => "1 selected".to_owned(),
                n => format!("{n} selected"),
            }}</p>
            <Suspense fallback=|| view! { <p class="muted">"Loading repositories…"</p> }>
                {move || Suspend::new(async move {
                    match repos.await {
                        Ok(list) => view! { <RepoGroups list selected /> }.into_any(),
                        Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn RepoGroups(list: Vec<RepoEntry>, selected: RwSignal<Vec<i64>>) -> impl IntoView {
    let mut groups: Vec<(String, Vec<RepoEntry>)> = Vec::new();
    for repo in list {
        match groups.last_mut() {
            Some((org, repos)) if *org == repo.org => repos.push(repo),
            _ => groups.push((repo.org.clone(), vec![repo])),
        }
    }
    groups
        .into_iter()
        .map(|(org, repos)| {
            view! {
                <fieldset class="org">
                    <legend>{org}</legend>
                    {repos.into_iter().map(|repo| view! { <RepoCheckbox repo selected /> }).collect_view()}
                </fieldset>
            }
        })
        .collect_view()
}

#[component]
fn RepoCheckbox(repo: RepoEntry, selected: RwSignal<Vec<i64>>) -> impl IntoView {
    let id = repo.id;
    let name = repo.url.rsplit('/').next().unwrap_or(&repo.url).to_owned();
    let url = repo.url;
    let title = url.clone();
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        selected.update(|ids| {
            ids.retain(|x| *x != id);
            if on {
                ids.push(id);
                ids.sort_unstable();
            }
        });
    };
    view! {
        <label class="repo" title=title>
            <input
                type="checkbox"
                value=id
                data-repo-url=url
                prop:checked=move || selected.with(|ids| ids.contains(&id))
                on:change=toggle
            />
            <span>{name}</span>
        </label>
    }
}

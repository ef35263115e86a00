use std::time::Duration;

use charts::{
    encode_query_value, AppError, ChartControls, ChartData, ChartId, ChartReply, Control, Definition, HydrationReply,
    RepoPick, Table, DEFINITIONS,
};
use leptos::prelude::*;

use crate::{
    api::chart_data,
    components::{
        chart_view::ChartView,
        finished::FinishedCharts,
        progress::{CardState, PageProgress},
    },
    url_state::{chart_controls, PageControls, Selection},
};

/// The wait before asking again about a pending chart: 0.25 s, growing to 2 s.
fn poll_delay(attempt: u32) -> Duration {
    let ms = 250.0 * 1.5f64.powi(attempt.min(10) as i32);
    Duration::from_millis(ms.min(2_000.0) as u64)
}

/// The server's answer, with the selection and controls it answers for.
/// The card's answer for the selection and controls it was asked with; the reply travels to
/// the browser in the page's hydration data, with its periods written compactly.
type Answer = (Selection, ChartControls, Result<Option<HydrationReply>, AppError>);

/// One chart with its controls. It asks the server for its data and, while the data is
/// being computed, asks again until it is ready or failed.
#[component]
pub fn ChartCard(chart: ChartId, selection: Signal<Selection>, page: Signal<PageControls>) -> impl IntoView {
    // The chart's own controls; the page's bot filter and date range are laid over them.
    let own = chart_controls(chart);
    let controls = Memo::new(move |_| {
        let page = page.get();
        ChartControls { hide_bots: page.hide_bots, from: page.from, to: page.to, ..own.get() }
    });
    let poll = RwSignal::new(0u32);
    // Retrying asks the server to forget the failure; the answer is then fetched as usual.
    let retry = Action::new(move |_: &()| {
        let (repos, controls) = (selection.get_untracked(), controls.get_untracked());
        async move { chart_data(chart, repos, controls, true).await }
    });
    let reply: Resource<Answer> = Resource::new(
        move || (selection.get(), controls.get(), poll.get(), retry.version().get()),
        move |(repos, controls, _, _)| async move {
            if repos.is_empty() || controls.repo == RepoPick::Nothing {
                return (repos, controls, Ok(None));
            }
            if let Err(error) = controls.check() {
                return (repos, controls, Err(error.into()));
            }
            let answer = chart_data(chart, repos.clone(), controls, false).await.map(|r| Some(HydrationReply(r)));
            (repos, controls, answer)
        },
    );

    // The page's summary counts this card.
    Effect::new(move |_| {
        let state = match reply.get() {
            None => CardState::Pending,
            Some((_, _, Ok(None))) => CardState::Idle,
            Some((_, _, Ok(Some(HydrationReply(answer))))) if answer.is_pending() => CardState::Pending,
            Some((_, _, Ok(Some(HydrationReply(ChartReply::Ready { .. }))))) => CardState::Ready,
            Some(_) => CardState::Failed,
        };
        PageProgress::report(chart, state);
    });

    let attempts = StoredValue::new(0u32);
    Effect::new(move |_| {
        selection.track();
        controls.track();
        attempts.set_value(0);
    });
    Effect::new(move |_| {
        if let Some((_, _, Ok(Some(HydrationReply(answer))))) = reply.get() {
            if answer.is_pending() {
                let attempt = attempts.get_value();
                attempts.set_value(attempt + 1);
                set_timeout(move || poll.update(|n| *n = n.wrapping_add(1)), poll_delay(attempt));
            }
        }
    });

    // Told by the server that this chart's job finished: ask at once, not on the schedule.
    Effect::new(move |told_before: Option<u32>| {
        let told = FinishedCharts::times(chart);
        if told_before.is_some_and(|before| before != told) {
            poll.update(|n| *n = n.wrapping_add(1));
        }
        told
    });

    let title_id = format!("{}-title", chart.slug());
    let labelled_by = title_id.clone();
    view! {
        <section class="card" data-chart=chart.slug() aria-labelledby=labelled_by>
            <header class="card-head">
                <h2 id=title_id>{chart.title()}</h2>
                <div class="card-controls">
                    // The picked repository is the page's picker's, not the card's.
                    {chart
                        .controls()
                        .iter()
                        .filter(|control| **control != Control::Repo)
                        .map(|control| view! { <ControlInput chart control=*control own /> })
                        .collect_view()}
                </div>
            </header>
            <details class="about">
                <summary>"About this chart"</summary>
                <p>{chart.about()}</p>
                <Terms chart />
            </details>
            <Transition fallback=|| view! { <p class="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let (drawn_repos, drawn_controls, answer) = reply.await;
                    let answer = answer.map(|reply| reply.map(|HydrationReply(reply)| reply));
                    view! { <ChartBody chart answer drawn_repos drawn_controls retry /> }
                })}
            </Transition>
        </section>
    }
}

/// One of a chart's own controls: the interval buttons or a number of days / assignments.
#[component]
fn ControlInput(chart: ChartId, control: Control, own: RwSignal<ChartControls>) -> impl IntoView {
    if control.is_choice() {
        return view! {
            <div class="segmented" role="group" aria-label=control.label()>
                {chart
                    .spec()
                    .choices
                    .iter()
                    .enumerate()
                    .map(|(index, choice)| {
                        let index = index as u8;
                        view! {
                            <button
                                type="button"
                                data-choice=choice.value
                                class:active=move || own.with(|c| c.choice == index)
                                aria-pressed=move || own.with(|c| c.choice == index).to_string()
                                on:click=move |_| own.update(|c| c.choice = index)
                            >
                                {choice.label}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        }
        .into_any();
    }
    if control == Control::Interval {
        return view! {
            <div class="segmented" role="group" aria-label="Interval">
                {chart
                    .spec()
                    .intervals
                    .iter()
                    .copied()
                    .map(|choice| {
                        view! {
                            <button
                                type="button"
                                data-interval=choice.as_str()
                                class:active=move || own.with(|c| c.interval == choice)
                                aria-pressed=move || own.with(|c| c.interval == choice).to_string()
                                on:click=move |_| own.update(|c| c.interval = choice)
                            >
                                {choice.label()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        }
        .into_any();
    }
    let (low, high) = control.range_in(chart);
    let id = format!("{}-{}", chart.slug(), control.param());
    let label_for = id.clone();
    view! {
        <label class="field number" for=label_for>
            <span>{control.label()}</span>
            <input
                id=id
                type="number"
                name=control.param()
                min=control.format_value(low)
                max=control.format_value(high)
                step=if control.in_tenths() { "0.1" } else { "1" }
                prop:value=move || own.with(|c| control.format_value(c.number(control)))
                on:change=move |ev| {
                    // Out-of-range typing snaps to the nearest allowed value.
                    if let Ok(typed) = event_target_value(&ev).trim().parse::<f64>() {
                        let scaled = if control.in_tenths() { typed * 10.0 } else { typed };
                        let value = scaled.round().clamp(f64::from(low), f64::from(high)) as u32;
                        own.update(|c| c.set_number(control, value));
                    }
                }
            />
        </label>
    }
    .into_any()
}

#[component]
fn ChartBody(
    chart: ChartId,
    answer: Result<Option<ChartReply>, AppError>,
    drawn_repos: Selection,
    drawn_controls: ChartControls,
    retry: Action<(), Result<ChartReply, AppError>>,
) -> impl IntoView {
    match answer {
        Ok(None) if drawn_controls.repo == RepoPick::Nothing && !drawn_repos.is_empty() => view! {
            <p class="status empty" data-empty="no-repo">"Pick a repository above to see this table."</p>
        }
        .into_any(),
        Ok(None) => view! { <p class="status empty">"Pick repositories or orgs to draw this chart."</p> }.into_any(),
        Ok(Some(ChartReply::Queued { elapsed_ms, position })) => view! {
            <p class="status pending" data-state="queued" role="status">
                <span class="spinner" aria-hidden="true"></span>
                {match position {
                    Some(p) if p > 1 => format!("Queued for a worker, {p} in line · {}", seconds(elapsed_ms)),
                    _ => format!("Queued for a worker · {}", seconds(elapsed_ms)),
                }}
            </p>
        }
        .into_any(),
        Ok(Some(ChartReply::Running { elapsed_ms })) => view! {
            <p class="status pending" data-state="running" role="status">
                <span class="spinner" aria-hidden="true"></span>
                {format!("Running the query · {}", seconds(elapsed_ms))}
            </p>
        }
        .into_any(),
        Ok(Some(ChartReply::Ready { computed_at, data })) => {
            let as_of = view! {
                <a href="/definitions#data-as-of">"Data as of"</a>
                {format!(" {}", charts::iso::format_minute(computed_at))}
            };
            if let ChartData::Points(points) = &data {
                if points.points.len() < 2 {
                    return view! {
                        <p class="status empty" data-state="ready" data-empty="true">
                            "This chart compares repositories: pick at least two that have activity in the date range."
                        </p>
                        <p class="as-of">{as_of}</p>
                    }
                    .into_any();
                }
            }
            if data.has_no_values() {
                view! {
                    <p class="status empty" data-state="ready" data-empty="true">
                        "No data for the selected repositories and controls."
                    </p>
                    <p class="as-of">{as_of}</p>
                }
                .into_any()
            } else {
                let api = api_href(chart, &drawn_repos, &drawn_controls);
                let drawing = match &data {
                    ChartData::Table(table) => view! {
                        <div class="chart table-chart" data-state="ready">
                            <DataTable caption=chart.title().to_owned() table=table.clone() />
                        </div>
                    }
                    .into_any(),
                    _ => view! { <ChartView chart data=data.clone() interval=drawn_controls.interval /> }.into_any(),
                };
                view! {
                    {drawing}
                    <footer class="card-foot">
                        <span class="as-of">{as_of}</span>
                        <span class="downloads">
                            <a class="download" data-format="csv" href=format!("{api}&format=csv") download=format!("{}.csv", chart.slug())>
                                "CSV"
                            </a>
                            <a class="download" data-format="svg" href=format!("{api}&format=svg") download=format!("{}.svg", chart.slug())>
                                "SVG"
                            </a>
                            <a class="download" data-format="png" href=format!("{api}&format=png") download=format!("{}.png", chart.slug())>
                                "PNG"
                            </a>
                            <a class="download" data-format="json" href=api target="_blank" rel="noopener">
                                "JSON API"
                            </a>
                        </span>
                    </footer>
                }
                .into_any()
            }
        }
        // A failed job can always be run again: when the cause is passing it may work now,
        // and otherwise it works once someone has fixed the cause (its failure is remembered).
        Ok(Some(ChartReply::Failed { error, retryable })) | Err(AppError::Failed { message: error, retryable }) => {
            view! {
                <div class="status error" data-state="failed" data-retryable=retryable.to_string() role="alert">
                    <p>
                        {format!("This chart could not be computed: {error}.")}
                        {if retryable {
                            " It may work if you try again."
                        } else {
                            " Trying again helps only once the cause is fixed."
                        }}
                    </p>
                    <RetryButton retry />
                </div>
            }
            .into_any()
        }
        Err(AppError::Unavailable { message }) => view! {
            <div class="status error" data-state="unavailable" role="alert">
                <p>{format!("This chart cannot be fetched right now: {message}. Try again in a moment.")}</p>
                <RetryButton retry />
            </div>
        }
        .into_any(),
        Err(AppError::Busy { message, retry_after_secs, .. }) => view! {
            <div class="status error" data-state="busy" role="alert">
                <p>{format!("This chart cannot be queued right now: {message}. Try again in {retry_after_secs} s.")}</p>
                <RetryButton retry />
            </div>
        }
        .into_any(),
        // Asking again unchanged gets the same answer: no button, the message says what to change.
        Err(AppError::BadInput { message }) => view! {
            <p class="status error" data-state="bad-input" role="alert">
                {format!("This chart cannot be drawn for this request: {message}.")}
            </p>
        }
        .into_any(),
        Err(AppError::NotFound { message }) => view! {
            <p class="status error" data-state="not-found" role="alert">{format!("Not found: {message}.")}</p>
        }
        .into_any(),
    }
}

/// Links to the definitions of the words the chart counts in, each with its definition as
/// a tooltip: the wording lives once, on the Definitions page.
#[component]
fn Terms(chart: ChartId) -> impl IntoView {
    let terms: Vec<&'static Definition> =
        chart.spec().terms.iter().filter_map(|id| DEFINITIONS.iter().find(|d| d.id == *id)).collect();
    (!terms.is_empty()).then(|| {
        view! {
            <p class="terms">
                "Terms: "
                {terms
                    .into_iter()
                    .enumerate()
                    .map(|(index, term)| {
                        view! {
                            {(index > 0).then_some(", ")}
                            <a href=format!("/definitions#{}", term.id) title=term.text>{term.term}</a>
                        }
                    })
                    .collect_view()}
            </p>
        }
    })
}

/// A table as HTML: its first column heads each row; the caption names it for screen readers.
#[component]
pub(crate) fn DataTable(caption: String, table: Table) -> impl IntoView {
    let Table { columns, rows, note } = table;
    view! {
        <table>
            <caption class="visually-hidden">{caption}</caption>
            <thead>
                <tr>{columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}</tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        let mut cells = row.into_iter();
                        let head = cells.next().unwrap_or_default();
                        view! {
                            <tr>
                                <th scope="row">{head}</th>
                                {cells.map(|c| view! { <td>{c}</td> }).collect_view()}
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        {(!note.is_empty()).then(|| view! { <p class="table-note">{note}</p> })}
    }
}

#[component]
fn RetryButton(retry: Action<(), Result<ChartReply, AppError>>) -> impl IntoView {
    view! {
        <button type="button" class="retry" on:click=move |_| { retry.dispatch(()); }>
            "Try again"
        </button>
    }
}

/// The chart's entry in the JSON API, with the same selection and controls.
fn api_href(chart: ChartId, selection: &Selection, controls: &ChartControls) -> String {
    let ids: Vec<String> = selection.repos.iter().map(i64::to_string).collect();
    let mut href = format!("/api/v1/charts/{}?repos={}", chart.slug(), ids.join(","));
    if !selection.orgs.is_empty() {
        let orgs: Vec<String> = selection.orgs.iter().map(|o| encode_query_value(o)).collect();
        href.push_str(&format!("&orgs={}", orgs.join(",")));
    }
    for (name, value) in controls.to_params(chart) {
        href.push_str(&format!("&{name}={value}"));
    }
    href
}

fn seconds(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use charts::Interval;
    use chrono::NaiveDate;

    #[test]
    fn polling_starts_at_a_quarter_second_and_grows_to_two() {
        assert_eq!(poll_delay(0), Duration::from_millis(250));
        assert_eq!(poll_delay(1), Duration::from_millis(375));
        let delays: Vec<Duration> = (0..30).map(poll_delay).collect();
        assert!(delays.windows(2).all(|pair| pair[0] <= pair[1]), "{delays:?}");
        assert_eq!(delays.last(), Some(&Duration::from_secs(2)));
        assert_eq!(poll_delay(u32::MAX), Duration::from_secs(2));
    }

    #[test]
    fn the_api_link_carries_repos_orgs_and_controls() {
        let chart = ChartId::from_slug("pr-staleness").unwrap();
        let selection = Selection { repos: vec![3, 10], orgs: vec!["chaoss".into(), "Frontend Repos&x".into()] };
        let controls = ChartControls {
            interval: Interval::Week,
            hide_bots: false,
            from: NaiveDate::from_ymd_opt(2024, 1, 1),
            staling_days: 3,
            ..ChartControls::for_chart(chart)
        };
        assert_eq!(
            api_href(chart, &selection, &controls),
            "/api/v1/charts/pr-staleness?repos=3,10&orgs=chaoss,Frontend%20Repos%26x\
             &interval=week&bots=show&from=2024-01-01&staling_days=3"
        );
    }

    #[test]
    fn the_api_link_leaves_out_defaults_and_absent_orgs() {
        let chart = ChartId::from_slug("commits-over-time").unwrap();
        let selection = Selection { repos: vec![7], orgs: Vec::new() };
        // The response window is not this chart's control.
        let controls = ChartControls { response_days: 9, ..ChartControls::for_chart(chart) };
        assert_eq!(api_href(chart, &selection, &controls), "/api/v1/charts/commits-over-time?repos=7");
    }
}

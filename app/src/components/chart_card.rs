use std::time::Duration;

use charts::{chart_svg, ChartControls, ChartId, ChartReply, ChartSize, Interval};
use leptos::prelude::*;

use crate::api::chart_data;

/// The wait before asking again about a pending chart: 0.25 s, growing to 2 s.
fn poll_delay(attempt: u32) -> Duration {
    let ms = 250.0 * 1.5f64.powi(attempt.min(10) as i32);
    Duration::from_millis(ms.min(2_000.0) as u64)
}

/// The server's answer, with the selection and interval it answers for.
type Answer = (Vec<i64>, Interval, Result<Option<ChartReply>, ServerFnError>);

/// One chart with its controls. It asks the server for its data and, while the data is
/// being computed, asks again until it is ready or failed.
#[component]
pub fn ChartCard(chart: ChartId, repos: Signal<Vec<i64>>) -> impl IntoView {
    let interval = RwSignal::new(Interval::default());
    let poll = RwSignal::new(0u32);
    // Retrying asks the server to forget the failure; the answer is then fetched as usual.
    let retry = Action::new(move |_: &()| {
        let (repos, interval) = (repos.get_untracked(), interval.get_untracked());
        async move { chart_data(chart, repos, ChartControls { interval, ..ChartControls::for_chart(chart) }, true).await }
    });
    let reply: Resource<Answer> = Resource::new(
        move || (repos.get(), interval.get(), poll.get(), retry.version().get()),
        move |(repos, interval, _, _)| async move {
            if repos.is_empty() {
                return (repos, interval, Ok(None));
            }
            let answer =
                chart_data(chart, repos.clone(), ChartControls { interval, ..ChartControls::for_chart(chart) }, false)
                    .await
                    .map(Some);
            (repos, interval, answer)
        },
    );

    let attempts = StoredValue::new(0u32);
    Effect::new(move |_| {
        repos.track();
        interval.track();
        attempts.set_value(0);
    });
    Effect::new(move |_| {
        if let Some((_, _, Ok(Some(answer)))) = reply.get() {
            if answer.is_pending() {
                let attempt = attempts.get_value();
                attempts.set_value(attempt + 1);
                set_timeout(move || poll.update(|n| *n = n.wrapping_add(1)), poll_delay(attempt));
            }
        }
    });

    view! {
        <section class="card" data-chart=chart.slug() aria-labelledby=format!("{}-title", chart.slug())>
            <header class="card-head">
                <h2 id=format!("{}-title", chart.slug())>{chart.title()}</h2>
                <div class="segmented" role="group" aria-label="Interval">
                    {Interval::ALL
                        .into_iter()
                        .map(|choice| {
                            view! {
                                <button
                                    type="button"
                                    data-interval=choice.as_str()
                                    class:active=move || interval.get() == choice
                                    aria-pressed=move || (interval.get() == choice).to_string()
                                    on:click=move |_| interval.set(choice)
                                >
                                    {choice.label()}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            </header>
            <details class="about">
                <summary>"About this chart"</summary>
                <p>{chart.about()}</p>
            </details>
            <Transition fallback=|| view! { <p class="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let (drawn_repos, drawn_interval, answer) = reply.await;
                    let csv_href = csv_href(chart, &drawn_repos, drawn_interval);
                    view! { <ChartBody chart answer drawn_interval csv_href retry /> }
                })}
            </Transition>
        </section>
    }
}

/// The chart's data as CSV, from the JSON API.
fn csv_href(chart: ChartId, repos: &[i64], interval: Interval) -> String {
    let ids: Vec<String> = repos.iter().map(i64::to_string).collect();
    format!("/api/v1/charts/{}?repos={}&interval={interval}&format=csv", chart.slug(), ids.join(","))
}

#[component]
fn ChartBody(
    chart: ChartId,
    answer: Result<Option<ChartReply>, ServerFnError>,
    drawn_interval: Interval,
    csv_href: String,
    retry: Action<(), Result<ChartReply, ServerFnError>>,
) -> impl IntoView {
    match answer {
        Ok(None) => {
            view! { <p class="status empty">"Pick one or more repositories to draw this chart."</p> }.into_any()
        }
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
            let as_of = format!("Data as of {}", computed_at.format("%Y-%m-%d %H:%M UTC"));
            if data.is_empty() {
                view! {
                    <p class="status empty" data-state="ready">"No data for the selected repositories."</p>
                    <p class="as-of">{as_of}</p>
                }
                .into_any()
            } else {
                let svg = chart_svg(&data, chart.layout(), drawn_interval, ChartSize::default());
                view! {
                    <div class="chart" data-state="ready" data-interval=drawn_interval.as_str() inner_html=svg></div>
                    <footer class="card-foot">
                        <span class="as-of">{as_of}</span>
                        <a class="download" href=csv_href download>"Download CSV"</a>
                    </footer>
                }
                .into_any()
            }
        }
        Ok(Some(ChartReply::Failed { error, retryable })) => view! {
            <div class="status error" data-state="failed" role="alert">
                <p>
                    {format!("This chart could not be computed: {error}.")}
                    {if retryable {
                        " It may work if you try again."
                    } else {
                        " Trying again helps only once the cause is fixed."
                    }}
                </p>
                <button type="button" class="retry" on:click=move |_| { retry.dispatch(()); }>
                    "Try again"
                </button>
            </div>
        }
        .into_any(),
        Err(error) => view! {
            <p class="status error" data-state="error" role="alert">{error.to_string()}</p>
        }
        .into_any(),
    }
}

fn seconds(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

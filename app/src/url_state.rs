//! The parts of the view kept in the URL, so a link reproduces it and back/forward work:
//! the selection (repos and whole orgs), the page-wide controls (bot filter, date range) and
//! each chart's own controls.

use std::collections::HashMap;

use charts::{ChartControls, ChartId, Control, RepoPick, SearchHit, BOTS_PARAM, FROM_PARAM, REPO_PARAM, TO_PARAM};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::{
    hooks::{use_location, use_navigate, use_query_map},
    params::ParamsMap,
    NavigateOptions,
};
use serde::{Deserialize, Serialize};

const REPOS_PARAM: &str = "repos";
const ORGS_PARAM: &str = "orgs";

/// What the user picked: repos by id and whole orgs by name. The server turns it into repo ids.
/// `default`: server function arguments travel form-encoded, where an empty list is left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Selection {
    pub repos: Vec<i64>,
    pub orgs: Vec<String>,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.repos.is_empty() && self.orgs.is_empty()
    }

    pub fn add(&mut self, hit: &SearchHit) {
        match hit {
            SearchHit::Org { name, .. } if !self.orgs.contains(name) => self.orgs.push(name.clone()),
            SearchHit::Repo { id, .. } if !self.repos.contains(id) => {
                self.repos.push(*id);
                self.repos.sort_unstable();
            }
            _ => {}
        }
    }

    fn read(query: &ParamsMap) -> Self {
        let orgs = query
            .get(ORGS_PARAM)
            .map(|text| text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default();
        Selection { repos: read_repos(query), orgs }
    }

    fn write(&self, query: &mut ParamsMap) {
        write_repos(&self.repos, query);
        set(query, ORGS_PARAM, (!self.orgs.is_empty()).then(|| self.orgs.join(",")));
    }
}

/// Controls that apply to every chart of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageControls {
    pub hide_bots: bool,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl PageControls {
    fn read(query: &ParamsMap) -> Self {
        let date = |name| query.get(name).and_then(|text| charts::iso::parse_date(&text));
        PageControls {
            hide_bots: query.get(BOTS_PARAM).as_deref() != Some("show"),
            from: date(FROM_PARAM),
            to: date(TO_PARAM),
        }
    }

    fn write(&self, query: &mut ParamsMap) {
        set(query, BOTS_PARAM, (!self.hide_bots).then(|| "show".to_owned()));
        set(query, FROM_PARAM, self.from.map(|d| d.to_string()));
        set(query, TO_PARAM, self.to.map(|d| d.to_string()));
    }
}

fn read_repos(query: &ParamsMap) -> Vec<i64> {
    let mut ids: Vec<i64> = query
        .get(REPOS_PARAM)
        .map(|text| text.split(',').filter_map(|id| id.trim().parse().ok()).collect())
        .unwrap_or_default();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn write_repos(ids: &[i64], query: &mut ParamsMap) {
    let text: Vec<String> = ids.iter().map(i64::to_string).collect();
    set(query, REPOS_PARAM, (!text.is_empty()).then(|| text.join(",")));
}

fn set(query: &mut ParamsMap, key: &'static str, value: Option<String>) {
    query.remove(key);
    if let Some(value) = value {
        query.insert(key, value);
    }
}

/// The query string that carries the selection and the page-wide controls to another page;
/// charts' own controls stay behind, since they name the charts of this page.
pub fn shared_query(query: &ParamsMap) -> String {
    let mut shared = ParamsMap::new();
    Selection::read(query).write(&mut shared);
    PageControls::read(query).write(&mut shared);
    shared.to_query_string()
}

/// The selection and page controls as signals that follow the URL and write back to it.
pub fn page_state() -> (RwSignal<Selection>, RwSignal<PageControls>) {
    let query = use_query_map();
    let selection = synced(query, Selection::read, Selection::write);
    let controls = synced(query, PageControls::read, PageControls::write);
    (selection, controls)
}

/// A chart's own controls (interval, thresholds), kept in the URL as `<chart-id>.<param>`,
/// defaults left out. The page-wide ones (bots, dates) live in [`PageControls`].
pub fn chart_controls(chart: ChartId) -> RwSignal<ChartControls> {
    synced(use_query_map(), move |q| read_chart(chart, q), move |c, q| write_chart(chart, c, q))
}

/// A chart's own parameter in the page URL; the picked repository is the page's, shared by
/// every per-repository chart, so it has no prefix.
fn chart_param(chart: ChartId, control: Control) -> String {
    match control {
        Control::Repo => REPO_PARAM.to_owned(),
        _ => format!("{}.{}", chart.slug(), control.param()),
    }
}

/// The series a chart's legend hides, by name, as `<chart-id>.hide=name|name` (names are
/// logins, domains or labels, which may hold commas but not a bar).
pub fn hidden_series(chart: ChartId) -> RwSignal<Vec<String>> {
    let read = move |query: &ParamsMap| -> Vec<String> {
        let text = query.get(&hide_param(chart)).unwrap_or_default();
        text.split('|').filter(|name| !name.is_empty()).map(str::to_owned).collect()
    };
    let write = move |names: &Vec<String>, query: &mut ParamsMap| {
        query.remove(&hide_param(chart));
        if !names.is_empty() {
            query.insert(hide_param(chart), names.join("|"));
        }
    };
    synced(use_query_map(), read, write)
}

fn hide_param(chart: ChartId) -> String {
    format!("{}.hide", chart.slug())
}

/// The repository the per-repository charts show, as the page's picker sets it: `repo=ID`,
/// `repo=` for none, absent for the selection's first.
pub fn repo_pick() -> RwSignal<RepoPick> {
    let read =
        |query: &ParamsMap| query.get(REPO_PARAM).and_then(|text| RepoPick::parse(&text).ok()).unwrap_or_default();
    let write = |pick: &RepoPick, query: &mut ParamsMap| set(query, REPO_PARAM, pick.as_param());
    synced(use_query_map(), read, write)
}

fn read_chart(chart: ChartId, query: &ParamsMap) -> ChartControls {
    let own: HashMap<&str, String> =
        chart.controls().iter().filter_map(|c| Some((c.param(), query.get(&chart_param(chart, *c))?))).collect();
    // A hand-edited value that does not parse leaves the chart on its defaults.
    ChartControls::from_params(chart, |name| own.get(name).map(String::as_str))
        .unwrap_or_else(|_| ChartControls::for_chart(chart))
}

fn write_chart(chart: ChartId, controls: &ChartControls, query: &mut ParamsMap) {
    for control in chart.controls() {
        query.remove(&chart_param(chart, *control));
    }
    for (name, value) in controls.to_params(chart) {
        if let Some(control) = chart.controls().iter().find(|c| c.param() == name) {
            query.insert(chart_param(chart, *control), value);
        }
    }
}

/// A signal read from the URL at first render (on the server too, so hydration matches),
/// updated when the URL changes (back/forward), and written to the URL when set.
fn synced<T, R, W>(query: Memo<ParamsMap>, read: R, write: W) -> RwSignal<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
    R: Fn(&ParamsMap) -> T + Copy + Send + Sync + 'static,
    W: Fn(&T, &mut ParamsMap) + Copy + Send + Sync + 'static,
{
    let signal = RwSignal::new(query.with_untracked(read));
    Effect::new(move |_| {
        let from_url = query.with(read);
        if signal.with_untracked(|v| *v != from_url) {
            signal.set(from_url);
        }
    });
    let navigate = use_navigate();
    let path = use_location().pathname;
    Effect::new(move |_| {
        let value = signal.get();
        if query.with_untracked(read) != value {
            let mut next = query.get_untracked();
            write(&value, &mut next);
            let url = format!("{}{}", path.get_untracked(), next.to_query_string());
            navigate(&url, NavigateOptions { scroll: false, ..Default::default() });
        }
    });
    signal
}

#[cfg(test)]
mod tests {
    use super::*;
    use charts::Interval;

    fn params(pairs: &[(&'static str, &str)]) -> ParamsMap {
        pairs.iter().map(|(key, value)| (*key, value.to_string())).collect()
    }

    #[test]
    fn moving_to_another_page_keeps_the_selection_and_page_controls_only() {
        let query = params(&[
            ("repos", "3,1"),
            ("orgs", "chaoss"),
            ("bots", "show"),
            ("from", "2024-01-01"),
            ("pr-staleness.stale_days", "45"),
        ]);
        let shared = shared_query(&query).replace("%2C", ",").replace("%2D", "-");
        assert_eq!(shared, "?repos=1,3&orgs=chaoss&bots=show&from=2024-01-01");
        assert_eq!(shared_query(&params(&[("pr-staleness.stale_days", "45")])), "");
    }

    fn chart_named(slug: &str) -> ChartId {
        ChartId::from_slug(slug).expect("a chart of the catalog")
    }

    fn day(text: &str) -> Option<NaiveDate> {
        Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap())
    }

    #[test]
    fn a_selection_round_trips_through_the_url() {
        let selection = Selection { repos: vec![3, 10, 25], orgs: vec!["chaoss".into(), "Frontend Repos".into()] };
        let mut query = params(&[("other", "kept")]);
        selection.write(&mut query);
        assert_eq!(query.get(REPOS_PARAM).as_deref(), Some("3,10,25"));
        assert_eq!(query.get(ORGS_PARAM).as_deref(), Some("chaoss,Frontend Repos"));
        assert_eq!(query.get("other").as_deref(), Some("kept"));
        assert_eq!(Selection::read(&query), selection);
    }

    #[test]
    fn repo_ids_are_sorted_and_deduplicated_and_junk_left_out() {
        let query = params(&[("repos", "10, 3,x,10,,7")]);
        assert_eq!(Selection::read(&query).repos, [3, 7, 10]);
    }

    #[test]
    fn orgs_are_split_on_commas_and_trimmed() {
        let query = params(&[("orgs", " chaoss, ,kubernetes-sigs ,")]);
        assert_eq!(Selection::read(&query).orgs, ["chaoss", "kubernetes-sigs"]);
    }

    #[test]
    fn an_empty_selection_writes_no_parameters_and_clears_old_ones() {
        let mut query = params(&[("repos", "1"), ("orgs", "chaoss"), ("other", "kept")]);
        Selection::default().write(&mut query);
        assert_eq!(query.to_query_string(), "?other=kept");
        assert!(Selection::read(&query).is_empty());
    }

    #[test]
    fn adding_hits_keeps_repos_sorted_and_both_lists_unique() {
        let repo = |id| SearchHit::Repo { id, url: format!("https://github.com/o/r{id}"), org: "o".into() };
        let org = |name: &str| SearchHit::Org { name: name.into(), repos: 2 };
        let mut selection = Selection::default();
        for hit in [repo(9), repo(2), org("chaoss"), repo(9), org("chaoss")] {
            selection.add(&hit);
        }
        assert_eq!(selection, Selection { repos: vec![2, 9], orgs: vec!["chaoss".into()] });
    }

    #[test]
    fn page_controls_default_to_hiding_bots_over_every_date() {
        let controls = PageControls::read(&ParamsMap::new());
        assert_eq!(controls, PageControls { hide_bots: true, from: None, to: None });
        let mut query = ParamsMap::new();
        controls.write(&mut query);
        assert_eq!(query.to_query_string(), "");
    }

    #[test]
    fn page_controls_round_trip_with_bots_shown_and_dates() {
        let controls = PageControls { hide_bots: false, from: day("2024-01-01"), to: day("2024-06-30") };
        let mut query = ParamsMap::new();
        controls.write(&mut query);
        assert_eq!(query.get(BOTS_PARAM).as_deref(), Some("show"));
        assert_eq!(query.get(FROM_PARAM).as_deref(), Some("2024-01-01"));
        assert_eq!(query.get(TO_PARAM).as_deref(), Some("2024-06-30"));
        assert_eq!(PageControls::read(&query), controls);
        // Back to the defaults: the parameters go.
        PageControls { hide_bots: true, from: None, to: None }.write(&mut query);
        assert_eq!(query.to_query_string(), "");
    }

    #[test]
    fn unreadable_page_controls_read_as_the_defaults() {
        let query = params(&[("bots", "maybe"), ("from", "2024-13-01"), ("to", "soon")]);
        assert_eq!(PageControls::read(&query), PageControls { hide_bots: true, from: None, to: None });
    }

    #[test]
    fn a_charts_controls_live_under_its_id_without_defaults() {
        let chart = chart_named("pr-staleness");
        let defaults = ChartControls::for_chart(chart);
        let mut query = params(&[("other", "kept")]);
        write_chart(chart, &defaults, &mut query);
        assert_eq!(query.to_query_string(), "?other=kept");

        // Page-wide values in the controls are not the chart's to write.
        let controls = ChartControls {
            interval: Interval::Week,
            staling_days: 3,
            hide_bots: false,
            from: day("2024-01-01"),
            ..defaults
        };
        write_chart(chart, &controls, &mut query);
        assert_eq!(query.get("pr-staleness.interval").as_deref(), Some("week"));
        assert_eq!(query.get("pr-staleness.staling_days").as_deref(), Some("3"));
        assert_eq!(query.get("pr-staleness.stale_days"), None);
        assert_eq!((query.get("bots"), query.get("pr-staleness.bots"), query.get("from")), (None, None, None));
        assert_eq!(read_chart(chart, &query), ChartControls { interval: Interval::Week, staling_days: 3, ..defaults });

        // Another chart reads none of them, nor the bare parameter names.
        let other = chart_named("issue-staleness");
        query.insert("staling_days", "5".to_owned());
        assert_eq!(read_chart(other, &query), ChartControls::for_chart(other));

        write_chart(chart, &defaults, &mut query);
        assert_eq!(read_chart(chart, &query), defaults);
        assert_eq!(query.get("pr-staleness.interval"), None);
        assert_eq!(query.get("other").as_deref(), Some("kept"));
    }

    #[test]
    fn the_picked_repo_is_one_page_parameter_for_every_per_repo_chart() {
        let scorecard = chart_named("ossf-scorecard");
        let info = chart_named("repo-info");
        let mut query = params(&[("repo", "25")]);
        assert_eq!(read_chart(scorecard, &query).repo, RepoPick::Repo(25));
        assert_eq!(read_chart(info, &query).repo, RepoPick::Repo(25));
        let cleared = ChartControls { repo: RepoPick::Nothing, ..ChartControls::for_chart(info) };
        write_chart(info, &cleared, &mut query);
        assert_eq!(query.get("repo").as_deref(), Some(""));
        assert_eq!(read_chart(scorecard, &query).repo, RepoPick::Nothing);
        write_chart(info, &ChartControls::for_chart(info), &mut query);
        assert_eq!((query.get("repo"), query.get("repo-info.repo")), (None, None));
    }

    #[test]
    fn a_bad_chart_value_falls_back_to_the_defaults() {
        let chart = chart_named("pr-staleness");
        for bad in [
            [("pr-staleness.interval", "week"), ("pr-staleness.staling_days", "abc")],
            [("pr-staleness.interval", "fortnight"), ("pr-staleness.staling_days", "3")],
            [("pr-staleness.staling_days", "0"), ("pr-staleness.interval", "week")],
            // Each in range, but staling after stale.
            [("pr-staleness.staling_days", "40"), ("pr-staleness.stale_days", "30")],
        ] {
            assert_eq!(read_chart(chart, &params(&bad)), ChartControls::for_chart(chart), "{bad:?}");
        }
    }
}

//! Hand-built contributor actions for the transforms' tests.

use charts::{ChartControls, ChartId, TimeSeries};

use super::test_time::at;
use crate::augur::queries::{action, ActionRow, TextId};

/// (repo, contributor, time, bot); contributor 0 is unresolved.
pub fn actions(rows: &[(i64, i64, &str, bool)]) -> Vec<ActionRow> {
    rows.iter()
        .map(|&(repo_id, who, time, bot)| ActionRow {
            repo_id,
            contributor: TextId(who),
            at: at(time),
            action: action::COMMIT,
            login: format!("user{who}"),
            bot,
        })
        .collect()
}

/// A chart's controls from API-style parameters.
pub fn controls_of(pairs: &[(&str, &str)], chart: ChartId) -> ChartControls {
    ChartControls::from_params(chart, |n| pairs.iter().find(|(k, _)| *k == n).map(|(_, v)| *v)).unwrap()
}

pub fn values<'a>(ts: &'a TimeSeries, name: &str) -> &'a [i64] {
    &ts.series.iter().find(|s| s.name == name).unwrap().values
}

pub fn with_kinds(mut rows: Vec<ActionRow>, kinds: &[i32]) -> Vec<ActionRow> {
    for (row, kind) in rows.iter_mut().zip(kinds) {
        row.action = *kind;
    }
    rows
}

//! Project velocity: repositories compared by their commits, their weighted issue and PR
//! actions and their contributors.

use std::collections::{BTreeMap, HashSet};

use charts::{ChartControls, ChartId, Point, Points};
use chrono::NaiveDate;

use super::{draw, in_range, shown, Transform};
use crate::augur::queries::{action, ActionRow, ContributorActions, TextId};

pub(super) fn transforms() -> Vec<Transform> {
    vec![draw(ContributorActions, ChartId::ProjectVelocity, project_velocity)]
}

/// One point per repository with actions in the date range: x its commits (every commit,
/// resolved author or not), y its issue and PR actions weighted by kind, size its distinct
/// contributors. Points are labelled by the web tier, which knows the repositories' names.
fn project_velocity(rows: &[ActionRow], controls: &ChartControls, _today: NaiveDate) -> Points {
    let weights = [
        (action::ISSUE_OPENED, controls.weight_issue_opened),
        (action::ISSUE_CLOSED, controls.weight_issue_closed),
        (action::PR_OPENED, controls.weight_pr_opened),
        (action::PR_MERGED, controls.weight_pr_merged),
        (action::PR_CLOSED, controls.weight_pr_closed),
    ];
    // Per repo: commits, weighted actions in tenths, contributors.
    let mut repos: BTreeMap<i64, (u64, u64, HashSet<TextId>)> = Default::default();
    for row in rows.iter().filter(|r| shown(controls, r.bot) && in_range(controls, r.at)) {
        let repo = repos.entry(row.repo_id).or_default();
        if row.action == action::COMMIT {
            repo.0 += 1;
        }
        if let Some((_, weight)) = weights.iter().find(|(kind, _)| *kind == row.action) {
            repo.1 += u64::from(*weight);
        }
        if row.contributor != TextId::NONE {
            repo.2.insert(row.contributor);
        }
    }
    let points = repos
        .into_iter()
        .map(|(id, (commits, tenths, people))| Point {
            id,
            label: id.to_string(),
            x: commits as f64,
            y: tenths as f64 / 10.0,
            size: people.len() as f64,
        })
        .collect();
    Points { points, log_y: controls.choice_of(ChartId::ProjectVelocity) == "log" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viz::test_actions::{actions, controls_of, with_kinds};
    use crate::viz::test_time::d;

    #[test]
    fn velocity_weighs_each_repos_actions_and_counts_its_people() {
        // Repo 10: 2 commits (one by an unresolved author), a PR merged (0.7) and 2 issues
        // opened (0.3 each): y 1.3, 2 contributors. Repo 11: only a closed PR (0.2), 1
        // contributor; no commit counts as 0. Repo 12's one action is a bot's: hidden.
        let rows = with_kinds(
            actions(&[
                (10, 1, "2024-01-01 00:00:00", false),
                (10, 0, "2024-01-02 00:00:00", false),
                (10, 2, "2024-01-03 00:00:00", false),
                (10, 1, "2024-01-04 00:00:00", false),
                (10, 2, "2024-01-05 00:00:00", false),
                (11, 3, "2024-01-06 00:00:00", false),
                (12, 9, "2024-01-07 00:00:00", true),
            ]),
            &[
                action::COMMIT,
                action::COMMIT,
                action::PR_MERGED,
                action::ISSUE_OPENED,
                action::ISSUE_OPENED,
                action::PR_CLOSED,
                action::COMMIT,
            ],
        );
        let velocity = project_velocity(&rows, &controls_of(&[], ChartId::ProjectVelocity), d("2025-01-01"));
        let got: Vec<(i64, f64, f64, f64)> = velocity.points.iter().map(|p| (p.id, p.x, p.y, p.size)).collect();
        assert_eq!(got, [(10, 2.0, 1.3, 2.0), (11, 0.0, 0.2, 1.0)]);
        assert!(!velocity.log_y);
        // Other weights, a log axis, and PR merges weighed at 1.
        let controls = controls_of(
            &[("weight_pr_merged", "1"), ("weight_issue_opened", "0"), ("view", "log")],
            ChartId::ProjectVelocity,
        );
        let velocity = project_velocity(&rows, &controls, d("2025-01-01"));
        assert_eq!(velocity.points[0].y, 1.0);
        assert!(velocity.log_y);
    }
}

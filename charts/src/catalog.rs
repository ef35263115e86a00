use serde::{Deserialize, Serialize};

use crate::Control;

/// Every chart the app draws. The slug is its name in URLs and the JSON API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChartId {
    CommitsOverTime,
    PrsOverTime,
    PrStaleness,
    PrFirstResponse,
    PrEngagement,
    PrReviewStatus,
    PrReviewAssignment,
    IssuesOverTime,
    IssueStaleness,
    IssueAssignmentStatus,
    IssueAssignment,
}

/// How a chart's series are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Side-by-side bars per period; series named in `lines` are drawn as lines on top.
    Bars { lines: &'static [&'static str] },
    /// Bars stacked per period, the first series at the bottom.
    Stacked,
    /// One line per series.
    Lines,
}

impl ChartId {
    /// In page order: the Contributions page shows them so.
    pub const ALL: [ChartId; 11] = [
        ChartId::CommitsOverTime,
        ChartId::PrsOverTime,
        ChartId::PrStaleness,
        ChartId::PrFirstResponse,
        ChartId::PrEngagement,
        ChartId::PrReviewStatus,
        ChartId::PrReviewAssignment,
        ChartId::IssuesOverTime,
        ChartId::IssueStaleness,
        ChartId::IssueAssignmentStatus,
        ChartId::IssueAssignment,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ChartId::CommitsOverTime => "commits-over-time",
            ChartId::PrsOverTime => "prs-over-time",
            ChartId::PrStaleness => "pr-staleness",
            ChartId::PrFirstResponse => "pr-first-response",
            ChartId::PrEngagement => "pr-engagement",
            ChartId::PrReviewStatus => "pr-review-status",
            ChartId::PrReviewAssignment => "pr-review-assignment",
            ChartId::IssuesOverTime => "issues-over-time",
            ChartId::IssueStaleness => "issue-staleness",
            ChartId::IssueAssignmentStatus => "issue-assignment-status",
            ChartId::IssueAssignment => "issue-assignment",
        }
    }

    pub fn from_slug(slug: &str) -> Option<ChartId> {
        ChartId::ALL.into_iter().find(|c| c.slug() == slug)
    }

    pub fn title(self) -> &'static str {
        match self {
            ChartId::CommitsOverTime => "Commits over time",
            ChartId::PrsOverTime => "Pull requests over time",
            ChartId::PrStaleness => "Pull request activity: staleness",
            ChartId::PrFirstResponse => "Pull request time to first response",
            ChartId::PrEngagement => "Pull request conversation engagement",
            ChartId::PrReviewStatus => "Pull request review status counts",
            ChartId::PrReviewAssignment => "Contributor pull request review assignment",
            ChartId::IssuesOverTime => "Issues over time",
            ChartId::IssueStaleness => "Issue activity: staleness",
            ChartId::IssueAssignmentStatus => "Issue assignment status counts",
            ChartId::IssueAssignment => "Contributor issue assignment",
        }
    }

    /// What the chart counts, in words a user reads under "about this chart".
    pub fn about(self) -> &'static str {
        match self {
            ChartId::CommitsOverTime => {
                "Distinct commits per period, dated by the author timestamp converted to UTC. \
                 A commit present in several selected repositories counts once. Commits dated \
                 in the future or at Augur's 1970 placeholder are left out."
            }
            ChartId::PrsOverTime => {
                "Pull requests opened, merged, and closed without merging in each period (bars), \
                 and the number still open at the end of each period (line). A merged pull request \
                 counts as merged only, never also as closed."
            }
            ChartId::PrStaleness => {
                "Open pull requests at the end of each period, by age since they were opened: new \
                 (younger than the staling threshold), staling (between the two thresholds) and \
                 stale (older than the stale threshold)."
            }
            ChartId::PrFirstResponse => {
                "Open pull requests at the end of each period, and how many of them had received a \
                 first comment or review within the chosen number of days of being opened. The \
                 author's own comments are not a response."
            }
            ChartId::PrEngagement => {
                "Open pull requests at the end of each period, and how many of them had a comment \
                 or review by someone other than the author in the chosen number of days before \
                 the period's end."
            }
            ChartId::PrReviewStatus => {
                "Open pull requests at the end of each period that have at least one assignee \
                 (assigned) and that have none (unassigned), replaying assign and unassign events."
            }
            ChartId::PrReviewAssignment => {
                "Review assignments per contributor in each period, for contributors with at least \
                 the required number of assignments in the chosen date range."
            }
            ChartId::IssuesOverTime => {
                "Issues created and closed in each period (bars), and the number still open at the \
                 end of each period (line). Pull requests stored as issues by old Augur versions are \
                 left out."
            }
            ChartId::IssueStaleness => {
                "Open issues at the end of each period, by age since they were opened: new, staling \
                 and stale, as set by the two day thresholds."
            }
            ChartId::IssueAssignmentStatus => {
                "Open issues at the end of each period that have at least one assignee (assigned) \
                 and that have none (unassigned), replaying assign and unassign events."
            }
            ChartId::IssueAssignment => {
                "Issue assignments per contributor in each period, for contributors with at least \
                 the required number of assignments in the chosen date range."
            }
        }
    }

    pub fn layout(self) -> Layout {
        match self {
            ChartId::CommitsOverTime => Layout::Bars { lines: &[] },
            ChartId::PrsOverTime | ChartId::IssuesOverTime => Layout::Bars { lines: &["open"] },
            ChartId::PrStaleness | ChartId::IssueStaleness => Layout::Stacked,
            ChartId::PrReviewStatus | ChartId::IssueAssignmentStatus => Layout::Stacked,
            ChartId::PrFirstResponse | ChartId::PrEngagement => Layout::Lines,
            ChartId::PrReviewAssignment | ChartId::IssueAssignment => Layout::Lines,
        }
    }

    /// The chart's own controls, besides the page-wide bot filter and date range.
    pub fn controls(self) -> &'static [Control] {
        match self {
            ChartId::CommitsOverTime | ChartId::PrsOverTime | ChartId::IssuesOverTime => &[Control::Interval],
            ChartId::PrStaleness | ChartId::IssueStaleness => {
                &[Control::Interval, Control::StalingDays, Control::StaleDays]
            }
            ChartId::PrFirstResponse | ChartId::PrEngagement => &[Control::Interval, Control::ResponseDays],
            ChartId::PrReviewStatus | ChartId::IssueAssignmentStatus => &[Control::Interval],
            ChartId::PrReviewAssignment | ChartId::IssueAssignment => {
                &[Control::Interval, Control::AssignmentsRequired]
            }
        }
    }

    /// The interval a chart opens with, as 8Knot's: weeks for the assignment charts.
    pub fn default_interval(self) -> crate::Interval {
        match self {
            ChartId::PrReviewStatus
            | ChartId::PrReviewAssignment
            | ChartId::IssueAssignmentStatus
            | ChartId::IssueAssignment => crate::Interval::Week,
            _ => crate::Interval::Month,
        }
    }
}

/// A repository the user can pick.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoEntry {
    pub id: i64,
    /// The clone URL, as Augur stores it (lower case, no trailing slash).
    pub url: String,
    /// The Augur repo group, usually the GitHub org.
    pub org: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for chart in ChartId::ALL {
            assert_eq!(ChartId::from_slug(chart.slug()), Some(chart));
            assert!(seen.insert(chart.slug()));
            // serde names match the slugs, so JSON and URLs agree.
            assert_eq!(serde_json::to_value(chart).unwrap(), serde_json::json!(chart.slug()));
        }
    }
}

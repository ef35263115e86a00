use serde::{Deserialize, Serialize};

use crate::Interval;

/// Every chart the app draws. The slug is its name in URLs and the JSON API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChartId {
    CommitsOverTime,
}

impl ChartId {
    pub const ALL: [ChartId; 1] = [ChartId::CommitsOverTime];

    pub fn slug(self) -> &'static str {
        match self {
            ChartId::CommitsOverTime => "commits-over-time",
        }
    }

    pub fn from_slug(slug: &str) -> Option<ChartId> {
        ChartId::ALL.into_iter().find(|c| c.slug() == slug)
    }

    pub fn title(self) -> &'static str {
        match self {
            ChartId::CommitsOverTime => "Commits over time",
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
        }
    }
}

/// The user's settings of a chart that change its drawing but not its query.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChartControls {
    pub interval: Interval,
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

//! The words the charts count in, defined once: the Definitions page shows these, and each
//! chart's "about" text uses the same terms with the thresholds its controls set.

/// One term of the Definitions page.
#[derive(Debug)]
pub struct Definition {
    /// Its anchor on the page (`/definitions#contributor`).
    pub id: &'static str,
    pub term: &'static str,
    pub text: &'static str,
}

pub const DEFINITIONS: &[Definition] = &[
    Definition {
        id: "contributor",
        term: "Contributor",
        text: "A person Augur resolved to a contributor id: their commits (matched by email), pull \
               requests, reviews, issues and comments are theirs, in any repository of the \
               selection. Someone active in two selected repositories is one contributor.",
    },
    Definition {
        id: "contribution",
        term: "Contribution",
        text: "One action of a contributor: a commit, a pull request opened, closed or merged, a \
               review, a pull request comment, an issue opened or closed, an issue comment. \
               Stars, forks and watches are not contributions. A contributor's first \
               contribution is their earliest action across the whole selection.",
    },
    Definition {
        id: "recency",
        term: "Recency: active, drifting, away",
        text: "How long ago a contributor's latest contribution was, read at the end of each \
               period: active if less than the drifting months ago, drifting if less than the \
               away months ago, away otherwise. The two thresholds are the engagement chart's \
               controls (6 and 12 months unless changed).",
    },
    Definition {
        id: "consistency",
        term: "Consistency: repeat, drive-thru",
        text: "A repeat contributor has made at least the required number of contributions (4 \
               unless changed) across the selection, a drive-thru contributor fewer. The \
               drive-thru / repeat contributions chart counts over all time; the contributor \
               types chart counts up to the end of each period, so a contributor turns repeat \
               in the period their count reaches the threshold.",
    },
    Definition {
        id: "staleness",
        term: "Staleness: new, staling, stale",
        text: "The age of an open pull request or issue since it was opened, read at the end of \
               each period: new if younger than the staling days, staling if younger than the \
               stale days, stale otherwise (7 and 30 days unless changed).",
    },
    Definition {
        id: "bots",
        term: "Bots",
        text: "Contributors whose GitHub account type is Bot. They are hidden on every chart by \
               default (the page's \"Hide bots\" switch); 8Knot leaves them in its commit and \
               affiliation charts.",
    },
    Definition {
        id: "unresolved",
        term: "Unresolved contributors",
        text: "Actions Augur could not tie to a contributor id, mostly commits by an email \
               without a GitHub account. They count as contributions in activity totals but \
               never as a contributor; 8Knot counts them all as one contributor, \"None\".",
    },
    Definition {
        id: "data-as-of",
        term: "Data as of",
        text: "When the rows behind a chart were read from Augur. Results stay cached for a day \
               by default, so what Augur collected since shows once that has passed; a chart of \
               several repositories is as old as its oldest part.",
    },
];

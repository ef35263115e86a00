//! The registry of charts and pages. A chart is one row of [`CHARTS`] (its id, title, about
//! text, layout, controls and opening interval); a page is one row of [`PAGES`] (its path,
//! title, intro and charts in order). The chart enum and its list, the API's chart list, the
//! page cards and the navigation are all derived from these rows, so a chart left out of a
//! list cannot compile into a silent 404. Which query a chart is drawn from is named once,
//! by its transform on the server (its rows' type fixes the query).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Control, Interval};

/// How a chart's series are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Side-by-side bars per period; series named in `lines` are drawn as lines on top.
    Bars { lines: &'static [&'static str] },
    /// Bars stacked per period, the first series at the bottom.
    Stacked,
    /// One line per series.
    Lines,
    /// One pie of the first series' values, a slice per category.
    Pie,
    /// One circle per point: x and size on a log(1 + value) scale, y as the data says.
    Scatter,
    /// A table of text cells: an HTML table on the page.
    Table,
}

/// A chart's row in the registry.
#[derive(Debug)]
pub struct ChartSpec {
    pub id: ChartId,
    /// Its name in URLs and the JSON API.
    pub slug: &'static str,
    pub title: &'static str,
    /// What the chart counts, in words a user reads under "about this chart".
    pub about: &'static str,
    pub layout: Layout,
    /// The chart's own controls, besides the page-wide bot filter and date range.
    pub controls: &'static [Control],
    /// The interval the chart opens with.
    pub default_interval: Interval,
    /// The intervals it can be switched to.
    pub intervals: &'static [Interval],
    /// The choices of a chart with a [`Control::View`] or [`Control::Action`], the first one
    /// the default.
    pub choices: &'static [Choice],
    /// The x axis' title, when its labels need one (say, that times are UTC).
    pub x_axis: &'static str,
    /// Numeric controls whose (default, lowest, highest) differ on this chart from
    /// [`Control::range`] and [`ChartControls::default`](crate::ChartControls).
    pub numbers: &'static [(Control, u32, u32, u32)],
    /// The [`DEFINITIONS`](crate::DEFINITIONS) the about text counts in, by id: the card
    /// links them, so a term is worded in one place.
    pub terms: &'static [&'static str],
}

/// One view or action a chart can be switched to.
#[derive(Debug)]
pub struct Choice {
    /// Its value in URLs and the API.
    pub value: &'static str,
    pub label: &'static str,
}

/// What a registry row leaves out.
pub(crate) const UNSET: ChartSpec = ChartSpec {
    id: ChartId::CommitsOverTime,
    slug: "",
    title: "",
    about: "",
    layout: Layout::Lines,
    controls: &[],
    default_interval: Interval::Month,
    intervals: &Interval::USUAL,
    choices: &[],
    x_axis: "",
    numbers: &[],
    terms: &[],
};

/// A page of charts.
#[derive(Debug)]
pub struct PageSpec {
    pub path: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub charts: &'static [ChartId],
}

/// Declares the chart enum and its registry rows together, in one order.
macro_rules! chart_registry {
    ($($id:ident { $($field:ident: $value:expr),* $(,)? })*) => {
        /// Every chart the app draws; its slug is its name in URLs and the JSON API.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ChartId {
            $($id,)*
        }

        /// Every chart's row, in the order of [`ChartId`].
        pub const CHARTS: &[ChartSpec] = &[$(ChartSpec { id: ChartId::$id, $($field: $value,)* ..UNSET },)*];

        impl ChartId {
            /// Every chart, in registry order.
            pub const ALL: &'static [ChartId] = &[$(ChartId::$id,)*];
        }
    };
}

const WEEKLY_ASSIGNMENT: &[Control] = &[Control::Interval, Control::AssignmentsRequired];
const STALENESS: &[Control] = &[Control::Interval, Control::StalingDays, Control::StaleDays];
const RESPONSE: &[Control] = &[Control::Interval, Control::ResponseDays];
const INTERVAL: &[Control] = &[Control::Interval];

/// The kinds of contribution the bus factor can count, as 8Knot offers them.
const BUS_ACTIONS: &[Choice] = &[
    Choice { value: "commit", label: "Commit" },
    Choice { value: "issue_opened", label: "Issue opened" },
    Choice { value: "issue_comment", label: "Issue comment" },
    Choice { value: "issue_closed", label: "Issue closed" },
    Choice { value: "pr_open", label: "PR opened" },
    Choice { value: "pr_review", label: "PR review" },
    Choice { value: "pr_comment", label: "PR comment" },
];

/// The kinds of contribution a chart can be narrowed to, as 8Knot offers them.
const ACTIONS: &[Choice] = &[
    Choice { value: "pr_open", label: "PR opened" },
    Choice { value: "comment", label: "Comment" },
    Choice { value: "pr_review", label: "PR review" },
    Choice { value: "issue_opened", label: "Issue opened" },
    Choice { value: "issue_closed", label: "Issue closed" },
    Choice { value: "commit", label: "Commit" },
];

/// Email domains the organization charts can leave out: 8Knot's two switches as one choice.
const EXCLUSIONS: &[Choice] = &[
    Choice { value: "none", label: "Keep all" },
    Choice { value: "gmail", label: "No gmail.com" },
    Choice { value: "github", label: "No GitHub noreply" },
    Choice { value: "gmail,github", label: "Neither" },
];

/// The affiliation charts' "contributions required": 1 to 100 (10), as 8Knot has it.
const DOMAIN_CONTRIBUTIONS: &[(Control, u32, u32, u32)] = &[(Control::ContributionsRequired, 10, 1, 100)];

chart_registry! {
    CommitsOverTime {
        slug: "commits-over-time",
        terms: &["contribution"],
        title: "Commits over time",
        layout: Layout::Bars { lines: &[] },
        controls: INTERVAL,
        default_interval: Interval::Month,
        about: "Distinct commits per period, dated by the author timestamp converted to UTC. \
                A commit present in several selected repositories counts once. Commits dated \
                in the future or at Augur's 1970 placeholder are left out.",
    }
    PrsOverTime {
        slug: "prs-over-time",
        terms: &["contribution"],
        title: "Pull requests over time",
        layout: Layout::Bars { lines: &["open"] },
        controls: INTERVAL,
        default_interval: Interval::Month,
        about: "Pull requests opened, merged, and closed without merging in each period (bars), \
                and the number still open at the end of each period (line). A merged pull request \
                counts as merged only, never also as closed.",
    }
    PrStaleness {
        slug: "pr-staleness",
        terms: &["staleness"],
        title: "Pull request activity: staleness",
        layout: Layout::Stacked,
        controls: STALENESS,
        default_interval: Interval::Month,
        about: "Open pull requests at the end of each period, by age since they were opened: new \
                (younger than the staling threshold), staling (between the two thresholds) and \
                stale (older than the stale threshold).",
    }
    PrFirstResponse {
        slug: "pr-first-response",
        terms: &["contribution"],
        title: "Pull request time to first response",
        layout: Layout::Lines,
        controls: RESPONSE,
        default_interval: Interval::Month,
        about: "Open pull requests at the end of each period, and how many of them had received a \
                first comment or review within the chosen number of days of being opened. The \
                author's own comments are not a response.",
    }
    PrEngagement {
        slug: "pr-engagement",
        terms: &["contribution"],
        title: "Pull request conversation engagement",
        layout: Layout::Lines,
        controls: RESPONSE,
        default_interval: Interval::Month,
        about: "Open pull requests at the end of each period, and how many of them had a comment \
                or review by someone other than the author in the chosen number of days before \
                the period's end.",
    }
    PrReviewStatus {
        slug: "pr-review-status",
        title: "Pull request review status counts",
        layout: Layout::Stacked,
        controls: INTERVAL,
        default_interval: Interval::Week,
        about: "Open pull requests at the end of each period that have at least one assignee \
                (assigned) and that have none (unassigned), replaying assign and unassign events.",
    }
    PrReviewAssignment {
        slug: "pr-review-assignment",
        terms: &["contributor", "bots"],
        title: "Contributor pull request review assignment",
        layout: Layout::Lines,
        controls: WEEKLY_ASSIGNMENT,
        default_interval: Interval::Week,
        about: "Review assignments per contributor in each period, for contributors with at least \
                the required number of assignments in the chosen date range: the eight most \
                assigned by login, the others added up as \"Other\" (8Knot draws a line for \
                each). Periods run to today, like the selection's other charts.",
    }
    IssuesOverTime {
        slug: "issues-over-time",
        terms: &["contribution"],
        title: "Issues over time",
        layout: Layout::Bars { lines: &["open"] },
        controls: INTERVAL,
        default_interval: Interval::Month,
        about: "Issues created and closed in each period (bars), and the number still open at the \
                end of each period (line). Pull requests stored as issues by old Augur versions are \
                left out.",
    }
    IssueStaleness {
        slug: "issue-staleness",
        terms: &["staleness"],
        title: "Issue activity: staleness",
        layout: Layout::Stacked,
        controls: STALENESS,
        default_interval: Interval::Month,
        about: "Open issues at the end of each period, by age since they were opened: new, staling \
                and stale, as set by the two day thresholds.",
    }
    IssueAssignmentStatus {
        slug: "issue-assignment-status",
        title: "Issue assignment status counts",
        layout: Layout::Stacked,
        controls: INTERVAL,
        default_interval: Interval::Week,
        about: "Open issues at the end of each period that have at least one assignee (assigned) \
                and that have none (unassigned), replaying assign and unassign events.",
    }
    IssueAssignment {
        slug: "issue-assignment",
        terms: &["contributor", "bots"],
        title: "Contributor issue assignment",
        layout: Layout::Lines,
        controls: WEEKLY_ASSIGNMENT,
        default_interval: Interval::Week,
        about: "Issue assignments per contributor in each period, for contributors with at least \
                the required number of assignments in the chosen date range: the eight most \
                assigned by login, the others added up as \"Other\" (8Knot draws a line for \
                each). Periods run to today, like the selection's other charts.",
    }
    ActivityCycle {
        slug: "activity-cycle",
        terms: &["contribution"],
        title: "Contributor activity cycle",
        layout: Layout::Bars { lines: &[] },
        controls: &[Control::View],
        choices: &[Choice { value: "weekday", label: "Weekday" }, Choice { value: "hour", label: "Hour" }],
        x_axis: "Author time (UTC)",
        about: "Distinct commits of the selection by the weekday or the hour (0 to 23) of their author \
                time, in UTC, not the author's local time. A commit present in several selected \
                repositories (a fork and its parent) counts once, and hours without commits show \
                as zero. 8Knot counts a commit twice when its author and committer hours differ; \
                this chart counts each commit once, at its author time.",
    }
    DriveRepeatContributions {
        slug: "drive-repeat-contributions",
        terms: &["consistency", "contribution", "unresolved"],
        title: "Contributions per quarter: drive-thru or repeat contributors",
        layout: Layout::Stacked,
        controls: &[Control::ContributionsRequired, Control::View],
        // Calendar quarters always: the date range keeps the quarters it overlaps.
        default_interval: Interval::Quarter,
        intervals: &[Interval::Quarter],
        choices: &[Choice { value: "drive", label: "Drive-thru" }, Choice { value: "repeat", label: "Repeat" }],
        about: "Contributions per calendar quarter (UTC) by kind, of drive-thru contributors (fewer \
                than the required number of contributions in all, any kind, any repository of the \
                selection) or of repeat contributors (at least that many). The count is over all \
                time, not only the quarter shown; 8Knot counts within one repository. Actions Augur \
                could not tie to a contributor are left out.",
    }
    FirstTimeContributors {
        slug: "first-time-contributors",
        terms: &["contributor", "contribution", "unresolved"],
        title: "First-time contributors per quarter",
        layout: Layout::Stacked,
        controls: &[],
        default_interval: Interval::Quarter,
        intervals: &[Interval::Quarter],
        about: "Contributors per calendar quarter (UTC) whose first contribution falls in it, by the \
                kind of that first contribution. A contributor's first contribution is their \
                earliest action in any repository of the selection (8Knot takes Augur's rank 1, \
                which is the latest action). Actions Augur could not tie to a contributor are left \
                out.",
    }
    ContributorEngagement {
        slug: "contributor-engagement",
        terms: &["recency", "contributor", "unresolved"],
        title: "Contributor growth by engagement",
        layout: Layout::Stacked,
        controls: &[Control::Interval, Control::DriftingMonths, Control::AwayMonths],
        intervals: &[Interval::Day, Interval::Month, Interval::Year],
        about: "Every contributor seen by the end of each period (the end of today for the current \
                one), by the time since their latest contribution: active (less than the drifting \
                months), drifting (less than the away months) or away. Contributions of any kind in \
                any repository of the selection count; actions Augur could not tie to a contributor \
                are left out.",
    }
    NewContributors {
        slug: "new-contributors",
        terms: &["contributor", "contribution", "unresolved"],
        title: "New contributors over time",
        layout: Layout::Bars { lines: &[] },
        controls: INTERVAL,
        about: "Contributors whose first contribution falls in each period. A contributor's first \
                contribution is their earliest action of any kind in any repository of the \
                selection (8Knot takes Augur's rank 1, which is the latest action). Actions Augur \
                could not tie to a contributor are left out; 8Knot counts them all as one \
                contributor, \"None\".",
    }
    ContributorTypes {
        slug: "contributor-types",
        terms: &["consistency", "contributor", "unresolved"],
        title: "Contributor types over time",
        layout: Layout::Stacked,
        controls: &[Control::Interval, Control::ContributionsRequired],
        intervals: &[Interval::Week, Interval::Month, Interval::Year],
        about: "Distinct contributors active in each period: repeat contributors had made at least \
                the required number of contributions (any kind, any repository of the selection) \
                by the end of that period, drive-thru contributors fewer. A contributor turns \
                repeat in the period their count reaches the threshold. Actions Augur could not tie \
                to a contributor are left out.",
    }
    BusFactor {
        slug: "bus-factor",
        terms: &["contributor", "contribution", "unresolved", "bots"],
        title: "Bus factor: top contributors",
        layout: Layout::Pie,
        controls: &[Control::Action, Control::TopK],
        choices: BUS_ACTIONS,
        about: "The contributors with the most actions of the chosen kind in the date range (both \
                ends included), named by login, and \"Other\" for the rest. Ties are broken by \
                login, so the same data always names the same people. Actions Augur could not tie \
                to a contributor are left out (8Knot shows them as one contributor, \"None\", and \
                names contributors by a truncated id).",
    }
    LotteryFactor {
        slug: "lottery-factor",
        terms: &["contributor", "contribution", "unresolved"],
        title: "Lottery factor over time",
        layout: Layout::Lines,
        controls: &[Control::WindowMonths, Control::StepMonths, Control::ThresholdPct],
        about: "Per window of calendar months (one starting every step, from the month of the \
                earliest contribution to that of the latest) and per kind of action: the fewest \
                contributors whose actions of that kind make up the threshold share of them in the \
                window; 0 where the window has none. A window that ends after today is marked \
                partial, since its data is not complete. Windows start on the first of a month, \
                so no action falls before the first one (8Knot starts at month ends and swaps its \
                PR comment and PR review series). Actions Augur could not tie to a contributor are \
                left out.",
    }
    ProjectVelocity {
        slug: "project-velocity",
        terms: &["contributor", "contribution"],
        title: "Project velocity",
        layout: Layout::Scatter,
        controls: &[
            Control::WeightIssueOpened,
            Control::WeightIssueClosed,
            Control::WeightPrOpened,
            Control::WeightPrMerged,
            Control::WeightPrClosed,
            Control::View,
        ],
        choices: &[Choice { value: "linear", label: "Linear y" }, Choice { value: "log", label: "Log y" }],
        x_axis: "Commits (log scale)",
        about: "One point per repository of the selection, by its id and labelled owner/name, so two \
                repositories of the same name stay apart: x its commits in the date range, y its \
                issue and pull request actions weighted by kind (the weights, 0 to 1, start at \
                8Knot's), the circle's size its distinct contributors. x and size are drawn as \
                log(1 + value) so one commit or one contributor stays visible; y linear or log. A \
                kind with no actions counts as zero. The chart compares repositories: it needs \
                two at least.",
    }
    ContributorsByAction {
        slug: "contributors-by-action",
        terms: &["contributor", "contribution", "unresolved"],
        title: "Contributors by action type",
        layout: Layout::Bars { lines: &[] },
        controls: &[Control::Interval, Control::Action],
        intervals: &[Interval::Month, Interval::Quarter, Interval::Half, Interval::Year],
        choices: ACTIONS,
        about: "Distinct contributors who did the chosen kind of action in each calendar period, a \
                person counted once per period however often they acted. \"Comment\" covers pull \
                request and issue comments; \"PR review\" every review state. Half-years run January \
                to June and July to December (8Knot's six-month bins de-duplicate per quarter). \
                Actions Augur could not tie to a contributor are left out.",
    }
    CommitDomains {
        slug: "commit-domains",
        terms: &["bots"],
        title: "Commit activity by email domain",
        layout: Layout::Pie,
        controls: &[Control::ContributionsRequired],
        numbers: DOMAIN_CONTRIBUTIONS,
        about: "Distinct commits of the selection in the date range (author time, both ends \
                included) per domain of the author's email: the text after the last '@' of the \
                lower-cased address. A commit present in several selected repositories counts \
                once. Domains with at most the required number of commits are grouped as \
                \"Other\". Bot commits are left out when bots are hidden (8Knot always counts \
                them). Addresses without an '@' have no domain: those commits are left out, and \
                the note under the chart says how many.",
    }
    ContributorDomains {
        slug: "contributor-domains",
        terms: &["contributor", "unresolved"],
        title: "Contributors by email domain",
        layout: Layout::Pie,
        controls: &[Control::ContributorsRequired],
        about: "Distinct contributors active in the date range (any action, any repository of the \
                selection, both ends included) per email domain of their Augur aliases, lower-cased: \
                a person with two addresses at one domain, or one address in two cases, counts \
                once there, and a person with addresses at two domains counts once at each. Domains \
                with at most the required number of contributors are grouped as \"Other\". 8Knot \
                counts addresses, not people. Actions Augur could not tie to a contributor are \
                left out, as are contributors without an alias.",
    }
    OrgActivity {
        slug: "org-activity",
        terms: &["contribution", "unresolved"],
        title: "Organization associated activity",
        layout: Layout::Bars { lines: &[] },
        controls: &[Control::ContributionsRequired, Control::Exclude],
        numbers: DOMAIN_CONTRIBUTIONS,
        choices: EXCLUSIONS,
        about: "Contributions (actions of any kind) in the date range, both ends included, per \
                email domain of the contributor's aliases, most first: each contribution is \
                credited once to every distinct domain of its contributor (8Knot credits it once \
                per address, so two addresses at one domain count it twice). Domains with at most \
                the required number of contributions are left out, as are gmail.com and \
                users.noreply.github.com when excluded. Actions Augur could not tie to a \
                contributor are left out.",
    }
    OrgCoreContributors {
        slug: "org-core-contributors",
        terms: &["contributor", "contribution", "unresolved"],
        title: "Organization core contributors",
        layout: Layout::Bars { lines: &[] },
        controls: &[Control::ContributionsRequired, Control::CoreRequired, Control::Exclude],
        numbers: DOMAIN_CONTRIBUTIONS,
        choices: EXCLUSIONS,
        about: "Distinct core contributors per email domain of their aliases, most first. A core \
                contributor made at least the required number of contributions (any kind, all \
                repositories of the selection together) in the date range, both ends included. \
                Domains with at least the required number of core contributors are shown (8Knot \
                needs one more than it says, and counts addresses rather than people); gmail.com \
                and users.noreply.github.com are left out when excluded. Actions Augur could not \
                tie to a contributor are left out.",
    }
    CompanyAffiliation {
        slug: "company-affiliation",
        terms: &["contributor", "unresolved"],
        title: "Organization affiliation by GitHub profile company",
        layout: Layout::Pie,
        controls: &[Control::ContributionsRequired],
        numbers: &[(Control::ContributionsRequired, 5, 1, 50)],
        about: "Distinct contributors active in the date range (both ends included) per company of \
                their GitHub profile. Names are compared without case, punctuation, a leading '@' \
                or a suffix such as Inc., LLC, Ltd. or Corp., so \"@redhat\", \"Red Hat\" and \
                \"RedHat Inc.\" are one company, and names within a small edit distance are merged; \
                names shorter than 4 characters are never merged with another (\"HP\" and \"HPE\" \
                stay apart). Each company is named by its most common spelling, one without a leading '@' on a tie. Companies whose \
                contributors made at most the required number of contributions together are \
                grouped as \"Other\"; \"Not reported\" counts contributors without a company. \
                8Knot counts actions instead of people and shows no company as \"None\".",
    }
    CodeLanguages {
        slug: "code-languages",
        title: "Code languages",
        layout: Layout::Pie,
        controls: &[Control::Measure],
        choices: &[Choice { value: "files", label: "Files" }, Choice { value: "lines", label: "Lines of code" }],
        about: "Files, or lines of code, per programming language in the latest scc run of each \
                repository of the selection (the files Augur recorded within five minutes of that \
                repository's newest run), added up over the selection per language. Languages \
                under 0.1 % of the total shown are grouped as \"Other\", after adding up and on \
                the measure shown (8Knot cuts each repository's rows on lines before adding up, so \
                a language could be a slice and part of \"Other\" at once). A snapshot: the date \
                range and the bot filter do not apply.",
    }
    PackageVersions {
        slug: "package-versions",
        title: "Package version updates",
        layout: Layout::Pie,
        about: "Dependencies of the selection by how far behind their latest release they are \
                (libyear), from each repository's latest libyear collection (the rows Augur \
                recorded within an hour of its newest). Up to date: 0; less than 6 months: under \
                0.5 years; 6 months to a year: 0.5 up to 1; more than a year: 1 or more; unclear: \
                no libyear or a negative one. A dependency of three repositories counts three \
                times. 8Knot puts exactly 0.5 in \"unclear\" and leaves out dependencies without \
                a date. A snapshot: the date range and the bot filter do not apply.",
    }
    OssfScorecard {
        slug: "ossf-scorecard",
        title: "OpenSSF Scorecard",
        layout: Layout::Table,
        controls: &[Control::Repo],
        about: "The OpenSSF Scorecard checks of the picked repository, each with its latest score \
                (0 to 10); -1, a check that could not run, is shown as inconclusive. The aggregate \
                score comes first, then the checks A to Z, and the note gives when the latest \
                check was collected. Each check is read from its own latest row: a run stamped \
                over two seconds keeps all its checks (8Knot keeps only those of the last \
                second).",
    }
    RepoInfo {
        slug: "repo-info",
        title: "Repository information",
        layout: Layout::Table,
        controls: &[Control::Repo],
        about: "The picked repository's latest Augur snapshot: license, code of conduct and \
                security policy files, stars, forks, watchers and whether issues are enabled, \
                with its collection date in the note; and its published releases (drafts and \
                releases without a publish date left out): how many, the latest, and the average \
                time between them, (latest − earliest) / (count − 1), N/A for one release. \
                \"Unknown\" means Augur has no snapshot of the repository.",
    }
}

/// Every page, in the order the navigation shows them.
pub const PAGES: &[PageSpec] = &[
    PageSpec {
        path: "/contributions",
        title: "Contributions",
        intro: "Commits, pull requests and issues over time: how much work arrives, how quickly it \
            gets a response, and how much of it is still waiting.",
        charts: &[
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
        ],
    },
    PageSpec {
        path: "/contributors/behavior",
        title: "Contributor Behavior",
        intro: "How contributors arrive and stay: first contributions, and repeat versus drive-thru \
                contributors over time.",
        charts: &[
            ChartId::DriveRepeatContributions,
            ChartId::FirstTimeContributors,
            ChartId::ContributorEngagement,
            ChartId::NewContributors,
            ChartId::ContributorTypes,
        ],
    },
    PageSpec {
        path: "/contributors/types",
        title: "Contributor Types",
        intro: "What contributors do and when: the rhythm of the week and the day.",
        charts: &[ChartId::ContributorsByAction, ChartId::ActivityCycle, ChartId::BusFactor, ChartId::LotteryFactor],
    },
    PageSpec {
        path: "/chaoss",
        title: "CHAOSS",
        intro: "CHAOSS metrics of the selection: how fast each repository moves, and how much of the \
                work rests on a few people.",
        charts: &[ChartId::ProjectVelocity, ChartId::BusFactor],
    },
    PageSpec {
        path: "/affiliation",
        title: "Affiliation",
        intro: "Who the work comes from: contributors and contributions by the email domains of \
                their addresses and by the company on their GitHub profile.",
        charts: &[
            ChartId::CommitDomains,
            ChartId::ContributorDomains,
            ChartId::OrgActivity,
            ChartId::OrgCoreContributors,
            ChartId::CompanyAffiliation,
        ],
    },
    PageSpec {
        path: "/repo-overview",
        title: "Repo Overview",
        intro: "What the repositories are made of and how they are kept: languages and dependency \
                freshness for the whole selection, then the scorecard and general information of \
                one repository you pick.",
        charts: &[ChartId::CodeLanguages, ChartId::PackageVersions, ChartId::OssfScorecard, ChartId::RepoInfo],
    },
];

impl ChartId {
    /// The chart's registry row.
    pub fn spec(self) -> &'static ChartSpec {
        &CHARTS[self as usize]
    }

    pub fn slug(self) -> &'static str {
        self.spec().slug
    }

    pub fn from_slug(slug: &str) -> Option<ChartId> {
        CHARTS.iter().find(|c| c.slug == slug).map(|c| c.id)
    }

    pub fn title(self) -> &'static str {
        self.spec().title
    }

    pub fn about(self) -> &'static str {
        self.spec().about
    }

    pub fn layout(self) -> Layout {
        self.spec().layout
    }

    pub fn controls(self) -> &'static [Control] {
        self.spec().controls
    }

    pub fn default_interval(self) -> Interval {
        self.spec().default_interval
    }

    /// The control that picks among the chart's choices, if it has one.
    pub fn choice_control(self) -> Option<Control> {
        self.controls().iter().copied().find(|c| c.is_choice())
    }

    /// The pages that show this chart.
    pub fn pages(self) -> impl Iterator<Item = &'static PageSpec> {
        PAGES.iter().filter(move |page| page.charts.contains(&self))
    }
}

impl PageSpec {
    /// The page served at `path` (without its query string).
    pub fn at(path: &str) -> Option<&'static PageSpec> {
        PAGES.iter().find(|page| page.path == path)
    }
}

/// Charts travel by slug, in JSON and in form-encoded server function arguments alike.
impl Serialize for ChartId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.slug())
    }
}

impl<'de> Deserialize<'de> for ChartId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let slug = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        ChartId::from_slug(&slug).ok_or_else(|| serde::de::Error::custom(format!("unknown chart {slug:?}")))
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
    use std::collections::HashSet;

    #[test]
    fn rows_are_in_enum_order_and_slugs_round_trip() {
        let mut seen = HashSet::new();
        for (index, spec) in CHARTS.iter().enumerate() {
            assert_eq!(spec.id as usize, index, "{} is out of order", spec.slug);
            assert_eq!(ChartId::ALL[index], spec.id);
            assert_eq!(ChartId::from_slug(spec.slug), Some(spec.id));
            assert!(seen.insert(spec.slug), "{} twice", spec.slug);
            // serde names match the slugs, so JSON and URLs agree.
            assert_eq!(serde_json::to_value(spec.id).unwrap(), serde_json::json!(spec.slug));
            assert_eq!(serde_json::from_value::<ChartId>(serde_json::json!(spec.slug)).unwrap(), spec.id);
        }
        assert!(serde_json::from_value::<ChartId>(serde_json::json!("no-such-chart")).is_err());
    }

    #[test]
    fn a_chart_with_a_choice_lists_its_choices_and_offers_one_choice_at_most() {
        for chart in ChartId::ALL {
            let choosers = chart.controls().iter().filter(|c| c.is_choice()).count();
            assert!(choosers <= 1, "{}", chart.slug());
            assert_eq!(choosers == 1, !chart.spec().choices.is_empty(), "{}", chart.slug());
        }
    }

    #[test]
    fn every_term_a_chart_links_is_defined_and_every_definition_is_used() {
        let defined: HashSet<&str> = crate::DEFINITIONS.iter().map(|d| d.id).collect();
        let mut used = HashSet::new();
        for chart in ChartId::ALL {
            for term in chart.spec().terms {
                assert!(defined.contains(term), "{} links the undefined term {term}", chart.slug());
                used.insert(*term);
            }
        }
        // "Data as of" is linked from every chart's footer instead.
        used.insert("data-as-of");
        assert_eq!(used, defined, "definitions no chart links");
    }

    #[test]
    fn every_chart_opens_on_an_interval_it_offers() {
        for chart in ChartId::ALL {
            assert!(chart.spec().intervals.contains(&chart.default_interval()), "{}", chart.slug());
        }
    }

    #[test]
    fn every_chart_is_on_a_page_once_and_pages_have_distinct_paths() {
        for chart in ChartId::ALL {
            assert!(chart.pages().next().is_some(), "{} is on no page", chart.slug());
        }
        let mut paths = HashSet::new();
        for page in PAGES {
            assert!(page.path.starts_with('/') && paths.insert(page.path), "page path {}", page.path);
            // The app's router builds routes of up to three static segments.
            assert!(page.path.split('/').filter(|p| !p.is_empty()).count() <= 3, "page path {}", page.path);
            let distinct: HashSet<_> = page.charts.iter().collect();
            assert_eq!(distinct.len(), page.charts.len(), "{} lists a chart twice", page.title);
            assert_eq!(PageSpec::at(page.path).map(|p| p.title), Some(page.title));
        }
    }
}

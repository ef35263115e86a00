//! The settings a user can change on a chart, and their form in URLs and the JSON API.
//! None of them changes a query: a change redraws from the cached result.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{ChartId, Interval};

/// One adjustable setting of a chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    Interval,
    StalingDays,
    StaleDays,
    ResponseDays,
    AssignmentsRequired,
    /// One of the chart's own views (its registry row lists them), such as weekday or hour.
    View,
    /// The kind of contribution a chart counts, from the choices its registry row lists.
    Action,
    /// How many contributions across the selection make a contributor a repeat one; on the
    /// affiliation charts, how many a domain or company needs (their registry rows set the
    /// range and default).
    ContributionsRequired,
    /// How many distinct contributors an email domain needs to be named.
    ContributorsRequired,
    /// How many core contributors an email domain needs to be shown.
    CoreRequired,
    /// Email domains left out (gmail.com, users.noreply.github.com), from the registry row's
    /// choices.
    Exclude,
    /// What a pie measures (files or lines of code), from the registry row's choices.
    Measure,
    /// The one repository of the selection a per-repository table shows: page-wide, so it
    /// travels as `repo=ID` without the chart's prefix.
    Repo,
    /// Months without a contribution after which a contributor is drifting.
    DriftingMonths,
    /// Months without a contribution after which a contributor is away.
    AwayMonths,
    /// How many contributors a chart names before "Other".
    TopK,
    /// The width of a lottery-factor window, in calendar months.
    WindowMonths,
    /// Months from one window's start to the next's.
    StepMonths,
    /// The share of a kind of action the fewest contributors must cover.
    ThresholdPct,
    /// Project velocity's weights of each kind of issue and PR action, 0 to 1 in tenths.
    WeightIssueOpened,
    WeightIssueClosed,
    WeightPrOpened,
    WeightPrMerged,
    WeightPrClosed,
}

impl Control {
    /// The parameter name in URLs and the API.
    pub fn param(self) -> &'static str {
        match self {
            Control::Interval => "interval",
            Control::StalingDays => "staling_days",
            Control::StaleDays => "stale_days",
            Control::ResponseDays => "response_days",
            Control::AssignmentsRequired => "assignments_required",
            Control::View => "view",
            Control::Action => "action",
            Control::ContributionsRequired => "contributions_required",
            Control::ContributorsRequired => "contributors_required",
            Control::CoreRequired => "core_required",
            Control::Exclude => "exclude",
            Control::Measure => "measure",
            Control::Repo => REPO_PARAM,
            Control::DriftingMonths => "drifting_months",
            Control::AwayMonths => "away_months",
            Control::TopK => "top_k",
            Control::WindowMonths => "window_months",
            Control::StepMonths => "step_months",
            Control::ThresholdPct => "threshold_pct",
            Control::WeightIssueOpened => "weight_issue_opened",
            Control::WeightIssueClosed => "weight_issue_closed",
            Control::WeightPrOpened => "weight_pr_open",
            Control::WeightPrMerged => "weight_pr_merged",
            Control::WeightPrClosed => "weight_pr_closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Control::Interval => "Interval",
            Control::StalingDays => "Days until staling",
            Control::StaleDays => "Days until stale",
            Control::ResponseDays => "Response within days",
            Control::AssignmentsRequired => "Assignments required",
            Control::View => "View",
            Control::Action => "Action",
            Control::ContributionsRequired => "Contributions required",
            Control::ContributorsRequired => "Contributors required",
            Control::CoreRequired => "Core contributors required",
            Control::Exclude => "Exclude",
            Control::Measure => "Measure",
            Control::Repo => "Repository",
            Control::DriftingMonths => "Months until drifting",
            Control::AwayMonths => "Months until away",
            Control::TopK => "Top contributors",
            Control::WindowMonths => "Window months",
            Control::StepMonths => "Step months",
            Control::ThresholdPct => "Threshold %",
            Control::WeightIssueOpened => "Issue opened weight",
            Control::WeightIssueClosed => "Issue closed weight",
            Control::WeightPrOpened => "PR opened weight",
            Control::WeightPrMerged => "PR merged weight",
            Control::WeightPrClosed => "PR closed weight",
        }
    }

    /// The accepted range of a numeric control on `chart` (8Knot's): the chart's registry
    /// row may set its own.
    pub fn range_in(self, chart: ChartId) -> (u32, u32) {
        chart.spec().numbers.iter().find(|n| n.0 == self).map_or_else(|| self.range(), |n| (n.2, n.3))
    }

    /// The accepted range of a numeric control where no chart sets its own (8Knot's).
    pub fn range(self) -> (u32, u32) {
        match self {
            Control::Interval | Control::Repo => (0, 0),
            Control::View | Control::Action | Control::Exclude | Control::Measure => (0, 0),
            Control::StalingDays | Control::StaleDays | Control::ResponseDays => (1, 120),
            Control::AssignmentsRequired => (1, 250),
            Control::ContributionsRequired => (1, 15),
            Control::ContributorsRequired | Control::CoreRequired => (1, 50),
            Control::DriftingMonths | Control::AwayMonths => (1, 120),
            Control::TopK => (2, 100),
            Control::WindowMonths | Control::StepMonths => (1, 12),
            Control::ThresholdPct => (10, 95),
            Control::WeightIssueOpened
            | Control::WeightIssueClosed
            | Control::WeightPrOpened
            | Control::WeightPrMerged
            | Control::WeightPrClosed => (0, 10),
        }
    }
}

impl Control {
    /// Whether the control picks one of the chart's registry choices (a chart has one such
    /// control at most).
    pub fn is_choice(self) -> bool {
        matches!(self, Control::View | Control::Action | Control::Exclude | Control::Measure)
    }

    /// Whether the control holds a number (days, thresholds, weights).
    pub fn is_number(self) -> bool {
        !(self.is_choice() || matches!(self, Control::Interval | Control::Repo))
    }

    /// Whether the control's number counts tenths: shown, parsed and written as 0.0 to 1.0.
    pub fn in_tenths(self) -> bool {
        matches!(
            self,
            Control::WeightIssueOpened
                | Control::WeightIssueClosed
                | Control::WeightPrOpened
                | Control::WeightPrMerged
                | Control::WeightPrClosed
        )
    }

    /// A value as URLs, the API and the control show it.
    pub fn format_value(self, value: u32) -> String {
        if self.in_tenths() {
            format!("{}.{}", value / 10, value % 10)
        } else {
            value.to_string()
        }
    }

    /// A value typed or passed in, if it is one this control takes.
    pub fn parse_value(self, text: &str) -> Option<u32> {
        self.parse_value_within(self.range(), text)
    }

    fn parse_value_within(self, (low, high): (u32, u32), text: &str) -> Option<u32> {
        let value = if self.in_tenths() {
            let number: f64 = text.trim().parse().ok()?;
            let tenths = (number * 10.0).round();
            ((number * 10.0 - tenths).abs() < 1e-6 && tenths >= 0.0).then_some(tenths as u32)?
        } else {
            text.trim().parse::<u32>().ok()?
        };
        (low..=high).contains(&value).then_some(value)
    }
}

/// Page-wide parameter names, besides each chart's own.
pub const BOTS_PARAM: &str = "bots";
pub const FROM_PARAM: &str = "from";
pub const TO_PARAM: &str = "to";
/// The repository picked for per-repository charts: `repo=ID`, or `repo=` for none.
pub const REPO_PARAM: &str = "repo";

/// Which repository of the selection a per-repository chart shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RepoPick {
    /// The selection's first repository (lowest id), until the user picks another.
    #[default]
    First,
    /// The picker was cleared: the chart shows its empty state.
    Nothing,
    Repo(i64),
}

impl RepoPick {
    /// As URLs and the API write it: "" for none; the first is left out.
    pub fn as_param(self) -> Option<String> {
        match self {
            RepoPick::First => None,
            RepoPick::Nothing => Some(String::new()),
            RepoPick::Repo(id) => Some(id.to_string()),
        }
    }

    pub fn parse(text: &str) -> Result<Self, ControlError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(RepoPick::Nothing);
        }
        text.parse::<i64>().ok().filter(|id| *id > 0).map(RepoPick::Repo).ok_or_else(|| {
            ControlError(format!("{REPO_PARAM} must be a repository id of the selection (got {text:?})"))
        })
    }

    /// The pick made concrete for a selection (`repos`, ascending): the first becomes the
    /// lowest id. A repository outside the selection is an error.
    pub fn within(self, repos: &[i64]) -> Result<Self, ControlError> {
        match self {
            RepoPick::First => Ok(repos.first().map_or(RepoPick::Nothing, |id| RepoPick::Repo(*id))),
            RepoPick::Repo(id) if !repos.contains(&id) => {
                Err(ControlError(format!("{REPO_PARAM}={id} is not a repository of the selection")))
            }
            pick => Ok(pick),
        }
    }

    /// The repository shown, if any; the first is resolved by [`RepoPick::within`] first.
    pub fn id(self) -> Option<i64> {
        match self {
            RepoPick::Repo(id) => Some(id),
            RepoPick::First | RepoPick::Nothing => None,
        }
    }
}

/// Travels as its URL text ("first" for the default), in JSON and form-encoded arguments.
impl Serialize for RepoPick {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_param().unwrap_or_else(|| "first".to_owned()))
    }
}

impl<'de> Deserialize<'de> for RepoPick {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        if text == "first" {
            return Ok(RepoPick::First);
        }
        RepoPick::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Every control's value. Fields a chart does not use keep their defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChartControls {
    pub interval: Interval,
    /// Leave out contributors whose GitHub account type is 'Bot' (on by default).
    pub hide_bots: bool,
    /// The first and last day shown, both included (UTC).
    #[serde(default, with = "crate::iso::optional_date")]
    pub from: Option<NaiveDate>,
    #[serde(default, with = "crate::iso::optional_date")]
    pub to: Option<NaiveDate>,
    pub staling_days: u32,
    pub stale_days: u32,
    pub response_days: u32,
    pub assignments_required: u32,
    /// The index of the chosen view or action in the chart's registry row (0, its first, by
    /// default); a chart offers one such choice at most.
    pub choice: u8,
    pub contributions_required: u32,
    pub contributors_required: u32,
    pub core_required: u32,
    pub drifting_months: u32,
    pub away_months: u32,
    pub top_k: u32,
    pub window_months: u32,
    pub step_months: u32,
    pub threshold_pct: u32,
    /// Tenths, as [`Control::in_tenths`] says.
    pub weight_issue_opened: u32,
    pub weight_issue_closed: u32,
    pub weight_pr_opened: u32,
    pub weight_pr_merged: u32,
    pub weight_pr_closed: u32,
    /// The repository a per-repository chart shows.
    pub repo: RepoPick,
}

impl Default for ChartControls {
    fn default() -> Self {
        ChartControls {
            interval: Interval::Month,
            hide_bots: true,
            from: None,
            to: None,
            staling_days: 7,
            stale_days: 30,
            response_days: 2,
            assignments_required: 10,
            choice: 0,
            contributions_required: 4,
            contributors_required: 3,
            core_required: 3,
            drifting_months: 6,
            away_months: 12,
            top_k: 10,
            window_months: 6,
            step_months: 6,
            threshold_pct: 50,
            // 8Knot's defaults.
            weight_issue_opened: 3,
            weight_issue_closed: 4,
            weight_pr_opened: 5,
            weight_pr_merged: 7,
            weight_pr_closed: 2,
            repo: RepoPick::First,
        }
    }
}

/// A control value that cannot be used, with the parameter to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlError(pub String);

impl fmt::Display for ControlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ControlError {}

impl ChartControls {
    /// The defaults a chart opens with.
    pub fn for_chart(chart: ChartId) -> Self {
        let mut controls = ChartControls { interval: chart.default_interval(), ..ChartControls::default() };
        for &(control, default, _, _) in chart.spec().numbers {
            controls.set_number(control, default);
        }
        controls
    }

    /// Reads the parameters a chart understands; absent ones keep the chart's defaults.
    /// `get` looks a parameter up by name.
    pub fn from_params<'a>(chart: ChartId, get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, ControlError> {
        let mut controls = ChartControls::for_chart(chart);
        if let Some(text) = get(Control::Interval.param()) {
            // The message names the intervals this chart offers, not every interval there is.
            let allowed = chart.spec().intervals;
            let offered =
                |interval: &Interval| !chart.controls().contains(&Control::Interval) || allowed.contains(interval);
            controls.interval = text.parse().ok().filter(offered).ok_or_else(|| {
                let names: Vec<&str> = allowed.iter().map(|i| i.as_str()).collect();
                ControlError(format!("interval must be {} for {} (got {text:?})", names.join(", "), chart.slug()))
            })?;
        }
        if let Some(text) = get(BOTS_PARAM) {
            controls.hide_bots = match text {
                "hide" => true,
                "show" => false,
                other => return Err(ControlError(format!("bots must be hide or show (got {other:?})"))),
            };
        }
        controls.from = get(FROM_PARAM).map(|t| parse_date(FROM_PARAM, t)).transpose()?;
        controls.to = get(TO_PARAM).map(|t| parse_date(TO_PARAM, t)).transpose()?;
        for control in [
            Control::StalingDays,
            Control::StaleDays,
            Control::ResponseDays,
            Control::AssignmentsRequired,
            Control::ContributionsRequired,
            Control::ContributorsRequired,
            Control::CoreRequired,
            Control::DriftingMonths,
            Control::AwayMonths,
            Control::TopK,
            Control::WindowMonths,
            Control::StepMonths,
            Control::ThresholdPct,
            Control::WeightIssueOpened,
            Control::WeightIssueClosed,
            Control::WeightPrOpened,
            Control::WeightPrMerged,
            Control::WeightPrClosed,
        ] {
            if let Some(text) = get(control.param()) {
                let value = control
                    .parse_value_within(control.range_in(chart), text)
                    .ok_or_else(|| out_of_range(control, chart, text))?;
                controls.set_number(control, value);
            }
        }
        if chart.controls().contains(&Control::Repo) {
            if let Some(text) = get(REPO_PARAM) {
                controls.repo = RepoPick::parse(text)?;
            }
        }
        if let Some(control) = chart.choice_control() {
            if let Some(text) = get(control.param()) {
                let choices = chart.spec().choices;
                let index = choices.iter().position(|c| c.value == text.trim()).ok_or_else(|| {
                    let names: Vec<&str> = choices.iter().map(|c| c.value).collect();
                    ControlError(format!("{} must be {} (got {text:?})", control.param(), names.join(" or ")))
                })?;
                controls.choice = index as u8;
            }
        }
        controls.check()?;
        Ok(controls)
    }

    /// Makes a per-repository chart's pick concrete for the selection `repos` (ascending):
    /// the first repo by default, and an error for a repo outside it. Other charts ignore it.
    pub fn pick_repo_in(&mut self, chart: ChartId, repos: &[i64]) -> Result<(), ControlError> {
        if chart.controls().contains(&Control::Repo) {
            self.repo = self.repo.within(repos)?;
        }
        Ok(())
    }

    /// The controls as `chart` reads them, each within the range the JSON API accepts, or
    /// why not: what the server functions, which receive the fields as sent, check them by,
    /// so both doors accept the same values.
    pub fn checked_for(&self, chart: ChartId) -> Result<ChartControls, ControlError> {
        let controls = self.relevant_to(chart);
        for &control in chart.controls() {
            match control {
                Control::Interval if !chart.spec().intervals.contains(&controls.interval) => {
                    let names: Vec<&str> = chart.spec().intervals.iter().map(|i| i.as_str()).collect();
                    return Err(ControlError(format!(
                        "interval must be {} for {} (got {:?})",
                        names.join(", "),
                        chart.slug(),
                        controls.interval.as_str()
                    )));
                }
                // The picked repo is checked against the selection, by `pick_repo_in`.
                Control::Interval | Control::Repo => {}
                choice if choice.is_choice() => {
                    let choices = chart.spec().choices.len();
                    if usize::from(controls.choice) >= choices {
                        return Err(ControlError(format!(
                            "{} must be one of the chart's {choices} choices (got choice {})",
                            choice.param(),
                            controls.choice
                        )));
                    }
                }
                number => {
                    let (low, high) = number.range_in(chart);
                    let value = controls.number(number);
                    if !(low..=high).contains(&value) {
                        return Err(out_of_range(number, chart, &number.format_value(value)));
                    }
                }
            }
        }
        controls.check()?;
        Ok(controls)
    }

    /// Rejects combinations no chart can draw.
    pub fn check(&self) -> Result<(), ControlError> {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from > to {
                return Err(ControlError(format!("from ({from}) must not be after to ({to})")));
            }
        }
        if self.step_months > self.window_months {
            return Err(ControlError(format!(
                "step_months ({}) must not be more than window_months ({})",
                self.step_months, self.window_months
            )));
        }
        if self.drifting_months >= self.away_months {
            return Err(ControlError(format!(
                "away_months ({}) must be greater than drifting_months ({})",
                self.away_months, self.drifting_months
            )));
        }
        if self.staling_days >= self.stale_days {
            return Err(ControlError(format!(
                "stale_days ({}) must be greater than staling_days ({})",
                self.stale_days, self.staling_days
            )));
        }
        Ok(())
    }

    /// The value of a numeric control.
    pub fn number(&self, control: Control) -> u32 {
        match control {
            Control::Interval | Control::Repo => 0,
            Control::View | Control::Action | Control::Exclude | Control::Measure => 0,
            Control::StalingDays => self.staling_days,
            Control::StaleDays => self.stale_days,
            Control::ResponseDays => self.response_days,
            Control::AssignmentsRequired => self.assignments_required,
            Control::ContributionsRequired => self.contributions_required,
            Control::ContributorsRequired => self.contributors_required,
            Control::CoreRequired => self.core_required,
            Control::DriftingMonths => self.drifting_months,
            Control::AwayMonths => self.away_months,
            Control::TopK => self.top_k,
            Control::WindowMonths => self.window_months,
            Control::StepMonths => self.step_months,
            Control::ThresholdPct => self.threshold_pct,
            Control::WeightIssueOpened => self.weight_issue_opened,
            Control::WeightIssueClosed => self.weight_issue_closed,
            Control::WeightPrOpened => self.weight_pr_opened,
            Control::WeightPrMerged => self.weight_pr_merged,
            Control::WeightPrClosed => self.weight_pr_closed,
        }
    }

    /// The field behind a numeric control; the interval is no number.
    fn number_mut(&mut self, control: Control) -> Option<&mut u32> {
        match control {
            Control::StalingDays => Some(&mut self.staling_days),
            Control::StaleDays => Some(&mut self.stale_days),
            Control::ResponseDays => Some(&mut self.response_days),
            Control::AssignmentsRequired => Some(&mut self.assignments_required),
            Control::ContributionsRequired => Some(&mut self.contributions_required),
            Control::ContributorsRequired => Some(&mut self.contributors_required),
            Control::CoreRequired => Some(&mut self.core_required),
            Control::DriftingMonths => Some(&mut self.drifting_months),
            Control::AwayMonths => Some(&mut self.away_months),
            Control::TopK => Some(&mut self.top_k),
            Control::WindowMonths => Some(&mut self.window_months),
            Control::StepMonths => Some(&mut self.step_months),
            Control::ThresholdPct => Some(&mut self.threshold_pct),
            Control::WeightIssueOpened => Some(&mut self.weight_issue_opened),
            Control::WeightIssueClosed => Some(&mut self.weight_issue_closed),
            Control::WeightPrOpened => Some(&mut self.weight_pr_opened),
            Control::WeightPrMerged => Some(&mut self.weight_pr_merged),
            Control::WeightPrClosed => Some(&mut self.weight_pr_closed),
            Control::Interval | Control::Repo => None,
            Control::View | Control::Action | Control::Exclude | Control::Measure => None,
        }
    }

    /// Sets a numeric control; the interval, which is no number, is left alone.
    pub fn set_number(&mut self, control: Control, value: u32) {
        if let Some(number) = self.number_mut(control) {
            *number = value;
        }
    }

    /// The value of the chosen view or action, as the chart's registry row names it ("" for
    /// a chart without choices).
    pub fn choice_of(&self, chart: ChartId) -> &'static str {
        let choices = chart.spec().choices;
        choices.get(usize::from(self.choice)).or(choices.first()).map_or("", |c| c.value)
    }

    /// The controls with every field `chart` ignores reset to its default, so two requests
    /// that draw the same chart share one cached drawing.
    pub fn relevant_to(&self, chart: ChartId) -> Self {
        let defaults = ChartControls::for_chart(chart);
        let mut out = ChartControls { hide_bots: self.hide_bots, from: self.from, to: self.to, ..defaults };
        for control in chart.controls() {
            match control {
                Control::Interval => out.interval = self.interval,
                Control::Repo => out.repo = self.repo,
                choice if choice.is_choice() => out.choice = self.choice,
                other => out.set_number(*other, self.number(*other)),
            }
        }
        out
    }

    /// The parameters that differ from the chart's defaults, in a stable order: what a URL
    /// needs to reproduce this view, and the text a cached drawing is keyed by.
    pub fn to_params(&self, chart: ChartId) -> Vec<(&'static str, String)> {
        let defaults = ChartControls::for_chart(chart);
        let relevant = self.relevant_to(chart);
        let mut params = Vec::new();
        if relevant.interval != defaults.interval {
            params.push((Control::Interval.param(), relevant.interval.as_str().to_owned()));
        }
        if !relevant.hide_bots {
            params.push((BOTS_PARAM, "show".to_owned()));
        }
        if let Some(from) = relevant.from {
            params.push((FROM_PARAM, from.to_string()));
        }
        if let Some(to) = relevant.to {
            params.push((TO_PARAM, to.to_string()));
        }
        if let Some(control) = chart.choice_control().filter(|_| relevant.choice != defaults.choice) {
            params.push((control.param(), relevant.choice_of(chart).to_owned()));
        }
        if let Some(repo) = relevant.repo.as_param() {
            params.push((REPO_PARAM, repo));
        }
        for control in chart.controls().iter().filter(|c| c.is_number()) {
            if relevant.number(*control) != defaults.number(*control) {
                params.push((control.param(), control.format_value(relevant.number(*control))));
            }
        }
        params
    }
}

/// Why `text` is no value of `control` on `chart`, naming the range.
fn out_of_range(control: Control, chart: ChartId, text: &str) -> ControlError {
    let (low, high) = control.range_in(chart);
    ControlError(if control.in_tenths() {
        format!("{} must be a number from 0 to 1 in steps of 0.1 (got {text:?})", control.param())
    } else {
        format!("{} must be a whole number from {low} to {high} (got {text:?})", control.param())
    })
}

fn parse_date(param: &str, text: &str) -> Result<NaiveDate, ControlError> {
    crate::iso::parse_date(text.trim())
        .ok_or_else(|| ControlError(format!("{param} must be a date as YYYY-MM-DD (got {text:?})")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(chart: ChartId, pairs: &[(&str, &str)]) -> Result<ChartControls, ControlError> {
        let map: HashMap<&str, &str> = pairs.iter().copied().collect();
        ChartControls::from_params(chart, |name| map.get(name).copied())
    }

    #[test]
    fn absent_parameters_give_the_chart_defaults() {
        let staleness = parse(ChartId::PrStaleness, &[]).unwrap();
        assert_eq!((staleness.staling_days, staleness.stale_days, staleness.interval), (7, 30, Interval::Month));
        assert!(staleness.hide_bots);
        assert_eq!(parse(ChartId::PrReviewStatus, &[]).unwrap().interval, Interval::Week);
    }

    #[test]
    fn values_round_trip_through_params() {
        let pairs = [
            ("interval", "week"),
            ("bots", "show"),
            ("from", "2024-01-01"),
            ("staling_days", "3"),
            ("stale_days", "9"),
        ];
        let controls = parse(ChartId::IssueStaleness, &pairs).unwrap();
        let params = controls.to_params(ChartId::IssueStaleness);
        let back: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(parse(ChartId::IssueStaleness, &back).unwrap(), controls);
    }

    #[test]
    fn bad_values_name_the_parameter() {
        for (pairs, needle) in [
            (vec![("staling_days", "0")], "staling_days"),
            (vec![("response_days", "121")], "response_days"),
            (vec![("bots", "maybe")], "bots"),
            (vec![("from", "2024-13-01")], "from"),
            (vec![("from", "2024-02-01"), ("to", "2024-01-01")], "after"),
            (vec![("staling_days", "30"), ("stale_days", "30")], "stale_days"),
            (vec![("drifting_months", "12")], "away_months"),
            (vec![("step_months", "7")], "window_months"),
        ] {
            let err = parse(ChartId::PrStaleness, &pairs).unwrap_err();
            assert!(err.0.contains(needle), "{pairs:?}: {err}");
        }
    }

    #[test]
    fn a_chart_without_views_ignores_a_view_parameter() {
        let controls = parse(ChartId::CommitsOverTime, &[("view", "hour")]).unwrap();
        assert_eq!(controls.choice, 0);
        assert_eq!(controls.choice_of(ChartId::CommitsOverTime), "");
        assert!(controls.to_params(ChartId::CommitsOverTime).is_empty());
    }

    #[test]
    fn weights_are_tenths_from_0_to_1() {
        assert_eq!(Control::WeightPrMerged.parse_value("0.7"), Some(7));
        assert_eq!(Control::WeightPrMerged.parse_value("1"), Some(10));
        assert_eq!(Control::WeightPrMerged.parse_value("0"), Some(0));
        for bad in ["0.75", "1.1", "-0.1", "x"] {
            assert_eq!(Control::WeightPrMerged.parse_value(bad), None, "{bad}");
        }
        assert_eq!(Control::WeightPrMerged.format_value(7), "0.7");
        assert_eq!(Control::WeightPrMerged.format_value(10), "1.0");
        assert_eq!(Control::TopK.format_value(12), "12");
    }

    #[test]
    fn the_interval_is_no_number_to_set() {
        let mut controls = ChartControls::default();
        controls.set_number(Control::Interval, 3);
        assert_eq!(controls, ChartControls::default());
        controls.set_number(Control::AssignmentsRequired, 3);
        assert_eq!(controls.assignments_required, 3);
    }

    #[test]
    fn a_chart_may_set_its_own_range_and_default_for_a_control() {
        // Contributions required: 1 to 15 (4) for repeat contributors, 1 to 100 (10) for
        // commit domains, 1 to 50 (5) for companies.
        assert_eq!(parse(ChartId::DriveRepeatContributions, &[]).unwrap().contributions_required, 4);
        assert_eq!(parse(ChartId::CommitDomains, &[]).unwrap().contributions_required, 10);
        assert_eq!(parse(ChartId::CompanyAffiliation, &[]).unwrap().contributions_required, 5);
        assert_eq!(
            parse(ChartId::CommitDomains, &[("contributions_required", "100")]).unwrap().contributions_required,
            100
        );
        let err = parse(ChartId::DriveRepeatContributions, &[("contributions_required", "16")]).unwrap_err();
        assert!(err.0.contains("from 1 to 15"), "{err}");
        let err = parse(ChartId::CompanyAffiliation, &[("contributions_required", "51")]).unwrap_err();
        assert!(err.0.contains("from 1 to 50"), "{err}");
        assert_eq!(Control::ContributionsRequired.range_in(ChartId::OrgActivity), (1, 100));
        // A value equal to the chart's own default is left out of its parameters.
        let controls = parse(ChartId::CommitDomains, &[("contributions_required", "10")]).unwrap();
        assert!(controls.to_params(ChartId::CommitDomains).is_empty());
    }

    #[test]
    fn the_exclusions_travel_as_one_parameter() {
        let controls = parse(ChartId::OrgActivity, &[("exclude", "gmail,github")]).unwrap();
        assert_eq!(controls.choice_of(ChartId::OrgActivity), "gmail,github");
        assert_eq!(controls.to_params(ChartId::OrgActivity), [("exclude", "gmail,github".to_owned())]);
        assert_eq!(parse(ChartId::OrgActivity, &[]).unwrap().choice_of(ChartId::OrgActivity), "none");
        assert!(parse(ChartId::OrgActivity, &[("exclude", "yahoo")]).is_err());
    }

    #[test]
    fn the_picked_repo_is_the_selections_first_until_chosen_and_must_be_in_it() {
        let chart = ChartId::from_slug("ossf-scorecard").unwrap();
        let first = parse(chart, &[]).unwrap();
        assert_eq!(first.repo, RepoPick::First);
        assert_eq!(first.repo.within(&[4, 9]), Ok(RepoPick::Repo(4)));
        let picked = parse(chart, &[("repo", "9")]).unwrap();
        assert_eq!(picked.repo.within(&[4, 9]), Ok(RepoPick::Repo(9)));
        assert_eq!(picked.to_params(chart), [("repo", "9".to_owned())]);
        let err = picked.repo.within(&[4]).unwrap_err();
        assert!(err.0.contains("repo=9 is not a repository of the selection"), "{err}");
        // A cleared picker is a choice of its own, kept in the URL as `repo=`.
        let none = parse(chart, &[("repo", "")]).unwrap();
        assert_eq!((none.repo, none.repo.within(&[4]).unwrap().id()), (RepoPick::Nothing, None));
        assert_eq!(none.to_params(chart), [("repo", String::new())]);
        for bad in ["x", "-3", "0", "1.5"] {
            assert!(parse(chart, &[("repo", bad)]).is_err(), "{bad}");
        }
        // Charts of the whole selection ignore it.
        let commits = ChartId::CommitsOverTime;
        assert_eq!(parse(commits, &[("repo", "x")]).unwrap().relevant_to(commits).repo, RepoPick::First);
        // It travels through serde as its URL text.
        for pick in [RepoPick::First, RepoPick::Nothing, RepoPick::Repo(12)] {
            let json = serde_json::to_value(pick).unwrap();
            assert_eq!(serde_json::from_value::<RepoPick>(json).unwrap(), pick);
        }
    }

    #[test]
    fn fields_sent_as_they_are_get_the_ranges_the_parameters_get() {
        let mut controls = ChartControls::for_chart(ChartId::PrStaleness);
        controls.stale_days = 4_000_000;
        let err = controls.checked_for(ChartId::PrStaleness).unwrap_err();
        assert!(err.0.contains("stale_days must be a whole number from 1 to 120"), "{err}");
        let mut controls = ChartControls::for_chart(ChartId::DriveRepeatContributions);
        controls.contributions_required = 16;
        assert!(controls.checked_for(ChartId::DriveRepeatContributions).is_err());
        controls.contributions_required = 15;
        assert_eq!(controls.checked_for(ChartId::DriveRepeatContributions).unwrap().contributions_required, 15);
        // A field the chart does not read is reset, not refused.
        let mut ignored = ChartControls::for_chart(ChartId::CommitsOverTime);
        ignored.top_k = 0;
        assert_eq!(
            ignored.checked_for(ChartId::CommitsOverTime).unwrap(),
            ChartControls::for_chart(ChartId::CommitsOverTime)
        );
        let mut choice = ChartControls::for_chart(ChartId::OrgActivity);
        choice.choice = 200;
        assert!(choice.checked_for(ChartId::OrgActivity).unwrap_err().0.contains("exclude"));
        let mut weight = ChartControls::for_chart(ChartId::ProjectVelocity);
        weight.weight_pr_merged = 11;
        assert!(weight.checked_for(ChartId::ProjectVelocity).unwrap_err().0.contains("from 0 to 1 in steps of 0.1"));
    }

    #[test]
    fn every_chart_accepts_its_defaults_and_what_its_parameters_give() {
        for chart in crate::CHARTS.iter().map(|c| c.id) {
            let defaults = ChartControls::for_chart(chart);
            assert_eq!(defaults.checked_for(chart), Ok(defaults.relevant_to(chart)), "{}", chart.slug());
        }
    }

    #[test]
    fn controls_a_chart_ignores_do_not_split_its_drawings() {
        let a = parse(ChartId::CommitsOverTime, &[("response_days", "9")]).unwrap();
        let b = parse(ChartId::CommitsOverTime, &[]).unwrap();
        assert_eq!(a.relevant_to(ChartId::CommitsOverTime), b.relevant_to(ChartId::CommitsOverTime));
        assert!(a.to_params(ChartId::CommitsOverTime).is_empty());
    }
}

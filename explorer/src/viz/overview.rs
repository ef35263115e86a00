//! The Repo Overview: code languages and dependency freshness over the whole selection, and
//! the scorecard and general information of the one repository picked. Snapshots, so the
//! date range and the bot filter do not apply.

use std::collections::HashMap;

use charts::{Categories, ChartControls, ChartId, Table};
use chrono::{DateTime, NaiveDate};

use super::{draw, Transform};
use crate::augur::queries::{
    DependencyRow, LanguageRow, PackageVersions, RepoInfo, RepoInfoRow, RepoLanguages, Scorecard, ScorecardRow, NO_TIME,
};

pub(super) fn transforms() -> Vec<Transform> {
    vec![
        draw(RepoLanguages, ChartId::CodeLanguages, code_languages),
        draw(PackageVersions, ChartId::PackageVersions, package_versions),
        draw(Scorecard, ChartId::OssfScorecard, scorecard),
        draw(RepoInfo, ChartId::RepoInfo, repo_info),
    ]
}

/// Files or code lines per language, summed over the selection first; languages under
/// 0.1 % of the total shown are "Other". Largest first, ties by name.
fn code_languages(rows: &[LanguageRow], controls: &ChartControls, _today: NaiveDate) -> Categories {
    let lines = controls.choice_of(ChartId::CodeLanguages) == "lines";
    let mut per_language: HashMap<&str, i64> = HashMap::new();
    for row in rows {
        *per_language.entry(row.language.as_str()).or_default() += if lines { row.code_lines } else { row.files };
    }
    let total: i64 = per_language.values().sum();
    let mut ranked: Vec<(&str, i64)> = per_language.into_iter().filter(|(_, n)| *n > 0).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    // Under 0.1 %: value / total < 1 / 1000, in integers.
    let (named, small): (Vec<_>, Vec<_>) = ranked.into_iter().partition(|(_, n)| n * 1000 >= total);
    let other = small.iter().map(|(_, n)| n).sum();
    Categories::one_series(if lines { "lines" } else { "files" }, named, other)
}

/// A dependency's libyear bucket, in the order the pie shows them.
const BUCKETS: [&str; 5] = ["Up to date", "Less than 6 months", "6 months to 1 year", "More than 1 year", "Unclear"];

/// 0 → up to date, under 0.5 → less than 6 months, 0.5 up to 1 → 6 months to a year, 1 or
/// more → more than a year; no value, a negative one or text that is no number → unclear.
fn bucket(libyear: &str) -> usize {
    match libyear.trim().parse::<f64>() {
        Ok(0.0) => 0,
        Ok(years) if years > 0.0 && years < 0.5 => 1,
        Ok(years) if (0.5..1.0).contains(&years) => 2,
        Ok(years) if years >= 1.0 => 3,
        _ => 4,
    }
}

/// Dependency rows per libyear bucket, pooled over the selection's repos.
fn package_versions(rows: &[DependencyRow], _controls: &ChartControls, _today: NaiveDate) -> Categories {
    let mut counts = [0i64; BUCKETS.len()];
    for row in rows {
        counts[bucket(&row.libyear)] += 1;
    }
    Categories::one_series("dependencies", BUCKETS.iter().copied().zip(counts), 0)
}

/// The name Augur gives the scorecard's overall score among the checks.
const AGGREGATE_CHECK: &str = "OSSF_SCORECARD_AGGREGATE_SCORE";

/// The picked repo's checks: the aggregate first, then A to Z; -1 is inconclusive.
fn scorecard(rows: &[ScorecardRow], controls: &ChartControls, _today: NaiveDate) -> Table {
    let Some(repo) = controls.repo.id() else { return Table::default() };
    let mut checks: Vec<&ScorecardRow> = rows.iter().filter(|r| r.repo_id == repo).collect();
    checks.sort_by(|a, b| {
        (a.check_name != AGGREGATE_CHECK, &a.check_name).cmp(&(b.check_name != AGGREGATE_CHECK, &b.check_name))
    });
    let score = |text: &str| match text {
        "-1" => "Inconclusive".to_owned(),
        "" => "Unknown".to_owned(),
        other => other.to_owned(),
    };
    let rows = checks
        .iter()
        .map(|r| {
            let name =
                if r.check_name == AGGREGATE_CHECK { "Aggregate score".to_owned() } else { r.check_name.clone() };
            vec![name, score(&r.score)]
        })
        .collect();
    let collected = checks.iter().map(|r| r.collected_at).filter(|at| *at != NO_TIME).max();
    Table { columns: vec!["Check".into(), "Score".into()], rows, note: collected_note(collected) }
}

fn collected_note(at: Option<i64>) -> String {
    at.map_or_else(String::new, |at| format!("Collected {}", day_of(at)))
}

/// The UTC day of an instant, as YYYY-MM-DD.
fn day_of(at: i64) -> String {
    DateTime::from_timestamp(at, 0).map_or_else(|| "unknown".to_owned(), |t| t.date_naive().to_string())
}

const UNKNOWN: &str = "Unknown";

/// The picked repo's license, files, counts and releases, one field per row.
fn repo_info(rows: &[RepoInfoRow], controls: &ChartControls, _today: NaiveDate) -> Table {
    let Some(row) = controls.repo.id().and_then(|repo| rows.iter().find(|r| r.repo_id == repo)) else {
        return Table::default();
    };
    let known = |text: String| if row.has_snapshot { text } else { UNKNOWN.to_owned() };
    let file = |name: &str| known(if name.is_empty() { "Not found".to_owned() } else { format!("File found: {name}") });
    let count = |n: i64| known(if n < 0 { UNKNOWN.to_owned() } else { n.to_string() });
    let issues = match row.issues_enabled.as_str() {
        "true" => "Yes",
        "false" => "No",
        _ => UNKNOWN,
    };
    let license = if row.license.is_empty() { "Not found".to_owned() } else { row.license.clone() };
    let (last, average) = match row.releases {
        0 => ("No releases found".to_owned(), "No releases found".to_owned()),
        1 => (day_of(row.last_release), "N/A".to_owned()),
        n => {
            let days = (row.last_release - row.first_release) as f64 / 86_400.0 / (n - 1) as f64;
            (day_of(row.last_release), format!("{days:.1} days"))
        }
    };
    let fields = [
        ("License", known(license)),
        ("Code of conduct", file(&row.code_of_conduct_file)),
        ("Security policy", file(&row.security_issue_file)),
        ("Releases", row.releases.to_string()),
        ("Last release", last),
        ("Average time between releases", average),
        ("Stars", count(row.stars)),
        ("Forks", count(row.forks)),
        ("Watchers", count(row.watchers)),
        ("Issues enabled", known(issues.to_owned())),
    ];
    Table {
        columns: vec!["Field".into(), "Value".into()],
        rows: fields.into_iter().map(|(field, value)| vec![field.to_owned(), value]).collect(),
        note: collected_note(Some(row.collected_at).filter(|at| *at != NO_TIME)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viz::test_time::{at, d};
    use charts::RepoPick;

    fn today() -> NaiveDate {
        d("2024-06-01")
    }

    fn language(repo_id: i64, language: &str, files: i64, code_lines: i64) -> LanguageRow {
        LanguageRow { repo_id, language: language.into(), files, code_lines }
    }

    fn measure(value: &str) -> ChartControls {
        let index = ChartId::CodeLanguages.spec().choices.iter().position(|c| c.value == value).unwrap();
        ChartControls { choice: index as u8, ..ChartControls::for_chart(ChartId::CodeLanguages) }
    }

    #[test]
    fn languages_are_summed_over_repos_before_the_small_ones_become_other() {
        // Markdown is 500 lines in each repo: summed it is a slice of its own (0.125 % of the
        // lines), though each repo's row alone is under 0.1 %.
        let rows = [
            language(1, "Rust", 10, 500_000),
            language(1, "Markdown", 300, 500),
            language(2, "Markdown", 20, 500),
            language(2, "Go", 5, 300_000),
            language(2, "YAML", 1, 100),
        ];
        let lines = code_languages(&rows, &measure("lines"), today());
        assert_eq!(lines.categories, ["Rust", "Go", "Markdown", "Other"]);
        assert_eq!(lines.series[0].name, "lines");
        // YAML: 100 of 801,100 lines is under 0.1 %.
        assert_eq!(lines.series[0].values, [500_000, 300_000, 1000, 100]);
        // By files the cut is on files: YAML's one file of 336 is 0.3 %, a slice.
        let files = code_languages(&rows, &measure("files"), today());
        assert_eq!(files.categories, ["Markdown", "Rust", "Go", "YAML"]);
        assert_eq!(files.series[0].values, [320, 10, 5, 1]);
        assert_eq!(files.series[0].name, "files");
    }

    #[test]
    fn libyear_buckets_put_half_a_year_in_the_six_month_bucket_and_unknowns_in_unclear() {
        let dep = |libyear: &str| DependencyRow { repo_id: 1, name: "dep".into(), libyear: libyear.into() };
        let rows: Vec<DependencyRow> =
            ["0", "0.0", "0.49", "0.5", "0.99", "1", "7.25", "", "-0.5", "nan"].into_iter().map(dep).collect();
        let pie = package_versions(&rows, &ChartControls::for_chart(ChartId::PackageVersions), today());
        assert_eq!(pie.categories, BUCKETS);
        assert_eq!(pie.series[0].values, [2, 1, 2, 2, 3]);
    }

    fn check(repo_id: i64, name: &str, score: &str, collected: &str) -> ScorecardRow {
        ScorecardRow { repo_id, check_name: name.into(), score: score.into(), collected_at: at(collected) }
    }

    fn picked(chart: ChartId, repo: RepoPick) -> ChartControls {
        ChartControls { repo, ..ChartControls::for_chart(chart) }
    }

    #[test]
    fn the_scorecard_keeps_a_run_crossing_a_second_and_shows_the_picked_repo_only() {
        // The query gives each check's latest row; a run stamped at :59 and :00 keeps both.
        let rows = [
            check(1, "SAST", "-1", "2024-05-01 10:00:00"),
            check(1, AGGREGATE_CHECK, "6.4", "2024-05-01 10:00:00"),
            check(1, "Code-Review", "8", "2024-05-01 09:59:59"),
            check(2, "Code-Review", "2", "2024-04-01 08:00:00"),
        ];
        let table = scorecard(&rows, &picked(ChartId::OssfScorecard, RepoPick::Repo(1)), today());
        assert_eq!(table.columns, ["Check", "Score"]);
        assert_eq!(
            table.rows,
            [["Aggregate score", "6.4"], ["Code-Review", "8"], ["SAST", "Inconclusive"]].map(|r| r.map(String::from))
        );
        assert_eq!(table.note, "Collected 2024-05-01");
        let other = scorecard(&rows, &picked(ChartId::OssfScorecard, RepoPick::Repo(2)), today());
        assert_eq!((other.rows.len(), other.note.as_str()), (1, "Collected 2024-04-01"));
        // A cleared picker, or a repo without checks, is an empty table.
        assert!(scorecard(&rows, &picked(ChartId::OssfScorecard, RepoPick::Nothing), today()).rows.is_empty());
        assert!(scorecard(&rows, &picked(ChartId::OssfScorecard, RepoPick::Repo(3)), today()).rows.is_empty());
    }

    fn info(releases: i64, first: &str, last: &str) -> RepoInfoRow {
        RepoInfoRow {
            repo_id: 5,
            has_snapshot: true,
            license: "MIT".into(),
            code_of_conduct_file: "CODE_OF_CONDUCT.md".into(),
            security_issue_file: String::new(),
            stars: 120,
            forks: -1,
            watchers: 7,
            issues_enabled: "true".into(),
            collected_at: at("2024-05-20 12:00:00"),
            releases,
            first_release: if first.is_empty() { NO_TIME } else { at(first) },
            last_release: if last.is_empty() { NO_TIME } else { at(last) },
        }
    }

    fn field<'a>(table: &'a Table, name: &str) -> &'a str {
        table.rows.iter().find(|r| r[0] == name).map(|r| r[1].as_str()).unwrap_or_else(|| panic!("no {name}"))
    }

    #[test]
    fn repo_info_averages_release_gaps_as_span_over_count_less_one() {
        let controls = picked(ChartId::RepoInfo, RepoPick::Repo(5));
        // Three releases over 30 days: 15 days apart on average, whatever their order.
        let table = repo_info(&[info(3, "2024-01-01 00:00:00", "2024-01-31 00:00:00")], &controls, today());
        assert_eq!(table.columns, ["Field", "Value"]);
        assert_eq!(field(&table, "Releases"), "3");
        assert_eq!(field(&table, "Last release"), "2024-01-31");
        assert_eq!(field(&table, "Average time between releases"), "15.0 days");
        assert_eq!(field(&table, "License"), "MIT");
        assert_eq!(field(&table, "Code of conduct"), "File found: CODE_OF_CONDUCT.md");
        assert_eq!(field(&table, "Security policy"), "Not found");
        assert_eq!((field(&table, "Stars"), field(&table, "Forks")), ("120", "Unknown"));
        assert_eq!(field(&table, "Issues enabled"), "Yes");
        assert_eq!(table.note, "Collected 2024-05-20");

        let one = repo_info(&[info(1, "2024-03-02 10:00:00", "2024-03-02 10:00:00")], &controls, today());
        assert_eq!((field(&one, "Last release"), field(&one, "Average time between releases")), ("2024-03-02", "N/A"));
        let none = repo_info(&[info(0, "", "")], &controls, today());
        assert_eq!(field(&none, "Last release"), "No releases found");
        assert_eq!(field(&none, "Average time between releases"), "No releases found");
    }

    #[test]
    fn a_repo_with_releases_but_no_snapshot_says_unknown_for_the_rest() {
        let row = RepoInfoRow {
            has_snapshot: false,
            collected_at: NO_TIME,
            ..info(2, "2024-01-01 00:00:00", "2024-01-03 00:00:00")
        };
        let table = repo_info(&[row], &picked(ChartId::RepoInfo, RepoPick::Repo(5)), today());
        assert_eq!(field(&table, "License"), "Unknown");
        assert_eq!(field(&table, "Stars"), "Unknown");
        assert_eq!(field(&table, "Average time between releases"), "2.0 days");
        assert_eq!(table.note, "");
        assert!(repo_info(&[], &picked(ChartId::RepoInfo, RepoPick::Repo(5)), today()).rows.is_empty());
    }
}

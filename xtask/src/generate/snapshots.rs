//! Tables Augur fills by snapshot: several collection dates per repo, so that queries
//! must pick the latest one. Also releases. The traps of the Repo Overview are here: an scc
//! run written over minutes and a language only an older run had, files without code lines,
//! scorecard runs stamped over several seconds, libyear values of exactly 0 and 0.5, NULL
//! and negative ones, drafts among the releases and repos with exactly one release.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

use super::rng::Rng;
use crate::load::{CopyWriter, Value};

const LICENSES: [&str; 5] = ["MIT", "Apache-2.0", "GPL-3.0", "BSD-3-Clause", "MPL-2.0"];
const LANGUAGES: [(&str, &str); 6] =
    [("Rust", "rs"), ("Go", "go"), ("Python", "py"), ("JavaScript", "js"), ("Markdown", "md"), ("YAML", "yaml")];
/// The name Augur's scorecard collector gives the overall score, stored as one more check.
const AGGREGATE_CHECK: &str = "OSSF_SCORECARD_AGGREGATE_SCORE";
const CHECKS: [&str; 12] = [
    "Binary-Artifacts",
    "Branch-Protection",
    "CI-Tests",
    "Code-Review",
    "Dangerous-Workflow",
    "Dependency-Update-Tool",
    "License",
    "Maintained",
    "Pinned-Dependencies",
    "SAST",
    "Security-Policy",
    "Token-Permissions",
];

pub struct SnapshotSpec {
    pub repo_id: i64,
    pub anchor: DateTime<Utc>,
    pub commits: u64,
}

/// Collection dates, oldest first: every snapshot table gets rows at each of them.
fn collections(rng: &mut Rng, anchor: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let n = 2 + rng.below(3);
    (0..n).rev().map(|i| anchor - Duration::days(i as i64 * 30 + rng.below(5) as i64)).collect()
}

fn ts(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

pub async fn load(
    conn: &mut PgConnection,
    rng: &mut Rng,
    spec: &SnapshotSpec,
) -> sqlx::Result<Vec<(&'static str, u64)>> {
    let dates = collections(rng, spec.anchor);
    let repo = Value::Int(spec.repo_id);
    let mut counts = Vec::new();

    let mut out = CopyWriter::start(
        &mut *conn,
        "augur_data.repo_info",
        &[
            "repo_id",
            "issues_enabled",
            "fork_count",
            "watchers_count",
            "license",
            "stars_count",
            "code_of_conduct_file",
            "security_issue_file",
            "security_audit_file",
            "commit_count",
            "last_updated",
            "pull_requests_enabled",
            "default_branch",
            "committers_count",
            "data_collection_date",
        ],
    )
    .await?;
    // Some repos carry no license file Augur could read.
    let license = if rng.chance(0.1) { None } else { Some(*rng.pick(&LICENSES)) };
    let issues_enabled = if rng.chance(0.1) { "false" } else { "true" };
    let branch = if rng.chance(0.7) { "main" } else { "master" };
    let base_stars = rng.pareto(5.0, 0.9).min(200_000) as i64;
    for (i, at) in dates.iter().enumerate() {
        let growth = 1 + i as i64;
        out.row(&[
            repo,
            Value::Text(issues_enabled),
            Value::Int(base_stars / 8 * growth),
            Value::Int(base_stars / 20 * growth),
            license.map_or(Value::Null, Value::Text),
            Value::Int(base_stars * growth),
            if rng.chance(0.6) { Value::Text("CODE_OF_CONDUCT.md") } else { Value::Null },
            if rng.chance(0.4) { Value::Text("SECURITY.md") } else { Value::Null },
            Value::Null,
            Value::Int(spec.commits as i64),
            Value::Text(&ts(*at - Duration::hours(1 + rng.below(48) as i64))),
            Value::Text("true"),
            Value::Text(branch),
            Value::Int((spec.commits as f64).sqrt() as i64 + 1),
            Value::Text(&ts(*at)),
        ])
        .await?;
    }
    counts.push(("repo_info", out.finish().await?));

    let mut out = CopyWriter::start(
        &mut *conn,
        "augur_data.repo_deps_libyear",
        &["repo_id", "name", "current_release_date", "latest_release_date", "libyear", "data_collection_date"],
    )
    .await?;
    let deps = 3 + rng.below(25);
    for at in &dates {
        for d in 0..deps {
            let current = spec.anchor - Duration::days(rng.below(5 * 365) as i64);
            let latest = current + Duration::days(rng.below(800) as i64);
            let libyear = (latest - current).num_days() as f64 / 365.0;
            // Collectors sometimes fail to date a package: NULL or a negative libyear. Some
            // are exactly current, or exactly half a year behind (a bucket edge).
            let libyear = match rng.below(40) {
                0 => None,
                1 => Some(-0.5),
                2..=5 => Some(0.0),
                6 => Some(0.5),
                _ => Some((libyear * 100.0).round() / 100.0),
            };
            let libyear_text = libyear.map(|l| l.to_string());
            out.row(&[
                repo,
                Value::Text(&format!("dependency-{d}")),
                Value::Text(&current.format("%Y-%m-%dT%H:%M:%S").to_string()),
                Value::Text(&latest.format("%Y-%m-%dT%H:%M:%S").to_string()),
                libyear_text.as_deref().map_or(Value::Null, Value::Text),
                // One collection writes its rows over a few seconds.
                Value::Text(&ts(*at + Duration::seconds(d as i64 / 4))),
            ])
            .await?;
        }
    }
    counts.push(("repo_deps_libyear", out.finish().await?));

    let mut out = CopyWriter::start(
        &mut *conn,
        "augur_data.repo_deps_scorecard",
        &["repo_id", "name", "score", "scorecard_check_details", "data_collection_date"],
    )
    .await?;
    for at in &dates {
        let mut total = 0;
        let mut scored = 0;
        // A run stamps each check as it finishes: over about three seconds, so the latest
        // run has several stamps.
        for (i, check) in CHECKS.iter().enumerate() {
            // Scores are text: "0" to "10", or "-1" when the check could not run.
            let score = if rng.chance(0.08) { -1 } else { rng.below(11) as i64 };
            if score >= 0 {
                total += score;
                scored += 1;
            }
            out.row(&[
                repo,
                Value::Text(check),
                Value::Text(&score.to_string()),
                Value::Text("{\"details\": null}"),
                Value::Text(&ts(*at + Duration::milliseconds(i as i64 * 250))),
            ])
            .await?;
        }
        let aggregate = if scored == 0 { "-1".to_owned() } else { format!("{:.1}", total as f64 / scored as f64) };
        out.row(&[
            repo,
            Value::Text(AGGREGATE_CHECK),
            Value::Text(&aggregate),
            Value::Text("{\"details\": null}"),
            Value::Text(&ts(*at + Duration::seconds(3))),
        ])
        .await?;
    }
    counts.push(("repo_deps_scorecard", out.finish().await?));

    let mut out = CopyWriter::start(
        &mut *conn,
        "augur_data.repo_labor",
        &[
            "repo_id",
            "rl_analysis_date",
            "programming_language",
            "file_path",
            "file_name",
            "total_lines",
            "code_lines",
            "comment_lines",
            "blank_lines",
            "code_complexity",
            "repo_clone_date",
            "repo_url",
            "data_collection_date",
        ],
    )
    .await?;
    let files = (spec.commits / 20).clamp(5, 400);
    let url = format!("https://github.com/repo/{}", spec.repo_id);
    for (run, at) in dates.iter().enumerate() {
        let oldest_run = run == 0 && dates.len() > 1;
        // A run writes its rows over about three minutes, inside the five minutes Augur's
        // view takes as one run.
        let step = 180_000 / files as i64;
        for f in 0..files {
            let (language, ext) = match LANGUAGES[(f as usize * 7 + spec.repo_id as usize) % LANGUAGES.len()] {
                // Only the oldest run has Perl: the latest run's languages must not show it.
                _ if oldest_run && f % 5 == 0 => ("Perl", "pl"),
                other => other,
            };
            // Docs are often all comment or blank: files without a code line.
            let code = if ext == "md" && f % 3 == 0 { 0 } else { rng.pareto(10.0, 1.2).min(20_000) as i64 };
            let when = ts(*at + Duration::milliseconds(f as i64 * step));
            out.row(&[
                repo,
                Value::Text(&when),
                Value::Text(language),
                Value::Text(&format!("src/module{}/", f % 17)),
                Value::Text(&format!("file{f}.{ext}")),
                Value::Int(code + code / 4 + code / 10 + 2),
                Value::Int(code),
                Value::Int(code / 4 + 1),
                Value::Int(code / 10 + 1),
                Value::Int(code / 50),
                Value::Text(&ts(*at - Duration::minutes(10))),
                Value::Text(&url),
                Value::Text(&when),
            ])
            .await?;
        }
    }
    counts.push(("repo_labor", out.finish().await?));

    let mut out = CopyWriter::start(
        &mut *conn,
        "augur_data.releases",
        &[
            "release_id",
            "repo_id",
            "release_name",
            "release_created_at",
            "release_published_at",
            "release_updated_at",
            "release_tag_name",
            "release_is_draft",
            "release_is_prerelease",
            "tag_only",
            "release_description",
            "release_author",
            "release_url",
        ],
    )
    .await?;
    // Some repos have exactly one release: no gap between releases to average.
    let releases = match spec.repo_id % 7 {
        3 => 1,
        _ if rng.chance(0.2) => 0,
        _ => rng.pareto(2.0, 0.7).min(300),
    };
    for r in 0..releases {
        let created = spec.anchor - Duration::days(rng.below(6 * 365) as i64);
        // Drafts have no publish date; every repo with a few releases has one.
        let draft = r == 2 || rng.chance(0.05);
        let tag = format!("v{}.{}.0", r / 10, r % 10);
        let published = ts(created + Duration::hours(2));
        out.row(&[
            Value::Text(&format!("RE_{}_{r}", spec.repo_id)),
            repo,
            Value::Text(&tag),
            Value::Text(&ts(created)),
            if draft { Value::Null } else { Value::Text(&published) },
            Value::Text(&ts(created + Duration::hours(3))),
            Value::Text(&tag),
            Value::Text(if draft { "true" } else { "false" }),
            Value::Text(if rng.chance(0.1) { "true" } else { "false" }),
            Value::Text("false"),
            Value::Text(&format!("Release {tag}: fixes and improvements.")),
            Value::Text("release-bot"),
            Value::Text(&format!("https://github.com/repo/{}/releases/tag/{tag}", spec.repo_id)),
        ])
        .await?;
    }
    counts.push(("releases", out.finish().await?));
    Ok(counts)
}

//! Tables Augur fills by snapshot: several collection dates per repo, so that queries
//! must pick the latest one. Also releases.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

use super::rng::Rng;
use crate::load::{CopyWriter, Value};

const LICENSES: [&str; 5] = ["MIT", "Apache-2.0", "GPL-3.0", "BSD-3-Clause", "MPL-2.0"];
const LANGUAGES: [(&str, &str); 6] =
    [("Rust", "rs"), ("Go", "go"), ("Python", "py"), ("JavaScript", "js"), ("Markdown", "md"), ("YAML", "yaml")];
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
            "data_collection_date",
        ],
    )
    .await?;
    let license = *rng.pick(&LICENSES);
    let base_stars = rng.pareto(5.0, 0.9).min(200_000) as i64;
    for (i, at) in dates.iter().enumerate() {
        let growth = 1 + i as i64;
        out.row(&[
            repo,
            Value::Text("true"),
            Value::Int(base_stars / 8 * growth),
            Value::Int(base_stars / 20 * growth),
            Value::Text(license),
            Value::Int(base_stars * growth),
            if rng.chance(0.6) { Value::Text("CODE_OF_CONDUCT.md") } else { Value::Null },
            if rng.chance(0.4) { Value::Text("SECURITY.md") } else { Value::Null },
            Value::Null,
            Value::Int(spec.commits as i64),
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
            // Collectors sometimes fail to date a package: NULL or a negative libyear.
            let libyear = match rng.below(40) {
                0 => None,
                1 => Some(-0.5),
                _ => Some((libyear * 100.0).round() / 100.0),
            };
            let libyear_text = libyear.map(|l| l.to_string());
            out.row(&[
                repo,
                Value::Text(&format!("dependency-{d}")),
                Value::Text(&current.format("%Y-%m-%dT%H:%M:%S").to_string()),
                Value::Text(&latest.format("%Y-%m-%dT%H:%M:%S").to_string()),
                libyear_text.as_deref().map_or(Value::Null, Value::Text),
                Value::Text(&ts(*at)),
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
        for check in CHECKS {
            // Scores are text: "0" to "10", or "-1" when the check could not run.
            let score = if rng.chance(0.08) { -1 } else { rng.below(11) as i64 }.to_string();
            out.row(&[
                repo,
                Value::Text(check),
                Value::Text(&score),
                Value::Text("{\"details\": null}"),
                Value::Text(&ts(*at)),
            ])
            .await?;
        }
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
            "data_collection_date",
        ],
    )
    .await?;
    let files = (spec.commits / 20).clamp(5, 400);
    for at in &dates {
        for f in 0..files {
            let (language, ext) = LANGUAGES[(f as usize * 7 + spec.repo_id as usize) % LANGUAGES.len()];
            let code = rng.pareto(10.0, 1.2).min(20_000) as i64;
            let when = ts(*at);
            out.row(&[
                repo,
                Value::Text(&when),
                Value::Text(language),
                Value::Text(&format!("src/module{}/", f % 17)),
                Value::Text(&format!("file{f}.{ext}")),
                Value::Int(code + code / 4 + code / 10),
                Value::Int(code),
                Value::Int(code / 4),
                Value::Int(code / 10),
                Value::Int(code / 50),
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
        ],
    )
    .await?;
    let releases = if rng.chance(0.2) { 0 } else { rng.pareto(2.0, 0.7).min(300) };
    for r in 0..releases {
        let created = spec.anchor - Duration::days(rng.below(6 * 365) as i64);
        let draft = rng.chance(0.05);
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
        ])
        .await?;
    }
    counts.push(("releases", out.finish().await?));
    Ok(counts)
}

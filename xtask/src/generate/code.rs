//! `commits`: one row per (commit x changed file), as Augur's facade worker writes them.

use chrono::{DateTime, Datelike, Duration, FixedOffset, Utc};
use sqlx::PgConnection;

use super::{people::Person, rng::Rng, RepoLife};
use crate::load::{CopyWriter, Value};

const COLUMNS: [&str; 19] = [
    "repo_id",
    "cmt_commit_hash",
    "cmt_author_name",
    "cmt_author_raw_email",
    "cmt_author_email",
    "cmt_author_date",
    "cmt_committer_name",
    "cmt_committer_raw_email",
    "cmt_committer_email",
    "cmt_committer_date",
    "cmt_added",
    "cmt_removed",
    "cmt_whitespace",
    "cmt_filename",
    "cmt_date_attempted",
    "cmt_committer_timestamp",
    "cmt_author_timestamp",
    "cmt_ght_author_id",
    "cmt_author_platform_username",
];
const PATHS: [&str; 10] = [
    "src/lib.rs",
    "README.md",
    "docs/index.md",
    "pkg/api/types.go",
    "tests/test_app.py",
    "Makefile",
    "web/app.js",
    "setup.cfg",
    "cmd/main.go",
    "src/main.c",
];

/// What a repo's commits need: who commits, and when the repo was active.
pub struct CodeSpec<'a> {
    pub repo_id: i64,
    pub commits: u64,
    pub life: RepoLife,
    /// Committers, most active first; `None` entries are unresolved identities.
    pub team: Vec<&'a Person>,
    pub anchor: DateTime<Utc>,
}

/// Streams a repo's commits into `commits`; returns (commits, rows).
pub async fn load(conn: &mut PgConnection, rng: &mut Rng, spec: &CodeSpec<'_>) -> sqlx::Result<(u64, u64)> {
    let mut out = CopyWriter::start(&mut *conn, "augur_data.commits", &COLUMNS).await?;
    let attempted = spec.anchor.format("%Y-%m-%d %H:%M:%S").to_string();
    let huge_commit = (spec.commits > 1_000).then(|| rng.below(spec.commits));
    for c in 0..spec.commits {
        let author = spec.team[rng.skewed(spec.team.len())];
        let at = match c {
            // Augur's fallback for a missing date, and a clock set years ahead.
            0 => DateTime::parse_from_rfc3339("1970-01-01T00:00:15-05:00").expect("valid").with_timezone(&Utc),
            1 => spec.anchor + Duration::days(200 + rng.below(400) as i64),
            _ => spec.life.instant(rng),
        };
        // Rebases and web merges: a maintainer commits later than the author wrote it.
        let (committer, committed) = if rng.chance(0.1) {
            (spec.team[0], at + Duration::seconds(rng.below(3 * 86_400) as i64))
        } else {
            (author, at)
        };
        let hash = rng.hex(40);
        let author_email = rng.pick(&author.emails).clone();
        let author_local = local(at, author.offset_minutes);
        let committer_local = local(committed, committer.offset_minutes);
        let author_date = author_local.format("%Y-%m-%d").to_string();
        let committer_date = committer_local.format("%Y-%m-%d").to_string();
        let author_ts = author_local.to_rfc3339();
        let committer_ts = committer_local.to_rfc3339();
        let files: u64 = if rng.chance(0.08) {
            0 // a merge commit: one "(Merge commit)" row
        } else if Some(c) == huge_commit {
            1_200
        } else {
            rng.pareto(1.0, 1.5).min(300)
        };
        for f in 0..files.max(1) {
            let (path, added, removed) = if files == 0 {
                ("(Merge commit)".to_owned(), 0, 0)
            } else {
                let base = PATHS[((f + c) % PATHS.len() as u64) as usize];
                let path = if f == 0 { base.to_owned() } else { format!("mod{}/{base}", f) };
                let path = if rng.chance(0.03) { format!("(Deleted) {path}") } else { path };
                (path, rng.pareto(1.0, 1.3).min(5_000) as i64, rng.below(40) as i64)
            };
            out.row(&[
                Value::Int(spec.repo_id),
                Value::Text(&hash),
                Value::Text(&author.name),
                Value::Text(&author_email),
                Value::Text(&author_email),
                Value::Text(&author_date),
                Value::Text(&committer.name),
                Value::Text(&committer.emails[0]),
                Value::Text(&committer.emails[0]),
                Value::Text(&committer_date),
                Value::Int(added),
                Value::Int(removed),
                Value::Int(added / 10),
                Value::Text(&path),
                Value::Text(&attempted),
                Value::Text(&committer_ts),
                Value::Text(&author_ts),
                author.cntrb_id.as_deref().map_or(Value::Null, Value::Text),
                if author.login.is_empty() { Value::Null } else { Value::Text(&author.login) },
            ])
            .await?;
        }
    }
    let rows = out.finish().await?;
    Ok((spec.commits, rows))
}

/// The instant as the author's wall clock showed it.
pub fn local(at: DateTime<Utc>, offset_minutes: i32) -> DateTime<FixedOffset> {
    at.with_timezone(&FixedOffset::east_opt(offset_minutes * 60).expect("offsets are within a day"))
}

/// True on Saturday and Sunday, UTC.
pub fn is_weekend(at: DateTime<Utc>) -> bool {
    at.weekday().num_days_from_monday() >= 5
}

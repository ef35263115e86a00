//! Deterministic synthetic Augur data: the same seed and anchor give the same rows.
//! Shapes follow shared/reference/augur.md §5: heavy-tailed repo and author activity,
//! one `commits` row per changed file, merge commits, real UTC offsets (so local dates
//! differ from UTC dates), unresolved authors, and a few placeholder and future dates.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use sqlx::PgConnection;

use crate::load::{CopyWriter, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// A few small repos: loads in well under a second, for tests.
    Tiny,
    /// About a dozen repos in a handful of orgs, one of them large: the README's demo.
    Demo,
}

impl std::str::FromStr for Scale {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "tiny" => Ok(Scale::Tiny),
            "demo" => Ok(Scale::Demo),
            other => Err(format!("unknown scale {other:?}: use tiny or demo")),
        }
    }
}

/// SplitMix64: tiny, fast and fully determined by its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A whole number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A heavy-tailed whole number of at least `min` (Pareto with shape `alpha`).
    pub fn pareto(&mut self, min: f64, alpha: f64) -> u64 {
        (min / (1.0 - self.unit()).powf(1.0 / alpha)) as u64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

struct RepoPlan {
    org: &'static str,
    name: &'static str,
    /// Commits to generate; `None` draws a heavy-tailed size.
    commits: Option<u64>,
}

fn plan(scale: Scale) -> Vec<RepoPlan> {
    let r = |org, name, commits| RepoPlan { org, name, commits };
    match scale {
        Scale::Tiny => vec![
            r("chaoss", "augur", Some(400)),
            r("chaoss", "grimoirelab", Some(150)),
            r("oss-aspen", "8knot", Some(250)),
            r("pallets", "flask", Some(300)),
        ],
        Scale::Demo => vec![
            r("chaoss", "augur", Some(6_000)),
            r("chaoss", "grimoirelab", None),
            r("chaoss", "wg-metrics", None),
            r("chaoss", "website", None),
            r("chaoss", "community", None),
            r("kubernetes", "kubernetes", Some(40_000)),
            r("kubernetes", "website", None),
            r("kubernetes", "test-infra", None),
            r("oss-aspen", "8knot", Some(2_500)),
            r("oss-aspen", "spotlight", None),
            r("pallets", "flask", Some(5_000)),
            r("pallets", "click", None),
            r("pallets", "jinja", None),
            r("Frontend Repos", "dotfiles", None),
        ],
    }
}

/// UTC offsets seen in real commits, in minutes; +05:30 and DST-shifted ones included.
const OFFSETS: [i32; 10] = [-480, -420, -300, -240, 0, 60, 120, 330, 480, 540];
const FIRST_NAMES: [&str; 12] =
    ["ada", "bo", "chen", "dana", "emeka", "fatima", "goran", "hana", "ivan", "jun", "kofi", "lena"];
const DOMAINS: [&str; 5] = ["gmail.com", "redhat.com", "users.noreply.github.com", "example.org", "suse.com"];
const PATHS: [&str; 8] = [
    "src/lib.rs",
    "README.md",
    "docs/index.md",
    "pkg/api/types.go",
    "tests/test_app.py",
    "Makefile",
    "web/app.js",
    "setup.cfg",
];

struct Author {
    name: String,
    email: String,
    offset_minutes: i32,
    /// `None` for an email Augur could not resolve to a contributor.
    cntrb_id: Option<String>,
}

fn authors(rng: &mut Rng, count: usize) -> Vec<Author> {
    (0..count)
        .map(|i| {
            let first = FIRST_NAMES[i % FIRST_NAMES.len()];
            let login = format!("{first}{i}");
            let github_user_id = 10_000 + i as u32 * 37;
            Author {
                name: format!("{} {}", capitalize(first), i),
                email: format!("{login}@{}", rng.pick(&DOMAINS)),
                offset_minutes: *rng.pick(&OFFSETS),
                // AugurUUID: byte 0 = platform (1 = GitHub), bytes 1-4 = the user id, big-endian.
                cntrb_id: (rng.below(100) >= 12).then(|| {
                    let b = github_user_id.to_be_bytes();
                    format!("01{:02x}{:02x}{:02x}-{:02x}00-0000-0000-000000000000", b[0], b[1], b[2], b[3])
                }),
            }
        })
        .collect()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// What a seed run loaded.
#[derive(Debug, Default)]
pub struct SeedReport {
    pub repo_groups: u64,
    pub repos: u64,
    pub commit_rows: u64,
    pub commits: u64,
}

/// Fills an empty `augur_data` schema. `anchor` is the latest ordinary commit time, so
/// a demo looks current; tests pass a fixed anchor to get fixed data.
pub async fn seed(conn: &mut PgConnection, scale: Scale, seed: u64, anchor: DateTime<Utc>) -> sqlx::Result<SeedReport> {
    let mut rng = Rng::new(seed);
    let mut report = SeedReport::default();
    let repos = plan(scale);

    let mut orgs: Vec<&str> = Vec::new();
    for repo in &repos {
        if !orgs.contains(&repo.org) {
            orgs.push(repo.org);
        }
    }
    let mut groups =
        CopyWriter::start(&mut *conn, "augur_data.repo_groups", &["repo_group_id", "rg_name", "rg_description"])
            .await?;
    for (i, org) in orgs.iter().enumerate() {
        groups.row(&[Value::Int(25430 + i as i64), Value::Text(org), Value::Text("")]).await?;
    }
    report.repo_groups = groups.finish().await?;

    let mut repo_rows = CopyWriter::start(
        &mut *conn,
        "augur_data.repo",
        &["repo_id", "repo_group_id", "repo_git", "repo_path", "repo_name", "repo_type", "repo_src_id"],
    )
    .await?;
    for (i, repo) in repos.iter().enumerate() {
        let group = 25430 + orgs.iter().position(|o| *o == repo.org).expect("every org was listed") as i64;
        let owner = if repo.org == "Frontend Repos" { "someone" } else { repo.org };
        repo_rows
            .row(&[
                Value::Int(25480 + i as i64),
                Value::Int(group),
                Value::Text(&format!("https://github.com/{owner}/{}", repo.name)),
                Value::Text(&format!("github.com/{owner}/")),
                Value::Text(repo.name),
                Value::Text(""),
                Value::Int(1_000_000 + i as i64),
            ])
            .await?;
    }
    report.repos = repo_rows.finish().await?;

    let people = authors(&mut rng, 400);
    let mut commits = CopyWriter::start(
        &mut *conn,
        "augur_data.commits",
        &[
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
        ],
    )
    .await?;
    for (i, repo) in repos.iter().enumerate() {
        let repo_id = 25480 + i as i64;
        let n = repo.commits.unwrap_or_else(|| rng.pareto(60.0, 1.1).min(20_000));
        // Repos start between 2008 and four years before the anchor; activity runs to the anchor.
        let span_days = (anchor
            - DateTime::from_naive_utc_and_offset(
                NaiveDate::from_ymd_opt(2008, 1, 1).expect("valid date").and_hms_opt(0, 0, 0).expect("valid time"),
                Utc,
            ))
        .num_days();
        let start = anchor - Duration::days(4 * 365 + rng.below((span_days - 4 * 365).max(1) as u64) as i64);
        let life_secs = (anchor - start).num_seconds().max(1) as u64;
        // A few authors do most of the commits.
        let team: Vec<&Author> = (0..3 + rng.below(60)).map(|_| rng.pick(&people)).collect();
        for c in 0..n {
            let author = team[(rng.pareto(1.0, 1.2) as usize - 1).min(team.len() - 1)];
            let at = match c {
                // Augur's fallback for a missing date, and a clock set years ahead.
                0 => DateTime::parse_from_rfc3339("1970-01-01T00:00:15-05:00").expect("valid").with_timezone(&Utc),
                1 => anchor + Duration::days(200 + rng.below(400) as i64),
                _ => start + Duration::seconds(rng.below(life_secs) as i64),
            };
            let committed = if rng.below(10) == 0 { at + Duration::seconds(rng.below(3 * 86_400) as i64) } else { at };
            let committer = if committed == at { author } else { team[0] };
            let hash = format!("{:016x}{:016x}{:08x}", rng.next_u64(), rng.next_u64(), rng.next_u64() as u32);
            let author_local = local(at, author.offset_minutes);
            let committer_local = local(committed, committer.offset_minutes);
            let files: Vec<(String, i64, i64)> = if rng.below(100) < 8 {
                vec![("(Merge commit)".to_owned(), 0, 0)]
            } else {
                let k = if i == 5 && c == 2 { 1_200 } else { rng.pareto(1.0, 1.6).min(300) };
                (0..k)
                    .map(|f| {
                        let path = format!(
                            "{}{}",
                            if f == 0 { "" } else { "mod/" },
                            PATHS[(f as usize + c as usize) % PATHS.len()]
                        );
                        let path = if f > 0 { format!("{path}.{f}") } else { path };
                        (path, rng.pareto(1.0, 1.3).min(5_000) as i64, rng.below(40) as i64)
                    })
                    .collect()
            };
            for (path, added, removed) in &files {
                commits
                    .row(&[
                        Value::Int(repo_id),
                        Value::Text(&hash),
                        Value::Text(&author.name),
                        Value::Text(&author.email),
                        Value::Text(&author.email),
                        Value::Text(&author_local.format("%Y-%m-%d").to_string()),
                        Value::Text(&committer.name),
                        Value::Text(&committer.email),
                        Value::Text(&committer.email),
                        Value::Text(&committer_local.format("%Y-%m-%d").to_string()),
                        Value::Int(*added),
                        Value::Int(*removed),
                        Value::Int(*added / 10),
                        Value::Text(path),
                        Value::Text(&anchor.format("%Y-%m-%d %H:%M:%S").to_string()),
                        Value::Text(&committer_local.to_rfc3339()),
                        Value::Text(&author_local.to_rfc3339()),
                        author.cntrb_id.as_deref().map_or(Value::Null, Value::Text),
                    ])
                    .await?;
            }
            report.commits += 1;
        }
    }
    report.commit_rows = commits.finish().await?;
    sqlx::raw_sql("ANALYZE augur_data.repo_groups; ANALYZE augur_data.repo; ANALYZE augur_data.commits;")
        .execute(&mut *conn)
        .await?;
    Ok(report)
}

/// The instant as the author's wall clock showed it.
fn local(at: DateTime<Utc>, offset_minutes: i32) -> DateTime<FixedOffset> {
    at.with_timezone(&FixedOffset::east_opt(offset_minutes * 60).expect("offsets are within a day"))
}

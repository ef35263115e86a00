//! Deterministic synthetic Augur data: the same seed and anchor give the same rows.
//! Shapes follow shared/reference/augur.md §5: heavy-tailed repo, contributor and
//! activity sizes, one `commits` row per changed file, real UTC offsets, unresolved
//! authors, bots, legacy PR rows in `issues`, snapshot tables with several collection
//! dates, and a few placeholder (1970) and future timestamps.

mod code;
mod people;
mod rng;
mod snapshots;
mod tracker;

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

use rng::Rng;

use crate::load::{CopyWriter, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Four small repos: loads in about a second, for tests.
    Tiny,
    /// About 50 repos in a handful of orgs, one of them large: the README's demo.
    Demo,
    /// About 300 repos, one kubernetes-size: for benchmarks.
    Large,
}

impl std::str::FromStr for Scale {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "tiny" => Ok(Scale::Tiny),
            "demo" => Ok(Scale::Demo),
            "large" => Ok(Scale::Large),
            other => Err(format!("unknown scale {other:?}: use tiny, demo or large")),
        }
    }
}

/// When a repo was active. Activity ramps up over its life and is lower at weekends.
#[derive(Clone, Copy, Debug)]
pub struct RepoLife {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl RepoLife {
    fn draw(rng: &mut Rng, anchor: DateTime<Utc>) -> Self {
        let earliest = DateTime::parse_from_rfc3339("2008-01-01T00:00:00Z").expect("valid").with_timezone(&Utc);
        let span_days = (anchor - earliest).num_days() - 3 * 365;
        let start = earliest + Duration::days(rng.below(span_days.max(1) as u64) as i64);
        // Some projects were abandoned years ago.
        let end = if rng.chance(0.12) { start + (anchor - start) / 2 } else { anchor };
        RepoLife { start, end }
    }

    pub fn instant(&self, rng: &mut Rng) -> DateTime<Utc> {
        let span = (self.end - self.start).num_seconds().max(1) as f64;
        loop {
            let at = self.start + Duration::seconds((span * rng.unit().sqrt()) as i64);
            if !code::is_weekend(at) || rng.chance(0.35) {
                return at;
            }
        }
    }
}

struct RepoPlan {
    org: String,
    name: String,
    /// Commits; `None` draws a heavy-tailed size.
    commits: Option<u64>,
}

const DEMO_ORGS: [(&str, &[&str]); 8] = [
    (
        "chaoss",
        &[
            "augur",
            "grimoirelab",
            "wg-metrics",
            "website",
            "community",
            "chaoss-africa",
            "grimoirelab-perceval",
            "grimoirelab-sortinghat",
            "grimoirelab-elk",
            "grimoirelab-kingarthur",
            "augur-license",
            "governance",
        ],
    ),
    (
        "kubernetes",
        &[
            "kubernetes",
            "website",
            "test-infra",
            "community",
            "enhancements",
            "kubectl",
            "minikube",
            "kops",
            "dashboard",
            "ingress-nginx",
        ],
    ),
    ("oss-aspen", &["8knot", "spotlight", "infra", "community-handbook"]),
    ("pallets", &["flask", "click", "jinja", "werkzeug", "markupsafe", "itsdangerous"]),
    (
        "ansible",
        &[
            "ansible",
            "ansible-lint",
            "molecule",
            "awx",
            "galaxy",
            "ansible-runner",
            "community.general",
            "ansible-documentation",
        ],
    ),
    ("rook", &["rook", "rook.github.io"]),
    (
        "prometheus",
        &["prometheus", "alertmanager", "node_exporter", "client_golang", "blackbox_exporter", "pushgateway"],
    ),
    ("Frontend Repos", &["dotfiles"]),
];

fn plan(scale: Scale) -> Vec<RepoPlan> {
    let repo = |org: &str, name: &str, commits| RepoPlan { org: org.to_owned(), name: name.to_owned(), commits };
    match scale {
        Scale::Tiny => vec![
            repo("chaoss", "augur", Some(400)),
            repo("chaoss", "grimoirelab", Some(150)),
            repo("oss-aspen", "8knot", Some(250)),
            repo("pallets", "flask", Some(300)),
        ],
        Scale::Demo | Scale::Large => {
            let fixed = |org: &str, name: &str| match (scale, org, name) {
                (Scale::Large, "kubernetes", "kubernetes") => Some(680_000),
                (_, "kubernetes", "kubernetes") => Some(40_000),
                (_, "ansible", "ansible") => Some(15_000),
                (_, "chaoss", "augur") => Some(6_000),
                (_, "pallets", "flask") => Some(5_000),
                (_, "oss-aspen", "8knot") => Some(2_500),
                _ => None,
            };
            let mut repos: Vec<RepoPlan> = DEMO_ORGS
                .iter()
                .flat_map(|(org, names)| names.iter().map(move |name| (org, name)))
                .map(|(org, name)| repo(org, name, fixed(org, name)))
                .collect();
            if scale == Scale::Large {
                // Many more orgs, most with a few repos, a couple with a hundred.
                let sizes = [100, 60, 25, 12, 10, 8, 6, 5, 4, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1];
                for (o, size) in sizes.iter().enumerate() {
                    for r in 0..*size {
                        repos.push(repo(&format!("org-{o:02}"), &format!("project-{r:03}"), None));
                    }
                }
            }
            repos
        }
    }
}

/// Rows loaded per table.
#[derive(Debug, Default)]
pub struct SeedReport {
    pub rows: Vec<(String, u64)>,
}

impl SeedReport {
    fn add(&mut self, table: &str, rows: u64) {
        match self.rows.iter_mut().find(|(t, _)| t == table) {
            Some((_, n)) => *n += rows,
            None => self.rows.push((table.to_owned(), rows)),
        }
    }

    pub fn rows_of(&self, table: &str) -> u64 {
        self.rows.iter().find(|(t, _)| t == table).map_or(0, |(_, n)| *n)
    }
}

/// Fills an empty `augur_data` schema, then refreshes the views and analyzes. `anchor`
/// is the latest ordinary activity time, so a demo looks current; tests pass a fixed one.
pub async fn seed(conn: &mut PgConnection, scale: Scale, seed: u64, anchor: DateTime<Utc>) -> sqlx::Result<SeedReport> {
    let mut report = SeedReport::default();
    let repos = plan(scale);
    let mut orgs: Vec<&str> = Vec::new();
    for repo in &repos {
        if !orgs.contains(&repo.org.as_str()) {
            orgs.push(&repo.org);
        }
    }
    let mut out =
        CopyWriter::start(&mut *conn, "augur_data.repo_groups", &["repo_group_id", "rg_name", "rg_description"])
            .await?;
    for (i, org) in orgs.iter().enumerate() {
        out.row(&[Value::Int(25430 + i as i64), Value::Text(org), Value::Text("")]).await?;
    }
    report.add("repo_groups", out.finish().await?);

    let slugs: Vec<String> = repos
        .iter()
        .map(|r| format!("{}/{}", if r.org == "Frontend Repos" { "someone" } else { &r.org }, r.name))
        .collect();
    let mut out = CopyWriter::start(
        &mut *conn,
        "augur_data.repo",
        &["repo_id", "repo_group_id", "repo_git", "repo_path", "repo_name", "repo_type", "repo_src_id"],
    )
    .await?;
    for (i, (repo, slug)) in repos.iter().zip(&slugs).enumerate() {
        let group = 25430 + orgs.iter().position(|o| *o == repo.org).expect("every org was listed") as i64;
        let owner = slug.split('/').next().expect("slugs have an owner");
        out.row(&[
            Value::Int(25480 + i as i64),
            Value::Int(group),
            Value::Text(&format!("https://github.com/{}", slug.to_lowercase())),
            Value::Text(&format!("github.com/{owner}/")),
            Value::Text(&repo.name),
            Value::Text(""),
            Value::Int(1_000_000 + i as i64),
        ])
        .await?;
    }
    report.add("repo", out.finish().await?);

    let users = match scale {
        Scale::Tiny => 60,
        Scale::Demo => 800,
        Scale::Large => 6_000,
    };
    let people = people::generate(&mut Rng::derive(seed, 1), users, anchor);
    let (contributors, aliases) = people::load(&mut *conn, &people).await?;
    report.add("contributors", contributors);
    report.add("contributors_aliases", aliases);

    let mut ids = tracker::Ids::default();
    for (i, (repo, slug)) in repos.iter().zip(&slugs).enumerate() {
        // Each repo draws from its own stream: its data does not depend on the others.
        let mut rng = Rng::derive(seed, 1_000 + i as u64);
        let repo_id = 25480 + i as i64;
        let commits = repo.commits.unwrap_or_else(|| rng.pareto(60.0, 1.1).min(20_000));
        let life = RepoLife::draw(&mut rng, anchor);
        let team_size = ((commits as f64).sqrt() as usize).clamp(3, users);
        let team: Vec<usize> = (0..team_size).map(|_| rng.below(users as u64) as usize).collect();
        let mut committers: Vec<&people::Person> = team.iter().map(|&p| &people.all[p]).collect();
        // Some commit emails never resolve to a contributor.
        committers.extend(people.unresolved.iter().take(1 + rng.below(3) as usize));
        let code = code::CodeSpec { repo_id, commits, life, team: committers, anchor };
        let (commits_made, rows) = code::load(&mut *conn, &mut rng, &code).await?;
        report.add("commits", rows);
        report.add("(distinct commits)", commits_made);

        let tracker_spec = tracker::TrackerSpec {
            repo_id,
            slug,
            issues: (commits / 5).min(50_000),
            pull_requests: (commits * 3 / 10).min(60_000),
            life,
            team: &team,
            anchor,
        };
        for (table, rows) in tracker::load(&mut *conn, &mut rng, &mut ids, &people, &tracker_spec).await? {
            report.add(table, rows);
        }
        let snapshot_spec = snapshots::SnapshotSpec { repo_id, anchor, commits };
        for (table, rows) in snapshots::load(&mut *conn, &mut rng, &snapshot_spec).await? {
            report.add(table, rows);
        }
    }
    report.add("collection_status", collection_status(&mut *conn, anchor).await?);
    for (view, rows) in crate::schema::refresh_views(&mut *conn).await? {
        report.add(view, rows);
    }
    sqlx::raw_sql("ANALYZE").execute(&mut *conn).await?;
    Ok(report)
}

/// Augur's collection bookkeeping: every repo's core and facade phases finished within the
/// day before `anchor`, the secondary phase of one repo in seven still pending, and the ML
/// phase never run, as on most Augur installations. Computed from the repo id, so the
/// generator's random streams (and the golden results) stay as they were.
async fn collection_status(conn: &mut PgConnection, anchor: DateTime<Utc>) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "INSERT INTO augur_operations.collection_status
             (repo_id, core_status, core_data_last_collected, secondary_status, secondary_data_last_collected,
              facade_status, facade_data_last_collected, ml_status)
         SELECT repo_id, 'Success', at - interval '2 hours',
                CASE WHEN repo_id % 7 = 0 THEN 'Pending' ELSE 'Success' END,
                CASE WHEN repo_id % 7 = 0 THEN NULL ELSE at - interval '1 hour' END,
                'Success', at - interval '90 minutes', 'Pending'
           FROM (SELECT repo_id, $1::timestamp - make_interval(hours => (repo_id % 20)::int) AS at
                   FROM augur_data.repo) AS r",
    )
    .bind(anchor.naive_utc())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

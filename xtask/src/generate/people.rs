//! Contributors and their email aliases: mostly users, a few bots, a CI robot typed
//! 'User' (as GitHub types k8s-ci-robot), an organization, and inconsistent company names.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

use super::rng::Rng;
use crate::load::{CopyWriter, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    User,
    Bot,
    Organization,
}

impl Kind {
    fn gh_type(self) -> &'static str {
        match self {
            Kind::User => "User",
            Kind::Bot => "Bot",
            Kind::Organization => "Organization",
        }
    }
}

pub struct Person {
    /// AugurUUID text; `None` for a commit identity Augur could not resolve.
    pub cntrb_id: Option<String>,
    pub login: String,
    pub name: String,
    /// The first one is canonical.
    pub emails: Vec<String>,
    pub offset_minutes: i32,
    pub kind: Kind,
    company: Option<&'static str>,
    created_at: DateTime<Utc>,
    gh_user_id: u32,
}

pub struct People {
    pub all: Vec<Person>,
    /// Indexes of the `gh_type = 'Bot'` accounts.
    pub bots: Vec<usize>,
    /// The CI robot: a bot in all but its GitHub type.
    pub ci_robot: usize,
    /// Commit identities with no contributor row.
    pub unresolved: Vec<Person>,
}

/// UTC offsets seen in real commits, in minutes; +05:30 and DST-shifted ones included.
const OFFSETS: [i32; 11] = [-480, -420, -300, -240, -180, 0, 60, 120, 330, 480, 540];
const FIRST_NAMES: [&str; 16] = [
    "ada", "bo", "chen", "dana", "emeka", "fatima", "goran", "hana", "ivan", "jun", "kofi", "lena", "mateo", "nia",
    "oskar", "priya",
];
/// The same employers spelled the ways people type them on their GitHub profiles, and two
/// short names fuzzy matching must keep apart (HP and HPE).
const COMPANIES: [(&str, &str); 12] = [
    ("Red Hat", "redhat.com"),
    ("@redhat", "redhat.com"),
    ("RedHat Inc.", "redhat.com"),
    ("Google", "google.com"),
    ("google", "google.com"),
    ("Microsoft Corp", "microsoft.com"),
    ("SUSE", "suse.com"),
    ("VMware, Inc.", "vmware.com"),
    ("Independent", "gmail.com"),
    ("@chaoss", "chaoss.community"),
    ("HP", "hp.com"),
    ("HPE", "hpe.com"),
];
/// Profile locations, shown by some users.
const LOCATIONS: [&str; 4] = ["Raleigh, NC", "Berlin", "Bengaluru", "São Paulo"];
const BOTS: [&str; 5] =
    ["dependabot[bot]", "github-actions[bot]", "renovate[bot]", "codecov[bot]", "pre-commit-ci[bot]"];

/// GitHub's AugurUUID: byte 0 = platform (1), bytes 1-4 = the user id, big-endian, rest zero.
pub fn augur_uuid(github_user_id: u32) -> String {
    let b = github_user_id.to_be_bytes();
    format!("01{:02x}{:02x}{:02x}-{:02x}00-0000-0000-000000000000", b[0], b[1], b[2], b[3])
}

pub fn generate(rng: &mut Rng, users: usize, anchor: DateTime<Utc>) -> People {
    let mut all = Vec::with_capacity(users + BOTS.len() + 2);
    let mut next_id = 1_000u32;
    let mut person = |rng: &mut Rng, login: String, name: String, kind: Kind| {
        next_id += 1 + rng.below(5000) as u32;
        let company = (kind == Kind::User && rng.chance(0.25)).then(|| *rng.pick(&COMPANIES));
        let mut emails = Vec::new();
        if let Some((_, domain)) = company {
            emails.push(format!("{login}@{domain}"));
        }
        emails.push(format!("{next_id}+{login}@users.noreply.github.com"));
        if kind == Kind::User && rng.chance(0.5) {
            emails.push(format!("{login}.{}@gmail.com", rng.below(100)));
        }
        // Chosen by the user id rather than by new draws, so the rest of the seed is unchanged:
        // a second address at the employer's domain, or the same address in other cases.
        if let Some((_, domain)) = company {
            match next_id % 4 {
                0 => emails.push(format!("{login}.work@{domain}")),
                1 => emails.push(format!("{}@{}", login.to_uppercase(), domain.to_uppercase())),
                _ => {}
            }
        }
        Person {
            cntrb_id: Some(augur_uuid(next_id)),
            login,
            name,
            emails,
            offset_minutes: *rng.pick(&OFFSETS),
            kind,
            company: company.map(|(name, _)| name),
            created_at: anchor - Duration::days(30 + rng.below(15 * 365) as i64),
            gh_user_id: next_id,
        }
    };
    for i in 0..users {
        let first = FIRST_NAMES[i % FIRST_NAMES.len()];
        let name = format!("{}{} {}", first[..1].to_uppercase(), &first[1..], i);
        all.push(person(rng, format!("{first}{i}"), name, Kind::User));
    }
    let bots: Vec<usize> = BOTS
        .iter()
        .map(|login| {
            all.push(person(rng, (*login).to_owned(), (*login).to_owned(), Kind::Bot));
            all.len() - 1
        })
        .collect();
    all.push(person(rng, "k8s-ci-robot".to_owned(), "Kubernetes Prow Robot".to_owned(), Kind::User));
    let ci_robot = all.len() - 1;
    all.push(person(rng, "cncf".to_owned(), "CNCF".to_owned(), Kind::Organization));
    let unresolved = (0..(users / 8).max(2))
        .map(|i| Person {
            cntrb_id: None,
            login: String::new(),
            name: format!("Build User {i}"),
            // Git takes any text as an address: one has no '@' and so no domain.
            emails: vec![if i == 1 { "unknown".to_owned() } else { format!("build{i}@localhost.localdomain") }],
            offset_minutes: *rng.pick(&OFFSETS),
            kind: Kind::User,
            company: None,
            created_at: anchor,
            gh_user_id: 0,
        })
        .collect();
    People { all, bots, ci_robot, unresolved }
}

/// Loads `contributors` and `contributors_aliases`; returns the row counts.
pub async fn load(conn: &mut PgConnection, people: &People) -> sqlx::Result<(u64, u64)> {
    let mut contributors = CopyWriter::start(
        &mut *conn,
        "augur_data.contributors",
        &[
            "cntrb_id",
            "cntrb_login",
            "cntrb_email",
            "cntrb_full_name",
            "cntrb_company",
            "cntrb_canonical",
            "cntrb_created_at",
            "gh_user_id",
            "gh_login",
            "gh_type",
            "cntrb_location",
            "gh_url",
            "gh_avatar_url",
            "gh_site_admin",
        ],
    )
    .await?;
    for p in &people.all {
        let created = p.created_at.format("%Y-%m-%d %H:%M:%S").to_string();
        contributors
            .row(&[
                Value::Text(p.cntrb_id.as_deref().expect("contributors are resolved")),
                Value::Text(&p.login),
                Value::Text(&p.emails[0]),
                Value::Text(&p.name),
                p.company.map_or(Value::Null, Value::Text),
                Value::Text(&p.emails[0]),
                Value::Text(&created),
                Value::Int(i64::from(p.gh_user_id)),
                Value::Text(&p.login),
                Value::Text(p.kind.gh_type()),
                if p.kind == Kind::User && p.gh_user_id % 3 == 0 {
                    Value::Text(LOCATIONS[(p.gh_user_id / 3) as usize % LOCATIONS.len()])
                } else {
                    Value::Null
                },
                Value::Text(&format!("https://api.github.com/users/{}", p.login)),
                Value::Text(&format!("https://avatars.githubusercontent.com/u/{}?v=4", p.gh_user_id)),
                Value::Text("false"),
            ])
            .await?;
    }
    let n_contributors = contributors.finish().await?;

    let mut aliases = CopyWriter::start(
        &mut *conn,
        "augur_data.contributors_aliases",
        &["cntrb_alias_id", "cntrb_id", "canonical_email", "alias_email", "cntrb_active"],
    )
    .await?;
    let mut id = 0;
    for p in &people.all {
        for email in &p.emails {
            id += 1;
            aliases
                .row(&[
                    Value::Int(id),
                    Value::Text(p.cntrb_id.as_deref().expect("contributors are resolved")),
                    Value::Text(&p.emails[0]),
                    Value::Text(email),
                    Value::Int(1),
                ])
                .await?;
        }
    }
    Ok((n_contributors, aliases.finish().await?))
}

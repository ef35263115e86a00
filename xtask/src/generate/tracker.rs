//! Issues, pull requests and everything hanging off them: events, reviews and comments.
//! Invariants the app relies on hold by construction: a merged PR has closed_at =
//! merged_at and both a `closed` and a `merged` event then; a closed issue's closer
//! (`issues.cntrb_id`) is the actor of its last `closed` event.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

use super::{people::People, rng::Rng, RepoLife};
use crate::load::{CopyWriter, Value};

/// Row ids, unique across the whole database.
#[derive(Default)]
pub struct Ids {
    issue: i64,
    pull_request: i64,
    issue_event: i64,
    pr_event: i64,
    review: i64,
    message: i64,
    issue_ref: i64,
    pr_ref: i64,
    review_ref: i64,
}

fn next(counter: &mut i64) -> i64 {
    *counter += 1;
    *counter
}

pub struct TrackerSpec<'a> {
    pub repo_id: i64,
    /// `owner/name`, for URLs.
    pub slug: &'a str,
    pub issues: u64,
    pub pull_requests: u64,
    pub life: RepoLife,
    /// Indexes into `people.all`: maintainers first, then regular contributors.
    pub team: &'a [usize],
    pub anchor: DateTime<Utc>,
}

struct Issue {
    id: i64,
    number: i64,
    reporter: usize,
    closer: Option<usize>,
    created: DateTime<Utc>,
    closed: Option<DateTime<Utc>>,
    /// Old Augur stored PRs in `issues` too, with `pull_request` = the PR number.
    legacy_pr_number: Option<i64>,
}

struct PullRequest {
    id: i64,
    number: i64,
    author: usize,
    created: DateTime<Utc>,
    closed: Option<DateTime<Utc>>,
    merged: Option<DateTime<Utc>>,
}

struct Event {
    id: i64,
    parent: i64,
    actor: usize,
    action: &'static str,
    at: DateTime<Utc>,
}

struct Review {
    id: i64,
    pull_request: i64,
    reviewer: usize,
    state: &'static str,
    at: DateTime<Utc>,
}

struct Message {
    id: i64,
    author: usize,
    at: DateTime<Utc>,
}

/// A message's link to the issue, PR or review it belongs to.
struct Link {
    id: i64,
    parent: i64,
    message: i64,
}

#[derive(Default)]
struct Tracker {
    issues: Vec<Issue>,
    pull_requests: Vec<PullRequest>,
    issue_events: Vec<Event>,
    pr_events: Vec<Event>,
    reviews: Vec<Review>,
    messages: Vec<Message>,
    issue_links: Vec<Link>,
    pr_links: Vec<Link>,
    review_links: Vec<Link>,
}

/// Row counts per table.
pub type Counts = Vec<(&'static str, u64)>;

pub async fn load(
    conn: &mut PgConnection,
    rng: &mut Rng,
    ids: &mut Ids,
    people: &People,
    spec: &TrackerSpec<'_>,
) -> sqlx::Result<Counts> {
    let tracker = generate(rng, ids, people, spec);
    write(conn, people, spec, &tracker).await
}

fn generate(rng: &mut Rng, ids: &mut Ids, people: &People, spec: &TrackerSpec<'_>) -> Tracker {
    let mut t = Tracker::default();
    let maintainers = &spec.team[..spec.team.len().min(3)];
    // Issues and PRs share one number sequence per repo, in creation order.
    let mut created: Vec<(DateTime<Utc>, bool)> = Vec::with_capacity((spec.issues + spec.pull_requests) as usize);
    for i in 0..spec.issues + spec.pull_requests {
        created.push((spec.life.instant(rng), i >= spec.issues));
    }
    created.sort();
    let someone = |rng: &mut Rng| {
        // Most activity comes from the team; some from anyone at all.
        if rng.chance(0.8) {
            spec.team[rng.skewed(spec.team.len())]
        } else {
            rng.below(people.all.len() as u64) as usize
        }
    };
    for (number, (at, is_pr)) in created.into_iter().enumerate() {
        let number = number as i64 + 1;
        let end = |closed: Option<DateTime<Utc>>| closed.unwrap_or(spec.anchor);
        if is_pr {
            let id = next(&mut ids.pull_request);
            let author = if rng.chance(0.1) { people.bots[0] } else { someone(rng) };
            let close_at = at + hours(rng.log_normal(40.0, 1.8));
            let roll = rng.unit();
            let (closed, merged) = match close_at < spec.anchor {
                true if roll < 0.62 => (Some(close_at), Some(close_at)),
                true if roll < 0.85 => (Some(close_at), None),
                // The rest wait, until they are closed months or years later (see
                // `housekeeping`): open counts level off instead of growing without bound.
                _ => (housekeeping(rng, at, spec.anchor), None),
            };
            let merger = *rng.pick(maintainers);
            if let Some(m) = merged {
                for action in ["closed", "merged", "head_ref_deleted"] {
                    t.pr_events.push(Event { id: next(&mut ids.pr_event), parent: id, actor: merger, action, at: m });
                }
            } else if let Some(c) = closed {
                let closer = if rng.chance(0.3) { author } else { merger };
                t.pr_events.push(Event {
                    id: next(&mut ids.pr_event),
                    parent: id,
                    actor: closer,
                    action: "closed",
                    at: c,
                });
            }
            assignments(rng, ids, &mut t.pr_events, id, at, end(closed), spec.team, true);
            noise(
                rng,
                ids,
                &mut t.pr_events,
                id,
                at,
                end(closed),
                &someone,
                &["review_requested", "labeled", "referenced"],
                true,
            );
            // Reviews, some with inline comments; the reviewer is rarely the author.
            for _ in 0..rng.skewed(6) {
                let reviewer = spec.team[rng.skewed(spec.team.len())];
                let review_at = between(rng, at, end(closed));
                let state = match rng.below(100) {
                    0..=49 => "APPROVED",
                    50..=84 => "COMMENTED",
                    85..=97 => "CHANGES_REQUESTED",
                    _ => "DISMISSED",
                };
                let review = Review { id: next(&mut ids.review), pull_request: id, reviewer, state, at: review_at };
                if state != "APPROVED" {
                    for _ in 0..1 + rng.below(3) {
                        let message = next(&mut ids.message);
                        t.messages.push(Message { id: message, author: reviewer, at: review_at });
                        t.review_links.push(Link { id: next(&mut ids.review_ref), parent: review.id, message });
                    }
                }
                t.reviews.push(review);
            }
            // The conversation: a CI robot or bot often answers first.
            for i in 0..thread_length(rng) {
                let author = match i {
                    0 if rng.chance(0.4) => {
                        if rng.chance(0.5) {
                            people.ci_robot
                        } else {
                            people.bots[3]
                        }
                    }
                    _ if rng.chance(0.25) => author,
                    _ => someone(rng),
                };
                let message = next(&mut ids.message);
                t.messages.push(Message { id: message, author, at: between(rng, at, end(closed)) });
                t.pr_links.push(Link { id: next(&mut ids.pr_ref), parent: id, message });
            }
            t.pull_requests.push(PullRequest { id, number, author, created: at, closed, merged });
        } else {
            let id = next(&mut ids.issue);
            let reporter = someone(rng);
            let close_at = at + hours(rng.log_normal(72.0, 2.2));
            let closed = match close_at < spec.anchor && rng.chance(0.78) {
                true => Some(close_at),
                false => housekeeping(rng, at, spec.anchor),
            };
            let closer = closed.map(|_| if rng.chance(0.2) { reporter } else { *rng.pick(maintainers) });
            if let (Some(c), Some(closer)) = (closed, closer) {
                // Some were closed, reopened by their reporter, then closed for good.
                if rng.chance(0.06) {
                    let first = at + (c - at) / 3;
                    let actor = *rng.pick(maintainers);
                    t.issue_events.push(Event {
                        id: next(&mut ids.issue_event),
                        parent: id,
                        actor,
                        action: "closed",
                        at: first,
                    });
                    t.issue_events.push(Event {
                        id: next(&mut ids.issue_event),
                        parent: id,
                        actor: reporter,
                        action: "reopened",
                        at: first + Duration::hours(1),
                    });
                }
                t.issue_events.push(Event {
                    id: next(&mut ids.issue_event),
                    parent: id,
                    actor: closer,
                    action: "closed",
                    at: c,
                });
            }
            assignments(rng, ids, &mut t.issue_events, id, at, end(closed), spec.team, false);
            noise(
                rng,
                ids,
                &mut t.issue_events,
                id,
                at,
                end(closed),
                &someone,
                &["labeled", "mentioned", "subscribed"],
                false,
            );
            for _ in 0..thread_length(rng) {
                let message = next(&mut ids.message);
                let author = if rng.chance(0.3) { reporter } else { someone(rng) };
                t.messages.push(Message { id: message, author, at: between(rng, at, end(closed)) });
                t.issue_links.push(Link { id: next(&mut ids.issue_ref), parent: id, message });
            }
            // A closing remark at the very second of closing: the contributor-actions view leaves these out.
            if let (Some(c), Some(closer)) = (closed, closer) {
                if rng.chance(0.1) {
                    let message = next(&mut ids.message);
                    t.messages.push(Message { id: message, author: closer, at: c });
                    t.issue_links.push(Link { id: next(&mut ids.issue_ref), parent: id, message });
                }
            }
            t.issues.push(Issue { id, number, reporter, closer, created: at, closed, legacy_pr_number: None });
        }
    }
    // A few PR rows as old Augur collected them into `issues`.
    for pr in t.pull_requests.iter().take(3.min(t.pull_requests.len() / 20)) {
        t.issues.push(Issue {
            id: next(&mut ids.issue),
            number: pr.number,
            reporter: pr.author,
            closer: None,
            created: pr.created,
            closed: pr.closed,
            legacy_pr_number: Some(pr.number),
        });
    }
    t
}

/// Comments per thread: most have none or a few, some run to hundreds.
fn thread_length(rng: &mut Rng) -> u64 {
    rng.pareto(1.0, 1.1).saturating_sub(1).min(500)
}

/// When a long-waiting item is closed, if that is already past: nine in ten by a stale sweep
/// 1.5 to 11 months after it was opened, the rest (forgotten, then found) 1 to 4 years on.
/// Every item closes in the end, so the open ones are those of the last few years and open
/// counts follow the project's activity, as in real projects. When one in ten stayed open for
/// good, the open count grew with every year of history.
fn housekeeping(rng: &mut Rng, opened: DateTime<Utc>, anchor: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let wait = rng.below(600) as i64;
    let days = if rng.chance(0.9) { 45 + wait / 2 } else { 365 + wait * 2 };
    let at = opened + Duration::days(days);
    (at < anchor).then_some(at)
}

fn hours(h: f64) -> Duration {
    Duration::seconds((h * 3600.0).clamp(60.0, 6.0 * 365.0 * 86_400.0) as i64)
}

fn between(rng: &mut Rng, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
    let span = (to - from).num_seconds().max(1) as u64;
    from + Duration::seconds(rng.below(span) as i64)
}

/// 20-40 % of items get assigned, some later unassigned; the assignee is the actor.
#[allow(clippy::too_many_arguments)]
fn assignments(
    rng: &mut Rng,
    ids: &mut Ids,
    events: &mut Vec<Event>,
    parent: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    team: &[usize],
    pr: bool,
) {
    if !rng.chance(0.3) {
        return;
    }
    let counter = if pr { &mut ids.pr_event } else { &mut ids.issue_event };
    let assignee = team[rng.skewed(team.len())];
    let at = between(rng, from, to);
    events.push(Event { id: next(counter), parent, actor: assignee, action: "assigned", at });
    if rng.chance(0.2) {
        let later = between(rng, at, to);
        events.push(Event { id: next(counter), parent, actor: assignee, action: "unassigned", at: later });
    }
}

#[allow(clippy::too_many_arguments)]
fn noise(
    rng: &mut Rng,
    ids: &mut Ids,
    events: &mut Vec<Event>,
    parent: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    someone: &dyn Fn(&mut Rng) -> usize,
    actions: &[&'static str],
    pr: bool,
) {
    let counter = if pr { &mut ids.pr_event } else { &mut ids.issue_event };
    for action in actions {
        if rng.chance(0.3) {
            events.push(Event { id: next(counter), parent, actor: someone(rng), action, at: between(rng, from, to) });
        }
    }
}

fn ts(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

async fn write(conn: &mut PgConnection, people: &People, spec: &TrackerSpec<'_>, t: &Tracker) -> sqlx::Result<Counts> {
    let who = |i: usize| Value::Text(people.all[i].cntrb_id.as_deref().expect("tracker actors are resolved"));
    let repo = Value::Int(spec.repo_id);
    let mut counts = Counts::new();

    let mut out = CopyWriter::start(
        &mut *conn,
        "augur_data.issues",
        &[
            "issue_id",
            "repo_id",
            "reporter_id",
            "cntrb_id",
            "pull_request",
            "pull_request_id",
            "created_at",
            "updated_at",
            "closed_at",
            "gh_issue_number",
            "gh_issue_id",
            "issue_state",
            "issue_title",
            "html_url",
            "issue_url",
        ],
    )
    .await?;
    for i in &t.issues {
        let (created, closed) = (ts(i.created), i.closed.map(ts));
        let kind = if i.legacy_pr_number.is_some() { "pull" } else { "issues" };
        out.row(&[
            Value::Int(i.id),
            repo,
            who(i.reporter),
            i.closer.map_or(Value::Null, who),
            i.legacy_pr_number.map_or(Value::Null, Value::Int),
            i.legacy_pr_number.map_or(Value::Null, Value::Int),
            Value::Text(&created),
            Value::Text(closed.as_deref().unwrap_or(&created)),
            closed.as_deref().map_or(Value::Null, Value::Text),
            Value::Int(i.number),
            Value::Int(50_000_000 + i.id),
            Value::Text(if i.closed.is_some() { "closed" } else { "open" }),
            Value::Text(&format!("Issue {} of {}", i.number, spec.slug)),
            Value::Text(&format!("https://github.com/{}/{kind}/{}", spec.slug, i.number)),
            Value::Text(&format!("https://api.github.com/repos/{}/issues/{}#{}", spec.slug, i.number, i.id)),
        ])
        .await?;
    }
    counts.push(("issues", out.finish().await?));

    let mut out = CopyWriter::start(
        &mut *conn,
        "augur_data.pull_requests",
        &[
            "pull_request_id",
            "repo_id",
            "pr_src_id",
            "pr_src_number",
            "pr_augur_contributor_id",
            "pr_created_at",
            "pr_updated_at",
            "pr_closed_at",
            "pr_merged_at",
            "pr_src_state",
            "pr_url",
        ],
    )
    .await?;
    for p in &t.pull_requests {
        let (created, closed, merged) = (ts(p.created), p.closed.map(ts), p.merged.map(ts));
        out.row(&[
            Value::Int(p.id),
            repo,
            Value::Int(70_000_000 + p.id),
            Value::Int(p.number),
            who(p.author),
            Value::Text(&created),
            Value::Text(closed.as_deref().unwrap_or(&created)),
            closed.as_deref().map_or(Value::Null, Value::Text),
            merged.as_deref().map_or(Value::Null, Value::Text),
            Value::Text(if p.closed.is_some() { "closed" } else { "open" }),
            Value::Text(&format!("https://api.github.com/repos/{}/pulls/{}", spec.slug, p.number)),
        ])
        .await?;
    }
    counts.push(("pull_requests", out.finish().await?));

    let mut out = CopyWriter::start(
        &mut *conn,
        "augur_data.message",
        &["msg_id", "repo_id", "cntrb_id", "msg_timestamp", "msg_text", "platform_msg_id", "pltfrm_id"],
    )
    .await?;
    for m in &t.messages {
        out.row(&[
            Value::Int(m.id),
            repo,
            who(m.author),
            Value::Text(&ts(m.at)),
            Value::Text("Thanks, looks good to me."),
            Value::Int(90_000_000 + m.id),
            Value::Int(25150),
        ])
        .await?;
    }
    counts.push(("message", out.finish().await?));

    for (table, id_column, events) in [
        ("augur_data.issue_events", ("event_id", "issue_id"), &t.issue_events),
        ("augur_data.pull_request_events", ("pr_event_id", "pull_request_id"), &t.pr_events),
    ] {
        let mut out = CopyWriter::start(
            &mut *conn,
            table,
            &[id_column.0, id_column.1, "repo_id", "cntrb_id", "action", "created_at", "node_id", "issue_event_src_id"],
        )
        .await?;
        for e in events {
            out.row(&[
                Value::Int(e.id),
                Value::Int(e.parent),
                repo,
                who(e.actor),
                Value::Text(e.action),
                Value::Text(&ts(e.at)),
                Value::Text(&format!("{}_{}", if table.ends_with("issue_events") { "IE" } else { "PRE" }, e.id)),
                Value::Int(e.id),
            ])
            .await?;
        }
        counts.push((table.trim_start_matches("augur_data."), out.finish().await?));
    }

    let mut out = CopyWriter::start(
        &mut *conn,
        "augur_data.pull_request_reviews",
        &[
            "pr_review_id",
            "pull_request_id",
            "repo_id",
            "cntrb_id",
            "pr_review_state",
            "pr_review_submitted_at",
            "pr_review_src_id",
            "pr_review_author_association",
        ],
    )
    .await?;
    for r in &t.reviews {
        out.row(&[
            Value::Int(r.id),
            Value::Int(r.pull_request),
            repo,
            who(r.reviewer),
            Value::Text(r.state),
            Value::Text(&ts(r.at)),
            Value::Int(80_000_000 + r.id),
            Value::Text("MEMBER"),
        ])
        .await?;
    }
    counts.push(("pull_request_reviews", out.finish().await?));

    for (table, columns, links) in [
        (
            "augur_data.issue_message_ref",
            ["issue_msg_ref_id", "issue_id", "msg_id", "repo_id", "issue_msg_ref_src_comment_id"],
            &t.issue_links,
        ),
        (
            "augur_data.pull_request_message_ref",
            ["pr_msg_ref_id", "pull_request_id", "msg_id", "repo_id", "pr_message_ref_src_comment_id"],
            &t.pr_links,
        ),
    ] {
        let mut out = CopyWriter::start(&mut *conn, table, &columns).await?;
        for l in links {
            out.row(&[Value::Int(l.id), Value::Int(l.parent), Value::Int(l.message), repo, Value::Int(l.message)])
                .await?;
        }
        counts.push((table.trim_start_matches("augur_data."), out.finish().await?));
    }
    let mut out = CopyWriter::start(
        &mut *conn,
        "augur_data.pull_request_review_message_ref",
        &["pr_review_msg_ref_id", "pr_review_id", "msg_id", "repo_id", "pr_review_msg_path"],
    )
    .await?;
    for l in &t.review_links {
        out.row(&[Value::Int(l.id), Value::Int(l.parent), Value::Int(l.message), repo, Value::Text("src/lib.rs")])
            .await?;
    }
    counts.push(("pull_request_review_message_ref", out.finish().await?));
    Ok(counts)
}

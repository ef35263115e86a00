use sqlx::PgPool;

use super::{ints, PartSink};
use crate::{
    codec::{Column, Frame},
    RepoSet,
};

pub const VERSION: u32 = 1;

/// Which explorer assignment view to read.
#[derive(Clone, Copy, Debug)]
pub enum Items {
    PullRequests,
    Issues,
}

// Both queries: one row per assigned/unassigned event of a PR or issue, or one row without
// an event for an item never assigned (the views' LEFT JOIN). Augur's naive timestamps hold
// UTC, so they are compared with `now() AT TIME ZONE 'UTC'` and read with
// `EXTRACT(EPOCH ...)`, neither of which depends on the session time zone. As in 8Knot,
// items created or closed in the future are left out, and dates before 1971 (Augur's
// placeholder for an unknown date) drop the item too. An event dated in the future or
// before 1971 is kept as a row without an event, so that its item is never lost. The
// assignee is named by login, else GitHub login, else the first 15 characters of the
// uuid (8Knot's contributor key).

/// The query over one explorer assignment view (whose repo column is `id`), with the join
/// and filter that view needs; a macro so that both queries stay one `&'static str`.
macro_rules! assignments_sql {
    ($view:literal, $item:literal, $join:literal, $filter:literal) => {
        concat!(
            "SELECT a.id AS repo_id,
       a.",
            $item,
            " AS item,
       EXTRACT(EPOCH FROM a.created)::bigint AS created,
       COALESCE(EXTRACT(EPOCH FROM a.closed)::bigint, 0) AS closed,
       CASE WHEN e.dated THEN EXTRACT(EPOCH FROM a.assign_date)::bigint ELSE 0 END AS assigned_at,
       CASE WHEN NOT e.dated THEN 0
            WHEN a.assignment_action = 'assigned' THEN 1
            WHEN a.assignment_action = 'unassigned' THEN -1
            ELSE 0 END AS action,
       CASE WHEN e.dated
            THEN COALESCE(NULLIF(c.cntrb_login, ''), NULLIF(c.gh_login, ''), left(a.assignee::text, 15), '')
            ELSE '' END AS assignee,
       e.dated AND COALESCE(c.gh_type = 'Bot', false) AS assignee_bot
FROM augur_data.",
            $view,
            " a
",
            $join,
            "
CROSS JOIN LATERAL (
    SELECT COALESCE(a.assign_date >= TIMESTAMP '1971-01-01' AND a.assign_date < now() AT TIME ZONE 'UTC', false)
        AS dated
) e
LEFT JOIN augur_data.contributors c ON c.cntrb_id = a.assignee
WHERE a.id = ANY($1)
  ",
            $filter,
            "
  AND a.created >= TIMESTAMP '1971-01-01' AND a.created < now() AT TIME ZONE 'UTC'
  AND (a.closed IS NULL OR a.closed >= TIMESTAMP '1971-01-01' AND a.closed < now() AT TIME ZONE 'UTC')
ORDER BY repo_id, created, item, assigned_at, action, assignee"
        )
    };
}

const PR_SQL: &str = assignments_sql!("explorer_pr_assignments", "pull_request_id", "", "");

/// The issue view does not leave out the pull requests old Augur stored in `issues`, so it
/// is joined back to `issues` to drop them.
const ISSUE_SQL: &str = assignments_sql!(
    "explorer_issue_assignments",
    "issue_id",
    "JOIN augur_data.issues i ON i.issue_id = a.issue_id",
    "AND i.pull_request IS NULL AND i.pull_request_id IS NULL"
);

/// Frame columns: `repo_id`, `item` (pull_request_id or issue_id), `created`, `closed`
/// ([`NO_TIME`] while open), `assigned_at` ([`NO_TIME`] for a row without an event),
/// `action` (1 assigned, -1 unassigned, 0 no event), `assignee` (a string, "" without an
/// event), `assignee_bot` (the assignee's GitHub account is a Bot).
///
/// [`NO_TIME`]: super::NO_TIME
pub async fn run(db: &PgPool, repos: &RepoSet, items: Items, sink: &mut PartSink<'_>) -> Result<(), sqlx::Error> {
    let sql = match items {
        Items::PullRequests => PR_SQL,
        Items::Issues => ISSUE_SQL,
    };
    let rows = sqlx::query_as::<_, Row>(sql).bind(repos.ids()).fetch(db);
    super::by_repo(rows, repos, |r| r.0, frame_of, sink).await
}

/// (repo_id, item, created, closed, assigned_at, action, assignee, assignee_bot)
type Row = (i64, i64, i64, i64, i64, i32, String, bool);

fn frame_of(rows: Vec<Row>) -> Frame {
    let assignee_bot = ints(&rows, |r| i64::from(r.7));
    Frame::new()
        .with_column("repo_id", ints(&rows, |r| r.0))
        .with_column("item", ints(&rows, |r| r.1))
        .with_column("created", ints(&rows, |r| r.2))
        .with_column("closed", ints(&rows, |r| r.3))
        .with_column("assigned_at", ints(&rows, |r| r.4))
        .with_column("action", ints(&rows, |r| i64::from(r.5)))
        .with_column("assignee", Column::Str(rows.into_iter().map(|r| r.6).collect()))
        .with_column("assignee_bot", assignee_bot)
}

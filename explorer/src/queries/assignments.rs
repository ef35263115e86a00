use futures::TryStreamExt;
use sqlx::PgPool;

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
pub async fn run(db: &PgPool, repos: &RepoSet, items: Items) -> Result<Frame, sqlx::Error> {
    let sql = match items {
        Items::PullRequests => PR_SQL,
        Items::Issues => ISSUE_SQL,
    };
    let mut repo_ids = Vec::new();
    let mut item_ids = Vec::new();
    let mut created = Vec::new();
    let mut closed = Vec::new();
    let mut assigned_at = Vec::new();
    let mut actions = Vec::new();
    let mut assignees = Vec::new();
    let mut assignee_bot = Vec::new();
    let mut rows = sqlx::query_as::<_, (i64, i64, i64, i64, i64, i32, String, bool)>(sql).bind(repos.ids()).fetch(db);
    while let Some((repo_id, item, created_at, closed_at, assign_date, action, assignee, bot)) = rows.try_next().await?
    {
        repo_ids.push(repo_id);
        item_ids.push(item);
        created.push(created_at);
        closed.push(closed_at);
        assigned_at.push(assign_date);
        actions.push(i64::from(action));
        assignees.push(assignee);
        assignee_bot.push(i64::from(bot));
    }
    Ok(Frame::new()
        .with_column("repo_id", Column::I64(repo_ids))
        .with_column("item", Column::I64(item_ids))
        .with_column("created", Column::I64(created))
        .with_column("closed", Column::I64(closed))
        .with_column("assigned_at", Column::I64(assigned_at))
        .with_column("action", Column::I64(actions))
        .with_column("assignee", Column::Str(assignees))
        .with_column("assignee_bot", Column::I64(assignee_bot)))
}

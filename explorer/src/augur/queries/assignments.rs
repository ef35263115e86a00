use super::{query_row, AugurQuery};

/// The `action` of an assignment event.
pub const ASSIGNED: i32 = 1;
pub const UNASSIGNED: i32 = -1;

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

/// The review assignments of pull requests.
pub struct PrAssignments;

impl AugurQuery for PrAssignments {
    const NAME: &'static str = "pr_assignments";
    const VERSION: u32 = 1;
    type Row = AssignmentRow;
    const SQL: &'static str = PR_SQL;
}

/// The assignments of issues.
pub struct IssueAssignments;

impl AugurQuery for IssueAssignments {
    const NAME: &'static str = "issue_assignments";
    const VERSION: u32 = 1;
    type Row = AssignmentRow;
    const SQL: &'static str = ISSUE_SQL;
}

query_row! {
    /// An assignment event of a PR or issue, or an item never assigned. Times are seconds
    /// since the epoch, UTC, [`NO_TIME`](super::NO_TIME) when absent.
    pub struct AssignmentRow {
        pub repo_id: i64,
        /// pull_request_id or issue_id.
        pub item: i64,
        pub created: i64,
        pub closed: i64,
        pub assigned_at: i64,
        /// [`ASSIGNED`], [`UNASSIGNED`], or 0 for a row without an event.
        pub action: i32,
        /// The assignee's login ("" without an event).
        pub assignee: String,
        /// The assignee's GitHub account is a Bot.
        pub assignee_bot: bool,
    }
}

use super::{query_row, AugurQuery, TextId};

/// The kinds of contribution, as `action` codes: Augur's action names folded as 8Knot folds
/// them (every review state is one PR review).
pub mod action {
    pub const COMMIT: i32 = 1;
    pub const ISSUE_OPENED: i32 = 2;
    pub const ISSUE_CLOSED: i32 = 3;
    pub const ISSUE_COMMENT: i32 = 4;
    pub const PR_OPENED: i32 = 5;
    pub const PR_CLOSED: i32 = 6;
    pub const PR_MERGED: i32 = 7;
    pub const PR_REVIEW: i32 = 8;
    pub const PR_COMMENT: i32 = 9;
    /// An action name this release does not know.
    pub const OTHER: i32 = 0;
}

/// One row per contributor action from `explorer_contributor_actions`, whose `created_at`
/// is a timestamptz (read with `EXTRACT(EPOCH ...)`, independent of the session time zone).
/// Actions in the future or at Augur's 1970 placeholder are left out. The contributor is
/// the resolved Augur id as PostgreSQL's 64-bit hash of it (computed there, so a million
/// uuids never cross the wire as text), 0 when Augur could not resolve one (mostly commits by emails
/// without a GitHub account): such actions count as contributions but never as a
/// contributor. The login is the view's (Augur's `cntrb_login`), else the GitHub login. The
/// view has no index leading on its own order, so rows are sorted by repo and time here.
pub struct ContributorActions;

impl AugurQuery for ContributorActions {
    const NAME: &'static str = "contributor_actions";
    const VERSION: u32 = 2;
    type Row = ActionRow;
    const SQL: &'static str = "
SELECT a.repo_id,
       CASE WHEN a.cntrb_id IS NULL THEN 0
            ELSE COALESCE(NULLIF(hashtextextended(a.cntrb_id::text, 0), 0), 1) END AS contributor,
       EXTRACT(EPOCH FROM a.created_at)::bigint AS at,
       CASE
           WHEN a.action = 'commit' THEN 1
           WHEN a.action = 'issue_opened' THEN 2
           WHEN a.action = 'issue_closed' THEN 3
           WHEN a.action = 'issue_comment' THEN 4
           WHEN a.action = 'pull_request_open' THEN 5
           WHEN a.action = 'pull_request_closed' THEN 6
           WHEN a.action = 'pull_request_merged' THEN 7
           WHEN a.action LIKE 'pull_request\\_review\\_%' THEN 8
           WHEN a.action = 'pull_request_comment' THEN 9
           ELSE 0
       END AS action,
       COALESCE(NULLIF(a.login, ''), NULLIF(c.gh_login, ''), '') AS login,
       COALESCE(c.gh_type = 'Bot', false) AS bot
FROM augur_data.explorer_contributor_actions a
LEFT JOIN augur_data.contributors c ON c.cntrb_id = a.cntrb_id
WHERE a.repo_id = ANY($1)
  AND a.created_at < now()
  AND a.created_at >= TIMESTAMPTZ '1971-01-01 00:00:00+00'
ORDER BY a.repo_id, a.created_at, a.action, contributor";
}

query_row! {
    /// One contribution.
    pub struct ActionRow {
        pub repo_id: i64,
        /// [`TextId::NONE`] for an unresolved contributor.
        pub contributor: TextId as i64,
        /// Seconds since the epoch, UTC.
        pub at: i64,
        /// One of the [`action`] codes.
        pub action: i32,
        /// "" when Augur has none.
        pub login: String,
        /// The contributor's GitHub account is a Bot.
        pub bot: bool,
    }
}

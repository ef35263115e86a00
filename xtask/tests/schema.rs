//! The schema `cargo xtask seed` creates matches Augur's, as shared/reference/augur.md describes it:
//! every table and materialized view 8Knot reads, column by column, and views that refresh
//! CONCURRENTLY as Augur's refresh task does.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::PgConnection;
use testkit::TestDb;

/// (column, type, nullable). Table types are spelled as PostgreSQL's format_type spells them;
/// view columns computed by an expression (no typmod) have no precision, e.g. `timestamp with time zone`.
type Column = (&'static str, &'static str, bool);

const BIGINT: &str = "bigint";
const INT: &str = "integer";
const SMALLINT: &str = "smallint";
const VARCHAR: &str = "character varying";
const TEXT: &str = "text";
const UUID: &str = "uuid";
const BOOL: &str = "boolean";
const TS0: &str = "timestamp(0) without time zone";
const TS6: &str = "timestamp(6) without time zone";
const TSTZ0: &str = "timestamp(0) with time zone";
const NN: bool = false;
const NULL: bool = true;

/// Augur's bookkeeping columns, on every table.
const TOOL_SOURCE: Column = ("tool_source", VARCHAR, NULL);
const TOOL_VERSION: Column = ("tool_version", VARCHAR, NULL);
const DATA_SOURCE: Column = ("data_source", VARCHAR, NULL);
const COLLECTED: Column = ("data_collection_date", TS0, NULL);

const TABLES: &[(&str, &[Column])] = &[
    (
        "repo_groups",
        &[
            ("repo_group_id", BIGINT, NN),
            ("rg_name", VARCHAR, NN),
            ("rg_description", VARCHAR, NULL),
            ("rg_website", "character varying(128)", NULL),
            ("rg_recache", SMALLINT, NULL),
            ("rg_last_modified", TS0, NN),
            ("rg_type", VARCHAR, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
        ],
    ),
    (
        "repo",
        &[
            ("repo_id", BIGINT, NN),
            ("repo_group_id", BIGINT, NN),
            ("repo_git", VARCHAR, NN),
            ("repo_path", VARCHAR, NULL),
            ("repo_name", VARCHAR, NULL),
            ("repo_added", TS0, NN),
            ("repo_type", VARCHAR, NULL),
            ("url", VARCHAR, NULL),
            ("owner_id", INT, NULL),
            ("description", VARCHAR, NULL),
            ("primary_language", VARCHAR, NULL),
            ("created_at", VARCHAR, NULL),
            ("forked_from", VARCHAR, NULL),
            ("updated_at", TS0, NULL),
            ("repo_archived_date_collected", TSTZ0, NULL),
            ("repo_archived", INT, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
            ("repo_src_id", BIGINT, NULL),
        ],
    ),
    (
        "commits",
        &[
            ("cmt_id", BIGINT, NN),
            ("repo_id", BIGINT, NN),
            ("cmt_commit_hash", "character varying(80)", NN),
            ("cmt_author_name", VARCHAR, NN),
            ("cmt_author_raw_email", VARCHAR, NN),
            ("cmt_author_email", VARCHAR, NN),
            ("cmt_author_date", "character varying(10)", NN),
            ("cmt_author_affiliation", VARCHAR, NULL),
            ("cmt_committer_name", VARCHAR, NN),
            ("cmt_committer_raw_email", VARCHAR, NN),
            ("cmt_committer_email", VARCHAR, NN),
            ("cmt_committer_date", VARCHAR, NN),
            ("cmt_committer_affiliation", VARCHAR, NULL),
            ("cmt_added", INT, NN),
            ("cmt_removed", INT, NN),
            ("cmt_whitespace", INT, NN),
            ("cmt_filename", VARCHAR, NN),
            ("cmt_date_attempted", TS0, NN),
            ("cmt_ght_committer_id", INT, NULL),
            ("cmt_ght_committed_at", TS0, NULL),
            ("cmt_committer_timestamp", TSTZ0, NULL),
            ("cmt_author_timestamp", TSTZ0, NULL),
            ("cmt_author_platform_username", VARCHAR, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
            ("cmt_ght_author_id", UUID, NULL),
        ],
    ),
    (
        "contributors",
        &[
            ("cntrb_id", UUID, NN),
            ("cntrb_login", VARCHAR, NULL),
            ("cntrb_email", VARCHAR, NULL),
            ("cntrb_full_name", VARCHAR, NULL),
            ("cntrb_company", VARCHAR, NULL),
            ("cntrb_created_at", TS0, NULL),
            ("cntrb_type", VARCHAR, NULL),
            ("cntrb_fake", SMALLINT, NULL),
            ("cntrb_deleted", SMALLINT, NULL),
            ("cntrb_location", VARCHAR, NULL),
            ("cntrb_canonical", VARCHAR, NULL),
            ("cntrb_last_used", TSTZ0, NULL),
            ("gh_user_id", BIGINT, NULL),
            ("gh_login", VARCHAR, NULL),
            ("gh_url", VARCHAR, NULL),
            ("gh_avatar_url", VARCHAR, NULL),
            ("gh_type", VARCHAR, NULL),
            ("gh_site_admin", VARCHAR, NULL),
            ("gl_web_url", VARCHAR, NULL),
            ("gl_avatar_url", VARCHAR, NULL),
            ("gl_state", VARCHAR, NULL),
            ("gl_username", VARCHAR, NULL),
            ("gl_full_name", VARCHAR, NULL),
            ("gl_id", BIGINT, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
        ],
    ),
    (
        "contributors_aliases",
        &[
            ("cntrb_alias_id", BIGINT, NN),
            ("cntrb_id", UUID, NN),
            ("canonical_email", VARCHAR, NN),
            ("alias_email", VARCHAR, NN),
            ("cntrb_active", SMALLINT, NULL),
            ("cntrb_last_modified", TS0, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
        ],
    ),
    (
        "contributor_affiliations",
        &[
            ("ca_id", BIGINT, NN),
            ("ca_domain", "character varying(64)", NN),
            ("ca_affiliation", VARCHAR, NULL),
            ("ca_start_date", "date", NULL),
            ("ca_active", SMALLINT, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
        ],
    ),
    (
        "issues",
        &[
            ("issue_id", BIGINT, NN),
            ("repo_id", BIGINT, NULL),
            ("pull_request", BIGINT, NULL),
            ("pull_request_id", BIGINT, NULL),
            ("created_at", TS0, NULL),
            ("issue_title", VARCHAR, NULL),
            ("issue_body", VARCHAR, NULL),
            ("comment_count", BIGINT, NULL),
            ("updated_at", TS0, NULL),
            ("closed_at", TS0, NULL),
            ("issue_url", VARCHAR, NULL),
            ("html_url", VARCHAR, NULL),
            ("issue_state", VARCHAR, NULL),
            ("gh_issue_number", BIGINT, NULL),
            ("gh_issue_id", BIGINT, NULL),
            ("gh_user_id", BIGINT, NULL),
            ("issue_node_id", VARCHAR, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
            ("reporter_id", UUID, NULL),
            ("cntrb_id", UUID, NULL),
        ],
    ),
    (
        "issue_events",
        &[
            ("event_id", BIGINT, NN),
            ("issue_id", BIGINT, NN),
            ("repo_id", BIGINT, NULL),
            ("action", VARCHAR, NN),
            ("created_at", TS0, NN),
            ("node_id", VARCHAR, NULL),
            ("issue_event_src_id", BIGINT, NULL),
            ("platform_id", BIGINT, NN),
            ("action_commit_hash", VARCHAR, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
            ("cntrb_id", UUID, NULL),
        ],
    ),
    (
        "pull_requests",
        &[
            ("pull_request_id", BIGINT, NN),
            ("repo_id", BIGINT, NULL),
            ("pr_url", VARCHAR, NULL),
            ("pr_src_id", BIGINT, NULL),
            ("pr_src_node_id", VARCHAR, NULL),
            ("pr_src_number", BIGINT, NULL),
            ("pr_src_state", VARCHAR, NULL),
            ("pr_created_at", TS0, NULL),
            ("pr_updated_at", TS0, NULL),
            ("pr_closed_at", TS0, NULL),
            ("pr_merged_at", TS0, NULL),
            ("pr_merge_commit_sha", VARCHAR, NULL),
            ("pr_src_author_association", VARCHAR, NULL),
            ("pr_html_url", VARCHAR, NULL),
            ("pr_src_locked", BOOL, NULL),
            ("pr_src_title", VARCHAR, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
            ("pr_augur_contributor_id", UUID, NULL),
        ],
    ),
    (
        "pull_request_events",
        &[
            ("pr_event_id", BIGINT, NN),
            ("pull_request_id", BIGINT, NN),
            ("repo_id", BIGINT, NULL),
            ("action", VARCHAR, NN),
            ("created_at", TS0, NN),
            ("node_id", VARCHAR, NULL),
            ("issue_event_src_id", BIGINT, NULL),
            ("platform_id", BIGINT, NN),
            ("action_commit_hash", VARCHAR, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
            ("cntrb_id", UUID, NULL),
        ],
    ),
    (
        "pull_request_reviews",
        &[
            ("pr_review_id", BIGINT, NN),
            ("pull_request_id", BIGINT, NN),
            ("repo_id", BIGINT, NULL),
            ("pr_review_author_association", VARCHAR, NULL),
            ("pr_review_state", VARCHAR, NULL),
            ("pr_review_body", VARCHAR, NULL),
            ("pr_review_submitted_at", TS6, NULL),
            ("pr_review_src_id", BIGINT, NULL),
            ("pr_review_node_id", VARCHAR, NULL),
            ("platform_id", BIGINT, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
            ("cntrb_id", UUID, NN),
        ],
    ),
    (
        "pull_request_files",
        &[
            ("pr_file_id", BIGINT, NN),
            ("pull_request_id", BIGINT, NULL),
            ("repo_id", BIGINT, NULL),
            ("pr_file_additions", BIGINT, NULL),
            ("pr_file_deletions", BIGINT, NULL),
            ("pr_file_path", VARCHAR, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
        ],
    ),
    (
        "message",
        &[
            ("msg_id", BIGINT, NN),
            ("repo_id", BIGINT, NULL),
            ("platform_msg_id", BIGINT, NULL),
            ("msg_text", VARCHAR, NULL),
            ("msg_timestamp", TS0, NULL),
            ("pltfrm_id", BIGINT, NN),
            ("platform_node_id", VARCHAR, NULL),
            ("msg_sender_email", VARCHAR, NULL),
            ("msg_header", VARCHAR, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
            ("cntrb_id", UUID, NULL),
        ],
    ),
    (
        "issue_message_ref",
        &[
            ("issue_msg_ref_id", BIGINT, NN),
            ("issue_id", BIGINT, NULL),
            ("repo_id", BIGINT, NULL),
            ("msg_id", BIGINT, NULL),
            ("issue_msg_ref_src_comment_id", BIGINT, NULL),
            ("issue_msg_ref_src_node_id", VARCHAR, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
        ],
    ),
    (
        "pull_request_message_ref",
        &[
            ("pr_msg_ref_id", BIGINT, NN),
            ("pull_request_id", BIGINT, NULL),
            ("repo_id", BIGINT, NULL),
            ("msg_id", BIGINT, NULL),
            ("pr_message_ref_src_comment_id", BIGINT, NULL),
            ("pr_message_ref_src_node_id", VARCHAR, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
        ],
    ),
    (
        "pull_request_review_message_ref",
        &[
            ("pr_review_msg_ref_id", BIGINT, NN),
            ("pr_review_id", BIGINT, NN),
            ("repo_id", BIGINT, NULL),
            ("msg_id", BIGINT, NN),
            ("pr_review_msg_diff_hunk", VARCHAR, NULL),
            ("pr_review_msg_path", VARCHAR, NULL),
            ("pr_review_msg_line", BIGINT, NULL),
            ("pr_review_msg_src_id", BIGINT, NULL),
            ("pr_review_msg_position", BIGINT, NULL),
            ("pr_review_msg_side", VARCHAR, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
        ],
    ),
    (
        "repo_info",
        &[
            ("repo_info_id", BIGINT, NN),
            ("repo_id", BIGINT, NN),
            ("issues_enabled", VARCHAR, NULL),
            ("fork_count", INT, NULL),
            ("watchers_count", INT, NULL),
            ("license", VARCHAR, NULL),
            ("stars_count", INT, NULL),
            ("code_of_conduct_file", VARCHAR, NULL),
            ("security_issue_file", VARCHAR, NULL),
            ("security_audit_file", VARCHAR, NULL),
            ("commit_count", BIGINT, NULL),
            ("issues_count", BIGINT, NULL),
            ("pull_request_count", BIGINT, NULL),
            ("last_updated", TS0, NULL),
            ("pull_requests_enabled", BOOL, NULL),
            ("default_branch", VARCHAR, NULL),
            ("committers_count", INT, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
        ],
    ),
    (
        "releases",
        &[
            ("release_id", "character(256)", NN),
            ("repo_id", BIGINT, NN),
            ("release_name", VARCHAR, NULL),
            ("release_created_at", TS6, NULL),
            ("release_published_at", TS6, NULL),
            ("release_updated_at", TS6, NULL),
            ("release_is_draft", BOOL, NULL),
            ("release_is_prerelease", BOOL, NULL),
            ("release_tag_name", VARCHAR, NULL),
            ("tag_only", BOOL, NULL),
            ("release_description", VARCHAR, NULL),
            ("release_author", VARCHAR, NULL),
            ("release_url", VARCHAR, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
        ],
    ),
    (
        "repo_labor",
        &[
            ("repo_labor_id", BIGINT, NN),
            ("repo_id", BIGINT, NULL),
            ("rl_analysis_date", TS0, NULL),
            ("programming_language", VARCHAR, NULL),
            ("file_path", VARCHAR, NULL),
            ("file_name", VARCHAR, NULL),
            ("total_lines", INT, NULL),
            ("code_lines", INT, NULL),
            ("comment_lines", INT, NULL),
            ("blank_lines", INT, NULL),
            ("code_complexity", INT, NULL),
            ("repo_clone_date", TS0, NULL),
            ("repo_url", VARCHAR, NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
        ],
    ),
    (
        "repo_deps_libyear",
        &[
            ("repo_deps_libyear_id", BIGINT, NN),
            ("repo_id", BIGINT, NULL),
            ("name", VARCHAR, NULL),
            ("current_release_date", VARCHAR, NULL),
            ("latest_release_date", VARCHAR, NULL),
            ("libyear", "double precision", NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
        ],
    ),
    (
        "repo_deps_scorecard",
        &[
            ("repo_deps_scorecard_id", BIGINT, NN),
            ("repo_id", BIGINT, NULL),
            ("name", VARCHAR, NULL),
            ("score", VARCHAR, NULL),
            ("scorecard_check_details", "jsonb", NULL),
            TOOL_SOURCE,
            TOOL_VERSION,
            DATA_SOURCE,
            COLLECTED,
        ],
    ),
];

/// PostgreSQL never marks a materialized view's column NOT NULL, so all are nullable.
const VIEWS: &[(&str, &[Column])] = &[
    (
        "explorer_contributor_actions",
        &[
            ("cntrb_id", UUID, NULL),
            // The union mixes timestamptz (commits) with naive UTC timestamps: timestamptz, no precision.
            ("created_at", "timestamp with time zone", NULL),
            ("repo_id", BIGINT, NULL),
            ("action", TEXT, NULL),
            ("repo_name", VARCHAR, NULL),
            ("login", VARCHAR, NULL),
            ("rank", BIGINT, NULL),
        ],
    ),
    (
        "explorer_issue_assignments",
        &[
            ("issue_id", BIGINT, NULL),
            ("id", BIGINT, NULL),
            ("created", TS0, NULL),
            ("closed", TS0, NULL),
            ("assign_date", TS0, NULL),
            ("assignment_action", VARCHAR, NULL),
            ("assignee", UUID, NULL),
            ("node_id", VARCHAR, NULL),
        ],
    ),
    (
        "explorer_pr_assignments",
        &[
            ("pull_request_id", BIGINT, NULL),
            ("id", BIGINT, NULL),
            ("created", TS0, NULL),
            ("closed", TS0, NULL),
            ("assign_date", TS0, NULL),
            ("assignment_action", VARCHAR, NULL),
            ("assignee", UUID, NULL),
            ("node_id", VARCHAR, NULL),
        ],
    ),
    (
        "explorer_pr_response",
        &[
            ("pull_request_id", BIGINT, NULL),
            ("id", BIGINT, NULL),
            ("cntrb_id", UUID, NULL),
            ("msg_timestamp", TS0, NULL),
            ("msg_cntrb_id", UUID, NULL),
            ("pr_created_at", TS0, NULL),
            ("pr_closed_at", TS0, NULL),
        ],
    ),
    (
        "explorer_repo_languages",
        &[
            ("repo_id", BIGINT, NULL),
            ("repo_git", VARCHAR, NULL),
            ("repo_name", VARCHAR, NULL),
            ("programming_language", VARCHAR, NULL),
            ("code_lines", BIGINT, NULL),
            ("files", BIGINT, NULL),
        ],
    ),
    (
        "explorer_entry_list",
        &[
            ("repo_git", VARCHAR, NULL),
            ("repo_id", BIGINT, NULL),
            ("repo_name", VARCHAR, NULL),
            ("rg_name", VARCHAR, NULL),
        ],
    ),
];

type Found = BTreeMap<String, BTreeMap<String, (String, bool)>>;

/// Tables as information_schema lists them, types rebuilt in format_type's spelling.
async fn found_tables(conn: &mut PgConnection) -> Found {
    let rows: Vec<(String, String, String, bool)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text,
                CASE WHEN c.character_maximum_length IS NOT NULL
                         THEN c.data_type || '(' || c.character_maximum_length || ')'
                     WHEN c.data_type LIKE 'timestamp%'
                         THEN 'timestamp(' || c.datetime_precision || ')' || substr(c.data_type, 10)
                     ELSE c.data_type END,
                c.is_nullable = 'YES'
         FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
         WHERE c.table_schema = 'augur_data' AND t.table_type = 'BASE TABLE'",
    )
    .fetch_all(conn)
    .await
    .unwrap();
    collect(rows)
}

/// Materialized views, which information_schema leaves out.
async fn found_views(conn: &mut PgConnection) -> Found {
    let rows: Vec<(String, String, String, bool)> = sqlx::query_as(
        "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'augur_data' AND c.relkind = 'm' AND a.attnum > 0 AND NOT a.attisdropped",
    )
    .fetch_all(conn)
    .await
    .unwrap();
    collect(rows)
}

fn collect(rows: Vec<(String, String, String, bool)>) -> Found {
    let mut found = Found::new();
    for (relation, column, data_type, nullable) in rows {
        found.entry(relation).or_default().insert(column, (data_type, nullable));
    }
    found
}

/// Every difference between the specification and the database, one line each.
fn differences(kind: &str, expected: &[(&str, &[Column])], found: &Found) -> Vec<String> {
    let mut out = Vec::new();
    let names: BTreeSet<&str> = expected.iter().map(|(name, _)| *name).collect();
    for extra in found.keys().filter(|name| !names.contains(name.as_str())) {
        out.push(format!("{kind} augur_data.{extra} exists but is not in the specification"));
    }
    for (relation, columns) in expected {
        let Some(actual) = found.get(*relation) else {
            out.push(format!("{kind} augur_data.{relation} is missing"));
            continue;
        };
        for (column, data_type, nullable) in *columns {
            let null = |n: bool| if n { "NULL" } else { "NOT NULL" };
            match actual.get(*column) {
                None => out.push(format!("augur_data.{relation}.{column} is missing")),
                Some((t, n)) if t != data_type || n != nullable => out.push(format!(
                    "augur_data.{relation}.{column}: expected {data_type} {}, found {t} {}",
                    null(*nullable),
                    null(*n)
                )),
                Some(_) => {}
            }
        }
        let listed: BTreeSet<&str> = columns.iter().map(|(column, _, _)| *column).collect();
        for column in actual.keys().filter(|c| !listed.contains(c.as_str())) {
            out.push(format!("augur_data.{relation}.{column} exists but is not in the specification"));
        }
    }
    out
}

#[tokio::test]
async fn tables_and_views_match_augur_column_by_column() {
    let mut db = TestDb::new().await;

    let mut problems = differences("table", TABLES, &found_tables(&mut db.conn).await);
    problems.extend(differences("materialized view", VIEWS, &found_views(&mut db.conn).await));
    assert!(problems.is_empty(), "the schema differs from Augur's:\n  {}", problems.join("\n  "));

    // (view, has a unique index, has an index whose first column is the repo id)
    let indexes: Vec<(String, bool, bool)> = sqlx::query_as(
        "SELECT c.relname::text, bool_or(i.indisunique), bool_or(a.attname IN ('repo_id', 'id'))
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
         WHERE n.nspname = 'augur_data' AND c.relkind = 'm'
         GROUP BY c.relname",
    )
    .fetch_all(&mut db.conn)
    .await
    .unwrap();
    for (view, _) in VIEWS {
        let found = indexes.iter().find(|(name, _, _)| name == view);
        let (unique, by_repo) = found.map_or((false, false), |(_, u, r)| (*u, *r));
        assert!(unique, "augur_data.{view} has no unique index, so it cannot be refreshed CONCURRENTLY");
        assert!(by_repo, "augur_data.{view} has no index leading on its repo id column, which every reader filters on");
    }

    // CONCURRENTLY refuses a view that was never populated, hence one plain refresh first.
    for (view, _) in VIEWS {
        for how in ["", " CONCURRENTLY"] {
            sqlx::raw_sql(&format!("REFRESH MATERIALIZED VIEW{how} augur_data.{view}"))
                .execute(&mut db.conn)
                .await
                .unwrap_or_else(|e| panic!("REFRESH MATERIALIZED VIEW{how} augur_data.{view} failed: {e}"));
        }
    }
    db.drop().await;
}

const ADA: &str = "01000000-0100-0000-0000-000000000000";
const BOB: &str = "01000000-0200-0000-0000-000000000000";

/// A few rows of every kind the views read, each there to show one rule of their definitions.
async fn load_fixture(conn: &mut PgConnection) {
    let sql = format!(
        "INSERT INTO augur_data.repo_groups (repo_group_id, rg_name) VALUES (1, 'chaoss');
         INSERT INTO augur_data.repo (repo_id, repo_group_id, repo_git, repo_name)
           VALUES (10, 1, 'https://github.com/chaoss/augur', 'augur');
         INSERT INTO augur_data.contributors (cntrb_id, cntrb_login, gh_type)
           VALUES ('{ADA}', 'ada', 'User'), ('{BOB}', 'bob', 'User');
         -- h1: two file rows, one commit (08:00 UTC); h2: an author Augur could not resolve.
         INSERT INTO augur_data.commits (repo_id, cmt_commit_hash, cmt_author_name, cmt_author_raw_email,
             cmt_author_email, cmt_author_date, cmt_committer_name, cmt_committer_raw_email, cmt_committer_email,
             cmt_committer_date, cmt_added, cmt_removed, cmt_whitespace, cmt_filename, cmt_date_attempted,
             cmt_author_timestamp, cmt_ght_author_id)
           VALUES (10, 'h1', 'Ada', 'a@x.org', 'a@x.org', '2024-01-01', 'Ada', 'a@x.org', 'a@x.org', '2024-01-01',
                   1, 0, 0, 'a.rs', now(), '2024-01-01 10:00:00+02', '{ADA}'),
                  (10, 'h1', 'Ada', 'a@x.org', 'a@x.org', '2024-01-01', 'Ada', 'a@x.org', 'a@x.org', '2024-01-01',
                   1, 0, 0, 'b.rs', now(), '2024-01-01 10:00:00+02', '{ADA}'),
                  (10, 'h2', 'Eve', 'e@x.org', 'e@x.org', '2024-01-01', 'Eve', 'e@x.org', 'e@x.org', '2024-01-01',
                   1, 0, 0, 'c.rs', now(), '2024-01-01 12:00:00+00', NULL);
         -- 101 is a PR as old Augur stored it in issues: in no issue action.
         INSERT INTO augur_data.issues (issue_id, repo_id, reporter_id, cntrb_id, pull_request, pull_request_id,
             created_at, closed_at)
           VALUES (100, 10, '{ADA}', '{BOB}', NULL, NULL, '2024-01-02 00:00', '2024-01-05 00:00'),
                  (101, 10, '{ADA}', '{BOB}', 7, 7, '2024-01-02 00:00', '2024-01-05 00:00');
         INSERT INTO augur_data.issue_events (issue_id, repo_id, cntrb_id, action, created_at, node_id)
           VALUES (100, 10, '{BOB}', 'closed', '2024-01-05 00:00', 'IE1'),
                  (101, 10, '{BOB}', 'closed', '2024-01-05 00:00', 'IE2'),
                  (100, 10, '{BOB}', 'assigned', '2024-01-03 00:00', 'IE3');
         -- 200 merged (closed and merged events), 201 closed unmerged.
         INSERT INTO augur_data.pull_requests (pull_request_id, repo_id, pr_augur_contributor_id, pr_created_at,
             pr_closed_at, pr_merged_at)
           VALUES (200, 10, '{ADA}', '2024-02-01 00:00', '2024-02-03 00:00', '2024-02-03 00:00'),
                  (201, 10, '{ADA}', '2024-02-05 00:00', '2024-02-06 00:00', NULL);
         INSERT INTO augur_data.pull_request_events (pull_request_id, repo_id, cntrb_id, action, created_at)
           VALUES (200, 10, '{BOB}', 'closed', '2024-02-03 00:00'),
                  (200, 10, '{BOB}', 'merged', '2024-02-03 00:00'),
                  (201, 10, '{BOB}', 'closed', '2024-02-06 00:00');
         INSERT INTO augur_data.pull_request_reviews (pr_review_id, pull_request_id, repo_id, cntrb_id,
             pr_review_state, pr_review_submitted_at)
           VALUES (300, 200, 10, '{BOB}', 'APPROVED', '2024-02-02 12:00');
         -- 1: bob on issue 100; 2: ada on issue 100 at the moment it closed (not an action);
         -- 3: bob on PR 200's conversation; 4: bob's inline comment in review 300.
         INSERT INTO augur_data.message (msg_id, repo_id, cntrb_id, msg_timestamp, platform_msg_id)
           VALUES (1, 10, '{BOB}', '2024-01-04 00:00', 1), (2, 10, '{ADA}', '2024-01-05 00:00', 2),
                  (3, 10, '{BOB}', '2024-02-02 00:00', 3), (4, 10, '{BOB}', '2024-02-02 12:00', 4);
         INSERT INTO augur_data.issue_message_ref (issue_id, repo_id, msg_id) VALUES (100, 10, 1), (100, 10, 2);
         INSERT INTO augur_data.pull_request_message_ref (pull_request_id, repo_id, msg_id) VALUES (200, 10, 3);
         INSERT INTO augur_data.pull_request_review_message_ref (pr_review_id, repo_id, msg_id) VALUES (300, 10, 4);
         -- An old scc run, then the latest one whose rows span two minutes.
         INSERT INTO augur_data.repo_labor (repo_id, programming_language, code_lines, data_collection_date)
           VALUES (10, 'Rust', 100, '2024-01-01 00:00'), (10, 'Rust', 10, '2024-03-01 00:00'),
                  (10, 'Rust', 20, '2024-03-01 00:02'), (10, 'Python', 5, '2024-03-01 00:02');"
    );
    sqlx::raw_sql(&sql).execute(conn).await.unwrap();
}

#[tokio::test]
async fn views_follow_augur_definitions_with_our_decisions() {
    let mut db = TestDb::new().await;
    load_fixture(&mut db.conn).await;
    // Naive timestamps are UTC whatever time zone the refreshing session has.
    sqlx::raw_sql("SET TIME ZONE 'America/New_York'").execute(&mut db.conn).await.unwrap();
    for (view, _) in VIEWS {
        sqlx::raw_sql(&format!("REFRESH MATERIALIZED VIEW augur_data.{view}")).execute(&mut db.conn).await.unwrap();
    }

    let actions: Vec<(Option<String>, String, i64, String)> = sqlx::query_as(
        "SELECT login, action, rank, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
         FROM augur_data.explorer_contributor_actions WHERE repo_id = 10 AND repo_name = 'augur'
         ORDER BY login, rank",
    )
    .fetch_all(&mut db.conn)
    .await
    .unwrap();
    let expected = [
        (Some("ada"), "pull_request_open", 1, "2024-02-05 00:00"),
        (Some("ada"), "pull_request_open", 2, "2024-02-01 00:00"),
        (Some("ada"), "issue_opened", 3, "2024-01-02 00:00"),
        (Some("ada"), "commit", 4, "2024-01-01 08:00"),
        (Some("bob"), "pull_request_closed", 1, "2024-02-06 00:00"),
        (Some("bob"), "pull_request_merged", 2, "2024-02-03 00:00"),
        (Some("bob"), "pull_request_review_APPROVED", 3, "2024-02-02 12:00"),
        (Some("bob"), "pull_request_comment", 4, "2024-02-02 00:00"),
        (Some("bob"), "issue_closed", 5, "2024-01-05 00:00"),
        (Some("bob"), "issue_comment", 6, "2024-01-04 00:00"),
        (None, "commit", 1, "2024-01-01 12:00"),
    ];
    let expected: Vec<_> =
        expected.iter().map(|(l, a, r, t)| (l.map(str::to_owned), a.to_string(), *r, t.to_string())).collect();
    assert_eq!(actions, expected, "explorer_contributor_actions rows (login, action, rank, UTC time)");

    let assignments: Vec<(i64, Option<String>)> = sqlx::query_as(
        "SELECT issue_id, assignment_action::text FROM augur_data.explorer_issue_assignments ORDER BY issue_id",
    )
    .fetch_all(&mut db.conn)
    .await
    .unwrap();
    assert_eq!(
        assignments,
        [(100, Some("assigned".to_owned())), (101, None)],
        "explorer_issue_assignments: one row per assignment event, one empty row for an issue never assigned"
    );

    let responses: Vec<(i64, Option<String>)> = sqlx::query_as(
        "SELECT pull_request_id, to_char(msg_timestamp, 'YYYY-MM-DD HH24:MI') FROM augur_data.explorer_pr_response
         ORDER BY pull_request_id, msg_timestamp",
    )
    .fetch_all(&mut db.conn)
    .await
    .unwrap();
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        responses,
        [(200, some("2024-02-02 00:00")), (200, some("2024-02-02 12:00")), (201, None)],
        "explorer_pr_response: conversation and inline review comments, one empty row for a PR without any"
    );

    let languages: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT programming_language, code_lines, files FROM augur_data.explorer_repo_languages
         WHERE repo_id = 10 ORDER BY programming_language",
    )
    .fetch_all(&mut db.conn)
    .await
    .unwrap();
    assert_eq!(
        languages,
        [("Python".to_owned(), 5, 1), ("Rust".to_owned(), 30, 2)],
        "explorer_repo_languages sums the latest scc run only"
    );

    let entries: Vec<(String, i64, String, String)> =
        sqlx::query_as("SELECT repo_git, repo_id, repo_name, rg_name FROM augur_data.explorer_entry_list")
            .fetch_all(&mut db.conn)
            .await
            .unwrap();
    assert_eq!(
        entries,
        [("https://github.com/chaoss/augur".to_owned(), 10, "augur".to_owned(), "chaoss".to_owned())],
        "explorer_entry_list"
    );
    db.drop().await;
}

/// The SQLSTATE of what the database said to `sql`, run as `conn`.
async fn refused(conn: &mut PgConnection, sql: &str) -> String {
    match sqlx::raw_sql(sql).execute(&mut *conn).await {
        Ok(_) => panic!("the read-only role may run {sql}"),
        Err(sqlx::Error::Database(e)) => e.code().unwrap_or_default().into_owned(),
        Err(other) => panic!("{sql}: {other}"),
    }
}

#[tokio::test]
async fn the_apps_role_reads_augur_and_can_change_nothing() {
    use sqlx::Connection;

    let db = TestDb::new().await;
    let mut reader = PgConnection::connect(&db.reader_url()).await.expect("the read-only role logs in");
    let repos: i64 = sqlx::query_scalar("SELECT count(*) FROM augur_data.repo").fetch_one(&mut reader).await.unwrap();
    assert_eq!(repos, 0);
    let views: i64 = sqlx::query_scalar("SELECT count(*) FROM augur_data.explorer_contributor_actions")
        .fetch_one(&mut reader)
        .await
        .unwrap();
    assert_eq!(views, 0);
    sqlx::raw_sql("SELECT repo_id, facade_data_last_collected FROM augur_operations.collection_status")
        .execute(&mut reader)
        .await
        .expect("the collection dates are readable");

    // Read-only transactions by default (25006), and no privilege beneath that (42501).
    let insert = "INSERT INTO augur_data.repo_groups (repo_group_id, rg_name) VALUES (1, 'x')";
    assert_eq!(refused(&mut reader, insert).await, "25006");
    sqlx::raw_sql("SET default_transaction_read_only = off").execute(&mut reader).await.unwrap();
    for sql in [
        insert,
        "UPDATE augur_data.repo SET repo_name = 'x'",
        "DELETE FROM augur_data.commits",
        "TRUNCATE augur_data.commits",
        "CREATE TABLE augur_data.mine (x int)",
        "CREATE TABLE public.mine (x int)",
        "REFRESH MATERIALIZED VIEW augur_data.explorer_entry_list",
        "SELECT core_task_id FROM augur_operations.collection_status",
        "UPDATE augur_operations.collection_status SET core_status = 'x'",
    ] {
        let code = refused(&mut reader, sql).await;
        assert!(code == "42501", "{sql}: expected a refused privilege, got {code}");
    }
    reader.close().await.unwrap();
    db.drop().await;
}

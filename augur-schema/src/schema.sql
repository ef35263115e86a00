-- The part of Augur's schema `augur_data` that the app and 8Knot's queries read, with Augur's own
-- names, types and nullability (see shared/reference/augur.md), so SQL written against it runs
-- unchanged on a real Augur database. Besides the bookkeeping columns every Augur table carries,
-- most columns nobody reads are left out. Contributor ids are uuid (Augur >= 0.42).

CREATE SCHEMA IF NOT EXISTS augur_data;

CREATE SEQUENCE augur_data.repo_groups_repo_group_id_seq START 25430;
CREATE TABLE augur_data.repo_groups (
    repo_group_id bigint PRIMARY KEY DEFAULT nextval('augur_data.repo_groups_repo_group_id_seq'),
    rg_name varchar NOT NULL,
    rg_description varchar DEFAULT 'NULL',
    rg_website varchar(128) DEFAULT 'NULL',
    rg_recache smallint DEFAULT 1,
    rg_last_modified timestamp(0) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    rg_type varchar,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP
);

CREATE SEQUENCE augur_data.repo_repo_id_seq START 25480;
CREATE TABLE augur_data.repo (
    repo_id bigint PRIMARY KEY DEFAULT nextval('augur_data.repo_repo_id_seq'),
    repo_group_id bigint NOT NULL REFERENCES augur_data.repo_groups (repo_group_id),
    repo_git varchar NOT NULL CONSTRAINT "repo_git-unique" UNIQUE,
    repo_path varchar DEFAULT 'NULL',
    repo_name varchar DEFAULT 'NULL',
    repo_added timestamp(0) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    repo_type varchar DEFAULT '',
    url varchar,
    owner_id integer,
    description varchar,
    primary_language varchar,
    created_at varchar,
    forked_from varchar,
    updated_at timestamp(0),
    repo_archived_date_collected timestamptz(0),
    repo_archived integer,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP,
    repo_src_id bigint UNIQUE
);
CREATE INDEX repogitindexrep ON augur_data.repo (repo_git);
CREATE INDEX rggrouponrepoindex ON augur_data.repo (repo_group_id);
CREATE INDEX reponameindexbtree ON augur_data.repo (repo_name);

-- One row per platform identity; cntrb_id is an AugurUUID (platform byte + platform user id).
CREATE TABLE augur_data.contributors (
    cntrb_id uuid PRIMARY KEY,
    cntrb_login varchar,
    cntrb_email varchar,
    cntrb_full_name varchar,
    cntrb_company varchar,
    cntrb_created_at timestamp(0),
    cntrb_type varchar,
    cntrb_fake smallint DEFAULT 0,
    cntrb_deleted smallint DEFAULT 0,
    cntrb_location varchar,
    cntrb_canonical varchar,
    cntrb_last_used timestamp(0) with time zone,
    gh_user_id bigint,
    gh_login varchar,
    gh_url varchar,
    gh_avatar_url varchar,
    gh_type varchar,
    gh_site_admin varchar,
    gl_web_url varchar,
    gl_avatar_url varchar,
    gl_state varchar,
    gl_username varchar,
    gl_full_name varchar,
    gl_id bigint,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP
);

-- Every email seen for a contributor, the canonical one included.
CREATE SEQUENCE augur_data.contributors_aliases_cntrb_alias_id_seq START 25150;
CREATE TABLE augur_data.contributors_aliases (
    cntrb_alias_id bigint PRIMARY KEY DEFAULT nextval('augur_data.contributors_aliases_cntrb_alias_id_seq'),
    cntrb_id uuid NOT NULL REFERENCES augur_data.contributors (cntrb_id) ON DELETE CASCADE,
    canonical_email varchar NOT NULL,
    alias_email varchar NOT NULL UNIQUE,
    cntrb_active smallint DEFAULT 1,
    cntrb_last_modified timestamp(0) DEFAULT CURRENT_TIMESTAMP,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX contributors_aliases_cntrb_id ON augur_data.contributors_aliases (cntrb_id);

-- Email domain -> company, used by facade when it fills cmt_*_affiliation.
CREATE SEQUENCE augur_data.contributor_affiliations_ca_id_seq START 25150;
CREATE TABLE augur_data.contributor_affiliations (
    ca_id bigint PRIMARY KEY DEFAULT nextval('augur_data.contributor_affiliations_ca_id_seq'),
    ca_domain varchar(64) NOT NULL UNIQUE,
    ca_affiliation varchar,
    ca_start_date date DEFAULT '1970-01-01',
    ca_active smallint DEFAULT 1,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP
);

-- One row per (commit x changed file): the hash repeats once per file. cmt_ght_author_id is
-- NULL for emails Augur could not resolve to a contributor.
CREATE SEQUENCE augur_data.commits_cmt_id_seq START 25430;
CREATE TABLE augur_data.commits (
    cmt_id bigint PRIMARY KEY DEFAULT nextval('augur_data.commits_cmt_id_seq'),
    repo_id bigint NOT NULL REFERENCES augur_data.repo (repo_id),
    cmt_commit_hash varchar(80) NOT NULL,
    cmt_author_name varchar NOT NULL,
    cmt_author_raw_email varchar NOT NULL,
    cmt_author_email varchar NOT NULL,
    cmt_author_date varchar(10) NOT NULL,
    cmt_author_affiliation varchar DEFAULT 'NULL',
    cmt_committer_name varchar NOT NULL,
    cmt_committer_raw_email varchar NOT NULL,
    cmt_committer_email varchar NOT NULL,
    cmt_committer_date varchar NOT NULL,
    cmt_committer_affiliation varchar DEFAULT 'NULL',
    cmt_added integer NOT NULL,
    cmt_removed integer NOT NULL,
    cmt_whitespace integer NOT NULL,
    cmt_filename varchar NOT NULL,
    cmt_date_attempted timestamp(0) NOT NULL,
    cmt_ght_committer_id integer,
    cmt_ght_committed_at timestamp(0),
    cmt_committer_timestamp timestamptz(0),
    cmt_author_timestamp timestamptz(0),
    cmt_author_platform_username varchar,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP,
    cmt_ght_author_id uuid REFERENCES augur_data.contributors (cntrb_id)
);
CREATE INDEX repo_id_commit ON augur_data.commits (repo_id, cmt_commit_hash);
CREATE INDEX commits_cmt_ght_author_id ON augur_data.commits (cmt_ght_author_id);
CREATE INDEX author_email_date_name ON augur_data.commits (cmt_author_email, cmt_author_date, cmt_author_name);

-- Issues only in current Augur; old Augur also stored PRs here with pull_request(_id) set to
-- the PR number, which is why readers keep `pull_request IS NULL`. cntrb_id is the closer.
CREATE SEQUENCE augur_data.issue_seq START 31000;
CREATE TABLE augur_data.issues (
    issue_id bigint PRIMARY KEY DEFAULT nextval('augur_data.issue_seq'),
    repo_id bigint REFERENCES augur_data.repo (repo_id),
    pull_request bigint,
    pull_request_id bigint,
    created_at timestamp(0),
    issue_title varchar,
    issue_body varchar,
    comment_count bigint,
    updated_at timestamp(0),
    closed_at timestamp(0),
    issue_url varchar UNIQUE,
    html_url varchar,
    issue_state varchar,
    gh_issue_number bigint,
    gh_issue_id bigint,
    gh_user_id bigint,
    issue_node_id varchar,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP,
    reporter_id uuid REFERENCES augur_data.contributors (cntrb_id),
    cntrb_id uuid REFERENCES augur_data.contributors (cntrb_id),
    UNIQUE (repo_id, gh_issue_id)
);
CREATE INDEX issues_repo_id ON augur_data.issues (repo_id);
CREATE INDEX issues_reporter_id ON augur_data.issues (reporter_id);
CREATE INDEX issues_cntrb_id ON augur_data.issues (cntrb_id);
CREATE INDEX issues_pull_request_id ON augur_data.issues (pull_request_id);

-- platform_id defaults to Augur's GitHub platform (25150) so inserts can omit it.
CREATE SEQUENCE augur_data.issue_events_event_id_seq START 25150;
CREATE TABLE augur_data.issue_events (
    event_id bigint PRIMARY KEY DEFAULT nextval('augur_data.issue_events_event_id_seq'),
    issue_id bigint NOT NULL REFERENCES augur_data.issues (issue_id),
    repo_id bigint REFERENCES augur_data.repo (repo_id),
    action varchar NOT NULL,
    created_at timestamp(0) NOT NULL,
    node_id varchar,
    issue_event_src_id bigint,
    platform_id bigint NOT NULL DEFAULT 25150,
    action_commit_hash varchar,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP,
    cntrb_id uuid REFERENCES augur_data.contributors (cntrb_id),
    UNIQUE (issue_id, issue_event_src_id)
);
CREATE INDEX issue_events_issue_id ON augur_data.issue_events (issue_id);

CREATE SEQUENCE augur_data.pull_requests_pull_request_id_seq START 25150;
CREATE TABLE augur_data.pull_requests (
    pull_request_id bigint PRIMARY KEY DEFAULT nextval('augur_data.pull_requests_pull_request_id_seq'),
    repo_id bigint DEFAULT 0 REFERENCES augur_data.repo (repo_id),
    pr_url varchar UNIQUE,
    pr_src_id bigint,
    pr_src_node_id varchar,
    pr_src_number bigint,
    pr_src_state varchar,
    pr_created_at timestamp(0),
    pr_updated_at timestamp(0),
    pr_closed_at timestamp(0),
    pr_merged_at timestamp(0),
    pr_merge_commit_sha varchar,
    pr_src_author_association varchar,
    pr_html_url varchar,
    pr_src_locked boolean,
    pr_src_title varchar,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP,
    pr_augur_contributor_id uuid REFERENCES augur_data.contributors (cntrb_id),
    UNIQUE (repo_id, pr_src_id)
);
CREATE INDEX pull_requests_repo_id_data_collection_date ON augur_data.pull_requests (repo_id, data_collection_date);
CREATE INDEX pull_requests_pr_src_id_node_id ON augur_data.pull_requests (pr_src_id, pr_src_node_id);

CREATE SEQUENCE augur_data.pull_request_events_pr_event_id_seq START 25150;
CREATE TABLE augur_data.pull_request_events (
    pr_event_id bigint PRIMARY KEY DEFAULT nextval('augur_data.pull_request_events_pr_event_id_seq'),
    pull_request_id bigint NOT NULL REFERENCES augur_data.pull_requests (pull_request_id),
    repo_id bigint REFERENCES augur_data.repo (repo_id),
    action varchar NOT NULL,
    created_at timestamp(0) NOT NULL,
    node_id varchar UNIQUE,
    issue_event_src_id bigint,
    platform_id bigint NOT NULL DEFAULT 25150,
    action_commit_hash varchar,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP,
    cntrb_id uuid REFERENCES augur_data.contributors (cntrb_id),
    UNIQUE (repo_id, issue_event_src_id)
);
CREATE INDEX pull_request_events_pull_request_id ON augur_data.pull_request_events (pull_request_id);

CREATE SEQUENCE augur_data.pull_request_reviews_pr_review_id_seq START 25150;
CREATE TABLE augur_data.pull_request_reviews (
    pr_review_id bigint PRIMARY KEY DEFAULT nextval('augur_data.pull_request_reviews_pr_review_id_seq'),
    pull_request_id bigint NOT NULL REFERENCES augur_data.pull_requests (pull_request_id),
    repo_id bigint REFERENCES augur_data.repo (repo_id),
    pr_review_author_association varchar,
    pr_review_state varchar,
    pr_review_body varchar,
    pr_review_submitted_at timestamp(6),
    pr_review_src_id bigint UNIQUE,
    pr_review_node_id varchar,
    platform_id bigint DEFAULT 25150,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP,
    cntrb_id uuid NOT NULL REFERENCES augur_data.contributors (cntrb_id)
);
CREATE INDEX pull_request_reviews_pull_request_id ON augur_data.pull_request_reviews (pull_request_id);

CREATE SEQUENCE augur_data.pull_request_files_pr_file_id_seq START 25150;
CREATE TABLE augur_data.pull_request_files (
    pr_file_id bigint PRIMARY KEY DEFAULT nextval('augur_data.pull_request_files_pr_file_id_seq'),
    pull_request_id bigint REFERENCES augur_data.pull_requests (pull_request_id),
    repo_id bigint REFERENCES augur_data.repo (repo_id),
    pr_file_additions bigint,
    pr_file_deletions bigint,
    pr_file_path varchar,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (pull_request_id, repo_id, pr_file_path)
);

-- One row per issue, PR or review comment; the *_message_ref tables say which it belongs to.
CREATE SEQUENCE augur_data.message_msg_id_seq START 25150;
CREATE TABLE augur_data.message (
    msg_id bigint PRIMARY KEY DEFAULT nextval('augur_data.message_msg_id_seq'),
    repo_id bigint REFERENCES augur_data.repo (repo_id),
    platform_msg_id bigint,
    msg_text varchar,
    msg_timestamp timestamp(0),
    pltfrm_id bigint NOT NULL DEFAULT 25150,
    platform_node_id varchar,
    msg_sender_email varchar,
    msg_header varchar,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP,
    cntrb_id uuid REFERENCES augur_data.contributors (cntrb_id),
    UNIQUE (platform_msg_id, pltfrm_id)
);

CREATE SEQUENCE augur_data.issue_message_ref_issue_msg_ref_id_seq START 25150;
CREATE TABLE augur_data.issue_message_ref (
    issue_msg_ref_id bigint PRIMARY KEY DEFAULT nextval('augur_data.issue_message_ref_issue_msg_ref_id_seq'),
    issue_id bigint REFERENCES augur_data.issues (issue_id),
    repo_id bigint REFERENCES augur_data.repo (repo_id),
    msg_id bigint REFERENCES augur_data.message (msg_id),
    issue_msg_ref_src_comment_id bigint,
    issue_msg_ref_src_node_id varchar,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (issue_msg_ref_src_comment_id, issue_id)
);
CREATE INDEX issue_message_ref_issue_id ON augur_data.issue_message_ref (issue_id);
CREATE INDEX issue_message_ref_msg_id ON augur_data.issue_message_ref (msg_id);

-- PR conversation comments.
CREATE SEQUENCE augur_data.pull_request_message_ref_pr_msg_ref_id_seq START 25150;
CREATE TABLE augur_data.pull_request_message_ref (
    pr_msg_ref_id bigint PRIMARY KEY DEFAULT nextval('augur_data.pull_request_message_ref_pr_msg_ref_id_seq'),
    pull_request_id bigint REFERENCES augur_data.pull_requests (pull_request_id),
    repo_id bigint REFERENCES augur_data.repo (repo_id),
    msg_id bigint REFERENCES augur_data.message (msg_id),
    pr_message_ref_src_comment_id bigint,
    pr_message_ref_src_node_id varchar,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX pull_request_message_ref_pull_request_id ON augur_data.pull_request_message_ref (pull_request_id);
CREATE INDEX pull_request_message_ref_msg_id ON augur_data.pull_request_message_ref (msg_id);

-- Inline review comments: each belongs to a review.
CREATE SEQUENCE augur_data.pull_request_review_message_ref_pr_review_msg_ref_id_seq START 25150;
CREATE TABLE augur_data.pull_request_review_message_ref (
    pr_review_msg_ref_id bigint PRIMARY KEY
        DEFAULT nextval('augur_data.pull_request_review_message_ref_pr_review_msg_ref_id_seq'),
    pr_review_id bigint NOT NULL REFERENCES augur_data.pull_request_reviews (pr_review_id),
    repo_id bigint REFERENCES augur_data.repo (repo_id),
    msg_id bigint NOT NULL REFERENCES augur_data.message (msg_id),
    pr_review_msg_diff_hunk varchar,
    pr_review_msg_path varchar,
    pr_review_msg_line bigint,
    pr_review_msg_src_id bigint,
    pr_review_msg_position bigint,
    pr_review_msg_side varchar,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX pull_request_review_message_ref_pr_review_id ON augur_data.pull_request_review_message_ref (pr_review_id);

-- Snapshot table: several rows per repo, readers take the latest data_collection_date.
CREATE SEQUENCE augur_data.repo_info_repo_info_id_seq START 25150;
CREATE TABLE augur_data.repo_info (
    repo_info_id bigint PRIMARY KEY DEFAULT nextval('augur_data.repo_info_repo_info_id_seq'),
    repo_id bigint NOT NULL REFERENCES augur_data.repo (repo_id),
    issues_enabled varchar,
    fork_count integer,
    watchers_count integer,
    license varchar,
    stars_count integer,
    code_of_conduct_file varchar,
    security_issue_file varchar,
    security_audit_file varchar,
    commit_count bigint,
    issues_count bigint,
    pull_request_count bigint,
    last_updated timestamp(0),
    pull_requests_enabled boolean,
    default_branch varchar,
    committers_count integer,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX repo_info_repo_id_data_collection_date ON augur_data.repo_info (repo_id, data_collection_date);

CREATE TABLE augur_data.releases (
    release_id char(256) PRIMARY KEY,
    repo_id bigint NOT NULL REFERENCES augur_data.repo (repo_id),
    release_name varchar,
    release_created_at timestamp(6),
    release_published_at timestamp(6),
    release_updated_at timestamp(6),
    release_is_draft boolean,
    release_is_prerelease boolean,
    release_tag_name varchar,
    tag_only boolean,
    release_description varchar,
    release_author varchar,
    release_url varchar,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX releases_repo_id ON augur_data.releases (repo_id);

-- `scc` output: one row per file per analysis run.
CREATE SEQUENCE augur_data.repo_labor_repo_labor_id_seq START 25150;
CREATE TABLE augur_data.repo_labor (
    repo_labor_id bigint PRIMARY KEY DEFAULT nextval('augur_data.repo_labor_repo_labor_id_seq'),
    repo_id bigint REFERENCES augur_data.repo (repo_id),
    rl_analysis_date timestamp(0),
    programming_language varchar,
    file_path varchar,
    file_name varchar,
    total_lines integer,
    code_lines integer,
    comment_lines integer,
    blank_lines integer,
    code_complexity integer,
    repo_clone_date timestamp(0),
    repo_url varchar,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX repo_labor_repo_id_data_collection_date ON augur_data.repo_labor (repo_id, data_collection_date);

-- Snapshot table; the release dates are strings as the libyear tool prints them.
CREATE SEQUENCE augur_data.repo_deps_libyear_repo_deps_libyear_id_seq START 25150;
CREATE TABLE augur_data.repo_deps_libyear (
    repo_deps_libyear_id bigint PRIMARY KEY DEFAULT nextval('augur_data.repo_deps_libyear_repo_deps_libyear_id_seq'),
    repo_id bigint REFERENCES augur_data.repo (repo_id),
    name varchar,
    current_release_date varchar,
    latest_release_date varchar,
    libyear double precision,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX repo_deps_libyear_repo_id ON augur_data.repo_deps_libyear (repo_id, data_collection_date);

-- OpenSSF Scorecard snapshots: one row per check; score is a string ("-1" .. "10").
CREATE SEQUENCE augur_data.repo_deps_scorecard_repo_deps_scorecard_id_seq START 25150;
CREATE TABLE augur_data.repo_deps_scorecard (
    repo_deps_scorecard_id bigint PRIMARY KEY
        DEFAULT nextval('augur_data.repo_deps_scorecard_repo_deps_scorecard_id_seq'),
    repo_id bigint REFERENCES augur_data.repo (repo_id),
    name varchar,
    score varchar,
    scorecard_check_details jsonb,
    tool_source varchar,
    tool_version varchar,
    data_source varchar,
    data_collection_date timestamp(0) DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX repo_deps_scorecard_repo_id ON augur_data.repo_deps_scorecard (repo_id, data_collection_date);

-- Augur's collection bookkeeping, one row per repo: when each collection phase last finished
-- (Augur writes its own clock's time, UTC on its servers). The app reads only the *_last_collected
-- columns, to drop cached results a newer collection made stale.
CREATE SCHEMA IF NOT EXISTS augur_operations;
CREATE TABLE augur_operations.collection_status (
    repo_id bigint PRIMARY KEY REFERENCES augur_data.repo (repo_id),
    core_data_last_collected timestamp,
    core_status varchar NOT NULL DEFAULT 'Pending',
    core_task_id varchar,
    secondary_data_last_collected timestamp,
    secondary_status varchar NOT NULL DEFAULT 'Pending',
    secondary_task_id varchar,
    event_last_collected timestamp,
    facade_status varchar NOT NULL DEFAULT 'Pending',
    facade_data_last_collected timestamp,
    facade_task_id varchar,
    core_weight bigint,
    facade_weight bigint,
    secondary_weight bigint,
    issue_pr_sum bigint,
    commit_sum bigint,
    ml_status varchar NOT NULL DEFAULT 'Pending',
    ml_data_last_collected timestamp,
    ml_task_id varchar,
    ml_weight bigint
);

-- Materialized views. Each has the unique index Augur gives it, so REFRESH ... CONCURRENTLY
-- works, and an index leading on the repo column, since every reader filters by repo.

-- One row per contributor action (commit, issue/PR opened, closed, merged, review, comment), with
-- the contributor's login and repo name. rank 1 is the contributor's latest action in the repo.
-- Naive timestamps are GitHub UTC, so they become timestamptz AT TIME ZONE 'UTC' rather than in
-- whatever session time zone runs the refresh. issue_comment credits the commenter (8Knot's
-- definition; Augur credits the issue opener, augur #3128) and skips comments made at the
-- moment the issue closed.
CREATE MATERIALIZED VIEW augur_data.explorer_contributor_actions AS
SELECT a.cntrb_id, a.created_at, a.repo_id, a.action, r.repo_name, a.login,
       row_number() OVER (PARTITION BY a.cntrb_id, a.repo_id ORDER BY a.created_at DESC) AS rank
FROM (
    SELECT c.cntrb_id, c.created_at, c.repo_id, 'commit'::text AS action, ct.cntrb_login AS login
    FROM (
        SELECT cmt_ght_author_id AS cntrb_id, min(cmt_author_timestamp) AS created_at, repo_id
        FROM augur_data.commits
        GROUP BY repo_id, cmt_commit_hash, cmt_ght_author_id
    ) c
    LEFT JOIN augur_data.contributors ct ON ct.cntrb_id = c.cntrb_id
    UNION ALL
    SELECT i.reporter_id, i.created_at AT TIME ZONE 'UTC', i.repo_id, 'issue_opened', ct.cntrb_login
    FROM augur_data.issues i
    LEFT JOIN augur_data.contributors ct ON ct.cntrb_id = i.reporter_id
    WHERE i.pull_request IS NULL AND i.pull_request_id IS NULL
    UNION ALL
    SELECT e.cntrb_id, e.created_at AT TIME ZONE 'UTC', i.repo_id, 'issue_closed', ct.cntrb_login
    FROM augur_data.issue_events e
    JOIN augur_data.issues i ON i.issue_id = e.issue_id
    LEFT JOIN augur_data.contributors ct ON ct.cntrb_id = e.cntrb_id
    WHERE e.action = 'closed' AND i.pull_request IS NULL AND i.pull_request_id IS NULL
    UNION ALL
    SELECT p.pr_augur_contributor_id, p.pr_created_at AT TIME ZONE 'UTC', p.repo_id, 'pull_request_open',
           ct.cntrb_login
    FROM augur_data.pull_requests p
    LEFT JOIN augur_data.contributors ct ON ct.cntrb_id = p.pr_augur_contributor_id
    UNION ALL
    SELECT e.cntrb_id, e.created_at AT TIME ZONE 'UTC', p.repo_id, 'pull_request_closed', ct.cntrb_login
    FROM augur_data.pull_request_events e
    JOIN augur_data.pull_requests p ON p.pull_request_id = e.pull_request_id
    LEFT JOIN augur_data.contributors ct ON ct.cntrb_id = e.cntrb_id
    WHERE e.action = 'closed' AND p.pr_merged_at IS NULL
    UNION ALL
    SELECT e.cntrb_id, e.created_at AT TIME ZONE 'UTC', p.repo_id, 'pull_request_merged', ct.cntrb_login
    FROM augur_data.pull_request_events e
    JOIN augur_data.pull_requests p ON p.pull_request_id = e.pull_request_id
    LEFT JOIN augur_data.contributors ct ON ct.cntrb_id = e.cntrb_id
    WHERE e.action = 'merged'
    UNION ALL
    SELECT rv.cntrb_id, rv.pr_review_submitted_at AT TIME ZONE 'UTC', p.repo_id,
           'pull_request_review_' || rv.pr_review_state, ct.cntrb_login
    FROM augur_data.pull_request_reviews rv
    JOIN augur_data.pull_requests p ON p.pull_request_id = rv.pull_request_id
    LEFT JOIN augur_data.contributors ct ON ct.cntrb_id = rv.cntrb_id
    UNION ALL
    SELECT m.cntrb_id, m.msg_timestamp AT TIME ZONE 'UTC', p.repo_id, 'pull_request_comment', ct.cntrb_login
    FROM augur_data.message m
    JOIN augur_data.pull_request_message_ref ref ON ref.msg_id = m.msg_id
    JOIN augur_data.pull_requests p ON p.pull_request_id = ref.pull_request_id
    LEFT JOIN augur_data.contributors ct ON ct.cntrb_id = m.cntrb_id
    UNION ALL
    SELECT m.cntrb_id, m.msg_timestamp AT TIME ZONE 'UTC', i.repo_id, 'issue_comment', ct.cntrb_login
    FROM augur_data.message m
    JOIN augur_data.issue_message_ref ref ON ref.msg_id = m.msg_id
    JOIN augur_data.issues i ON i.issue_id = ref.issue_id
    LEFT JOIN augur_data.contributors ct ON ct.cntrb_id = m.cntrb_id
    WHERE i.pull_request IS NULL AND i.pull_request_id IS NULL
      AND i.closed_at IS DISTINCT FROM m.msg_timestamp
) a
JOIN augur_data.repo r ON r.repo_id = a.repo_id;
CREATE UNIQUE INDEX explorer_contributor_actions_unique
    ON augur_data.explorer_contributor_actions (cntrb_id, created_at, repo_id, action, repo_name, login, rank);
CREATE INDEX explorer_contributor_actions_repo_id ON augur_data.explorer_contributor_actions (repo_id);

-- Every issue with each of its assigned/unassigned events (assignee = the person assigned);
-- an issue never assigned has one row with NULL event columns. id is the repo_id.
CREATE MATERIALIZED VIEW augur_data.explorer_issue_assignments AS
SELECT i.issue_id, i.repo_id AS id, i.created_at AS created, i.closed_at AS closed, e.created_at AS assign_date,
       e.action AS assignment_action, e.cntrb_id AS assignee, e.node_id
FROM augur_data.issues i
LEFT JOIN augur_data.issue_events e ON e.issue_id = i.issue_id AND e.action IN ('assigned', 'unassigned');
CREATE UNIQUE INDEX explorer_issue_assignments_unique ON augur_data.explorer_issue_assignments (issue_id, id, node_id);
CREATE INDEX explorer_issue_assignments_id ON augur_data.explorer_issue_assignments (id);

-- The same for pull requests.
CREATE MATERIALIZED VIEW augur_data.explorer_pr_assignments AS
SELECT p.pull_request_id, p.repo_id AS id, p.pr_created_at AS created, p.pr_closed_at AS closed,
       e.created_at AS assign_date, e.action AS assignment_action, e.cntrb_id AS assignee, e.node_id
FROM augur_data.pull_requests p
LEFT JOIN augur_data.pull_request_events e
    ON e.pull_request_id = p.pull_request_id AND e.action IN ('assigned', 'unassigned');
CREATE UNIQUE INDEX explorer_pr_assignments_unique ON augur_data.explorer_pr_assignments (pull_request_id, id, node_id);
CREATE INDEX explorer_pr_assignments_id ON augur_data.explorer_pr_assignments (id);

-- One row per message on a PR (inline review comments and conversation comments), with the PR's
-- author and dates, for first/last response times; a PR without messages has one NULL row.
CREATE MATERIALIZED VIEW augur_data.explorer_pr_response AS
SELECT p.pull_request_id, p.repo_id AS id, p.pr_augur_contributor_id AS cntrb_id, m.msg_timestamp, m.msg_cntrb_id,
       p.pr_created_at, p.pr_closed_at
FROM augur_data.pull_requests p
LEFT JOIN (
    SELECT rv.pull_request_id, msg.msg_timestamp, msg.cntrb_id AS msg_cntrb_id
    FROM augur_data.pull_request_review_message_ref ref
    JOIN augur_data.pull_request_reviews rv ON rv.pr_review_id = ref.pr_review_id
    JOIN augur_data.message msg ON msg.msg_id = ref.msg_id
    UNION
    SELECT ref.pull_request_id, msg.msg_timestamp, msg.cntrb_id
    FROM augur_data.pull_request_message_ref ref
    JOIN augur_data.message msg ON msg.msg_id = ref.msg_id
) m ON m.pull_request_id = p.pull_request_id;
CREATE UNIQUE INDEX explorer_pr_response_unique
    ON augur_data.explorer_pr_response (pull_request_id, id, cntrb_id, msg_cntrb_id, msg_timestamp);
CREATE INDEX explorer_pr_response_id ON augur_data.explorer_pr_response (id);

-- Lines of code and file count per language, from each repo's latest repo_labor run (rows
-- within 5 minutes of the latest data_collection_date). The unique index leads on repo_id.
CREATE MATERIALIZED VIEW augur_data.explorer_repo_languages AS
SELECT l.repo_id, r.repo_git, r.repo_name, l.programming_language, l.code_lines, l.files
FROM (
    SELECT rl.repo_id, rl.programming_language, sum(rl.code_lines) AS code_lines, count(*) AS files
    FROM augur_data.repo_labor rl
    JOIN (
        SELECT repo_id, max(data_collection_date) AS latest FROM augur_data.repo_labor GROUP BY repo_id
    ) run ON run.repo_id = rl.repo_id
    WHERE rl.data_collection_date >= run.latest - interval '5 minutes'
    GROUP BY rl.repo_id, rl.programming_language
) l
JOIN augur_data.repo r ON r.repo_id = l.repo_id;
CREATE UNIQUE INDEX explorer_repo_languages_unique ON augur_data.explorer_repo_languages (repo_id, programming_language);

-- Every repo with its group (org) name: the list the repo/org search starts from. The unique
-- index is on repo_id.
CREATE MATERIALIZED VIEW augur_data.explorer_entry_list AS
SELECT DISTINCT r.repo_git, r.repo_id, r.repo_name, g.rg_name
FROM augur_data.repo r
JOIN augur_data.repo_groups g ON g.repo_group_id = r.repo_group_id;
CREATE UNIQUE INDEX explorer_entry_list_unique ON augur_data.explorer_entry_list (repo_id);

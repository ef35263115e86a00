-- The part of Augur's schema `augur_data` that the app reads, with Augur's own names,
-- types and nullability (see shared/reference/augur.md).

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

-- One row per (commit x changed file): the hash repeats once per file.
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
    cmt_ght_author_id uuid
);
CREATE INDEX repo_id_commit ON augur_data.commits (repo_id, cmt_commit_hash);
CREATE INDEX commits_cmt_ght_author_id ON augur_data.commits (cmt_ght_author_id);
CREATE INDEX author_email_date_name ON augur_data.commits (cmt_author_email, cmt_author_date, cmt_author_name);

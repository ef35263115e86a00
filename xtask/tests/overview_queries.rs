//! The Repo Overview's queries against hand-built snapshots: each picks the latest
//! collection its own way (an scc run spread over minutes, a libyear collection, each
//! scorecard check's latest row, the latest repo_info row) and leaves out what it must
//! (other repos, drafts, older runs). Run from sessions in two time zones: snapshot dates are
//! naive UTC, so the rows must not change.

use chrono::NaiveDateTime;
use explorer::augur::queries::{
    DependencyRow, LanguageRow, PackageVersions, QueryRow, RepoInfo, RepoInfoRow, RepoLanguages, Scorecard,
    ScorecardRow, NO_TIME,
};
use explorer::{store::codec::Frame, Query, RepoSet};
use sqlx::{postgres::PgPoolOptions, Executor};
use testkit::TestDb;

fn t(utc: &str) -> i64 {
    NaiveDateTime::parse_from_str(utc, "%Y-%m-%d %H:%M:%S").unwrap().and_utc().timestamp()
}

async fn sql(db: &mut TestDb, sql: &str) {
    sqlx::raw_sql(sql).execute(&mut db.conn).await.unwrap_or_else(|e| panic!("{e}\n{sql}"));
}

/// Repos 10 and 11 are selected, 12 never is.
async fn with_repos() -> TestDb {
    let mut db = TestDb::new().await;
    sql(
        &mut db,
        "INSERT INTO augur_data.repo_groups (repo_group_id, rg_name) VALUES (1, 'chaoss');
         INSERT INTO augur_data.repo (repo_id, repo_group_id, repo_git, repo_name) VALUES
           (10, 1, 'https://github.com/chaoss/augur', 'augur'),
           (11, 1, 'https://github.com/chaoss/8knot', '8knot'),
           (12, 1, 'https://github.com/chaoss/other', 'other');",
    )
    .await;
    db
}

/// `query` for repos 10 and 11, the same from a session in UTC and one in UTC-8.
async fn run(db: &TestDb, query: Query) -> Frame {
    let repos = RepoSet::new([10, 11]).unwrap();
    let mut frames = Vec::new();
    for zone in ["UTC", "America/Los_Angeles"] {
        let pool = PgPoolOptions::new()
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    conn.execute(format!("SET TimeZone = '{zone}'").as_str()).await?;
                    Ok(())
                })
            })
            .connect(&db.url())
            .await
            .unwrap();
        frames.push(query.run(&pool, &repos).await.unwrap());
        pool.close().await;
    }
    assert_eq!(frames[0], frames[1], "{query:?} depends on the session time zone");
    frames.remove(0)
}

#[tokio::test]
async fn languages_come_from_each_repos_latest_scc_run_only() {
    let mut db = with_repos().await;
    sql(
        &mut db,
        "INSERT INTO augur_data.repo_labor (repo_id, programming_language, file_name, code_lines, data_collection_date) VALUES
           -- repo 10's old run had Perl; its latest run is written over three minutes.
           (10, 'Perl', 'a.pl', 50, '2024-01-01 10:00:00'),
           (10, 'Rust', 'a.rs', 100, '2024-03-01 10:00:00'),
           (10, 'Rust', 'b.rs', 20, '2024-03-01 10:03:00'),
           (10, 'Markdown', 'README.md', 0, '2024-03-01 10:01:30'),
           (10, NULL, 'LICENSE', NULL, '2024-03-01 10:02:00'),
           (11, 'Go', 'main.go', 70, '2024-02-01 00:00:00'),
           (12, 'C', 'x.c', 900, '2024-03-01 10:00:00');",
    )
    .await;
    xtask::schema::refresh_views(&mut db.conn).await.unwrap();
    let rows = LanguageRow::from_frame(run(&db, Query::of::<RepoLanguages>()).await).unwrap();
    let got: Vec<(i64, &str, i64, i64)> =
        rows.iter().map(|r| (r.repo_id, r.language.as_str(), r.files, r.code_lines)).collect();
    assert_eq!(got, [(10, "Markdown", 1, 0), (10, "Rust", 2, 120), (10, "Unknown", 1, 0), (11, "Go", 1, 70)]);
    db.drop().await;
}

#[tokio::test]
async fn dependencies_come_from_the_latest_collection_with_libyear_as_exact_text() {
    let mut db = with_repos().await;
    sql(
        &mut db,
        "INSERT INTO augur_data.repo_deps_libyear (repo_id, name, libyear, data_collection_date) VALUES
           (10, 'serde', 2.0, '2024-01-01 10:00:00'),
           -- the latest collection, written over a few seconds
           (10, 'serde', 0.5, '2024-03-01 10:00:00'),
           (10, 'tokio', 0, '2024-03-01 10:00:04'),
           (10, 'left-pad', NULL, '2024-03-01 10:00:05'),
           (11, 'react', -0.25, '2024-02-01 00:00:00'),
           (12, 'x', 1, '2024-02-01 00:00:00');",
    )
    .await;
    let rows = DependencyRow::from_frame(run(&db, Query::of::<PackageVersions>()).await).unwrap();
    let got: Vec<(i64, &str, &str)> = rows.iter().map(|r| (r.repo_id, r.name.as_str(), r.libyear.as_str())).collect();
    assert_eq!(got, [(10, "left-pad", ""), (10, "serde", "0.5"), (10, "tokio", "0"), (11, "react", "-0.25")]);
    db.drop().await;
}

#[tokio::test]
async fn each_scorecard_check_is_its_latest_row_even_when_a_run_crosses_a_second() {
    let mut db = with_repos().await;
    sql(
        &mut db,
        "INSERT INTO augur_data.repo_deps_scorecard (repo_id, name, score, data_collection_date) VALUES
           (10, 'Code-Review', '3', '2024-01-01 10:00:00'),
           (10, 'Code-Review', '8', '2024-03-01 09:59:59'),
           (10, 'SAST', '-1', '2024-03-01 10:00:00'),
           (10, 'OSSF_SCORECARD_AGGREGATE_SCORE', ' 6.4 ', '2024-03-01 10:00:00'),
           (11, 'Code-Review', '2', '2024-02-01 00:00:00'),
           (11, NULL, '9', '2024-02-01 00:00:00'),
           (12, 'SAST', '10', '2024-03-01 10:00:00');",
    )
    .await;
    let rows = ScorecardRow::from_frame(run(&db, Query::of::<Scorecard>()).await).unwrap();
    let got: Vec<(i64, &str, &str, i64)> =
        rows.iter().map(|r| (r.repo_id, r.check_name.as_str(), r.score.as_str(), r.collected_at)).collect();
    assert_eq!(
        got,
        [
            (10, "Code-Review", "8", t("2024-03-01 09:59:59")),
            (10, "OSSF_SCORECARD_AGGREGATE_SCORE", "6.4", t("2024-03-01 10:00:00")),
            (10, "SAST", "-1", t("2024-03-01 10:00:00")),
            (11, "Code-Review", "2", t("2024-02-01 00:00:00")),
        ]
    );
    db.drop().await;
}

#[tokio::test]
async fn repo_info_is_the_latest_snapshot_with_published_releases_only() {
    let mut db = with_repos().await;
    sql(
        &mut db,
        "INSERT INTO augur_data.repo_info
           (repo_id, license, stars_count, fork_count, watchers_count, issues_enabled, code_of_conduct_file,
            security_issue_file, data_collection_date) VALUES
           (10, 'GPL-2.0', 5, 1, 1, 'true', NULL, NULL, '2024-01-01 10:00:00'),
           (10, 'MIT', 50, NULL, 4, 'False', 'CODE_OF_CONDUCT.md', NULL, '2024-03-01 10:00:00'),
           (12, 'MIT', 1, 1, 1, 'true', NULL, NULL, '2024-03-01 10:00:00');
         INSERT INTO augur_data.releases (release_id, repo_id, release_published_at, release_is_draft) VALUES
           ('r1', 10, '2024-01-01 00:00:00', false),
           ('r2', 10, '2024-01-21 12:00:00', false),
           ('r3', 10, NULL, true),
           ('r4', 10, '2024-02-01 00:00:00', true),
           -- repo 11: releases, no snapshot
           ('r5', 11, '2024-02-10 08:00:00', NULL),
           ('r6', 12, '2024-02-10 08:00:00', false);",
    )
    .await;
    let rows = RepoInfoRow::from_frame(run(&db, Query::of::<RepoInfo>()).await).unwrap();
    assert_eq!(rows.len(), 2);
    let (augur, knot) = (&rows[0], &rows[1]);
    assert_eq!((augur.repo_id, augur.has_snapshot, augur.license.as_str()), (10, true, "MIT"));
    assert_eq!((augur.stars, augur.forks, augur.watchers), (50, -1, 4));
    assert_eq!((augur.issues_enabled.as_str(), augur.code_of_conduct_file.as_str()), ("false", "CODE_OF_CONDUCT.md"));
    assert_eq!(augur.security_issue_file, "");
    assert_eq!(augur.collected_at, t("2024-03-01 10:00:00"));
    assert_eq!(
        (augur.releases, augur.first_release, augur.last_release),
        (2, t("2024-01-01 00:00:00"), t("2024-01-21 12:00:00"))
    );
    assert_eq!((knot.repo_id, knot.has_snapshot, knot.collected_at), (11, false, NO_TIME));
    assert_eq!((knot.releases, knot.last_release), (1, t("2024-02-10 08:00:00")));
    db.drop().await;
}

//! The tables and `explorer_*` materialized views of Augur's `augur_data` schema that the
//! app reads, with Augur's names and types: what `cargo xtask seed` loads into and what each
//! integration test's database starts with.

use sqlx::PgConnection;

const DDL: &str = include_str!("schema.sql");

/// Whether the database already holds an `augur_data` schema with tables in it.
pub async fn has_augur_data(conn: &mut PgConnection) -> sqlx::Result<bool> {
    sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = 'augur_data')",
    )
    .fetch_one(conn)
    .await
}

/// Creates the Augur tables the app reads. The schema must not exist yet.
pub async fn create(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::raw_sql(DDL).execute(conn).await?;
    Ok(())
}

/// Drops the whole `augur_data` schema: only ever called when told `--replace`.
pub async fn drop(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::raw_sql("DROP SCHEMA IF EXISTS augur_data CASCADE").execute(conn).await?;
    Ok(())
}

/// The materialized views the app reads, in the order they can be refreshed.
pub const VIEWS: [&str; 6] = [
    "explorer_contributor_actions",
    "explorer_issue_assignments",
    "explorer_pr_assignments",
    "explorer_pr_response",
    "explorer_repo_languages",
    "explorer_entry_list",
];

/// Refreshes every view (as Augur's scheduled task does) and returns their row counts.
pub async fn refresh_views(conn: &mut PgConnection) -> sqlx::Result<Vec<(&'static str, u64)>> {
    let mut counts = Vec::new();
    for view in VIEWS {
        sqlx::raw_sql(&format!("REFRESH MATERIALIZED VIEW augur_data.{view}")).execute(&mut *conn).await?;
        let rows: i64 =
            sqlx::query_scalar(&format!("SELECT count(*) FROM augur_data.{view}")).fetch_one(&mut *conn).await?;
        counts.push((view, rows as u64));
    }
    Ok(counts)
}

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

/// Drops the `augur_data` and `augur_operations` schemas: only ever called when told `--replace`.
pub async fn drop(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::raw_sql("DROP SCHEMA IF EXISTS augur_operations CASCADE; DROP SCHEMA IF EXISTS augur_data CASCADE")
        .execute(conn)
        .await?;
    Ok(())
}

/// The role the app connects as in the demo and the tests: it may read Augur and nothing else.
pub const READER_ROLE: &str = "augur_explorer_reader";

/// Creates [`READER_ROLE`] if the server has none (roles are server-wide) and lets it read
/// this database's `augur_data` and Augur's collection status (where the database has
/// it), nothing more: no other
/// schema, no writes, and read-only transactions by default as a second guard. Safe to
/// run from many databases at once.
pub async fn grant_reader(conn: &mut PgConnection) -> sqlx::Result<()> {
    let role = READER_ROLE;
    let sql = format!(
        "DO $$ BEGIN
           CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
           ALTER ROLE {role} SET default_transaction_read_only = on;
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
         END $$;
         GRANT USAGE ON SCHEMA augur_data TO {role};
         GRANT SELECT ON ALL TABLES IN SCHEMA augur_data TO {role};
         DO $$ BEGIN
           IF to_regclass('augur_operations.collection_status') IS NOT NULL THEN
             GRANT USAGE ON SCHEMA augur_operations TO {role};
             GRANT SELECT (repo_id, core_data_last_collected, secondary_data_last_collected,
                           facade_data_last_collected, ml_data_last_collected)
               ON augur_operations.collection_status TO {role};
           END IF;
         END $$;"
    );
    sqlx::raw_sql(&sql).execute(conn).await?;
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

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

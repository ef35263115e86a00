use std::time::Duration;

use sqlx::{postgres::PgPoolOptions, Executor, PgPool};

/// A read-only pool on Augur whose statements stop at `statement_timeout`. It connects
/// lazily, so a binary starts (and reports the problem per request) while Augur is down.
pub fn augur_pool(url: &str, max_connections: u32, statement_timeout: Duration) -> Result<PgPool, sqlx::Error> {
    let timeout_ms = statement_timeout.as_millis();
    PgPoolOptions::new()
        .max_connections(max_connections)
        // An unreachable Augur fails an attempt within seconds; the job's retries take over.
        .acquire_timeout(Duration::from_secs(3))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                // The app never writes to Augur; a read-only session makes that a guarantee.
                conn.execute(
                    format!(
                        "SET statement_timeout = {timeout_ms}; \
                         SET default_transaction_read_only = on; \
                         SET application_name = 'augur-explorer'"
                    )
                    .as_str(),
                )
                .await?;
                Ok(())
            })
        })
        .connect_lazy(url)
}

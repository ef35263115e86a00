//! Shared by the xtask integration tests: a fresh database per test on the server
//! that scripts/test.sh starts.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{postgres::PgConnectOptions, ConnectOptions, Connection, PgConnection};

/// A fresh database with the schema created in it, dropped when the test is done with it.
pub struct TestDb {
    admin: PgConnectOptions,
    name: String,
    pub conn: PgConnection,
}

impl TestDb {
    pub async fn new() -> TestDb {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let url = std::env::var("TEST_DATABASE_URL")
            .unwrap_or_else(|_| panic!("TEST_DATABASE_URL is not set: run the tests with scripts/test.sh"));
        let admin: PgConnectOptions =
            url.parse().unwrap_or_else(|e| panic!("TEST_DATABASE_URL is not a PostgreSQL URL: {e}"));
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let name = format!("test_xtask_{}_{}_{nanos:x}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let mut server = admin.connect().await.expect("connect to the test PostgreSQL");
        sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut server).await.unwrap();
        server.close().await.unwrap();
        let mut conn = admin.clone().database(&name).connect().await.unwrap();
        xtask::schema::create(&mut conn).await.expect("create the Augur schema");
        TestDb { admin, name, conn }
    }

    /// Best effort: test.sh also drops leftover `test_` databases.
    pub async fn drop(self) {
        let _ = self.conn.close().await;
        if let Ok(mut server) = self.admin.connect().await {
            let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
                .execute(&mut server)
                .await;
        }
    }
}

//! For integration tests: a fresh Augur-shaped database per test, on the PostgreSQL
//! server that scripts/test.sh starts and names in TEST_DATABASE_URL.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{postgres::PgConnectOptions, ConnectOptions, Connection, PgConnection};

/// A fresh database with the schema created in it.
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
        let name = format!("test_{}_{}_{nanos:x}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let mut server = admin.connect().await.expect("connect to the test PostgreSQL");
        sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut server).await.unwrap();
        server.close().await.unwrap();
        let mut conn = admin.clone().database(&name).connect().await.unwrap();
        crate::schema::create(&mut conn).await.expect("create the Augur schema");
        TestDb { admin, name, conn }
    }

    /// The database's URL, for the settings of the binaries under test.
    pub fn url(&self) -> String {
        self.admin.clone().database(&self.name).to_url_lossy().to_string()
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

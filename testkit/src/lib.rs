//! For integration tests: a fresh Augur-shaped database and a Redis key prefix per test,
//! on the PostgreSQL and Redis that scripts/test.sh starts and names in TEST_DATABASE_URL
//! and TEST_REDIS_URL. Both are removed by an explicit `drop().await` at the end of a
//! test (Drop cannot be async); what a failed test leaves, scripts/test.sh clears next run.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{postgres::PgConnectOptions, ConnectOptions, Connection, PgConnection};

/// The value of a variable scripts/test.sh sets, or a panic that says so.
pub fn required_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the tests with scripts/test.sh, which starts PostgreSQL and Redis and sets it")
    })
}

/// A name no other test, run or process uses: `label`, the process id, a counter and
/// the clock's nanoseconds.
pub fn unique(label: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{label}_{}_{}_{nanos:x}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A fresh database (named `test_...`) with Augur's schema created in it, readable by
/// the read-only role.
pub struct TestDb {
    admin: PgConnectOptions,
    name: String,
    pub conn: PgConnection,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let url = required_env("TEST_DATABASE_URL");
        let admin: PgConnectOptions =
            url.parse().unwrap_or_else(|e| panic!("TEST_DATABASE_URL is not a PostgreSQL URL: {e}"));
        let name = unique("test");
        let mut server = admin.connect().await.expect("connect to the test PostgreSQL");
        sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut server).await.unwrap();
        server.close().await.unwrap();
        let mut conn = admin.clone().database(&name).connect().await.unwrap();
        augur_schema::create(&mut conn).await.expect("create the Augur schema");
        augur_schema::grant_reader(&mut conn).await.expect("grant the read-only role");
        TestDb { admin, name, conn }
    }

    /// The database's URL as its owner, for the tests that load data into it.
    pub fn url(&self) -> String {
        self.admin.clone().database(&self.name).to_url_lossy().to_string()
    }

    /// The database's URL as the read-only role, for the code under test: the app connects
    /// with no more than it needs, as operators are told to run it.
    pub fn reader_url(&self) -> String {
        self.admin.clone().database(&self.name).username(augur_schema::READER_ROLE).to_url_lossy().to_string()
    }

    /// Drops the database, ending any session still on it. Best effort.
    pub async fn drop(self) {
        let _ = self.conn.close().await;
        if let Ok(mut server) = self.admin.connect().await {
            let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
                .execute(&mut server)
                .await;
        }
    }
}

/// A Redis key prefix of one test's own on the test Redis, so tests never see each
/// other's cache, statuses or queue.
pub struct TestRedis {
    pub url: String,
    pub prefix: String,
}

impl TestRedis {
    /// A new prefix, `label_<unique>:`.
    pub fn new(label: &str) -> TestRedis {
        TestRedis { url: required_env("TEST_REDIS_URL"), prefix: format!("{}:", unique(label)) }
    }

    /// Deletes every key under the prefix, the job queue's (`{prefix...}:...`, a Redis
    /// Cluster hash tag) included. Best effort; returns how many keys went.
    pub async fn drop(self) -> u64 {
        let Ok(client) = redis::Client::open(self.url.as_str()) else { return 0 };
        let Ok(mut conn) = client.get_multiplexed_async_connection().await else { return 0 };
        let prefix = explorer::store::escape_glob(&self.prefix);
        let mut deleted = 0;
        for pattern in [format!("{prefix}*"), format!("{{{prefix}*")] {
            let mut cursor = 0u64;
            loop {
                let Ok((next, keys)): Result<(u64, Vec<String>), _> = redis::cmd("SCAN")
                    .arg(cursor)
                    .arg("MATCH")
                    .arg(&pattern)
                    .arg("COUNT")
                    .arg(1000)
                    .query_async(&mut conn)
                    .await
                else {
                    return deleted;
                };
                if !keys.is_empty() {
                    deleted += redis::cmd("UNLINK").arg(&keys).query_async::<u64>(&mut conn).await.unwrap_or(0);
                }
                if next == 0 {
                    break;
                }
                cursor = next;
            }
        }
        deleted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_names_differ_within_a_process() {
        assert_ne!(unique("t"), unique("t"));
    }
}

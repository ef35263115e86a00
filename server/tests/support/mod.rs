//! Starts the real web server and worker in-process against the Redis and PostgreSQL
//! that scripts/test.sh started, each test with its own database and Redis key prefix.

#![allow(dead_code)] // each test file uses a different part of this

use std::time::{Duration, Instant};

use explorer::{store::JobStatus, Cache, ResultKey, Settings};
use reqwest::StatusCode;
use sqlx::{Connection, PgConnection};
use testkit::{TestDb, TestRedis};
use tokio::{sync::oneshot, task::JoinHandle};

/// One test's world: an empty Augur-shaped database, a key prefix, settings naming them,
/// and a worker the test drives job by job.
pub struct TestEnv {
    pub settings: Settings,
    pub cache: Cache,
    /// The base URL of the last started server's internal address (/metrics and probes).
    pub metrics_url: Option<String>,
    worker: worker::Worker,
    database: TestDb,
    redis: TestRedis,
    /// What `start_server` and `start_worker` started, and how to stop each.
    running: Vec<(oneshot::Sender<()>, JoinHandle<()>)>,
}

impl TestEnv {
    pub async fn new() -> TestEnv {
        Self::with(|_| None).await
    }

    /// `overrides` sets environment-style settings, e.g. CACHE_TTL_SECS; they win over the test's own.
    pub async fn with(overrides: impl Fn(&str) -> Option<String>) -> TestEnv {
        let database = TestDb::new().await;
        let redis = TestRedis::new("t");
        // The app reads as the read-only role; the test loads data as the owner (`db`).
        let database_url = database.reader_url();
        let settings = Settings::from_lookup(|name| {
            overrides(name).or_else(|| match name {
                "DATABASE_URL" => Some(database_url.clone()),
                "REDIS_URL" => Some(redis.url.clone()),
                "CACHE_KEY_PREFIX" => Some(redis.prefix.clone()),
                // Tests run side by side: each server's internal address on a port of its own.
                "METRICS_ADDR" => Some("127.0.0.1:0".to_owned()),
                // No balancer to wait for: stop accepting at once.
                "WEB_DRAIN_DELAY_SECS" => Some("0".to_owned()),
                _ => None,
            })
        })
        .unwrap();
        let cache = Cache::connect(&settings.redis_url, &settings.key_prefix).unwrap();
        let worker = worker::Worker::build(settings.clone()).unwrap();
        TestEnv { settings, cache, metrics_url: None, worker, database, redis, running: Vec::new() }
    }

    /// A connection as the database's owner, to load data or lock tables.
    pub async fn db(&self) -> PgConnection {
        PgConnection::connect(&self.database.url()).await.unwrap()
    }

    /// The driven worker reads Augur at `database_url` instead (the web tier keeps its own).
    pub fn use_worker_database(&mut self, database_url: String) {
        let settings = Settings { database_url, ..self.settings.clone() };
        self.worker = worker::Worker::build(settings).unwrap();
    }

    /// Starts the web server on a free port and returns its base URL.
    pub async fn start_server(&mut self) -> String {
        let options = leptos::prelude::LeptosOptions::builder()
            .output_name("explorer")
            .site_addr(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
            .build();
        let app = server::Application::build(self.settings.clone(), options).await.unwrap();
        let url = format!("http://127.0.0.1:{}", app.port());
        self.metrics_url = app.metrics_addr().map(|addr| format!("http://{addr}"));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = app
                .run_until(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        self.running.push((stop, task));
        url
    }

    /// Starts a worker in the background as the binary runs it, for tests of what happens
    /// while jobs run (concurrency, outages, probes). Tests of results use `run_one_job`.
    pub fn start_worker(&mut self) {
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn({
            let run = worker::run(self.settings.clone(), async move {
                let _ = stopped.await;
            });
            async move {
                let _ = run.await;
            }
        });
        self.running.push((stop, task));
    }

    /// Runs the next queued job to completion; false when none was queued.
    pub async fn run_one_job(&self) -> bool {
        // Only a background worker taking the job first could keep this waiting.
        let limit = Duration::from_secs(60);
        match tokio::time::timeout(limit, self.worker.run_one()).await {
            Ok(ran) => ran.unwrap(),
            Err(_) => panic!("no job ran within {limit:?}: is a background worker taking them?"),
        }
    }

    /// GETs `url`, and while it answers 202 (pending) runs the queued job and asks again.
    pub async fn get_after_jobs(&self, client: &reqwest::Client, url: &str) -> reqwest::Response {
        // One job answers a selection; one more allows for a failure retried in between.
        for _ in 0..3 {
            let response = client.get(url).send().await.unwrap();
            if response.status() != StatusCode::ACCEPTED {
                return response;
            }
            assert!(self.run_one_job().await, "{url} is pending but no job is queued");
        }
        panic!("{url} still pending after three jobs ran")
    }

    /// Moves a queued job's enqueue time `by` into the past, as if it had waited that long:
    /// how a test lets time pass without waiting for it.
    pub async fn backdate_queued_job(&self, key: &ResultKey, by: Duration) {
        let status = match self.cache.status(key).await.unwrap() {
            Some(JobStatus::Queued { enqueued_at_ms, job }) => {
                JobStatus::Queued { enqueued_at_ms: enqueued_at_ms - by.as_millis() as i64, job }
            }
            other => panic!("no queued job for {key}: {other:?}"),
        };
        self.cache.set_status(key, &status, self.settings.pending_ttl()).await.unwrap();
    }

    pub async fn waiting_jobs(&self) -> u64 {
        explorer::jobs::queue::waiting(&mut self.cache.connection(), &self.settings.key_prefix).await.unwrap()
    }

    /// Stops what the test started, then drops its database and deletes its Redis keys.
    /// Best effort: a failed test skips it, and scripts/test.sh drops leftover databases.
    pub async fn finish(self) {
        for (stop, mut task) in self.running {
            let _ = stop.send(());
            if tokio::time::timeout(Duration::from_secs(5), &mut task).await.is_err() {
                task.abort();
            }
        }
        self.database.drop().await;
        self.redis.drop().await;
    }
}

/// A private redis-server, stopped when dropped: for tests that stop Redis or fill it.
pub struct RedisProcess(std::process::Child);

impl RedisProcess {
    pub fn start(port: u16) -> Self {
        RedisProcess(
            std::process::Command::new("redis-server")
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("start redis-server"),
        )
    }
}

impl Drop for RedisProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// GETs `url` until it answers something other than 202, for at most `limit`: for tests
/// with a background worker.
pub async fn poll_until_done(client: &reqwest::Client, url: &str, limit: Duration) -> reqwest::Response {
    let started = Instant::now();
    loop {
        let response = client.get(url).send().await.unwrap();
        if response.status() != reqwest::StatusCode::ACCEPTED {
            return response;
        }
        assert!(started.elapsed() < limit, "{url} still pending after {limit:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Two repos (10 and 11) whose commits the tests count by hand from the comments below. `commits` holds one row per file.
pub async fn load_commit_fixture(conn: &mut PgConnection) {
    sqlx::raw_sql(
        "INSERT INTO augur_data.repo_groups (repo_group_id, rg_name) VALUES (1, 'chaoss');
         INSERT INTO augur_data.repo (repo_id, repo_group_id, repo_git, repo_name) VALUES
           (10, 1, 'https://github.com/chaoss/augur', 'augur'),
           (11, 1, 'https://github.com/chaoss/augur-fork', 'augur-fork');",
    )
    .execute(&mut *conn)
    .await
    .unwrap();
    // (repo, hash, files, author timestamp as git wrote it)
    let commits: [(i64, &str, usize, &str); 7] = [
        // 23:30 at -08:00 on Jan 31 is Feb 1 in UTC: February. Three files, one commit.
        (10, "aaa1", 3, "2024-01-31 23:30:00-08:00"),
        // January, two files.
        (10, "aaa2", 2, "2024-01-15 10:00:00+00:00"),
        // 05:00 at +05:30 on Feb 10: February.
        (11, "bbb1", 1, "2024-02-10 05:00:00+05:30"),
        // The same commit also in the fork: still one commit.
        (11, "aaa1", 3, "2024-01-31 23:30:00-08:00"),
        // 00:30 at +02:00 on March 1 is Feb 29 22:30 UTC: February.
        (11, "bbb2", 1, "2024-03-01 00:30:00+02:00"),
        // In the future: left out.
        (10, "ccc1", 1, "2099-01-01 00:00:00+00:00"),
        // Augur's placeholder for a missing date: left out.
        (10, "ccc2", 1, "1970-01-01 00:00:15-05:00"),
    ];
    for (repo, hash, files, ts) in commits {
        for file in 0..files {
            sqlx::query(
                "INSERT INTO augur_data.commits (repo_id, cmt_commit_hash, cmt_author_name, cmt_author_raw_email,
                   cmt_author_email, cmt_author_date, cmt_committer_name, cmt_committer_raw_email, cmt_committer_email,
                   cmt_committer_date, cmt_added, cmt_removed, cmt_whitespace, cmt_filename, cmt_date_attempted,
                   cmt_author_timestamp, cmt_committer_timestamp)
                 VALUES ($1, $2, 'Ada', 'ada@example.org', 'ada@example.org', left($3, 10), 'Ada', 'ada@example.org',
                   'ada@example.org', left($3, 10), 1, 0, 0, $4, now(), $3::timestamptz, $3::timestamptz)",
            )
            .bind(repo)
            .bind(hash)
            .bind(ts)
            .bind(format!("file{file}.rs"))
            .execute(&mut *conn)
            .await
            .unwrap();
        }
    }
}

//! Workers die (kill -9, lost nodes): their jobs must still finish, on another worker.

use std::{
    process::Stdio,
    time::{Duration, Instant},
};

use charts::{ChartControls, ChartId, ChartReply};
use explorer::augur::queries::Commits;
use explorer::{store::Counter, Cache, ChartService, Query, RepoSet, Settings};
use sqlx::{Connection, PgConnection};
use testkit::{TestDb, TestRedis};
use tokio::{
    io::{AsyncBufReadExt, BufReader, Lines},
    process::{Child, ChildStdout, Command},
};

/// A real worker process, killed when dropped.
struct WorkerProcess {
    child: Child,
    logs: Lines<BufReader<ChildStdout>>,
}

impl WorkerProcess {
    fn start(settings: &Settings) -> Self {
        Self::start_with(settings, &[])
    }

    fn start_with(settings: &Settings, env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_worker"))
            .envs(env.iter().copied())
            .env("DATABASE_URL", &settings.database_url)
            .env("REDIS_URL", &settings.redis_url)
            .env("CACHE_KEY_PREFIX", &settings.key_prefix)
            // Warnings, and the worker's own account of its shutdown.
            .env("RUST_LOG", "warn,worker=info")
            // The logs, read by tests that wait for what the worker says.
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start the worker binary");
        let logs = BufReader::new(child.stdout.take().unwrap()).lines();
        WorkerProcess { child, logs }
    }

    fn terminate(&self) {
        let pid = self.child.id().unwrap().to_string();
        assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    }

    /// Reads the worker's log until a line contains `text`, for at most `limit`.
    async fn log_line(&mut self, text: &str, limit: Duration) -> String {
        let found = tokio::time::timeout(limit, async {
            while let Some(line) = self.logs.next_line().await.unwrap() {
                if line.contains(text) {
                    return Some(line);
                }
            }
            None
        });
        match found.await {
            Ok(Some(line)) => line,
            Ok(None) => panic!("the worker ended without logging {text:?}"),
            Err(_) => panic!("the worker did not log {text:?} within {limit:?}"),
        }
    }

    /// Waits for the process to end by itself, for at most `limit`.
    async fn exit_status(&mut self, limit: Duration) -> std::process::ExitStatus {
        match tokio::time::timeout(limit, self.child.wait()).await {
            Ok(status) => status.unwrap(),
            Err(_) => panic!("the worker did not stop within {limit:?}"),
        }
    }

    /// SIGKILL: no chance to hand anything back.
    async fn kill_9(&mut self) {
        self.child.kill().await.unwrap();
    }
}

async fn wait_for(
    service: &ChartService,
    repos: &RepoSet,
    limit: Duration,
    done: impl Fn(&ChartReply) -> bool,
) -> ChartReply {
    let started = Instant::now();
    loop {
        let reply = service
            .chart(
                ChartId::CommitsOverTime,
                repos,
                &ChartControls::default(),
                explorer::web::admission::Client::INTERNAL,
            )
            .await
            .unwrap();
        if done(&reply) {
            return reply;
        }
        assert!(started.elapsed() < limit, "still {reply:?} after {limit:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A database with three commits in repo 10, and the settings and chart service to use it.
async fn setup() -> (TestDb, TestRedis, Settings, Cache, ChartService) {
    let mut db = TestDb::new().await;
    sqlx::raw_sql(
        "INSERT INTO augur_data.repo_groups (repo_group_id, rg_name) VALUES (1, 'chaoss');
         INSERT INTO augur_data.repo (repo_id, repo_group_id, repo_git) VALUES (10, 1, 'https://github.com/chaoss/augur');
         INSERT INTO augur_data.commits (repo_id, cmt_commit_hash, cmt_author_name, cmt_author_raw_email,
           cmt_author_email, cmt_author_date, cmt_committer_name, cmt_committer_raw_email, cmt_committer_email,
           cmt_committer_date, cmt_added, cmt_removed, cmt_whitespace, cmt_filename, cmt_date_attempted,
           cmt_author_timestamp, cmt_committer_timestamp)
         SELECT 10, 'hash' || n, 'Ada', 'a@x.org', 'a@x.org', '2024-05-0' || n, 'Ada', 'a@x.org', 'a@x.org',
           '2024-05-0' || n, 1, 0, 0, 'f.rs', now(), ('2024-05-0' || n || ' 12:00:00+00')::timestamptz,
           ('2024-05-0' || n || ' 12:00:00+00')::timestamptz
         FROM generate_series(1, 3) n;",
    )
    .execute(&mut db.conn)
    .await
    .unwrap();
    let redis = TestRedis::new("crash");
    let database_url = db.reader_url();
    let settings = Settings::from_lookup(|name| match name {
        "DATABASE_URL" => Some(database_url.clone()),
        "REDIS_URL" => Some(redis.url.clone()),
        "CACHE_KEY_PREFIX" => Some(redis.prefix.clone()),
        _ => None,
    })
    .unwrap();
    let cache = Cache::connect(&settings.redis_url, &settings.key_prefix).expect("TEST_REDIS_URL reachable");
    let jobs = explorer::jobs::queue::connect(&settings.redis_url, &settings.key_prefix).unwrap();
    let service = ChartService::new(cache.clone(), jobs, settings.clone());
    (db, redis, settings, cache, service)
}

/// Augur holds a lock on `commits`, so a worker's query waits inside the job until released.
async fn lock_commits(database_url: &str) -> PgConnection {
    let mut augur = PgConnection::connect(database_url).await.unwrap();
    sqlx::raw_sql("BEGIN; LOCK TABLE augur_data.commits IN ACCESS EXCLUSIVE MODE").execute(&mut augur).await.unwrap();
    augur
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_workers_job_is_finished_by_another_worker() {
    let (db, redis, settings, cache, service) = setup().await;
    let repos = RepoSet::new([10]).unwrap();

    // Augur holds a lock on `commits`, so the first worker's query waits inside the job.
    let mut augur = lock_commits(&db.url()).await;
    let mut first = WorkerProcess::start(&settings);
    wait_for(&service, &repos, Duration::from_secs(20), |r| matches!(r, ChartReply::Running { .. })).await;

    first.kill_9().await;
    let _second = WorkerProcess::start(&settings);
    sqlx::raw_sql("ROLLBACK").execute(&mut augur).await.unwrap();

    let ready = wait_for(&service, &repos, Duration::from_secs(60), |r| !r.is_pending()).await;
    let ChartReply::Ready { data, .. } = ready else { panic!("expected the chart, got {ready:?}") };
    assert_eq!(data.series()[0].values, vec![3]);
    assert_eq!(
        cache.counted(Counter::Runs(Query::of::<Commits>())).await.unwrap(),
        2,
        "the killed run and the one that finished"
    );
    db.drop().await;
    redis.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_taking_jobs_and_finishes_the_one_in_flight() {
    let (db, redis, settings, cache, service) = setup().await;
    let repos = RepoSet::new([10]).unwrap();
    let mut augur = lock_commits(&db.url()).await;
    let mut worker = WorkerProcess::start(&settings);
    wait_for(&service, &repos, Duration::from_secs(20), |r| matches!(r, ChartReply::Running { .. })).await;

    worker.terminate();
    worker.log_line("taking no new jobs", Duration::from_secs(10)).await;
    // A job queued after the worker stopped taking jobs is left for other workers.
    let other = RepoSet::new([11]).unwrap();
    service
        .chart(ChartId::CommitsOverTime, &other, &ChartControls::default(), explorer::web::admission::Client::INTERNAL)
        .await
        .unwrap();
    sqlx::raw_sql("ROLLBACK").execute(&mut augur).await.unwrap();

    let status = worker.exit_status(Duration::from_secs(30)).await;
    assert!(status.success(), "{status}");
    let reply = service
        .chart(ChartId::CommitsOverTime, &repos, &ChartControls::default(), explorer::web::admission::Client::INTERNAL)
        .await
        .unwrap();
    assert!(matches!(reply, ChartReply::Ready { .. }), "the in-flight job finished: {reply:?}");
    let reply = service
        .chart(ChartId::CommitsOverTime, &other, &ChartControls::default(), explorer::web::admission::Client::INTERNAL)
        .await
        .unwrap();
    assert!(reply.is_pending(), "the later job waits for another worker: {reply:?}");
    assert_eq!(cache.counted(Counter::Runs(Query::of::<Commits>())).await.unwrap(), 1);
    db.drop().await;
    redis.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_outlasting_the_grace_period_goes_to_another_worker() {
    let (db, redis, settings, cache, service) = setup().await;
    let repos = RepoSet::new([10]).unwrap();
    let mut augur = lock_commits(&db.url()).await;
    let mut worker = WorkerProcess::start_with(&settings, &[("WORKER_SHUTDOWN_GRACE_SECS", "1")]);
    wait_for(&service, &repos, Duration::from_secs(20), |r| matches!(r, ChartReply::Running { .. })).await;

    worker.terminate();
    let status = worker.exit_status(Duration::from_secs(10)).await;
    assert!(status.success(), "{status}");
    let _next = WorkerProcess::start(&settings);
    sqlx::raw_sql("ROLLBACK").execute(&mut augur).await.unwrap();
    let ready = wait_for(&service, &repos, Duration::from_secs(60), |r| !r.is_pending()).await;
    assert!(matches!(ready, ChartReply::Ready { .. }), "{ready:?}");
    assert_eq!(cache.counted(Counter::Runs(Query::of::<Commits>())).await.unwrap(), 2);
    db.drop().await;
    redis.drop().await;
}

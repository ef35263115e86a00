//! Workers die (kill -9, lost nodes): their jobs must still finish, on another worker.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use charts::{ChartControls, ChartId, ChartReply};
use explorer::{cache::Counter, Cache, ChartService, Query, RepoSet, Settings};
use sqlx::{Connection, PgConnection};
use xtask::testdb::TestDb;

/// A real worker process, killed when dropped.
struct WorkerProcess(Child);

impl WorkerProcess {
    fn start(settings: &Settings) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_worker"))
            .env("DATABASE_URL", &settings.database_url)
            .env("REDIS_URL", &settings.redis_url)
            .env("CACHE_KEY_PREFIX", &settings.key_prefix)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("start the worker binary");
        WorkerProcess(child)
    }

    /// SIGKILL: no chance to hand anything back.
    fn kill_9(&mut self) {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
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
        let reply = service.chart(ChartId::CommitsOverTime, repos, &ChartControls::default()).await.unwrap();
        if done(&reply) {
            return reply;
        }
        assert!(started.elapsed() < limit, "still {reply:?} after {limit:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_workers_job_is_finished_by_another_worker() {
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
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let prefix = format!("crash-{}-{nanos}:", std::process::id());
    let database_url = db.url();
    let settings = Settings::from_lookup(|name| match name {
        "DATABASE_URL" => Some(database_url.clone()),
        "REDIS_URL" => std::env::var("TEST_REDIS_URL").ok(),
        "CACHE_KEY_PREFIX" => Some(prefix.clone()),
        _ => None,
    })
    .unwrap();
    let cache = Cache::connect(&settings.redis_url, &settings.key_prefix).expect("TEST_REDIS_URL reachable");
    let jobs = explorer::queue::connect(&settings.redis_url, &settings.key_prefix).unwrap();
    let service = ChartService::new(cache.clone(), jobs, settings.clone());
    let repos = RepoSet::new([10]).unwrap();

    // Augur holds a lock on `commits`, so the first worker's query waits inside the job.
    let mut augur = PgConnection::connect(&database_url).await.unwrap();
    sqlx::raw_sql("BEGIN; LOCK TABLE augur_data.commits IN ACCESS EXCLUSIVE MODE").execute(&mut augur).await.unwrap();
    let mut first = WorkerProcess::start(&settings);
    wait_for(&service, &repos, Duration::from_secs(20), |r| matches!(r, ChartReply::Running { .. })).await;

    first.kill_9();
    let _second = WorkerProcess::start(&settings);
    sqlx::raw_sql("ROLLBACK").execute(&mut augur).await.unwrap();

    let ready = wait_for(&service, &repos, Duration::from_secs(60), |r| !r.is_pending()).await;
    let ChartReply::Ready { data, .. } = ready else { panic!("expected the chart, got {ready:?}") };
    assert_eq!(data.series[0].values, vec![3]);
    assert_eq!(
        cache.counted(Counter::Runs(Query::Commits)).await.unwrap(),
        2,
        "the killed run and the one that finished"
    );
    db.drop().await;
}

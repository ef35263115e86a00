//! What a pending chart reports: its place in the queue, and a job the queue lost is
//! noticed and queued again instead of being polled forever.

mod support;

use explorer::augur::queries::Commits;
use std::{collections::BTreeSet, time::Duration};

use explorer::{jobs::queue::queue_name, store::Counter, Query, RepoSet, ResultKey};
use serde_json::Value;
use support::{load_commit_fixture, TestEnv};

async fn get(client: &reqwest::Client, url: &str) -> Value {
    let response = client.get(url).send().await.unwrap();
    assert_eq!(response.status(), 202, "{url}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn queued_charts_report_their_place_in_line() {
    let mut env = TestEnv::new().await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let urls: Vec<String> = ["10", "11", "10,11"]
        .iter()
        .map(|repos| format!("{base}/api/v1/charts/commits-over-time?repos={repos}"))
        .collect();
    for url in &urls {
        assert_eq!(get(&client, url).await["status"], "queued");
    }
    let mut places = BTreeSet::new();
    for url in &urls {
        let body = get(&client, url).await;
        places.insert(body["position"].as_u64().unwrap_or_else(|| panic!("no position in {body}")));
    }
    assert_eq!(places, BTreeSet::from([1, 2, 3]));
    env.finish().await;
}

#[tokio::test]
async fn a_job_the_queue_lost_is_queued_again() {
    let mut env = TestEnv::new().await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/charts/commits-over-time?repos=10,11");
    assert_eq!(get(&client, &url).await["status"], "queued");
    assert_eq!(env.waiting_jobs().await, 1);

    // Redis loses the queue (a restart without persistence, a careless FLUSH) but not the status.
    let queue = queue_name(&env.settings.key_prefix);
    let mut conn = env.cache.connection();
    redis::cmd("DEL")
        .arg(format!("{queue}:scheduled"))
        .arg(format!("{queue}:active"))
        .arg(format!("{queue}:data"))
        .query_async::<()>(&mut conn)
        .await
        .unwrap();
    assert_eq!(env.waiting_jobs().await, 0);

    // Within the grace period a missing job may still be on its way to the queue.
    assert_eq!(get(&client, &url).await["status"], "queued");
    assert_eq!(env.waiting_jobs().await, 0, "not queued again within the grace period");

    // Past it, the job counts as lost.
    let waited = env.settings.push_grace + Duration::from_millis(200);
    let key = ResultKey::new(Query::of::<Commits>(), &RepoSet::new([10, 11]).unwrap());
    env.backdate_queued_job(&key, waited).await;
    let body = get(&client, &url).await;
    assert_eq!(body["status"], "queued");
    let elapsed = Duration::from_millis(body["elapsed_ms"].as_u64().unwrap());
    assert!(elapsed >= waited, "elapsed time counts from the first request: {body}");
    assert_eq!(env.waiting_jobs().await, 1, "queued again");
    assert_eq!(env.cache.counted(Counter::Enqueued(Query::of::<Commits>())).await.unwrap(), 2);

    assert!(env.run_one_job().await);
    assert_eq!(client.get(&url).send().await.unwrap().status(), 200);
    env.finish().await;
}

#[tokio::test]
async fn the_queue_keeps_nothing_of_finished_jobs_after_vacuum() {
    let mut env = TestEnv::new().await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    let client = reqwest::Client::new();
    for repos in ["10", "11"] {
        let url = format!("{base}/api/v1/charts/commits-over-time?repos={repos}");
        assert_eq!(env.get_after_jobs(&client, &url).await.status(), 200);
    }
    let queue = queue_name(&env.settings.key_prefix);
    let mut conn = env.cache.connection();
    let leftovers = |mut conn: redis::aio::ConnectionManager| {
        let queue = queue.clone();
        async move {
            let data: u64 = redis::cmd("HLEN").arg(format!("{queue}:data")).query_async(&mut conn).await.unwrap();
            let done: u64 = redis::cmd("SCARD").arg(format!("{queue}:done")).query_async(&mut conn).await.unwrap();
            let meta: Vec<String> =
                redis::cmd("KEYS").arg(format!("{queue}:meta:*")).query_async(&mut conn).await.unwrap();
            (data, done, meta.len())
        }
    };
    // Each job was recorded as done before its run returned.
    assert_eq!(leftovers(conn.clone()).await, (2, 2, 2), "apalis keeps finished jobs until cleaned");

    // What apalis keeps of a worker gone for two days, of a dead job, and of a queue unused
    // as long; and of a worker alive now.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let long_ago = now - 2 * 24 * 3600;
    let old_queue = format!("{{{}old-deployment}}", env.settings.key_prefix);
    let _: () = redis::pipe()
        .zadd(format!("{queue}:workers"), "gone", long_ago)
        .hset(format!("{queue}:workers:metadata:gone"), "service", "x")
        .zadd(format!("{queue}:workers"), "alive", now)
        .hset(format!("{queue}:workers:metadata:alive"), "service", "x")
        .sadd(format!("{queue}:dead"), "some-job")
        .zadd(explorer::jobs::queue::APALIS_QUEUE_LIST, &old_queue, long_ago)
        .zadd(explorer::jobs::queue::APALIS_QUEUE_LIST, &queue, now)
        .query_async(&mut conn)
        .await
        .unwrap();

    let mut jobs = explorer::jobs::queue::connect(&env.settings.redis_url, &env.settings.key_prefix).unwrap();
    assert_eq!(explorer::jobs::queue::vacuum(&mut jobs).await.unwrap(), 2);
    assert_eq!(leftovers(conn.clone()).await, (0, 0, 0));
    let exists = |key: String| {
        let mut conn = conn.clone();
        async move { redis::cmd("EXISTS").arg(key).query_async::<bool>(&mut conn).await.unwrap() }
    };
    assert!(!exists(format!("{queue}:dead")).await);
    assert!(!exists(format!("{queue}:workers:metadata:gone")).await);
    assert!(exists(format!("{queue}:workers:metadata:alive")).await);
    let score = |member: String| {
        let mut conn = conn.clone();
        async move {
            redis::cmd("ZSCORE")
                .arg(explorer::jobs::queue::APALIS_QUEUE_LIST)
                .arg(member)
                .query_async::<Option<f64>>(&mut conn)
                .await
                .unwrap()
        }
    };
    assert!(score(old_queue).await.is_none(), "a queue unused for days leaves apalis' global list");
    assert!(score(queue.clone()).await.is_some());
    let _: () = redis::cmd("PING").query_async(&mut conn).await.unwrap();
    env.finish().await;
}

#[tokio::test]
async fn a_dropped_wakeup_stream_leaves_no_subscriber_behind() {
    let env = TestEnv::new().await;
    let channel = explorer::jobs::queue::wakeup_channel(&env.settings.key_prefix);
    let subscribers = || {
        let (mut conn, channel) = (env.cache.connection(), channel.clone());
        async move {
            let (_, count): (String, u64) =
                redis::cmd("PUBSUB").arg("NUMSUB").arg(channel).query_async(&mut conn).await.unwrap();
            count
        }
    };
    let until = |want: u64| async move {
        let started = std::time::Instant::now();
        while subscribers().await != want {
            assert!(started.elapsed() < Duration::from_secs(5), "never {want} subscribers");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let wakeups = explorer::jobs::queue::wakeups(&env.settings.redis_url, &env.settings.key_prefix);
    until(1).await;
    // As when the worker's queue restarts: the old stream goes, with no message in between.
    drop(wakeups);
    until(0).await;
    env.finish().await;
}

#[tokio::test]
async fn a_waiter_hears_of_its_job_finishing_at_once_and_of_no_other() {
    let env = TestEnv::new().await;
    let prefix = env.settings.key_prefix.clone();
    let channel = explorer::jobs::finished::finished_channel(&prefix);
    let subscribers = || {
        let (mut conn, channel) = (env.cache.connection(), channel.clone());
        async move {
            let (_, count): (String, u64) =
                redis::cmd("PUBSUB").arg("NUMSUB").arg(channel).query_async(&mut conn).await.unwrap();
            count
        }
    };
    let finished = explorer::jobs::finished::FinishedJobs::listen(&env.settings.redis_url, &prefix);
    let started = std::time::Instant::now();
    while subscribers().await != 1 {
        assert!(started.elapsed() < Duration::from_secs(5), "never subscribed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let key = |repo| ResultKey::new(Query::of::<Commits>(), &RepoSet::new([repo]).unwrap());
    let (mine, other) = (key(1), key(2));
    let mut conn = env.cache.connection();

    // Another chart's job finishing does not end the wait.
    let mut watch = finished.watch();
    explorer::jobs::finished::announce_finished(&mut conn, &prefix, &other).await.unwrap();
    let until = std::time::Instant::now() + Duration::from_millis(300);
    assert!(!watch.finished(&mine, until).await, "woken by another chart's job");
    assert!(std::time::Instant::now() >= until);

    // Its own does, long before the deadline.
    let mut watch = finished.watch();
    let waited = std::time::Instant::now();
    let waiting = tokio::spawn(async move { watch.finished(&key(1), waited + Duration::from_secs(30)).await });
    explorer::jobs::finished::announce_finished(&mut conn, &prefix, &mine).await.unwrap();
    assert!(waiting.await.unwrap(), "the announcement reached the waiter");
    assert!(waited.elapsed() < Duration::from_secs(5), "{:?}", waited.elapsed());

    // The last handle gone, the replica's one subscription goes too.
    drop(finished);
    while subscribers().await != 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "still subscribed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    env.finish().await;
}

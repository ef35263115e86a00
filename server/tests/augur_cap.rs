//! Bounded pressure on Augur: a fleet-wide cap on concurrent queries, across workers.

mod support;

use explorer::augur::queries::Commits;
use std::time::{Duration, Instant};

use explorer::{
    jobs::slots::{self, SlotError, Slots},
    store::{Counter, JobStatus},
    Query, RepoSet, ResultKey,
};
use sqlx::PgConnection;
use support::{load_commit_fixture, poll_until_done, TestEnv};

/// Sessions of the app (its pool names itself) with a statement in PostgreSQL now.
async fn augur_queries(admin: &mut PgConnection) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'augur-explorer' AND state = 'active'",
    )
    .fetch_one(admin)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_more_augur_queries_run_at_once_than_the_cap_allows() {
    let mut env = TestEnv::with(|name| (name == "AUGUR_MAX_QUERIES").then(|| "1".to_owned())).await;
    load_commit_fixture(&mut env.db().await).await;
    let base = env.start_server().await;
    env.start_worker();
    env.start_worker();
    let client = reqwest::Client::new();

    // Augur is slow: a lock holds every query on commits until released.
    let mut augur = env.db().await;
    sqlx::raw_sql("BEGIN; LOCK TABLE augur_data.commits IN ACCESS EXCLUSIVE MODE").execute(&mut augur).await.unwrap();
    let selections = [vec![10], vec![11], vec![10, 11]];
    let urls: Vec<String> = ["10", "11", "10,11"]
        .iter()
        .map(|repos| format!("{base}/api/v1/charts/commits-over-time?repos={repos}"))
        .collect();
    for url in &urls {
        assert_eq!(client.get(url).send().await.unwrap().status(), 202);
    }
    let keys: Vec<ResultKey> = selections
        .iter()
        .map(|ids| ResultKey::new(Query::of::<Commits>(), &RepoSet::new(ids.clone()).unwrap()))
        .collect();

    // All three jobs are taken by the two workers (each takes several at once) and one query
    // waits on the lock inside Augur, yet it is the only one: the others wait for its slot.
    let mut admin = env.db().await;
    let started = Instant::now();
    loop {
        assert!(slots::held(&env.cache).await.unwrap() <= 1);
        assert!(augur_queries(&mut admin).await <= 1, "more than one query reached Augur");
        let mut running = 0;
        for key in &keys {
            running += matches!(env.cache.status(key).await.unwrap(), Some(JobStatus::Running { .. })) as usize;
        }
        if running == 3 && augur_queries(&mut admin).await == 1 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{running} of 3 jobs running");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(slots::held(&env.cache).await.unwrap(), 1);
    assert_eq!(env.cache.counted(Counter::Runs(Query::of::<Commits>())).await.unwrap(), 1, "one query started");
    assert_eq!(augur_queries(&mut admin).await, 1);

    sqlx::raw_sql("ROLLBACK").execute(&mut augur).await.unwrap();
    for url in &urls {
        assert_eq!(poll_until_done(&client, url, Duration::from_secs(30)).await.status(), 200);
    }
    // A slot is given back just after its job's result is cached.
    let released = Instant::now();
    while slots::held(&env.cache).await.unwrap() != 0 {
        assert!(released.elapsed() < Duration::from_secs(5), "slots are released");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(admin);
    env.finish().await;
}

fn terms(cap: u32, lease_ms: u64, wait_ms: u64) -> Slots {
    Slots { cap, lease: Duration::from_millis(lease_ms), wait: Duration::from_millis(wait_ms) }
}

/// Takes `holder`'s lease away, as when it lapsed (a stalled process) and another
/// worker's acquire pruned it.
async fn lapse(env: &TestEnv, holder: &str) {
    let key = format!("{}augur_slots", env.settings.key_prefix);
    let _: () = redis::cmd("ZREM").arg(key).arg(holder).query_async(&mut env.cache.connection()).await.unwrap();
}

#[tokio::test]
async fn waiting_for_a_slot_has_a_deadline() {
    let env = TestEnv::new().await;
    let terms = terms(1, 60_000, 600);
    let _held = terms.acquire(&env.cache, "a".to_owned()).await.unwrap();
    let started = Instant::now();
    let refused = terms.acquire(&env.cache, "b".to_owned()).await.err().expect("no second slot under a cap of 1");
    assert!(matches!(refused, SlotError::Busy(_)), "{refused:?}");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(350) && waited < Duration::from_secs(3), "gave up after {waited:?}");
    assert!(refused.to_string().contains("no Augur query slot came free"), "{refused}");
    env.finish().await;
}

#[tokio::test]
async fn a_lapsed_lease_whose_slot_was_taken_is_lost_and_never_exceeds_the_cap() {
    let env = TestEnv::new().await;
    let terms = terms(1, 300, 5_000);
    let mut first = terms.acquire(&env.cache, "first".to_owned()).await.unwrap();
    lapse(&env, "first").await;
    let _second = terms.acquire(&env.cache, "second".to_owned()).await.unwrap();
    // The first holder's next renewal finds its slot gone and the cap reached.
    tokio::time::timeout(Duration::from_secs(3), first.lost()).await.expect("the first holder learns its slot is lost");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(slots::held(&env.cache).await.unwrap(), 1, "the renewal did not take a second slot");
    env.finish().await;
}

#[tokio::test]
async fn a_lapsed_lease_takes_its_slot_back_while_the_cap_allows() {
    let env = TestEnv::new().await;
    let terms = terms(2, 300, 5_000);
    let mut holder = terms.acquire(&env.cache, "holder".to_owned()).await.unwrap();
    lapse(&env, "holder").await;
    assert_eq!(slots::held(&env.cache).await.unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(slots::held(&env.cache).await.unwrap(), 1, "renewed into a free slot");
    let lost = tokio::time::timeout(Duration::from_millis(500), holder.lost()).await;
    assert!(lost.is_err(), "the slot is still held");
    env.finish().await;
}

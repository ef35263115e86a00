//! The copies on their own, then against the real Redis of TEST_REDIS_URL, each test under
//! a key prefix of its own. Two `LocalCharts` on one Redis stand for two replicas.

use std::{
    sync::atomic::{AtomicU32, Ordering},
    time::{Duration, Instant},
};

use super::*;
use crate::{augur::queries::Commits, Query, RepoSet};

// ---- The copies, without Redis ----

fn copies(capacity: usize) -> Entries {
    Entries::new(capacity)
}

#[test]
fn a_copy_ends_at_its_keys_expiry() {
    let mut entries = copies(1000);
    let now = Instant::now();
    entries.insert("k", "f", "json".into(), Some(now + Duration::from_millis(50)));
    entries.insert("forever", "f", "json".into(), None);
    assert_eq!(entries.get("k", "f", now + Duration::from_millis(49)).as_deref(), Some("json"));
    assert_eq!(entries.get("k", "f", now + Duration::from_millis(50)), None);
    assert_eq!(entries.get("forever", "f", now + Duration::from_secs(86_400)).as_deref(), Some("json"));
    // The expired copy is gone, not just hidden.
    assert_eq!(entries.bytes, "f".len() + "json".len());
    assert_eq!(entries.len, 1);
}

#[test]
fn the_byte_bound_evicts_the_oldest_copies_first() {
    // Each copy is 2 + 8 = 10 bytes.
    let mut entries = copies(30);
    let now = Instant::now();
    for key in ["a", "b", "c"] {
        entries.insert(key, "f1", "12345678".into(), None);
    }
    assert_eq!((entries.bytes, entries.len), (30, 3));
    entries.insert("d", "f1", "12345678".into(), None);
    assert_eq!(entries.get("a", "f1", now), None, "the oldest went");
    assert!(["b", "c", "d"].iter().all(|k| entries.get(k, "f1", now).is_some()));
    assert_eq!((entries.bytes, entries.len), (30, 3));

    // A replaced copy counts from its replacement: "b" is now the newest.
    entries.insert("b", "f1", "87654321".into(), None);
    entries.insert("e", "f1", "12345678".into(), None);
    assert_eq!(entries.get("c", "f1", now), None);
    assert_eq!(entries.get("b", "f1", now).as_deref(), Some("87654321"));
    assert_eq!((entries.bytes, entries.len), (30, 3));

    // One copy larger than the whole bound is not kept, and evicts nothing.
    entries.insert("huge", "f", "x".repeat(30).into(), None);
    assert_eq!(entries.get("huge", "f", now), None);
    assert_eq!((entries.bytes, entries.len), (30, 3));
}

#[test]
fn dropping_keys_frees_their_bytes_and_the_order_stays_compact() {
    let mut entries = copies(1 << 20);
    for round in 0..1_000 {
        entries.insert("k", "f", format!("{round}").into(), None);
        entries.insert("k", "g", "x".into(), None);
        if round % 3 == 1 {
            assert!(entries.remove_key("k"));
        }
    }
    assert!(entries.order.len() <= 2 * entries.len + 64, "{} queued for {}", entries.order.len(), entries.len);
    assert!(!entries.remove_key("absent"));
    assert_eq!(entries.clear(), 1);
    assert_eq!((entries.bytes, entries.len, entries.order.len()), (0, 0, 0));
}

#[tokio::test]
async fn an_invalidation_drops_its_keys_and_a_nil_one_drops_all() {
    // No connection is made: the pushes are handed in as the reader would.
    let local = LocalCharts::build("redis://127.0.0.1:1/", unconnected_cache(), 1 << 20, None).unwrap();
    {
        let mut state = local.shared.lock();
        for key in ["p:chart:{1}", "p:chart:{2}", "p:chart:{3}"] {
            state.entries.insert(key, "f", "json".into(), None);
        }
    }
    let invalidate = |data| PushInfo { kind: PushKind::Invalidate, data };
    let keys = Value::Array(vec![Value::BulkString(b"p:chart:{1}".to_vec()), Value::BulkString(b"other".to_vec())]);
    local.shared.pushed(1, invalidate(vec![keys]));
    let held = |local: &LocalCharts| local.shared.lock().entries.keys.len();
    assert_eq!(held(&local), 2);
    assert_eq!(local.stats().invalidations, 1, "only keys held count");
    let epoch = local.shared.lock().epoch;
    local.shared.pushed(1, invalidate(vec![Value::Nil]));
    assert_eq!(held(&local), 0);
    assert_eq!(local.shared.lock().epoch, epoch + 1);
    assert_eq!(local.stats().invalidations, 3);
}

fn unconnected_cache() -> Cache {
    Cache::connect("redis://127.0.0.1:1/", "p:").unwrap()
}

// ---- Against Redis ----

fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| {
        panic!("TEST_REDIS_URL is not set: run the tests with scripts/test.sh, which starts Redis and sets it")
    })
}

/// A key prefix no other test or run uses; its keys are deleted by [`Prefix::drop`].
struct Prefix(String);

impl Prefix {
    fn new(label: &str) -> Prefix {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        Prefix(format!("local_{label}_{}_{n}_{nanos:x}:", std::process::id()))
    }

    fn cache(&self) -> Cache {
        Cache::connect(&redis_url(), &self.0).unwrap()
    }

    /// A replica's layer, with a cache of its own; no heartbeat, so that only reads use
    /// the tracked connection.
    fn replica(&self, capacity: u64) -> LocalCharts {
        LocalCharts::build(&redis_url(), self.cache(), capacity, None).unwrap()
    }

    async fn drop(self) {
        let mut conn = self.cache().connection();
        let pattern = format!("{}*", crate::store::escape_glob(&self.0));
        let mut cursor = 0u64;
        loop {
            let Ok((next, keys)): Result<(u64, Vec<String>), _> =
                redis::cmd("SCAN").arg(cursor).arg("MATCH").arg(&pattern).query_async(&mut conn).await
            else {
                return;
            };
            if !keys.is_empty() {
                let _ = redis::cmd("UNLINK").arg(keys).query_async::<()>(&mut conn).await;
            }
            if next == 0 {
                return;
            }
            cursor = next;
        }
    }
}

/// A cached result for `repo`, indexed as a job leaves it, with `json` drawn from it under `field`.
async fn drawn(writer: &Cache, repo: i64, field: &str, json: &str) -> ResultKey {
    let query = Query::of::<Commits>();
    let repos = RepoSet::new([repo]).unwrap();
    let key = ResultKey::new(query, &repos);
    let ttl = Duration::from_secs(60);
    writer.put_result(&key, b"result", ttl).await.unwrap();
    writer.index_result(&key, query, repos.ids(), ttl).await.unwrap();
    writer.put_chart_json(&key, field, json).await.unwrap();
    key
}

async fn read(local: &LocalCharts, key: &ResultKey, field: &str) -> Option<String> {
    local.chart_json(key, field).await.unwrap()
}

/// The last command Redis ran for the tracked connection, from another connection.
async fn last_command(writer: &Cache, local: &LocalCharts) -> String {
    let id = local.tracking_id().expect("a tracked connection");
    let line: String =
        redis::cmd("CLIENT").arg("LIST").arg("ID").arg(id).query_async(&mut writer.connection()).await.unwrap();
    let cmd = line.split_whitespace().find_map(|pair| pair.strip_prefix("cmd="));
    cmd.unwrap_or_else(|| panic!("no cmd= in {line:?}")).to_owned()
}

#[tokio::test]
async fn replicas_see_a_change_or_an_invalidation_on_their_next_read() {
    let prefix = Prefix::new("coherent");
    let writer = prefix.cache();
    let (a, b) = (prefix.replica(1 << 20), prefix.replica(1 << 20));
    let key = drawn(&writer, 7, "f", "v1").await;
    for replica in [&a, &b] {
        assert_eq!(read(replica, &key, "f").await.as_deref(), Some("v1"));
        assert_eq!(read(replica, &key, "f").await.as_deref(), Some("v1"));
        assert_eq!(replica.stats(), LocalStats { hits: 1, misses: 1, ..LocalStats::default() });
    }

    // Another replica draws the same result with other controls: the hash changed.
    writer.put_chart_json(&key, "f", "v2").await.unwrap();
    // The write has returned, so Redis has queued each replica's invalidation ahead of the
    // PING's reply, and the reader applies a push before handing on later replies: once
    // `sync` returns, the copies are gone. No sleeping, no polling.
    a.sync().await;
    b.sync().await;
    for replica in [&a, &b] {
        assert_eq!(replica.held_bytes(), 0);
        assert_eq!(read(replica, &key, "f").await.as_deref(), Some("v2"));
        assert_eq!(read(replica, &key, "f").await.as_deref(), Some("v2"));
        assert_eq!(replica.stats(), LocalStats { hits: 2, misses: 2, invalidations: 1, resets: 0 });
    }

    // Augur collected repo 7 anew: the freshness sweep's invalidation drops its drawings.
    assert_eq!(writer.invalidate_repo(7).await.unwrap(), 1);
    a.sync().await;
    b.sync().await;
    for replica in [&a, &b] {
        assert_eq!(read(replica, &key, "f").await, None);
        assert_eq!(replica.stats().invalidations, 2);
        assert_eq!(replica.held_bytes(), 0);
    }

    // Recomputed: the new drawing is read, and kept, again. The replicas' reads of the
    // missing drawing were tracked, so writing it invalidates them; until that push is read,
    // a value read is not kept (the epoch moved while it was in flight), hence the barrier.
    let key = drawn(&writer, 7, "f", "v3").await;
    a.sync().await;
    b.sync().await;
    for replica in [&a, &b] {
        assert_eq!(read(replica, &key, "f").await.as_deref(), Some("v3"));
        assert_eq!(read(replica, &key, "f").await.as_deref(), Some("v3"));
    }
    assert_eq!(a.stats().hits, 3);
    prefix.drop().await;
}

#[tokio::test]
async fn a_local_hit_does_not_reach_redis() {
    let prefix = Prefix::new("hit");
    let writer = prefix.cache();
    let local = prefix.replica(1 << 20);
    let key = drawn(&writer, 8, "f", "json").await;
    assert_eq!(read(&local, &key, "f").await.as_deref(), Some("json"));
    assert_eq!(last_command(&writer, &local).await, "pttl", "a read is HGET then PTTL");
    local.sync().await;
    assert_eq!(last_command(&writer, &local).await, "ping");

    for _ in 0..10 {
        assert_eq!(read(&local, &key, "f").await.as_deref(), Some("json"));
    }
    assert_eq!(last_command(&writer, &local).await, "ping", "no read reached Redis");
    assert_eq!(local.stats(), LocalStats { hits: 10, misses: 1, ..LocalStats::default() });
    prefix.drop().await;
}

#[tokio::test]
async fn a_copy_expires_with_its_key() {
    let prefix = Prefix::new("ttl");
    let writer = prefix.cache();
    let local = prefix.replica(1 << 20);
    let key = ResultKey::new(Query::of::<Commits>(), &RepoSet::new([9]).unwrap());
    let redis_key = writer.chart_json_key(&key);
    redis::pipe()
        .cmd("HSET")
        .arg(&redis_key)
        .arg("f")
        .arg("json")
        .cmd("PEXPIRE")
        .arg(&redis_key)
        .arg(400)
        .query_async::<()>(&mut writer.connection())
        .await
        .unwrap();
    // The key expires at most 400 ms from when PEXPIRE ran, which was before now.
    let latest = Instant::now() + Duration::from_millis(400 + 2);
    assert_eq!(read(&local, &key, "f").await.as_deref(), Some("json"));
    let expires = local.shared.lock().entries.keys.get(redis_key.as_str()).and_then(|c| c.expires);
    let expires = expires.expect("a copy with the key's expiry");
    assert!(expires > Instant::now() && expires <= latest, "{expires:?}");
    // The local clock alone ends the copy, whether or not Redis said anything yet.
    assert_eq!(local.shared.lock().entries.get(&redis_key, "f", expires), None);

    // And through the layer: past the expiry, Redis has no value and neither has the replica.
    assert_eq!(read(&local, &key, "f").await.as_deref(), Some("json"), "read again at once");
    tokio::time::sleep_until((expires + Duration::from_millis(50)).into()).await;
    assert_eq!(read(&local, &key, "f").await, None);
    prefix.drop().await;
}

#[tokio::test]
async fn the_byte_bound_holds_against_redis() {
    let prefix = Prefix::new("bound");
    let writer = prefix.cache();
    let json = "x".repeat(100);
    // Room for two drawings of 1 + 100 bytes, not three.
    let local = prefix.replica(250);
    let mut keys = Vec::new();
    for repo in [11, 12, 13] {
        let key = drawn(&writer, repo, "f", &json).await;
        assert_eq!(read(&local, &key, "f").await.as_deref(), Some(json.as_str()));
        keys.push(key);
    }
    assert_eq!(local.held_bytes(), 202);
    let misses = local.stats().misses;
    read(&local, &keys[2], "f").await;
    read(&local, &keys[1], "f").await;
    assert_eq!(local.stats().misses, misses, "the two newest are held");
    read(&local, &keys[0], "f").await;
    assert_eq!(local.stats().misses, misses + 1, "the oldest was evicted");
    assert!(local.held_bytes() <= 250);
    prefix.drop().await;
}

#[tokio::test]
async fn losing_the_tracked_connection_drops_every_copy() {
    let prefix = Prefix::new("lost");
    let writer = prefix.cache();
    let local = prefix.replica(1 << 20);
    let key = drawn(&writer, 14, "f", "json").await;
    writer.put_chart_json(&key, "g", "other").await.unwrap();
    assert_eq!(read(&local, &key, "f").await.as_deref(), Some("json"));
    let id = local.tracking_id().unwrap();
    let killed: u64 =
        redis::cmd("CLIENT").arg("KILL").arg("ID").arg(id).query_async(&mut writer.connection()).await.unwrap();
    assert_eq!(killed, 1);

    // Whether the reader saw the connection close first or this read's error did, the read
    // is answered (through the cache or a new tracked connection) and the old copies are gone.
    assert_eq!(read(&local, &key, "g").await.as_deref(), Some("other"));
    assert_eq!(local.stats().resets, 1);
    let misses = local.stats().misses;
    assert_eq!(read(&local, &key, "f").await.as_deref(), Some("json"));
    assert_eq!(local.stats().misses, misses + 1, "the copy from before went with the connection");

    // Reads connect again, tracked as before.
    assert_eq!(read(&local, &key, "f").await.as_deref(), Some("json"));
    let new_id = local.tracking_id().expect("connected again");
    assert_ne!(new_id, id);
    writer.put_chart_json(&key, "f", "changed").await.unwrap();
    local.sync().await;
    assert_eq!(read(&local, &key, "f").await.as_deref(), Some("changed"));
    prefix.drop().await;
}

#[tokio::test]
async fn with_redis_unreachable_reads_fail_as_the_cache_does_and_never_hang() {
    let cache = unconnected_cache();
    let local = LocalCharts::build("redis://127.0.0.1:1/", cache, 1 << 20, None).unwrap();
    let key = ResultKey::new(Query::of::<Commits>(), &RepoSet::new([1]).unwrap());
    let started = Instant::now();
    assert!(local.chart_json(&key, "f").await.is_err());
    // The next read within the hold skips the tracked connection altogether.
    assert!(local.chart_json(&key, "f").await.is_err());
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(local.tracking_id(), None);
}

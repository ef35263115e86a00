//! A web replica's own copy of the chart JSON it served, answered from process memory and
//! kept exactly coherent with Redis by server-assisted client-side caching (RESP3
//! `CLIENT TRACKING`).
//!
//! One dedicated connection per replica speaks RESP3 with tracking on: Redis remembers every
//! key that connection read and, when one of them is changed, deleted or expired (or the
//! database flushed), pushes an invalidation on that same connection. The push handler runs
//! inside the connection's reader, before the reader hands on any reply that arrived after
//! the push, and drops the local copies of those keys.
//!
//! What keeps a copy from being served stale:
//! - a copy is kept only of a value read through the tracked connection, so Redis tracks its key;
//! - every invalidation and every loss of the connection bumps an epoch, and a value is kept
//!   only if the epoch is still the one from before its read was sent (checked, and the value
//!   inserted, under the mutex the push handler takes): a value invalidated in flight is not kept;
//! - losing the connection (a disconnection, any error on it, an unanswered heartbeat) drops
//!   every copy, since Redis forgets what a closed connection read;
//! - a copy also ends at its key's own expiry, read along with it (`PTTL`).
//!
//! While the tracked connection is down, reads go to [`Cache`] as they would without this
//! layer; a later read connects again (at most one attempt a second).

use std::{
    collections::{HashMap, VecDeque},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, MutexGuard, Weak,
    },
    time::{Duration, Instant},
};

use redis::{aio::MultiplexedConnection, AsyncConnectionConfig, ProtocolVersion, PushInfo, PushKind, Value};
use tracing::warn;

use super::{Cache, CacheError};
use crate::{metrics::METRICS, ResultKey};

/// The default of `LOCAL_CACHE_BYTES`.
pub const DEFAULT_LOCAL_CACHE_BYTES: u64 = 16 << 20;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// Chart JSON is at most a few hundred KiB: a tracked read slower than this is given up, and
/// the request reads through [`Cache`] instead.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long after a failed attempt to connect reads skip the local layer before trying again.
const RECONNECT_HOLD: Duration = Duration::from_secs(1);
/// How often an idle tracked connection is asked for a PING: a connection lost without a
/// word (a network partition) otherwise shows only at the next local miss, and until then
/// invalidations would not arrive. Staleness is bounded by this plus [`RESPONSE_TIMEOUT`].
const HEARTBEAT: Duration = Duration::from_secs(1);

/// The replica-local layer in front of [`Cache::chart_json`]. Clones share one copy and
/// one tracked connection; the connection closes when the last clone is dropped.
#[derive(Clone)]
pub struct LocalCharts {
    cache: Cache,
    client: redis::Client,
    shared: Arc<Shared>,
}

/// What one [`LocalCharts`] has done since it was made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LocalStats {
    /// Reads answered from process memory.
    pub hits: u64,
    /// Reads that went to Redis.
    pub misses: u64,
    /// Keys whose local copies an invalidation dropped.
    pub invalidations: u64,
    /// Times the tracked connection was lost and every copy dropped.
    pub resets: u64,
}

struct Shared {
    state: Mutex<State>,
    hits: AtomicU64,
    misses: AtomicU64,
    invalidations: AtomicU64,
    resets: AtomicU64,
}

struct State {
    entries: Entries,
    /// Bumped by every invalidation and reset; see the module's notes.
    epoch: u64,
    tracked: Option<Tracked>,
    /// Of the latest connection attempt; pushes and errors name the connection they came from.
    generation: u64,
    connecting: bool,
    retry_at: Option<Instant>,
}

struct Tracked {
    conn: MultiplexedConnection,
    generation: u64,
    /// Redis' `CLIENT ID` of the connection.
    id: i64,
}

impl LocalCharts {
    /// The layer in front of `cache`'s chart JSON, holding up to `capacity` bytes (fields and
    /// values); `None` when `capacity` is zero, the layer turned off. It connects on its first
    /// read; only a malformed URL is an error here. Must be called inside a Tokio runtime,
    /// which runs the heartbeat.
    pub fn new(redis_url: &str, cache: Cache, capacity: u64) -> Result<Option<Self>, CacheError> {
        if capacity == 0 {
            return Ok(None);
        }
        Self::build(redis_url, cache, capacity, Some(HEARTBEAT)).map(Some)
    }

    fn build(redis_url: &str, cache: Cache, capacity: u64, heartbeat: Option<Duration>) -> Result<Self, CacheError> {
        // Push messages (the invalidations) need RESP3, whatever the URL asked for.
        let info = redis::Client::open(redis_url)?.get_connection_info().clone();
        let resp3 = info.redis_settings().clone().set_protocol(ProtocolVersion::RESP3);
        let client = redis::Client::open(info.set_redis_settings(resp3))?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                entries: Entries::new(usize::try_from(capacity).unwrap_or(usize::MAX)),
                epoch: 0,
                tracked: None,
                generation: 0,
                connecting: false,
                retry_at: None,
            }),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            invalidations: AtomicU64::new(0),
            resets: AtomicU64::new(0),
        });
        if let Some(every) = heartbeat {
            tokio::spawn(heartbeat_loop(Arc::downgrade(&shared), every));
        }
        Ok(LocalCharts { cache, client, shared })
    }

    /// [`Cache::chart_json`], from process memory when this replica read it before and Redis
    /// has not said since that it changed. Never fails for the local layer's sake: with the
    /// tracked connection down, this is a plain [`Cache`] read.
    pub async fn chart_json(&self, key: &ResultKey, field: &str) -> Result<Option<String>, CacheError> {
        let redis_key = self.cache.chart_json_key(key);
        if let Some(json) = self.shared.lock().entries.get(&redis_key, field, Instant::now()) {
            self.shared.hits.fetch_add(1, Ordering::Relaxed);
            METRICS.local_cache_hit();
            return Ok(Some(json.to_string()));
        }
        self.shared.misses.fetch_add(1, Ordering::Relaxed);
        METRICS.local_cache_missed();
        let Some((mut conn, generation, epoch)) = self.tracked().await else {
            return self.cache.chart_json(key, field).await;
        };
        let sent = Instant::now();
        let read: Result<(Option<String>, i64), CacheError> = redis::pipe()
            .cmd("HGET")
            .arg(&redis_key)
            .arg(field)
            .cmd("PTTL")
            .arg(&redis_key)
            .query_async(&mut conn)
            .await;
        match read {
            Ok((Some(json), ttl_ms)) => {
                // -1: no expiry; -2 or 0: gone or going, not worth keeping.
                let expires = match ttl_ms {
                    -1 => Some(None),
                    ms if ms > 0 => Some(Some(sent + Duration::from_millis(ms.unsigned_abs()))),
                    _ => None,
                };
                if let Some(expires) = expires {
                    let mut state = self.shared.lock();
                    let current = state.tracked.as_ref().is_some_and(|t| t.generation == generation);
                    if current && state.epoch == epoch {
                        state.entries.insert(&redis_key, field, json.as_str().into(), expires);
                        METRICS.local_cache_held(state.entries.bytes);
                    }
                }
                Ok(Some(json))
            }
            Ok((None, _)) => Ok(None),
            Err(error) => {
                warn!(%error, "the local chart cache lost its tracked connection; reading through the cache");
                self.shared.reset(generation);
                self.cache.chart_json(key, field).await
            }
        }
    }

    /// The tracked connection with its generation and the epoch as of now, connecting if
    /// there is none. `None` while another read connects, or for a while after a failed attempt.
    async fn tracked(&self) -> Option<(MultiplexedConnection, u64, u64)> {
        let generation = {
            let mut state = self.shared.lock();
            if let Some(tracked) = &state.tracked {
                return Some((tracked.conn.clone(), tracked.generation, state.epoch));
            }
            if state.connecting || state.retry_at.is_some_and(|at| Instant::now() < at) {
                return None;
            }
            state.connecting = true;
            state.generation += 1;
            state.generation
        };
        // Clears `connecting` however this ends, a dropped request included.
        let _connecting = Connecting(&self.shared);
        match self.connect(generation).await {
            Ok((conn, id)) => {
                let mut state = self.shared.lock();
                state.retry_at = None;
                state.tracked = Some(Tracked { conn: conn.clone(), generation, id });
                Some((conn, generation, state.epoch))
            }
            Err(error) => {
                warn!(%error, "the local chart cache could not connect; reading through the cache");
                self.shared.lock().retry_at = Some(Instant::now() + RECONNECT_HOLD);
                None
            }
        }
    }

    /// A RESP3 connection whose pushes reach this layer, with tracking on: only once Redis
    /// confirmed tracking is the connection used for reads.
    async fn connect(&self, generation: u64) -> Result<(MultiplexedConnection, i64), CacheError> {
        // Weak: the connection's reader holds this handler, and the shared state holds the
        // connection; a strong reference would keep both alive forever.
        let shared = Arc::downgrade(&self.shared);
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_push_sender(move |push: PushInfo| {
                if let Some(shared) = shared.upgrade() {
                    shared.pushed(generation, push);
                }
                Ok::<(), std::convert::Infallible>(())
            });
        let mut conn = self.client.get_multiplexed_async_connection_with_config(&config).await?;
        let ((), id): ((), i64) = redis::pipe()
            .cmd("CLIENT")
            .arg("TRACKING")
            .arg("ON")
            .cmd("CLIENT")
            .arg("ID")
            .query_async(&mut conn)
            .await?;
        Ok((conn, id))
    }

    /// Returns once every invalidation Redis sent this replica before now has been applied.
    ///
    /// Redis runs commands one at a time: once a write that touches a key this replica read
    /// has returned to its writer, the invalidation is already queued on the tracked
    /// connection, ahead of the reply to any command sent on it later. The connection's
    /// reader handles a push as it reads it, before it hands on the replies behind it, so
    /// the PING's reply comes back only after the invalidation was applied. A lost
    /// connection drops every copy instead.
    pub async fn sync(&self) {
        ping(&self.shared).await;
    }

    pub fn stats(&self) -> LocalStats {
        let shared = &self.shared;
        LocalStats {
            hits: shared.hits.load(Ordering::Relaxed),
            misses: shared.misses.load(Ordering::Relaxed),
            invalidations: shared.invalidations.load(Ordering::Relaxed),
            resets: shared.resets.load(Ordering::Relaxed),
        }
    }

    /// Bytes of the copies held (fields and values).
    pub fn held_bytes(&self) -> usize {
        self.shared.lock().entries.bytes
    }

    /// Redis' `CLIENT ID` of the tracked connection, while there is one.
    pub fn tracking_id(&self) -> Option<i64> {
        self.shared.lock().tracked.as_ref().map(|t| t.id)
    }
}

struct Connecting<'a>(&'a Shared);

impl Drop for Connecting<'_> {
    fn drop(&mut self) {
        self.0.lock().connecting = false;
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(state) => state,
            Err(poisoned) => {
                // A panic mid-update may have left the copies inconsistent: start afresh.
                let mut state = poisoned.into_inner();
                state.entries.clear();
                state.epoch += 1;
                self.state.clear_poison();
                state
            }
        }
    }

    /// A push from the connection of `generation`. It runs in that connection's reader, so
    /// it only takes the mutex, briefly.
    fn pushed(&self, generation: u64, push: PushInfo) {
        match push.kind {
            PushKind::Invalidate => {
                let mut state = self.lock();
                state.epoch += 1;
                let dropped = match push.data.first() {
                    Some(Value::Array(keys)) => keys
                        .iter()
                        .filter(|key| match key {
                            Value::BulkString(bytes) => {
                                std::str::from_utf8(bytes).is_ok_and(|key| state.entries.remove_key(key))
                            }
                            _ => false,
                        })
                        .count(),
                    // Nil after FLUSHALL or FLUSHDB; anything unforeseen is handled the same way.
                    _ => state.entries.clear(),
                };
                METRICS.local_cache_held(state.entries.bytes);
                drop(state);
                self.invalidations.fetch_add(dropped as u64, Ordering::Relaxed);
                METRICS.local_cache_invalidated(dropped as u64);
            }
            PushKind::Disconnection => self.reset(generation),
            _ => {}
        }
    }

    /// Drops every copy and, if it is still the one in use, the connection of `generation`.
    fn reset(&self, generation: u64) {
        let mut state = self.lock();
        state.entries.clear();
        state.epoch += 1;
        METRICS.local_cache_held(0);
        if state.tracked.as_ref().is_some_and(|t| t.generation == generation) {
            state.tracked = None;
            drop(state);
            self.resets.fetch_add(1, Ordering::Relaxed);
            METRICS.local_cache_reset();
        }
    }
}

/// A PING on the tracked connection, if there is one; no answer drops it.
async fn ping(shared: &Shared) {
    let tracked = shared.lock().tracked.as_ref().map(|t| (t.conn.clone(), t.generation));
    let Some((mut conn, generation)) = tracked else { return };
    if let Err(error) = redis::cmd("PING").query_async::<()>(&mut conn).await {
        warn!(%error, "the local chart cache's tracked connection did not answer; dropping its copies");
        shared.reset(generation);
    }
}

async fn heartbeat_loop(shared: Weak<Shared>, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        let Some(shared) = shared.upgrade() else { return };
        ping(&shared).await;
    }
}

/// The copies: Redis key → (field → JSON, the key's expiry), bounded in bytes (fields and
/// values), the oldest copy going first. The order is a queue of insertions; one whose copy
/// was replaced or dropped since is skipped when it comes up, and the queue is compacted
/// once such leftovers outnumber the live copies.
struct Entries {
    capacity: usize,
    keys: HashMap<Arc<str>, KeyCopies>,
    order: VecDeque<(Arc<str>, Arc<str>, u64)>,
    bytes: usize,
    /// Copies held, over all keys.
    len: usize,
    next_stamp: u64,
}

struct KeyCopies {
    expires: Option<Instant>,
    /// JSON, and the stamp of its insertion in the order.
    fields: HashMap<Arc<str>, (Arc<str>, u64)>,
}

impl Entries {
    fn new(capacity: usize) -> Self {
        Entries { capacity, keys: HashMap::new(), order: VecDeque::new(), bytes: 0, len: 0, next_stamp: 0 }
    }

    fn get(&mut self, key: &str, field: &str, now: Instant) -> Option<Arc<str>> {
        let copies = self.keys.get(key)?;
        if copies.expires.is_some_and(|at| at <= now) {
            self.remove_key(key);
            return None;
        }
        copies.fields.get(field).map(|(json, _)| json.clone())
    }

    fn insert(&mut self, key: &str, field: &str, json: Arc<str>, expires: Option<Instant>) {
        let size = field.len() + json.len();
        if size > self.capacity {
            return;
        }
        let stamp = self.next_stamp;
        self.next_stamp += 1;
        let (key, field): (Arc<str>, Arc<str>) = match self.keys.get_key_value(key) {
            Some((shared, _)) => (shared.clone(), field.into()),
            None => (key.into(), field.into()),
        };
        let copies = self.keys.entry(key.clone()).or_insert_with(|| KeyCopies { expires, fields: HashMap::new() });
        copies.expires = expires;
        match copies.fields.insert(field.clone(), (json, stamp)) {
            Some((old, _)) => self.bytes -= field.len() + old.len(),
            None => self.len += 1,
        }
        self.bytes += size;
        self.order.push_back((key, field, stamp));
        while self.bytes > self.capacity {
            let Some((key, field, stamp)) = self.order.pop_front() else { break };
            let Some(copies) = self.keys.get_mut(&key) else { continue };
            if copies.fields.get(&field).is_some_and(|(_, s)| *s == stamp) {
                let (json, _) = copies.fields.remove(&field).expect("just found");
                self.bytes -= field.len() + json.len();
                self.len -= 1;
                if copies.fields.is_empty() {
                    self.keys.remove(&key);
                }
            }
        }
        self.compact();
    }

    /// Drops the copies of one key; whether there were any.
    fn remove_key(&mut self, key: &str) -> bool {
        let Some(copies) = self.keys.remove(key) else { return false };
        for (field, (json, _)) in &copies.fields {
            self.bytes -= field.len() + json.len();
        }
        self.len -= copies.fields.len();
        self.compact();
        true
    }

    /// Drops every copy; returns how many keys had some.
    fn clear(&mut self) -> usize {
        let keys = self.keys.len();
        self.keys.clear();
        self.order.clear();
        self.bytes = 0;
        self.len = 0;
        keys
    }

    fn compact(&mut self) {
        if self.order.len() <= 2 * self.len + 64 {
            return;
        }
        let keys = &self.keys;
        self.order.retain(|(key, field, stamp)| {
            keys.get(key).and_then(|c| c.fields.get(field)).is_some_and(|(_, s)| s == stamp)
        });
    }
}

#[cfg(test)]
mod tests;

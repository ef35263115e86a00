use std::time::Duration;

use apalis_redis::{Config, RedisStorage};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use serde::{Deserialize, Serialize};

use crate::{Query, RepoSet};

const HEARTBEAT: Duration = Duration::from_secs(5);

/// One unit of work: run `query` for `repos` and cache the result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryJob {
    pub query: Query,
    pub repos: RepoSet,
}

pub type JobQueue = RedisStorage<QueryJob>;

/// The apalis queue name. The braces make it a Redis Cluster hash tag, so all of the
/// queue's keys (`{prefix jobs}:active`, `...:data`, ...) live in one slot.
pub fn queue_name(prefix: &str) -> String {
    format!("{{{prefix}jobs}}")
}

/// Opens the job queue on its own connection, lazily like the cache's. apalis' scripts can
/// take longer than the redis client's 500 ms default response timeout under load, and a
/// timed-out fetch stops the worker (apalis-redis issue 76), so this connection waits longer.
pub fn connect(redis_url: &str, prefix: &str) -> Result<JobQueue, redis::RedisError> {
    let client = redis::Client::open(redis_url)?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(1)))
        .set_response_timeout(Some(Duration::from_secs(30)))
        .set_number_of_retries(1);
    let conn = ConnectionManager::new_lazy_with_config(client, config)?;
    Ok(RedisStorage::new(conn).with_config(
        Config::default()
            .queue(queue_name(prefix))
            // A worker that misses three 5 s heartbeats is dead (kill -9, lost node): the
            // others put its in-flight jobs back on the queue after 15 s, not apalis' 5 min.
            .heartbeat_interval(HEARTBEAT)
            .missed_heartbeats(3),
    ))
}

/// Where a job stands in the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Waiting; 1 is next.
    Waiting(u64),
    /// A worker has it.
    Taken,
    /// Not in the queue at all: lost (say, Redis restarted without its data).
    Missing,
}

pub async fn place(conn: &mut ConnectionManager, prefix: &str, job: &str) -> Result<Place, redis::RedisError> {
    let queue = queue_name(prefix);
    let (active_index, active_len, scheduled_rank, known): (Option<u64>, u64, Option<u64>, bool) = redis::pipe()
        .cmd("LPOS")
        .arg(format!("{queue}:active"))
        .arg(job)
        .cmd("LLEN")
        .arg(format!("{queue}:active"))
        .cmd("ZRANK")
        .arg(format!("{queue}:scheduled"))
        .arg(job)
        .cmd("HEXISTS")
        .arg(format!("{queue}:data"))
        .arg(job)
        .query_async(conn)
        .await?;
    // Workers take the active list from its head, then scheduled jobs in run-time order.
    Ok(match (active_index, scheduled_rank, known) {
        (Some(i), _, _) => Place::Waiting(i + 1),
        (None, Some(r), _) => Place::Waiting(active_len + r + 1),
        (None, None, true) => Place::Taken,
        (None, None, false) => Place::Missing,
    })
}

/// How long apalis' record of a worker that stopped beating, or of a queue no worker
/// registered with, is kept.
const FORGET_AFTER: Duration = Duration::from_secs(24 * 3600);

/// apalis lists every queue it has seen under this one key, which it names itself and no
/// setting prefixes: one member per deployment prefix sharing the Redis.
pub const APALIS_QUEUE_LIST: &str = "core:apalis:queues:list";

/// Drops what apalis keeps of finished jobs (their data, metadata and ids, the done and
/// dead sets), which it never expires itself (apalis-redis issue 10), and its records of
/// workers gone a day (each start registers a new name) and of queues unused as long;
/// returns how many jobs were cleaned. Pending and running jobs are left alone.
pub async fn vacuum(queue: &mut JobQueue) -> Result<usize, apalis_redis::Error> {
    use apalis_core::backend::Vacuum;

    let cleaned = queue.vacuum().await?;
    let name = queue_name_of(queue);
    let forgotten_before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .saturating_sub(FORGET_AFTER)
        .as_secs();
    let workers = format!("{name}:workers");
    let conn = queue.get_connection();
    redis::pipe()
        .del(format!("{name}:done"))
        .ignore()
        .del(format!("{name}:dead"))
        .ignore()
        .cmd("ZREMRANGEBYSCORE")
        .arg(&workers)
        .arg("-inf")
        .arg(forgotten_before)
        .ignore()
        .cmd("ZREMRANGEBYSCORE")
        .arg(APALIS_QUEUE_LIST)
        .arg("-inf")
        .arg(forgotten_before)
        .ignore()
        .query_async::<()>(conn)
        .await?;
    // A worker's metadata outlives it: drop that of workers no longer registered.
    let metadata = format!("{name}:workers:metadata:");
    let mut cursor = 0u64;
    loop {
        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(format!("{}*", crate::store::escape_glob(&metadata)))
            .arg("COUNT")
            .arg(500)
            .query_async(conn)
            .await?;
        for key in keys {
            let worker = &key[metadata.len()..];
            let seen: Option<f64> = redis::cmd("ZSCORE").arg(&workers).arg(worker).query_async(conn).await?;
            if seen.is_none() {
                redis::cmd("DEL").arg(&key).query_async::<()>(conn).await?;
            }
        }
        if next == 0 {
            break;
        }
        cursor = next;
    }
    Ok(cleaned)
}

fn queue_name_of(queue: &JobQueue) -> String {
    queue.get_config().queue.as_ref().to_owned()
}

/// Jobs waiting for a worker (queue depth). apalis stamps every job with a run time, so
/// new jobs wait in the scheduled set until a worker moves them to the active list.
pub async fn waiting(conn: &mut ConnectionManager, prefix: &str) -> Result<u64, redis::RedisError> {
    let queue = queue_name(prefix);
    let (active, scheduled): (u64, u64) = redis::pipe()
        .cmd("LLEN")
        .arg(format!("{queue}:active"))
        .cmd("ZCARD")
        .arg(format!("{queue}:scheduled"))
        .query_async(conn)
        .await?;
    Ok(active + scheduled)
}

/// The channel on which the web tier announces new jobs. apalis-redis stamps every job
/// with a run time (so it waits in the scheduled set), and on its own an idle worker
/// fetches again only on its heartbeat: every `HEARTBEAT`, 5 s here (apalis' default is
/// 30 s). An announcement makes idle workers fetch at once.
pub fn wakeup_channel(prefix: &str) -> String {
    format!("{prefix}jobs:wakeup")
}

pub async fn announce(conn: &mut ConnectionManager, prefix: &str) -> Result<(), redis::RedisError> {
    redis::cmd("PUBLISH").arg(wakeup_channel(prefix)).arg(1).query_async(conn).await
}

/// Yields whenever a job is announced. Dropping it ends its subscription at once: a
/// queue that restarts (Redis lost) makes a new one, and must not leave the old one
/// subscribed, idle, until the next announcement happens to reach it.
pub struct Wakeups {
    announced: futures::channel::mpsc::Receiver<()>,
    _stop: futures::channel::oneshot::Sender<()>,
}

impl futures::Stream for Wakeups {
    type Item = ();

    fn poll_next(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<()>> {
        std::pin::Pin::new(&mut self.announced).poll_next(cx)
    }
}

/// A stream that yields whenever a job is announced. It resubscribes after losing Redis.
pub fn wakeups(redis_url: &str, prefix: &str) -> Wakeups {
    use futures::StreamExt;

    let (mut tx, announced) = futures::channel::mpsc::channel(16);
    let (stop, stopped) = futures::channel::oneshot::channel::<()>();
    let url = redis_url.to_owned();
    let channel = wakeup_channel(prefix);
    tokio::spawn(async move {
        let listen = async move {
            loop {
                let subscribed = async {
                    let mut pubsub = redis::Client::open(url.as_str())?.get_async_pubsub().await?;
                    pubsub.subscribe(&channel).await?;
                    Ok::<_, redis::RedisError>(pubsub)
                };
                match subscribed.await {
                    Ok(mut pubsub) => {
                        let mut messages = pubsub.on_message();
                        while messages.next().await.is_some() {
                            // A full channel already holds a wake-up: dropping this one loses nothing.
                            let _ = tx.try_send(());
                        }
                        tracing::warn!("job wake-up subscription lost, resubscribing");
                    }
                    Err(error) => tracing::warn!(%error, "could not subscribe to job wake-ups"),
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        };
        // The stream's end drops the subscription with this task.
        tokio::select! {
            _ = listen => {}
            _ = stopped => {}
        }
    });
    Wakeups { announced, _stop: stop }
}

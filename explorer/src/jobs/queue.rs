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

/// Drops what apalis keeps of finished jobs (their data, metadata and ids), which it
/// never expires itself (apalis-redis issue 10); returns how many jobs were cleaned.
/// Pending and running jobs are left alone.
pub async fn vacuum(queue: &mut JobQueue) -> Result<usize, apalis_redis::Error> {
    use apalis_core::backend::Vacuum;

    let cleaned = queue.vacuum().await?;
    let done = format!("{}:done", queue_name_of(queue));
    redis::cmd("DEL").arg(done).query_async::<()>(queue.get_connection()).await?;
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

/// A stream that yields whenever a job is announced. It resubscribes after losing Redis,
/// and ends when dropped.
pub fn wakeups(redis_url: &str, prefix: &str) -> futures::channel::mpsc::Receiver<()> {
    use futures::StreamExt;

    let (mut tx, rx) = futures::channel::mpsc::channel(16);
    let url = redis_url.to_owned();
    let channel = wakeup_channel(prefix);
    tokio::spawn(async move {
        while !tx.is_closed() {
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
                        if let Err(e) = tx.try_send(()) {
                            if e.is_disconnected() {
                                return;
                            }
                        }
                    }
                    tracing::warn!("job wake-up subscription lost, resubscribing");
                }
                Err(error) => tracing::warn!(%error, "could not subscribe to job wake-ups"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
    rx
}

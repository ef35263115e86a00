//! Workers announce every finished job (result stored, or failed) by its cache key on one
//! Redis channel. A web replica keeps a single subscription to it, so that a request
//! waiting on a pending chart learns at once that it can answer: one Redis connection per
//! replica, however many requests wait.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use futures::StreamExt;
use redis::aio::ConnectionManager;
use tokio::sync::broadcast;

use crate::ResultKey;

pub fn finished_channel(prefix: &str) -> String {
    format!("{prefix}jobs:finished")
}

/// Tells waiting replicas that `key`'s job is over. A lost announcement costs a waiter
/// only its next look (see [`Watch::finished`]), so callers log a failure and go on.
pub async fn announce_finished(conn: &mut ConnectionManager, prefix: &str, key: &ResultKey) -> redis::RedisResult<()> {
    redis::cmd("PUBLISH").arg(finished_channel(prefix)).arg(key.as_str()).query_async(conn).await
}

/// The replica's subscription to finished jobs, shared by its clones. The subscription
/// ends when the last clone is dropped.
#[derive(Clone)]
pub struct FinishedJobs {
    inner: Arc<Inner>,
}

struct Inner {
    announced: broadcast::Sender<Arc<str>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// Announcements a waiter has not read yet; past this many a slow waiter is told it
/// lagged, and looks again.
const BACKLOG: usize = 1024;

impl FinishedJobs {
    /// Subscribes in the background, and again after losing Redis.
    pub fn listen(redis_url: &str, prefix: &str) -> Self {
        let (announced, _) = broadcast::channel(BACKLOG);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (url, channel, sender) = (redis_url.to_owned(), finished_channel(prefix), announced.clone());
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
                            while let Some(message) = messages.next().await {
                                if let Ok(key) = message.get_payload::<String>() {
                                    // No waiter at the moment is no error.
                                    let _ = sender.send(key.into());
                                }
                            }
                            tracing::warn!("finished-jobs subscription lost, resubscribing");
                        }
                        Err(error) => tracing::warn!(%error, "could not subscribe to finished jobs"),
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            };
            tokio::select! {
                _ = listen => {}
                _ = stopped => {}
            }
        });
        FinishedJobs { inner: Arc::new(Inner { announced, _stop: stop }) }
    }

    /// Announcements from now on. Take it before looking at a chart's status, so that a job
    /// finishing between the look and the wait is not missed.
    pub fn watch(&self) -> Watch {
        Watch { announced: self.inner.announced.subscribe() }
    }
}

pub struct Watch {
    announced: broadcast::Receiver<Arc<str>>,
}

/// What a [`Watch`] heard next.
#[derive(Debug, PartialEq, Eq)]
pub enum Heard {
    /// The job of this cache key finished.
    Finished(Arc<str>),
    /// Announcements were missed (the watcher was slow): any job may have finished.
    Missed,
    /// Nothing before the deadline.
    Nothing,
}

impl Watch {
    /// The next announcement, or [`Heard::Nothing`] by `until`. Without a subscription
    /// (Redis lost) nothing is heard, which is why callers look again at their own pace too.
    pub async fn next(&mut self, until: Instant) -> Heard {
        let announced = async {
            match self.announced.recv().await {
                Ok(key) => Heard::Finished(key),
                Err(broadcast::error::RecvError::Lagged(_)) => Heard::Missed,
                // The subscription's task is gone: only the deadline is left.
                Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
            }
        };
        tokio::time::timeout_at(until.into(), announced).await.unwrap_or(Heard::Nothing)
    }

    /// Waits until `key`'s job is announced finished, or `until`. True when it is worth
    /// looking again: the announcement came, or some were missed and it may have been one.
    pub async fn finished(&mut self, key: &ResultKey, until: Instant) -> bool {
        loop {
            match self.next(until).await {
                Heard::Finished(finished) if &*finished == key.as_str() => return true,
                Heard::Finished(_) => {}
                Heard::Missed => return true,
                Heard::Nothing => return false,
            }
        }
    }
}

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use charts::RepoEntry;
use sqlx::PgPool;
use tokio::task::JoinHandle;

use super::SearchIndex;

/// The index the server answers from, swapped whole when a fresh one is built. Clones share
/// it. The lock is held only to clone or swap the `Arc`, never while loading or searching.
#[derive(Clone, Default)]
pub struct LiveIndex {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    current: RwLock<Arc<SearchIndex>>,
    loaded: AtomicBool,
}

impl fmt::Debug for LiveIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveIndex").field("loaded", &self.loaded()).field("current", &self.current()).finish()
    }
}

impl LiveIndex {
    /// An empty index, not yet loaded.
    pub fn new() -> LiveIndex {
        LiveIndex::default()
    }

    /// The index as it is now; it stays usable while a newer one replaces it.
    pub fn current(&self) -> Arc<SearchIndex> {
        self.shared.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub fn replace(&self, index: SearchIndex) {
        let fresh = Arc::new(index);
        let old = std::mem::replace(&mut *self.shared.current.write().unwrap_or_else(PoisonError::into_inner), fresh);
        self.shared.loaded.store(true, Ordering::Release);
        drop(old); // outside the lock: freeing 100,000 repos takes a while
    }

    /// Whether an index was ever loaded (an empty one answers nothing until then).
    pub fn loaded(&self) -> bool {
        self.shared.loaded.load(Ordering::Acquire)
    }

    /// Loads the repository list now, returning once that first load has been tried (a
    /// replica checks selections against the index, so it should start with one), then
    /// keeps it fresh in the background every `every` (at least a second). After a failed
    /// load the next try comes sooner, after a second and doubling up to `every`, so a
    /// replica started during an Augur outage heals soon after Augur is back.
    pub async fn start_refresh(self, db: PgPool, every: Duration) -> JoinHandle<()> {
        let every = every.max(Duration::from_secs(1));
        let mut loaded = self.refresh(crate::augur::list_repos(&db)).await;
        tokio::spawn(async move {
            let mut after_failure = Duration::from_secs(1);
            loop {
                let wait = if loaded { every } else { after_failure };
                tokio::time::sleep(wait).await;
                loaded = self.refresh(crate::augur::list_repos(&db)).await;
                after_failure = if loaded { Duration::from_secs(1) } else { (after_failure * 2).min(every) };
            }
        })
    }

    /// One refresh: awaits the repository list from `load` and swaps in an index built from
    /// it. A failure is logged and the current index kept. Returns whether it was replaced.
    pub(super) async fn refresh(&self, load: impl Future<Output = Result<Vec<RepoEntry>, sqlx::Error>>) -> bool {
        let started = Instant::now();
        let repos = match load.await {
            Ok(repos) => repos,
            Err(error) => {
                tracing::warn!(%error, "could not list the repositories for search; keeping the old index");
                return false;
            }
        };
        let index = match tokio::task::spawn_blocking(move || SearchIndex::new(repos)).await {
            Ok(index) => index,
            Err(error) => {
                tracing::error!(%error, "building the search index failed; keeping the old one");
                return false;
            }
        };
        let (repos, orgs) = (index.len(), index.org_count());
        let changed = !self.loaded() || self.current().len() != repos;
        self.replace(index);
        let ms = started.elapsed().as_millis() as u64;
        if changed {
            tracing::info!(repos, orgs, ms, "search index loaded");
        } else {
            tracing::debug!(repos, orgs, ms, "search index refreshed");
        }
        true
    }
}

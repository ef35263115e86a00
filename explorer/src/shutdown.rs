//! Stopping cleanly: the signal that starts it, and the flag a web replica raises while it
//! drains so that its readiness probe fails before it stops accepting connections.

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};

/// Resolves on Ctrl-C or SIGTERM (what Kubernetes sends before stopping a pod).
pub async fn signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown requested");
}

/// Raised once when a replica starts leaving; shared by its handlers (cheap to clone).
#[derive(Clone, Debug, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    pub fn start(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

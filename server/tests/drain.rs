//! A web replica leaving on SIGTERM: /readyz fails at once, the port stays open for the
//! drain delay, then closes; requests in flight finish, but only within the grace period.
//!
//! The server reaches Redis through a relay the test can hold, so a request is known to be
//! in flight (its Redis command reached the relay) without guessing at timings.

mod support;

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use support::TestEnv;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::{oneshot, Notify},
};

/// A TCP relay to the test Redis that, while held, keeps what the server sends and says so.
#[derive(Clone)]
struct Relay {
    held: Arc<AtomicBool>,
    /// Notified when bytes from the server arrive while held.
    stalled: Arc<Notify>,
    released: Arc<Notify>,
}

impl Relay {
    async fn start(target: String) -> (Relay, u16) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let relay = Relay { held: Arc::default(), stalled: Arc::new(Notify::new()), released: Arc::new(Notify::new()) };
        let accepting = relay.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let upstream = TcpStream::connect(&target).await.unwrap();
                tokio::spawn(accepting.clone().pipe(client, upstream));
            }
        });
        (relay, port)
    }

    async fn pipe(self, client: TcpStream, upstream: TcpStream) {
        let (mut from_client, mut to_client) = client.into_split();
        let (mut from_upstream, mut to_upstream) = upstream.into_split();
        tokio::spawn(async move {
            let _ = tokio::io::copy(&mut from_upstream, &mut to_client).await;
        });
        let mut buffer = vec![0u8; 16 * 1024];
        while let Ok(n @ 1..) = from_client.read(&mut buffer).await {
            while self.held.load(Ordering::SeqCst) {
                let released = self.released.notified();
                self.stalled.notify_one();
                released.await;
            }
            if to_upstream.write_all(&buffer[..n]).await.is_err() {
                return;
            }
        }
    }

    fn hold(&self) {
        self.held.store(true, Ordering::SeqCst);
    }

    fn release(&self) {
        self.held.store(false, Ordering::SeqCst);
        self.released.notify_waiters();
    }
}

struct Replica {
    base: String,
    port: u16,
    stop: oneshot::Sender<()>,
    stopped: tokio::task::JoinHandle<anyhow::Result<()>>,
    relay: Relay,
    env: TestEnv,
}

async fn start_replica(drain_delay_secs: u64, grace_secs: u64) -> Replica {
    let redis = testkit::required_env("TEST_REDIS_URL");
    let target = redis.trim_start_matches("redis://").trim_end_matches('/').to_owned();
    let (relay, relay_port) = Relay::start(target).await;
    let env = TestEnv::with(move |name| match name {
        "REDIS_URL" => Some(format!("redis://127.0.0.1:{relay_port}/")),
        "WEB_DRAIN_DELAY_SECS" => Some(drain_delay_secs.to_string()),
        "WEB_SHUTDOWN_GRACE_SECS" => Some(grace_secs.to_string()),
        _ => None,
    })
    .await;
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("explorer")
        .site_addr(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .build();
    let app = server::Application::build(env.settings.clone(), options).await.unwrap();
    let port = app.port();
    let (stop, stop_rx) = oneshot::channel::<()>();
    let stopped = tokio::spawn(app.run_until(async move {
        let _ = stop_rx.await;
    }));
    let replica = Replica { base: format!("http://127.0.0.1:{port}"), port, stop, stopped, relay, env };
    let ready = reqwest::get(format!("{}/readyz", replica.base)).await.unwrap();
    assert_eq!(ready.status(), 200, "ready before the drain");
    replica
}

/// Starts a /readyz whose Redis PING the held relay keeps, and returns once it is in flight.
async fn request_in_flight(replica: &Replica) -> tokio::task::JoinHandle<reqwest::Result<reqwest::Response>> {
    replica.relay.hold();
    let stalled = replica.relay.stalled.notified();
    let request = tokio::spawn(reqwest::get(format!("{}/readyz", replica.base)));
    tokio::time::timeout(Duration::from_secs(5), stalled).await.expect("the request reached Redis");
    request
}

async fn refuses_connections(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).await.is_err()
}

#[tokio::test]
async fn a_draining_replica_fails_readiness_keeps_its_port_a_moment_then_finishes_what_runs() {
    let replica = start_replica(1, 10).await;
    let in_flight = request_in_flight(&replica).await;
    let started = Instant::now();
    replica.stop.send(()).unwrap();

    // Fresh clients meanwhile: readiness fails without waiting on Redis, the port still answers.
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    // A probe that raced the signal waits on the held Redis: it times out and is asked again.
    let ready = loop {
        let probe = client.get(format!("{}/readyz", replica.base)).timeout(Duration::from_millis(200)).send().await;
        if let Ok(response) = probe {
            assert_eq!(response.status(), 503, "readiness passing while draining");
            break response;
        }
        assert!(started.elapsed() < Duration::from_millis(600), "no answer to /readyz while draining");
    };
    assert_eq!(ready.text().await.unwrap(), "draining");
    assert!(started.elapsed() < Duration::from_millis(900), "answered within the drain delay");
    let alive = client.get(format!("{}/healthz", replica.base)).send().await.unwrap();
    assert_eq!(alive.status(), 200);
    let connection = alive.headers().get(reqwest::header::CONNECTION).map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(connection.as_deref(), Some("close"), "pooled connections are let go while draining");

    // After the delay the port closes, while the held request is still running.
    while !refuses_connections(replica.port).await {
        assert!(started.elapsed() < Duration::from_secs(3), "still accepting {:?} after the signal", started.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(started.elapsed() >= Duration::from_secs(1), "closed before the drain delay: {:?}", started.elapsed());
    assert!(!in_flight.is_finished(), "the request in flight is held");

    replica.relay.release();
    let answered = tokio::time::timeout(Duration::from_secs(5), in_flight).await.unwrap().unwrap().unwrap();
    assert_eq!(answered.status(), 200, "the request in flight finished normally");
    let outcome = tokio::time::timeout(Duration::from_secs(5), replica.stopped).await.expect("stopped once idle");
    outcome.unwrap().unwrap();
    assert!(started.elapsed() < Duration::from_secs(5), "stopped well before the grace ran out");
    replica.env.finish().await;
}

#[tokio::test]
async fn a_request_that_outlasts_the_grace_does_not_keep_the_replica_up() {
    let replica = start_replica(0, 1).await;
    let in_flight = request_in_flight(&replica).await;
    let started = Instant::now();
    replica.stop.send(()).unwrap();
    let outcome = tokio::time::timeout(Duration::from_secs(5), replica.stopped).await.expect("stopped at the deadline");
    outcome.unwrap().unwrap();
    let took = started.elapsed();
    assert!(took >= Duration::from_secs(1), "gave the request its grace: {took:?}");
    assert!(took < Duration::from_secs(3), "stopped at the deadline, not when the request ended: {took:?}");
    assert!(!in_flight.is_finished(), "the request was still held when the replica stopped");
    replica.relay.release();
    in_flight.abort();
    replica.env.finish().await;
}

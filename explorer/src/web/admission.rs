//! Who may queue new work: a per-client allowance of job-creating requests, and a
//! fleet-wide cap on the jobs waiting. Only requests that would queue a job are counted:
//! cached charts and polls of pending ones are never refused here.

use std::{net::IpAddr, num::NonZeroU32, time::Duration};

use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::settings::WebLimits;

/// The client a request comes from: its address, or none for calls made in-process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Client(pub Option<IpAddr>);

impl Client {
    /// A caller inside the process (tests, tools): not limited per client.
    pub const INTERNAL: Client = Client(None);

    /// The client of a request from `peer`: the last address in `forwarded`, the value of
    /// the header a trusted proxy sets (the address that proxy saw), when it is configured
    /// and holds one; else the peer.
    pub fn of(peer: Option<IpAddr>, forwarded: Option<&str>) -> Client {
        let last = forwarded.and_then(|value| value.rsplit(',').map(str::trim).find(|part| !part.is_empty()));
        Client(last.and_then(|last| last.parse::<IpAddr>().ok()).or(peer))
    }
}

/// Why new work was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// This client queued too many new jobs lately.
    Client { retry_after: Duration },
    /// The fleet's queue holds as many waiting jobs as it may.
    QueueFull { retry_after: Duration },
    /// This query failed `failures` times in a row; retries are held a while.
    Failing { failures: u32, retry_after: Duration },
}

impl From<Refusal> for charts::AppError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Client { retry_after } => charts::AppError::busy(
                "this address asked for many new charts in a short time; cached charts still load",
                retry_after,
                true,
            ),
            Refusal::QueueFull { retry_after } => {
                charts::AppError::busy("the workers have a full queue of charts to compute", retry_after, false)
            }
            Refusal::Failing { failures, retry_after } => charts::AppError::busy(
                format!("this chart's query failed {failures} times in a row, so it is not run again at once"),
                retry_after,
                false,
            ),
        }
    }
}

/// How long a client refused for a full queue is told to wait.
const QUEUE_FULL_RETRY_AFTER: Duration = Duration::from_secs(15);

/// Clients remembered before idle ones are forgotten (an idle client's allowance is full
/// again anyway, so forgetting it changes nothing).
const TRACKED_CLIENTS: usize = 50_000;

pub struct Admission {
    per_client: DefaultKeyedRateLimiter<IpAddr>,
    queue_max_waiting: u64,
}

impl Admission {
    pub fn new(limits: &WebLimits) -> Admission {
        let per_minute = NonZeroU32::new(limits.jobs_per_client_per_minute.max(1)).expect("at least one");
        let burst = NonZeroU32::new(limits.job_burst_per_client.max(1)).expect("at least one");
        let quota = Quota::per_minute(per_minute).allow_burst(burst);
        Admission { per_client: RateLimiter::keyed(quota), queue_max_waiting: limits.queue_max_waiting }
    }

    /// Takes one job-creating request from `client`'s allowance.
    pub fn admit_client(&self, client: Client) -> Result<(), Refusal> {
        let Some(address) = client.0 else { return Ok(()) };
        if self.per_client.len() > TRACKED_CLIENTS {
            self.per_client.retain_recent();
        }
        self.per_client.check_key(&address).map_err(|not_until| Refusal::Client {
            retry_after: not_until.wait_time_from(governor::clock::DefaultClock::default().now()),
        })
    }

    /// Refuses new work while `waiting` jobs fill the fleet's queue.
    pub fn admit_to_queue(&self, waiting: u64) -> Result<(), Refusal> {
        match waiting >= self.queue_max_waiting {
            true => Err(Refusal::QueueFull { retry_after: QUEUE_FULL_RETRY_AFTER }),
            false => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_minute: u32, burst: u32, queue: u64) -> WebLimits {
        WebLimits {
            jobs_per_client_per_minute: per_minute,
            job_burst_per_client: burst,
            queue_max_waiting: queue,
            ..crate::Settings::from_lookup(|_| None).unwrap().web_limits
        }
    }

    #[test]
    fn a_client_gets_its_burst_then_waits_while_others_are_unaffected() {
        let admission = Admission::new(&limits(6, 3, 100));
        let (one, two) = (Client(Some([10, 0, 0, 1].into())), Client(Some([10, 0, 0, 2].into())));
        for _ in 0..3 {
            assert_eq!(admission.admit_client(one), Ok(()));
        }
        let Err(Refusal::Client { retry_after }) = admission.admit_client(one) else { panic!("the fourth passed") };
        // 6 a minute: one more every 10 s.
        assert!(retry_after > Duration::from_secs(8) && retry_after <= Duration::from_secs(10), "{retry_after:?}");
        assert_eq!(admission.admit_client(two), Ok(()));
        assert_eq!(admission.admit_client(Client::INTERNAL), Ok(()), "in-process callers are not limited");
        let shown = charts::AppError::from(Refusal::Client { retry_after });
        assert_eq!((shown.http_status(), shown.retry_after_secs()), (429, Some(10)));
    }

    #[test]
    fn a_full_queue_refuses_new_work() {
        let admission = Admission::new(&limits(6, 3, 2));
        assert_eq!(admission.admit_to_queue(1), Ok(()));
        assert!(matches!(admission.admit_to_queue(2), Err(Refusal::QueueFull { .. })));
        assert_eq!(charts::AppError::from(admission.admit_to_queue(5).unwrap_err()).http_status(), 503);
    }

    #[test]
    fn the_proxy_header_names_the_client_only_when_it_holds_an_address() {
        let peer = Some(IpAddr::from([127, 0, 0, 1]));
        assert_eq!(Client::of(peer, None), Client(peer));
        assert_eq!(Client::of(peer, Some("6.6.6.6, 203.0.113.9")), Client(Some([203, 0, 113, 9].into())));
        assert_eq!(Client::of(peer, Some("not an address")), Client(peer));
    }
}

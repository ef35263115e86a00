//! Jobs: the queue they travel on ([`queue`]), running one ([`run`]), the fleet-wide cap
//! on concurrent Augur queries ([`slots`]), dropping what Augur collected anew
//! ([`freshness`]), and telling waiting replicas that a job is over ([`finished`]).

pub mod finished;
pub mod freshness;
pub mod queue;
pub mod run;
pub mod slots;

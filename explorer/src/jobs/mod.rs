//! Jobs: the queue they travel on ([`queue`]), running one ([`run`]), the fleet-wide cap
//! on concurrent Augur queries ([`slots`]), and dropping what Augur collected anew
//! ([`freshness`]).

pub mod freshness;
pub mod queue;
pub mod run;
pub mod slots;

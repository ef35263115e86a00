//! Jobs: the queue they travel on ([`queue`]), running one ([`run`]), and the fleet-wide cap
//! on concurrent Augur queries ([`slots`]).

pub mod queue;
pub mod run;
pub mod slots;

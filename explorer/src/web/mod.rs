//! The web tier's side of the core: answering a chart from the cache or queueing its job
//! ([`service`]), turning picked repos and orgs into a repo set ([`selection`]), and the
//! repo and org search index ([`search`]).

pub mod admission;
pub mod search;
pub mod selection;
pub mod service;

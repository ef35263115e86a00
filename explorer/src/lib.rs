//! The server-only core shared by the web and worker binaries: settings, the Augur
//! queries, the compact result format, the Redis cache and the job queue.

pub mod augur;
pub mod cache;
pub mod codec;
pub mod job;
pub mod key;
pub mod logs;
pub mod metrics;
pub mod queue;
pub mod repos;
pub mod search;
pub mod selection;
pub mod service;
pub mod settings;
pub mod shutdown;
pub mod slots;
pub mod status;
pub mod viz;

pub use augur::queries::Query;
pub use cache::Cache;
pub use key::ResultKey;
pub use repos::RepoSet;
pub use service::{ChartAnswer, ChartService, ServiceError};
pub use settings::Settings;

//! The server-only core shared by the web and worker binaries, grouped by role: what is read
//! from Augur ([`augur`]), what is kept in Redis ([`store`]), the jobs that fill it ([`jobs`]),
//! the web tier's chart service, selection and search ([`web`]), and the transforms from
//! query rows to chart data ([`viz`]).

pub mod augur;
pub mod jobs;
pub mod logs;
pub mod metrics;
pub mod repos;
pub mod settings;
pub mod shutdown;
pub mod store;
pub mod viz;
pub mod web;

pub use augur::queries::Query;
pub use repos::RepoSet;
pub use settings::Settings;
pub use store::{key::ResultKey, Cache};
pub use web::service::{ChartAnswer, ChartService, ServiceError};

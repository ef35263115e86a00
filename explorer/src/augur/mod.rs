//! What the app reads from Augur: the read-only connection pool, the repository list and
//! the registry of chart queries.

pub mod db;
pub mod queries;
mod repo_list;

pub use repo_list::list_repos;

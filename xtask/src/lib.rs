//! Developer tasks as a library, so that their tests drive the same generator as
//! `cargo xtask seed`.

pub mod bench;
pub mod bench_page;
pub mod bench_reference;
pub mod bench_search;
pub mod generate;
pub mod load;

/// The schema lives in its own crate, shared with the tests' databases.
pub use augur_schema as schema;

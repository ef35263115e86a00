//! Developer tasks as a library, so integration tests build the same Augur-shaped
//! database as `cargo xtask seed`.

pub mod bench;
pub mod bench_page;
pub mod bench_search;
pub mod generate;
pub mod load;
pub mod schema;
pub mod testdb;

//! The repo and org typeahead: an in-memory index over Augur's repository list, and a
//! handle that keeps a fresh one loaded without making readers wait.
//!
//! A query is matched, case-insensitively, against each org's name and each repository's
//! `owner/name`, name, clone URL and org name. Hits come in tiers: exact, prefix, substring
//! (of an org name or `owner/name`), then fuzzy (nucleo, on an org name or `owner/name`).
//! Within a tier orgs come first, then repos matched on their own text, then repos matched
//! through their org; then the better fuzzy score; then the shorter text, alphabetically.
//!
//! The cheap tiers run first, over lower-case text computed once when the index is built,
//! and each later tier only runs while fewer than `limit` hits were found, so the fuzzy
//! matcher (the costly part) only sees queries the other tiers could not answer. Even then
//! it scores a bounded pool: the first matches in rank order (see the `fuzzy` module).

mod fuzzy;
mod index;
mod live;
mod parse;
mod rank;
#[cfg(test)]
mod tests;

pub use index::SearchIndex;
pub use live::LiveIndex;

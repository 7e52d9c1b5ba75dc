//! Integration tests: the real `faultbook` binary against fixture sites in
//! temporary folders. One test binary; `harness` holds the fixture helper.

#![allow(clippy::unwrap_used)]

mod harness;

mod authoring;
mod build;
mod content;
mod corpus;
mod docs;
mod incremental;
mod invalid;
mod languages;
mod output;
mod scale;
mod search;
mod serve;
mod theme;
mod unicode;

//! faultbook turns a folder of markdown error pages, compare guides and
//! playbooks into a linked, searchable static knowledge base.
//!
//! The pipeline (see `build`, and docs/architecture.md): `config` reads
//! site.toml; `source` walks the site; `load` reads each page's front matter
//! against the schema of `page`, for the page's `kind`; `graph` places pages
//! at their URLs (`urls`), resolves refs between them and claims every output
//! file, those of `routes` first; `markdown` renders bodies, resolving links
//! through the graph; `view` computes what each output shows; `templates` and
//! `render` turn views into files; `search` writes the index; `output` writes
//! them atomically. Problems travel as `diag` diagnostics, each with a rule,
//! all collected, never as panics; `meter` records each stage's time and
//! memory; `memo` and `serve` make rebuilds incremental.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod build;
pub mod config;
pub mod diag;
pub mod frontmatter;
pub mod graph;
pub mod html;
pub mod i18n;
pub mod kind;
pub mod load;
pub mod markdown;
pub mod memo;
pub mod meter;
pub mod output;
pub mod packed;
pub mod page;
pub mod render;
pub mod routes;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod source;
pub mod suggest;
pub mod templates;
pub mod urls;
pub mod view;

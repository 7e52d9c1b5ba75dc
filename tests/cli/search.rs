//! The search index as written: looked up the way the browser does it
//! (index.json, the one term chunk a term falls in, then document chunks).

use std::path::{Path, PathBuf};

use faultbook::search::decode_chunk;
use serde_json::Value;

use crate::harness::Site;

/// A built site's search index, read from disk.
pub struct Index {
    dir: PathBuf,
    meta: Value,
}

impl Index {
    pub fn open(public: &Path) -> Index {
        let dir = public.join("search");
        let meta = serde_json::from_slice(&std::fs::read(dir.join("index.json")).unwrap()).unwrap();
        Index { dir, meta }
    }

    /// Site paths of the pages holding `term` exactly, with the field found.
    pub fn lookup(&self, term: &str) -> Vec<(String, u8)> {
        let firsts: Vec<&str> = self.meta["chunks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let n = firsts
            .partition_point(|first| *first <= term)
            .saturating_sub(1);
        let chunk = std::fs::read(self.dir.join(format!("t/{n}.json"))).unwrap();
        let terms = decode_chunk(&chunk).unwrap();
        let per = self.meta["docs_per_chunk"].as_u64().unwrap() as u32;
        terms
            .get(term)
            .map(|postings| {
                postings
                    .iter()
                    .map(|&(doc, field)| (self.path_of(doc, per), field))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn path_of(&self, doc: u32, per: u32) -> String {
        let rows: Value = serde_json::from_slice(
            &std::fs::read(self.dir.join(format!("d/{}.json", doc / per))).unwrap(),
        )
        .unwrap();
        rows[(doc % per) as usize][5].as_str().unwrap().to_string()
    }

    pub fn docs(&self) -> u64 {
        self.meta["docs"].as_u64().unwrap()
    }
}

const CODE: u8 = 5;
const CODE_PART: u8 = 4;
const TITLE: u8 = 3;

#[test]
fn codes_numbers_and_words_are_found_where_the_browser_looks() {
    let site = Site::sample();
    site.build_ok();
    let index = Index::open(&site.path().join("public"));
    let has = |term: &str, path: &str, field: u8| {
        let hits = index.lookup(term);
        assert!(
            hits.contains(&(path.to_string(), field)),
            "{term}: expected {path} (field {field}) in {hits:?}"
        );
    };
    has("aadsts53003", "errors/entra/aadsts53003/", CODE);
    has("53003", "errors/entra/aadsts53003/", CODE_PART);
    has("deadline_exceeded", "errors/grpc/deadline-exceeded/", CODE);
    has("deadline", "errors/grpc/deadline-exceeded/", CODE_PART);
    has("conditional", "errors/entra/aadsts53003/", TITLE);
    // Guides that mention a code in prose are found by it too, below the page itself.
    let hits = index.lookup("aadsts53003");
    assert!(
        hits.iter().any(|(p, _)| p.starts_with("compare/")),
        "{hits:?}"
    );
    // Addresses are not words; stopwords are not indexed.
    assert!(index.lookup("https").is_empty());
    assert!(index.lookup("the").is_empty());
    // Every published page but the home page's intro is a document.
    assert_eq!(index.docs(), 38);
}

#[test]
fn index_files_are_small_and_the_index_changes_its_version_with_content() {
    let site = Site::sample();
    site.build_ok();
    let public = site.path().join("public");
    for entry in walkdir::WalkDir::new(public.join("search/d")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            assert!(
                entry.metadata().unwrap().len() < 16 * 1024,
                "{:?}",
                entry.path()
            );
        }
    }
    let before = site.read("public/search/index.json");
    site.write(
        "content/errors/http/429.md",
        site.read("content/errors/http/429.md")
            .replace("## ", "## Zyxwvut ")
            .as_bytes(),
    );
    site.build_ok();
    let index = Index::open(&public);
    assert!(index
        .lookup("zyxwvut")
        .contains(&("errors/http/429/".to_string(), 1)));
    assert_ne!(before, site.read("public/search/index.json"));
}

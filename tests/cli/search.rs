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
    /// Fails the test unless `term` leads to `path` with `field`.
    pub fn assert_has(&self, term: &str, path: &str, field: u8) {
        let hits = self.lookup(term);
        assert!(
            hits.contains(&(path.to_string(), field)),
            "{term}: expected {path} (field {field}) in {hits:?}"
        );
    }

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

    /// The site path of the document titled `title`.
    pub fn path_titled(&self, title: &str) -> String {
        let chunks = self
            .docs()
            .div_ceil(self.meta["docs_per_chunk"].as_u64().unwrap());
        (0..chunks)
            .flat_map(|n| {
                let rows: Vec<Value> = serde_json::from_slice(
                    &std::fs::read(self.dir.join(format!("d/{n}.json"))).unwrap(),
                )
                .unwrap();
                rows
            })
            .find(|row| row[2] == title)
            .map(|row| row[5].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no document titled {title:?}"))
    }

    /// Every term of the index, from every term chunk.
    pub fn terms(&self) -> Vec<String> {
        let chunks = self.meta["chunks"].as_array().unwrap().len();
        (0..chunks)
            .flat_map(|n| {
                let chunk = std::fs::read(self.dir.join(format!("t/{n}.json"))).unwrap();
                decode_chunk(&chunk).unwrap().into_keys()
            })
            .collect()
    }
}

const CODE: u8 = 5;
const CODE_PART: u8 = 4;
const TITLE: u8 = 3;
const SUMMARY: u8 = 2;
const BODY: u8 = 0;

#[test]
fn codes_numbers_and_words_are_found_where_the_browser_looks() {
    let site = Site::sample();
    site.build_ok();
    let index = Index::open(&site.path().join("public"));
    let has = |term: &str, path: &str, field: u8| index.assert_has(term, path, field);
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

/// tests/fixtures/scripts: a word of each script finds its page, found the
/// way the browser looks it up; scripts written without spaces are indexed
/// as character bigrams, never as one token per sentence.
#[test]
fn a_word_of_each_script_is_a_term_of_its_page() {
    let site = Site::fixture("scripts");
    let run = site.build_ok();
    assert!(run.diagnostics().is_empty(), "{}", run.stderr);
    let check = site.run(&["check"]);
    assert_eq!(check.status, 0, "{}", check.stderr);
    assert!(check.diagnostics().is_empty(), "{}", check.stderr);
    let index = Index::open(&site.path().join("public"));
    let has = |term: &str, path: &str, field: u8| index.assert_has(term, path, field);
    // Han, in titles of an error page and of a compare guide.
    has("超时", "errors/grpc/deadline-exceeded/", TITLE);
    has("截止", "errors/grpc/deadline-exceeded/", TITLE);
    has("限流", "compare/429-vs-503/", TITLE);
    // Katakana and Hiragana: every bigram of タイムアウト and 利用できません.
    for bigram in ["タイ", "イム", "ムア", "アウ", "ウト"] {
        has(bigram, "ガイド/タイムアウト/", TITLE);
    }
    for bigram in ["利用", "用で", "でき", "きま", "ませ", "せん"] {
        has(bigram, "errors/grpc/unavailable/", TITLE);
    }
    // Thai: หมดเวลา in a title; the comment inside a code block is indexed too.
    for bigram in ["หม", "มด", "ดเ", "เว", "วล", "ลา"] {
        has(bigram, "errors/http/499/", TITLE);
    }
    has("ปล", "errors/http/499/", BODY);
    // Hangul words, spaced like Latin.
    has("게이트웨이", "errors/http/504/", TITLE);
    has("재시도", "한국어/재시도-정책/", TITLE);
    // Arabic and Hebrew, with their optional vowel points left out.
    has("تجاوز", "errors/http/429/", TITLE);
    has("المعدل", "errors/http/429/", TITLE);
    has("الطلبات", "errors/http/429/", SUMMARY);
    has("מורשה", "errors/http/401/", TITLE);
    has("שגיאה", "errors/http/401/", BODY);
    // Devanagari words with vowel signs and virama whole.
    has("अनुपलब्ध", "errors/http/503/", TITLE);
    // (Its URL is left to the slug rules: looked up by title.)
    let hindi = index.path_titled("पुनःप्रयास की रणनीति");
    has("पुनःप्रयास", &hindi, TITLE);
    // Cyrillic (Russian, Ukrainian) and Greek, lowercased; final sigma folded.
    has("шлюза", "errors/http/502/", TITLE);
    has("таймауты", "playbooks/таймауты-api/", TITLE);
    has("очікування", "errors/http/408/", TITLE);
    has("σφάλμα", "errors/http/500/", TITLE);
    has("διακομιστη", "errors/http/500/", BODY);
    has("διακομιστήσ", "errors/http/500/", SUMMARY);
    assert!(index.lookup("διακομιστής").is_empty());
    // Latin with diacritics: Vietnamese, Polish, Czech.
    has("giới", "errors/aws/throttlingexception/", TITLE);
    has("błąd", "errors/postgres/40001/", TITLE);
    has("požadavek", "errors/http/413/", TITLE);
    // Emoji are terms of their own.
    has("🫖", "errors/http/418/", TITLE);
    has("🔥", "notes/hotfix/", TITLE);
    // Codes stay whole.
    has("deadline_exceeded", "errors/grpc/deadline-exceeded/", CODE);
    has(
        "throttlingexception",
        "errors/aws/throttlingexception/",
        CODE,
    );

    // No term of an unspaced script is longer than two characters (with
    // their marks): a sentence is never one token.
    let terms = index.terms();
    let long: Vec<&String> = terms
        .iter()
        .filter(|t| {
            t.chars().any(faultbook::search::is_unspaced)
                && t.chars()
                    .filter(|&c| c.is_alphanumeric() && !is_mark(c))
                    .count()
                    > 2
        })
        .collect();
    assert!(long.is_empty(), "{long:?}");
    // Every term is NFC.
    for t in &terms {
        assert!(unicode_normalization::is_nfc(t), "{t:?}");
    }
}

fn is_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

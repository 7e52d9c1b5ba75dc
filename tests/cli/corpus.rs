//! Real content: the Rust compiler's error index, beside the repository.

use std::path::Path;

use crate::harness::Site;

#[test]
fn rustc_error_corpus_builds_with_zero_errors() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/rustc-errors");
    if !corpus.join("site.toml").is_file() {
        // A user's clone has no ../shared: say so plainly rather than pass in silence.
        println!("SKIPPED rustc_error_corpus_builds_with_zero_errors: {} is absent (it exists beside the repository in CI)", corpus.display());
        return;
    }
    let out = Site::empty();
    let r = Site::empty().run(&[
        "build",
        "--root",
        corpus.to_str().unwrap(),
        "--output",
        out.path().join("public").to_str().unwrap(),
    ]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.errors().is_empty(), "{}", r.stderr);
    let page =
        std::fs::read_to_string(out.path().join("public/errors/rust/e0382/index.html")).unwrap();
    // rustdoc fences are Rust, highlighted, with hidden `# ` lines dropped.
    assert!(page.contains("data-lang=\"rust\""));
    assert!(page.contains("hl-source hl-rust"));
    let e0499 =
        std::fs::read_to_string(out.path().join("public/errors/rust/e0499/index.html")).unwrap();
    assert!(
        e0499.contains("href=\"/compare/e0499-vs-e0502/\""),
        "decision support links the compare guide"
    );
    let n = walkdir::WalkDir::new(out.path().join("public/errors/rust"))
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .count();
    assert!(n >= 500, "{n} error pages");
    // Search finds a code and the number inside it.
    let index = crate::search::Index::open(&out.path().join("public"));
    assert!(index
        .lookup("e0382")
        .contains(&("errors/rust/e0382/".to_string(), 5)));
    assert!(index
        .lookup("0382")
        .contains(&("errors/rust/e0382/".to_string(), 4)));
}

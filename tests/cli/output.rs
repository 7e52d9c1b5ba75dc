//! Output guarantees (SPEC §8): deterministic, atomic, guarded.

use crate::harness::{tree, Site};

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let site = Site::sample();
    let one = site.run_env(
        &["build", "--output", "out1"],
        &[("RAYON_NUM_THREADS", "1")],
    );
    assert_eq!(one.status, 0, "{}", one.stderr);
    let two = site.run_env(
        &["build", "--output", "out2"],
        &[("RAYON_NUM_THREADS", "2")],
    );
    assert_eq!(two.status, 0, "{}", two.stderr);
    let (a, b) = (
        tree(&site.path().join("out1")),
        tree(&site.path().join("out2")),
    );
    assert!(a.len() > 100);
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{path} differs between 1 and 2 threads");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_identical() {
    let site = Site::fixture("basic");
    site.build_ok();
    let before = tree(&site.path().join("public"));
    site.write(
        "content/errors/http/503.md",
        site.read("content/errors/http/503.md")
            .replace("code = \"503\"", "code = 503"),
    );
    let r = site.build();
    assert_eq!(r.status, 1);
    assert!(r.stderr.contains("previous output was left as it was"));
    assert_eq!(tree(&site.path().join("public")), before);
    // Nothing half-written is left beside it either.
    let leftovers: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("faultbook-new"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn rebuilds_replace_stale_files() {
    let site = Site::fixture("basic");
    site.build_ok();
    site.build_ok(); // the second build reuses the spare tree
    assert!(site.exists("public/about/index.html"));
    site.remove("content/about.md");
    site.build_ok();
    site.build_ok();
    assert!(
        !site.exists("public/about/index.html"),
        "a deleted page disappears from the output"
    );
    let fresh = Site::fixture("basic");
    fresh.remove("content/about.md");
    fresh.build_ok();
    assert_eq!(
        tree(&site.path().join("public")),
        tree(&fresh.path().join("public")),
        "a rebuilt tree equals a fresh one"
    );
}

#[test]
fn dangerous_output_folders_are_refused() {
    let site = Site::fixture("basic");
    for out in [".", "content", "..", "static/out"] {
        let r = site.run(&["build", "--output", out]);
        assert_eq!(r.status, 1, "--output {out} must be refused: {}", r.stderr);
        assert!(
            r.stderr.contains("refusing to write the site to"),
            "{}",
            r.stderr
        );
    }
    assert!(site.exists("content/about.md") && site.exists("site.toml"));
}

//! `check`, `new`, `init` and the command-line conventions.

use crate::harness::Site;

/// A site with several problems of different kinds.
fn site_with_errors() -> Site {
    let site = Site::fixture("basic");
    site.write("content/errors/http/404.md", "+++\ntitle = \"Not Found\"\ncode = \"404\"\nprovider = \"htp\"\nreviewed = 2026-01-01\nrelated = [\"http:405\"]\n[[references]]\ntitle = \"R\"\nurl = \"https://example.com\"\n+++\nSee [gone](@/errors/http/410.md).\n");
    site.write(
        "content/errors/grpc/internal.md",
        "+++\ntitle = \"Internal\"\ncode = 13\nreviewed = 2026-01-01\n+++\n",
    );
    site
}

#[test]
fn check_json_is_exact() {
    let site = site_with_errors();
    let r = site.run(&["check", "--format", "json"]);
    assert_eq!(r.status, 1);
    insta::assert_snapshot!("check_json", r.stdout);
    assert!(!site.exists("public"));
}

#[test]
fn check_github_annotations_are_exact() {
    let site = site_with_errors();
    let r = site.run(&["check", "--format", "github"]);
    assert_eq!(r.status, 1);
    insta::assert_snapshot!("check_github", r.stdout);
}

#[test]
fn check_human_shows_source_line_and_caret() {
    let site = site_with_errors();
    let r = site.run(&["check"]);
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains("error: content/errors/http/404.md:4:12: provider \"htp\" does not match the folder errors/http/ this page is in\n  |\n4 | provider = \"htp\"\n  |            ^\n"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains('\x1b'),
        "no colour when not on a terminal"
    );
    assert!(r.stdout.starts_with("Checked "), "{}", r.stdout);
    let quiet = site.run(&["check", "-q"]);
    assert_eq!(quiet.stdout, "");
    assert!(!quiet.stderr.contains("warning:"));
}

#[test]
fn new_pages_build_as_they_are_and_never_overwrite() {
    let site = Site::fixture("basic");
    let r = site.run(&["new", "error", "http", "Some_Code.42"]);
    assert_eq!(
        (r.status, r.stdout.as_str()),
        (0, "content/errors/http/some-code-42.md\n"),
        "{}",
        r.stderr
    );
    let text = site.read("content/errors/http/some-code-42.md");
    for heading in [
        "## What it means",
        "## Common causes",
        "## How to fix",
        "## Diagnosis",
        "## How to verify",
        "## Prevention",
    ] {
        assert!(text.contains(heading), "{text}");
    }
    assert!(
        text.contains("reviewed = 2026-11-26")
            && text.contains("standard = \"checked\"")
            && text.contains("[[references]]")
    );
    let r = site.run(&["new", "compare", "503 vs Some", "503", "http:some_code.42"]);
    assert_eq!(
        (r.status, r.stdout.as_str()),
        (0, "content/compare/503-vs-some.md\n"),
        "{}",
        r.stderr
    );
    let r = site.run(&["new", "playbook", "outages", "grpc:UNAVAILABLE"]);
    assert_eq!(
        (r.status, r.stdout.as_str()),
        (0, "content/playbooks/outages.md\n"),
        "{}",
        r.stderr
    );
    let b = site.build();
    assert_eq!(b.status, 0, "scaffolds build as they are:\n{}", b.stderr);
    assert!(site
        .read("public/errors/http/some-code-42/index.html")
        .contains("href=\"/docs/compare/503-vs-some/\""));

    // Never overwrite.
    site.write("content/playbooks/outages.md", "mine");
    let r = site.run(&["new", "playbook", "outages", "grpc:UNAVAILABLE"]);
    assert_eq!(r.status, 1);
    assert_eq!(
        r.stderr,
        "error: content/playbooks/outages.md already exists; it was left untouched\n"
    );
    assert_eq!(site.read("content/playbooks/outages.md"), "mine");
}

#[test]
fn new_checks_its_refs_and_provider() {
    let site = Site::fixture("basic");
    let r = site.run(&["new", "compare", "x", "http:504", "UNAVAILABL"]);
    assert_eq!(r.status, 1);
    assert_eq!(r.stderr, "error: unknown ref \"http:504\" (candidates: http:503)\nerror: unknown ref \"UNAVAILABL\" (candidates: grpc:UNAVAILABLE)\n");
    assert!(!site.exists("content/compare/x.md"));
    let r = site.run(&["new", "error", "htp", "418"]);
    assert_eq!(r.status, 1);
    assert_eq!(
        r.stderr,
        "error: unknown provider \"htp\" (known: grpc, http)\n"
    );
    assert_eq!(
        site.run(&["new", "compare", "x", "503"]).status,
        2,
        "a compare guide needs two refs"
    );
}

#[test]
fn init_makes_a_site_that_builds_and_checks_clean() {
    let parent = Site::empty();
    let r = parent.run(&["init", "kb"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let check = parent.run(&["check", "--root", "kb"]);
    assert_eq!((check.status, check.stderr.as_str()), (0, ""));
    let build = parent.run(&["build", "--root", "kb"]);
    assert_eq!(build.status, 0, "{}", build.stderr);
    assert_eq!(build.stderr, "");
    for f in [
        "kb/public/errors/http/429/index.html",
        "kb/public/compare/429-vs-503/index.html",
        "kb/public/playbooks/overload/index.html",
    ] {
        assert!(parent.exists(f), "{f}");
    }
    let again = parent.run(&["init", "kb"]);
    assert_eq!(again.status, 1);
    assert!(again.stderr.contains("is not empty"), "{}", again.stderr);
}

#[test]
fn help_version_and_completions() {
    let site = Site::empty();
    for cmd in [
        &["build", "--help"][..],
        &["check", "--help"],
        &["new", "--help"],
        &["init", "--help"],
        &["completions", "--help"],
        &["--help"],
    ] {
        let r = site.run(cmd);
        assert_eq!(r.status, 0);
        assert!(r.stdout.contains("Examples:"), "{cmd:?}: {}", r.stdout);
    }
    let v = site.run(&["--version"]);
    assert_eq!(
        v.stdout,
        format!("faultbook {}\n", env!("CARGO_PKG_VERSION"))
    );
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = site.run(&["completions", shell]);
        assert_eq!(r.status, 0);
        assert!(
            r.stdout.contains("faultbook") && r.stdout.contains("deny-stale"),
            "{shell}"
        );
    }
}

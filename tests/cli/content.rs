//! Real-world content, as imported from other sources: raw HTML from RFC
//! text, static files a site expects to win, pathological nesting.

use crate::harness::Site;

#[test]
fn ids_in_raw_html_are_link_targets_on_the_page_and_from_others() {
    let site = Site::fixture("basic");
    site.write(
        "content/errors/http/rfc.md",
        "+++\ntitle = \"From an RFC\"\ncode = \"599\"\nreviewed = 2026-10-01\n\n[[references]]\ntitle = \"R\"\nurl = \"https://example.com\"\n+++\nThe origin server says so [1](#ref-1), see also [2](#sec-2) and [3](#up).\n\n<p><span id=\"ref-1\">[1]</span> First reference.</p>\n\n<a name=\"sec-2\"></a>\n\n<div\n  class=\"x\" id=\"up\">Up</div>\n",
    );
    site.write(
        "content/guides/cites.md",
        "+++\ntitle = \"Cites\"\n+++\nSee [the first reference](@/errors/http/rfc.md#ref-1).\n",
    );
    let r = site.build();
    assert_eq!(r.status, 0, "{}", r.stderr);
    let html = site.read("public/errors/http/599/index.html");
    assert!(html.contains("id=\"ref-1\"") && html.contains("name=\"sec-2\""));
    assert!(site
        .read("public/guides/cites/index.html")
        .contains("/errors/http/599/#ref-1\""));
    // An element the sanitizer removes takes its id with it.
    site.write(
        "content/guides/gone.md",
        "+++\ntitle = \"Gone\"\n+++\n<script id=\"s\">x</script>\n\n[to it](#s)\n",
    );
    let r = site.build();
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains(
            "content/guides/gone.md:6: link to \"#s\": no heading or element on this page has that id"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_sites_static_files_replace_generated_ones_and_dot_folders_are_published() {
    let site = Site::fixture("basic");
    site.write("static/robots.txt", "User-agent: *\nDisallow: /drafts/\n");
    site.write("static/_redirects", "/from /to 302\n");
    site.write("static/404.html", "<!doctype html><title>lost</title>");
    site.write(
        "static/.well-known/security.txt",
        "Contact: mailto:security@example.com\n",
    );
    site.write("static/.well-known/.gitkeep", "");
    site.write("static/.DS_Store", "junk");
    site.write("static/.gitignore", "*.tmp\n");
    let r = site.run(&["-v", "build"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(
        site.read("public/robots.txt"),
        "User-agent: *\nDisallow: /drafts/\n"
    );
    assert_eq!(site.read("public/_redirects"), "/from /to 302\n");
    assert_eq!(
        site.read("public/404.html"),
        "<!doctype html><title>lost</title>"
    );
    assert!(site.exists("public/.well-known/security.txt"));
    for skipped in [".well-known/.gitkeep", ".DS_Store", ".gitignore"] {
        assert!(!site.exists(&format!("public/{skipped}")), "{skipped}");
    }
    // -v says which generated files were replaced, and nothing else does.
    for note in [
        "note: static/robots.txt replaces robots.txt",
        "note: static/_redirects replaces the _redirects file",
        "note: static/404.html replaces the 404 page",
    ] {
        assert!(r.stderr.contains(note), "{note}: {}", r.stderr);
    }
    assert!(!site.build().stderr.contains("replaces"));
}

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
            "content/guides/gone.md:6:1: link to \"#s\": no heading or element on this page has that id"
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

/// Command and code names of a real import: each a page of its own when
/// `[urls] slugify = "off"`.
const NAMES: &[&str] = &[
    "[",
    "!",
    "%",
    "clang++",
    "clang",
    "qm-move_disk",
    "qm-move-disk",
    "a b?c#d",
    "Überlast",
];

fn name_site(slugify: Option<&str>) -> Site {
    let site = Site::fixture("basic");
    if let Some(mode) = slugify {
        site.write(
            "site.toml",
            site.read("site.toml") + &format!("\n[urls]\nslugify = \"{mode}\"\n"),
        );
    }
    for name in NAMES {
        site.write(
            &format!("content/cmd/{name}.md"),
            format!("+++\ntitle = \"The {name} command\"\ntags = [\"c++\"]\n+++\nSee [clang++](@/cmd/clang++.md), [percent](%25.md) and [odd](a%20b%3Fc%23d.md#top).\n\n## Top\n"),
        );
    }
    site
}

#[test]
fn with_slugify_off_every_file_name_gets_its_own_url() {
    let site = name_site(Some("off"));
    let r = site.build();
    assert_eq!(r.status, 0, "{}", r.stderr);
    for name in NAMES {
        assert!(
            site.exists(&format!("public/cmd/{name}/index.html")),
            "{name} has its page"
        );
    }
    assert!(site.exists("public/tags/c++/index.html"));
    // Links, the sitemap, the feed's and search's URLs are percent-encoded.
    let html = site.read("public/cmd/clang/index.html");
    for href in [
        "href=\"/docs/cmd/clang++/\"",
        "href=\"/docs/cmd/%25/\"",
        "href=\"/docs/cmd/a%20b%3Fc%23d/#top\"",
    ] {
        assert!(html.contains(href), "{href}");
    }
    let sitemap = site.read("public/sitemap.xml");
    for loc in [
        "cmd/%5B/",
        "cmd/%25/",
        "cmd/!/",
        "cmd/a%20b%3Fc%23d/",
        "cmd/qm-move_disk/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>https://errors.example.com/docs/{loc}</loc>")),
            "{loc}"
        );
    }
    let search: String = walkdir::WalkDir::new(site.path().join("public/search/d"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    // Documents hold site paths; the page puts the base path before them.
    assert!(search.contains("\"cmd/%5B/\"") && search.contains("\"cmd/a%20b%3Fc%23d/\""));
    // Names that differ only by case still collide.
    site.write("content/cmd/CLANG.md", "+++\ntitle = \"Upper\"\n+++\n");
    let r = site.build();
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains("both write /cmd/CLANG/index.html")
            || r.stderr.contains("both write /cmd/clang/index.html"),
        "{}",
        r.stderr
    );
}

#[test]
fn slugify_keeps_todays_rules_by_default_and_refuses_names_no_link_can_hold() {
    let r = name_site(None).build();
    assert_eq!(r.status, 1);
    for e in [
        "error: content/cmd/[.md:1: the URL segment made from \"[\" is empty; set slug, or keep names as written with [urls] slugify = \"off\" in site.toml",
        "error: content/cmd/clang.md:1: content/cmd/clang.md and content/cmd/clang++.md both write /cmd/clang/index.html",
    ] {
        assert!(r.errors().iter().any(|l| l == e), "{e}: {}", r.stderr);
    }
    let site = name_site(Some("off"));
    site.write(
        "content/cmd/tags.md",
        "+++\ntitle = \"T\"\ntags = [\"a/b\"]\nslug = \"..\"\n+++\n",
    );
    let r = site.build();
    assert_eq!(r.status, 1);
    assert!(
        r.stderr
            .contains("tag \"a/b\" cannot be a URL segment: it holds / or \\"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("the name \"..\" cannot be a URL segment"),
        "{}",
        r.stderr
    );
    let site = name_site(Some("maybe"));
    let r = site.build();
    assert!(
        r.stderr
            .contains("[urls] slugify must be \"on\" or \"off\", found \"maybe\""),
        "{}",
        r.stderr
    );
}

#[test]
fn errors_point_at_the_spot_and_say_what_was_meant() {
    let site = Site::fixture("basic");
    site.write(
        "content/errors/http/zw.md",
        "+++\ntitle = \"ZW\"\ncode = \"50\u{200b}3X\"\nreviwed = 2026-01-01\n[[references]]\ntitle = \"R\"\nurl = \"https://example.com\"\n+++\nSee [t](@/playbooks/timeout.md) and [u](@/nope.md).\n",
    );
    site.write(
        "content/errors/http/long.md",
        format!("+++\ntitle = \"Long\"\ncode = \"{}\"\nreviewed = 2026-01-01\n[[references]]\ntitle = \"R\"\nurl = \"https://example.com\"\n+++\nx\n", "A".repeat(300)),
    );
    let r = site.build();
    assert_eq!(r.status, 1);
    let errors = r.errors();
    for want in [
        "error: content/errors/http/long.md:3:8: the URL segment \"aaaaaaaaaaaaaaaaaaaaaaaa...\" is 300 bytes long; file systems allow at most 255: shorten it or set slug",
        "error: content/errors/http/zw.md:3:8: \"code\" holds an invisible character, U+200B (zero width space); delete it (it usually comes in with a pasted code)",
        "error: content/errors/http/zw.md:9:5: link to \"@/playbooks/timeout.md\": no page content/playbooks/timeout.md; did you mean @/playbooks/timeouts.md?",
        // Two bad links on one line, each at its own column.
        "error: content/errors/http/zw.md:9:37: link to \"@/nope.md\": no page content/nope.md",
    ] {
        assert!(errors.iter().any(|e| e == want), "{want}\n{}", r.stderr);
    }
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("error: content/errors/http/zw.md:4:11: unknown key \"reviwed\" in an error page; did you mean \"reviewed\"?")),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("faultbook-new"),
        "no staging path in any message"
    );
}

#[test]
fn links_name_files_whatever_their_unicode_form() {
    let site = Site::fixture("basic");
    // Saved decomposed (as macOS writes names), linked composed, and back.
    site.write(
        "content/guides/cafe\u{301}.md",
        "+++\ntitle = \"Café\"\n+++\nx\n",
    );
    site.write(
        "content/guides/na\u{ef}ve.md",
        "+++\ntitle = \"Naïve\"\n+++\nx\n",
    );
    site.write(
        "content/guides/links-unicode.md",
        "+++\ntitle = \"L\"\n+++\n[a](@/guides/caf\u{e9}.md) [b](@/guides/nai\u{308}ve.md)\n",
    );
    let r = site.build();
    assert_eq!(r.status, 0, "{}", r.stderr);
    // A ? or # in a linked file name is taken for a query or a fragment:
    // the error says how to write it.
    site.write("content/guides/q?.md", "+++\ntitle = \"Q\"\n+++\nx\n");
    site.write(
        "content/guides/to-q.md",
        "+++\ntitle = \"To Q\"\n+++\n[q](@/guides/q?.md) [ok](@/guides/q%3F.md)\n",
    );
    let r = site.build();
    assert_eq!(r.status, 1);
    assert_eq!(r.errors(), ["error: content/guides/to-q.md:4:1: link to \"@/guides/q?.md\": no page content/guides/q; in a link, ? and # begin a query and a fragment: write them as %3F and %23 in a file name"], "{}", r.stderr);
}

/// The languages error references lean on are coloured, also as other
/// generators spell them; a language nobody knows is plain text.
#[test]
fn code_in_the_languages_of_error_references_is_highlighted() {
    let site = Site::fixture("basic");
    let langs = [
        "toml",
        "http",
        "typescript",
        "ts",
        "powershell",
        "ps1",
        "pwsh",
        "dockerfile",
        "csharp",
        "cs",
        "c#",
        "shell",
        "console",
        "yaml",
        "json",
        "python",
        "go",
        "hcl",
    ];
    let mut body = String::new();
    for lang in langs {
        body.push_str(&format!(
            "\n```{lang}\nFROM x AS y\nkey = \"v\" # note\nGET /a HTTP/1.1\nfunction f(a: number) {{ return 1; }}\n```\n"
        ));
    }
    body.push_str("\n```klingon\nqapla' = 1\n```\n");
    site.write(
        "content/guides/langs.md",
        format!("+++\ntitle = \"Languages\"\n+++\n{body}"),
    );
    let r = site.build();
    assert_eq!(r.status, 0, "{}", r.stderr);
    let html = site.read("public/guides/langs/index.html");
    let block = |lang: &str| -> String {
        let start = html
            .find(&format!("data-lang=\"{lang}\""))
            .unwrap_or_else(|| panic!("no block for {lang}"));
        html[start..start + html[start..].find("</pre>").unwrap()].to_string()
    };
    for lang in langs {
        let spans = block(lang).matches("class=\"hl-").count();
        assert!(spans >= 3, "{lang}: {spans} highlight spans");
    }
    assert_eq!(block("klingon").matches("class=\"hl-").count(), 0);
}

/// A tag is named as the first page with it writes it, also when that page
/// writes another tag twice before it.
#[test]
fn a_tag_is_named_as_written_whatever_tags_come_before_it() {
    let site = Site::fixture("basic");
    site.replace(
        "content/errors/http/503.md",
        "tags = [\"availability\"]",
        "tags = [\"Zeta\", \"zeta\", \"Omega-Unique\", \"availability\"]",
    );
    site.build_ok();
    for (slug, name) in [("zeta", "Zeta"), ("omega-unique", "Omega-Unique")] {
        let html = site.read(&format!("public/tags/{slug}/index.html"));
        assert!(
            html.contains(&format!("<title>Tagged “{name}”")),
            "tags/{slug} is named {name}"
        );
    }
    let page = site.read("public/errors/http/503/index.html");
    assert!(
        page.contains(">Omega-Unique<"),
        "the page names its tag as written"
    );
}

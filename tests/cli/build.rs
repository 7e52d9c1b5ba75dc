//! Valid sites: what the build writes.

use crate::harness::{tree, Site};
use std::fs;

#[test]
fn sample_site_builds_with_summary_line() {
    let site = Site::sample();
    let r = site.build_ok();
    assert!(r.errors().is_empty(), "{}", r.stderr);
    let summary: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(summary.len(), 1, "one summary line: {}", r.stdout);
    assert!(
        summary[0].starts_with("Built ")
            && summary[0].contains(" pages ")
            && summary[0].contains(" s into "),
        "{}",
        summary[0]
    );
    let page = site.read("public/errors/entra/aadsts53003/index.html");
    for needle in [
        "<code class=\"page-code\">AADSTS53003</code>",
        "Last reviewed: <time datetime=",
        "Editorial standard: <a href=\"/standards/source-backed/\">",
        "<h2 id=\"decision-support\">Decision support</h2>",
        "href=\"/compare/aadsts50076-vs-aadsts53003/\"",
        "<h2 id=\"official-references\">Official references</h2>",
        "<h2 id=\"provider-context\">Provider context</h2>",
        "aria-label=\"Breadcrumb\"",
        "\"@type\":\"TechArticle\"",
    ] {
        assert!(page.contains(needle), "AADSTS53003 page lacks {needle}");
    }
}

#[test]
fn error_page_anatomy() {
    let site = Site::fixture("basic");
    site.build_ok();
    insta::assert_snapshot!(
        "error_page_503",
        site.main_of("public/errors/http/503/index.html")
    );
}

#[test]
fn compare_playbook_plain_and_yaml_pages() {
    let site = Site::fixture("basic");
    site.build_ok();
    insta::assert_snapshot!(
        "compare_page",
        site.main_of("public/compare/503-vs-unavailable/index.html")
    );
    insta::assert_snapshot!(
        "playbook_page",
        site.main_of("public/playbooks/timeouts/index.html")
    );
    insta::assert_snapshot!(
        "plain_page_sanitized",
        site.main_of("public/guides/retry-budgets/index.html")
    );
    insta::assert_snapshot!(
        "yaml_error_page",
        site.main_of("public/errors/grpc/unavailable/index.html")
    );
}

#[test]
fn listings() {
    let site = Site::fixture("basic");
    site.build_ok();
    insta::assert_snapshot!("home", site.main_of("public/index.html"));
    insta::assert_snapshot!("a_to_z", site.main_of("public/errors/index.html"));
    insta::assert_snapshot!(
        "provider_grpc",
        site.main_of("public/providers/grpc/index.html")
    );
    insta::assert_snapshot!(
        "tag_availability",
        site.main_of("public/tags/availability/index.html")
    );
    insta::assert_snapshot!(
        "standard_notes",
        site.main_of("public/standards/notes/index.html")
    );
    insta::assert_snapshot!("not_found", site.main_of("public/404.html"));
    assert!(site.exists("public/compare/index.html"));
    assert!(site.exists("public/playbooks/index.html"));
    assert!(site.exists("public/search/index.html"));
    // Tags are slugged: "Retries" lists at /tags/retries/.
    assert!(site
        .read("public/tags/retries/index.html")
        .contains("Retry budgets"));
}

#[test]
fn decision_support_falls_back_to_featured() {
    let site = Site::fixture("basic");
    site.build_ok();
    // DEADLINE_EXCEEDED is covered by the timeouts playbook directly.
    let de = site.read("public/errors/grpc/deadline-exceeded/index.html");
    assert!(de.contains("href=\"/docs/playbooks/timeouts/\""));
    // Drop the playbook's cover of the code: no guide names it, it shares no
    // tag with one, so the featured playbook shows as a suggestion.
    site.write(
        "content/playbooks/timeouts.md",
        site.read("content/playbooks/timeouts.md").replace(
            "covers = [\"grpc:DEADLINE_EXCEEDED\"]",
            "covers = [\"503\"]",
        ),
    );
    site.build_ok();
    let de = site.read("public/errors/grpc/deadline-exceeded/index.html");
    assert!(
        de.contains("No guide covers DEADLINE_EXCEEDED yet; these may help."),
        "{de}"
    );
    assert!(de.contains("href=\"/docs/playbooks/timeouts/\""));
    // 503 is named by the playbook now, and by the compare guide.
    let p503 = site.read("public/errors/http/503/index.html");
    assert!(
        p503.contains("href=\"/docs/playbooks/timeouts/\"")
            && p503.contains("href=\"/docs/compare/503-vs-unavailable/\"")
    );
}

#[test]
fn sub_path_and_base_url_override() {
    let site = Site::fixture("basic");
    site.build_ok();
    let home = site.read("public/index.html");
    assert!(home.contains("href=\"/docs/errors/\""));
    assert!(home.contains("<link rel=\"canonical\" href=\"https://errors.example.com/docs/\">"));
    assert!(
        !home.contains("href=\"/errors/"),
        "every link honours the sub-path"
    );
    let r = site.run(&["build", "--base-url", "https://preview.example.com/pr-7/"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let page = site.read("public/errors/http/503/index.html");
    assert!(page.contains("href=\"/pr-7/errors/grpc/unavailable/#what-it-means\""));
    assert!(page.contains("https://preview.example.com/pr-7/errors/http/503/"));
}

#[test]
fn aliases_redirect() {
    let site = Site::fixture("basic");
    site.build_ok();
    let alias = site.read("public/old/503.html");
    assert!(
        alias.contains("<meta http-equiv=\"refresh\" content=\"0; url=/docs/errors/http/503/\">")
    );
    assert!(site.exists("public/http/503/index.html"));
    assert_eq!(site.read("public/_redirects"), "/docs/http/503/ /docs/errors/http/503/ 301\n/docs/old/503.html /docs/errors/http/503/ 301\n");
}

#[test]
fn feeds_sitemap_robots_codes() {
    let site = Site::fixture("basic");
    site.build_ok();
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("<url><loc>https://errors.example.com/docs/errors/http/503/</loc><lastmod>2026-10-01</lastmod></url>"));
    let feed = site.read("public/feed.xml");
    let first = feed.find("<entry>").unwrap();
    assert!(
        feed[first..].starts_with("<entry>\n    <title>Timeouts playbook</title>"),
        "newest review first: {feed}"
    );
    assert!(site
        .read("public/robots.txt")
        .contains("Sitemap: https://errors.example.com/docs/sitemap.xml"));
    insta::assert_snapshot!("codes_json", site.read("public/codes.json"));
}

#[test]
fn overdue_badge_and_warning() {
    let site = Site::fixture("basic");
    let r = site.build_ok();
    assert_eq!(
        r.diagnostics(),
        vec!["warning: 1 page is overdue for review (older than 180 days); the oldest is content/errors/grpc/deadline-exceeded.md, reviewed 2025-01-10"]
    );
    assert!(site
        .read("public/errors/grpc/deadline-exceeded/index.html")
        .contains("badge-overdue"));
    assert!(!site
        .read("public/errors/http/503/index.html")
        .contains("badge-overdue"));
    // `-v` lists the pages behind the summary, each at its `reviewed` value.
    let verbose = site.run(&["build", "-v"]);
    assert!(
        verbose.stderr.contains(
            "warning: content/errors/grpc/deadline-exceeded.md:4:12: overdue for review: reviewed 2025-01-10"
        ),
        "{}",
        verbose.stderr
    );
}

#[test]
fn drafts_are_left_out_unless_asked() {
    let site = Site::fixture("basic");
    site.write("content/errors/http/418.md", "+++\ntitle = \"Teapot\"\ncode = \"418\"\nreviewed = 2026-01-01\ndraft = true\n[[references]]\ntitle = \"RFC\"\nurl = \"https://example.com\"\n+++\nShort and stout.\n");
    site.build_ok();
    assert!(!site.exists("public/errors/http/418/index.html"));
    assert!(!site.read("public/codes.json").contains("\"418\""));
    let r = site.run(&["build", "--drafts"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(site.exists("public/errors/http/418/index.html"));
}

#[test]
fn front_matter_with_bom_crlf_and_trailing_spaces() {
    let site = Site::fixture("basic");
    site.write(
        "content/errors/http/500.md",
        "\u{feff}+++  \r\ntitle = \"Internal Server Error\"\r\ncode = \"500\"\r\nreviewed = 2026-02-03\r\n[[references]]\r\ntitle = \"RFC\"\r\nurl = \"https://example.com\"\r\n+++ \r\nBody line.\r\n",
    );
    site.build_ok();
    let p = site.read("public/errors/http/500/index.html");
    assert!(p.contains("<p>Body line.</p>"), "{p}");
}

#[test]
fn site_templates_override_the_theme_file_by_file() {
    let site = Site::fixture("basic");
    site.write(
        "templates/error.html",
        "{% extends \"base.html\" %}{% block main %}<p class=\"mine\">{{ page.code }} by {{ provider.name }}</p>{{ page.content | safe }}{% endblock main %}",
    );
    site.build_ok();
    let p = site.read("public/errors/http/503/index.html");
    assert!(p.contains("<p class=\"mine\">503 by HTTP</p>"));
    assert!(
        p.contains("<header class=\"site-header\">"),
        "base.html still comes from the theme"
    );
}

/// Listings render each item once and reuse it: a site's own `item`
/// macro, or its own list.html, must still be what every listing shows.
#[test]
fn listings_show_the_sites_item_macro_and_list_template() {
    let theme = include_str!("../../templates/macros.html");
    let start = theme.find("{% macro item(it) %}").unwrap();
    let end = theme.find("{% endmacro item %}").unwrap();
    let macros = format!(
        "{}{{% macro item(it) %}}<li class=\"mine\">{{{{ it.title }}}}</li>{}",
        &theme[..start],
        &theme[end..]
    );
    let site = Site::fixture("basic");
    site.write("templates/macros.html", &macros);
    site.build_ok();
    // Error pages list their related items the same way.
    for list in [
        "errors",
        "providers/http",
        "tags/availability",
        "errors/http/503",
    ] {
        let html = site.read(&format!("public/{list}/index.html"));
        assert!(html.contains("<li class=\"mine\">"), "{list}: {html}");
        assert!(!html.contains("class=\"item item-"), "{list}: {html}");
    }
    // A list.html of the site's own gets the items to loop over.
    site.write(
        "templates/list.html",
        "{% extends \"base.html\" %}{% block main %}{% for g in list.groups %}{% for it in g.items %}<p class=\"own\">{{ it.code }}</p>{% endfor %}{% endfor %}{% endblock main %}",
    );
    site.build_ok();
    let html = site.read("public/errors/index.html");
    assert!(html.contains("<p class=\"own\">503</p>"), "{html}");
}

/// A page's related items and backlinks are rendered once per build and
/// put into every page that lists them: each page is byte for byte what
/// the theme's own loops over `page.related` and `page.backlinks` make,
/// translations (which keep the loops) included.
#[test]
fn items_rendered_once_are_what_the_themes_loops_make() {
    let once = Site::sample();
    fs::remove_dir_all(once.path().join("templates")).unwrap();
    let looped = Site::sample();
    fs::remove_dir_all(looped.path().join("templates")).unwrap();
    // The theme's macros, showing related items by its loop alone.
    looped.write(
        "templates/macros.html",
        include_str!("../../templates/macros.html"),
    );
    for shown in ["related", "backlinks"] {
        looped.replace(
            "templates/macros.html",
            &format!("{{% if page.{shown}_html %}}{{{{ page.{shown}_html | safe }}}}{{% else %}}"),
            "{% if false %}{% else %}",
        );
    }
    let run = |site: &Site| site.run_env(&["build", "-q"], &[("SOURCE_DATE_EPOCH", "1796000000")]);
    assert_eq!(run(&once).status, 0);
    assert_eq!(run(&looped).status, 0);
    let (a, b) = (
        tree(&once.path().join("public")),
        tree(&looped.path().join("public")),
    );
    for section in ["related-errors", "referenced-by"] {
        let id = format!("id=\"{section}\"");
        let pages = a
            .iter()
            .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(&id))
            .count();
        assert!(pages >= 10, "the sample shows {section} on {pages} pages");
    }
    assert_eq!(a.len(), b.len());
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(
            x == y,
            "{path} differs:\n{}\n---\n{}",
            String::from_utf8_lossy(x),
            String::from_utf8_lossy(y)
        );
    }
}

/// Every group of the A-Z listing has an id of its own that its letter
/// links to, also for codes that begin with a symbol or a letter whose
/// capital is two letters.
#[test]
fn az_groups_have_ids_of_their_own() {
    let site = Site::fixture("basic");
    for (file, code) in [("u1", "_A1"), ("d2", "-B2"), ("p3", "+C3"), ("s4", "ßD4")] {
        site.write(
            &format!("content/errors/http/{file}.md"),
            format!("+++\ntitle = \"{code}: odd\"\ncode = \"{code}\"\nreviewed = 2026-11-01\n[[references]]\ntitle = \"RFC\"\nurl = \"https://example.com\"\n+++\nBody.\n"),
        );
    }
    site.build_ok();
    let html = site.read("public/errors/index.html");
    let ids: Vec<&str> = html
        .split("<h2 id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert!(ids.len() >= 7, "{ids:?}");
    let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    for id in &ids {
        assert!(id.len() > "letter-".len(), "{ids:?}");
        assert!(html.contains(&format!("href=\"#{id}\"")), "{id}: {html}");
    }
}

#[test]
fn static_files_and_content_assets_are_copied() {
    let site = Site::fixture("basic");
    site.write("static/robots-extra.txt", "hello");
    site.write("content/errors/http/diagram.svg", "<svg/>");
    site.write("content/errors/http/429.md", "+++\ntitle = \"Too Many\"\ncode = \"429\"\nreviewed = 2026-01-01\n[[references]]\ntitle = \"RFC\"\nurl = \"https://example.com\"\n+++\n![diagram](diagram.svg)\n");
    site.build_ok();
    assert_eq!(site.read("public/robots-extra.txt"), "hello");
    assert_eq!(site.read("public/errors/http/diagram.svg"), "<svg/>");
    assert!(site
        .read("public/errors/http/429/index.html")
        .contains("src=\"/docs/errors/http/diagram.svg\""));
}

#[test]
fn bad_command_line_exits_2() {
    let site = Site::fixture("basic");
    assert_eq!(site.run(&["build", "--no-such-flag"]).status, 2);
    // -v and -q conflict wherever each is given.
    for args in [
        ["build", "-v", "-q"],
        ["-v", "build", "-q"],
        ["-q", "build", "-v"],
        ["-q", "-v", "build"],
    ] {
        let r = site.run(&args);
        assert_eq!(r.status, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("cannot be used with"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(!site.exists("public/index.html"), "{args:?}");
    }
    assert_eq!(site.run(&["frobnicate"]).status, 2);
    assert_eq!(site.run(&["check", "--format", "xml"]).status, 2);
}

#[test]
fn check_writes_nothing_and_formats() {
    let site = Site::fixture("basic");
    let r = site.run(&["check"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!site.exists("public"));
    let r = site.run(&["check", "--deny-stale"]);
    assert_eq!(r.status, 1);
    assert_eq!(
        r.errors(),
        vec!["error: content/errors/grpc/deadline-exceeded.md:4:12: overdue for review: reviewed 2025-01-10 (685 days ago; the review interval is 180 days)"]
    );
}

#[test]
fn provider_in_refs_is_case_insensitive_and_links_count_as_first_mention() {
    let site = Site::fixture("basic");
    site.write(
        "content/compare/503-vs-unavailable.md",
        site.read("content/compare/503-vs-unavailable.md").replace("compares = [\"503\", \"grpc:unavailable\"]", "compares = [\"HTTP:503\", \"GRPC:UNAVAILABLE\"]")
            + "\nSee [the deadline page](@/errors/grpc/deadline-exceeded.md); DEADLINE_EXCEEDED is not linked again.\n",
    );
    site.build_ok();
    let html = site.read("public/compare/503-vs-unavailable/index.html");
    assert_eq!(
        html.matches("href=\"/docs/errors/grpc/deadline-exceeded/\"")
            .count(),
        1,
        "{html}"
    );
}

#[test]
fn unsafe_html_keeps_raw_html_when_the_site_asks() {
    let site = Site::fixture("basic");
    site.write(
        "site.toml",
        site.read("site.toml").replace(
            "autolink_codes = true",
            "autolink_codes = true\nunsafe_html = true",
        ),
    );
    site.build_ok();
    let html = site.read("public/guides/retry-budgets/index.html");
    assert!(html.contains("<script>alert(1)</script>"), "{html}");
    assert!(html.contains("onerror=\"alert(1)\""));
}

#[test]
fn redirects_encode_alias_paths_so_each_line_has_three_fields() {
    let site = Site::fixture("basic");
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\naliases = [\"/old page/\", \"/caf\u{e9}/\", \"/100%/\", \"/a:b*c/\"]\n+++\n\nAbout.\n",
    );
    site.build_ok();
    let redirects = site.read("public/_redirects");
    for line in redirects.lines() {
        assert_eq!(line.split_whitespace().count(), 3, "{line:?}");
    }
    for want in [
        "/docs/old%20page/ /docs/about/ 301",
        "/docs/caf%C3%A9/ /docs/about/ 301",
        "/docs/100%25/ /docs/about/ 301",
        "/docs/a%3Ab%2Ac/ /docs/about/ 301",
    ] {
        assert!(
            redirects.lines().any(|l| l == want),
            "{want} in {redirects}"
        );
    }
    for page in ["old page", "caf\u{e9}", "100%", "a:b*c"] {
        let html = site.read(&format!("public/{page}/index.html"));
        assert!(html.contains("/docs/about/"), "{page}: {html}");
    }
}

/// Summaries and provider contexts are inline markdown: code, emphasis
/// and links where the theme shows them, plain text in meta tags, the
/// feed, codes.json and search.
#[test]
fn summaries_show_their_inline_markdown_and_stay_plain_where_text_is_all() {
    let site = Site::fixture("basic");
    let page = "content/errors/http/503.md";
    site.replace(
        page,
        "+++\n",
        "+++\nsummary = \"Read the `Retry-After` header, *then* retry.\"\n",
    );
    site.replace(
        "site.toml",
        "context = \"HTTP status codes as defined by RFC 9110.\"",
        "context = \"Status codes of **RFC 9110**, see [the RFC](https://www.rfc-editor.org/rfc/rfc9110).\"",
    );
    let r = site.build();
    assert_eq!(r.status, 0, "{}", r.stderr);
    let html = |p: &str| site.read(&format!("public/{p}"));
    let shown = "Read the <code>Retry-After</code> header, <em>then</em> retry.";
    let plain = "Read the Retry-After header, then retry.";
    let page = html("errors/http/503/index.html");
    assert!(
        page.contains(&format!("<p class=\"page-summary\">{shown}</p>")),
        "header"
    );
    assert!(
        page.contains(&format!("<meta name=\"description\" content=\"{plain}\"")),
        "meta"
    );
    assert!(
        page.contains("<strong>RFC 9110</strong>, see <a href=\"https://www.rfc-editor.org/rfc/rfc9110\">the RFC</a>"),
        "provider context"
    );
    assert!(
        html("providers/http/index.html").contains(shown),
        "provider listing item"
    );
    assert!(
        html("errors/index.html").contains(shown),
        "A-Z listing item"
    );
    assert!(
        html("providers/http/index.html").contains("<strong>RFC 9110</strong>"),
        "listing context"
    );
    for (file, text) in [
        ("feed.xml", html("feed.xml")),
        ("codes.json", html("codes.json")),
    ] {
        assert!(text.contains(plain), "{file}");
        assert!(
            !text.contains("`Retry-After`") && !text.contains("&lt;code"),
            "{file}"
        );
    }
    let rows: String = (0..)
        .map(|n| format!("public/search/d/{n}.json"))
        .take_while(|p| site.exists(p))
        .map(|p| site.read(&p))
        .collect();
    assert!(rows.contains(plain), "search row");
}

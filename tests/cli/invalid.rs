//! Invalid sites: each asserts its full list of diagnostics, the exit code,
//! and that nothing was written.

use crate::harness::Site;

/// Builds `site`, expecting failure with exactly `expected` errors.
fn assert_errors(site: &Site, expected: &[&str]) {
    let r = site.build();
    assert_eq!(r.status, 1, "build should fail:\n{}", r.stderr);
    assert_eq!(r.errors(), expected, "\nfull stderr:\n{}", r.stderr);
    assert!(!r.stderr.contains("panicked") && !r.stderr.contains("RUST_BACKTRACE"));
    assert!(!site.exists("public"), "a failed build writes nothing");
}

const REFS: &str = "[[references]]\ntitle = \"R\"\nurl = \"https://example.com\"\n";

#[test]
fn broken_front_matter() {
    let site = Site::fixture("basic");
    site.write(
        "content/errors/http/400.md",
        "+++\ntitle = \"Bad Request\"\ncode = \"400\"\nreviewed = 2026-01-01\n\nNo closing line.\n",
    );
    site.write(
        "content/errors/http/401.md",
        "+++\ntitle = \"Unauthorized\ncode = \"401\"\n+++\n",
    );
    site.write(
        "content/errors/http/402.md",
        "# Payment Required\n\nNo front matter at all.\n",
    );
    site.write("content/errors/http/404.md", "---\ntitle: [unclosed\n---\n");
    site.write("content/errors/http/405.md", "---\n- a list\n---\n");
    // Refs to pages that failed to load add no second error.
    site.write(
        "content/compare/400-vs-401.md",
        "+++\ntitle = \"400 vs 401\"\nsummary = \"S.\"\ncompares = [\"http:400\", \"401\"]\nreviewed = 2026-01-01\n[[references]]\ntitle = \"R\"\nurl = \"https://example.com/\"\n+++\nBody.\n",
    );
    assert_errors(
        &site,
        &[
            "error: content/errors/http/400.md:1: front matter opened with +++ on line 1 is never closed (expected a closing +++ line)",
            "error: content/errors/http/401.md:2:22: invalid TOML front matter: invalid basic string, expected `\"`",
            "error: content/errors/http/402.md:1: expected front matter at the top of the file: a +++ line (TOML) or a --- line (YAML)",
            "error: content/errors/http/404.md:2:8: invalid YAML front matter: this [ is never closed (expected ] before line 3): did not find expected ',' or ']'",
            "error: content/errors/http/405.md:2: front matter must be a mapping of keys to values, found a list",
        ],
    );
}

#[test]
fn wrong_keys_types_and_dates() {
    let site = Site::fixture("basic");
    site.write("content/errors/http/400.md", format!("+++\ntitle = \"Bad Request\"\ncode = 0x190\nreviewed = \"2026-02-30\"\nprovder = \"http\"\ntags = \"one\"\n{REFS}+++\n"));
    site.write("content/errors/http/408.md", format!("+++\ntitle = \"Timeout\"\ncode = \"408\"\nreviewed = 2027-01-01\ndraft = \"no\"\n{REFS}+++\n"));
    site.write("content/errors/http/409.md", "+++\ntitle = \"Conflict\"\ncode = \"409\"\nreviewed = 2026-01-01T10:00:00Z\n[[references]]\ntitle = \"R\"\n+++\n");
    site.write(
        "content/errors/http/410.md",
        "---\ntitle: Gone\ncode: \"410\"\nreviewed: 26-01-01\ncompares: [\"a\", \"b\"]\n---\n",
    );
    site.write(
        "content/compare/x.md",
        "+++\ntitle = \"X\"\ncompares = [\"503\"]\nreviewed = 2026-01-01\n+++\n",
    );
    site.write(
        "content/note.md",
        "+++\ntitle = \"Note\"\nstandard = \"notes\"\n+++\n",
    );
    assert_errors(&site, &[
            "error: content/compare/x.md:1: missing required key \"summary\" (one or two sentences; inline markdown) for a compare guide",
            "error: content/compare/x.md:1: pages under the standard \"checked\" need references (requires_references = true); add [[references]] with title and url",
            "error: content/compare/x.md:3:12: \"compares\" needs at least 2 refs, found 1",
            "error: content/errors/http/400.md:3:8: \"code\" must be a quoted string, found a number (write code = \"...\" so that hex codes and leading zeros survive)",
            "error: content/errors/http/400.md:4:12: \"reviewed\": 2026-02-30 is not a real date",
            "error: content/errors/http/400.md:5:11: unknown key \"provder\" in an error page; did you mean \"provider\"? (expected one of: title, code, provider, summary, reviewed, standard, related, tags, aliases, references, draft, slug, extra; free-form values go under extra)",
            "error: content/errors/http/400.md:6:8: \"tags\" must be a list of strings, found a string",
            "error: content/errors/http/408.md:4:12: \"reviewed\" date 2027-01-01 is in the future (today is 2026-11-26)",
            "error: content/errors/http/408.md:5:9: \"draft\" must be true or false, found a string",
            "error: content/errors/http/409.md:4:12: \"reviewed\": expected a date YYYY-MM-DD, found \"2026-01-01T10:00:00Z\"",
            "error: content/errors/http/409.md:5: references[0] needs a string title and a string url",
            "error: content/errors/http/410.md:1: pages under the standard \"checked\" need references (requires_references = true); add [[references]] with title and url",
            "error: content/errors/http/410.md:4:11: \"reviewed\": expected a date YYYY-MM-DD, found \"26-01-01\"",
            "error: content/errors/http/410.md:5:11: key \"compares\" is not allowed on an error page",
            "error: content/note.md:3:12: key \"standard\" is not allowed on a plain page",
        ]);
}

#[test]
fn unknown_ambiguous_and_duplicate() {
    let site = Site::fixture("basic");
    site.write(
        "content/errors/grpc/503.md",
        format!("+++\ntitle = \"gRPC 503?\"\ncode = \"503\"\nreviewed = 2026-01-01\n{REFS}+++\n"),
    );
    site.write(
        "content/errors/http/503-again.md",
        format!("+++\ntitle = \"Again\"\ncode = \"503\"\nreviewed = 2026-01-01\n{REFS}+++\n"),
    );
    site.write(
        "content/errors/azur/x.md",
        format!("+++\ntitle = \"X\"\ncode = \"X1\"\nreviewed = 2026-01-01\n{REFS}+++\n"),
    );
    site.write("content/errors/http/504.md", format!("+++\ntitle = \"Gateway Timeout\"\ncode = \"504\"\nprovider = \"grpc\"\nreviewed = 2026-01-01\nrelated = [\"http:505\", \"azur:1\", \"DEADLINE_EXCEEDE\"]\n{REFS}+++\n"));
    site.write(
        "content/errors/http/slugless.md",
        format!("+++\ntitle = \"Slugless\"\ncode = \"__\"\nreviewed = 2026-01-01\n{REFS}+++\n"),
    );
    site.write("content/errors/http/same-url.md", format!("+++\ntitle = \"Same URL\"\ncode = \"599\"\nslug = \"503\"\nreviewed = 2026-01-01\n{REFS}+++\n"));
    site.write("content/playbooks/p.md", "+++\ntitle = \"P\"\nsummary = \"s\"\ncovers = [\"503\"]\nreviewed = 2026-01-01\nstandard = \"nope\"\n+++\n");
    site.write(
        "content/errors/http/refless.md",
        "+++\ntitle = \"No refs\"\ncode = \"498\"\nreviewed = 2026-01-01\n+++\n",
    );
    assert_errors(&site, &[
            "error: content/compare/503-vs-unavailable.md:4:12: ambiguous ref \"503\": several providers have this code (candidates: grpc:503, http:503); write provider:code",
            "error: content/errors/azur/x.md:1: unknown provider \"azur\" (known: grpc, http)",
            "error: content/errors/http/503.md:1: content/errors/http/503.md and content/errors/http/503-again.md both write /errors/http/503/index.html",
            "error: content/errors/http/503.md:3:8: duplicate code \"503\" for provider http: content/errors/http/503-again.md has it too",
            "error: content/errors/http/504.md:4:12: provider \"grpc\" does not match the folder errors/http/ this page is in",
            "error: content/errors/http/504.md:6:11: unknown provider \"azur\" in ref \"azur:1\" (known: grpc, http)",
            "error: content/errors/http/504.md:6:11: unknown ref \"DEADLINE_EXCEEDE\" (candidates: grpc:DEADLINE_EXCEEDED)",
            "error: content/errors/http/504.md:6:11: unknown ref \"http:505\" (candidates: http:503, http:599)",
            "error: content/errors/http/refless.md:1: pages under the standard \"checked\" need references (requires_references = true); add [[references]] with title and url",
            "error: content/errors/http/same-url.md:4:8: content/errors/http/same-url.md and content/errors/http/503-again.md both write /errors/http/503/index.html",
            "error: content/errors/http/slugless.md:3:8: code \"__\" has an empty URL slug (it needs a letter or digit a-z, 0-9); set slug",
            "error: content/playbooks/p.md:4:10: ambiguous ref \"503\": several providers have this code (candidates: grpc:503, http:503); write provider:code",
            "error: content/playbooks/p.md:6:12: unknown standard \"nope\" (known: checked, notes)",
        ]);
}

#[test]
fn broken_links_and_schemes() {
    let site = Site::fixture("basic");
    site.write(
        "content/guides/links.md",
        "+++\ntitle = \"Links\"\n+++\n\n## Here\n\n[a](@/errors/http/404.md)\n[b](@/errors/http/503.md#no-such-anchor)\n[c](../../outside.md)\n[d](javascript:alert(1))\n[e](/no/such/page/)\n[f](#nowhere)\n[g](#here)\n[h](/errors/)\n[i]( JaVaScRiPt:alert(1))\n![j](data:text/html,x)\n",
    );
    site.write("content/errors/http/451.md", "+++\ntitle = \"Legal\"\ncode = \"451\"\nreviewed = 2026-01-01\n[[references]]\ntitle = \"Bad\"\nurl = \"javascript:alert(1)\"\n+++\n");
    assert_errors(&site, &[
            "error: content/errors/http/451.md:7:7: references[0] url \"javascript:alert(1)\" uses a forbidden scheme (javascript:, data: and vbscript: are not allowed)",
            "error: content/guides/links.md:7:1: link to \"@/errors/http/404.md\": no page content/errors/http/404.md",
            "error: content/guides/links.md:8:1: link to \"@/errors/http/503.md#no-such-anchor\": content/errors/http/503.md has no heading or element with id \"no-such-anchor\"",
            "error: content/guides/links.md:9:1: link to \"../../outside.md\" leaves content/",
            "error: content/guides/links.md:10:1: link to \"javascript:alert(1)\" uses a forbidden scheme (javascript:, data: and vbscript: are not allowed)",
            "error: content/guides/links.md:11:1: link to \"/no/such/page/\": the built site has no such page or file",
            "error: content/guides/links.md:12:1: link to \"#nowhere\": no heading or element on this page has that id",
            "error: content/guides/links.md:15:1: link to \"JaVaScRiPt:alert(1)\" uses a forbidden scheme (javascript:, data: and vbscript: are not allowed)",
            "error: content/guides/links.md:16:1: link to \"data:text/html,x\" uses a forbidden scheme (javascript:, data: and vbscript: are not allowed)",
        ]);
}

#[test]
fn aliases_that_escape_or_collide() {
    let site = Site::fixture("basic");
    site.write(
        "content/errors/http/502.md",
        format!("+++\ntitle = \"Bad Gateway\"\ncode = \"502\"\nreviewed = 2026-01-01\naliases = [\"/../etc/passwd\", \"/a/%2e%2e/b\", \"https://evil.example/\", \"relative/path\", \"/errors/http/503/\", \"/a\\\\..\\\\b\"]\n{REFS}+++\n"),
    );
    assert_errors(&site, &[
            "error: content/errors/http/502.md:5:11: alias \"/../etc/passwd\" must not contain . or .. segments; an alias is a path on this site such as \"/old/page/\"",
            "error: content/errors/http/502.md:5:11: alias \"/a/%2e%2e/b\" holds an encoded dot, slash or percent sign; an alias is a path on this site such as \"/old/page/\"",
            "error: content/errors/http/502.md:5:11: alias \"/a\\..\\b\" holds a character not allowed in a path; an alias is a path on this site such as \"/old/page/\"",
            "error: content/errors/http/502.md:5:11: alias \"https://evil.example/\" is a URL; an alias is a path on this site such as \"/old/page/\"",
            "error: content/errors/http/502.md:5:11: alias \"relative/path\" must start with /; an alias is a path on this site such as \"/old/page/\"",
            "error: content/errors/http/502.md:5:11: the alias \"/errors/http/503/\" of content/errors/http/502.md and content/errors/http/503.md both write /errors/http/503/index.html",
        ]);
}

#[test]
fn drafts_named_by_published_pages() {
    let site = Site::fixture("basic");
    site.write("content/errors/http/418.md", format!("+++\ntitle = \"Teapot\"\ncode = \"418\"\nreviewed = 2026-01-01\ndraft = true\n{REFS}+++\n"));
    site.write("content/compare/teapot.md", "+++\ntitle = \"Teapot vs 503\"\nsummary = \"s\"\ncompares = [\"418\", \"503\"]\nreviewed = 2026-01-01\nstandard = \"notes\"\n+++\n[tea](@/errors/http/418.md)\n");
    assert_errors(&site, &[
            "error: content/compare/teapot.md:4:12: ref \"418\" names the draft page content/errors/http/418.md; publish it or remove the ref",
            "error: content/compare/teapot.md:8:1: link to \"@/errors/http/418.md\" names the draft page content/errors/http/418.md; publish it or remove the link",
        ]);
}

#[test]
fn encodings_binaries_and_symlinks() {
    let site = Site::fixture("basic");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("+++\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    site.write("content/errors/http/utf16.md", utf16);
    site.write(
        "content/errors/http/latin1.md",
        b"+++\ntitle = \"Caf\xe9\"\n+++\n",
    );
    site.write("content/errors/http/binary.md", b"\x89PNG\r\n\x1a\n\0\0\0");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "+++\ntitle = \"s\"\n+++\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        site.path().join("content/secret.md"),
    )
    .unwrap();
    // A symlinked folder inside the site is not followed, and not an error.
    std::os::unix::fs::symlink(
        site.path().join("content/errors"),
        site.path().join("content/loop"),
    )
    .unwrap();
    let r = site.build();
    let expected_secret = format!(
        "error: content/secret.md: symlink leads outside the site (to {}); copy the file into the site instead",
        outside.path().canonicalize().unwrap().join("secret.md").display()
    );
    assert_eq!(r.status, 1);
    assert_eq!(
        r.errors(),
        vec![
            "error: content/errors/http/binary.md:3: file looks binary (it holds a NUL byte); expected UTF-8 markdown".to_string(),
            "error: content/errors/http/latin1.md:2: invalid UTF-8 at byte 16; expected UTF-8 text".to_string(),
            "error: content/errors/http/utf16.md:1: file is UTF-16 encoded; save it as UTF-8".to_string(),
            expected_secret,
        ],
        "{}",
        r.stderr
    );
}

#[test]
fn broken_and_missing_templates() {
    let site = Site::fixture("basic");
    site.write(
        "templates/error.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ page.title }\n{% endblock main %}\n",
    );
    site.write(
        "templates/list.html",
        "{% include \"partials/nope.html\" %}\n",
    );
    assert_errors(&site, &[
            "error: templates/error.html:3:15: template error: expected `or`, `and`, `not`, `<=`, `>=`, `<`, `>`, `==`, `!=`, `+`, `-`, `*`, `/`, `%`, a filter, or a variable end (`}}`)",
            "error: templates/list.html:1: template error: \"partials/nope.html\" is not a template of the site or the theme",
        ]);
    let site = Site::fixture("basic");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.no_such_field }}{% endblock main %}",
    );
    assert_errors(&site, &["error: templates/page.html:1:45: template error: Variable `page.no_such_field` not found in context while rendering 'page.html' (rendering content/about.md and 1 other page)"]);
}

#[test]
fn unknown_key_in_site_toml() {
    let site = Site::fixture("basic");
    site.write(
        "site.toml",
        site.read("site.toml")
            .replace("review_interval_days = 180", "reveiw_interval_days = 180"),
    );
    assert_errors(
        &site,
        &["error: site.toml:4:1: unknown key `reveiw_interval_days`, expected one of `title`, `base_url`, `description`, `language`, `review_interval_days`, `default_standard`, `output_dir`, `overdue_page`, `markdown`, `providers`, `standards`, `decision_support`, `urls`, `theme`, `languages`, `extra`"],
    );
}

#[test]
fn pathological_markdown_is_bounded() {
    let site = Site::fixture("basic");
    let deep = "> ".repeat(10_000) + "deep\n";
    site.write(
        "content/deep.md",
        format!("+++\ntitle = \"Deep\"\n+++\n{deep}"),
    );
    let lists: String = (0..10_000)
        .map(|i| format!("{}- item\n", "  ".repeat(i)))
        .collect();
    site.write(
        "content/lists.md",
        format!("+++\ntitle = \"Lists\"\n+++\n{lists}"),
    );
    // Raw HTML: 100,000 nested elements (the sanitizer's parser takes
    // time in the depth for every tag), and deep but bounded nesting, many
    // times over, which builds.
    site.write(
        "content/divs.md",
        format!(
            "+++\ntitle = \"Divs\"\n+++\nText.\n\n{}x{}\n",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        ),
    );
    let bounded = format!("{}x{}\n\n", "<div>".repeat(500), "</div>".repeat(500));
    site.write(
        "content/bounded.md",
        format!("+++\ntitle = \"Bounded\"\n+++\n{}", bounded.repeat(100)),
    );
    let start = std::time::Instant::now();
    let r = site.build();
    assert!(start.elapsed().as_secs() < 30, "took {:?}", start.elapsed());
    assert_eq!(r.status, 1);
    assert_eq!(
        r.errors(),
        [
            "error: content/deep.md:4: markdown nested more than 100 levels deep (lists or quotes inside each other); flatten it",
            "error: content/divs.md:6: raw HTML nested more than 512 elements deep; browsers stop there too: close elements or flatten it",
            "error: content/lists.md:54: markdown nested more than 100 levels deep (lists or quotes inside each other); flatten it",
        ]
    );
}

#[test]
fn huge_pages_build() {
    let site = Site::fixture("basic");
    let para = "A sentence about DEADLINE_EXCEEDED and retries. ".repeat(20) + "\n\n";
    site.write(
        "content/big.md",
        format!(
            "+++\ntitle = \"Big\"\n+++\n{}",
            para.repeat(5_000_000 / para.len())
        ),
    );
    site.write(
        "content/longline.md",
        format!(
            "+++\ntitle = \"Long line\"\n+++\n```json\n{}\n```\n",
            "[1,".repeat(2_000_000 / 3)
        ),
    );
    let start = std::time::Instant::now();
    site.build_ok();
    assert!(start.elapsed().as_secs() < 30, "took {:?}", start.elapsed());
    assert!(site.read("public/longline/index.html").contains("[1,[1,"));
}

#[test]
fn recursive_macros_and_includes_are_refused_not_overflowed() {
    let site = Site::fixture("basic");
    site.write(
        "templates/macros2.html",
        "{% macro down(n) %}\n{{ self::down(n=n) }}\n{% endmacro down %}\n",
    );
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% import \"macros2.html\" as m2 %}{% block main %}{{ m2::down(n=1) }}{% endblock main %}",
    );
    site.write("templates/loop.html", "{% include \"loop.html\" %}\n");
    assert_errors(
        &site,
        &[
            "error: templates/loop.html:1: template error: template \"loop.html\" includes itself (loop.html -> loop.html); recursion is not supported, as it could run without end",
            "error: templates/macros2.html:1: template error: macro \"down\" calls itself (macros2.html::down -> macros2.html::down); recursion is not supported, as it could run without end",
        ],
    );
}

#[test]
fn root_relative_links_in_templates_are_checked() {
    let site = Site::fixture("basic");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}\n<a href=\"/errors/\">ok</a> <a href=\"/docs/compare/\">ok</a>\n<a href=\"/nope/\">broken</a> <a href=\"{{ site.home }}\">ok</a>\n{% endblock main %}",
    );
    assert_errors(&site, &["error: templates/404.html:3: link to \"/nope/\": the built site has no such page or file"]);
}

#[test]
fn outputs_colliding_after_slugging_and_case_folding() {
    let site = Site::fixture("basic");
    site.write("static/Errors/HTTP/503/index.html", "mine");
    // The same path replaces the generated file; another case collides.
    site.write("static/Sitemap.xml", "<urlset/>");
    site.write("content/About.md", "+++\ntitle = \"About again\"\n+++\n");
    site.write(
        "content/guides/Retry Budgets!.md",
        "+++\ntitle = \"Budgets\"\n+++\n",
    );
    assert_errors(
        &site,
        &[
            "error: content/about.md:1: content/about.md and content/About.md both write /about/index.html",
            "error: content/guides/retry-budgets.md:1: content/guides/retry-budgets.md and content/guides/Retry Budgets!.md both write /guides/retry-budgets/index.html",
            "error: static/Errors/HTTP/503/index.html: static/Errors/HTTP/503/index.html and content/errors/http/503.md both write /Errors/HTTP/503/index.html",
            "error: static/Sitemap.xml: static/Sitemap.xml and the sitemap both write /Sitemap.xml",
        ],
    );
}

#[test]
fn an_empty_references_list_does_not_satisfy_the_standard() {
    let site = Site::fixture("basic");
    site.write(
        "content/errors/http/500.md",
        "+++\ntitle = \"Internal\"\ncode = \"500\"\nreviewed = 2026-01-01\nreferences = []\n+++\n",
    );
    assert_errors(
        &site,
        &["error: content/errors/http/500.md:1: pages under the standard \"checked\" need references (requires_references = true); add [[references]] with title and url"],
    );
}

/// A template that loads but fails on the site's data (a macro it calls is
/// gone) fails `check` as it fails `build`, not only when it is rendered.
#[test]
fn check_finds_the_template_errors_a_build_meets() {
    let site = Site::fixture("basic");
    site.write(
        "templates/macros.html",
        "{% macro nothing() %}{% endmacro nothing %}\n",
    );
    let check = site.run(&["check"]);
    let build = site.run(&["build"]);
    assert_eq!((check.status, build.status), (1, 1), "{}", check.stderr);
    for template in [
        "error.html",
        "compare.html",
        "playbook.html",
        "page.html",
        "list.html",
        "home.html",
    ] {
        let line = format!("templates/{template} (built-in theme): template error: Macro");
        assert!(check.stderr.contains(&line), "{line}\n{}", check.stderr);
        assert!(build.stderr.contains(&line), "{line}\n{}", build.stderr);
    }
}

/// A diagnostic points at the key the parser read, not at a line inside a
/// multi-line string that only looks like it.
#[test]
fn diagnostics_point_past_key_like_lines_in_multi_line_strings() {
    let site = Site::fixture("basic");
    site.write(
        "content/errors/http/409.md",
        "+++\ntitle = \"Lit\"\ncode = \"409\"\nsummary = \"\"\"\nreviewed = 2020-01-01\n\"\"\"\nreviewed = 2099-03-03\n[[references]]\ntitle = \"RFC\"\nurl = \"https://example.com\"\n+++\nBody.\n",
    );
    let r = site.run(&["check"]);
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "error: content/errors/http/409.md:7:12: \"reviewed\" date 2099-03-03 is in the future"
        ),
        "{}",
        r.stderr
    );
}

/// A variable missing in a macro is reported where the macro uses it, in
/// the site's macros.html, not in the built-in template that called it.
#[test]
fn a_missing_variable_in_a_macro_is_reported_in_the_macros_file() {
    let site = Site::fixture("basic");
    let theme = include_str!("../../templates/macros.html");
    site.write(
        "templates/macros.html",
        theme.replace(
            "{% macro edit_link(page) %}",
            "{% macro edit_link(page) %}{{ no_such_thing.x }}",
        ),
    );
    let line = theme
        .lines()
        .position(|l| l.starts_with("{% macro edit_link(page) %}"))
        .unwrap()
        + 1;
    let r = site.run(&["check"]);
    assert_eq!(r.status, 1, "{}", r.stderr);
    let expected = format!(
        "error: templates/macros.html:{line}:31: template error: error while rendering macro `m::edit_link`: Variable `no_such_thing.x` not found"
    );
    assert!(r.stderr.contains(&expected), "{expected}\n{}", r.stderr);
    assert!(!r.stderr.contains("(built-in theme)"), "{}", r.stderr);
}

/// `templates/faultbook/` holds the templates faultbook makes from the
/// theme's macros: a site file there is refused by name, at check and at
/// build, instead of silently replacing every listing's items.
#[test]
fn templates_in_faultbooks_own_folder_are_refused() {
    for name in ["item.html", "backlink.html", "other.html"] {
        let site = Site::fixture("basic");
        site.write(
            &format!("templates/faultbook/{name}"),
            "HIJACK {{ it.title }}",
        );
        for command in ["check", "build"] {
            let r = site.run(&[command]);
            assert_eq!(r.status, 1, "{command}: {}", r.stderr);
            let expected = format!(
                "error: templates/faultbook/{name}: templates/faultbook/ is faultbook's own"
            );
            assert!(r.stderr.contains(&expected), "{command}: {}", r.stderr);
        }
        assert!(!site.exists("public/errors/index.html"));
    }
}

/// A SOURCE_DATE_EPOCH that is not a date stops every command with a
/// message, instead of building as of the clock or of 1970.
#[test]
fn a_source_date_epoch_that_is_not_a_date_is_an_error() {
    let site = Site::fixture("basic");
    for value in ["abc", "1.5e9", "253402300800", "", "-1"] {
        for command in ["check", "build"] {
            let r = site.run_env(&[command], &[("SOURCE_DATE_EPOCH", value)]);
            assert_eq!(r.status, 1, "{command} with {value:?}: {}", r.stderr);
            assert!(
                r.stderr
                    .contains(&format!("SOURCE_DATE_EPOCH=\"{value}\" is not a date")),
                "{command} with {value:?}: {}",
                r.stderr
            );
        }
    }
    assert!(!site.exists("public"));
    let r = site.run_env(&["check"], &[("SOURCE_DATE_EPOCH", " 1795651200 ")]);
    assert_eq!(r.status, 0, "{}", r.stderr);
}

//! `[theme]` in site.toml: logo, favicon, footer, header links and "Edit
//! this page", on every page the built-in theme writes, under the site's
//! sub-path; and each setting checked at its line.

use crate::harness::{tree, Site};

const THEME: &str = r#"
[theme]
logo = "img/logo.svg"
favicon = "https://cdn.example.net/icon.png"
footer = "© 2026 Fixture Corp. Text under [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)."
edit_url = "https://github.com/acme/kb/edit/main/docs/{path}"

[[theme.nav]]
title = "Status"
url = "https://status.example.net/"

[[theme.nav]]
title = "About us"
url = "about/"
"#;

fn themed() -> Site {
    let site = Site::fixture("basic");
    let toml = site.read("site.toml");
    site.write("site.toml", format!("{toml}{THEME}"))
        .write("static/img/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
        .write(
            "content/errors/http/429 too many.md",
            "---\ntitle: Too Many Requests\ncode: \"429\"\nprovider: http\nsummary: Slow down.\nreviewed: 2026-11-01\nreferences:\n  - title: RFC 6585\n    url: https://www.rfc-editor.org/rfc/rfc6585\n---\nBody.\n",
        );
    site
}

#[test]
fn theme_settings_show_on_every_page_under_the_sub_path() {
    let site = themed();
    site.build_ok();
    let pages: Vec<(String, String)> = tree(&site.path().join("public"))
        .into_iter()
        .filter(|(p, _)| {
            p.ends_with(".html")
                && !site
                    .read(&format!("public/{p}"))
                    .contains("http-equiv=\"refresh\"")
        })
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect();
    assert!(pages.len() > 10, "{} pages", pages.len());
    for (path, html) in &pages {
        for (what, needle) in [
            (
                "logo",
                r#"<img class="site-logo" src="/docs/img/logo.svg" alt="""#,
            ),
            (
                "favicon",
                r#"<link rel="icon" href="https://cdn.example.net/icon.png">"#,
            ),
            (
                "footer",
                r#"© 2026 Fixture Corp. Text under <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>."#,
            ),
            (
                "external nav link",
                r#"<a href="https://status.example.net/">Status</a>"#,
            ),
            ("site nav link", r#"<a href="/docs/about/">About us</a>"#),
        ] {
            assert!(html.contains(needle), "{path}: no {what} ({needle})");
        }
        assert!(
            !html.contains("data:image/svg+xml"),
            "{path}: the built-in icon is still there"
        );
    }
    // Every page written from a file links its source; listings do not.
    let edit = |rel: &str| {
        let html = site.read(rel);
        html.split("<p class=\"edit-link\"><a href=\"")
            .nth(1)
            .map(|rest| rest.split('"').next().unwrap().to_string())
    };
    let base = "https://github.com/acme/kb/edit/main/docs/";
    for (page, file) in [
        ("errors/http/503/index.html", "content/errors/http/503.md"),
        (
            "errors/grpc/deadline-exceeded/index.html",
            "content/errors/grpc/deadline-exceeded.md",
        ),
        (
            "compare/503-vs-unavailable/index.html",
            "content/compare/503-vs-unavailable.md",
        ),
        (
            "playbooks/timeouts/index.html",
            "content/playbooks/timeouts.md",
        ),
        ("about/index.html", "content/about.md"),
        (
            "errors/http/429/index.html",
            "content/errors/http/429%20too%20many.md",
        ),
    ] {
        assert_eq!(
            edit(&format!("public/{page}")),
            Some(format!("{base}{file}")),
            "{page}"
        );
    }
    for listing in [
        "index.html",
        "errors/index.html",
        "providers/http/index.html",
        "search/index.html",
    ] {
        assert_eq!(edit(&format!("public/{listing}")), None, "{listing}");
    }
}

#[test]
fn without_theme_settings_the_built_in_look_stays() {
    let site = Site::fixture("basic");
    site.build_ok();
    let html = site.read("public/errors/http/503/index.html");
    assert!(html.contains(r#"<link rel="icon" href="data:image/svg+xml"#));
    assert!(!html.contains("site-logo"));
    assert!(!html.contains("edit-link"));
    assert!(html.contains("<p>Fixture Atlas · A small site for tests.</p>"));
}

#[test]
fn theme_settings_are_checked_at_their_line() {
    let site = Site::fixture("basic");
    let toml = site.read("site.toml");
    let lines = toml.lines().count();
    // (setting, its line that is wrong, what the error says)
    let settings = [
        (
            "favicon = \"data:image/png;base64,AAAA\"",
            1,
            "favicon \"data:image/png;base64,AAAA\": give an http(s) URL",
        ),
        (
            "edit_url = \"https://github.com/acme/kb/edit/main/\"",
            1,
            "it must contain {path}",
        ),
        (
            "logo = \"../secret.svg\"",
            1,
            "logo \"../secret.svg\": give a file in static/",
        ),
        (
            "[[theme.nav]]\ntitle = \"Run\"\nurl = \"javascript:alert(1)\"",
            3,
            "nav url \"javascript:alert(1)\": give an http(s) URL",
        ),
        (
            "[[theme.nav]]\ntitle = \"Up\"\nurl = \"../../etc/passwd\"",
            3,
            "nav url \"../../etc/passwd\": \"..\" would leave the site",
        ),
        (
            "[[theme.nav]]\ntitle = \"File\"\nurl = \"@/errors/http/503.md\"",
            3,
            "give the page's URL path",
        ),
        (
            "[[theme.nav]]\ntitle = \"Slash\"\nurl = \"/\\\\evil.example/\"",
            3,
            "backslashes and control characters are not allowed",
        ),
        (
            "[[theme.nav]]\ntitle = \"Tab\"\nurl = \"/\\t/evil.example\"",
            3,
            "backslashes and control characters are not allowed",
        ),
        (
            "[[theme.nav]]\ntitle = \"\"\nurl = \"about/\"",
            2,
            "nav title \"\": a link needs a title",
        ),
    ];
    for (setting, wrong, words) in settings {
        let table = if setting.starts_with("[[") {
            ""
        } else {
            "[theme]\n"
        };
        site.write("site.toml", format!("{toml}\n{table}{setting}\n"));
        let r = site.run(&["check"]);
        assert_eq!(r.status, 1, "{setting}: {}", r.stderr);
        let at = format!("site.toml:{}:", lines + 1 + table.lines().count() + wrong);
        assert!(
            r.errors()
                .iter()
                .any(|e| e.contains(&at) && e.contains(words)),
            "{setting}: no error at {at} saying {words:?}:\n{}",
            r.stderr
        );
    }
    // Every scheme that runs code is refused in every URL setting.
    for key in ["edit_url", "logo", "favicon"] {
        for url in [
            "javascript:alert(1)//{path}",
            " JavaScript:alert(1)",
            "data:text/html,x{path}",
            "vbscript:x{path}",
        ] {
            site.write("site.toml", format!("{toml}\n[theme]\n{key} = \"{url}\"\n"));
            let r = site.run(&["check"]);
            assert_eq!(r.status, 1, "{key} = {url}: {}", r.stderr);
        }
    }
    // The missing logo is found with the static files, at its column.
    site.write(
        "site.toml",
        format!("{toml}\n[theme]\nlogo = \"missing.svg\"\n"),
    );
    let r = site.run(&["build"]);
    assert_eq!(r.status, 1, "{}", r.stderr);
    let at = format!("site.toml:{}:8:", lines + 3);
    assert!(
        r.errors().iter().any(|e| e.contains(&at)
            && e.contains("[theme] logo \"missing.svg\" is not a file in static/")),
        "{}",
        r.stderr
    );
    assert!(!site.exists("public"), "a failed build wrote its output");
}

/// A static file may be named as it sits in the site (`static/…`, `./…`);
/// a site path in the header keeps its query and fragment.
#[test]
fn theme_paths_are_read_as_writers_write_them() {
    let site = Site::fixture("basic");
    let toml = site.read("site.toml");
    site.write("static/img/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
        .write("static/icon.png", "png")
        .write(
            "site.toml",
            format!("{toml}\n[theme]\nlogo = \"static/img/logo.svg\"\nfavicon = \"./icon.png\"\nfooter = \"   \"\n\n[[theme.nav]]\ntitle = \"Top\"\nurl = \"about/?a=1#top\"\n\n[[theme.nav]]\ntitle = \"Up\"\nurl = \"HTTPS://Up.example/\"\n"),
        );
    site.build_ok();
    let html = site.read("public/errors/http/503/index.html");
    for needle in [
        r#"<img class="site-logo" src="/docs/img/logo.svg""#,
        r#"<link rel="icon" href="/docs/icon.png">"#,
        r#"<a href="/docs/about/?a=1#top">Top</a>"#,
        r#"<a href="HTTPS://Up.example/">Up</a>"#,
        "<p>Fixture Atlas · A small site for tests.</p>",
    ] {
        assert!(html.contains(needle), "no {needle}");
    }
}

/// Providers are told apart by key wherever the theme groups or filters
/// them, so two providers of one name stay two.
#[test]
fn providers_of_one_name_stay_apart() {
    let site = Site::fixture("basic");
    site.replace(
        "site.toml",
        "review_interval_days = 180",
        "review_interval_days = 180\noverdue_page = true",
    );
    let toml = site.read("site.toml");
    site.write(
        "site.toml",
        format!("{toml}\n[providers.dup1]\nname = \"Dup\"\n\n[providers.dup2]\nname = \"Dup\"\n"),
    );
    for key in ["dup1", "dup2"] {
        site.write(
            &format!("content/errors/{key}/e1.md"),
            "+++\ntitle = \"One\"\ncode = \"E1\"\nreviewed = 2024-01-01\nreferences = [{ title = \"R\", url = \"https://example.com/r\" }]\n+++\nBody.\n",
        );
    }
    site.build_ok();
    let az = site.main_of("public/errors/index.html");
    for key in ["dup1", "dup2"] {
        assert!(
            az.contains(&format!("data-provider=\"{key}\">Dup</button>")),
            "{az}"
        );
        assert_eq!(
            az.matches(&format!(
                "<li class=\"item item-error\" data-provider=\"{key}\">"
            ))
            .count(),
            1
        );
    }
    let overdue = site.main_of("public/overdue/index.html");
    for key in ["dup1", "dup2"] {
        assert_eq!(
            overdue
                .matches(&format!("<h2 id=\"group-{key}\">Dup</h2>"))
                .count(),
            1,
            "{overdue}"
        );
    }
}

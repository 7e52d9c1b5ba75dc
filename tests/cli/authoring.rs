//! `check`, `new`, `init` and the command-line conventions.

use crate::harness::{copy_dir, Site};

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

/// GitHub places an annotation by its path from the repository's top: a
/// site in `docs/` of a repository gets `docs/` before its paths, unless
/// told otherwise.
#[test]
fn github_annotations_name_files_from_the_repository_top() {
    let repo = Site::empty();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    copy_dir(site_with_errors().path(), &repo.path().join("docs/kb"));
    let files = |args: &[&str]| -> Vec<String> {
        let r = repo.run(args);
        assert_eq!(r.status, 1, "{}", r.stderr);
        r.stdout
            .lines()
            .filter_map(|l| l.split("file=").nth(1))
            .map(|rest| rest.split(',').next().unwrap_or("").to_string())
            .collect()
    };
    let placed = files(&["check", "--format", "github", "--root", "docs/kb"]);
    assert!(!placed.is_empty());
    for f in &placed {
        assert!(f.starts_with("docs/kb/content/"), "{f}");
        assert!(
            repo.exists(f),
            "{f} is not a path from the repository's top"
        );
    }
    let given = files(&[
        "check",
        "--format",
        "github",
        "--root",
        "docs/kb",
        "--path-prefix",
        "",
    ]);
    assert!(given.iter().all(|f| f.starts_with("content/")), "{given:?}");
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
        "error: unknown provider \"htp\" (known: grpc, http); add it to site.toml first:\n\n[providers.htp]\nname = \"Htp\"\ncontext = \"What Htp errors are and where they come from.\"\n\n"
    );
    // The table it suggests, pasted into site.toml, is what was missing.
    let table = &r.stderr[r.stderr.find("[providers.").unwrap()..];
    site.write("site.toml", site.read("site.toml") + "\n" + table);
    let r = site.run(&["new", "error", "htp", "418"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(site.run(&["check"]).status, 0);
    site.remove("content/errors/htp/418.md");
    // A provider that differs only in case is named, not added again.
    let r = site.run(&["new", "error", "HTTP", "418"]);
    assert_eq!(r.status, 1);
    assert_eq!(
        r.stderr,
        "error: unknown provider \"HTTP\"; provider keys are case-sensitive: did you mean \"http\"?\n"
    );
    // A name that needs quoting in TOML is quoted.
    let r = site.run(&["new", "error", "a\"b", "1"]);
    let table = &r.stderr[r.stderr.find("[providers.").unwrap()..];
    let parsed: toml::Table = toml::from_str(table).unwrap_or_else(|e| panic!("{e}\n{table}"));
    assert_eq!(parsed["providers"]["a\"b"]["name"].as_str(), Some("A\"b"));
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
    // The output folder is kept out of version control.
    assert_eq!(parent.read("kb/.gitignore"), "/public/\n");
    let again = parent.run(&["init", "kb"]);
    assert_eq!(again.status, 1);
    assert!(again.stderr.contains("is not empty"), "{}", again.stderr);
}

/// Run from a folder inside a site without `--root`, every command finds
/// the site in the nearest folder above that holds site.toml, as git does.
#[test]
fn commands_run_inside_a_site_find_its_root() {
    let site = Site::fixture("basic");
    let inside = site.path().join("content/errors/http");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_faultbook"))
            .args(args)
            .current_dir(&inside)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let check = run(&["check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let build = run(&["build", "-q"]);
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(site.exists("public/errors/http/503/index.html"));
    assert!(!inside.join("public").exists());
    let new = run(&["new", "error", "http", "418"]);
    assert!(
        new.status.success(),
        "{}",
        String::from_utf8_lossy(&new.stderr)
    );
    assert!(site.exists("content/errors/http/418.md"));
    // The path printed leads to the file from here.
    let printed = String::from_utf8_lossy(&new.stdout).trim().to_string();
    assert!(inside.join(&printed).is_file(), "{printed}");
    // A --root given is taken as it is, however it is spelled.
    for root in [".", "./"] {
        let named = run(&["check", "--root", root]);
        assert_eq!(named.status.code(), Some(1), "--root {root}");
        assert!(
            String::from_utf8_lossy(&named.stderr).contains("no site.toml"),
            "{}",
            String::from_utf8_lossy(&named.stderr)
        );
    }
    // A folder named site.toml is not a site.
    std::fs::create_dir(inside.join("site.toml")).unwrap();
    let check = run(&["check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    std::fs::remove_dir(inside.join("site.toml")).unwrap();
    // Outside any site, the error says so.
    let outside = Site::empty().run(&["check"]);
    assert_eq!(outside.status, 1);
    assert!(
        outside.stderr.contains("no site.toml"),
        "{}",
        outside.stderr
    );
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

/// Editors' report: the pages overdue for review, oldest first, in groups,
/// as a table and in JSON; content errors come first.
#[test]
fn check_overdue_reports_pages_oldest_first_in_groups() {
    let site = Site::fixture("basic");
    let page = "content/errors/http/503.md";
    site.replace(page, "reviewed = 2026-10-01", "reviewed = 2024-06-01");
    let r = site.run(&["check", "--overdue"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "2 pages overdue for review (the review interval is 180 days)\n\
         \n\
         grpc (1)\n  2025-01-10  685 days  content/errors/grpc/deadline-exceeded.md  Deadline exceeded\n\
         \n\
         http (1)\n  2024-06-01  908 days  content/errors/http/503.md                Service Unavailable\n"
    );
    let r = site.run(&[
        "check",
        "--overdue",
        "--group-by",
        "standard",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report["overdue"], 2);
    let groups = report["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "{report:#}");
    let ages: Vec<i64> = groups
        .iter()
        .flat_map(|g| g["pages"].as_array().unwrap().iter())
        .map(|p| p["age_days"].as_i64().unwrap())
        .collect();
    assert_eq!(
        ages,
        [908, 685],
        "checked (503) before notes, each oldest first"
    );
    assert_eq!(groups[0]["name"], "checked");
    assert_eq!(groups[0]["pages"][0]["code"], "503");
    // --deny-stale makes any overdue page fail the report too; the report
    // is still the table, not a diagnostic per page.
    let r = site.run(&["check", "--overdue", "--deny-stale"]);
    assert_eq!(r.status, 1);
    assert!(r.stdout.starts_with("2 pages overdue"), "{}", r.stdout);
    assert!(!r.stderr.contains("overdue for review:"), "{}", r.stderr);
    assert_eq!(
        site.run(&["check", "--overdue", "--format", "github"])
            .status,
        2
    );
    // A site with errors reports them, not the table.
    site.write("content/errors/http/bad.md", "+++\nbroken\n+++\n");
    let r = site.run(&["check", "--overdue"]);
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains("content/errors/http/bad.md"),
        "{}",
        r.stderr
    );
    assert!(!r.stdout.contains("overdue for review ("), "{}", r.stdout);
}

/// One day is "1 day" in every overdue message; pages without a provider
/// come last in the editors' report, as on the site's overdue page.
#[test]
fn overdue_messages_count_days_and_end_with_pages_without_a_provider() {
    let site = Site::fixture("basic");
    site.replace(
        "site.toml",
        "review_interval_days = 180",
        "review_interval_days = 1",
    );
    let r = site.run(&["check"]);
    assert!(r.stderr.contains("(older than 1 day)"), "{}", r.stderr);
    assert!(
        r.stderr.contains("the review interval is 1 day)"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(" 1 days"), "{}", r.stderr);
    let r = site.run(&["check", "--overdue"]);
    assert!(
        r.stdout.contains("(the review interval is 1 day)"),
        "{}",
        r.stdout
    );
    let groups: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| !l.starts_with(' ') && l.ends_with(')') && l.contains(" ("))
        .skip(1)
        .collect();
    assert_eq!(
        groups.last().map(|g| g.starts_with("(no provider)")),
        Some(true),
        "{}",
        r.stdout
    );
    assert!(groups.len() >= 3, "{}", r.stdout);
}

/// `overdue_page = true` publishes the same list as `check --overdue`:
/// oldest first within each provider, providers by name, guides after
/// them; linked from every footer, left out of the sitemap; the URL is the
/// site's own, so a page of content on it is a collision.
#[test]
fn overdue_page_lists_what_check_overdue_reports() {
    let site = Site::fixture("basic");
    site.replace(
        "content/errors/http/503.md",
        "reviewed = 2026-10-01",
        "reviewed = 2024-06-01",
    );
    let playbook = "content/playbooks/timeouts.md";
    let old = site.read(playbook);
    let reviewed = old
        .lines()
        .find(|l| l.starts_with("reviewed"))
        .expect("the playbook is reviewed")
        .to_string();
    site.write(playbook, old.replace(&reviewed, "reviewed = 2025-01-01"));
    site.build_ok();
    assert!(
        !site.exists("public/overdue/index.html"),
        "published without overdue_page"
    );

    site.replace(
        "site.toml",
        "review_interval_days = 180",
        "review_interval_days = 180\noverdue_page = true",
    );
    site.build_ok();
    let main = site.main_of("public/overdue/index.html");
    let rows: Vec<(String, String)> = main
        .split("<tr><td><time datetime=\"")
        .skip(1)
        .map(|row| {
            let date = row.split('"').next().unwrap().to_string();
            let href = row
                .split("<a href=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_string();
            (date, href)
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "2025-01-10".to_string(),
                "/docs/errors/grpc/deadline-exceeded/".to_string()
            ),
            (
                "2024-06-01".to_string(),
                "/docs/errors/http/503/".to_string()
            ),
            (
                "2025-01-01".to_string(),
                "/docs/playbooks/timeouts/".to_string()
            ),
        ],
        "gRPC, then HTTP, then the playbooks:\n{main}"
    );
    let headings: Vec<&str> = main
        .split("<h2 id=\"")
        .skip(1)
        .map(|h| h.split('>').nth(1).unwrap().trim_end_matches("</h2"))
        .collect();
    assert_eq!(headings, ["gRPC", "HTTP", "Playbooks"]);
    // Guides' groups cannot take a provider's id (a provider keyed
    // "playbook" has group-playbook; the playbooks, guides-playbook).
    assert!(
        main.contains("<h2 id=\"group-grpc\">") && main.contains("<h2 id=\"guides-playbook\">"),
        "{main}"
    );
    assert!(
        main.contains("<p class=\"list-count\" aria-live=\"polite\">3 pages</p>"),
        "{main}"
    );
    for file in ["public/index.html", "public/errors/http/503/index.html"] {
        assert!(
            site.read(file)
                .contains("<a href=\"/docs/overdue/\">Overdue reviews</a>"),
            "{file}"
        );
    }
    assert!(!site.read("public/sitemap.xml").contains("/overdue/"));

    site.write(
        "content/overdue.md",
        "+++\ntitle = \"Overdue\"\n+++\nBody.\n",
    );
    let r = site.build();
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("content/overdue.md") && r.stderr.contains("the page of overdue reviews"),
        "{}",
        r.stderr
    );
}

/// A reader that stops reading (`| head`) ends the output quietly; the
/// command still exits with its own status.
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let site = Site::fixture("basic");
    let broken = Site::fixture("basic");
    broken.write("content/errors/http/bad.md", "+++\nbroken\n+++\n");
    let cases: [(&Site, &[&str], i32); 6] = [
        (&site, &["check", "--format", "json"], 0),
        (&site, &["check", "--overdue"], 0),
        (&site, &["build"], 0),
        (&site, &["completions", "zsh"], 0),
        (&broken, &["check", "--format", "json"], 1),
        (&broken, &["check", "--format", "github"], 1),
    ];
    for (site, args, status) in cases {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_faultbook"))
            .args(args)
            .current_dir(site.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reading end closes before the command writes.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(status), "{args:?}: {stderr}");
    }
}

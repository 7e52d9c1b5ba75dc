//! Large-site behaviour that a small site cannot show by itself: phase
//! timings, progress on a terminal, and bodies read again past the memory
//! budget giving the same site.

use std::process::Command;

use crate::harness::{tree, Site};

const PHASES: [&str; 7] = [
    "load", "graph", "markdown", "output", "search", "render", "write",
];

#[test]
fn timings_list_every_phase_on_stderr_only() {
    let site = Site::sample();
    let r = site.run(&["build", "--timings"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("Built ") && r.stdout.lines().count() == 1,
        "stdout keeps its one summary line: {}",
        r.stdout
    );
    // The phases come last on stderr, after the diagnostics.
    let names: Vec<&str> = r
        .stderr
        .lines()
        .skip_while(|l| !l.starts_with("phase"))
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let mut expected: Vec<&str> = PHASES.to_vec();
    expected.push("total");
    assert_eq!(names, expected, "{}", r.stderr);
    // Each phase line: wall seconds, CPU seconds, peak memory.
    let render = r.stderr.lines().find(|l| l.starts_with("render")).unwrap();
    assert!(
        render.contains(" s ") && render.ends_with(" MB"),
        "{render}"
    );

    let plain = site.build_ok();
    assert!(!plain.stderr.contains("phase"), "{}", plain.stderr);
    let verbose = site.run(&["build", "-v"]);
    assert!(verbose.stderr.contains("\nrender "), "{}", verbose.stderr);
    let quiet = site.run(&["build", "-q", "--timings"]);
    assert!(quiet.stderr.contains("\nrender "), "{}", quiet.stderr);
}

#[test]
fn progress_shows_on_a_terminal_and_never_in_a_log() {
    // Enough pages for a build of several progress ticks.
    let site = Site::sample();
    for i in 0..3000 {
        site.write(
            &format!("content/notes/n{i}.md"),
            format!("+++\ntitle = \"Note {i}\"\n+++\n\n## Part {i}\n\nText of note {i}.\n"),
        );
    }
    let env = [("FAULTBOOK_PROGRESS_AFTER_MS", "0")];
    let piped = site.run_env(&["build"], &env);
    assert_eq!(piped.status, 0, "{}", piped.stderr);
    assert!(
        !piped.stderr.contains('\r') && !piped.stderr.contains("\x1b["),
        "progress reached a pipe: {:?}",
        piped.stderr
    );

    // `script` (util-linux) gives the build a terminal.
    let exe = env!("CARGO_BIN_EXE_faultbook");
    let out = Command::new("script")
        .args(["-qec", &format!("'{exe}' build"), "/dev/null"])
        .current_dir(site.path())
        .env("SOURCE_DATE_EPOCH", crate::harness::TODAY_EPOCH)
        .env("FAULTBOOK_PROGRESS_AFTER_MS", "0")
        .output()
        .expect("script (util-linux) runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        PHASES
            .iter()
            .any(|p| text.contains(&format!("\r\x1b[2K{p}"))),
        "no progress line on the terminal: {text:?}"
    );
    assert!(text.contains("Built "), "{text:?}");
}

#[test]
fn reading_bodies_again_past_the_budget_builds_the_same_site() {
    for site in [Site::sample(), Site::fixture("scripts")] {
        // Bytes the load step changes before it finds the body: a BOM,
        // CRLF line ends and a control character, with text right after
        // the front matter.
        site.write(
            "content/notes/bytes.md",
            "\u{feff}+++\r\ntitle = \"Bytes\"\r\n+++\r\nBell\u{7} rings.\r\n\r\nSecond\u{1b}[0m line.\r\n",
        );
        site.run(&["build", "--output", "held"]);
        let r = site.run_env(
            &["build", "--output", "read-again"],
            &[("FAULTBOOK_BODY_BUDGET", "0")],
        );
        assert_eq!(r.status, 0, "{}", r.stderr);
        let held = tree(&site.path().join("held"));
        assert!(held.len() > 20, "the site was built");
        assert_eq!(held, tree(&site.path().join("read-again")));
        // And a budget that runs out part way.
        site.run_env(
            &["build", "--output", "half"],
            &[("FAULTBOOK_BODY_BUDGET", "20000")],
        );
        assert_eq!(held, tree(&site.path().join("half")));
    }
}

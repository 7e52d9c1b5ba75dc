//! The commands the docs show (fenced `sh` blocks) run against the sample site.

use std::path::Path;

use crate::harness::Site;

#[test]
fn every_documented_command_works_on_the_sample_site() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let mut files: Vec<_> = std::fs::read_dir(&docs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    let mut commands = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let mut in_sh = false;
        for line in text.lines() {
            if let Some(info) = line.trim_start().strip_prefix("```") {
                in_sh = !in_sh && info.trim() == "sh";
                continue;
            }
            if in_sh && !line.trim().is_empty() {
                let cmd = line.trim();
                assert!(
                    cmd.starts_with("faultbook "),
                    "{}: `sh` blocks hold faultbook commands only: {cmd}",
                    f.display()
                );
                commands.push((
                    f.file_name().unwrap().to_string_lossy().into_owned(),
                    cmd.to_string(),
                ));
            }
        }
    }
    assert!(commands.len() >= 5, "the docs show commands: {commands:?}");
    let site = Site::sample();
    let scratch = tempfile::tempdir().unwrap();
    for (doc, cmd) in &commands {
        // Paths under /tmp in the docs land in a scratch folder instead.
        let cmd = cmd.replace("/tmp/", &format!("{}/", scratch.path().display()));
        let args: Vec<&str> = cmd.split_whitespace().skip(1).collect();
        let r = site.run(&args);
        assert_eq!(r.status, 0, "{doc}: `{cmd}` failed:\n{}", r.stderr);
    }
}

/// The CI workflows in the docs are YAML that parses, and each `faultbook`
/// command in their `run:` steps is one the command line accepts: it runs
/// on the sample site and ends as a check or build does (0, or 1 for the
/// sample's overdue pages with `--deny-stale`), never as a usage error (2).
#[test]
fn documented_workflows_parse_and_their_commands_run() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let mut commands = Vec::new();
    let mut workflows = 0;
    for f in ["ci.md", "hosting.md"] {
        let Ok(text) = std::fs::read_to_string(docs.join(f)) else {
            continue;
        };
        for block in text.split("```yaml\n").skip(1) {
            let yaml = block.split("\n```").next().unwrap();
            let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(yaml)
                .unwrap_or_else(|e| panic!("{f}: a yaml block does not parse: {e}\n{yaml}"));
            workflows += 1;
            let jobs = doc["jobs"].as_mapping().expect("a workflow has jobs");
            for (_, job) in jobs {
                for step in job["steps"].as_sequence().into_iter().flatten() {
                    let Some(run) = step["run"].as_str() else {
                        continue;
                    };
                    for line in run
                        .lines()
                        .filter(|l| l.trim_start().starts_with("faultbook "))
                    {
                        commands.push((f, line.trim().to_string()));
                    }
                }
            }
        }
    }
    assert!(workflows >= 3, "{workflows} workflows in the docs");
    assert!(commands.len() >= 5, "{commands:?}");
    let site = Site::sample();
    for (doc, cmd) in &commands {
        // GitHub's expressions, as GitHub would fill them in.
        let mut line = String::new();
        let mut rest = cmd.as_str();
        while let Some(start) = rest.find("${{") {
            line.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("an expression ends") + start + 2;
            line.push_str(if rest[start..end].contains("owner") {
                "acme"
            } else {
                "kb"
            });
            rest = &rest[end..];
        }
        line.push_str(rest);
        let args: Vec<String> = line
            .split_whitespace()
            .skip(1)
            .map(|a| a.trim_matches('"').to_string())
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = site.run(&args);
        let expected = if args.contains(&"--deny-stale") { 1 } else { 0 };
        assert_eq!(
            r.status, expected,
            "{doc}: `{cmd}` ({args:?}):\n{}",
            r.stderr
        );
        if args.contains(&"--base-url") {
            let home = site.read("public/index.html");
            assert!(
                home.contains("href=\"https://acme.github.io/kb/\""),
                "{doc}: `{cmd}` built for the sub-path"
            );
        }
    }
}

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

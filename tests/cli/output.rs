//! Output guarantees (SPEC §8): deterministic, atomic, guarded.

use std::path::Path;

use crate::harness::{tree, Site};

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let site = Site::sample();
    let one = site.run_env(
        &["build", "--output", "out1"],
        &[("RAYON_NUM_THREADS", "1")],
    );
    assert_eq!(one.status, 0, "{}", one.stderr);
    let two = site.run_env(
        &["build", "--output", "out2"],
        &[("RAYON_NUM_THREADS", "2")],
    );
    assert_eq!(two.status, 0, "{}", two.stderr);
    let (a, b) = (
        tree(&site.path().join("out1")),
        tree(&site.path().join("out2")),
    );
    assert!(a.len() > 100);
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{path} differs between 1 and 2 threads");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_identical() {
    let site = Site::fixture("basic");
    site.build_ok();
    let before = tree(&site.path().join("public"));
    site.write(
        "content/errors/http/503.md",
        site.read("content/errors/http/503.md")
            .replace("code = \"503\"", "code = 503"),
    );
    let r = site.build();
    assert_eq!(r.status, 1);
    assert!(r.stderr.contains("previous output was left as it was"));
    assert_eq!(tree(&site.path().join("public")), before);
    // Nothing half-written is left beside it either.
    let leftovers: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("faultbook-new"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn rebuilds_replace_stale_files() {
    let site = Site::fixture("basic");
    site.build_ok();
    site.build_ok(); // the second build reuses the spare tree
    assert!(site.exists("public/about/index.html"));
    site.remove("content/about.md");
    site.build_ok();
    site.build_ok();
    assert!(
        !site.exists("public/about/index.html"),
        "a deleted page disappears from the output"
    );
    let fresh = Site::fixture("basic");
    fresh.remove("content/about.md");
    fresh.build_ok();
    assert_eq!(
        tree(&site.path().join("public")),
        tree(&fresh.path().join("public")),
        "a rebuilt tree equals a fresh one"
    );
}

#[test]
fn dangerous_output_folders_are_refused() {
    let site = Site::fixture("basic");
    for out in [".", "content", "..", "static/out"] {
        let r = site.run(&["build", "--output", out]);
        assert_eq!(r.status, 1, "--output {out} must be refused: {}", r.stderr);
        assert!(
            r.stderr.contains("refusing to write the site to"),
            "{}",
            r.stderr
        );
    }
    assert!(site.exists("content/about.md") && site.exists("site.toml"));
}

/// The names in the output folder's parent that a build may have left
/// beside it (spares, staging folders, locks): there must be none.
fn beside(site: &Site, output: &str) -> Vec<String> {
    let out = site.path().join(output);
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.")))
        .collect()
}

#[test]
fn an_output_path_that_is_a_file_is_refused_before_anything_changes() {
    let site = Site::fixture("basic");
    let config = site.read("site.toml");
    site.write("notes.txt", "my notes\n");
    for out in ["site.toml", "notes.txt", "content/about.md"] {
        let r = site.run(&["build", "--output", out]);
        assert_eq!(r.status, 1, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "refusing to write the site to {out}: it is a file, not a folder"
            )),
            "{}",
            r.stderr
        );
    }
    assert_eq!(site.read("site.toml"), config);
    assert_eq!(site.read("notes.txt"), "my notes\n");
    assert!(!site.exists(".faultbook"), "nothing is created on refusal");
    site.build_ok();
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_folder_is_written_through_every_time() {
    let site = Site::fixture("basic");
    let www = site.path().join("www");
    std::fs::create_dir(&www).unwrap();
    std::os::unix::fs::symlink("www", site.path().join("public")).unwrap();
    // A target holding files of its own is refused, and they stay.
    site.write("www/mine.txt", "mine\n");
    let r = site.build();
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains("public (a link to ") && r.stderr.contains("no faultbook build wrote it"),
        "{}",
        r.stderr
    );
    assert_eq!(site.read("www/mine.txt"), "mine\n");
    site.remove("www/mine.txt");
    for round in 0..3 {
        if round == 2 {
            site.remove("content/about.md");
        }
        site.build_ok();
        let link = std::fs::symlink_metadata(site.path().join("public")).unwrap();
        assert!(link.is_symlink(), "round {round}: the link stays a link");
        assert!(site.exists("www/errors/http/503/index.html"));
        assert!(!site.exists("www/.gitignore"));
        assert_eq!(beside(&site, "www"), Vec::<String>::new());
    }
    assert!(
        !site.exists("www/about/index.html"),
        "a page deleted from the site goes"
    );
    let fresh = Site::fixture("basic");
    fresh.remove("content/about.md");
    fresh.build_ok();
    assert_eq!(tree(&www), tree(&fresh.path().join("public")));
}

#[cfg(unix)]
#[test]
fn a_dangling_link_gets_the_build_in_its_target() {
    let site = Site::fixture("basic");
    std::os::unix::fs::symlink("deploy/www", site.path().join("public")).unwrap();
    std::fs::create_dir(site.path().join("deploy")).unwrap();
    site.build_ok();
    site.build_ok();
    assert!(std::fs::symlink_metadata(site.path().join("public"))
        .unwrap()
        .is_symlink());
    assert!(site.exists("deploy/www/index.html"));
}

#[test]
fn a_folder_no_build_wrote_is_refused_and_kept() {
    let site = Site::fixture("basic");
    // Another generator's output, or a folder of documents.
    site.write("public/index.html", "<p>from another tool</p>");
    site.write("public/notes/todo.txt", "buy milk");
    let r = site.build();
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains("refusing to write the site to")
            && r.stderr.contains("no faultbook build wrote it")
            && r.stderr.contains("--output"),
        "the message says why and how to go on: {}",
        r.stderr
    );
    assert_eq!(site.read("public/notes/todo.txt"), "buy milk");
    assert_eq!(site.read("public/index.html"), "<p>from another tool</p>");
    // An empty folder is fine, and is ours from then on.
    std::fs::remove_dir_all(site.path().join("public")).unwrap();
    std::fs::create_dir(site.path().join("public")).unwrap();
    site.build_ok();
    site.build_ok();
}

#[test]
fn an_output_holding_content_or_site_toml_is_recognised_by_its_marker() {
    let site = Site::fixture("basic");
    site.write("static/site.toml", "# served as a file\n");
    site.write(
        "content/content/guide.md",
        "+++\ntitle = \"A guide under content\"\n+++\nText.\n",
    );
    for _ in 0..3 {
        site.build_ok();
    }
    assert!(site.exists("public/site.toml"));
    assert!(site.exists("public/content/guide/index.html"));
}

#[test]
fn an_output_folder_inside_the_site_is_refused_before_the_site_is_read() {
    let site = Site::fixture("basic");
    for out in ["content/compare", "content", "templates/x", ".faultbook/x"] {
        let r = site.run(&["build", "--output", out]);
        assert_eq!(r.status, 1);
        assert_eq!(
            r.errors().len(),
            1,
            "--output {out}: the refusal and nothing else: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("refusing to write the site to"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn what_a_build_keeps_stays_out_of_the_output_folder_parent() {
    let site = Site::fixture("basic");
    // A spare beside the output, as faultbook 0.1 kept it.
    site.write(
        ".public.faultbook-spare/.gitignore",
        "# faultbook: the previous build, reused by the next one; safe to delete\n*\n",
    );
    site.write(".public.faultbook-spare/index.html", "old");
    for _ in 0..3 {
        site.build_ok();
        assert_eq!(beside(&site, "public"), Vec::<String>::new());
    }
    assert!(site.exists(".faultbook/.gitignore"));
    assert!(site.exists(".faultbook/CACHEDIR.TAG"));
    // A folder of the user's that merely looks alike is never touched.
    site.write(".public.faultbook-mine/keep.txt", "keep");
    site.build_ok();
    assert_eq!(site.read(".public.faultbook-mine/keep.txt"), "keep");
}

#[test]
fn leftovers_of_killed_builds_are_removed_by_the_next_build() {
    let site = Site::fixture("basic");
    site.build_ok();
    // What a build killed while staging beside the output leaves: marked.
    let marker = site.read("public/.faultbook-output");
    site.write(".public.faultbook-new-4242/.faultbook-output", &marker);
    site.write(".public.faultbook-new-4242/errors/index.html", "half");
    site.write(".public.faultbook-old-4243/.faultbook-output", &marker);
    // Killed before its staging folder was marked, or while marking it.
    std::fs::create_dir(site.path().join(".public.faultbook-new-4244")).unwrap();
    site.write(".public.faultbook-new-4245/.faultbook-output", &marker[..5]);
    // The user's folders that only look alike stay.
    site.write(".public.faultbook-old-99999/notes.txt", "mine");
    site.build_ok();
    assert_eq!(beside(&site, "public"), [".public.faultbook-old-99999"]);
    assert_eq!(site.read(".public.faultbook-old-99999/notes.txt"), "mine");
}

#[cfg(unix)]
#[test]
fn a_build_never_writes_through_links_in_its_output() {
    let site = Site::fixture("basic");
    site.run(&["build", "--base-url", "https://one.example/"]);
    // A hard-linked snapshot of the output, as `cp -al` or rsync make.
    let snap = site.path().join("snapshot");
    std::fs::create_dir(&snap).unwrap();
    for (path, _) in tree(&site.path().join("public")) {
        let to = snap.join(&path);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::hard_link(site.path().join("public").join(&path), to).unwrap();
    }
    let before = tree(&snap);
    for url in ["https://two.example/", "https://three.example/"] {
        let r = site.run(&["build", "--base-url", url]);
        assert_eq!(r.status, 0, "{}", r.stderr);
    }
    assert!(tree(&snap) == before, "the snapshot is untouched");
    // A file of the output replaced by a link to a file of the user's.
    site.write("precious.txt", "precious\n");
    site.remove("public/robots.txt");
    std::os::unix::fs::symlink(
        site.path().join("precious.txt"),
        site.path().join("public/robots.txt"),
    )
    .unwrap();
    let r = site.build();
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains("robots.txt") && r.stderr.contains("no faultbook build wrote"),
        "{}",
        r.stderr
    );
    assert_eq!(site.read("precious.txt"), "precious\n");
}

#[test]
fn without_the_state_folder_a_hand_added_file_is_still_refused() {
    let site = Site::fixture("basic");
    site.build_ok();
    site.write("public/CNAME", "errors.example.com\n");
    std::fs::remove_dir_all(site.path().join(".faultbook")).unwrap();
    for _ in 0..2 {
        let r = site.build();
        assert_eq!(r.status, 1, "{}", r.stderr);
        assert!(r.stderr.contains("CNAME"), "{}", r.stderr);
    }
    assert_eq!(site.read("public/CNAME"), "errors.example.com\n");
    // A marker faked into a folder of the user's vouches for nothing.
    site.write("mine/doc.txt", "doc");
    site.write("mine/.faultbook-output", "");
    let r = site.run(&["build", "--output", "mine"]);
    assert_eq!(r.status, 1);
    assert_eq!(site.read("mine/doc.txt"), "doc");
}

#[test]
fn a_file_added_while_a_build_runs_is_kept() {
    let site = larger_sample();
    site.build_ok();
    for round in 0..3u64 {
        let _ = std::fs::remove_file(site.path().join("public/CNAME"));
        let child = spawn_build(&site, "public", "https://a.example/", &[]);
        std::thread::sleep(std::time::Duration::from_millis(40 + 60 * round));
        site.write("public/CNAME", "mine\n");
        let _ = child.wait_with_output().unwrap();
        assert_eq!(site.read("public/CNAME"), "mine\n", "round {round}");
        let r = site.build();
        assert_eq!(r.status, 1, "round {round}: {}", r.stderr);
        assert_eq!(site.read("public/CNAME"), "mine\n", "round {round}");
    }
}

#[test]
fn builds_of_two_sites_into_one_folder_take_turns() {
    for env in [&[][..], &[("FAULTBOOK_STAGE_BESIDE", "1")][..]] {
        let (one, two) = (larger_sample(), larger_sample());
        let shared = tempfile::tempdir().unwrap();
        let out = shared.path().join("www");
        let out = out.to_str().unwrap();
        let refs: Vec<_> = [(&one, "https://a.example/"), (&two, "https://b.example/")]
            .iter()
            .map(|(site, url)| {
                let r = site.run(&["build", "--output", "ref", "--base-url", url]);
                assert_eq!(r.status, 0, "{}", r.stderr);
                tree(&site.path().join("ref"))
            })
            .collect();
        for round in 0..3 {
            let a = spawn_build(&one, out, "https://a.example/", env);
            let b = spawn_build(&two, out, "https://b.example/", env);
            for child in [a, b] {
                let o = child.wait_with_output().unwrap();
                assert!(
                    o.status.success(),
                    "{env:?} round {round}: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
            }
            let got = tree(Path::new(out));
            assert!(
                got == refs[0] || got == refs[1],
                "{env:?} round {round}: one whole build"
            );
        }
    }
}

/// A build of the sample site into `out`, started and not waited for.
fn spawn_build(
    site: &Site,
    out: &str,
    base_url: &str,
    env: &[(&str, &str)],
) -> std::process::Child {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_faultbook"));
    cmd.args(["build", "--output", out, "--base-url", base_url])
        .current_dir(site.path())
        .env("SOURCE_DATE_EPOCH", crate::harness::TODAY_EPOCH)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

/// The sample site with 300 more error pages: long enough a build for two
/// to overlap, and for a kill to land in every phase.
fn larger_sample() -> Site {
    let site = Site::sample();
    for i in 0..300 {
        site.write(
            &format!("content/errors/http/gen{i}.md"),
            format!("+++\ntitle = \"Generated {i}\"\ncode = \"GEN{i}\"\nreviewed = 2026-01-01\nstandard = \"source-backed\"\n[[references]]\ntitle = \"R\"\nurl = \"https://example.com/{i}\"\n+++\nBody of page {i}, see HTTP 429.\n"),
        );
    }
    site
}

/// Fresh builds of the sample site for two base URLs: the only two
/// outputs a mix of their builds may ever show.
fn references(site: &Site) -> [Vec<(String, Vec<u8>)>; 2] {
    ["https://a.example/", "https://b.example/"].map(|url| {
        let out = format!("ref-{}", &url[8..9]);
        let r = site.run(&["build", "--output", &out, "--base-url", url]);
        assert_eq!(r.status, 0, "{}", r.stderr);
        tree(&site.path().join(out))
    })
}

#[test]
fn concurrent_builds_take_turns_and_leave_one_whole_build() {
    let site = larger_sample();
    let refs = references(&site);
    for round in 0..4 {
        let a = spawn_build(&site, "public", "https://a.example/", &[]);
        let b = spawn_build(&site, "public", "https://b.example/", &[]);
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: both builds succeed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let got = tree(&site.path().join("public"));
        assert!(
            got == refs[0] || got == refs[1],
            "round {round}: the output is one whole build"
        );
    }
}

/// Kills builds at random points and checks that the output folder always
/// holds one whole build, and that the next build leaves nothing behind.
fn kill_at_random_points(env: &[(&str, &str)]) {
    use std::time::Instant;
    let site = larger_sample();
    let refs = references(&site);
    let started = Instant::now();
    let r = site.run_env(&["build", "--base-url", "https://a.example/"], env);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let full = started.elapsed();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for round in 0..24 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let url = ["https://a.example/", "https://b.example/"][round % 2];
        let delay = full.mul_f64((seed % 1000) as f64 / 1000.0 * 1.2);
        let mut child = spawn_build(&site, "public", url, env);
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let got = tree(&site.path().join("public"));
        assert!(
            got == refs[0] || got == refs[1],
            "round {round}, killed after {delay:?}: the output is one whole build"
        );
    }
    let r = site.run_env(&["build", "--base-url", "https://b.example/"], env);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(tree(&site.path().join("public")) == refs[1]);
    assert_eq!(beside(&site, "public"), Vec::<String>::new());
}

#[test]
fn a_build_killed_at_any_point_leaves_one_whole_build() {
    kill_at_random_points(&[]);
}

#[test]
fn a_build_killed_while_staging_beside_the_output_leaves_nothing_behind() {
    // As when the output folder is on another file system than the site.
    kill_at_random_points(&[("FAULTBOOK_STAGE_BESIDE", "1")]);
}

#[test]
fn a_file_added_to_the_output_by_hand_is_never_deleted() {
    let site = Site::fixture("basic");
    site.build_ok();
    site.write("public/CNAME", "errors.example.com\n");
    site.write("public/errors/notes.txt", "mine");
    let r = site.build();
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.contains("no faultbook build wrote")
            && r.stderr.contains("CNAME")
            && r.stderr.contains("errors/notes.txt")
            && r.stderr.contains("static/"),
        "{}",
        r.stderr
    );
    assert_eq!(site.read("public/CNAME"), "errors.example.com\n");
    // Moved to static/, it is published by every build.
    std::fs::rename(site.path().join("public/CNAME"), site.path().join("CNAME")).unwrap();
    site.remove("public/errors/notes.txt");
    site.write("static/CNAME", site.read("CNAME"));
    site.build_ok();
    site.build_ok();
    assert_eq!(site.read("public/CNAME"), "errors.example.com\n");
    // A page's removal is the build's business, not a foreign file.
    site.remove("content/about.md");
    site.build_ok();
    assert!(!site.exists("public/about/index.html"));
}

#[test]
fn the_marker_lists_any_file_name_one_a_line() {
    let site = Site::fixture("basic");
    // A name the note's comment lines look like, and one holding a newline.
    site.write("static/#notes.txt", "hash\n");
    site.write("static/x\nCNAME", "two lines\n");
    site.write("static/100%.txt", "percent\n");
    for _ in 0..3 {
        site.build_ok();
    }
    // The newline did not make "CNAME" one of the build's files.
    site.remove("static/x\nCNAME");
    site.build_ok();
    site.write("public/CNAME", "errors.example.com\n");
    let r = site.build();
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert_eq!(site.read("public/CNAME"), "errors.example.com\n");
}

/// The build writes into the output it replaced two builds ago, removing
/// what it no longer makes by that folder's own list: a page deleted, and a
/// static file that became a folder, leave the same site as a fresh build.
#[test]
fn a_reused_folder_ends_as_a_fresh_build_whatever_changed_shape() {
    let site = Site::sample();
    site.write("static/shape", "a file");
    site.write(
        "content/notes/gone.md",
        "+++\ntitle = \"Gone soon\"\n+++\nText.\n",
    );
    site.build_ok();
    site.build_ok();
    site.remove("static/shape");
    site.write("static/shape/inside.txt", "now a folder");
    site.remove("content/notes/gone.md");
    for i in 0..3 {
        site.build_ok();
        let name = format!("fresh{i}");
        let fresh = site.run(&["build", "--output", &name]);
        assert_eq!(fresh.status, 0, "{}", fresh.stderr);
        assert_eq!(
            tree(&site.path().join("public")),
            tree(&site.path().join(&name))
        );
    }
    assert!(!site.exists("public/notes/gone/index.html"));
    assert_eq!(site.read("public/shape/inside.txt"), "now a folder");
}

/// The spare a build writes into, in the site's state folder.
fn spare_of(site: &Site) -> std::path::PathBuf {
    let slots: Vec<_> = std::fs::read_dir(site.path().join(".faultbook"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("spare").is_dir())
        .collect();
    assert_eq!(slots.len(), 1, "{slots:?}");
    slots[0].join("spare")
}

/// A build leaves a file of the spare in place when it holds the new
/// bytes, and knows it from the hash recorded when the file was written,
/// or by reading it. Whatever changed the spare's files since (a hand, a
/// build killed halfway) and whatever became of the record, the output is
/// a fresh build's.
#[test]
fn a_reused_folder_changed_by_hand_ends_as_a_fresh_build() {
    let site = Site::sample();
    let fresh = |site: &Site| {
        let r = site.run(&["build", "--output", "fresh"]);
        assert_eq!(r.status, 0, "{}", r.stderr);
        tree(&site.path().join("fresh"))
    };
    site.build_ok();
    site.build_ok();
    let spare = spare_of(&site);
    for round in 0..4 {
        // Every file of the spare rewritten in place, its size kept: a
        // record that took the size and the inode for the bytes would
        // keep them.
        let mut changed = 0;
        for (rel, bytes) in tree(&spare) {
            if !bytes.is_empty() && rel != ".faultbook-output" {
                std::fs::write(spare.join(&rel), vec![b'x'; bytes.len()]).unwrap();
                changed += 1;
            }
        }
        assert!(changed > 100, "{changed}");
        if round == 1 {
            // A record that is not one.
            let sums = spare.parent().unwrap().join("sums");
            assert!(sums.is_file(), "builds record what they wrote");
            std::fs::write(&sums, "faultbook sums 2\n\u{1}garbage").unwrap();
        }
        if round == 2 {
            site.replace("content/errors/http/429.md", "Too Many", "Too Few");
        }
        site.build_ok();
        assert_eq!(
            tree(&site.path().join("public")),
            fresh(&site),
            "round {round}"
        );
    }
}

/// A static file where the build writes a folder (`search`, `errors`, the
/// search index's chunk folders, `overdue` when published), or one inside
/// a folder the search index owns, is a collision that names both: the
/// build used to publish the file instead of the whole folder, say it
/// succeeded, and fail on every build after.
#[test]
fn a_static_file_where_a_generated_folder_goes_is_a_collision() {
    let site = Site::sample();
    site.build_ok();
    let before = tree(&site.path().join("public"));
    for (file, needs) in [
        ("static/search", "/search/"),
        ("static/errors", "/errors/"),
        ("static/overdue", "/overdue/index.html"),
        ("static/search/t", "/search/t/"),
        ("static/search/d/0.json", "/search/d/"),
        ("static/errors/http/429", "/errors/http/429/index.html"),
    ] {
        site.write(file, "x");
        for command in ["check", "build"] {
            let r = site.run(&[command]);
            assert_eq!(r.status, 1, "{command} with {file}:\n{}", r.stderr);
            assert!(
                r.errors().iter().any(|e| e.contains(file)
                    && e.contains(needs)
                    && e.contains("cannot both be written")),
                "{command} with {file}: no collision naming {needs}:\n{}",
                r.stderr
            );
        }
        assert_eq!(tree(&site.path().join("public")), before, "{file}");
        std::fs::remove_file(site.path().join(file)).unwrap();
    }
    site.build_ok();
}

/// A static file that becomes a folder of folders: the output reused as
/// the next build's folder holds a file where that build needs a folder
/// two levels up; each build still ends as a fresh one.
#[test]
fn a_static_file_that_becomes_a_deep_folder_is_replaced() {
    let site = Site::sample();
    site.write("static/deep", "a file");
    site.build_ok();
    site.build_ok();
    site.remove("static/deep");
    site.write("static/deep/er/inside.txt", "now folders");
    for i in 0..3 {
        site.build_ok();
        let name = format!("fresh{i}");
        assert_eq!(site.run(&["build", "--output", &name]).status, 0);
        assert_eq!(
            tree(&site.path().join("public")),
            tree(&site.path().join(&name)),
            "build {i}"
        );
    }
    assert_eq!(site.read("public/deep/er/inside.txt"), "now folders");
}

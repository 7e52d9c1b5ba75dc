//! The property that makes `serve` trustworthy: after any sequence of edits,
//! the incremental snapshot equals a fresh full build, byte for byte.

use std::collections::BTreeMap;

use std::path::PathBuf;

use faultbook::build::Options;
use faultbook::serve::session::Session;

use crate::harness::Site;

/// A small deterministic generator, so a failure names its seed and step.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

type Outcome = Result<BTreeMap<String, Vec<u8>>, Vec<String>>;

/// Rebuilds after `changed` (None: anything) and brings search up to date,
/// as `serve` does once the writer pauses.
fn snapshot(session: &mut Session, changed: Option<&[PathBuf]>) -> Outcome {
    snapshot_and_patched(session, changed).0
}

/// `snapshot`, and whether the rebuild patched the last build.
fn snapshot_and_patched(session: &mut Session, changed: Option<&[PathBuf]>) -> (Outcome, bool) {
    let built = session.rebuild(changed).unwrap();
    let patched = matches!(&built, Ok(b) if b.patched.is_some());
    let fresh_search = session.refresh_search().unwrap();
    let outcome = match built {
        Ok(b) => {
            let files = match fresh_search {
                Some(s) => s.files.clone(),
                None => b.snapshot.files.clone(),
            };
            Ok(files.into_iter().map(|(k, v)| (k, v.to_vec())).collect())
        }
        Err(d) => Err(d.iter().map(ToString::to_string).collect()),
    };
    (outcome, patched)
}

fn fresh(opts: &Options) -> Outcome {
    snapshot(&mut Session::new(opts.clone()), None)
}

fn md_files(site: &Site) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(site.path().join("content"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(site.path())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    v.sort();
    v
}

const REFS: &str = "[[references]]\ntitle = \"R\"\nurl = \"https://example.com\"\n";

/// Appends `text` to the file at `path`, or takes it out when it is there.
fn toggle(site: &Site, path: &str, text: &str) {
    let t = site.read(path);
    let t = if t.contains(text) {
        t.replace(text, "")
    } else {
        t + text
    };
    site.write(path, t);
}

/// One random edit of the kinds a writer makes: what it did, and the
/// files it changed when those are all the watcher would report.
fn edit(site: &Site, rng: &mut Rng, step: usize) -> (String, Option<Vec<String>>) {
    let files = md_files(site);
    let pick = files[rng.below(files.len())].clone();
    let only = |what: String, path: &str| (what, Some(vec![path.to_string()]));
    match rng.below(16) {
        15 => {
            // A static file and a page's asset: copied again, or added.
            let p = ["static/notes.txt", "content/errors/http/diagram.txt"][rng.below(2)];
            site.write(p, format!("version {step}\n"));
            only(format!("file {p}"), p)
        }
        13 => {
            // A heading another page may link to (edit 14), toggled.
            let p = "content/errors/http/503.md";
            toggle(site, p, "\n## Extra notes\n\nMore.\n");
            only("heading of 503".into(), p)
        }
        14 => {
            let p = "content/errors/grpc/deadline-exceeded.md";
            toggle(
                site,
                p,
                "\nSee [notes](@/errors/http/503.md#extra-notes).\n",
            );
            only("anchor link to 503".into(), p)
        }
        10 => {
            // Words only: the patch path, with nothing else to render.
            let text = site.read(&pick) + &format!("\nPlain words at step {step}.\n");
            site.write(&pick, text);
            only(format!("words in {pick}"), &pick)
        }
        11 => {
            // A link added or removed: the patch path, with backlinks.
            toggle(
                site,
                &pick,
                "\nSee [the unavailable page](@/errors/grpc/unavailable.md).\n",
            );
            only(format!("link in {pick}"), &pick)
        }
        12 => {
            // A heading: other pages may link to its anchor.
            let text = site.read(&pick) + &format!("\n## Section {step}\n\nText.\n");
            site.write(&pick, text);
            only(format!("heading in {pick}"), &pick)
        }
        0 => {
            let text = site.read(&pick) + &format!("\nEdited at step {step}: see DEADLINE_EXCEEDED and [503](@/errors/http/503.md).\n");
            site.write(&pick, text);
            only(format!("body of {pick}"), &pick)
        }
        1 => {
            let text = site.read(&pick);
            let text = match text.find("title = \"") {
                Some(i) => format!("{}title = \"T{step} {}", &text[..i], &text[i + 9..]),
                None => text.replacen("title: ", &format!("title: T{step} "), 1),
            };
            site.write(&pick, text);
            only(format!("title of {pick}"), &pick)
        }
        2 => {
            let code = format!("E{step}X");
            site.write(&format!("content/errors/http/{}.md", code.to_lowercase()), format!("+++\ntitle = \"New {step}\"\ncode = \"{code}\"\nreviewed = 2026-0{}-01\nrelated = [\"http:503\"]\ntags = [\"availability\"]\n{REFS}+++\nA new page about {code}.\n", 1 + rng.below(9)));
            (format!("add {code}"), None)
        }
        3 if pick.ends_with(".md")
            && !pick.contains("503.md")
            && !pick.contains("unavailable")
            && !pick.contains("deadline") =>
        {
            site.remove(&pick);
            (format!("delete {pick}"), None)
        }
        4 if pick.starts_with("content/guides/") || pick.ends_with("about.md") => {
            let to = pick.replace(".md", &format!("-{step}.md"));
            std::fs::rename(site.path().join(&pick), site.path().join(&to)).unwrap();
            (format!("rename {pick}"), None)
        }
        5 => {
            let p = "content/errors/grpc/deadline-exceeded.md";
            let t = site.read(p);
            let t = if t.contains("related") {
                t.replace("related = [\"http:503\"]\n", "")
            } else {
                t.replacen("tags = ", "related = [\"http:503\"]\ntags = ", 1)
            };
            site.write(p, t);
            only("refs of DEADLINE_EXCEEDED".into(), p)
        }
        6 => {
            if site.exists("templates/page.html") {
                site.remove("templates/page.html");
            } else {
                site.write("templates/page.html", format!("{{% extends \"base.html\" %}}{{% block main %}}<h1>{{{{ page.title }}}}</h1>{{{{ page.content | safe }}}}<p>v{step}</p>{{% endblock main %}}"));
            }
            ("template".into(), None)
        }
        7 => {
            let t = site.read("site.toml");
            let t = if t.contains("review_interval_days = 180") {
                t.replace("review_interval_days = 180", "review_interval_days = 400")
            } else {
                t.replace("review_interval_days = 400", "review_interval_days = 180")
            };
            site.write("site.toml", t);
            ("config".into(), None)
        }
        8 => {
            site.write(
                &pick,
                site.read(&pick).replacen("+++\n", "+++\nbroken\n", 1),
            );
            only(format!("break {pick}"), &pick)
        }
        _ => {
            // Titles of pages whose codes are autolinked elsewhere.
            let p = [
                "content/errors/grpc/deadline-exceeded.md",
                "content/errors/grpc/unavailable.md",
            ][rng.below(2)];
            let t = site.read(p);
            let t = match t.find("title = \"") {
                Some(i) => format!("{}title = \"T{step} {}", &t[..i], &t[i + 9..]),
                None => t.replacen("title: ", &format!("title: T{step} "), 1),
            };
            site.write(p, t);
            only(format!("title of {p}"), p)
        }
    }
}

#[test]
fn incremental_snapshots_equal_fresh_builds_after_random_edits() {
    let mut patched = 0;
    for seed in [7u64, 1234, 99_991, 4242, 31337] {
        let site = Site::fixture("basic");
        let opts = Options {
            root: site.path().to_path_buf(),
            output: None,
            base_url: Some("http://127.0.0.1:1111/".into()),
            drafts: false,
            today: faultbook::page::parse_date("2026-11-26").unwrap(),
        };
        let mut session = Session::new(opts.clone());
        assert_eq!(snapshot(&mut session, None), fresh(&opts));
        let mut rng = Rng(seed);
        let mut history = Vec::new();
        for step in 0..40 {
            // A broken page is fixed in the next step, as a writer would.
            let mut fixed = Vec::new();
            for f in md_files(&site) {
                let t = site.read(&f);
                if t.contains("+++\nbroken\n") {
                    site.write(&f, t.replacen("+++\nbroken\n", "+++\n", 1));
                    fixed.push(f);
                }
            }
            let (what, changed) = edit(&site, &mut rng, step);
            history.push(what);
            let changed: Option<Vec<PathBuf>> = changed.map(|mut c| {
                c.extend(fixed);
                c.dedup();
                c.into_iter().map(|p| site.path().join(p)).collect()
            });
            let (incremental, was_patched) = snapshot_and_patched(&mut session, changed.as_deref());
            patched += usize::from(was_patched);
            let fresh = fresh(&opts);
            if incremental != fresh {
                let detail = match (&incremental, &fresh) {
                    (Ok(a), Ok(b)) => {
                        let diff: Vec<&String> = a
                            .keys()
                            .chain(b.keys())
                            .filter(|k| a.get(*k) != b.get(*k))
                            .collect();
                        format!("files differ: {diff:?}")
                    }
                    // Diagnostics in full; files by name only.
                    (a, b) => {
                        let brief = |o: &Outcome| match o {
                            Ok(files) => format!("a build of {} files", files.len()),
                            Err(d) => format!("errors {d:?}"),
                        };
                        format!("{} vs a fresh {}", brief(a), brief(b))
                    }
                };
                panic!("seed {seed}, after {history:?}: {detail}");
            }
        }
    }
    // The patch path must have been taken, not only the full rebuild.
    assert!(patched >= 20, "only {patched} rebuilds were patches");
}

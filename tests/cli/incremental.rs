//! The property that makes `serve` trustworthy: after any sequence of edits,
//! the incremental snapshot equals a fresh full build, byte for byte.

use std::collections::BTreeMap;

use faultbook::build::Options;
use faultbook::memo::Memo;
use faultbook::serve::build_snapshot;

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

fn snapshot(opts: &Options, memo: Option<&Memo>) -> Outcome {
    match build_snapshot(opts, memo).unwrap() {
        Ok((s, _)) => Ok(s.files.into_iter().map(|(k, v)| (k, v.to_vec())).collect()),
        Err(d) => Err(d.iter().map(ToString::to_string).collect()),
    }
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

/// One random edit of the kinds a writer makes.
fn edit(site: &Site, rng: &mut Rng, step: usize) -> String {
    let files = md_files(site);
    let pick = files[rng.below(files.len())].clone();
    match rng.below(10) {
        0 => {
            let text = site.read(&pick) + &format!("\nEdited at step {step}: see DEADLINE_EXCEEDED and [503](@/errors/http/503.md).\n");
            site.write(&pick, text);
            format!("body of {pick}")
        }
        1 => {
            let text = site.read(&pick);
            let text = match text.find("title = \"") {
                Some(i) => format!("{}title = \"T{step} {}", &text[..i], &text[i + 9..]),
                None => text.replacen("title: ", &format!("title: T{step} "), 1),
            };
            site.write(&pick, text);
            format!("title of {pick}")
        }
        2 => {
            let code = format!("E{step}X");
            site.write(&format!("content/errors/http/{}.md", code.to_lowercase()), format!("+++\ntitle = \"New {step}\"\ncode = \"{code}\"\nreviewed = 2026-0{}-01\nrelated = [\"http:503\"]\ntags = [\"availability\"]\n{REFS}+++\nA new page about {code}.\n", 1 + rng.below(9)));
            format!("add {code}")
        }
        3 if pick.ends_with(".md")
            && !pick.contains("503.md")
            && !pick.contains("unavailable")
            && !pick.contains("deadline") =>
        {
            site.remove(&pick);
            format!("delete {pick}")
        }
        4 if pick.starts_with("content/guides/") || pick.ends_with("about.md") => {
            let to = pick.replace(".md", &format!("-{step}.md"));
            std::fs::rename(site.path().join(&pick), site.path().join(&to)).unwrap();
            format!("rename {pick}")
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
            "refs of DEADLINE_EXCEEDED".into()
        }
        6 => {
            if site.exists("templates/page.html") {
                site.remove("templates/page.html");
            } else {
                site.write("templates/page.html", format!("{{% extends \"base.html\" %}}{{% block main %}}<h1>{{{{ page.title }}}}</h1>{{{{ page.content | safe }}}}<p>v{step}</p>{{% endblock main %}}"));
            }
            "template".into()
        }
        7 => {
            let t = site.read("site.toml");
            let t = if t.contains("review_interval_days = 180") {
                t.replace("review_interval_days = 180", "review_interval_days = 400")
            } else {
                t.replace("review_interval_days = 400", "review_interval_days = 180")
            };
            site.write("site.toml", t);
            "config".into()
        }
        8 => {
            site.write(
                &pick,
                site.read(&pick).replacen("+++\n", "+++\nbroken\n", 1),
            );
            format!("break {pick}")
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
            format!("title of {p}")
        }
    }
}

#[test]
fn incremental_snapshots_equal_fresh_builds_after_random_edits() {
    for seed in [7u64, 1234, 99_991, 4242, 31337] {
        let site = Site::fixture("basic");
        let opts = Options {
            root: site.path().to_path_buf(),
            output: None,
            base_url: Some("http://127.0.0.1:1111/".into()),
            drafts: false,
            today: faultbook::page::parse_date("2026-11-26").unwrap(),
        };
        let memo = Memo::default();
        assert_eq!(snapshot(&opts, Some(&memo)), snapshot(&opts, None));
        let mut rng = Rng(seed);
        let mut history = Vec::new();
        for step in 0..40 {
            // A broken page is fixed in the next step, as a writer would.
            for f in md_files(&site) {
                let t = site.read(&f);
                if t.contains("+++\nbroken\n") {
                    site.write(&f, t.replacen("+++\nbroken\n", "+++\n", 1));
                }
            }
            history.push(edit(&site, &mut rng, step));
            let incremental = snapshot(&opts, Some(&memo));
            let fresh = snapshot(&opts, None);
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
                    _ => format!("{incremental:?}\nvs\n{fresh:?}"),
                };
                panic!("seed {seed}, after {history:?}: {detail}");
            }
        }
    }
}

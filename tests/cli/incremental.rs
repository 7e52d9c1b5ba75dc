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

/// `snapshot`, whether the rebuild patched the last build, and whether it
/// patched its graph.
fn snapshot_and_patched(
    session: &mut Session,
    changed: Option<&[PathBuf]>,
) -> (Outcome, bool, bool) {
    let built = session.rebuild(changed).unwrap();
    let patched = matches!(&built, Ok(b) if b.patched.is_some());
    let graph_patched = matches!(&built, Ok(b) if b.graph_patched);
    let fresh_search = session.refresh_search().unwrap();
    let outcome = match built {
        Ok(b) => {
            let files = match fresh_search {
                Some(s) => s.files.clone(),
                None => b.snapshot.files.clone(),
            };
            Ok(files.into_iter().map(|(k, v)| (k, v.unpack())).collect())
        }
        Err(d) => Err(d.iter().map(ToString::to_string).collect()),
    };
    (outcome, patched, graph_patched)
}

/// Files written into memory by a sink, as a build writes them.
#[derive(Default)]
struct Files(std::sync::Mutex<BTreeMap<String, Vec<u8>>>);

impl faultbook::output::Sink for Files {
    fn write(&self, path: &str, bytes: &[u8]) -> anyhow::Result<()> {
        self.0
            .lock()
            .unwrap()
            .insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
    fn copy(&self, path: &str, from: &std::path::Path) -> anyhow::Result<()> {
        self.write(path, &std::fs::read(from)?)
    }
}

/// What a fresh build makes of the files as they are: the errors a fresh
/// serve session shows, or the files of `faultbook build`'s own path (the
/// search index written in one pass, not kept and patched as serve does).
fn fresh(opts: &Options) -> Outcome {
    snapshot(&mut Session::new(opts.clone()), None)?;
    let checked = faultbook::build::analyze(opts).unwrap().unwrap();
    let files = Files::default();
    let (_, diags) = faultbook::build::render_into(&checked, opts.today, &files).unwrap();
    assert!(diags.is_empty(), "{diags:?}");
    Ok(files.0.into_inner().unwrap())
}

/// Every file a writer edits (content, templates, static files,
/// site.toml), by path, with its bytes.
fn sources(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for dir in ["content", "templates", "static"] {
        for e in walkdir::WalkDir::new(site.path().join(dir))
            .into_iter()
            .flatten()
        {
            if e.file_type().is_file() {
                let rel = e
                    .path()
                    .strip_prefix(site.path())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    out.insert(
        "site.toml".into(),
        std::fs::read(site.path().join("site.toml")).unwrap(),
    );
    out
}

/// Puts the files back as they were in `before`: the files that changed.
fn restore(site: &Site, before: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let now = sources(site);
    let mut changed = Vec::new();
    for (path, bytes) in &now {
        match before.get(path) {
            Some(b) if b == bytes => {}
            Some(b) => {
                site.write(path, b);
                changed.push(path.clone());
            }
            None => {
                site.remove(path);
                changed.push(path.clone());
            }
        }
    }
    for (path, bytes) in before {
        if !now.contains_key(path) {
            site.write(path, bytes);
            changed.push(path.clone());
        }
    }
    changed
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

/// Generated error pages added to the fixture: enough documents and words
/// for the search index to span several document and term chunks, and
/// pages that link, tag and autolink each other.
const GENERATED: usize = 48;
/// Generated pages at this index and above are linked by others, so they
/// are never deleted or renamed (the links would break the build).
const LINKED: usize = 40;

fn generated(i: usize) -> String {
    let provider = ["http", "grpc"][i % 2];
    format!("content/errors/{provider}/gen{i}.md")
}

/// The French translation of generated page `i`.
fn translation(i: usize) -> String {
    generated(i).replace(".md", ".fr.md")
}

fn translated(i: usize, reviewed: &str) -> String {
    format!("+++\ntitle = \"Généré {i}\"\nreviewed = {reviewed}\n+++\nPremiers mots de gen {i}, à propos de GEN{}.\n", (i + 3) % GENERATED)
}

fn is_linked(path: &str) -> bool {
    (LINKED..GENERATED).any(|i| generated(i) == path)
}

fn grow(site: &Site, languages: bool) {
    // The page of overdue reviews follows every change of a review date.
    site.replace(
        "site.toml",
        "review_interval_days = 180",
        "review_interval_days = 180\noverdue_page = true",
    );
    // A second language, with some pages translated.
    if languages {
        let toml = site.read("site.toml");
        site.write("site.toml", format!("{toml}\n[languages.fr]\n"));
        site.write(
            "content/errors/http/503.fr.md",
            "+++\ntitle = \"Service indisponible\"\nreviewed = 2026-09-01\n+++\nLe serveur est surchargé.\n",
        );
        for i in (0..GENERATED).step_by(5) {
            site.write(&translation(i), translated(i, "2026-05-05"));
        }
    }
    for i in 0..GENERATED {
        let words: String = (0..60).map(|w| format!("w{i}x{w} ")).collect();
        let related = if i > 0 && i % 3 == 0 {
            format!(
                "related = [\"{}:GEN{}\"]\n",
                ["http", "grpc"][(i - 1) % 2],
                i - 1
            )
        } else {
            String::new()
        };
        let summary = if i % 4 == 0 {
            format!("summary = \"Summary of gen {i}.\"\n")
        } else {
            String::new()
        };
        site.write(
            &generated(i),
            format!(
                "+++\ntitle = \"Generated {i}\"\ncode = \"GEN{i}\"\nreviewed = 2026-0{}-0{}\n{summary}{related}tags = [\"t{}\"]\n{REFS}+++\nFirst words of gen {i}, about GEN{} and LATE{}.\n\n## Part\n\n{words}\n\nSee [the next one](@/{}).\n",
                1 + i % 9,
                1 + i % 7,
                i % 5,
                (i + 7) % GENERATED,
                i % 4,
                &generated(LINKED + i % (GENERATED - LINKED))["content/".len()..]
            ),
        );
    }
}

/// Replaces `a` with `b` in the file at `path`, or `b` with `a` when it
/// does not hold `a`.
fn flip(site: &Site, path: &str, a: &str, b: &str) {
    let t = site.read(path);
    let t = if t.contains(a) {
        t.replace(a, b)
    } else {
        t.replace(b, a)
    };
    site.write(path, t);
}

/// Puts `prefix` before the title of the page at `path` (TOML or YAML
/// front matter).
fn prefix_title(site: &Site, path: &str, prefix: &str) {
    let t = site.read(path);
    let t = match t.find("title = \"") {
        Some(i) => format!("{}title = \"{prefix} {}", &t[..i], &t[i + 9..]),
        None => t.replacen("title: ", &format!("title: {prefix} "), 1),
    };
    site.write(path, t);
}

/// Takes the front-matter line of `key` out of the page at `path`, or
/// puts `line` first in its front matter when it has none.
fn toggle_key(site: &Site, path: &str, key: &str, line: &str) {
    let t = site.read(path);
    let t = match t.find(&format!("\n{key} = ")) {
        Some(at) => {
            let start = at + 1;
            let end = start + t[start..].find('\n').unwrap_or(0) + 1;
            format!("{}{}", &t[..start], &t[end..])
        }
        None => t.replacen("+++\n", &format!("+++\n{line}\n"), 1),
    };
    site.write(path, t);
}

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
    let gen = generated(rng.below(GENERATED));
    let i = rng.below(GENERATED);
    let (original, fr) = (generated(i), translation(i));
    match rng.below(37) {
        36 if site.exists(&fr) => {
            // A translation made a draft: its original's switcher and the
            // French pages that linked it fall back to the original.
            toggle_key(site, &fr, "draft", "draft = true");
            only(format!("draft of {fr}"), &fr)
        }
        32 if site.exists(&original) => {
            // A translation added or deleted: the switcher of its original,
            // the French listings, index and feed, codes.json.
            if site.exists(&fr) {
                site.remove(&fr);
                only(format!("delete {fr}"), &fr)
            } else {
                site.write(&fr, translated(i, "2026-05-05"));
                only(format!("new {fr}"), &fr)
            }
        }
        33 if site.exists(&fr) => {
            // Its review date: outdated or not.
            flip(site, &fr, "reviewed = 2026-05-05", "reviewed = 2026-11-20");
            only(format!("review date of {fr}"), &fr)
        }
        34 if site.exists(&fr) => {
            prefix_title(site, &fr, &format!("F{step}"));
            only(format!("title of {fr}"), &fr)
        }
        35 if site.exists(&fr) => {
            toggle(site, &fr, &format!("\nCorps {step}.\n"));
            only(format!("body of {fr}"), &fr)
        }
        31 => {
            // A guide's title: the pages it compares show it, and so does
            // their entry in codes.json.
            let p = [
                "content/compare/503-vs-unavailable.md",
                "content/playbooks/timeouts.md",
            ][rng.below(2)];
            prefix_title(site, p, &format!("G{step}"));
            only(format!("title of {p}"), p)
        }
        30 if site.exists(&gen) => {
            // The editorial standard: two standard listings change.
            toggle_key(site, &gen, "standard", "standard = \"notes\"");
            only(format!("standard of {gen}"), &gen)
        }
        27 if site.exists(&gen) => {
            // An alias: a redirect page, and `_redirects`.
            toggle_key(
                site,
                &gen,
                "aliases",
                &format!("aliases = [\"/old/s{step}/\"]"),
            );
            only(format!("alias of {gen}"), &gen)
        }
        28 if site.exists(&gen) => {
            // The review date: the feed, the home page's recent reviews and
            // the sitemap move; the overdue badge may come or go.
            let t = site.read(&gen);
            let start = t.find("reviewed = ").unwrap_or(0);
            let end = start + t[start..].find('\n').unwrap_or(0);
            let date = format!(
                "20{}-0{}-1{}",
                24 + rng.below(3),
                1 + rng.below(9),
                rng.below(10)
            );
            site.write(
                &gen,
                format!("{}reviewed = {date}{}", &t[..start], &t[end..]),
            );
            only(format!("reviewed of {gen}"), &gen)
        }
        29 if site.exists(&gen) && !is_linked(&gen) => {
            // A slug: the page moves to another URL.
            toggle_key(site, &gen, "slug", &format!("slug = \"moved-{step}\""));
            only(format!("slug of {gen}"), &gen)
        }
        26 if site.exists("content/errors/grpc/gen1.md") => {
            // The first page with tag `t1` spells it: every page with the
            // tag shows the new spelling.
            let p = "content/errors/grpc/gen1.md";
            flip(site, p, "\"T1\"", "\"t1\"");
            only("spelling of t1".into(), p)
        }
        22 => {
            // A code other pages already write: they link it now, or stop
            // when a second provider has it too.
            let p = format!(
                "content/errors/{}/late{}.md",
                ["http", "grpc"][rng.below(2)],
                rng.below(4)
            );
            let code = p[p.rfind('/').unwrap_or(0) + 1..]
                .replace(".md", "")
                .to_uppercase();
            site.write(&p, format!("+++\ntitle = \"Late {step}\"\ncode = \"{code}\"\nreviewed = 2026-03-01\n{REFS}+++\nLate.\n"));
            only(format!("add {p}"), &p)
        }
        23 => {
            // What a compare guide compares: decision support moves.
            let p = "content/compare/503-vs-unavailable.md";
            flip(
                site,
                p,
                "\"grpc:unavailable\"]",
                "\"grpc:DEADLINE_EXCEEDED\"]",
            );
            only("compares of the guide".into(), p)
        }
        24 => {
            // A guide's tags: the fallback decision support of pages
            // without a guide of their own.
            let p = "content/playbooks/timeouts.md";
            let t = site.read(p);
            let t = if t.contains("tags = [") {
                let start = t.find("tags = [").unwrap_or(0);
                let end = start + t[start..].find('\n').unwrap_or(0) + 1;
                format!("{}{}", &t[..start], &t[end..])
            } else {
                t.replacen(
                    "+++\n",
                    &format!("+++\ntags = [\"t{}\"]\n", rng.below(5)),
                    1,
                )
            };
            site.write(p, t);
            only("tags of the playbook".into(), p)
        }
        16 => {
            // A page nothing else names: lists gain it, nothing else.
            let p = format!("content/errors/grpc/solo{step}.md");
            site.write(&p, format!("+++\ntitle = \"Solo {step}\"\ncode = \"SOLO{step}\"\nreviewed = 2026-02-0{}\ntags = [\"solo{}\"]\n{REFS}+++\nAlone.\n", 1 + rng.below(9), rng.below(2)));
            only(format!("add solo {p}"), &p)
        }
        17 if site.exists(&gen) => {
            toggle_key(site, &gen, "draft", "draft = true");
            only(format!("draft {gen}"), &gen)
        }
        18 if site.exists(&gen) => {
            let t = site.read(&gen);
            let start = t.find("tags = [").unwrap_or(0);
            let end = start + t[start..].find('\n').unwrap_or(0);
            let tags = [
                "[\"t1\"]",
                "[\"t2\", \"availability\"]",
                "[]",
                "[\"fresh\"]",
                // `T1` and `t1` are one tag: its label is the first page's spelling.
                "[\"T1\"]",
            ][rng.below(5)];
            site.write(&gen, format!("{}tags = {tags}{}", &t[..start], &t[end..]));
            only(format!("tags of {gen}"), &gen)
        }
        19 => {
            // A linked page's code, and so its URL: the pages that link it
            // change too.
            let gen = generated(LINKED + rng.below(GENERATED - LINKED));
            let t = site.read(&gen);
            let code = format!("GEN{}", 100 + step);
            let start = t.find("code = \"").unwrap_or(0);
            let end = start + t[start..].find('\n').unwrap_or(0);
            site.write(
                &gen,
                format!("{}code = \"{code}\"{}", &t[..start], &t[end..]),
            );
            only(format!("code of {gen}"), &gen)
        }
        20 => {
            let t = site.read(&pick);
            let t = if t.contains("summary = \"") {
                let start = t.find("summary = \"").unwrap_or(0);
                let end = start + t[start..].find('\n').unwrap_or(0) + 1;
                format!("{}{}", &t[..start], &t[end..])
            } else if t.starts_with("+++\n") {
                t.replacen("+++\n", &format!("+++\nsummary = \"Summary {step}.\"\n"), 1)
            } else {
                t
            };
            site.write(&pick, t);
            only(format!("summary of {pick}"), &pick)
        }
        21 if site.exists(&gen) && !is_linked(&gen) => {
            let to = gen.replace(".md", &format!("-{step}.md"));
            std::fs::rename(site.path().join(&gen), site.path().join(&to)).unwrap();
            (format!("rename {gen}"), Some(vec![gen.clone(), to]))
        }
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
            prefix_title(site, &pick, &format!("T{step}"));
            only(format!("title of {pick}"), &pick)
        }
        2 => {
            let code = format!("E{step}X");
            let p = format!("content/errors/http/{}.md", code.to_lowercase());
            site.write(&p, format!("+++\ntitle = \"New {step}\"\ncode = \"{code}\"\nreviewed = 2026-0{}-01\nrelated = [\"http:503\"]\ntags = [\"availability\"]\n{REFS}+++\nA new page about {code}.\n", 1 + rng.below(9)));
            only(format!("add {code}"), &p)
        }
        3 if pick.ends_with(".md")
            && !is_linked(&pick)
            && !pick.contains("503.md")
            && !pick.contains("unavailable")
            && !pick.contains("deadline") =>
        {
            site.remove(&pick);
            only(format!("delete {pick}"), &pick)
        }
        4 if pick.starts_with("content/guides/") || pick.ends_with("about.md") => {
            let to = pick.replace(".md", &format!("-{step}.md"));
            std::fs::rename(site.path().join(&pick), site.path().join(&to)).unwrap();
            (format!("rename {pick}"), Some(vec![pick.clone(), to]))
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
            only("template".into(), "templates/page.html")
        }
        7 => {
            // A provider's name is in the rows and terms of its pages'
            // search documents, which serve keeps across full rebuilds.
            // The default language is in the rows of the other languages'
            // indexes, on every page they show untranslated.
            let (a, b) = [
                ("review_interval_days = 180", "review_interval_days = 400"),
                ("name = \"gRPC\"", "name = \"Google RPC\""),
                (
                    "title = \"Fixture Atlas\"",
                    "title = \"Fixture Atlas\"\nlanguage = \"de\"",
                ),
            ][rng.below(3)];
            flip(site, "site.toml", a, b);
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
            prefix_title(site, p, &format!("T{step}"));
            only(format!("title of {p}"), p)
        }
    }
}

#[test]
fn incremental_snapshots_equal_fresh_builds_after_random_edits() {
    let (mut patched, mut graph_patched) = (0, 0);
    let mut built = 0;
    // In two languages, then in one (whose graph serve patches).
    let runs = [7u64, 1234, 99_991, 4242, 31337].map(|s| (s, true));
    let runs = runs
        .into_iter()
        .chain([(8u64, false), (4711, false), (2024, false)]);
    for (seed, languages) in runs {
        let site = Site::fixture("basic");
        grow(&site, languages);
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
        let (mut broke, mut last) = (None, None);
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
            // So is a link to a heading edit 13 took away.
            let (linking, linked) = (
                "content/errors/grpc/deadline-exceeded.md",
                "content/errors/http/503.md",
            );
            if site.read(linking).contains("#extra-notes")
                && !site.read(linked).contains("## Extra notes")
            {
                toggle(&site, linked, "\n## Extra notes\n\nMore.\n");
                fixed.push(linked.to_string());
            }
            // An edit that broke the site is undone next, as a writer
            // would, so that most edits are checked on a site that builds.
            let (what, changed) = match broke.take() {
                Some(before) => {
                    let undone = restore(&site, &before);
                    ("undo".to_string(), Some(undone))
                }
                None => {
                    let before = sources(&site);
                    let (what, changed) = edit(&site, &mut rng, step);
                    last = Some(before);
                    (what, changed)
                }
            };
            history.push(what);
            let changed: Option<Vec<PathBuf>> = changed.map(|mut c| {
                c.extend(fixed);
                c.dedup();
                c.into_iter().map(|p| site.path().join(p)).collect()
            });
            let (incremental, was_patched, graph_was_patched) =
                snapshot_and_patched(&mut session, changed.as_deref());
            patched += usize::from(was_patched);
            graph_patched += usize::from(graph_was_patched);
            let fresh = fresh(&opts);
            built += usize::from(fresh.is_ok());
            if fresh.is_err() {
                broke = last.take();
            }
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
                panic!("seed {seed} (languages: {languages}), after {history:?}: {detail}");
            }
        }
    }
    // The patch path must have been taken, not only the full rebuild; and
    // most edits must leave a site that builds, or their outputs go
    // unchecked.
    assert!(patched >= 20, "only {patched} rebuilds were patches");
    assert!(
        graph_patched >= 15,
        "only {graph_patched} rebuilds patched the graph"
    );
    assert!(
        built >= 240,
        "only {built} of 320 edits left a site that builds"
    );
}

//! Arbitrary Unicode through every input (SPEC §8, "well-formed"; "never
//! panics"): front-matter values in TOML and YAML, bodies, headings, link
//! targets, raw HTML ids, and file and folder names, through `check`, a
//! build to disk and the `serve` session with its patch path. Every case
//! ends in a clean error or a site whose HTML holds no forbidden control
//! character and whose XML and JSON parse; a patched rebuild equals a fresh
//! one. `PROPTEST_CASES` sets the number of cases (64 by default).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use faultbook::build::{self, Options};
use faultbook::serve::session::Session;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use crate::harness::Site;

/// Pieces that break naive text handling: every plane, combining marks,
/// right-to-left text, joiners, controls, what markdown, HTML, TOML and
/// YAML give meaning to, and the address shapes search skips.
const SPECIALS: &[&str] = &[
    "é",
    "e\u{301}",
    "\u{5d0}\u{5d1}",
    "مرحبا",
    "\u{202e}",
    "\u{200b}",
    "\u{200d}",
    "👩\u{200d}💻",
    "🇫🇷",
    "\u{1f600}",
    "\u{10ffff}",
    "\u{fffd}",
    "\u{feff}",
    "\u{0}",
    "\u{7}",
    "\u{1b}[31m",
    "\u{85}",
    "\u{2028}",
    "프로토콜://사용자@호스트",
    "日本語",
    "ไทย",
    "हिन्दी",
    "://",
    "http://x.y/z",
    "@/errors/http/503.md",
    "#",
    "## ",
    "\n",
    "\n\n",
    "\t",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "&",
    "&amp;",
    "<span id=\"r1\">",
    "</div>",
    "<!--",
    "`",
    "```",
    "*",
    "_",
    "|",
    "{{",
    "}}",
    "{%",
    "\\",
    "\"",
    "'",
    "+++",
    "---",
    " ",
    ".",
    "..",
    "%",
    "%2e",
    "\\ud800",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<char>().prop_map(String::from),
        4 => prop::sample::select(SPECIALS).prop_map(str::to_string),
        2 => "[a-zA-Z0-9]{1,8}",
    ]
}

fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..max).prop_map(|v| v.concat())
}

/// A name a file system accepts: no separators or NUL, not too long.
fn file_name(s: &str) -> String {
    let mut name: String = s
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | '\0') {
                '-'
            } else {
                c
            }
        })
        .collect();
    while name.len() > 100 {
        name.pop();
    }
    if name.is_empty() || name == "." || name == ".." {
        name = "x".into();
    }
    name
}

#[derive(Debug, Clone)]
struct Case {
    yaml: bool,
    /// `[urls] slugify = "off"`: file and folder names kept as written.
    kept_names: bool,
    title: String,
    summary: String,
    /// Inputs a build may refuse (a tag or file name that slugs to nothing, a
    /// link to nowhere): arbitrary in half the cases, plain in the others,
    /// so that enough cases build for their outputs to be checked.
    tag: Option<String>,
    ref_title: String,
    body: String,
    heading: String,
    link: Option<String>,
    code: String,
    html_id: Option<String>,
    folder: Option<String>,
    file: Option<String>,
    plain_title: String,
    plain_body: String,
    new_body: String,
}

fn case() -> impl Strategy<Value = Case> {
    (
        (
            any::<bool>(),
            any::<bool>(),
            text(8),
            text(8),
            risky(4),
            text(6),
        ),
        (text(24), text(6), risky(6), text(16), risky(4)),
        (risky(4), risky(4), text(6), text(16), text(24)),
    )
        .prop_map(
            |(
                (yaml, kept_names, title, summary, tag, ref_title),
                (body, heading, link, code, html_id),
                (folder, file, plain_title, plain_body, new_body),
            )| Case {
                yaml,
                kept_names,
                // Required and non-empty: an empty one is a refusal of its own.
                title: format!("T{title}"),
                summary: format!("S{summary}"),
                tag,
                ref_title,
                body,
                heading,
                link,
                code,
                html_id,
                folder,
                file,
                plain_title: format!("P{plain_title}"),
                plain_body: raw(&plain_body),
                new_body,
            },
        )
}

/// Arbitrary in one case of six, else `None` (a plain value).
fn risky(max: usize) -> impl Strategy<Value = Option<String>> {
    prop::option::weighted(1.0 / 6.0, text(max))
}

/// Text written into a file as it is: a raw NUL makes the file binary, a
/// refusal of its own (tested apart), so it stands in as U+0001 here.
fn raw(s: &str) -> String {
    s.replace('\0', "\u{1}")
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The error page of a case, with `body` as its body's first paragraph.
fn error_page(c: &Case, body: &str) -> String {
    // Two other pages' codes, for autolinking to link.
    let mut rest = raw(&format!(
        "{body}\n\n## {}\n\nSee `{}`, DEADLINE_EXCEEDED and {body} UNAVAILABLE.\n",
        c.heading, c.code
    ));
    if let Some(link) = &c.link {
        rest.push_str(&raw(&format!("\nSee [this]({link}).\n")));
    }
    if let Some(id) = &c.html_id {
        rest.push_str(&raw(&format!(
            "\n<span id=\"{id}\">x</span>, [back](#{id}).\n"
        )));
    }
    let tag = c.tag.clone().unwrap_or_else(|| "availability".into());
    if c.yaml {
        let mut fm = BTreeMap::new();
        fm.insert("title", serde_yaml_ng::Value::from(c.title.clone()));
        fm.insert("code", "PROP1".into());
        fm.insert("reviewed", "2026-10-01".into());
        fm.insert("summary", c.summary.clone().into());
        fm.insert("tags", vec![tag.clone()].into());
        let mut reference = serde_yaml_ng::Mapping::new();
        reference.insert("title".into(), c.ref_title.clone().into());
        reference.insert("url".into(), "https://example.com/ref".into());
        fm.insert(
            "references",
            serde_yaml_ng::Value::Sequence(vec![reference.into()]),
        );
        let yaml = serde_yaml_ng::to_string(&fm).unwrap();
        format!("---\n{yaml}---\n{rest}")
    } else {
        format!(
            "+++\ntitle = {}\ncode = \"PROP1\"\nreviewed = 2026-10-01\nsummary = {}\ntags = [{}]\n\n[[references]]\ntitle = {}\nurl = \"https://example.com/ref\"\n+++\n{rest}",
            toml_str(&c.title),
            toml_str(&c.summary),
            toml_str(&tag),
            toml_str(&c.ref_title),
        )
    }
}

/// Checks that one output is well-formed for its kind.
fn well_formed(path: &str, bytes: &[u8]) -> Result<(), String> {
    let ext = path.rsplit('.').next().unwrap_or("");
    if !matches!(ext, "html" | "xml" | "json" | "txt" | "css" | "js") && path != "_redirects" {
        return Ok(());
    }
    let text = std::str::from_utf8(bytes).map_err(|e| format!("{path}: not UTF-8: {e}"))?;
    match ext {
        "html" => {
            if let Some(c) = text.chars().find(|&c| {
                (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || ('\u{7f}'..='\u{9f}').contains(&c)
            }) {
                return Err(format!("{path}: holds control character {c:?}"));
            }
        }
        "xml" => {
            roxmltree::Document::parse(text).map_err(|e| format!("{path}: {e}"))?;
        }
        "json" => {
            serde_json::from_str::<serde_json::Value>(text).map_err(|e| format!("{path}: {e}"))?;
        }
        _ => {}
    }
    if path == "_redirects" && text.lines().any(|l| l.split_whitespace().count() != 3) {
        return Err(format!("_redirects: a line without 3 fields: {text:?}"));
    }
    Ok(())
}

fn check_files<'a>(files: impl Iterator<Item = (&'a str, &'a [u8])>) -> Result<(), TestCaseError> {
    for (path, bytes) in files {
        well_formed(path, bytes).map_err(TestCaseError::fail)?;
    }
    Ok(())
}

type Snap = Result<BTreeMap<String, Vec<u8>>, Vec<String>>;

/// A serve rebuild with its search index brought up to date.
fn rebuild(session: &mut Session, changed: Option<&[PathBuf]>) -> Option<Snap> {
    let built = session.rebuild(changed).ok()?;
    let search = session.refresh_search().ok()?;
    Some(match built {
        Ok(b) => Ok(search
            .map_or(b.snapshot, |s| s)
            .files
            .iter()
            .map(|(k, v)| (k.clone(), v.unpack()))
            .collect()),
        Err(d) => Err(d.iter().map(ToString::to_string).collect()),
    })
}

/// Runs one case; true when its site built.
fn run_case(c: &Case) -> Result<bool, TestCaseError> {
    let site = Site::fixture("basic");
    if c.kept_names {
        site.write(
            "site.toml",
            site.read("site.toml") + "\n[urls]\nslugify = \"off\"\n",
        );
    }
    let page = "content/errors/http/prop.md";
    site.write(page, error_page(c, &raw(&c.body)));
    let plain = format!(
        "content/{}/{}.md",
        file_name(c.folder.as_deref().unwrap_or("guides")),
        file_name(c.file.as_deref().unwrap_or("page"))
    );
    site.write(
        &plain,
        format!(
            "+++\ntitle = {}\n+++\n{}\n",
            toml_str(&c.plain_title),
            c.plain_body
        ),
    );
    let opts = Options {
        root: site.path().to_path_buf(),
        output: Some(site.path().join("out")),
        base_url: None,
        drafts: false,
        today: faultbook::page::parse_date("2026-11-26").unwrap(),
    };
    // check: a report, whatever the content.
    let checked = build::check_site(&opts, false);
    prop_assert!(checked.is_ok(), "check failed outright: {checked:?}");
    scans_agree_with_renders(&opts)?;
    // build to disk: a clean error, or a well-formed site.
    let mut built = false;
    if let Ok(outcome) = build::build(&opts) {
        if !outcome.has_errors() {
            built = true;
            let files = crate::harness::tree(&site.path().join("out"));
            check_files(files.iter().map(|(p, b)| (p.as_str(), b.as_slice())))?;
        }
    }
    // serve: a fresh session, then a patched body edit, equal to fresh.
    let serve_opts = Options {
        output: None,
        base_url: Some("http://127.0.0.1:1111/".into()),
        ..opts
    };
    let mut session = Session::new(serve_opts.clone());
    let Some(first) = rebuild(&mut session, None) else {
        return Ok(built);
    };
    if let Ok(files) = &first {
        check_files(files.iter().map(|(p, b)| (p.as_str(), b.as_slice())))?;
    }
    site.write(page, error_page(c, &raw(&c.new_body)));
    let changed = [site.path().join(page)];
    let patched = rebuild(&mut session, Some(&changed));
    let fresh = rebuild(&mut Session::new(serve_opts), None);
    prop_assert!(
        patched == fresh,
        "a patched rebuild differs from a fresh build: {}",
        describe(&patched, &fresh)
    );
    Ok(built)
}

/// Each page's scan, which the checks read and a build keeps in part,
/// holds what the render of its HTML finds: links, anchors, headings,
/// first paragraph, what it read and its diagnostics. A scan skips the
/// output, so that it costs less; nothing else may differ.
fn scans_agree_with_renders(opts: &Options) -> Result<(), TestCaseError> {
    use faultbook::markdown::{self, Mode, Rendered};
    let Ok(Ok(c)) = build::analyze(opts) else {
        return Ok(());
    };
    let ctx = build::markdown_context(&c);
    for (id, scan) in c.rendered.iter().enumerate() {
        let Some(scan) = scan else { continue };
        let page = &c.graph.page(id).page;
        let Ok(body) = page.body_or_diagnostic() else {
            continue;
        };
        let render = Rendered {
            html: String::new(),
            ..markdown::render(&ctx, id, &body, Mode::Html)
        };
        prop_assert_eq!(
            format!("{render:#?}"),
            format!("{:#?}", **scan),
            "{}: the scan and the render differ",
            page.file
        );
    }
    Ok(())
}

fn describe(a: &Option<Snap>, b: &Option<Snap>) -> String {
    match (a, b) {
        (Some(Ok(a)), Some(Ok(b))) => {
            let diff: Vec<&String> = a
                .keys()
                .chain(b.keys())
                .filter(|k| a.get(*k) != b.get(*k))
                .collect();
            format!("files {diff:?}")
        }
        (a, b) => format!("{a:?} vs {b:?}"),
    }
}

#[test]
fn arbitrary_unicode_never_panics_and_never_breaks_an_output() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let built = std::sync::atomic::AtomicUsize::new(0);
    let result = runner.run(&case(), |c| {
        if run_case(&c)? {
            built.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // Outputs are checked only where a case built: enough must.
    let built = built.into_inner();
    assert!(
        built * 4 >= cases as usize,
        "only {built} of {cases} cases built: the inputs are too hostile to check outputs"
    );
}

/// The exact text of the reported panic, pinned.
#[test]
fn a_letter_of_any_script_before_a_scheme_separator_is_indexed() {
    let site = Site::fixture("basic");
    site.write(
        "content/errors/http/proto.md",
        "+++\ntitle = \"프로토콜\"\ncode = \"PROTO1\"\nreviewed = 2026-10-01\n\n[[references]]\ntitle = \"R\"\nurl = \"https://example.com\"\n+++\nA URL template `{{프로토콜://사용자@호스트}}` and é://x.\n",
    );
    let r = site.build();
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"));
    assert!(Path::new(&site.path().join("public/search/index.json")).exists());
}

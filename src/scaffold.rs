//! `faultbook new` and `faultbook init`: pages and sites that build as they are.
//!
//! Front matter is written from `page::SCHEMA`, the same table that
//! validates it: required keys get values, optional keys appear as comments
//! that say what they are for.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use time::Date;

use crate::config::Config;
use crate::diag::{Diagnostic, Rule};
use crate::kind::Kind;
use crate::page::{format_date, FieldType, Need, SCHEMA};
use crate::urls::{code_slug, segment_slug};

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// What to put in a new page.
pub struct NewPage<'a> {
    pub kind: Kind,
    pub title: String,
    pub code: Option<&'a str>,
    pub provider: Option<&'a str>,
    pub refs: Vec<String>,
    pub today: Date,
    pub standard: Option<&'a str>,
    pub needs_references: bool,
}

/// The text of a new page.
pub fn page_text(p: &NewPage<'_>) -> String {
    let mut fm = String::from("+++\n");
    let mut optional = Vec::new();
    for f in SCHEMA {
        let need = f.need[p.kind as usize];
        let value = match f.key {
            "title" => Some(toml_str(&p.title)),
            "code" => p.code.map(toml_str),
            "provider" => p.provider.map(toml_str),
            "summary" if need == Need::Required => Some(toml_str(PLACEHOLDER_SUMMARY)),
            "reviewed" => Some(format_date(p.today)),
            "standard" => p.standard.map(toml_str),
            "compares" | "covers" => Some(format!(
                "[{}]",
                p.refs
                    .iter()
                    .map(|r| toml_str(r))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            _ => None,
        };
        match (need, value) {
            (Need::Absent, _) => {}
            (_, Some(v)) => fm.push_str(&format!("{} = {v}\n", f.key)),
            (_, None) if matches!(f.ty, FieldType::References(_) | FieldType::Table(_)) => {}
            (_, None) => optional.push(format!(
                "# {} = {}  # {}\n",
                f.key,
                example(f.ty),
                f.meaning
            )),
        }
    }
    for line in optional {
        fm.push_str(&line);
    }
    if SCHEMA
        .iter()
        .any(|f| f.key == "references" && f.need[p.kind as usize] != Need::Absent)
    {
        let reference = format!(
            "[[references]]\ntitle = \"Official documentation\"\nurl = \"{PLACEHOLDER_URL}\"\n"
        );
        if p.needs_references {
            fm.push_str(&reference);
        } else {
            fm.push_str(
                &reference
                    .lines()
                    .map(|l| format!("# {l}\n"))
                    .collect::<String>(),
            );
        }
    }
    fm.push_str("+++\n");
    for s in p.kind.spec().sections {
        fm.push_str(&format!("\n## {s}\n\n"));
    }
    fm
}

/// The summary a new compare guide or playbook starts with.
pub const PLACEHOLDER_SUMMARY: &str =
    "One or two plain sentences: what this guide helps a reader decide or do.";
/// The URL of a new page's first reference.
pub const PLACEHOLDER_URL: &str = "https://example.com/replace-with-the-official-page";

/// Warnings for the text `faultbook new` wrote for the writer to replace
/// that is still in a page: stubs pass every other check, and must not
/// ship unnoticed.
pub fn placeholders(file: &str, kind: Kind, fm: &crate::page::FrontMatter) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let placeholder_title = kind.has_code()
        && fm
            .code
            .as_deref()
            .is_some_and(|code| fm.title == (kind.spec().new_title)(code));
    if placeholder_title {
        found.push(Rule::Placeholder.warning(
            file,
            Some(fm.line_of("title")),
            "the title is still the one `faultbook new` wrote; say what the error is in a few words",
        ));
    }
    if fm.summary.as_deref() == Some(PLACEHOLDER_SUMMARY) {
        found.push(Rule::Placeholder.warning(
            file,
            Some(fm.line_of("summary")),
            "the summary is still the one `faultbook new` wrote; say what the page helps a reader decide or do",
        ));
    }
    if fm.references.iter().any(|r| r.url == PLACEHOLDER_URL) {
        found.push(Rule::Placeholder.warning(
            file,
            Some(fm.line_of("references")),
            format!("a reference still points at {PLACEHOLDER_URL}; link the provider's own page"),
        ));
    }
    found
}

fn example(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Str(_) | FieldType::Code(_) => "\"\"",
        FieldType::Date(_) => "2026-01-01",
        FieldType::Bool(_) => "false",
        FieldType::Refs { .. } | FieldType::StrList(_) => "[]",
        FieldType::References(_) | FieldType::Table(_) => "{}",
    }
}

/// The standard a new page gets: `default_standard`, else the first.
pub fn standard_for(config: &Config) -> Option<(&str, bool)> {
    let key = config
        .default_standard
        .as_deref()
        .or_else(|| config.standards.keys().next().map(String::as_str))?;
    config
        .standards
        .get(key)
        .map(|s| (s.key.as_str(), s.requires_references))
}

/// Path of a new page under the root, for each kind.
pub fn new_page_path(kind: Kind, provider: Option<&str>, name: &str) -> Result<String> {
    let slug = if kind.has_code() {
        code_slug(name)
    } else {
        segment_slug(name)
    };
    if slug.is_empty() {
        bail!("\"{name}\" gives an empty file name; use letters or digits");
    }
    let folder = kind.spec().folder;
    Ok(match provider {
        Some(p) if kind.has_code() => format!("content/{folder}{p}/{slug}.md"),
        _ => format!("content/{folder}{slug}.md"),
    })
}

/// A new translation of a page: its title and summary as the original
/// has them (to translate), `reviewed` today, and the original's headings
/// with their ids, each section to write.
pub fn translation_text(
    original: &crate::page::FrontMatter,
    toc: &[crate::markdown::TocEntry],
    today: Date,
) -> String {
    let mut s = String::from("+++\n");
    s.push_str(&format!("title = {}\n", toml_str(&original.title)));
    if let Some(summary) = &original.summary {
        s.push_str(&format!("summary = {}\n", toml_str(summary)));
    }
    s.push_str(&format!("reviewed = {}\n", crate::page::format_date(today)));
    s.push_str("# code, provider, refs, tags and aliases come from the original;\n");
    s.push_str("# its references are shown unless [[references]] are given here.\n");
    s.push_str("+++\n");
    for e in toc {
        s.push_str(&format!(
            "\n{} {} {{#{}}}\n",
            "#".repeat(usize::from(e.level)),
            e.title,
            e.id
        ));
    }
    s
}

/// Writes `text` to `path`, refusing to overwrite anything.
pub fn write_new(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    std::io::Write::write_all(&mut f, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// `faultbook init DIR`: a small site that builds and checks clean.
pub fn init(dir: &Path, today: Date) -> Result<Vec<PathBuf>> {
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is not empty; init only writes into a new or empty folder",
                dir.display()
            );
        }
    }
    let site = r#"title = "Error Atlas"
base_url = "https://errors.example.com/"
description = "What our errors mean and how to fix them."
language = "en"
review_interval_days = 180
default_standard = "source-backed"

[markdown]
autolink_codes = true

[providers.http]
name = "HTTP"
context = "HTTP status codes as defined by RFC 9110 and the RFCs that extend it."

[standards.source-backed]
name = "source-backed technical guidance"
description = "Every claim is backed by the provider's documentation or a reproducible test."
requires_references = true

[decision_support]
featured = ["playbooks/overload.md"]
"#;
    let date = format_date(today);
    let files: Vec<(&str, String)> = vec![
        ("site.toml", site.to_string()),
        // The output folder is made by every build: not a source.
        (".gitignore", "/public/\n".to_string()),
        (
            "content/errors/http/429.md",
            format!(
                r#"+++
title = "Too Many Requests"
code = "429"
provider = "http"
reviewed = {date}
tags = ["throttling"]
related = ["http:503"]

[[references]]
title = "RFC 6585, section 4: 429 Too Many Requests"
url = "https://www.rfc-editor.org/rfc/rfc6585.html#section-4"
+++

The client sent more requests than the server allows in a window of time.

## What it means

The server refused the request on purpose. Retry later, after the delay in
the `Retry-After` header when there is one.

## How to fix

1. Honour `Retry-After`.
2. Retry with exponential backoff and jitter.
3. Spread batch work over time.

> [!TIP]
> Compare with [503](@/errors/http/503.md): both can carry `Retry-After`.
"#
            ),
        ),
        (
            "content/errors/http/503.md",
            format!(
                r#"+++
title = "Service Unavailable"
code = "503"
provider = "http"
reviewed = {date}
tags = ["availability"]

[[references]]
title = "RFC 9110, section 15.6.4: 503 Service Unavailable"
url = "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.4"
+++

The server cannot handle the request right now, usually because it is
overloaded or down for maintenance.

## How to fix

Retry with backoff; check the service's health and its dependencies.
"#
            ),
        ),
        (
            "content/compare/429-vs-503.md",
            format!(
                r#"+++
title = "429 vs 503"
summary = "429 says you sent too much; 503 says the server cannot cope right now."
compares = ["http:429", "http:503"]
reviewed = {date}

[[references]]
title = "RFC 9110, section 15: Status Codes"
url = "https://www.rfc-editor.org/rfc/rfc9110.html#section-15"
+++

## At a glance

| | 429 | 503 |
|---|---|---|
| Whose limit | the caller's quota | the server's capacity |
| Retry | after `Retry-After` | with backoff |
"#
            ),
        ),
        (
            "content/playbooks/overload.md",
            format!(
                r#"+++
title = "Overload playbook"
summary = "What to do when a service starts refusing requests."
covers = ["http:429", "http:503"]
reviewed = {date}

[[references]]
title = "RFC 9110, section 10.2.3: Retry-After"
url = "https://www.rfc-editor.org/rfc/rfc9110.html#section-10.2.3"
+++

1. Read the status code and `Retry-After`.
2. Back off, with jitter.
3. Find who is sending the load.
"#
            ),
        ),
    ];
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        write_new(&path, &text)?;
        written.push(path);
    }
    Ok(written)
}

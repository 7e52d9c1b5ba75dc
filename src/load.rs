//! Loading one page: bytes -> text -> front matter -> validated `Page`.
//!
//! A pure function of the file's bytes and the few rules it is checked
//! against, run in parallel over every page, and the unit that incremental
//! rebuilds re-run when one file changes.
//!
//! Bodies are most of a site's bytes. A page keeps its body while the
//! build's [`BodyBudget`] lasts; past it, each stage that needs the body
//! (markdown, search, render) reads it again with [`Page::body`], so a
//! large site holds only the pages it is working on. The file's hash tells
//! when it changed since it was loaded.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::diag::{Diagnostic, Rule};
use crate::frontmatter;
use crate::kind::Kind;
use crate::page::{self, FrontMatter, Rules};
use crate::source;

/// A page as read from disk, before it is placed in the graph.
#[derive(Clone, Debug)]
pub struct Page {
    /// `content/errors/http/429.md`
    pub file: String,
    /// `errors/http/429.md`
    pub inner: String,
    pub kind: Kind,
    /// The language of a translation (`429.fr.md`); `None` for a page in
    /// the site's default language.
    pub lang: Option<String>,
    pub fm: FrontMatter,
    /// The body, when the budget kept it; else [`Page::body`] reads it again.
    held: Option<Arc<str>>,
    /// The file, where [`Page::body`] reads the body from.
    pub abs: PathBuf,
    /// Byte offset of the body in the file's text (decoded, control
    /// characters removed).
    pub body_start: usize,
    /// Line of the body's first line in the file.
    pub body_line: u32,
    /// Hash of the file's bytes, the key of every memo that depends on them.
    pub hash: [u8; 32],
    /// What the graph derives from this page alone, made once: serve's
    /// next graph takes it from the unchanged pages as it is.
    pub(crate) placed: std::sync::OnceLock<Arc<crate::graph::Placed>>,
}

/// What loading a page reads besides the page: the day its dates are
/// checked against, whether the site names a default standard, and the
/// budget of bodies kept in memory.
#[derive(Clone, Copy)]
pub struct With<'a> {
    pub today: time::Date,
    pub has_default_standard: bool,
    pub budget: &'a BodyBudget,
    /// The site's default language and the languages pages are
    /// translated into.
    pub language: &'a str,
    pub translations: &'a [String],
}

/// Loads a page from its bytes. `Err` when the file cannot be read as a page
/// at all; front-matter problems are pushed to `diags` and the page is still
/// returned so that later checks can run.
pub fn page(
    file: &str,
    inner: &str,
    abs: &Path,
    bytes: &[u8],
    with: &With<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Page> {
    let With {
        today,
        has_default_standard,
        budget,
        language,
        translations,
    } = *with;
    let hash = *blake3::hash(bytes).as_bytes();
    let (text, removed) = match text_of(bytes) {
        Ok(t) => t,
        Err((line, msg)) => {
            diags.push(Rule::Encoding.error(file, line, msg));
            return None;
        }
    };
    if let Some(r) = removed {
        diags.push(
            Rule::Encoding
                .warning(file, Some(r.line), r.message())
                .at_column(Some(r.column)),
        );
    }
    let kind = Kind::of(inner);
    let name = inner.rsplit('/').next().unwrap_or(inner);
    let mut lang = crate::i18n::language_of_file(name, translations);
    if let Some(l) = lang.filter(|l| !translations.iter().any(|t| t == l)) {
        // A language site.toml does not declare: a mistake when the page
        // it would translate is there, else a name like any other.
        let base = name.replacen(&format!(".{l}.md"), ".md", 1);
        if !abs.with_file_name(&base).is_file() {
            lang = None;
        } else {
            let msg = if l == language {
                format!(
                    "\"{l}\" in the file name makes this a translation into {l}, the site's default language, which {base} beside it is already written in; merge the two pages, or rename this file"
                )
            } else {
                format!(
                    "\"{l}\" in the file name makes this a translation of {base} into {l}, a language site.toml does not declare; add [languages.{l}]{}, or rename the file",
                    if crate::i18n::has_builtin(l) { "" } else { " with a name" }
                )
            };
            diags.push(Rule::Translation.error(file, None, msg));
            return None;
        }
    }
    let folder_provider = if kind.has_code() {
        let mut parts = inner[kind.spec().folder.len()..].split('/');
        let provider = parts.next();
        if parts.next().is_none() {
            diags.push(Rule::Url.error(
                file,
                None,
                format!(
                    "{} pages live in content/{}<provider>/; move this file into its provider's folder",
                    kind.name(),
                    kind.spec().folder
                ),
            ));
            return None;
        }
        provider
    } else {
        None
    };
    let split = match frontmatter::split(&text) {
        Ok(s) => s,
        Err((line, msg)) => {
            diags.push(Rule::FrontMatter.error(file, Some(line), msg));
            return None;
        }
    };
    let mut parsed = match frontmatter::parse(&split) {
        Ok(p) => p,
        Err((line, col, msg)) => {
            diags.push(
                Rule::FrontMatter
                    .error(file, Some(line), msg)
                    .at_column(col),
            );
            return None;
        }
    };
    // Escapes such as TOML's "\u0007" make control characters the text
    // itself did not hold.
    for (key, value) in parsed.table.iter_mut() {
        if let Some(r) = value.strip_controls() {
            let line = parsed.key_lines.get(key).copied();
            diags.push(Rule::Encoding.warning(file, line, format!("{key}: {}", r.message())));
        }
    }
    let rules = Rules {
        today,
        has_default_standard,
        folder_provider,
        front: split.front,
        front_line: split.front_line,
        translation: lang.is_some(),
    };
    let fm = page::validate(file, kind, &parsed.table, parsed.key_lines, &rules, diags);
    diags.extend(crate::scaffold::placeholders(file, kind, &fm));
    let body_start = text.len() - split.body.len();
    let body_line = split.body_line;
    let held = budget.take(split.body.len()).then(|| split.body.into());
    Some(Page {
        file: file.to_string(),
        inner: inner.to_string(),
        kind,
        lang: lang.map(str::to_string),
        fm,
        held,
        abs: abs.to_path_buf(),
        body_start,
        body_line,
        hash,
        placed: Default::default(),
    })
}

/// A page file's text: decoded, and without the control characters HTML
/// forbids (what was removed comes back for a warning). Loading a page and
/// reading its body again both start here, so they see the same text.
fn text_of(bytes: &[u8]) -> Result<(String, Option<source::Removed>), (Option<u32>, String)> {
    let mut text = source::decode(bytes)?;
    let removed = source::strip_controls(&mut text);
    Ok((text, removed))
}

/// How many bytes of bodies a build keeps in memory: every page of a site
/// of some 2,500 pages of 4-8 KB fits, and no file is read twice. Past it,
/// memory stays flat and the rest are read again where they are used,
/// from the system's file cache: at 10,000 pages that costs about 1% of
/// the build's time, where holding them all would cost 64 MB.
pub const BODY_BUDGET: usize = 16 << 20;

/// The bytes of bodies that pages may still keep (see [`BODY_BUDGET`]).
#[derive(Debug)]
pub struct BodyBudget(AtomicUsize);

impl BodyBudget {
    /// [`BODY_BUDGET`], or `FAULTBOOK_BODY_BUDGET` bytes when set (tests
    /// use it to cross the budget with small sites).
    pub fn for_build() -> BodyBudget {
        let bytes = std::env::var("FAULTBOOK_BODY_BUDGET")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(BODY_BUDGET);
        BodyBudget(AtomicUsize::new(bytes))
    }

    /// Takes `n` bytes if that many are left.
    fn take(&self, n: usize) -> bool {
        self.0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(n)
            })
            .is_ok()
    }
}

impl Page {
    /// The same file read with other front matter (a translation with
    /// its original's shared facts); what the graph derived is made again.
    pub fn with_front_matter(&self, fm: FrontMatter) -> Page {
        Page {
            fm,
            placed: Default::default(),
            ..self.clone()
        }
    }

    /// The page's body: kept, or read again from its file. `Err` says why
    /// it cannot be read: the file is gone, or changed since it was loaded
    /// (the build would otherwise mix two versions of it).
    pub fn body(&self) -> Result<Cow<'_, str>, String> {
        if let Some(b) = &self.held {
            return Ok(Cow::Borrowed(b));
        }
        let bytes = std::fs::read(&self.abs).map_err(|e| format!("cannot read: {e}"))?;
        if *blake3::hash(&bytes).as_bytes() != self.hash {
            return Err("changed while the site was being built; build again".into());
        }
        // The same bytes give the same text as when the page was loaded.
        let (mut text, _) = text_of(&bytes).map_err(|(_, msg)| msg)?;
        text.replace_range(..self.body_start.min(text.len()), "");
        Ok(Cow::Owned(text))
    }

    /// [`Page::body`] as a diagnostic at the page's file.
    pub fn body_or_diagnostic(&self) -> Result<Cow<'_, str>, Diagnostic> {
        self.body()
            .map_err(|msg| Rule::File.error(&self.file, None, msg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(dir: &Path, text: &str, budget: usize) -> Page {
        let abs = dir.join("p.md");
        std::fs::write(&abs, text).unwrap();
        let budget = BodyBudget(AtomicUsize::new(budget));
        page(
            "content/p.md",
            "p.md",
            &abs,
            text.as_bytes(),
            &With {
                today: time::macros::date!(2026 - 01 - 01),
                has_default_standard: false,
                budget: &budget,
                language: "en",
                translations: &[],
            },
            &mut Vec::new(),
        )
        .unwrap()
    }

    #[test]
    fn a_body_read_again_is_the_body_loaded_or_an_error_when_the_file_changed() {
        let dir = tempfile::tempdir().unwrap();
        let text = "+++\ntitle = \"T\"\n+++\r\nBody \u{7}with a bell.\r\n";
        let held = load(dir.path(), text, 1 << 20);
        let again = load(dir.path(), text, 0);
        assert!(matches!(held.body(), Ok(Cow::Borrowed(_))));
        assert!(matches!(again.body(), Ok(Cow::Owned(_))));
        assert_eq!(again.body().unwrap(), held.body().unwrap());
        assert_eq!(again.body().unwrap(), "Body with a bell.\n");

        std::fs::write(dir.path().join("p.md"), text.replace("Body", "Edited")).unwrap();
        let e = again.body().unwrap_err();
        assert!(e.contains("changed while the site was being built"), "{e}");
        // A kept body is the one loaded, whatever happens to the file.
        assert_eq!(held.body().unwrap(), "Body with a bell.\n");
        std::fs::remove_file(dir.path().join("p.md")).unwrap();
        assert!(again.body().unwrap_err().starts_with("cannot read"));
    }
}

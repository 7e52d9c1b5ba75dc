//! Diagnostics: the content and config problems of one run.
//!
//! Every stage pushes `Diagnostic`s into a list instead of stopping at the
//! first problem, so a writer sees every error of a build at once; work
//! running on several threads pushes into a shared [`Diagnostics`]. Each
//! diagnostic has a [`Rule`], what kind of problem it is, which tools filter
//! on and nothing reads from the message. Operational failures (a folder
//! that cannot be read or written) are not diagnostics: they travel as
//! `anyhow` errors. The list is sorted before it is reported, so the order
//! never depends on thread scheduling.

use std::fmt;
use std::sync::Mutex;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// What kind of problem a diagnostic is: a stable id to filter on
/// (`--format json` prints it as `rule`), never read from the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// site.toml: syntax, keys, values, featured pages; command-line values.
    Config,
    /// A file that cannot be read, a symlink out of the site, a file
    /// changed during the build.
    File,
    /// Text that is not UTF-8, or holds control characters.
    Encoding,
    /// Front matter: syntax, keys, types, required keys, providers and
    /// standards it names.
    FrontMatter,
    /// Two error pages of a provider with the same code.
    DuplicateCode,
    /// A ref (`compares`, `covers`, `related`) that names no page, a draft
    /// or the page itself.
    Ref,
    /// A place or URL a page, tag or alias cannot have.
    Url,
    /// Two outputs that would write the same file.
    Collision,
    /// A link that leads nowhere or is not allowed.
    Link,
    /// A link to an id no heading or element has.
    Anchor,
    /// Markdown or raw HTML nested deeper than is rendered.
    Nesting,
    /// A template that does not load or render.
    Template,
    /// A page overdue for review.
    Overdue,
    /// Text `faultbook new` wrote for the writer to replace, still there.
    Placeholder,
    /// A translation without its original, in a language site.toml does
    /// not declare, or that sets a fact of its original differently.
    Translation,
    /// A translation whose original was reviewed after it.
    Outdated,
}

impl Rule {
    pub const ALL: [Rule; 16] = [
        Rule::Config,
        Rule::File,
        Rule::Encoding,
        Rule::FrontMatter,
        Rule::DuplicateCode,
        Rule::Ref,
        Rule::Url,
        Rule::Collision,
        Rule::Link,
        Rule::Anchor,
        Rule::Nesting,
        Rule::Template,
        Rule::Overdue,
        Rule::Placeholder,
        Rule::Translation,
        Rule::Outdated,
    ];

    pub fn error(
        self,
        file: impl Into<String>,
        line: Option<u32>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            file: Some(file.into()),
            line,
            column: None,
            severity: Severity::Error,
            message: message.into(),
            rule: self,
        }
    }

    /// An error of the run as a whole, in no file.
    pub fn site_error(self, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: None,
            ..self.error("", None, message)
        }
    }

    /// A warning of the run as a whole, in no file.
    pub fn site_warning(self, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..self.site_error(message)
        }
    }

    pub fn warning(
        self,
        file: impl Into<String>,
        line: Option<u32>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..self.error(file, line, message)
        }
    }
}

/// One problem, located as precisely as the input allows.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Diagnostic {
    /// Path relative to the site root, with `/` separators; `None` for
    /// problems of the run as a whole.
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub severity: Severity,
    pub message: String,
    pub rule: Rule,
}

impl Diagnostic {
    pub fn at_column(mut self, column: Option<u32>) -> Self {
        self.column = column;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `error: content/a.md:4:12: message`, the form of SPEC §7.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: ")?;
        if let Some(file) = &self.file {
            write!(f, "{file}:")?;
            if let Some(line) = self.line {
                write!(f, "{line}:")?;
                if let Some(col) = self.column {
                    write!(f, "{col}:")?;
                }
            }
            write!(f, " ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// A thread-safe collector; stages running under rayon push into it.
#[derive(Default)]
pub struct Diagnostics {
    items: Mutex<Vec<Diagnostic>>,
}

impl Diagnostics {
    pub fn push(&self, d: Diagnostic) {
        self.lock().push(d);
    }

    /// Takes what was collected so far, leaving the collector empty.
    pub fn take(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Diagnostic>> {
        // A panic while holding the lock cannot leave the Vec inconsistent.
        self.items.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Line and column (both 1-based) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = text[line_start..floor_char_boundary(text, offset)]
        .chars()
        .count()
        + 1;
    (line as u32, col as u32)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Renders diagnostics as JSON (SPEC §7: one report object), indented or on
/// one line.
pub fn to_json(diags: &[Diagnostic], pretty: bool) -> String {
    #[derive(Serialize)]
    struct Report<'a> {
        errors: usize,
        warnings: usize,
        diagnostics: Vec<Entry<'a>>,
    }
    #[derive(Serialize)]
    struct Entry<'a> {
        severity: Severity,
        file: Option<&'a str>,
        line: Option<u32>,
        column: Option<u32>,
        message: &'a str,
        rule: Rule,
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let report = Report {
        errors,
        warnings: diags.len() - errors,
        diagnostics: diags
            .iter()
            .map(|d| Entry {
                severity: d.severity,
                file: d.file.as_deref(),
                line: d.line,
                column: d.column,
                message: &d.message,
                rule: d.rule,
            })
            .collect(),
    };
    if pretty {
        serde_json::to_string_pretty(&report).unwrap_or_default()
    } else {
        serde_json::to_string(&report).unwrap_or_default()
    }
}

/// Renders diagnostics as GitHub workflow annotations, each file's path
/// after `prefix` (the site's folder in its repository, `docs/`).
pub fn to_github(diags: &[Diagnostic], prefix: &str) -> String {
    let mut out = String::new();
    for d in diags {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str("::");
        out.push_str(kind);
        let mut props = Vec::new();
        if let Some(file) = &d.file {
            props.push(format!(
                "file={}",
                gh_escape_property(&format!("{prefix}{file}"))
            ));
        }
        if let Some(line) = d.line {
            props.push(format!("line={line}"));
        }
        if let Some(col) = d.column {
            props.push(format!("col={col}"));
        }
        if !props.is_empty() {
            out.push(' ');
            out.push_str(&props.join(","));
        }
        out.push_str("::");
        out.push_str(&gh_escape_data(&d.message));
        out.push('\n');
    }
    out
}

fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_escape_property(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_not_bytes() {
        let text = "ab\nüx y";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 6), (2, 3));
    }

    #[test]
    fn display_matches_spec() {
        let d = Rule::Link
            .error("content/a.md", Some(4), "bad")
            .at_column(Some(12));
        assert_eq!(d.to_string(), "error: content/a.md:4:12: bad");
        let d = Rule::Overdue.warning("content/a.md", None, "old");
        assert_eq!(d.to_string(), "warning: content/a.md: old");
    }

    #[test]
    fn github_escapes() {
        let d = Rule::Link.error("content/a,b.md", Some(1), "50%\nnext");
        assert_eq!(
            to_github(&[d], "docs/"),
            "::error file=docs/content/a%2Cb.md,line=1::50%25%0Anext\n"
        );
    }
}

/// Human output: `error: file:line:col: message`, then the source line and
/// a caret under the column when the input has a position. `source` returns
/// a file's text by its root-relative path. ANSI colour only when `color`.
/// `text` with the control characters a terminal would act on (escape
/// sequences, bells) written out as `\u{1b}`, so a diagnostic shows them.
fn visible(text: &str) -> String {
    if !crate::html::has_forbidden_control(text) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if crate::html::is_forbidden_control(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

pub fn to_human(
    diags: &[Diagnostic],
    source: &dyn Fn(&str) -> Option<String>,
    color: bool,
) -> String {
    let mut out = String::new();
    let mut cache: std::collections::HashMap<String, Option<String>> =
        std::collections::HashMap::new();
    for d in diags {
        let text = visible(&d.to_string());
        let (label, code) = match d.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        if color {
            out.push_str(&format!(
                "\x1b[{code}m{label}\x1b[0m{}\n",
                &text[label.len()..]
            ));
        } else {
            out.push_str(&text);
            out.push('\n');
        }
        let (Some(file), Some(line)) = (&d.file, d.line) else {
            continue;
        };
        let src = cache.entry(file.clone()).or_insert_with(|| source(file));
        let Some(src_line) = src
            .as_deref()
            .and_then(|s| s.lines().nth(line as usize - 1))
        else {
            continue;
        };
        let src_line = src_line.trim_end_matches('\r');
        if src_line.len() > 300 {
            continue;
        }
        // One character for one, so the caret below stays in its column.
        let src_line: String = src_line
            .chars()
            .map(|c| {
                if crate::html::is_forbidden_control(c) {
                    '\u{fffd}'
                } else {
                    c
                }
            })
            .collect();
        let num = line.to_string();
        let pad = " ".repeat(num.len());
        let bar = if color { "\x1b[1;34m|\x1b[0m" } else { "|" };
        out.push_str(&format!("{pad} {bar}\n{num} {bar} {src_line}\n"));
        if let Some(col) = d.column {
            let indent: String = src_line
                .chars()
                .take(col.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let caret = if color {
                format!("\x1b[{code}m^\x1b[0m")
            } else {
                "^".to_string()
            };
            out.push_str(&format!("{pad} {bar} {indent}{caret}\n"));
        }
    }
    out
}

#[cfg(test)]
mod human_tests {
    use super::*;

    /// The rule ids are an interface: docs/ci.md lists every one.
    #[test]
    fn every_rule_is_documented() {
        let doc = include_str!("../docs/ci.md");
        for r in Rule::ALL {
            let id = serde_json::to_string(&r).unwrap();
            let row = format!("| `{}` |", id.trim_matches('"'));
            assert!(doc.contains(&row), "docs/ci.md lacks the row {row}");
        }
    }

    #[test]
    fn human_output_shows_the_line_and_a_caret() {
        let d = vec![
            Rule::FrontMatter
                .error("content/a.md", Some(2), "unknown provider \"azur\"")
                .at_column(Some(12)),
            Rule::Overdue.warning("content/b.md", Some(1), "old"),
            Diagnostic {
                file: None,
                line: None,
                column: None,
                severity: Severity::Warning,
                message: "2 pages overdue".into(),
                rule: Rule::Overdue,
            },
        ];
        let src =
            |f: &str| (f == "content/a.md").then(|| "+++\nprovider = \"azur\"\n+++\n".to_string());
        assert_eq!(
            to_human(&d, &src, false),
            "error: content/a.md:2:12: unknown provider \"azur\"\n  |\n2 | provider = \"azur\"\n  |            ^\nwarning: content/b.md:1: old\nwarning: 2 pages overdue\n"
        );
    }
}

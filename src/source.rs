//! The walk of a site's folders (SPEC §1) and the reading of its text files.
//!
//! `scan` lists content/, static/ and templates/ in a sorted, deterministic
//! order, skipping editors' leftovers, the output folder and hidden files
//! (under static/ only git's and the desktop's, so `.well-known/` is
//! published). It does not follow symlinked folders; a symlink that leads
//! outside the site is a diagnostic. `decode` turns bytes into text the rest
//! of the pipeline can trust: UTF-8 without BOM, `\n` line endings, never
//! binary; `strip_controls` takes out the control characters HTML and XML
//! forbid, saying where the first one was.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::{Diagnostic, Rule};

/// A file found by the walk.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    /// Path relative to the site root with `/` separators: `content/errors/http/429.md`.
    pub rel: String,
    /// Path relative to its top folder: `errors/http/429.md`.
    pub inner: String,
    pub abs: PathBuf,
}

#[derive(Debug, Default)]
pub struct Scan {
    /// `.md` files under content/.
    pub pages: Vec<SourceFile>,
    /// Other files under content/, copied beside their page.
    pub assets: Vec<SourceFile>,
    pub statics: Vec<SourceFile>,
    pub templates: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// True when a file found is a symlink: an edit of its target changes
    /// it under another name.
    pub linked: bool,
}

/// True for names the walk skips in content/ and templates/: hidden files
/// and editors' leftovers.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.') || is_editor_leftover(name)
}

/// True for names the walk skips in static/, where hidden files are
/// published (`.well-known/security.txt`): editors' leftovers, git's files
/// (`.git`, `.gitignore`, `.gitkeep`) and the desktop's (`.DS_Store`,
/// `Thumbs.db`).
pub fn is_ignored_static_name(name: &str) -> bool {
    is_editor_leftover(name)
        || name.starts_with(".git")
        || name == ".DS_Store"
        || name == "Thumbs.db"
}

/// Swap, backup and lock files of editors (vim, emacs, and the `4913`
/// probe vim writes to test a folder).
fn is_editor_leftover(name: &str) -> bool {
    name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.starts_with(".#")
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// The skip rule of the input folder `top` (`content`, `static`, `templates`).
pub fn is_ignored_in(top: &str, name: &str) -> bool {
    if top == "static" {
        is_ignored_static_name(name)
    } else {
        is_ignored_name(name)
    }
}

/// Walks the three input folders of `root`. `output` (absolute or relative
/// to the root) is skipped wherever it appears.
pub fn scan(root: &Path, output: &Path) -> Scan {
    scan_folders(root, output, &["content", "static", "templates"])
}

/// `scan` of templates/ alone: what a template edit needs to read again.
pub fn scan_templates(root: &Path, output: &Path) -> Scan {
    scan_folders(root, output, &["templates"])
}

fn scan_folders(root: &Path, output: &Path, folders: &[&str]) -> Scan {
    let mut out = Scan::default();
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let output = canonical_or_self(&root.join(output));
    for (top, list) in [
        ("content", &mut out.pages),
        ("static", &mut out.statics),
        ("templates", &mut out.templates),
    ] {
        let dir = root.join(top);
        if !folders.contains(&top) || !dir.is_dir() {
            continue;
        }
        let walker = WalkDir::new(&dir)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0
                    || (!is_ignored_in(top, &e.file_name().to_string_lossy())
                        && canonical_or_self(e.path()) != output)
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e
                        .path()
                        .map(|p| rel_path(root, p))
                        .unwrap_or_else(|| top.to_string());
                    out.diagnostics
                        .push(Rule::File.error(path, None, format!("cannot read: {e}")));
                    continue;
                }
            };
            let path = entry.path();
            let rel = rel_path(root, path);
            let ft = entry.file_type();
            if ft.is_symlink() {
                match path.canonicalize() {
                    Ok(target) if !target.starts_with(&canonical_root) => {
                        out.diagnostics.push(Rule::File.error(
                            rel,
                            None,
                            format!(
                                "symlink leads outside the site (to {}); copy the file into the site instead",
                                target.display()
                            ),
                        ));
                        continue;
                    }
                    Ok(target) if target.is_dir() => continue, // symlinked folders are not followed
                    Ok(_) => out.linked = true,
                    Err(_) => {
                        out.diagnostics
                            .push(Rule::File.error(rel, None, "broken symlink"));
                        continue;
                    }
                }
            } else if !ft.is_file() {
                continue;
            }
            let inner = rel_path(&dir, path);
            let file = SourceFile {
                rel,
                inner,
                abs: path.to_path_buf(),
            };
            if top == "content" && !file.inner.ends_with(".md") {
                out.assets.push(file);
            } else {
                list.push(file);
            }
        }
    }
    out
}

fn canonical_or_self(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// `/`-separated path of `path` relative to `base`.
pub fn rel_path(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Turns file bytes into text: rejects binary, UTF-16 and invalid UTF-8 with
/// a message naming the line, strips a UTF-8 BOM and converts CRLF to LF.
pub fn decode(bytes: &[u8]) -> Result<String, (Option<u32>, String)> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err((Some(1), "file is UTF-16 encoded; save it as UTF-8".into()));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Some(i) = bytes.iter().position(|&b| b == 0) {
        let line = line_of_byte(bytes, i);
        return Err((
            Some(line),
            "file looks binary (it holds a NUL byte); expected UTF-8 markdown".into(),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = line_of_byte(bytes, e.valid_up_to());
            return Err((
                Some(line),
                format!(
                    "invalid UTF-8 at byte {}; expected UTF-8 text",
                    e.valid_up_to()
                ),
            ));
        }
    };
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    })
}

/// A control character removed from a text: the first one, where it was,
/// and how many there were.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Removed {
    pub first: char,
    /// 1-based line and column (in characters) of the first, within the text.
    pub line: u32,
    pub column: u32,
    pub count: usize,
}

impl Removed {
    /// The warning's message.
    pub fn message(&self) -> String {
        let more = match self.count {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        format!(
            "removed control character U+{:04X}{more}: HTML and XML do not allow them (pasted terminal output?)",
            self.first as u32
        )
    }
}

/// Removes the control characters HTML and XML forbid
/// ([`crate::html::is_forbidden_control`]) from `text`.
pub fn strip_controls(text: &mut String) -> Option<Removed> {
    if !crate::html::has_forbidden_control(text) {
        return None;
    }
    let mut removed: Option<Removed> = None;
    let (mut line, mut column) = (1u32, 1u32);
    text.retain(|c| {
        let keep = !crate::html::is_forbidden_control(c);
        if !keep {
            match &mut removed {
                Some(r) => r.count += 1,
                None => {
                    removed = Some(Removed {
                        first: c,
                        line,
                        column,
                        count: 1,
                    })
                }
            }
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
        keep
    });
    removed
}

fn line_of_byte(bytes: &[u8], i: usize) -> u32 {
    bytes[..i].iter().filter(|&&b| b == b'\n').count() as u32 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignored_names() {
        for n in [
            ".git",
            ".hidden.md",
            "a.md~",
            "#a.md#",
            ".#a.md",
            "a.md.swp",
            "a.swx",
            "x.tmp",
            "4913",
        ] {
            assert!(is_ignored_name(n), "{n}");
        }
        for n in ["a.md", "4913.md", "index.md"] {
            assert!(!is_ignored_name(n), "{n}");
        }
        for n in [
            ".git",
            ".gitignore",
            ".gitkeep",
            ".DS_Store",
            "Thumbs.db",
            ".#a.css",
            "a.css~",
            "a.css.swp",
            "4913",
        ] {
            assert!(is_ignored_static_name(n), "{n}");
        }
        for n in [".well-known", "security.txt", ".htaccess", "a.css"] {
            assert!(!is_ignored_static_name(n), "{n}");
        }
    }

    #[test]
    fn controls_are_stripped_with_their_place() {
        let mut t = String::from("ok\nab\u{1b}[1mc\u{7}\n");
        let r = strip_controls(&mut t).unwrap();
        assert_eq!(t, "ok\nab[1mc\n");
        assert_eq!((r.first, r.line, r.column, r.count), ('\u{1b}', 2, 3, 2));
        let mut clean = String::from("tab\tand é\n");
        assert_eq!(strip_controls(&mut clean), None);
    }

    #[test]
    fn decode_rules() {
        assert_eq!(decode(b"\xEF\xBB\xBFa\r\nb").unwrap(), "a\nb");
        assert_eq!(
            decode(b"\xFF\xFEa\0").unwrap_err().1,
            "file is UTF-16 encoded; save it as UTF-8"
        );
        assert_eq!(decode(b"a\nb\n\xC3(").unwrap_err().0, Some(3));
        assert_eq!(decode(b"a\n\n\0").unwrap_err().0, Some(3));
    }
}

//! Code highlighting at build time with syntect, as CSS classes.
//!
//! Highlighted HTML depends only on the fence's language and the code, so it
//! is cached on a hash of both: rebuilds and repeated snippets cost a lookup.
//! Unknown languages, over-long lines and huge blocks get plain, escaped
//! code: a regex engine on a 2 MB line is not worth a frozen build.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use syntect::highlighting::ThemeSet;
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
/// Longest line that is still highlighted.
const MAX_LINE: usize = 2_000;
/// Largest block that is still highlighted.
const MAX_BLOCK: usize = 256 * 1024;
/// The dark theme paired with the configured light one.
pub const DARK_THEME: &str = "base16-ocean.dark";

/// Attributes of rustdoc fences: a fence carrying one is Rust code.
const RUSTDOC_ATTRS: &[&str] =
    &["ignore", "compile_fail", "no_run", "should_panic", "test_harness", "edition2015", "edition2018", "edition2021", "edition2024"];

pub struct Highlighter {
    cache: Mutex<HashMap<[u8; 32], Arc<str>>>,
}

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn themes() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(ThemeSet::load_defaults)
}

pub fn theme_names() -> Vec<&'static str> {
    themes().themes.keys().map(String::as_str).collect()
}

/// The stylesheet for the highlight classes: the configured theme, and the
/// dark one under `prefers-color-scheme` / `data-theme="dark"`.
pub fn stylesheet(light: &str) -> String {
    let ts = themes();
    let mut css = String::new();
    if let Some(t) = ts.themes.get(light) {
        css.push_str(&css_for_theme_with_class_style(t, CLASS_STYLE).unwrap_or_default());
    }
    if let Some(t) = ts.themes.get(DARK_THEME) {
        let dark = css_for_theme_with_class_style(t, CLASS_STYLE).unwrap_or_default();
        css.push_str("\n@media (prefers-color-scheme: dark) {\n");
        css.push_str(&scope(&dark, ":root:not([data-theme=\"light\"]) "));
        css.push_str("}\n");
        css.push_str(&scope(&dark, ":root[data-theme=\"dark\"] "));
    }
    css
}

/// Prefixes every selector of a flat stylesheet with `prefix`.
fn scope(css: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(css.len() * 2);
    let mut plain = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(i) = rest.find("/*") {
        plain.push_str(&rest[..i]);
        rest = rest[i..].find("*/").map_or("", |j| &rest[i + j + 2..]);
    }
    plain.push_str(rest);
    for rule in plain.split_inclusive('}') {
        match rule.split_once('{') {
            Some((sel, body)) => {
                let sel: Vec<String> = sel
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| format!("{prefix}{s}"))
                    .collect();
                if sel.is_empty() {
                    continue;
                }
                out.push_str(&sel.join(", "));
                out.push_str(" {");
                out.push_str(body);
                out.push('\n');
            }
            None => {}
        }
    }
    out
}

/// What a fence's info string says.
#[derive(Debug, PartialEq, Eq)]
pub struct Fence {
    pub lang: Option<String>,
    /// rustdoc's `# ` hidden lines are dropped.
    pub rustdoc: bool,
}

pub fn parse_fence(info: &str) -> Fence {
    let tokens: Vec<&str> =
        info.split(|c: char| c == ',' || c.is_whitespace()).filter(|t| !t.is_empty()).collect();
    let rustdoc_attr = tokens
        .iter()
        .any(|t| RUSTDOC_ATTRS.contains(t) || (t.len() == 5 && t.starts_with('E') && t[1..].bytes().all(|b| b.is_ascii_digit())));
    let first = tokens.first().copied();
    if first == Some("rust") || rustdoc_attr {
        return Fence { lang: Some("rust".into()), rustdoc: true };
    }
    Fence { lang: first.map(|t| t.trim_start_matches("language-").to_string()), rustdoc: false }
}

/// Drops rustdoc's hidden lines (`# ...`) and unescapes `##`.
fn strip_hidden(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    for line in LinesWithEndings::from(code) {
        let t = line.trim_start();
        if t == "#\n" || t == "#" || t.starts_with("# ") {
            continue;
        }
        if let Some(rest) = t.strip_prefix("##") {
            out.push_str(&line[..line.len() - t.len()]);
            out.push('#');
            out.push_str(rest);
        } else {
            out.push_str(line);
        }
    }
    out
}

impl Default for Highlighter {
    fn default() -> Self {
        Highlighter { cache: Mutex::new(HashMap::new()) }
    }
}

impl Highlighter {
    /// A `<pre>` block for a fenced or indented code block.
    pub fn block(&self, info: &str, code: &str) -> Arc<str> {
        let mut h = blake3::Hasher::new();
        h.update(info.as_bytes());
        h.update(&[0]);
        h.update(code.as_bytes());
        let key = *h.finalize().as_bytes();
        if let Some(hit) = self.cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return hit.clone();
        }
        let html: Arc<str> = render_block(info, code).into();
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).insert(key, html.clone());
        html
    }
}

fn render_block(info: &str, code: &str) -> String {
    let fence = parse_fence(info);
    let code = if fence.rustdoc { std::borrow::Cow::Owned(strip_hidden(code)) } else { std::borrow::Cow::Borrowed(code) };
    let ss = syntaxes();
    let syntax = fence.lang.as_deref().and_then(|l| ss.find_syntax_by_token(l));
    let lang_attr = fence.lang.as_deref().map(|l| format!(" data-lang=\"{}\"", crate::html::escape(l))).unwrap_or_default();
    let too_big = code.len() > MAX_BLOCK || code.lines().any(|l| l.len() > MAX_LINE);
    let mut out = String::with_capacity(code.len() * 2 + 64);
    out.push_str("<pre class=\"code\"");
    out.push_str(&lang_attr);
    out.push_str("><code>");
    match syntax {
        Some(syntax) if !too_big => {
            let mut gen = ClassedHTMLGenerator::new_with_class_style(syntax, ss, CLASS_STYLE);
            let ok = LinesWithEndings::from(&code).all(|line| gen.parse_html_for_line_which_includes_newline(line).is_ok());
            if ok {
                out.push_str(&gen.finalize());
            } else {
                out.push_str(&crate::html::escape(&code));
            }
        }
        _ => out.push_str(&crate::html::escape(&code)),
    }
    out.push_str("</code></pre>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences() {
        assert_eq!(parse_fence("compile_fail,E0382"), Fence { lang: Some("rust".into()), rustdoc: true });
        assert_eq!(parse_fence("rust,edition2021,ignore"), Fence { lang: Some("rust".into()), rustdoc: true });
        assert_eq!(parse_fence("json"), Fence { lang: Some("json".into()), rustdoc: false });
        assert_eq!(parse_fence(""), Fence { lang: None, rustdoc: false });
    }

    #[test]
    fn hidden_lines() {
        assert_eq!(strip_hidden("# fn main() {\nlet x = 1;\n## not hidden\n# }\n"), "let x = 1;\n# not hidden\n");
    }

    #[test]
    fn unknown_language_is_plain_and_escaped() {
        let h = Highlighter::default();
        let html = h.block("nosuchlang", "<b>&</b>\n");
        assert_eq!(&*html, "<pre class=\"code\" data-lang=\"nosuchlang\"><code>&lt;b&gt;&amp;&lt;/b&gt;\n</code></pre>\n");
    }

    #[test]
    fn known_language_gets_classes() {
        let h = Highlighter::default();
        let html = h.block("json", "{\"a\": 1}\n");
        assert!(html.contains("hl-"), "{html}");
        let long = "x".repeat(MAX_LINE + 1);
        assert!(!h.block("json", &long).contains("hl-"));
    }
}

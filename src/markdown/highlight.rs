//! Code highlighting at build time with syntect, as CSS classes.
//!
//! Highlighted HTML depends only on the fence's language and the code, so
//! it is memoized line by line (see [`Highlighter`]): rebuilds and repeated
//! snippets cost lookups.
//! Unknown languages, over-long lines and huge blocks get plain, escaped
//! code: a regex engine on a 2 MB line is not worth a frozen build.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::OnceLock;

use syntect::highlighting::{Color, Theme, ThemeSet};
use syntect::html::{css_for_theme_with_class_style, line_tokens_to_classed_spans, ClassStyle};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
/// Longest line that is still highlighted.
const MAX_LINE: usize = 2_000;
/// Largest block that is still highlighted.
const MAX_BLOCK: usize = 256 * 1024;
/// The dark theme paired with the configured light one.
pub const DARK_THEME: &str = "base16-ocean.dark";

/// Attributes of rustdoc fences: a fence carrying one is Rust code.
const RUSTDOC_ATTRS: &[&str] = &[
    "ignore",
    "compile_fail",
    "no_run",
    "should_panic",
    "test_harness",
    "edition2015",
    "edition2018",
    "edition2021",
    "edition2024",
];

/// Bytes of line memo a thread keeps (text, HTML and a share of the parser
/// states); when full it starts again empty, so memory stays bounded
/// whatever the site's size.
const MEMO_BYTES: usize = 16 << 20;

/// Highlights code blocks, memoizing line by line.
///
/// syntect's cost is in its regexes, run for every line. A line's HTML and
/// the parser state after it depend only on the syntax, the state before it
/// and its text, so the same line in the same state (the same `curl` flags,
/// the same JSON error body shape across many pages, or every line of a
/// page that is rebuilt after an edit) is tokenized once. Parser states are
/// shared between the entries of consecutive lines, so following a run of
/// remembered lines compares pointers, not states.
///
/// syntect's parser state holds regex regions that may not cross threads,
/// so each worker thread keeps its own memo.
#[derive(Default)]
pub struct Highlighter {
    _private: (),
}

/// The parser's state between two lines.
#[derive(Clone, PartialEq)]
struct State {
    parse: ParseState,
    scopes: ScopeStack,
}

struct LineEntry {
    syntax: *const SyntaxReference,
    line: Box<str>,
    before: Rc<State>,
    html: Box<str>,
    spans_delta: isize,
    after: Rc<State>,
}

#[derive(Default)]
struct LineMemo {
    entries: rustc_hash::FxHashMap<u64, Vec<Rc<LineEntry>>>,
    bytes: usize,
}

thread_local! {
    static LINES: RefCell<LineMemo> = RefCell::new(LineMemo::default());
}

/// syntect's own syntax set: the languages it has are highlighted by it,
/// as they always were.
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// bat's syntaxes (the two-face crate), for the languages syntect's own
/// set lacks and error references show: TOML, TypeScript, PowerShell,
/// Dockerfile, HTTP and more. Loaded (tens of milliseconds) only when a
/// page asks for one of them.
fn more_syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// Starts loading syntect's syntax set on a thread of its own, once per
/// process; the first block highlighted waits for it if it is not done.
pub fn warm_up() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        std::thread::spawn(|| {
            syntaxes();
        });
    });
}

/// Fence languages as other generators spell them (Pygments, highlight.js)
/// that name no syntax by themselves: the token syntect knows them by.
const LANGUAGE_ALIASES: &[(&str, &str)] = &[
    ("c#", "cs"),
    ("csharp", "cs"),
    ("docker", "Dockerfile"),
    ("f#", "fs"),
    ("fsharp", "fs"),
    ("golang", "go"),
    ("jsonc", "json"),
    ("json5", "json"),
    ("ps", "ps1"),
    ("pwsh", "ps1"),
    ("shell", "sh"),
    ("shell-session", "sh"),
    ("console", "sh"),
    ("terraform", "tf"),
    ("protobuf", "proto"),
    ("objc", "m"),
    ("vb", "vb"),
    ("vbnet", "vb"),
];

/// The syntax of a fence's language, with the set that holds it: by
/// extension or name, as syntect finds it, else through
/// [`LANGUAGE_ALIASES`]; in syntect's own set first, then in bat's.
fn syntax_for(lang: &str) -> Option<(&'static SyntaxSet, &'static SyntaxReference)> {
    let lower = lang.to_ascii_lowercase();
    let alias = LANGUAGE_ALIASES
        .iter()
        .find(|(alias, _)| *alias == lower)
        .map(|(_, token)| *token);
    let find = |ss: &'static SyntaxSet| {
        ss.find_syntax_by_token(lang)
            .or_else(|| alias.and_then(|t| ss.find_syntax_by_token(t)))
            .map(|syntax| (ss, syntax))
    };
    find(syntaxes()).or_else(|| find(more_syntaxes()))
}

fn themes() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(ThemeSet::load_defaults)
}

pub fn theme_names() -> Vec<&'static str> {
    themes().themes.keys().map(String::as_str).collect()
}

/// The stylesheet for the highlight classes: the configured theme, and the
/// dark one under `prefers-color-scheme` / `data-theme="dark"`. Each theme
/// applies only in its own mode, so the two never mix rule by rule, and
/// every colour is adjusted to WCAG AA contrast on its theme's background.
pub fn stylesheet(light: &str) -> String {
    let ts = themes();
    let css_of = |name: &str| {
        ts.themes.get(name).map(|t| {
            css_for_theme_with_class_style(&accessible(t), CLASS_STYLE).unwrap_or_default()
        })
    };
    let mut css = String::new();
    for (theme, media, otherwise, forced) in [
        (css_of(light), "light", "dark", "light"),
        (css_of(DARK_THEME), "dark", "light", "dark"),
    ] {
        let Some(theme) = theme else { continue };
        css.push_str(&format!("@media (prefers-color-scheme: {media}) {{\n"));
        css.push_str(&scope(
            &theme,
            &format!(":root:not([data-theme=\"{otherwise}\"]) "),
        ));
        css.push_str("}\n");
        css.push_str(&scope(&theme, &format!(":root[data-theme=\"{forced}\"] ")));
    }
    css
}

/// Contrast that WCAG AA asks of normal text.
const MIN_CONTRAST: f64 = 4.5;

/// `theme` with every foreground colour moved towards black (on a light
/// background) or white (on a dark one) until it reaches [`MIN_CONTRAST`].
fn accessible(theme: &Theme) -> Theme {
    let mut theme = theme.clone();
    let bg = theme.settings.background.unwrap_or(Color::WHITE);
    let fix = |c: &mut Color| *c = with_contrast(*c, bg);
    if let Some(fg) = theme.settings.foreground.as_mut() {
        fix(fg);
    }
    for item in &mut theme.scopes {
        if let Some(fg) = item.style.foreground.as_mut() {
            fix(fg);
        }
    }
    theme
}

fn with_contrast(fg: Color, bg: Color) -> Color {
    let blend = |c: u8, b: u8| {
        let a = f64::from(fg.a) / 255.0;
        (f64::from(c) * a + f64::from(b) * (1.0 - a)).round() as u8
    };
    let mut c = Color {
        r: blend(fg.r, bg.r),
        g: blend(fg.g, bg.g),
        b: blend(fg.b, bg.b),
        a: 255,
    };
    let target = if luminance(bg) > 0.18 { 0.0 } else { 255.0 };
    for _ in 0..40 {
        if contrast(c, bg) >= MIN_CONTRAST {
            break;
        }
        let step = |v: u8| (f64::from(v) + (target - f64::from(v)) * 0.1).round() as u8;
        c = Color {
            r: step(c.r),
            g: step(c.g),
            b: step(c.b),
            a: 255,
        };
    }
    c
}

fn luminance(c: Color) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}

fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
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
        if let Some((sel, body)) = rule.split_once('{') {
            {
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
    let tokens: Vec<&str> = info
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    let rustdoc_attr = tokens.iter().any(|t| {
        RUSTDOC_ATTRS.contains(t)
            || (t.len() == 5 && t.starts_with('E') && t[1..].bytes().all(|b| b.is_ascii_digit()))
    });
    let first = tokens.first().copied();
    if first == Some("rust") || rustdoc_attr {
        return Fence {
            lang: Some("rust".into()),
            rustdoc: true,
        };
    }
    Fence {
        lang: first.map(|t| t.trim_start_matches("language-").to_string()),
        rustdoc: false,
    }
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

impl Highlighter {
    /// A `<pre>` block for a fenced or indented code block.
    pub fn block(&self, info: &str, code: &str) -> String {
        self.render_block(info, code)
    }

    /// Highlighted HTML for `code`, or `None` if syntect fails on it.
    fn highlight(&self, ss: &SyntaxSet, syntax: &SyntaxReference, code: &str) -> Option<String> {
        use std::hash::{BuildHasher as _, Hash as _, Hasher as _};
        let mut state = Rc::new(State {
            parse: ParseState::new(syntax),
            scopes: ScopeStack::new(),
        });
        let mut open: isize = 0;
        let mut out = String::with_capacity(code.len() * 4);
        for line in LinesWithEndings::from(code) {
            let mut h = rustc_hash::FxBuildHasher.build_hasher();
            (syntax as *const SyntaxReference).hash(&mut h);
            line.hash(&mut h);
            let key = h.finish();
            let found = |e: &&Rc<LineEntry>| {
                std::ptr::eq(e.syntax, syntax)
                    && *e.line == *line
                    && (Rc::ptr_eq(&e.before, &state) || *e.before == *state)
            };
            let hit = LINES.with_borrow(|memo| {
                memo.entries
                    .get(&key)
                    .and_then(|v| v.iter().find(found).cloned())
            });
            let entry = match hit {
                Some(e) => e,
                None => {
                    let mut next = State::clone(&state);
                    let ops = next.parse.parse_line(line, ss).ok()?;
                    let (html, spans_delta) =
                        line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, &mut next.scopes)
                            .ok()?;
                    let e = Rc::new(LineEntry {
                        syntax,
                        line: line.into(),
                        before: state.clone(),
                        html: html.into(),
                        spans_delta,
                        after: Rc::new(next),
                    });
                    LINES.with_borrow_mut(|memo| {
                        // A state is counted with the entry that made it.
                        memo.bytes += 2 * line.len() + e.html.len() + 512;
                        if memo.bytes > MEMO_BYTES {
                            *memo = LineMemo::default();
                        }
                        let v = memo.entries.entry(key).or_default();
                        if v.len() < 8 {
                            v.push(e.clone());
                        }
                    });
                    e
                }
            };
            out.push_str(&entry.html);
            open += entry.spans_delta;
            state = entry.after.clone();
        }
        for _ in 0..open.max(0) {
            out.push_str("</span>");
        }
        Some(out)
    }

    fn render_block(&self, info: &str, code: &str) -> String {
        let fence = parse_fence(info);
        let code = if fence.rustdoc {
            std::borrow::Cow::Owned(strip_hidden(code))
        } else {
            std::borrow::Cow::Borrowed(code)
        };
        let syntax = fence.lang.as_deref().and_then(syntax_for);
        let lang_attr = fence
            .lang
            .as_deref()
            .map(|l| format!(" data-lang=\"{}\"", crate::html::escape(l)))
            .unwrap_or_default();
        let too_big = code.len() > MAX_BLOCK || code.lines().any(|l| l.len() > MAX_LINE);
        let mut out = String::with_capacity(code.len() * 2 + 160);
        // The head holds the language and, once the script runs, the copy
        // button: it is in the HTML so that adding the button moves nothing.
        out.push_str(
            "<div class=\"code-wrap\"><div class=\"code-head\"><span class=\"code-lang\">",
        );
        if let Some(lang) = fence.lang.as_deref() {
            out.push_str(&crate::html::escape(lang));
        }
        out.push_str("</span></div><pre class=\"code hl-code\" tabindex=\"0\"");
        out.push_str(&lang_attr);
        out.push_str("><code>");
        match syntax
            .filter(|_| !too_big)
            .and_then(|(ss, syntax)| self.highlight(ss, syntax, &code))
        {
            Some(html) => out.push_str(&html),
            None => out.push_str(&crate::html::escape(&code)),
        }
        out.push_str("</code></pre></div>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_theme_colour_reaches_aa_contrast_on_its_background() {
        for (name, theme) in &themes().themes {
            let fixed = accessible(theme);
            let bg = fixed.settings.background.unwrap_or(Color::WHITE);
            let colours = fixed
                .scopes
                .iter()
                .filter_map(|s| s.style.foreground)
                .chain(fixed.settings.foreground);
            for c in colours {
                assert!(contrast(c, bg) >= MIN_CONTRAST, "{name}: {c:?} on {bg:?}");
            }
        }
        // Already readable colours are left as they are.
        let black = Color {
            r: 0,
            g: 0,
            b: 0,
            a: 255,
        };
        assert_eq!(with_contrast(black, Color::WHITE), black);
    }

    #[test]
    fn fences() {
        assert_eq!(
            parse_fence("compile_fail,E0382"),
            Fence {
                lang: Some("rust".into()),
                rustdoc: true
            }
        );
        assert_eq!(
            parse_fence("rust,edition2021,ignore"),
            Fence {
                lang: Some("rust".into()),
                rustdoc: true
            }
        );
        assert_eq!(
            parse_fence("json"),
            Fence {
                lang: Some("json".into()),
                rustdoc: false
            }
        );
        assert_eq!(
            parse_fence(""),
            Fence {
                lang: None,
                rustdoc: false
            }
        );
    }

    #[test]
    fn hidden_lines() {
        assert_eq!(
            strip_hidden("# fn main() {\nlet x = 1;\n## not hidden\n# }\n"),
            "let x = 1;\n# not hidden\n"
        );
    }

    #[test]
    fn unknown_language_is_plain_and_escaped() {
        let h = Highlighter::default();
        let html = h.block("nosuchlang", "<b>&</b>\n");
        assert_eq!(&*html, "<div class=\"code-wrap\"><div class=\"code-head\"><span class=\"code-lang\">nosuchlang</span></div><pre class=\"code hl-code\" tabindex=\"0\" data-lang=\"nosuchlang\"><code>&lt;b&gt;&amp;&lt;/b&gt;\n</code></pre></div>\n");
    }

    #[test]
    fn known_language_gets_classes() {
        let h = Highlighter::default();
        let html = h.block("json", "{\"a\": 1}\n");
        assert!(html.contains("<span class=\"hl-"), "{html}");
        let long = "x".repeat(MAX_LINE + 1);
        assert!(!h.block("json", &long).contains("<span class=\"hl-"));
    }
}

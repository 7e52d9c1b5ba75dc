//! HTML escaping and the sanitizer for raw HTML in page bodies (SPEC §8),
//! and what the markdown pass needs to know of that raw HTML before it is
//! sanitized: the ids it defines as link targets, and how deep it nests.

use std::sync::OnceLock;

/// True for the control characters that HTML and XML do not allow in text:
/// C0 controls but tab and newline (carriage returns are gone by the time
/// text is read), DEL and the C1 controls. Terminal escapes (`\x1b[31m`)
/// pasted with command output are the common case.
pub fn is_forbidden_control(c: char) -> bool {
    (c < ' ' && c != '\t' && c != '\n') || ('\u{7f}'..='\u{9f}').contains(&c)
}

/// The length in bytes of the character at byte `i` of UTF-8 `b` when
/// [`is_forbidden_control`] refuses it, else 0.
fn control_len(b: &[u8], i: usize) -> usize {
    match b[i] {
        c if c < b' ' && c != b'\t' && c != b'\n' => 1,
        0x7f => 1,
        // 0xC2 leads the two-byte C1 controls (U+0080 to U+009F).
        0xc2 if matches!(b.get(i + 1), Some(0x80..=0x9f)) => 2,
        _ => 0,
    }
}

/// True when `s` holds a character [`is_forbidden_control`] refuses; a
/// byte scan, as most text holds none.
pub fn has_forbidden_control(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len()).any(|i| control_len(b, i) > 0)
}

/// Escapes text for HTML text and double-quoted attribute values. Control
/// characters that HTML forbids are dropped: inputs are cleaned with a
/// warning when read, and this keeps every output well-formed whatever
/// reaches it.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s, "&#39;");
    out
}

/// [`escape`], appending to `out`, with `apostrophe` for `'`. Runs of
/// plain text are copied whole: most text has nothing to escape.
fn escape_into(out: &mut String, s: &str, apostrophe: &'static str) {
    let bytes = s.as_bytes();
    let mut plain = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (replacement, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => (apostrophe, 1),
            _ => match control_len(bytes, i) {
                0 => {
                    i += 1;
                    continue;
                }
                n => ("", n),
            },
        };
        out.push_str(&s[plain..i]);
        out.push_str(replacement);
        i += len;
        plain = i;
    }
    out.push_str(&s[plain..]);
}

/// Escapes text for XML (feeds, sitemaps).
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_xml_into(&mut out, s);
    out
}

/// [`escape_xml`], appending to `out`.
pub fn escape_xml_into(out: &mut String, s: &str) {
    escape_into(out, s, "&apos;");
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tags([
            "details",
            "summary",
            "kbd",
            "div",
            "span",
            "section",
            "mark",
            "input",
            "figure",
            "figcaption",
            "abbr",
            "dfn",
        ])
        .add_generic_attributes([
            "id",
            "class",
            "title",
            "role",
            "aria-hidden",
            "aria-label",
            "data-lang",
            "lang",
            "dir",
        ])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("a", ["name"])
        .add_tag_attributes("details", ["open"])
        .add_tag_attributes("pre", ["tabindex"])
        .add_tag_attributes("div", ["tabindex"])
        .add_tag_attributes("ol", ["start"])
        .link_rel(None);
        b
    })
}

/// Removes scripts, event handlers and dangerous URLs, keeping safe markup.
pub fn sanitize(html: &str) -> String {
    sanitizer().clean(html).to_string()
}

/// The link targets that raw HTML in a page body defines: the `id` of any
/// element and the `name` of `<a>`, where the element survives sanitizing
/// (every element when `unsafe_html` keeps it all). RFC-derived pages link
/// `[1](#ref-1)` to `<span id="ref-1">`.
pub fn raw_html_targets(html: &str, unsafe_html: bool) -> Vec<String> {
    static KEPT: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    let kept = KEPT.get_or_init(|| {
        sanitizer()
            .clone_tags()
            .into_iter()
            .map(str::to_string)
            .collect()
    });
    let mut out = Vec::new();
    for tag in tags(html) {
        if tag.closing || (!unsafe_html && !kept.contains(&tag.name)) {
            continue;
        }
        for (name, value) in tag.attrs {
            if (name == "id" || (name == "name" && tag.name == "a")) && !value.is_empty() {
                out.push(decode_entities(&value));
            }
        }
    }
    out
}

/// A tag of raw HTML, as much of it as ids and nesting need.
struct Tag {
    /// Lowercase.
    name: String,
    closing: bool,
    self_closing: bool,
    attrs: Vec<(String, String)>,
}

/// The tags of a piece of raw HTML in order, comments skipped. Whatever
/// the text, it only slices at ASCII bytes, so it never splits a character.
fn tags(html: &str) -> impl Iterator<Item = Tag> + '_ {
    let bytes = html.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || loop {
        let lt = html[i..].find('<').map(|j| i + j)?;
        i = lt + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(html.len(), |j| i + j + 3);
            continue;
        }
        let closing = bytes.get(i) == Some(&b'/');
        let start = i + usize::from(closing);
        let end = html[start..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '-')
            .map_or(html.len(), |j| start + j);
        if end == start || !bytes[start].is_ascii_alphabetic() {
            continue;
        }
        let (attrs, after) = tag_attributes(html, end);
        i = after;
        let self_closing = html[..after]
            .strip_suffix('>')
            .is_some_and(|t| t.ends_with('/'));
        return Some(Tag {
            name: html[start..end].to_ascii_lowercase(),
            closing,
            self_closing,
            attrs,
        });
    })
}

/// Elements a browser closes by itself or that hold nothing: they add no
/// level of nesting.
const NO_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead",
    "tbody", "tfoot", "colgroup", "caption", "rp", "rt", "html", "head", "body",
];

/// Follows the nesting of elements through a piece of raw HTML: `depth`
/// is the level before it and after it; returns the deepest level inside.
/// The sanitizer's parser takes time in the depth for every tag, so depth
/// is bounded before it runs (as browsers bound it, at 512).
pub fn nesting(html: &str, depth: &mut usize) -> usize {
    let mut deepest = *depth;
    for tag in tags(html) {
        if NO_NESTING.contains(&tag.name.as_str()) || tag.self_closing {
            continue;
        }
        if tag.closing {
            *depth = depth.saturating_sub(1);
        } else {
            *depth += 1;
            deepest = deepest.max(*depth);
        }
    }
    deepest
}

/// The attributes of a start tag from byte `i` (after its name) to its
/// `>`, lowercase names, and the index after the tag.
fn tag_attributes(html: &str, mut i: usize) -> (Vec<(String, String)>, usize) {
    let bytes = html.as_bytes();
    let mut attrs = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (attrs, i);
        }
        if bytes[i] == b'>' {
            return (attrs, i + 1);
        }
        let start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = html[i + 1..]
                        .find(q as char)
                        .map_or(html.len(), |j| i + 1 + j);
                    value = html[i + 1..end].to_string();
                    i = (end + 1).min(html.len());
                }
                _ => {
                    let v = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = html[v..i].to_string();
                }
            }
        }
        if !name.is_empty() {
            attrs.push((name, value));
        } else if i == start {
            i += 1;
        }
    }
}

/// Decodes the character references an attribute value may hold.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').and_then(|semi| {
            let entity = &rest[1..semi];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_keeps_safe_and_drops_dangerous() {
        let out = sanitize("<details><summary>s</summary><kbd>Ctrl</kbd><br></details><script>alert(1)</script><a href=\"javascript:x\" onclick=\"y\">a</a><img src=x onerror=alert(1)>");
        assert_eq!(
            out,
            "<details><summary>s</summary><kbd>Ctrl</kbd><br></details><a>a</a><img src=\"x\">"
        );
    }

    #[test]
    fn raw_html_targets_are_the_ids_that_survive() {
        let html = "<p><span id=\"ref-1\">[1]</span> <a name='old'>x</a> <DIV ID=up>u</DIV>\n<!-- <span id=\"c\"> --><script id=\"s\"></script><span\n  class=x id=\"a&amp;b\">y</span><a id=\"\">e</a><b title=\"a>b\" id=\"é\">z</b>";
        assert_eq!(
            raw_html_targets(html, false),
            ["ref-1", "old", "up", "a&b", "é"]
        );
        assert!(raw_html_targets(html, true).contains(&"s".to_string()));
        // Anything at all: no panic, whatever the text.
        for t in [
            "<",
            "<a",
            "<a id",
            "<a id=",
            "<a id=\"x",
            "<é id=x>",
            "<a\u{301} id=y>",
            "&#xD800;",
        ] {
            let _ = raw_html_targets(t, false);
            let _ = decode_entities(t);
        }
    }

    #[test]
    fn nesting_counts_open_elements() {
        let mut d = 0;
        assert_eq!(nesting("<div><span>x</span><br><p>a<p>b<img/>", &mut d), 2);
        assert_eq!(d, 1);
        assert_eq!(nesting("<!-- <div><div> --></div><section>", &mut d), 1);
        assert_eq!(d, 1);
        let mut d = 0;
        assert_eq!(nesting(&"<div>".repeat(600), &mut d), 600);
        for t in ["<", "</", "<a", "</é", "<é>", "<x/"] {
            let _ = nesting(t, &mut d);
        }
    }

    #[test]
    fn escapes_drop_forbidden_controls() {
        assert_eq!(
            escape("a\u{7}b\u{1b}[31mc\u{0}d\u{85}e\tf\ng"),
            "ab[31mcde\tf\ng"
        );
        assert_eq!(escape_xml("x\u{8}'"), "x&apos;");
    }

    proptest::proptest! {
        /// The byte-run escaper against the plain definition, on any text
        /// (controls, C1, the characters just above them, every script).
        #[test]
        fn escape_matches_its_definition(s in proptest::prelude::any::<String>(), t in "[\\x00-\\x{a0}&<>\"'a ]{0,40}") {
            for text in [&s, &t] {
                let mut expected = String::new();
                for c in text.chars() {
                    match c {
                        '&' => expected.push_str("&amp;"),
                        '<' => expected.push_str("&lt;"),
                        '>' => expected.push_str("&gt;"),
                        '"' => expected.push_str("&quot;"),
                        '\'' => expected.push_str("&#39;"),
                        c if is_forbidden_control(c) => {}
                        c => expected.push(c),
                    }
                }
                proptest::prop_assert_eq!(escape(text), expected);
                proptest::prop_assert_eq!(
                    has_forbidden_control(text),
                    text.contains(is_forbidden_control)
                );
            }
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(
            escape("<a href=\"x\">'&"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;"
        );
    }
}

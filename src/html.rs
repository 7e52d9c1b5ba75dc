//! HTML escaping and the sanitizer for raw HTML in page bodies (SPEC §8).

use std::sync::OnceLock;

/// True for the control characters that HTML and XML do not allow in text:
/// C0 controls but tab and newline (carriage returns are gone by the time
/// text is read), DEL and the C1 controls. Terminal escapes (`\x1b[31m`)
/// pasted with command output are the common case.
pub fn is_forbidden_control(c: char) -> bool {
    (c < ' ' && c != '\t' && c != '\n') || ('\u{7f}'..='\u{9f}').contains(&c)
}

/// Escapes text for HTML text and double-quoted attribute values. Control
/// characters that HTML forbids are dropped: inputs are cleaned with a
/// warning when read, and this keeps every output well-formed whatever
/// reaches it.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_forbidden_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for XML (feeds, sitemaps).
pub fn escape_xml(s: &str) -> String {
    escape(s).replace("&#39;", "&apos;")
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
    fn escapes_drop_forbidden_controls() {
        assert_eq!(
            escape("a\u{7}b\u{1b}[31mc\u{0}d\u{85}e\tf\ng"),
            "ab[31mcde\tf\ng"
        );
        assert_eq!(escape_xml("x\u{8}'"), "x&apos;");
    }

    #[test]
    fn escapes() {
        assert_eq!(
            escape("<a href=\"x\">'&"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;"
        );
    }
}

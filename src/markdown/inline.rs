//! One line of inline markdown, as summaries and provider contexts are
//! written: `` `code` ``, *emphasis*, **strong** and links become HTML
//! where a page shows them, and plain text where text is all there is
//! (meta tags, the feed, search).
//!
//! Raw HTML is text here, escaped: a summary is shown in listings of many
//! pages, where a stray tag would break every one of them. Links keep
//! their text; only absolute `http(s)` links become links (a summary has
//! no page to resolve `@/` paths from).

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use crate::html::escape;

/// `text` as inline HTML and as plain text.
pub fn inline(text: &str) -> (String, String) {
    if !text.contains(['`', '*', '_', '[', '\\', '&', '<', '!', '\n']) {
        // No markdown syntax: the text is its own plain form.
        return (escape(text), text.to_string());
    }
    let mut html = String::with_capacity(text.len() + 16);
    let mut plain = String::with_capacity(text.len());
    // Links whose target is not shown close with nothing.
    let mut open_links: Vec<bool> = Vec::new();
    for event in Parser::new(&one_paragraph(text)) {
        match event {
            // Paragraphs of a text written over several lines run on.
            Event::Start(Tag::Paragraph) if !plain.is_empty() => {
                html.push(' ');
                plain.push(' ');
            }
            Event::Text(t) => {
                html.push_str(&escape(&t));
                plain.push_str(&t);
            }
            Event::Code(t) => {
                html.push_str("<code>");
                html.push_str(&escape(&t));
                html.push_str("</code>");
                plain.push_str(&t);
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                html.push_str(&escape(&t));
                plain.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak => {
                html.push(' ');
                plain.push(' ');
            }
            Event::Start(Tag::Emphasis) => html.push_str("<em>"),
            Event::End(TagEnd::Emphasis) => html.push_str("</em>"),
            Event::Start(Tag::Strong) => html.push_str("<strong>"),
            Event::End(TagEnd::Strong) => html.push_str("</strong>"),
            Event::Start(Tag::Strikethrough) => html.push_str("<del>"),
            Event::End(TagEnd::Strikethrough) => html.push_str("</del>"),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                let shown = !matches!(link_type, LinkType::Email)
                    && (dest_url.starts_with("https://") || dest_url.starts_with("http://"));
                if shown {
                    html.push_str("<a href=\"");
                    html.push_str(&escape(&dest_url));
                    html.push_str("\">");
                }
                open_links.push(shown);
            }
            Event::End(TagEnd::Link) if open_links.pop() == Some(true) => html.push_str("</a>"),
            // Paragraphs, and blocks a one-line text cannot mean to start
            // (a summary that begins with `#` or `-`), add nothing.
            _ => {}
        }
    }
    (html, plain.trim().to_string())
}

/// `text` with the start of a block (`# `, `- `, `> `, `2024. `) escaped:
/// a summary is one paragraph of inline text, whatever it starts with.
fn one_paragraph(text: &str) -> std::borrow::Cow<'_, str> {
    // Lines run on: a line that starts a block (`- item`) mid-text is text.
    let joined;
    let text = if text.contains('\n') {
        joined = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        joined.as_str()
    } else {
        text.trim_start()
    };
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let after_digits = text.as_bytes().get(digits).copied();
    if digits > 0 && matches!(after_digits, Some(b'.' | b')')) {
        return format!("{}\\{}", &text[..digits], &text[digits..]).into();
    }
    let bytes = text.as_bytes();
    let spaced = |b: Option<&u8>| b.is_none_or(u8::is_ascii_whitespace);
    let block = match bytes.first() {
        // A quote, an HTML block, a fence.
        Some(b'>' | b'<') => true,
        Some(b'`' | b'~') => text.starts_with("```") || text.starts_with("~~~"),
        // A heading, a list item, or a rule of three or more.
        Some(b'#') => spaced(bytes.get(bytes.iter().take_while(|&&b| b == b'#').count())),
        Some(&c @ (b'-' | b'+' | b'*')) => {
            spaced(bytes.get(1)) || text.trim_end().bytes().all(|b| b == c || b == b' ')
        }
        _ => false,
    };
    if block {
        format!("\\{text}").into()
    } else {
        text.to_string().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_emphasis_and_links_become_html_and_plain_text() {
        assert_eq!(
            inline("The `decline_code` is *set*, see [docs](https://x.io/a?b=1&c=2)."),
            (
                "The <code>decline_code</code> is <em>set</em>, see <a href=\"https://x.io/a?b=1&amp;c=2\">docs</a>."
                    .to_string(),
                "The decline_code is set, see docs.".to_string()
            )
        );
        assert_eq!(
            inline("Not a [page](@/errors/http/429.md) link"),
            ("Not a page link".to_string(), "Not a page link".to_string())
        );
    }

    #[test]
    fn a_summary_is_one_paragraph_whatever_it_starts_with() {
        for text in [
            "2024. The year",
            "# not a heading",
            "- not a list",
            "> not a quote",
            "***",
            "#hashtag",
        ] {
            assert_eq!(inline(text).1, text, "{text}");
        }
        assert_eq!(inline("*Really* so").0, "<em>Really</em> so");
        assert_eq!(inline("One.\n\nTwo.").1, "One. Two.");
        // Lines run on, whatever they start with.
        assert_eq!(inline("a\n# head **x**").0, "a # head <strong>x</strong>");
        assert_eq!(inline("word1\n1. word2\n- w3").1, "word1 1. word2 - w3");
        assert_eq!(inline("a\n\n    code **x**").1, "a code x");
        // An HTML block or a fence at the start is text, and the rest is
        // still inline markdown.
        assert_eq!(
            inline("<div>x</div> **s**"),
            (
                "&lt;div&gt;x&lt;/div&gt; <strong>s</strong>".to_string(),
                "<div>x</div> s".to_string()
            )
        );
        assert_eq!(inline("```").1, "```");
    }

    #[test]
    fn raw_html_is_text_and_plain_summaries_are_unchanged() {
        assert_eq!(
            inline("Use <b>care</b> & 5 < 6"),
            (
                "Use &lt;b&gt;care&lt;/b&gt; &amp; 5 &lt; 6".to_string(),
                "Use <b>care</b> & 5 < 6".to_string()
            )
        );
        let text = "decline_code 429 / retry-after: 30s";
        assert_eq!(inline(text), (escape(text), text.to_string()));
    }
}

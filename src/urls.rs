//! Every URL of the site is made here.
//!
//! Inside the pipeline a page's address is a `SitePath`: the path below the
//! site root without a leading slash, ending in `/` for pages (`errors/http/429/`)
//! or naming a file (`sitemap.xml`), as written on disk. Only when HTML is
//! written does it become a link, prefixed with the path of `base_url` (so
//! the same build works at a domain's root and under a sub-path) and
//! percent-encoded where a URL cannot hold a character as it is. Segments are
//! slugged, or kept as written with `[urls] slugify = "off"`.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The slug of an error code (SPEC §5): lowercase ASCII letters and digits,
/// every other run of characters one `-`, trimmed. May be empty.
pub fn code_slug(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut dash = false;
    for c in code.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// The slug of any other URL segment (file stems, tags, `slug`): NFC,
/// lowercase, letters and digits of any script kept, other runs one `-`.
pub fn segment_slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.nfc() {
        // A combining mark (a Devanagari vowel sign, a Thai tone mark)
        // belongs to the letter before it, never splits a word.
        if c.is_alphanumeric() || (is_combining_mark(c) && !out.is_empty() && !dash) {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// A URL segment kept as written (`[urls] slugify = "off"`): NFC, and
/// refused when a link could not name it: empty, `.`, `..`, or holding a
/// separator or a control character. `Err` says why.
pub fn kept_segment(s: &str) -> Result<String, &'static str> {
    let s: String = s.nfc().collect();
    if s.is_empty() {
        Err("it is empty")
    } else if s == "." || s == ".." {
        Err("\".\" and \"..\" name folders, not pages")
    } else if s.contains(['/', '\\']) {
        Err("it holds / or \\")
    } else if s.chars().any(char::is_control) {
        Err("it holds a control character")
    } else {
        Ok(s)
    }
}

/// A URL segment by the site's rule: slugged (SPEC §5), or kept as written.
/// `Err` says why the name gives none.
pub fn segment(s: &str, slugify: bool) -> Result<String, String> {
    if slugify {
        let slug = segment_slug(s);
        if slug.is_empty() {
            Err("gives an empty URL segment (to keep names as written, set [urls] slugify = \"off\" in site.toml)".into())
        } else {
            Ok(slug)
        }
    } else {
        kept_segment(s).map_err(|why| format!("cannot be a URL segment: {why}"))
    }
}

/// A site path as it goes into a link: characters a URL path cannot hold
/// as they are (spaces, `%`, `?`, `#`, brackets, quotes, symbols outside
/// the path's own set) percent-encoded as UTF-8; letters and digits of any
/// script stay readable, with their combining marks. Slugged paths hold
/// nothing to encode.
pub fn encode_path(path: &str) -> std::borrow::Cow<'_, str> {
    percent_encode(path, |c| {
        c.is_alphanumeric()
            || is_combining_mark(c)
            || matches!(
                c,
                '-' | '.'
                    | '_'
                    | '~'
                    | '/'
                    | '!'
                    | '$'
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | ':'
                    | '@'
            )
    })
}

/// `text` with every character `keep` refuses written as `%XX` bytes of its
/// UTF-8; borrowed when there is nothing to encode.
pub fn percent_encode(text: &str, keep: impl Fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    if text.chars().all(&keep) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if keep(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// GitHub-style heading id: lowercase, spaces to `-`, other punctuation
/// dropped (letters, digits, `-` and `_` kept).
pub fn heading_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().nfc() {
        if c.is_alphanumeric() || c == '_' || c == '-' || is_combining_mark(c) {
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            out.push('-');
        }
    }
    out
}

/// The public base of the site: scheme and host plus a path that always
/// starts and ends with `/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl {
    /// `https://errors.example.com/docs/`
    pub full: String,
    /// `/docs/`
    pub path: String,
}

impl BaseUrl {
    /// Parses an absolute http(s) URL; `None` names what is wrong.
    pub fn parse(raw: &str) -> Result<BaseUrl, String> {
        let raw = raw.trim();
        let rest = raw
            .strip_prefix("https://")
            .or_else(|| raw.strip_prefix("http://"))
            .ok_or_else(|| {
                format!("base_url must start with http:// or https://, found \"{raw}\"")
            })?;
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if host.is_empty() || host.contains(['?', '#', ' ']) {
            return Err(format!("base_url has no valid host: \"{raw}\""));
        }
        if path.contains(['?', '#']) {
            return Err(format!(
                "base_url must not carry a query or fragment: \"{raw}\""
            ));
        }
        if path.contains("//")
            || path.split('/').any(|s| s == "." || s == "..")
            || path.contains('\\')
        {
            return Err(format!(
                "base_url's path has an empty, \".\" or \"..\" segment or a backslash: \"{raw}\" \
                 (a browser would read part of it as another host or folder)"
            ));
        }
        if path.contains(|c: char| {
            c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>'
        }) {
            return Err(format!(
                "base_url's path holds spaces or characters a URL cannot: \"{raw}\" \
                 (write them percent-encoded, as %20 for a space)"
            ));
        }
        let mut path = path.to_string();
        if !path.ends_with('/') {
            path.push('/');
        }
        let scheme_len = raw.len() - rest.len();
        Ok(BaseUrl {
            full: format!("{}{}{}", &raw[..scheme_len], host, path),
            path,
        })
    }

    /// A root-relative link to a site path: `/docs/errors/http/429/`.
    pub fn href(&self, site_path: &str) -> String {
        format!("{}{}", self.path, encode_path(site_path))
    }

    /// A root-relative link written by a writer (`/errors/x/#y`): already a
    /// URL, so only the base path is put before it.
    pub fn href_written(&self, written: &str) -> String {
        format!("{}{}", self.path, written)
    }

    /// An absolute URL to a site path, for canonical links, feeds and sitemaps.
    pub fn permalink(&self, site_path: &str) -> String {
        format!("{}{}", self.full, encode_path(site_path))
    }
}

/// The file a site path is written to: pages become `<path>/index.html`.
pub fn output_file(site_path: &str) -> String {
    if site_path.is_empty() || site_path.ends_with('/') {
        format!("{site_path}index.html")
    } else {
        site_path.to_string()
    }
}

/// Resolves `.` and `..` in a `/`-separated relative path. `None` when the
/// path climbs above its start.
pub fn normalize_relative(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Percent-decodes a URL path; invalid sequences stay as they are.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes a site path for places that split on spaces or read
/// their own syntax into a path (`_redirects`): every byte but unreserved
/// characters and `/` becomes `%XX`, so spaces, `%`, `:` and `*` (Netlify's
/// placeholders and splats), control characters and non-ASCII are never
/// taken for anything else.
pub fn percent_encode_path(path: &str) -> String {
    percent_encode(path, |c| {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '/')
    })
    .into_owned()
}

/// True for link targets that run code or smuggle content (SPEC §8).
pub fn is_dangerous_scheme(url: &str) -> bool {
    // Browsers ignore leading spaces, control characters and embedded tabs
    // and newlines in a scheme, so compare the URL with those removed.
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    let decoded = percent_decode(&cleaned).to_ascii_lowercase();
    ["javascript:", "data:", "vbscript:"]
        .iter()
        .any(|s| cleaned.starts_with(s) || decoded.starts_with(s))
}

/// True when `url` has a scheme (`https:`, `mailto:`) or is protocol-relative.
pub fn is_external(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && !url[..i].contains('/')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_paths_keep_only_unreserved_characters_and_slashes() {
        for (path, want) in [
            ("errors/http/429/", "errors/http/429/"),
            ("old page/", "old%20page/"),
            ("caf\u{e9}/", "caf%C3%A9/"),
            ("100%/", "100%25/"),
            ("a:b*c/", "a%3Ab%2Ac/"),
            ("tab\there/", "tab%09here/"),
            ("a-b_c.d~e/", "a-b_c.d~e/"),
        ] {
            assert_eq!(percent_encode_path(path), want, "{path}");
            assert_eq!(percent_decode(&percent_encode_path(path)), path);
        }
    }

    #[test]
    fn code_slugs() {
        assert_eq!(code_slug("DEADLINE_EXCEEDED"), "deadline-exceeded");
        assert_eq!(code_slug("AADSTS53003"), "aadsts53003");
        assert_eq!(code_slug("  0x8007_0005  "), "0x8007-0005");
        assert_eq!(code_slug("Access.Denied--X"), "access-denied-x");
        assert_eq!(code_slug("__"), "");
        assert_eq!(code_slug("ÄÖ"), "");
    }

    #[test]
    fn segment_slugs_keep_any_script() {
        assert_eq!(segment_slug("Überlast Playbook"), "überlast-playbook");
        // Combining marks stay with their letter: no dash inside a word.
        assert_eq!(segment_slug("हिन्दी पुनःप्रयास"), "हिन्दी-पुनःप्रयास");
        assert_eq!(segment_slug("รหัสข้อผิดพลาด"), "รหัสข้อผิดพลาด");
        assert_eq!(segment_slug("\u{301}x"), "x");
    }

    #[test]
    fn paths_are_encoded_only_where_a_url_cannot_hold_them() {
        for same in [
            "errors/http/429/",
            "हिन्दी/पुनःप्रयास/",
            "ไทย/แท็ก/",
            "cmd/clang++/",
            "a/b!$()*,;=:@~_./",
        ] {
            assert_eq!(encode_path(same), same);
        }
        assert_eq!(encode_path("cmd/a b?c#d/"), "cmd/a%20b%3Fc%23d/");
        assert_eq!(encode_path("cmd/[/"), "cmd/%5B/");
        assert_eq!(encode_path("cmd/100%/"), "cmd/100%25/");
        assert_eq!(encode_path("🔥/"), "%F0%9F%94%A5/");
        assert_eq!(segment_slug("429 vs 503"), "429-vs-503");
        // NFD input normalises to the same slug as NFC input.
        assert_eq!(segment_slug("U\u{308}ber"), "über");
        assert_eq!(segment_slug("--"), "");
    }

    #[test]
    fn heading_slugs_match_github() {
        assert_eq!(heading_slug("How to fix"), "how-to-fix");
        assert_eq!(heading_slug("What does 429 mean?"), "what-does-429-mean");
        assert_eq!(heading_slug("snake_case & co"), "snake_case--co");
    }

    #[test]
    fn base_url_sub_path() {
        let b = BaseUrl::parse("https://x.example/docs").unwrap();
        assert_eq!(b.path, "/docs/");
        assert_eq!(b.href("errors/http/429/"), "/docs/errors/http/429/");
        assert_eq!(b.permalink(""), "https://x.example/docs/");
        let b = BaseUrl::parse("http://localhost:1111").unwrap();
        assert_eq!(b.path, "/");
        assert!(BaseUrl::parse("errors.example.com").is_err());
        for bad in [
            "https://x.example/a b/",
            "https://x.example/a\tb/",
            "https://x.example/\"a\"/",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            BaseUrl::parse("https://x.example/a%20b").unwrap().path,
            "/a%20b/"
        );
        for bad in [
            "https://x.example//evil.example/",
            "https://x.example/./kb/../",
            "https://x.example/a\\b/",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            normalize_relative("errors/http/../grpc/a.md").as_deref(),
            Some("errors/grpc/a.md")
        );
        assert_eq!(normalize_relative("../a.md"), None);
        assert_eq!(output_file("errors/"), "errors/index.html");
        assert_eq!(output_file(""), "index.html");
        assert_eq!(output_file("feed.xml"), "feed.xml");
    }

    #[test]
    fn dangerous_schemes() {
        assert!(is_dangerous_scheme("javascript:alert(1)"));
        assert!(is_dangerous_scheme(" JaVa\tScript:alert(1)"));
        assert!(is_dangerous_scheme("data:text/html,x"));
        assert!(is_dangerous_scheme("%6Aavascript:x"));
        assert!(!is_dangerous_scheme("https://x"));
        assert!(!is_dangerous_scheme("/javascript:/x"));
    }

    #[test]
    fn external_urls() {
        assert!(is_external("https://x"));
        assert!(is_external("mailto:a@b"));
        assert!(is_external("//cdn.example"));
        assert!(!is_external("../a.md"));
        assert!(!is_external("@/a.md"));
        assert!(!is_external("a.md#x:y"));
    }
}

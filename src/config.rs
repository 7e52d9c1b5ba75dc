//! site.toml (SPEC §2): a raw serde layer that keeps spans, then a validated
//! `Config` that the rest of the pipeline reads.
//!
//! Unknown keys are rejected at their line (`deny_unknown_fields` on every
//! table), so a typo such as `reveiw_interval_days` never passes silently.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{line_col, Diagnostic, Rule};
use crate::i18n::{self, Strings};
use crate::urls::BaseUrl;

pub const CONFIG_FILE: &str = "site.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: Spanned<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    language: Option<Spanned<String>>,
    #[serde(default)]
    review_interval_days: Option<Spanned<i64>>,
    #[serde(default)]
    default_standard: Option<Spanned<String>>,
    #[serde(default)]
    output_dir: Option<String>,
    #[serde(default)]
    overdue_page: bool,
    #[serde(default)]
    markdown: RawMarkdown,
    #[serde(default)]
    providers: BTreeMap<Spanned<String>, RawProvider>,
    #[serde(default)]
    standards: BTreeMap<Spanned<String>, RawStandard>,
    #[serde(default)]
    decision_support: RawDecisionSupport,
    #[serde(default)]
    urls: RawUrls,
    #[serde(default)]
    theme: RawTheme,
    #[serde(default)]
    languages: BTreeMap<Spanned<String>, RawLanguage>,
    #[serde(default)]
    extra: Option<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    name: Option<Spanned<String>>,
    title: Option<String>,
    description: Option<String>,
    #[serde(default)]
    strings: BTreeMap<Spanned<String>, String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    logo: Option<Spanned<String>>,
    favicon: Option<Spanned<String>>,
    footer: Option<String>,
    edit_url: Option<Spanned<String>>,
    #[serde(default)]
    nav: Vec<RawNavLink>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNavLink {
    title: Spanned<String>,
    url: Spanned<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawUrls {
    slugify: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMarkdown {
    highlight_theme: Option<Spanned<String>>,
    autolink_codes: Option<bool>,
    unsafe_html: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvider {
    name: String,
    #[serde(default)]
    context: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStandard {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    requires_references: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDecisionSupport {
    #[serde(default)]
    featured: Vec<Spanned<String>>,
}

#[derive(Clone, Debug)]
pub struct Provider {
    pub key: String,
    pub name: String,
    pub context: String,
    /// `context`'s inline markdown as HTML, made once for every page that
    /// shows it.
    pub context_html: String,
}

#[derive(Clone, Debug)]
pub struct Standard {
    pub key: String,
    pub name: String,
    pub description: String,
    pub requires_references: bool,
}

#[derive(Clone, Debug)]
pub struct MarkdownConfig {
    pub highlight_theme: String,
    pub autolink_codes: bool,
    pub unsafe_html: bool,
}

/// `[theme]`: what every docs theme lets a site set without overriding
/// its templates.
#[derive(Clone, Debug, Default)]
pub struct ThemeConfig {
    /// Shown before the site's title in the header.
    pub logo: Option<Asset>,
    /// Replaces the built-in icon.
    pub favicon: Option<Asset>,
    /// The footer's first line, as HTML from inline markdown; the site's
    /// description when unset.
    pub footer_html: Option<String>,
    /// "Edit this page": `{path}` becomes the page's file, from the site's
    /// folder (`content/errors/http/429.md`).
    pub edit_url: Option<String>,
    /// Links after the built-in ones in the header.
    pub nav: Vec<NavLink>,
}

/// A header link of `[[theme.nav]]`, its URL as written.
#[derive(Clone, Debug)]
pub struct NavLink {
    pub title: String,
    pub url: String,
}

impl NavLink {
    /// A URL with a scheme or from the host's root as written; a path of
    /// the site under the base path, its query and fragment as written.
    pub fn href(&self, base: &BaseUrl) -> String {
        let url = &self.url;
        if crate::urls::is_external(url) || url.starts_with('/') {
            return url.clone();
        }
        let (path, rest) = url.split_at(url.find(['?', '#']).unwrap_or(url.len()));
        format!("{}{rest}", base.href(path))
    }
}

/// A file the theme links: a URL with a scheme, or a file in `static/`
/// (checked when the static files are read), with its line in site.toml.
#[derive(Clone, Debug)]
pub struct Asset {
    pub value: String,
    pub line: u32,
    pub column: u32,
}

impl Asset {
    /// The file in `static/` it names, when it is not a URL.
    pub fn static_file(&self) -> Option<&str> {
        (!crate::urls::is_external(&self.value)).then_some(self.value.as_str())
    }

    pub fn href(&self, base: &BaseUrl) -> String {
        match self.static_file() {
            Some(file) => base.href(file),
            None => self.value.clone(),
        }
    }
}

/// A language of the site (SPEC §11), with the theme's words in it.
#[derive(Clone, Debug)]
pub struct Language {
    pub code: String,
    /// What the language switcher calls it.
    pub name: String,
    /// The site's title and description in this language, when they differ.
    pub title: Option<String>,
    pub description: Option<String>,
    pub strings: Arc<Strings>,
}

/// The validated configuration. Immutable for the length of a build.
#[derive(Clone, Debug)]
pub struct Config {
    pub title: String,
    pub base: BaseUrl,
    pub description: String,
    pub language: String,
    pub review_interval_days: u32,
    pub default_standard: Option<String>,
    pub output_dir: Option<String>,
    /// Publish `overdue/`: the pages overdue for review, for standards
    /// that publish their review status.
    pub overdue_page: bool,
    pub markdown: MarkdownConfig,
    /// `[urls] slugify` (SPEC §5): false keeps file stems, folder names,
    /// tags and `slug` as written, percent-encoded in links.
    pub slugify: bool,
    pub providers: BTreeMap<String, Provider>,
    pub standards: BTreeMap<String, Standard>,
    /// Content paths (`compare/429-vs-503.md`) with their line in site.toml.
    pub featured: Vec<(String, u32)>,
    pub theme: ThemeConfig,
    /// The default language (`language`) first, then those of
    /// `[languages]` in code order.
    pub languages: Vec<Language>,
    pub extra: serde_json::Value,
}

impl Config {
    /// The default language.
    pub fn default_language(&self) -> &Language {
        &self.languages[0]
    }

    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// The place in `languages` of a page's language (`None`, or one not
    /// declared: the default).
    pub fn lang_index(&self, lang: Option<&str>) -> usize {
        lang.and_then(|l| self.languages.iter().position(|x| x.code == l))
            .unwrap_or(0)
    }

    /// The theme's words in a page's language.
    pub fn strings_of(&self, lang: Option<&str>) -> &Strings {
        &self.languages[self.lang_index(lang)].strings
    }

    /// The codes of the languages pages are translated into.
    pub fn translation_codes(&self) -> Vec<String> {
        self.languages[1..].iter().map(|l| l.code.clone()).collect()
    }
}

pub const DEFAULT_HIGHLIGHT_THEME: &str = "InspiredGitHub";

impl Config {
    /// Parses and validates site.toml. Every problem found is returned; a
    /// syntax error stops at the first, as TOML parsing cannot go on.
    /// Warnings for control characters that escapes (`"\u0007"`) put in
    /// site.toml's strings: every output drops them (`html::escape`).
    pub fn control_warnings(text: &str) -> Vec<Diagnostic> {
        fn walk(path: &str, v: &toml::Value, out: &mut Vec<Diagnostic>) {
            match v {
                toml::Value::String(s) => {
                    let mut s = s.clone();
                    if let Some(r) = crate::source::strip_controls(&mut s) {
                        out.push(Rule::Encoding.warning(
                            CONFIG_FILE,
                            None,
                            format!("{path}: {}", r.message()),
                        ));
                    }
                }
                toml::Value::Array(a) => a.iter().for_each(|v| walk(path, v, out)),
                toml::Value::Table(t) => t.iter().for_each(|(k, v)| {
                    walk(
                        &format!("{path}{}{k}", if path.is_empty() { "" } else { "." }),
                        v,
                        out,
                    )
                }),
                _ => {}
            }
        }
        let mut out = Vec::new();
        if let Ok(t) = toml::from_str::<toml::Table>(text) {
            walk("", &toml::Value::Table(t), &mut out);
        }
        out
    }

    pub fn parse(text: &str, known_themes: &[&str]) -> Result<Config, Vec<Diagnostic>> {
        let at = |offset: usize| line_col(text, offset);
        let err = |offset: usize, msg: String| {
            let (l, c) = at(offset);
            Rule::Config
                .error(CONFIG_FILE, Some(l), msg)
                .at_column(Some(c))
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map(|s| at(s.start)).unzip();
            vec![Rule::Config
                .error(CONFIG_FILE, line, tidy_toml_message(e.message()))
                .at_column(col)]
        })?;
        let mut errors = Vec::new();

        let base = BaseUrl::parse(raw.base_url.get_ref()).unwrap_or_else(|msg| {
            errors.push(err(raw.base_url.span().start, msg));
            BaseUrl::parse("http://localhost/").expect("literal URL parses")
        });

        let review_interval_days = match raw.review_interval_days {
            None => 180,
            Some(v) if (1..=36_500).contains(v.get_ref()) => *v.get_ref() as u32,
            Some(v) => {
                errors.push(err(
                    v.span().start,
                    format!(
                        "review_interval_days must be between 1 and 36500, found {}",
                        v.get_ref()
                    ),
                ));
                180
            }
        };

        let mut providers = BTreeMap::new();
        for (key, p) in raw.providers {
            if !is_key(key.get_ref()) {
                errors.push(err(
                    key.span().start,
                    format!(
                        "provider key \"{}\" must use only a-z, 0-9, - and _",
                        key.get_ref()
                    ),
                ));
            }
            if p.name.trim().is_empty() {
                errors.push(err(
                    key.span().start,
                    format!("provider \"{}\" needs a name to show", key.get_ref()),
                ));
            }
            let key = key.into_inner();
            providers.insert(
                key.clone(),
                Provider {
                    key,
                    name: p.name,
                    context_html: crate::markdown::inline(&p.context).0,
                    context: p.context,
                },
            );
        }
        let mut standards = BTreeMap::new();
        for (key, s) in raw.standards {
            if !is_key(key.get_ref()) {
                errors.push(err(
                    key.span().start,
                    format!(
                        "standard key \"{}\" must use only a-z, 0-9, - and _",
                        key.get_ref()
                    ),
                ));
            }
            let key = key.into_inner();
            standards.insert(
                key.clone(),
                Standard {
                    key,
                    name: s.name,
                    description: s.description,
                    requires_references: s.requires_references,
                },
            );
        }

        if let Some(d) = &raw.default_standard {
            if !standards.contains_key(d.get_ref()) {
                errors.push(err(
                    d.span().start,
                    format!(
                        "default_standard \"{}\" is not a key of [standards] (known: {})",
                        d.get_ref(),
                        known_list(standards.keys())
                    ),
                ));
            }
        }

        let highlight_theme = match raw.markdown.highlight_theme {
            None => DEFAULT_HIGHLIGHT_THEME.to_string(),
            Some(t) => {
                if !known_themes.contains(&t.get_ref().as_str()) {
                    errors.push(err(
                        t.span().start,
                        format!(
                            "unknown highlight_theme \"{}\" (known: {})",
                            t.get_ref(),
                            known_themes.join(", ")
                        ),
                    ));
                }
                t.into_inner()
            }
        };

        let featured = raw
            .decision_support
            .featured
            .into_iter()
            .map(|f| {
                (
                    f.get_ref().trim_start_matches("@/").to_string(),
                    at(f.span().start).0,
                )
            })
            .collect();

        let slugify = match raw.urls.slugify {
            None => true,
            Some(v) => match v.get_ref().as_str() {
                "on" => true,
                "off" => false,
                other => {
                    errors.push(err(
                        v.span().start,
                        format!("[urls] slugify must be \"on\" or \"off\", found \"{other}\""),
                    ));
                    true
                }
            },
        };

        let theme = theme(
            raw.theme,
            &mut |offset, msg| errors.push(err(offset, msg)),
            &at,
        );

        let language = match raw.language {
            None => "en".to_string(),
            Some(l) => {
                if !i18n::is_language_code(l.get_ref()) {
                    errors.push(err(
                        l.span().start,
                        format!(
                            "language \"{}\" must be a language code: 2-3 lowercase letters, then -subtags (en, pt-BR, zh-Hans)",
                            l.get_ref()
                        ),
                    ));
                }
                l.into_inner()
            }
        };
        let languages = languages(&language, raw.languages, &mut |offset, msg| {
            errors.push(err(offset, msg))
        });

        let extra = match raw.extra {
            Some(t) => serde_json::to_value(t).unwrap_or(serde_json::Value::Null),
            None => serde_json::Value::Object(Default::default()),
        };

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Config {
            title: raw.title,
            base,
            description: raw.description,
            language,
            review_interval_days,
            default_standard: raw.default_standard.map(Spanned::into_inner),
            output_dir: raw.output_dir,
            overdue_page: raw.overdue_page,
            markdown: MarkdownConfig {
                highlight_theme,
                autolink_codes: raw.markdown.autolink_codes.unwrap_or(true),
                unsafe_html: raw.markdown.unsafe_html.unwrap_or(false),
            },
            slugify,
            providers,
            standards,
            featured,
            theme,
            languages,
            extra,
        })
    }
}

/// The default language and `[languages]`: codes checked, names given
/// (built in for the languages faultbook has words for), strings laid over
/// the built-in ones, each unknown key an error at its line.
fn languages(
    default: &str,
    raw: BTreeMap<Spanned<String>, RawLanguage>,
    err: &mut dyn FnMut(usize, String),
) -> Vec<Language> {
    let english = i18n::english();
    let mut default_lang = None;
    let mut out = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (code, l) in raw {
        let at = code.span().start;
        let code = code.into_inner();
        if seen.contains(&code.to_lowercase()) {
            err(
                at,
                format!("language \"{code}\" is declared twice (language codes ignore case)"),
            );
        }
        seen.push(code.to_lowercase());
        if !i18n::is_language_code(&code) {
            err(
                at,
                format!("language code \"{code}\" must be 2-3 lowercase letters, then -subtags (fr, pt-BR, zh-Hans)"),
            );
        }
        let mut strings = i18n::Strings::new();
        for (key, value) in l.strings {
            if english.contains_key(key.get_ref()) {
                if let Err(why) = i18n::check_phrase(key.get_ref(), &value) {
                    err(
                        key.span().start,
                        format!("[languages.{code}.strings] {why}"),
                    );
                }
                strings.insert(key.into_inner(), value);
            } else {
                err(
                    key.span().start,
                    format!(
                        "unknown string \"{}\" in [languages.{code}.strings] (known: {})",
                        key.get_ref(),
                        english
                            .keys()
                            .map(String::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
        let strings = i18n::strings_for(&code, &strings);
        let name = match l.name {
            Some(n) if n.get_ref().trim().is_empty() => {
                err(
                    n.span().start,
                    format!("language \"{code}\" needs a name to show"),
                );
                code.clone()
            }
            Some(n) => n.into_inner(),
            None if i18n::has_builtin(&code) => strings["language_name"].clone(),
            None => {
                err(
                    at,
                    format!("language \"{code}\" needs a name (name = \"...\"): faultbook has no words for it built in"),
                );
                code.clone()
            }
        };
        let lang = Language {
            code,
            name,
            strings,
            title: l.title,
            description: l.description,
        };
        if lang.code == default {
            default_lang = Some(lang);
        } else {
            out.push(lang);
        }
    }
    let default_lang = default_lang.unwrap_or_else(|| {
        let strings = i18n::strings_for(default, &i18n::Strings::new());
        let name = if i18n::has_builtin(default) {
            strings["language_name"].clone()
        } else {
            default.to_string()
        };
        Language {
            code: default.to_string(),
            name,
            strings,
            title: None,
            description: None,
        }
    });
    out.insert(0, default_lang);
    out
}

/// `[theme]` validated: each URL checked for what it may link to, each
/// error at its value.
fn theme(
    raw: RawTheme,
    error: &mut dyn FnMut(usize, String),
    at: &dyn Fn(usize) -> (u32, u32),
) -> ThemeConfig {
    // The rule's answer for the value, or its reason reported and None.
    let mut check =
        |key: &str, u: &Spanned<String>, rule: &dyn Fn(&str) -> Result<String, String>| {
            rule(u.get_ref())
                .map_err(|why| {
                    error(
                        u.span().start,
                        format!("[theme] {key} \"{}\": {why}", u.get_ref()),
                    )
                })
                .ok()
        };
    let edit_url = raw.edit_url.map(|u| {
        check("edit_url", &u, &|v| {
            web_url(v)?;
            if v.contains("{path}") {
                Ok(String::new())
            } else {
                Err("it must contain {path}, where the page's file goes \
                     (as in \"https://github.com/acme/kb/edit/main/{path}\")"
                    .into())
            }
        });
        u.into_inner()
    });
    let mut asset = |key: &str, u: Spanned<String>| {
        // A URL as written, a file of static/ by the path it is published at.
        let published = check(key, &u, &|v| {
            if crate::urls::is_external(v) {
                web_url(v).map(|()| v.to_string())
            } else {
                static_path(v).map(str::to_string)
            }
        });
        let (line, column) = at(u.span().start);
        Asset {
            value: published.unwrap_or_else(|| u.into_inner()),
            line,
            column,
        }
    };
    let logo = raw.logo.map(|u| asset("logo", u));
    let favicon = raw.favicon.map(|u| asset("favicon", u));
    let nav = raw
        .nav
        .into_iter()
        .map(|l| {
            check("nav title", &l.title, &|v| {
                if v.trim().is_empty() {
                    Err("a link needs a title".into())
                } else {
                    Ok(String::new())
                }
            });
            check("nav url", &l.url, &|v| {
                if crate::urls::is_external(v) {
                    web_url(v)
                        .or_else(|e| if v.starts_with("mailto:") { Ok(()) } else { Err(e) })
                        .map(|()| String::new())
                } else if let Some(page) = v.strip_prefix("@/") {
                    Err(format!(
                        "give the page's URL path (as \"about/\" for content/about.md), not its file \"{page}\""
                    ))
                } else if v.split(['?', '#']).next().unwrap_or("").split('/').any(|s| s == "..") {
                    Err("\"..\" would leave the site".into())
                } else if v.is_empty() {
                    Err("a link needs a URL".into())
                } else if v.contains(|c: char| c.is_whitespace() || c.is_control() || c == '\\') {
                    // Browsers drop tabs and read "\\" as "/": "/\\evil" leaves the host.
                    Err("spaces, backslashes and control characters are not allowed \
                         (percent-encode them)"
                        .into())
                } else {
                    Ok(String::new())
                }
            });
            NavLink {
                title: l.title.into_inner(),
                url: l.url.into_inner(),
            }
        })
        .collect();
    ThemeConfig {
        logo,
        favicon,
        footer_html: raw
            .footer
            .filter(|f| !f.trim().is_empty())
            .map(|f| crate::markdown::inline(&f).0),
        edit_url,
        nav,
    }
}

/// An `http:` or `https:` URL with a host: what the theme links outside
/// the site.
fn web_url(v: &str) -> Result<(), String> {
    let lower = v.get(..8).unwrap_or(v).to_ascii_lowercase();
    let scheme = ["https://", "http://"]
        .into_iter()
        .find(|s| lower.starts_with(s))
        .ok_or("give an http(s) URL (\"https://…\")")?;
    let rest = &v[scheme.len()..];
    if rest.is_empty()
        || rest.starts_with('/')
        || v.contains(|c: char| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return Err("not a URL with a host and no spaces".into());
    }
    Ok(())
}

/// A file of `static/` as the theme names it: `logo.svg`, also written
/// `./logo.svg`, `/logo.svg` or `static/logo.svg`; the path it is
/// published at.
fn static_path(v: &str) -> Result<&str, String> {
    let p = v.trim_start_matches("./").trim_start_matches('/');
    let p = p.strip_prefix("static/").unwrap_or(p);
    if p.is_empty()
        || p.contains(['\\', '?', '#'])
        || p.split('/').any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Err(
            "give a file in static/ (\"logo.svg\" for static/logo.svg) or an https URL".into(),
        );
    }
    Ok(p)
}

fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

pub fn known_list<'a>(keys: impl Iterator<Item = &'a String>) -> String {
    let v: Vec<&str> = keys.map(String::as_str).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// toml's messages name fields as serde does ("unknown field `x`"); the
/// writer edits keys, so say "key".
pub fn tidy_toml_message(msg: &str) -> String {
    msg.trim()
        .replace("unknown field", "unknown key")
        .replace("missing field", "missing key")
        .replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const THEMES: &[&str] = &["InspiredGitHub"];

    /// docs/configuration.md lists every key the parser reads, table by
    /// table, and no other: each table's unknown-key error names the keys
    /// it takes.
    #[test]
    fn the_configuration_reference_lists_every_key() {
        use std::collections::BTreeSet;
        let doc = include_str!("../docs/configuration.md");
        let mut documented: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut section = String::new();
        for line in doc.lines() {
            if let Some(title) = line.strip_prefix("## ") {
                // "## Top level", "## `[markdown]`", "## `[providers.<key>]`"
                // "## `[[theme.nav]]`": a table inside another.
                section = title
                    .trim_matches(|c| c == '`' || c == '[' || c == ']')
                    .to_string();
                // `[providers.<key>]` documents the table `providers`.
                if let Some(at) = section.find(".<") {
                    section.truncate(at);
                }
                if section == "Top level" {
                    section.clear();
                } else if !section.contains('.') {
                    documented
                        .entry(String::new())
                        .or_default()
                        .insert(section.clone());
                }
                documented.entry(section.clone()).or_default();
            } else if let Some(row) = line.strip_prefix("| `") {
                let key = row.split('`').next().unwrap_or("");
                documented
                    .entry(section.clone())
                    .or_default()
                    .insert(key.to_string());
            }
        }
        let base = "title = \"T\"\nbase_url = \"https://e.com/\"\n";
        let tables = [
            ("", ""),
            ("markdown", "[markdown]\n"),
            ("urls", "[urls]\n"),
            ("providers", "[providers.p]\nname = \"P\"\n"),
            ("standards", "[standards.s]\nname = \"S\"\n"),
            ("decision_support", "[decision_support]\n"),
            ("theme", "[theme]\n"),
            ("theme.nav", "[[theme.nav]]\ntitle = \"T\"\nurl = \"u\"\n"),
            ("languages", "[languages.fr]\n"),
        ];
        for (table, header) in tables {
            let text = format!("{base}{header}zz_unknown = 1\n");
            let errors = Config::parse(&text, THEMES).err().unwrap_or_default();
            let message = errors.first().map_or("", |d| d.message.as_str());
            let read: BTreeSet<String> = message
                .split_once("expected")
                .map_or("", |(_, keys)| keys)
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect();
            assert!(!read.is_empty(), "[{table}]: {message}");
            assert_eq!(
                documented.get(table),
                Some(&read),
                "[{table}] in docs/configuration.md"
            );
        }
        // `extra` is free-form: documented as a table, with no keys.
        assert_eq!(documented.get("extra"), Some(&BTreeSet::new()));
    }

    #[test]
    fn the_default_language_is_a_language_code() {
        for bad in ["", "EN", "en_US", "english"] {
            let text = format!("title = \"t\"\nbase_url = \"https://x/\"\nlanguage = \"{bad}\"\n");
            let errs = Config::parse(&text, THEMES).unwrap_err();
            assert_eq!(errs[0].line, Some(3), "{bad}");
            assert!(errs[0].message.contains("must be a language code"), "{bad}");
        }
        for good in ["en", "pt-BR", "zh-Hans"] {
            let text = format!("title = \"t\"\nbase_url = \"https://x/\"\nlanguage = \"{good}\"\n");
            assert!(Config::parse(&text, THEMES).is_ok(), "{good}");
        }
    }

    #[test]
    fn unknown_key_at_its_line() {
        let text = "title = \"t\"\nbase_url = \"https://x/\"\nreveiw_interval_days = 3\n";
        let errs = Config::parse(text, THEMES).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, Some(3));
        assert!(
            errs[0]
                .message
                .contains("unknown key `reveiw_interval_days`"),
            "{}",
            errs[0].message
        );
    }

    #[test]
    fn nested_unknown_key() {
        let text = "title = \"t\"\nbase_url = \"https://x/\"\n[providers.http]\nname = \"HTTP\"\ncontxt = \"x\"\n";
        let errs = Config::parse(text, THEMES).unwrap_err();
        assert_eq!(errs[0].line, Some(5));
    }

    #[test]
    fn semantic_errors_all_reported() {
        let text = "title = \"t\"\nbase_url = \"errors.example\"\ndefault_standard = \"nope\"\n[markdown]\nhighlight_theme = \"Nope\"\n";
        let errs = Config::parse(text, THEMES).unwrap_err();
        let lines: Vec<_> = errs.iter().map(|e| e.line.unwrap()).collect();
        assert_eq!(lines, vec![2, 3, 5]);
    }

    #[test]
    fn a_provider_needs_a_name() {
        let text = "title = \"t\"\nbase_url = \"https://x/\"\n[providers.http]\nname = \"  \"\n";
        let errs = Config::parse(text, THEMES).unwrap_err();
        assert_eq!(errs[0].line, Some(3));
        assert!(
            errs[0].message.contains("needs a name"),
            "{}",
            errs[0].message
        );
    }

    #[test]
    fn valid_config() {
        let text = "title = \"t\"\nbase_url = \"https://x/docs\"\n[providers.http]\nname = \"HTTP\"\n[standards.s]\nname = \"S\"\n[decision_support]\nfeatured = [\"@/compare/a.md\"]\n";
        let c = Config::parse(text, THEMES).unwrap();
        assert_eq!(c.base.path, "/docs/");
        assert_eq!(c.featured, vec![("compare/a.md".to_string(), 8)]);
        assert_eq!(c.review_interval_days, 180);
    }
}

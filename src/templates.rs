//! Tera templates: the built-in theme, embedded in the binary, overridden by
//! a site's templates/ file by file.
//!
//! Errors name the template file and, for syntax errors, its line. Templates
//! only ever see a view (see `view`), never the graph.

use std::collections::BTreeMap;
use std::error::Error as _;

use tera::Tera;

use crate::diag::{Diagnostic, Rule};

/// The theme's templates, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("compare.html", include_str!("../templates/compare.html")),
    ("playbook.html", include_str!("../templates/playbook.html")),
    ("page.html", include_str!("../templates/page.html")),
    ("list.html", include_str!("../templates/list.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("alias.html", include_str!("../templates/alias.html")),
];

/// Where a template came from, for messages.
pub fn origin(name: &str, overrides: &BTreeMap<String, String>) -> String {
    if overrides.contains_key(name) {
        format!("templates/{name}")
    } else {
        format!("templates/{name} (built-in theme)")
    }
}

/// The folder of the templates faultbook makes from the theme's macros
/// ([`ITEM`], [`BACKLINK`]); no site template may be named into it.
const INTERNAL: &str = "faultbook/";

/// One list item as the built-in listing template shows it: its output
/// is the same as the listing's loop gives, so each item is rendered once
/// per build (and kept by serve) rather than once per listing.
const ITEM: &str = r#"{% import "macros.html" as m %}{{ m::item(it=it) }}"#;

/// One "Referenced by" entry of a page, as the built-in theme shows it;
/// made once per build, as a list item is.
const BACKLINK: &str = r#"{% import "macros.html" as m %}{{ m::backlink(it=it) }}"#;

/// `{{ t.pages_other | fill(count=n) }}`: a phrase of the theme's words
/// (`i18n`) with each `{name}` replaced by the argument of that name.
fn fill(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let phrase = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("fill: the phrase must be a string"))?;
    let args: Vec<(&str, String)> = args
        .iter()
        .map(|(k, v)| {
            let v = match v {
                tera::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.as_str(), v)
        })
        .collect();
    let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Ok(tera::Value::String(crate::i18n::fill(phrase, &pairs)))
}

/// `{{ t.not_found_home | linked(href=site.home, text=t.not_found_home_link) | safe }}`:
/// a phrase with its `{link}` made a link, everything escaped.
fn linked(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let arg = |name: &str| {
        args.get(name)
            .and_then(tera::Value::as_str)
            .ok_or_else(|| tera::Error::msg(format!("linked: `{name}` must be a string")))
    };
    let phrase = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("linked: the phrase must be a string"))?;
    let esc = crate::html::escape;
    let link = format!(
        "<a href=\"{}\">{}</a>",
        esc(arg("href")?),
        esc(arg("text")?)
    );
    Ok(tera::Value::String(crate::i18n::fill(
        &esc(phrase),
        &[("link", &link)],
    )))
}

/// Loads the theme and the site's overrides (`name -> source`). Every
/// template with a syntax error is reported, not only the first.
pub fn load(overrides: &BTreeMap<String, String>) -> Result<Tera, Vec<Diagnostic>> {
    let reserved: Vec<Diagnostic> = overrides
        .keys()
        .filter(|name| name.starts_with(INTERNAL))
        .map(|name| {
            Rule::Template.error(
                origin(name, overrides),
                None,
                format!(
                    "templates/{INTERNAL} is faultbook's own: a template there would replace \
                     how pages and listings show other pages. Rename the folder; to change \
                     how they look, override the `item` and `backlink` macros in macros.html"
                ),
            )
        })
        .collect();
    if !reserved.is_empty() {
        return Err(reserved);
    }
    let mut all: BTreeMap<&str, &str> = BUILTIN.iter().copied().collect();
    for (name, src) in overrides {
        all.insert(name, src);
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's default escaper also escapes `/`, which makes every URL
    // unreadable; ours escapes what HTML needs in text and quoted attributes.
    tera.set_escape_fn(crate::html::escape);
    tera.register_filter("fill", fill);
    tera.register_filter("linked", linked);
    match tera.add_raw_templates(all.iter().map(|(n, s)| (*n, *s))) {
        Ok(()) => {
            // Tera finds a missing `extends` at load time but a missing
            // `include` or `import` only when a page renders; find them now.
            let mut diags = missing_templates(&all, overrides);
            diags.extend(recursion(&all, overrides));
            if diags.is_empty() {
                let builtin_list = ["list.html", "base.html"]
                    .iter()
                    .all(|name| !overrides.contains_key(*name));
                if builtin_list {
                    // Cannot fail: macros.html loaded, and a missing macro
                    // is found when it is called.
                    if let Err(e) = tera.add_raw_template(crate::render::ITEM_TEMPLATE, ITEM) {
                        return Err(vec![template_diag("macros.html", overrides, &e)]);
                    }
                }
                if let Err(e) = tera.add_raw_template(crate::render::BACKLINK_TEMPLATE, BACKLINK) {
                    return Err(vec![template_diag("macros.html", overrides, &e)]);
                }
                Ok(tera)
            } else {
                Err(diags)
            }
        }
        Err(e) => {
            // Find every broken template: each override in turn, on top of
            // the built-in theme, which is known to load.
            let mut diags = Vec::new();
            for (name, src) in overrides {
                let mut t = Tera::default();
                let mut set: BTreeMap<&str, &str> = BUILTIN.iter().copied().collect();
                set.insert(name, src);
                if let Err(e) = t.add_raw_templates(set.iter().map(|(n, s)| (*n, *s))) {
                    diags.push(template_diag(name, overrides, &e));
                }
            }
            diags.extend(missing_templates(&all, overrides));
            if diags.is_empty() {
                let name = all
                    .keys()
                    .find(|n| chain(&e).contains(&format!("'{n}'")))
                    .copied()
                    .unwrap_or("base.html");
                diags.push(template_diag(name, overrides, &e));
            }
            Err(diags)
        }
    }
}

/// `include` and `import` tags naming templates that do not exist.
fn missing_templates(
    all: &BTreeMap<&str, &str>,
    overrides: &BTreeMap<String, String>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (name, src) in overrides {
        for (i, line) in src.lines().enumerate() {
            let mut rest = line;
            while let Some(start) = rest.find("{%") {
                let tag = &rest[start + 2..];
                let end = tag.find("%}").unwrap_or(tag.len());
                let body = tag[..end].trim().trim_start_matches('-').trim();
                rest = &tag[end..];
                let Some(arg) = body
                    .strip_prefix("include")
                    .or_else(|| body.strip_prefix("import"))
                else {
                    continue;
                };
                if body.contains("ignore missing") {
                    continue;
                }
                let arg = arg.trim_start();
                let Some(q) = arg.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                    continue;
                };
                let target: String = arg[1..].chars().take_while(|c| *c != q).collect();
                if !all.contains_key(target.as_str()) {
                    diags.push(Rule::Template.error(
                        origin(name, overrides),
                        Some(i as u32 + 1),
                        format!("template error: \"{target}\" is not a template of the site or the theme"),
                    ));
                }
            }
        }
    }
    diags
}

/// The `{% ... %}` tags of a template with their 1-based lines.
fn tags(src: &str) -> Vec<(u32, &str)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(start) = src[pos..].find("{%") {
        let open = pos + start + 2;
        let end = src[open..].find("%}").map_or(src.len(), |e| open + e);
        let body = src[open..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let line = src[..open].matches('\n').count() as u32 + 1;
        out.push((line, body));
        pos = (end + 2).min(src.len());
    }
    out
}

/// The first quoted string of a tag's arguments.
fn quoted(arg: &str) -> Option<&str> {
    let arg = arg.trim_start();
    let q = arg.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    arg[1..].split(q).next()
}

/// Tera has no recursion limit: a macro that calls itself without end, or a
/// template that includes itself, overflows the stack and kills the process.
/// Recursion among macros or includes is therefore refused up front.
fn recursion(all: &BTreeMap<&str, &str>, overrides: &BTreeMap<String, String>) -> Vec<Diagnostic> {
    type Node = (String, String); // (template, macro name or "" for the template itself)
    let mut edges: BTreeMap<Node, Vec<Node>> = BTreeMap::new();
    let mut lines: BTreeMap<Node, u32> = BTreeMap::new();
    for (name, src) in all {
        let mut namespaces: BTreeMap<&str, &str> = BTreeMap::new();
        let mut current: Option<String> = None;
        for (line, body) in tags(src) {
            if let Some(rest) = body.strip_prefix("import") {
                if let (Some(file), Some((_, ns))) = (quoted(rest), rest.rsplit_once(" as ")) {
                    namespaces.insert(ns.trim(), file);
                }
            } else if let Some(rest) = body.strip_prefix("macro ") {
                let m = rest.split('(').next().unwrap_or("").trim().to_string();
                lines.insert((name.to_string(), m.clone()), line);
                current = Some(m);
            } else if body.starts_with("endmacro") {
                current = None;
            } else if let Some(rest) = body.strip_prefix("include") {
                if let Some(target) = quoted(rest) {
                    let from = (name.to_string(), current.clone().unwrap_or_default());
                    lines.entry(from.clone()).or_insert(line);
                    edges
                        .entry(from)
                        .or_default()
                        .push((target.to_string(), String::new()));
                }
            }
        }
        // Calls `ns::name(` anywhere inside a macro body.
        let mut current: Option<String> = None;
        for (i, text_line) in src.lines().enumerate() {
            if let Some(p) = text_line.find("macro ") {
                if text_line[..p].contains("{%") && !text_line[..p].contains("end") {
                    current = Some(
                        text_line[p + 6..]
                            .split('(')
                            .next()
                            .unwrap_or("")
                            .trim()
                            .to_string(),
                    );
                }
            }
            let caller = (name.to_string(), current.clone().unwrap_or_default());
            let mut rest = text_line;
            while let Some(p) = rest.find("::") {
                let ns: String = rest[..p]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                let after = &rest[p + 2..];
                let callee: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let file = if ns == "self" {
                    Some(*name)
                } else {
                    namespaces.get(ns.as_str()).copied()
                };
                if let (Some(file), false) = (file, callee.is_empty()) {
                    lines.entry(caller.clone()).or_insert(i as u32 + 1);
                    edges
                        .entry(caller.clone())
                        .or_default()
                        .push((file.to_string(), callee));
                }
                rest = after;
            }
            if text_line.contains("endmacro") {
                current = None;
            }
        }
    }
    let mut diags = Vec::new();
    let mut reported = std::collections::BTreeSet::new();
    for start in edges.keys() {
        let mut stack = vec![(start.clone(), 0usize)];
        let mut path: Vec<Node> = vec![start.clone()];
        while let Some((node, i)) = stack.pop() {
            let next = edges.get(&node).and_then(|e| e.get(i)).cloned();
            let Some(next) = next else {
                path.pop();
                continue;
            };
            stack.push((node, i + 1));
            if &next == start {
                let (file, m) = start;
                if reported.insert(start.clone()) {
                    let what = if m.is_empty() {
                        format!("template \"{file}\" includes itself")
                    } else {
                        format!("macro \"{m}\" calls itself")
                    };
                    let chain: Vec<String> = path
                        .iter()
                        .chain([&next])
                        .map(|(f, m)| {
                            if m.is_empty() {
                                f.clone()
                            } else {
                                format!("{f}::{m}")
                            }
                        })
                        .collect();
                    diags.push(Rule::Template.error(
                        origin(file, overrides),
                        lines.get(start).copied(),
                        format!("template error: {what} ({}); recursion is not supported, as it could run without end", chain.join(" -> ")),
                    ));
                }
                continue;
            }
            if !path.contains(&next) && path.len() < 64 {
                path.push(next.clone());
                stack.push((next, 0));
            }
        }
    }
    diags
}

/// The whole error chain of a Tera error on one line.
pub fn chain(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut src = e.source();
    while let Some(s) = src {
        parts.push(s.to_string());
        src = s.source();
    }
    parts.join(": ")
}

/// A diagnostic for a Tera error in template `name`, with the line and
/// column when Tera's parser gives them (` --> 3:7`).
pub fn template_diag(
    name: &str,
    overrides: &BTreeMap<String, String>,
    e: &tera::Error,
) -> Diagnostic {
    let text = chain(e);
    let mut line = None;
    let mut col = None;
    if let Some(i) = text.find("--> ") {
        let rest = &text[i + 4..];
        let lc: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ':')
            .collect();
        let mut it = lc.split(':');
        line = it.next().and_then(|s| s.parse().ok());
        col = it.next().and_then(|s| s.parse().ok());
    }
    let text = text
        .replace(&format!("Failed to parse '{name}': "), "")
        .replace(&format!("Failed to render '{name}': "), "");
    let text = match (text.find("--> "), line) {
        (Some(i), Some(_)) => {
            let rest = &text[i + 4..];
            let skip = rest
                .find(|c: char| !(c.is_ascii_digit() || c == ':'))
                .unwrap_or(rest.len());
            format!(
                "{}{}",
                &text[..i],
                rest[skip..].trim_start().trim_start_matches("= ")
            )
        }
        _ => text,
    };
    let message = text
        .lines()
        .map(|l| l.trim().trim_start_matches("= "))
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with("-->")
                && !l.starts_with('|')
                && !l.chars().next().is_some_and(|c| c.is_ascii_digit())
        })
        .collect::<Vec<_>>()
        .join(" ");
    // Tera names no place for a missing variable: look it up in the
    // template Tera was rendering (a macro's file), then in the template,
    // then in the site's other templates (it may sit in a parent).
    let mut file = origin(name, overrides);
    if line.is_none() {
        let after = |marker: &str| {
            message
                .find(marker)
                .and_then(|i| message[i + marker.len()..].split_once(['`', '\'']))
                .map(|(v, _)| v)
        };
        if let Some(var) = after("Variable `") {
            let rendering = after("while rendering '");
            let sources = rendering
                .into_iter()
                .chain(std::iter::once(name))
                .chain(overrides.keys().map(String::as_str));
            if let Some((t, l, c)) = sources
                .filter_map(|t| source_of(t, overrides).map(|src| (t, src)))
                .find_map(|(t, src)| place_of(src, var).map(|(l, c)| (t, l, c)))
            {
                file = origin(t, overrides);
                line = Some(l);
                col = Some(c);
            }
        }
    }
    let mut d = Rule::Template.error(file, line, format!("template error: {message}"));
    d.column = col;
    d
}

/// The source of a template: the site's override, else the theme's.
fn source_of<'a>(name: &str, overrides: &'a BTreeMap<String, String>) -> Option<&'a str> {
    overrides
        .get(name)
        .map(String::as_str)
        .or_else(|| BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, s)| *s))
}

/// Line and column (1-based, in characters) of the first use of `var` in a
/// template's tags: the name whole, not a longer one it begins.
fn place_of(src: &str, var: &str) -> Option<(u32, u32)> {
    let mut from = 0;
    while let Some(i) = src[from..].find(var).map(|j| from + j) {
        from = i + var.len();
        let before = src[..i].chars().next_back();
        let after = src[from..].chars().next();
        let part_of_name =
            |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
        let in_tag = src[..i]
            .rfind(['{', '}'])
            .is_some_and(|o| src[..i][o..].starts_with('{'));
        if !part_of_name(before) && !part_of_name(after) && in_tag {
            return Some(crate::diag::line_col(src, i));
        }
    }
    None
}

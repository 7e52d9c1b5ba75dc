//! Front matter: split it from the body and parse it, TOML (`+++`) or YAML
//! (`---`), into a format-neutral value tree with the line of each top-level
//! key, so that `page` can validate both formats with one schema.
//!
//! Delimiter lines may carry trailing spaces. Dates stay as the text the
//! writer typed (`2026-04-14`), so that validation can be strict about them.

use std::collections::BTreeMap;

use crate::diag::line_col;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// A front-matter value, whichever format it came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    String(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
    /// A TOML date or date-time literal, as written.
    Datetime(String),
    Array(Vec<Value>),
    Table(BTreeMap<String, Value>),
    Null,
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Integer(_) => "a number",
            Value::Float(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Datetime(_) => "a date",
            Value::Array(_) => "a list",
            Value::Table(_) => "a table",
            Value::Null => "nothing",
        }
    }

    /// Removes control characters HTML and XML forbid from every string
    /// inside; what was removed, if anything.
    pub fn strip_controls(&mut self) -> Option<crate::source::Removed> {
        let mut found: Option<crate::source::Removed> = None;
        let mut add = |r: Option<crate::source::Removed>| match (&mut found, r) {
            (Some(f), Some(r)) => f.count += r.count,
            (None, r) => found = r,
            _ => {}
        };
        match self {
            Value::String(s) => add(crate::source::strip_controls(s)),
            Value::Array(a) => a.iter_mut().for_each(|v| add(v.strip_controls())),
            Value::Table(t) => t.values_mut().for_each(|v| add(v.strip_controls())),
            _ => {}
        }
        found
    }

    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::String(s) | Value::Datetime(s) => J::String(s.clone()),
            Value::Integer(i) => J::from(*i),
            Value::Float(f) => J::from(*f),
            Value::Bool(b) => J::Bool(*b),
            Value::Array(a) => J::Array(a.iter().map(Value::to_json).collect()),
            Value::Table(t) => J::Object(t.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
            Value::Null => J::Null,
        }
    }
}

/// Front matter split from its page.
#[derive(Debug)]
pub struct Split<'a> {
    pub format: Format,
    pub front: &'a str,
    /// 1-based line of the first front-matter line in the file.
    pub front_line: u32,
    pub body: &'a str,
    /// 1-based line of the first body line in the file.
    pub body_line: u32,
}

/// Splits `text` (BOM and CR already removed) into front matter and body.
/// Errors carry the line to report.
pub fn split(text: &str) -> Result<Split<'_>, (u32, String)> {
    let first_end = text.find('\n').unwrap_or(text.len());
    let first = text[..first_end].trim_end();
    let (format, delim) = match first {
        "+++" => (Format::Toml, "+++"),
        "---" => (Format::Yaml, "---"),
        _ => return Err((
            1,
            "expected front matter at the top of the file: a +++ line (TOML) or a --- line (YAML)"
                .into(),
        )),
    };
    let front_start = (first_end + 1).min(text.len());
    let mut pos = front_start;
    let mut line = 2u32;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if text[pos..end].trim_end() == delim {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                format,
                front: &text[front_start..pos],
                front_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
            });
        }
        pos = end + 1;
        line += 1;
    }
    Err((1, format!("front matter opened with {delim} on line 1 is never closed (expected a closing {delim} line)")))
}

/// The `[` or `{` opened before `error_line` (1-based, within the front
/// matter) that was never closed, outside quotes and comments: its line,
/// column and the bracket.
fn unclosed_flow(front: &str, error_line: u32) -> Option<(u32, u32, char)> {
    let mut open: Vec<(u32, u32, char)> = Vec::new();
    for (i, line) in front
        .lines()
        .enumerate()
        .take(error_line.saturating_sub(1) as usize)
    {
        let mut quote: Option<char> = None;
        for (col, c) in line.chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => open.push((i as u32 + 1, col as u32 + 1, c)),
                (None, ']' | '}') => {
                    open.pop();
                }
                _ => {}
            }
        }
    }
    open.first().copied()
}

/// Parsed front matter: the top-level table and the line of each key.
#[derive(Debug, Default)]
pub struct Parsed {
    pub table: BTreeMap<String, Value>,
    pub key_lines: BTreeMap<String, u32>,
}

/// Parses front matter text. `front_line` offsets reported lines so they are
/// lines of the whole file. An error is `(line, column, message)`.
pub fn parse(split: &Split<'_>) -> Result<Parsed, (u32, Option<u32>, String)> {
    let off = split.front_line - 1;
    let mut key_lines_found = None;
    let table = match split.format {
        Format::Toml => {
            use serde::Deserialize as _;
            let invalid = |e: toml::de::Error| {
                let (l, c) = e.span().map_or((1, 1), |s| line_col(split.front, s.start));
                (
                    l + off,
                    Some(c),
                    format!(
                        "invalid TOML front matter: {}",
                        crate::config::tidy_toml_message(e.message())
                    ),
                )
            };
            // Parsed once: the keys' places, then the values.
            let parsed = toml::de::DeTable::parse(split.front).map_err(invalid)?;
            key_lines_found = Some(toml_key_lines(&parsed, split.front, split.front_line));
            let t =
                toml::Table::deserialize(toml::de::Deserializer::from(parsed)).map_err(invalid)?;
            t.into_iter().map(|(k, v)| (k, from_toml(v))).collect()
        }
        Format::Yaml => {
            if split.front.trim().is_empty() {
                BTreeMap::new()
            } else {
                let v: serde_yaml_ng::Value =
                    serde_yaml_ng::from_str(split.front).map_err(|e| {
                        let (l, c) = e.location().map_or((1, None), |loc| {
                            (loc.line() as u32, Some(loc.column() as u32))
                        });
                        let msg = e.to_string();
                        // The location is reported separately; drop serde_yaml's " at line N column M".
                        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                        // The parser gives up where a list or map should
                        // have closed; the writer needs where it opened.
                        let unclosed = if msg.contains("did not find expected") {
                            unclosed_flow(split.front, l)
                        } else {
                            None
                        };
                        if let Some((ol, oc, open)) = unclosed {
                            let close = if open == '[' { ']' } else { '}' };
                            return (
                                ol + off,
                                Some(oc),
                                format!("invalid YAML front matter: this {open} is never closed (expected {close} before line {}): {msg}", l + off),
                            );
                        }
                        (l + off, c, format!("invalid YAML front matter: {msg}"))
                    })?;
                match from_yaml(v) {
                    Value::Table(t) => t,
                    Value::Null => BTreeMap::new(),
                    other => {
                        return Err((
                            split.front_line,
                            None,
                            format!(
                                "front matter must be a mapping of keys to values, found {}",
                                other.type_name()
                            ),
                        ))
                    }
                }
            }
        }
    };
    let key_lines =
        key_lines_found.unwrap_or_else(|| yaml_key_lines(split.front, split.front_line));
    Ok(Parsed { table, key_lines })
}

fn from_toml(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::Integer(i),
        toml::Value::Float(f) => Value::Float(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::Datetime(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(from_toml).collect()),
        toml::Value::Table(t) => {
            Value::Table(t.into_iter().map(|(k, v)| (k, from_toml(v))).collect())
        }
    }
}

fn from_yaml(v: serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        Y::String(s) => Value::String(s),
        Y::Sequence(s) => Value::Array(s.into_iter().map(from_yaml).collect()),
        Y::Mapping(m) => Value::Table(
            m.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s,
                        Y::Number(n) => n.to_string(),
                        Y::Bool(b) => b.to_string(),
                        _ => "?".into(),
                    };
                    (key, from_yaml(v))
                })
                .collect(),
        ),
        Y::Tagged(t) => from_yaml(t.value),
    }
}

/// The line of each top-level key of parsed TOML, where the parser found
/// it: a key-like line inside a multi-line string or array is never taken
/// for a key.
fn toml_key_lines(
    parsed: &toml::Spanned<toml::de::DeTable<'_>>,
    front: &str,
    first_line: u32,
) -> BTreeMap<String, u32> {
    parsed
        .get_ref()
        .keys()
        .map(|k| {
            let (line, _) = line_col(front, k.span().start);
            (k.get_ref().to_string(), first_line - 1 + line)
        })
        .collect()
}

/// Finds the line of each top-level key of YAML by reading the text:
/// `key:` lines at column 0.
fn yaml_key_lines(front: &str, first_line: u32) -> BTreeMap<String, u32> {
    let mut lines = BTreeMap::new();
    for (i, line) in front.lines().enumerate() {
        if line.starts_with([' ', '\t', '-', '#']) {
            continue;
        }
        if let Some((k, _)) = line.split_once(':') {
            let k = k.trim().trim_matches(['"', '\'']);
            if !k.is_empty() {
                lines.entry(k.to_string()).or_insert(first_line + i as u32);
            }
        }
    }
    lines
}

/// 1-based column of the value in a `key = value` or `key: value` line.
pub fn value_column(line: &str) -> Option<u32> {
    let sep = line.find(['=', ':'])?;
    let rest = &line[sep + 1..];
    if rest.trim().is_empty() {
        return None;
    }
    let skip = rest.len() - rest.trim_start().len();
    Some(line[..sep + 1 + skip].chars().count() as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_columns() {
        assert_eq!(value_column("provider = \"azur\""), Some(12));
        assert_eq!(value_column("code: 0x1F"), Some(7));
        assert_eq!(value_column("[[references]]"), None);
    }

    #[test]
    fn split_toml_with_trailing_spaces() {
        let s = split("+++  \ntitle = \"a\"\n+++ \nbody\n").unwrap();
        assert_eq!(s.format, Format::Toml);
        assert_eq!(s.front, "title = \"a\"\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn split_errors() {
        assert_eq!(split("# no front matter").unwrap_err().0, 1);
        assert!(split("+++\ntitle = 1\n")
            .unwrap_err()
            .1
            .contains("never closed"));
        // A YAML opener is not closed by a TOML delimiter.
        assert!(split("---\na: 1\n+++\n").is_err());
    }

    #[test]
    fn toml_error_line_is_file_line() {
        let s = split("+++\ntitle = \"a\"\ncode = \n+++\n").unwrap();
        let e = parse(&s).unwrap_err();
        assert_eq!(e.0, 3);
    }

    #[test]
    fn yaml_values_and_lines() {
        let s =
            split("---\ntitle: A\ncode: 0x1F\ntags:\n  - a\nreviewed: 2026-01-02\n---\n").unwrap();
        let p = parse(&s).unwrap();
        assert_eq!(p.table["code"], Value::Integer(31));
        assert_eq!(p.table["reviewed"], Value::String("2026-01-02".into()));
        assert_eq!(p.key_lines["tags"], 4);
        assert_eq!(p.key_lines["reviewed"], 6);
    }

    /// A line that reads like a key inside a multi-line string or array
    /// is not where the key is.
    #[test]
    fn toml_key_lines_skip_what_only_looks_like_a_key() {
        let s = split(concat!(
            "+++\n",
            "summary = \"\"\"\nreviewed = 2020-01-01\n\"\"\"\n",
            "note = '''\ncode = \"x\"\n'''\n",
            "tags = [\n  \"title = y\",\n]\n",
            "reviewed = 2024-03-03\n",
            "code = \"409\"\n",
            "title = \"Lit\"\n",
            "extra.owner = \"me\"\n",
            "+++\n",
        ))
        .unwrap();
        let p = parse(&s).unwrap();
        let lines: Vec<(&str, u32)> = p.key_lines.iter().map(|(k, l)| (k.as_str(), *l)).collect();
        assert_eq!(
            lines,
            [
                ("code", 12),
                ("extra", 14),
                ("note", 5),
                ("reviewed", 11),
                ("summary", 2),
                ("tags", 8),
                ("title", 13),
            ]
        );
    }

    #[test]
    fn toml_key_lines_with_tables() {
        let s = split("+++\ntitle = \"a\"\nreviewed = 2026-01-02\n[[references]]\ntitle = \"x\"\nurl = \"y\"\n[extra]\nfoo = 1\n+++\n").unwrap();
        let p = parse(&s).unwrap();
        assert_eq!(p.key_lines["title"], 2);
        assert_eq!(p.key_lines["references"], 4);
        assert_eq!(p.key_lines["extra"], 7);
        assert_eq!(p.table["reviewed"], Value::Datetime("2026-01-02".into()));
    }
}

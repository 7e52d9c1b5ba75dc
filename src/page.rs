//! The front-matter schema of every page kind (SPEC §3), held in one table.
//!
//! `SCHEMA` drives validation and its messages here, and scaffolding in
//! `scaffold`: adding a key means adding a row, whose type says both how
//! the value is checked and where in `FrontMatter` it lands.
//! Types are strict: an unquoted hex code is a number and so an error, and a
//! date is `YYYY-MM-DD`, nothing else.

use std::collections::BTreeMap;

use time::Date;

use crate::diag::{Diagnostic, Rule};
use crate::frontmatter::Value;
use crate::kind::Kind;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    Required,
    /// Required unless site.toml sets a default (`standard`).
    SiteDefault,
    /// Taken from the page's folder when not written (`provider`).
    FolderDefault,
    Optional,
    Absent,
}

/// A field's type, with where its checked value goes in `FrontMatter`:
/// a row cannot be written without saying where its value lands.
#[derive(Clone, Copy)]
pub enum FieldType {
    Str(fn(&mut FrontMatter, String)),
    /// A string that names an error: quoted, and free of invisible characters.
    Code(fn(&mut FrontMatter, String)),
    Date(fn(&mut FrontMatter, Date)),
    Bool(fn(&mut FrontMatter, bool)),
    /// A list of refs with at least `min` entries.
    Refs {
        min: usize,
        set: fn(&mut FrontMatter, Vec<RefAt>),
    },
    /// A list of strings, each with the key's line.
    StrList(fn(&mut FrontMatter, Vec<RefAt>)),
    References(fn(&mut FrontMatter, Vec<Reference>)),
    Table(fn(&mut FrontMatter, serde_json::Value)),
}

pub struct Field {
    pub key: &'static str,
    pub ty: FieldType,
    /// Indexed by `Kind as usize`: error, compare, playbook, plain.
    pub need: [Need; Kind::COUNT],
    /// What a translation (SPEC §11) does with the field.
    pub translated: Translated,
    pub meaning: &'static str,
}

/// A field of a translation: its own, or taken from its original.
#[derive(Clone, Copy)]
pub enum Translated {
    /// The translation's own (title, summary, reviewed...).
    Own,
    /// A fact of the original, which the translation may repeat but not
    /// change: the function takes the original's value and says whether
    /// the translation's was the same.
    Shared(fn(&mut FrontMatter, &FrontMatter) -> bool),
    /// The original's unless the translation sets its own.
    Inherited(fn(&mut FrontMatter, &FrontMatter)),
}

impl Translated {
    /// Whether a translation may leave the field out where its kind needs it.
    fn may_be_left_out(self) -> bool {
        !matches!(self, Translated::Own)
    }
}

/// Refs that name the same pages as written: codes compare
/// case-insensitively, and a ref without a provider matches one with.
fn same_refs(a: &[RefAt], b: &[RefAt]) -> bool {
    fn parts(s: &str) -> (Option<String>, String) {
        match s.split_once(':') {
            Some((p, c)) => (Some(p.trim().to_lowercase()), c.trim().to_lowercase()),
            None => (None, s.trim().to_lowercase()),
        }
    }
    let same = |x: &RefAt, y: &RefAt| {
        let ((px, cx), (py, cy)) = (parts(&x.text), parts(&y.text));
        cx == cy && (px.is_none() || py.is_none() || px == py)
    };
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
}

/// Aliases as written.
fn same_aliases(a: &[RefAt], b: &[RefAt]) -> bool {
    a.iter().map(|r| &r.text).eq(b.iter().map(|r| &r.text))
}

/// Tags that are the same tags: their listing is the same whatever the case.
fn same_tags(a: &[String], b: &[String]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_lowercase() == y.to_lowercase())
}

/// `Translated::Shared` for the field `$f`, compared with `==` or `$same`.
macro_rules! shared {
    ($f:ident) => {
        Translated::Shared(|t, o| {
            let same = t.$f == o.$f;
            t.$f = o.$f.clone();
            same
        })
    };
    ($f:ident, $same:ident) => {
        Translated::Shared(|t, o| {
            let same = $same(&t.$f, &o.$f);
            t.$f = o.$f.clone();
            same
        })
    };
}

use FieldType as T;
use Need::{Absent as N, FolderDefault as F, Optional as O, Required as R, SiteDefault as S};

/// SPEC §3 as data.
pub const SCHEMA: &[Field] = &[
    Field {
        key: "title",
        ty: T::Str(|fm, v| fm.title = v),
        need: [R, R, R, R],
        translated: Translated::Own,
        meaning: "the page title",
    },
    Field {
        key: "code",
        ty: T::Code(|fm, v| fm.code = Some(v)),
        need: [R, N, N, N],
        translated: shared!(code),
        meaning: "the error code as written",
    },
    Field {
        key: "provider",
        ty: T::Str(|fm, v| fm.provider = Some(v)),
        need: [F, N, N, N],
        translated: shared!(provider),
        meaning: "a key of [providers]",
    },
    Field {
        key: "summary",
        ty: T::Str(|fm, v| fm.summary = Some(v)),
        need: [O, R, R, O],
        translated: Translated::Own,
        meaning: "one or two sentences; inline markdown",
    },
    Field {
        key: "reviewed",
        ty: T::Date(|fm, v| fm.reviewed = Some(v)),
        need: [R, R, R, O],
        translated: Translated::Own,
        meaning: "date of last review, YYYY-MM-DD",
    },
    Field {
        key: "standard",
        ty: T::Str(|fm, v| fm.standard = Some(v)),
        need: [S, S, S, N],
        translated: Translated::Inherited(|t, o| t.standard = o.standard.clone()),
        meaning: "a key of [standards]",
    },
    Field {
        key: "compares",
        ty: T::Refs {
            min: 2,
            set: |fm, v| fm.compares = v,
        },
        need: [N, R, N, N],
        translated: shared!(compares, same_refs),
        meaning: "the codes compared",
    },
    Field {
        key: "covers",
        ty: T::Refs {
            min: 1,
            set: |fm, v| fm.covers = v,
        },
        need: [N, N, R, N],
        translated: shared!(covers, same_refs),
        meaning: "the codes covered",
    },
    Field {
        key: "related",
        ty: T::Refs {
            min: 0,
            set: |fm, v| fm.related = v,
        },
        need: [O, O, O, N],
        translated: shared!(related, same_refs),
        meaning: "related codes",
    },
    Field {
        key: "tags",
        ty: T::StrList(|fm, v| fm.tags = v.into_iter().map(|r| r.text).collect()),
        need: [O, O, O, O],
        translated: shared!(tags, same_tags),
        meaning: "tags",
    },
    Field {
        key: "aliases",
        ty: T::StrList(|fm, v| fm.aliases = v),
        need: [O, O, O, O],
        translated: shared!(aliases, same_aliases),
        meaning: "old site paths that redirect here",
    },
    Field {
        key: "references",
        ty: T::References(|fm, v| fm.references = v),
        need: [O, O, O, N],
        translated: Translated::Own,
        meaning: "list of { title, url }",
    },
    Field {
        key: "draft",
        ty: T::Bool(|fm, v| fm.draft = v),
        need: [O, O, O, O],
        translated: Translated::Own,
        meaning: "left out unless --drafts",
    },
    Field {
        key: "slug",
        ty: T::Str(|fm, v| fm.slug = Some(v)),
        need: [O, O, O, O],
        translated: shared!(slug),
        meaning: "the URL's last segment",
    },
    Field {
        key: "extra",
        ty: T::Table(|fm, v| fm.extra = v),
        need: [O, O, O, O],
        translated: Translated::Own,
        meaning: "free-form values for templates",
    },
];

/// A ref as written, with its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefAt {
    pub text: String,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Reference {
    pub title: String,
    pub url: String,
}

/// Validated front matter of one page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrontMatter {
    pub title: String,
    pub code: Option<String>,
    pub provider: Option<String>,
    pub summary: Option<String>,
    pub reviewed: Option<Date>,
    pub standard: Option<String>,
    pub compares: Vec<RefAt>,
    pub covers: Vec<RefAt>,
    pub related: Vec<RefAt>,
    pub tags: Vec<String>,
    pub aliases: Vec<RefAt>,
    pub references: Vec<Reference>,
    /// Entries written under `references`, valid or not (so that an invalid
    /// entry is not also reported as a missing reference).
    pub references_given: usize,
    pub draft: bool,
    pub slug: Option<String>,
    pub extra: serde_json::Value,
    pub key_lines: KeyLines,
}

impl FrontMatter {
    pub fn line_of(&self, key: &str) -> u32 {
        self.key_lines.get(key).unwrap_or(1)
    }
}

/// The line of each front-matter key, sorted by key: kept for every page
/// of a build, so a boxed slice rather than a map.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyLines(Box<[(Box<str>, u32)]>);

impl KeyLines {
    pub fn get(&self, key: &str) -> Option<u32> {
        self.0
            .binary_search_by(|(k, _)| (**k).cmp(key))
            .ok()
            .map(|i| self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

impl From<BTreeMap<String, u32>> for KeyLines {
    fn from(map: BTreeMap<String, u32>) -> KeyLines {
        KeyLines(map.into_iter().map(|(k, l)| (k.into(), l)).collect())
    }
}

/// What validation needs to know besides the front matter itself.
pub struct Rules<'a> {
    pub today: Date,
    pub has_default_standard: bool,
    /// For error pages: the provider folder (`errors/<provider>/...`).
    pub folder_provider: Option<&'a str>,
    /// The front matter as written, and the file line it starts on: where
    /// a value inside a table is found, to point at its own line.
    pub front: &'a str,
    pub front_line: u32,
    /// The page is a translation: what it shares with its original may be
    /// left out.
    pub translation: bool,
}

impl Rules<'_> {
    /// The first file line at or after `from` whose text holds `needle`.
    fn line_of(&self, needle: &str, from: u32) -> Option<u32> {
        let skip = from.saturating_sub(self.front_line) as usize;
        self.front
            .lines()
            .enumerate()
            .skip(skip)
            .find(|(_, l)| l.contains(needle))
            .map(|(i, _)| self.front_line + i as u32)
    }
}

/// Validates a parsed table against `SCHEMA` for `kind`, pushing every
/// problem into `diags`. Returns the front matter even when it has errors,
/// so later stages can go on and report more.
/// The name of an invisible character that has no place in a code: zero
/// widths, joiners, bidi controls, the soft hyphen.
fn invisible(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{ad}' => "soft hyphen",
        '\u{200b}' => "zero width space",
        '\u{200c}' => "zero width non-joiner",
        '\u{200d}' => "zero width joiner",
        '\u{200e}' => "left-to-right mark",
        '\u{200f}' => "right-to-left mark",
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => "bidirectional text control",
        '\u{2060}' => "word joiner",
        '\u{feff}' => "zero width no-break space",
        _ => return None,
    })
}

pub fn validate(
    file: &str,
    kind: Kind,
    table: &BTreeMap<String, Value>,
    key_lines: BTreeMap<String, u32>,
    rules: &Rules<'_>,
    diags: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let line = |k: &str| key_lines.get(k).copied().unwrap_or(1);
    let mut fm = FrontMatter {
        extra: serde_json::Value::Object(Default::default()),
        ..Default::default()
    };
    let mut err = |l: u32, msg: String| diags.push(Rule::FrontMatter.error(file, Some(l), msg));

    for (key, value) in table {
        let Some(field) = SCHEMA.iter().find(|f| f.key == key) else {
            let allowed: Vec<&str> = SCHEMA
                .iter()
                .filter(|f| f.need[kind as usize] != N)
                .map(|f| f.key)
                .collect();
            err(
                line(key),
                format!(
                    "unknown key \"{key}\" in {}{} (expected one of: {}; free-form values go under extra)",
                    kind.noun(),
                    crate::suggest::did_you_mean(key, allowed.iter().copied()),
                    allowed.join(", ")
                ),
            );
            continue;
        };
        if field.need[kind as usize] == N {
            err(
                line(key),
                format!("key \"{key}\" is not allowed on {}", kind.noun()),
            );
            continue;
        }
        let l = line(key);
        match field.ty {
            T::Str(set) | T::Code(set) => match value {
                Value::String(s) => {
                    let s = s.trim().to_string();
                    if s.is_empty() {
                        err(l, format!("\"{key}\" must not be empty"));
                    }
                    if matches!(field.ty, T::Code(_)) {
                        if let Some((c, name)) = s.chars().find_map(|c| invisible(c).map(|n| (c, n))) {
                            err(
                                l,
                                format!(
                                    "\"{key}\" holds an invisible character, U+{:04X} ({name}); delete it (it usually comes in with a pasted code)",
                                    c as u32
                                ),
                            );
                        }
                    }
                    set(&mut fm, s);
                }
                Value::Integer(_) | Value::Float(_) if matches!(field.ty, T::Code(_)) => err(
                    l,
                    format!(
                        "\"{key}\" must be a quoted string, found {} (write {key} = \"...\" so that hex codes and leading zeros survive)",
                        value.type_name()
                    ),
                ),
                other => err(l, format!("\"{key}\" must be a string, found {}", other.type_name())),
            },
            T::Date(set) => match value {
                Value::String(s) | Value::Datetime(s) => match parse_date(s) {
                    Ok(d) if d > rules.today => err(
                        l,
                        format!("\"{key}\" date {s} is in the future (today is {})", format_date(rules.today)),
                    ),
                    Ok(d) => set(&mut fm, d),
                    Err(msg) => err(l, format!("\"{key}\": {msg}")),
                },
                other => err(l, format!("\"{key}\" must be a date YYYY-MM-DD, found {}", other.type_name())),
            },
            T::Bool(set) => match value {
                Value::Bool(b) => set(&mut fm, *b),
                other => err(l, format!("\"{key}\" must be true or false, found {}", other.type_name())),
            },
            T::Refs { min, set } => {
                let list = string_list(key, value, l, &mut err);
                if list.len() < min {
                    err(l, format!("\"{key}\" needs at least {min} refs, found {}", list.len()));
                }
                set(&mut fm, list.into_iter().map(|text| RefAt { text, line: l }).collect());
            }
            T::StrList(set) => {
                let list = string_list(key, value, l, &mut err);
                set(&mut fm, list.into_iter().map(|text| RefAt { text, line: l }).collect());
            }
            T::References(set) => {
                fm.references_given = match value {
                    Value::Array(items) => items.len(),
                    _ => 1,
                };
                let refs = references(value, l, &mut err, &|needle| {
                    rules.line_of(needle, l).unwrap_or(l)
                });
                set(&mut fm, refs);
            }
            T::Table(set) => match value {
                Value::Table(_) => set(&mut fm, value.to_json()),
                other => err(l, format!("\"{key}\" must be a table, found {}", other.type_name())),
            },
        }
    }

    for field in SCHEMA {
        let need = field.need[kind as usize];
        let taken = rules.translation && field.translated.may_be_left_out();
        let missing = !table.contains_key(field.key) && !taken;
        let required = match need {
            R => true,
            S => !rules.has_default_standard,
            F | O | N => false,
        };
        if missing && required {
            err(
                1,
                format!(
                    "missing required key \"{}\" ({}) for {}",
                    field.key,
                    field.meaning,
                    kind.noun()
                ),
            );
        }
    }

    if kind.has_code() {
        if let (Some(p), Some(folder)) = (&fm.provider, rules.folder_provider) {
            if p != folder {
                err(
                    line("provider"),
                    format!("provider \"{p}\" does not match the folder errors/{folder}/ this page is in"),
                );
            }
        }
        if fm.provider.is_none() {
            fm.provider = rules.folder_provider.map(str::to_string);
        }
    }
    fm.key_lines = key_lines.into();
    fm
}

fn string_list(key: &str, value: &Value, l: u32, err: &mut impl FnMut(u32, String)) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                Value::String(_) => {
                    err(l, format!("\"{key}\" holds an empty string"));
                    None
                }
                other => {
                    err(
                        l,
                        format!(
                            "\"{key}\" must be a list of strings, found {} in it",
                            other.type_name()
                        ),
                    );
                    None
                }
            })
            .collect(),
        other => {
            err(
                l,
                format!(
                    "\"{key}\" must be a list of strings, found {}",
                    other.type_name()
                ),
            );
            Vec::new()
        }
    }
}

/// `references`: `line_of` finds the line of a value inside it.
fn references(
    value: &Value,
    l: u32,
    err: &mut impl FnMut(u32, String),
    line_of: &dyn Fn(&str) -> u32,
) -> Vec<Reference> {
    let Value::Array(items) = value else {
        err(
            l,
            format!(
                "\"references\" must be a list of {{ title, url }}, found {}",
                value.type_name()
            ),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Value::Table(t) = item else {
            err(
                l,
                format!(
                    "references[{i}] must be a table with title and url, found {}",
                    item.type_name()
                ),
            );
            continue;
        };
        for k in t.keys() {
            if k != "title" && k != "url" {
                err(
                    l,
                    format!("unknown key \"{k}\" in references[{i}] (expected title, url)"),
                );
            }
        }
        match (t.get("title"), t.get("url")) {
            (Some(Value::String(title)), Some(Value::String(url))) => {
                let url = url.trim();
                if crate::urls::is_dangerous_scheme(url) {
                    err(line_of(url), format!("references[{i}] url \"{url}\" uses a forbidden scheme (javascript:, data: and vbscript: are not allowed)"));
                } else if url.is_empty() {
                    err(l, format!("references[{i}] url is empty"));
                } else {
                    out.push(Reference {
                        title: title.trim().to_string(),
                        url: url.to_string(),
                    });
                }
            }
            _ => err(
                l,
                format!("references[{i}] needs a string title and a string url"),
            ),
        }
    }
    out
}

/// Strict `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<Date, String> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err(format!("expected a date YYYY-MM-DD, found \"{s}\""));
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let month = time::Month::try_from(num(5..7) as u8)
        .map_err(|_| format!("{s} is not a real date (month {})", &s[5..7]))?;
    Date::from_calendar_date(num(0..4) as i32, month, num(8..10) as u8)
        .map_err(|_| format!("{s} is not a real date"))
}

pub fn format_date(d: Date) -> String {
    let mut s = String::with_capacity(10);
    write_date(&mut s, d);
    s
}

/// [`format_date`], appending to `out`.
pub fn write_date(out: &mut String, d: Date) {
    use std::fmt::Write;
    let _ = write!(out, "{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontmatter::{parse, split};

    fn check(kind: Kind, text: &str) -> (FrontMatter, Vec<String>) {
        let s = split(text).unwrap();
        let p = parse(&s).unwrap();
        let rules = Rules {
            today: parse_date("2026-11-26").unwrap(),
            has_default_standard: false,
            folder_provider: Some("http"),
            front: s.front,
            front_line: s.front_line,
            translation: false,
        };
        let mut d = Vec::new();
        let fm = validate("f.md", kind, &p.table, p.key_lines, &rules, &mut d);
        (
            fm,
            d.into_iter()
                .map(|d| format!("{}: {}", d.line.unwrap_or(0), d.message))
                .collect(),
        )
    }

    /// Every row writes its value into a field of its own: a setter that
    /// wrote into another row's field would make two rows' pages equal.
    #[test]
    fn every_field_lands_in_its_own_place() {
        let sample = |ty: FieldType| match ty {
            T::Str(_) | T::Code(_) => "\"v\"",
            T::Date(_) => "2026-01-02",
            T::Bool(_) => "true",
            T::Refs { .. } | T::StrList(_) => "[\"a:1\", \"b:2\"]",
            T::References(_) => "[{ title = \"t\", url = \"https://x\" }]",
            T::Table(_) => "{ k = 1 }",
        };
        let mut seen: Vec<(String, &str)> = Vec::new();
        for f in SCHEMA {
            let kind = Kind::ALL
                .into_iter()
                .find(|k| f.need[*k as usize] != N)
                .unwrap();
            let (fm, d) = check(kind, &format!("+++\n{} = {}\n+++\n", f.key, sample(f.ty)));
            assert!(
                !d.iter().any(|m| m.contains(&format!("\"{}\"", f.key))),
                "{}: {d:?}",
                f.key
            );
            let got = format!(
                "{:?}",
                FrontMatter {
                    key_lines: KeyLines::default(),
                    ..fm
                }
            );
            let (base, _) = check(kind, "+++\n+++\n");
            let base = format!(
                "{:?}",
                FrontMatter {
                    key_lines: KeyLines::default(),
                    ..base
                }
            );
            assert_ne!(got, base, "{} changed nothing", f.key);
            if let Some((_, other)) = seen.iter().find(|(g, _)| *g == got) {
                panic!("{} and {other} land in the same place", f.key);
            }
            seen.push((got, f.key));
        }
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2026-02-28").is_ok());
        assert!(parse_date("2026-02-30")
            .unwrap_err()
            .contains("not a real date"));
        assert!(parse_date("2026-13-01").is_err());
        assert!(parse_date("2026-1-01").is_err());
        assert!(parse_date("26-01-01").is_err());
    }

    #[test]
    fn valid_error_page() {
        let (fm, d) = check(
            Kind::Error,
            "+++\ntitle = \"Too many\"\ncode = \"429\"\nreviewed = 2026-01-02\nstandard = \"s\"\ntags = [\"rate\"]\n[[references]]\ntitle = \"RFC\"\nurl = \"https://x\"\n+++\n",
        );
        assert_eq!(d, Vec::<String>::new());
        assert_eq!(fm.code.as_deref(), Some("429"));
        assert_eq!(fm.provider.as_deref(), Some("http"));
        assert_eq!(fm.references.len(), 1);
    }

    #[test]
    fn every_problem_reported() {
        let (_, d) = check(
            Kind::Error,
            "+++\ntitle = \"x\"\ncode = 0x8007\nreviewed = \"2027-01-01\"\nprovder = \"http\"\ncompares = [\"a\", \"b\"]\n+++\n",
        );
        assert_eq!(
            d,
            vec![
                "3: \"code\" must be a quoted string, found a number (write code = \"...\" so that hex codes and leading zeros survive)",
                "6: key \"compares\" is not allowed on an error page",
                "5: unknown key \"provder\" in an error page; did you mean \"provider\"? (expected one of: title, code, provider, summary, reviewed, standard, related, tags, aliases, references, draft, slug, extra; free-form values go under extra)",
                "4: \"reviewed\" date 2027-01-01 is in the future (today is 2026-11-26)",
                "1: missing required key \"standard\" (a key of [standards]) for an error page",
            ]
        );
    }

    #[test]
    fn compare_needs_two_refs() {
        let (_, d) = check(
            Kind::Compare,
            "+++\ntitle = \"a\"\nsummary = \"s\"\nreviewed = 2026-01-01\nstandard = \"s\"\ncompares = [\"429\"]\n+++\n",
        );
        assert_eq!(d, vec!["6: \"compares\" needs at least 2 refs, found 1"]);
    }

    #[test]
    fn provider_must_match_folder() {
        let (_, d) = check(
            Kind::Error,
            "+++\ntitle = \"a\"\ncode = \"1\"\nprovider = \"grpc\"\nreviewed = 2026-01-01\nstandard = \"s\"\n+++\n",
        );
        assert_eq!(
            d,
            vec!["4: provider \"grpc\" does not match the folder errors/http/ this page is in"]
        );
    }
}

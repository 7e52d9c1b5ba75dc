//! The theme's words in each language (SPEC §11): built-in tables for
//! English, French, German, Spanish, Japanese, Chinese and Portuguese
//! (`src/i18n/<code>.toml`, one key per phrase), laid over English so a
//! phrase a table lacks still reads, and overridden phrase by phrase from
//! `[languages.<code>.strings]` in site.toml.
//!
//! Phrases hold `{name}` placeholders that [`fill`] (and the templates'
//! `fill` filter) replace.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// One language's phrases, by key.
pub type Strings = BTreeMap<String, String>;

const BUILTIN: &[(&str, &str)] = &[
    ("en", include_str!("i18n/en.toml")),
    ("de", include_str!("i18n/de.toml")),
    ("es", include_str!("i18n/es.toml")),
    ("fr", include_str!("i18n/fr.toml")),
    ("ja", include_str!("i18n/ja.toml")),
    ("pt", include_str!("i18n/pt.toml")),
    ("zh", include_str!("i18n/zh.toml")),
];

fn parse(text: &str) -> Strings {
    // The tables are part of the binary; a unit test parses each.
    toml::from_str(text).unwrap_or_default()
}

/// The English table: every key a phrase may have.
pub fn english() -> &'static Strings {
    static EN: OnceLock<Strings> = OnceLock::new();
    EN.get_or_init(|| parse(BUILTIN[0].1))
}

/// The text of a language's built-in table, found by its primary subtag
/// (`pt-BR` reads `pt`), when there is one.
fn builtin(code: &str) -> Option<&'static str> {
    let primary = code.split('-').next().unwrap_or(code).to_ascii_lowercase();
    // The Chinese table is Simplified: Traditional needs words of its own.
    let traditional = ["hant", "tw", "hk", "mo"];
    if primary == "zh"
        && code
            .split('-')
            .skip(1)
            .any(|s| traditional.contains(&s.to_ascii_lowercase().as_str()))
    {
        return None;
    }
    BUILTIN
        .iter()
        .find(|(c, _)| *c == primary)
        .map(|(_, text)| *text)
}

/// True when faultbook has the theme's words for `code`.
pub fn has_builtin(code: &str) -> bool {
    builtin(code).is_some()
}

/// The phrases of `code`: English, then the language's built-in table,
/// then the site's overrides.
pub fn strings_for(code: &str, overrides: &Strings) -> Arc<Strings> {
    let mut s = english().clone();
    if let Some(text) = builtin(code) {
        s.extend(parse(text));
    }
    s.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
    Arc::new(s)
}

/// The phrases faultbook.js shows (its `WORDS`, which hold the English).
pub const SCRIPT_WORDS: [&str; 25] = [
    "switch_to_light",
    "switch_to_dark",
    "copy",
    "copy_code",
    "copy_lang_code",
    "copied",
    "copied_announce",
    "copy_failed",
    "copy_failed_announce",
    "shown_of_total",
    "kind_error",
    "kind_compare",
    "kind_playbook",
    "kind_page",
    "search_results",
    "results_one",
    "results_other",
    "results_for",
    "results_first_shown",
    "results_partial",
    "no_results",
    "no_results_hint",
    "no_results_symbols",
    "search_unavailable",
    "search_index_failed",
];

/// The phrases of [`SCRIPT_WORDS`] that `strings` says otherwise than
/// English, as JSON for the page's script; `None` when there are none.
pub fn script_words(strings: &Strings) -> Option<String> {
    let english = english();
    let differ: BTreeMap<&str, &str> = SCRIPT_WORDS
        .iter()
        .filter(|k| strings.get(**k) != english.get(**k))
        .map(|k| (*k, word(strings, k)))
        .collect();
    (!differ.is_empty()).then(|| serde_json::to_string(&differ).unwrap_or_default())
}

/// The phrase of `key`; empty for the empty key.
pub fn word<'s>(strings: &'s Strings, key: &str) -> &'s str {
    strings.get(key).map_or("", String::as_str)
}

/// The `{name}`s a phrase holds.
fn placeholders(s: &str) -> Vec<&str> {
    let mut v: Vec<&str> = s
        .match_indices('{')
        .filter_map(|(i, _)| s[i..].find('}').map(|j| &s[i..=i + j]))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The placeholders a `date` phrase may hold.
const DATE_PARTS: [&str; 6] = ["{year}", "{month}", "{day}", "{m}", "{d}", "{month_name}"];

/// Why a site's phrase for `key` cannot stand in for the built-in one: a
/// placeholder the phrase is not given, or months that are not twelve.
pub fn check_phrase(key: &str, phrase: &str) -> Result<(), String> {
    if key == "months" {
        let n = phrase.split(',').filter(|m| !m.trim().is_empty()).count();
        return match n {
            12 => Ok(()),
            _ => Err(format!(
                "months must be twelve names split at commas, found {n}"
            )),
        };
    }
    let english = english().get(key).map_or("", String::as_str);
    let allowed = match key {
        "date" => DATE_PARTS.to_vec(),
        _ => placeholders(english),
    };
    match placeholders(phrase)
        .into_iter()
        .find(|p| !allowed.contains(p))
    {
        Some(p) => Err(format!(
            "{key} may hold {}, not {p}",
            if allowed.is_empty() {
                "no placeholder".to_string()
            } else {
                allowed.join(", ")
            }
        )),
        None => Ok(()),
    }
}

/// A date as the language writes it: its `date` phrase, with `{year}`,
/// `{month}` and `{day}` (two digits), `{m}` and `{d}` (no padding) and
/// `{month_name}` (from `months`, twelve names split at commas).
pub fn date(strings: &Strings, d: time::Date) -> String {
    let month = u8::from(d.month());
    let name = word(strings, "months")
        .split(',')
        .nth(usize::from(month) - 1)
        .unwrap_or("")
        .trim()
        .to_string();
    fill(
        word(strings, "date"),
        &[
            ("year", &d.year().to_string()),
            ("month", &format!("{month:02}")),
            ("day", &format!("{:02}", d.day())),
            ("m", &month.to_string()),
            ("d", &d.day().to_string()),
            ("month_name", &name),
        ],
    )
}

/// `phrase` with each `{name}` replaced by its value.
pub fn fill(phrase: &str, args: &[(&str, &str)]) -> String {
    let mut out = phrase.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// A language code as site.toml and file names write it: a primary
/// subtag of 2-3 letters, then subtags of 2-8 letters or digits
/// (`fr`, `pt-BR`, `zh-Hans`).
pub fn is_language_code(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The two-letter codes of ISO 639-1. A file `name.<code>.md` whose
/// suffix is one of them is read as a translation even when site.toml
/// does not declare the language, so that the mistake is reported rather
/// than published as a page of its own.
const ISO_639_1: &str = "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

/// The language a content file's name gives (`429.fr.md` -> `fr`): a
/// declared language, or an ISO 639-1 code (with or without a region)
/// that may be a mistake.
pub fn language_of_file<'a>(name: &'a str, declared: &[String]) -> Option<&'a str> {
    let stem = name.strip_suffix(".md")?;
    let (_, suffix) = stem.rsplit_once('.')?;
    if declared.iter().any(|d| d == suffix) {
        return Some(suffix);
    }
    let primary = suffix.split('-').next().unwrap_or(suffix);
    (is_language_code(suffix) && primary.len() == 2 && ISO_639_1.split(' ').any(|c| c == primary))
        .then_some(suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_table_has_the_english_keys_and_placeholders() {
        let en = english();
        assert!(en.len() > 50, "the English table parses");
        for (code, text) in BUILTIN {
            let table: Strings = toml::from_str(text).unwrap_or_else(|e| panic!("{code}: {e}"));
            let keys: Vec<&String> = table.keys().collect();
            let want: Vec<&String> = en.keys().collect();
            assert_eq!(keys, want, "{code}.toml has the keys of en.toml");
            for (k, v) in &table {
                assert_eq!(check_phrase(k, v), Ok(()), "{code}.toml: {k}");
                if k == "date" || k == "months" {
                    continue;
                }
                assert_eq!(
                    placeholders(v),
                    placeholders(&en[k]),
                    "{code}.toml: {k} keeps the placeholders of English"
                );
                assert!(!v.trim().is_empty(), "{code}.toml: {k} is empty");
            }
        }
    }

    #[test]
    fn overrides_lie_over_the_builtin_table_which_lies_over_english() {
        let mut o = Strings::new();
        o.insert("feed".into(), "Flux RSS".into());
        let fr = strings_for("fr-CA", &o);
        assert_eq!(fr["feed"], "Flux RSS");
        assert_eq!(fr["language_name"], "Français");
        assert!(!has_builtin("zh-Hant") && !has_builtin("zh-TW") && has_builtin("zh-Hans"));
        let xx = strings_for("it", &Strings::new());
        assert_eq!(xx["feed"], "Feed");
    }

    #[test]
    fn file_names_give_declared_languages_and_iso_codes_only() {
        let declared = vec!["fr".to_string(), "pt-BR".to_string(), "tlh".to_string()];
        assert_eq!(language_of_file("429.fr.md", &declared), Some("fr"));
        assert_eq!(language_of_file("429.pt-BR.md", &declared), Some("pt-BR"));
        assert_eq!(language_of_file("x.tlh.md", &declared), Some("tlh"));
        assert_eq!(language_of_file("429.de.md", &declared), Some("de"));
        assert_eq!(language_of_file("429.md", &declared), None);
        assert_eq!(language_of_file("setup.py.md", &declared), None);
        assert_eq!(language_of_file("v1.2.md", &declared), None);
        assert_eq!(language_of_file("error.log.md", &declared), None);
        assert_eq!(language_of_file("x.FR.md", &declared), None);
    }

    #[test]
    fn the_scripts_english_words_are_the_tables() {
        let js = include_str!("../static/faultbook.js");
        for key in SCRIPT_WORDS {
            let phrase = english()[key].replace('\'', "\\'");
            assert!(
                js.contains(&format!("    {key}: '{phrase}'")),
                "faultbook.js WORDS has {key}: '{phrase}'"
            );
        }
        assert_eq!(script_words(english()), None);
        let fr = strings_for("fr", &Strings::new());
        assert!(script_words(&fr).is_some_and(|j| j.contains("\"copy\"")));
    }

    #[test]
    fn a_sites_phrase_holds_only_what_it_is_given() {
        assert_eq!(check_phrase("feed", "Flux"), Ok(()));
        assert_eq!(check_phrase("no_guide_covers", "Rien pour {code}."), Ok(()));
        assert!(check_phrase("no_guide_covers", "Rien pour {bogus}.").is_err());
        assert!(check_phrase("feed", "{link}").is_err());
        assert_eq!(check_phrase("date", "{d}/{m}/{year}"), Ok(()));
        assert!(check_phrase("date", "{d} {nope}").is_err());
        assert!(check_phrase("months", "a,b").is_err());
        assert!(check_phrase("months", "").is_err());
    }

    #[test]
    fn dates_are_written_as_each_language_writes_them() {
        let d = time::macros::date!(2026 - 03 - 04);
        let of = |code: &str| date(&strings_for(code, &Strings::new()), d);
        assert_eq!(of("en"), "2026-03-04");
        assert_eq!(of("fr"), "4 mars 2026");
        assert_eq!(of("de"), "4. März 2026");
        assert_eq!(of("ja"), "2026年3月4日");
    }

    #[test]
    fn fill_replaces_each_placeholder() {
        assert_eq!(
            fill(
                "{shown} of {total} from {provider}",
                &[("shown", "3"), ("total", "9"), ("provider", "HTTP")]
            ),
            "3 of 9 from HTTP"
        );
    }
}

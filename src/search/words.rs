//! The search tokenizer (SPEC §5): the terms a text gives, for the index
//! written by [`super::write`] and, rule for rule, for the queries that
//! `queryWords` in `static/faultbook.js` splits in the browser. The two must
//! agree term for term, or a reader's query misses pages that hold its words:
//! `tests/fixtures/scripts/search-terms.json` lists sample texts with their
//! terms, and both this module's tests and the browser test
//! `tests/browser/scripts.test.mjs` check the tokenizer they own against it.
//!
//! Rules, in order:
//!
//! 1. The text is NFC-normalised, so a letter typed precomposed (`ế`) and as a
//!    base letter with combining marks (`e` U+0302 U+0301) give one term.
//! 2. Each character is a *mark* (General_Category M), a *word character*
//!    (Alphabetic, Numeric, or `_`), an *emoji*, or a separator, in that order
//!    of tests. A mark belongs to the character before it: Devanagari vowel
//!    signs and virama, Thai vowels and tone marks, Hebrew and Arabic points
//!    do not split a word. A mark after a separator or an emoji is dropped.
//! 3. Word characters of the scripts written without spaces between words
//!    (Han, Hiragana, Katakana, Thai, Lao, Myanmar, Khmer: [`is_unspaced`])
//!    give overlapping bigrams of characters, each character with its marks
//!    (`网关超时` -> `网关`, `关超`, `超时`); a run of one such character gives
//!    that character. A query in those scripts is split the same way and the
//!    browser requires every bigram, which finds the phrase without a
//!    dictionary of words.
//! 4. Other runs of word characters are words: lowercased, Greek final sigma
//!    folded to `σ` (the browser's `toLowerCase` writes `ς` at the end of a
//!    word, Rust's `char::to_lowercase` never does), Hebrew points and
//!    Arabic harakat dropped ([`is_optional_mark`]: most text and most
//!    readers' queries leave them out), NFC again; a word holding `_` also
//!    gives its parts; single letters and stopwords are dropped.
//!    Codes therefore stay whole: `deadline_exceeded`, `aadsts53003`.
//! 5. Each emoji ([`is_emoji`]) is a term of its own.

use std::borrow::Cow;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Words that would match nearly every page.
pub(super) fn is_stopword(w: &str) -> bool {
    matches!(
        w,
        "a" | "an"
            | "and"
            | "are"
            | "as"
            | "at"
            | "be"
            | "but"
            | "by"
            | "for"
            | "from"
            | "if"
            | "in"
            | "into"
            | "is"
            | "it"
            | "its"
            | "of"
            | "on"
            | "or"
            | "that"
            | "the"
            | "then"
            | "this"
            | "to"
            | "was"
            | "with"
    )
}

/// Word characters of scripts written without spaces between words. The
/// same ranges are `UNSPACED` in `static/faultbook.js`.
pub fn is_unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF       // Thai, Lao
        | 0x1000..=0x109F     // Myanmar
        | 0x1780..=0x17FF     // Khmer
        | 0x3005..=0x3007     // 々 〆 〇
        | 0x3040..=0x30FF     // Hiragana, Katakana
        | 0x31F0..=0x31FF     // Katakana phonetic extensions
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0xFF66..=0xFF9F     // halfwidth Katakana
        | 0x20000..=0x3FFFF // CJK extensions B and later
    )
}

/// Pictographs that are terms of their own (skin-tone modifiers, joiners
/// and variation selectors are not). The same ranges are `EMOJI` in
/// `static/faultbook.js`.
pub fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x2600..=0x27BF         // miscellaneous symbols, dingbats
        | 0x1F300..=0x1F3FA     // pictographs, before the skin tones
        | 0x1F400..=0x1F64F     // pictographs, emoticons
        | 0x1F680..=0x1F6FF     // transport and map
        | 0x1F900..=0x1F9FF     // supplemental pictographs
        | 0x1FA70..=0x1FAFF // pictographs extended-A
    )
}

/// Marks that writers of Hebrew and Arabic mostly leave out (vowel points,
/// harakat, cantillation, Quranic annotation): dropped from words, so that
/// `المعدَّل` and `المعدل` are one term. Other marks (Latin diacritics,
/// Devanagari and Thai vowel signs) change the word and are kept. The same
/// ranges are `OPTIONAL_MARK` in `static/faultbook.js`.
pub fn is_optional_mark(c: char) -> bool {
    matches!(c as u32,
        0x0591..=0x05C7         // Hebrew cantillation and points
        | 0x0610..=0x061A       // Arabic honorifics and small letters above
        | 0x064B..=0x065F       // Arabic harakat, shadda, sukun
        | 0x0670                // Arabic superscript alef
        | 0x06D6..=0x06ED // Arabic Quranic annotation
    ) && is_combining_mark(c)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Separator,
    Mark,
    Word,
    Unspaced,
    Emoji,
}

fn class(c: char) -> Class {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() || c == '_' {
            Class::Word
        } else {
            Class::Separator
        };
    }
    if is_combining_mark(c) {
        Class::Mark
    } else if c.is_alphanumeric() {
        if is_unspaced(c) {
            Class::Unspaced
        } else {
            Class::Word
        }
    } else if is_emoji(c) {
        Class::Emoji
    } else {
        Class::Separator
    }
}

/// `text` in NFC, borrowed when it already is.
fn nfc(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// What the scanner is in the middle of.
enum Open {
    Nothing,
    /// A word starting at this byte.
    Word(usize),
    /// A run of unspaced characters: the start of the character before the
    /// current one (if any) and of the current one.
    Unspaced {
        previous: Option<usize>,
        current: usize,
    },
}

/// Calls `f` with each search term of `text` (module docs), in order of
/// appearance; a term may repeat. `buf` is scratch space.
pub fn words(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    if text.is_ascii() {
        // Most text: every character is a word character or a separator,
        // and ASCII is its own NFC; runs are found byte by byte.
        let mut start = 0;
        for (i, &b) in text.as_bytes().iter().enumerate() {
            if !(b.is_ascii_alphanumeric() || b == b'_') {
                if start < i {
                    word(&text[start..i], buf, &mut f);
                }
                start = i + 1;
            }
        }
        if start < text.len() {
            word(&text[start..], buf, &mut f);
        }
        return;
    }
    scan(text, buf, f);
}

/// [`words`] for any text, character by character.
fn scan(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    let text = nfc(text);
    let text = text.as_ref();
    let mut open = Open::Nothing;
    for (i, c) in text.char_indices() {
        let class = class(c);
        match (&mut open, class) {
            (Open::Word(_), Class::Word | Class::Mark)
            | (Open::Unspaced { .. }, Class::Mark)
            | (Open::Nothing, Class::Mark) => {}
            (
                Open::Unspaced {
                    previous, current, ..
                },
                Class::Unspaced,
            ) => {
                // The current character is complete: it ends a bigram.
                if let Some(p) = *previous {
                    f(&text[p..i]);
                }
                *previous = Some(*current);
                *current = i;
            }
            _ => {
                close(text, &open, i, buf, &mut f);
                open = match class {
                    Class::Word => Open::Word(i),
                    Class::Unspaced => Open::Unspaced {
                        previous: None,
                        current: i,
                    },
                    Class::Emoji => {
                        f(&text[i..i + c.len_utf8()]);
                        Open::Nothing
                    }
                    Class::Separator | Class::Mark => Open::Nothing,
                };
            }
        }
    }
    close(text, &open, text.len(), buf, &mut f);
}

/// Emits what ends at `end`: a word, or an unspaced run's last bigram (or
/// its one character).
fn close(text: &str, open: &Open, end: usize, buf: &mut String, f: &mut impl FnMut(&str)) {
    match *open {
        Open::Nothing => {}
        Open::Word(start) => word(&text[start..end], buf, f),
        Open::Unspaced { previous, current } => f(&text[previous.unwrap_or(current)..end]),
    }
}

/// Emits a run of word characters: the run, and its parts when it holds
/// `_`.
fn word(run: &str, buf: &mut String, f: &mut impl FnMut(&str)) {
    let run = run.trim_matches('_');
    if run.is_empty() {
        return;
    }
    emit(run, buf, f);
    if run.contains('_') {
        for part in run.split('_').filter(|p| !p.is_empty()) {
            emit(part, buf, f);
        }
    }
}

/// Emits one word, lowercased and folded, unless it is one letter or a
/// stopword.
fn emit(word: &str, buf: &mut String, f: &mut impl FnMut(&str)) {
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
    } else {
        buf.extend(
            word.chars()
                .flat_map(char::to_lowercase)
                .filter(|&c| !is_optional_mark(c))
                .map(|c| if c == 'ς' { 'σ' } else { c }),
        );
        if let Cow::Owned(normal) = nfc(buf) {
            *buf = normal;
        }
    }
    // One letter says nothing; one digit may ("HTTP 5").
    let short = buf.chars().nth(1).is_none() && !buf.starts_with(|c: char| c.is_ascii_digit());
    if !short && !is_stopword(buf) {
        f(buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The ASCII shortcut gives the terms the general scan gives.
        #[test]
        fn ascii_text_gives_the_terms_of_the_general_scan(text in "[ -~\t\n]{0,80}") {
            let mut fast = Vec::new();
            words(&text, &mut String::new(), |w| fast.push(w.to_string()));
            let mut general = Vec::new();
            scan(&text, &mut String::new(), |w| general.push(w.to_string()));
            proptest::prop_assert_eq!(fast, general);
        }
    }
    use std::fmt::Write as _;

    /// The distinct terms of `text`, in order of first appearance (what the
    /// browser's `queryWords` returns).
    pub(crate) fn terms(text: &str) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        words(text, &mut String::new(), |w| {
            if !v.iter().any(|t| t == w) {
                v.push(w.to_string());
            }
        });
        v
    }

    #[test]
    fn latin_words_are_lowercased_runs_and_codes_keep_their_underscores() {
        assert_eq!(
            terms("DEADLINE_EXCEEDED after 5 s: Überlast!"),
            [
                "deadline_exceeded",
                "deadline",
                "exceeded",
                "after",
                "5",
                "überlast"
            ]
        );
        assert_eq!(terms("the a I x AADSTS53003"), ["aadsts53003"]);
        assert_eq!(terms("__init__ and _x_"), ["init"]);
    }

    #[test]
    fn latin_with_diacritics_is_one_word_however_it_is_typed() {
        // Vietnamese, precomposed and decomposed (base letter + marks).
        let composed = "Lỗi kết nối";
        let decomposed = "Lo\u{302}\u{303}i ke\u{302}\u{301}t no\u{302}\u{301}i";
        assert_eq!(terms(composed), ["lỗi", "kết", "nối"]);
        assert_eq!(terms(decomposed), terms(composed));
        assert_eq!(
            terms("Przekroczono limit żądań"),
            ["przekroczono", "limit", "żądań"]
        );
        assert_eq!(
            terms("Překročen časový limit"),
            ["překročen", "časový", "limit"]
        );
    }

    #[test]
    fn han_and_kana_give_bigrams_and_single_characters() {
        assert_eq!(terms("网关超时"), ["网关", "关超", "超时"]);
        assert_eq!(terms("超"), ["超"]);
        assert_eq!(terms("超時。"), ["超時"]);
        assert_eq!(
            terms("タイムアウト"),
            ["タイ", "イム", "ムア", "アウ", "ウト"]
        );
        // Scripts mix inside a run; a Latin word in the middle stays a word.
        assert_eq!(
            terms("HTTP超时与gRPC错误"),
            ["http", "超时", "时与", "grpc", "错误"]
        );
    }

    #[test]
    fn thai_gives_bigrams_of_characters_with_their_marks() {
        assert_eq!(terms("หมดเวลา"), ["หม", "มด", "ดเ", "เว", "วล", "ลา"]);
        // เชื่อมต่อ: the vowel and tone marks stay on their consonants.
        assert_eq!(terms("เชื่อมต่อ"), ["เชื่", "ชื่อ", "อม", "มต่", "ต่อ"]);
    }

    #[test]
    fn spaced_scripts_with_marks_keep_whole_words() {
        // Devanagari: vowel signs and the virama are marks inside the word.
        assert_eq!(terms("समय सीमा समाप्त"), ["समय", "सीमा", "समाप्त"]);
        // Hebrew points and Arabic harakat are left out, as most writers do.
        assert_eq!(terms("שְׁגִיאָה בחיבור"), ["שגיאה", "בחיבור"]);
        assert_eq!(terms("تجاوز حدّ المعدَّل"), ["تجاوز", "حد", "المعدل"]);
        assert_eq!(terms("وَ"), Vec::<String>::new());
        assert_eq!(
            terms("게이트웨이 시간 초과"),
            ["게이트웨이", "시간", "초과"]
        );
    }

    #[test]
    fn cyrillic_and_greek_are_lowercased_and_final_sigma_folded() {
        assert_eq!(
            terms("Превышено время ожидания; Помилка з'єднання"),
            ["превышено", "время", "ожидания", "помилка", "єднання"]
        );
        assert_eq!(terms("ΛΑΘΟΣ σύνδεσης"), ["λαθοσ", "σύνδεσησ"]);
        assert_eq!(terms("λάθος"), terms("ΛΆΘΟΣ"));
    }

    #[test]
    fn emoji_are_terms_of_their_own_and_their_modifiers_are_not() {
        assert_eq!(terms("🔥Hotfix ⚠️ now"), ["🔥", "hotfix", "⚠", "now"]);
        assert_eq!(terms("👍🏽 👩\u{200d}💻"), ["👍", "👩", "💻"]);
        // A lone mark is not a word.
        assert_eq!(terms("\u{301} \u{93f}"), Vec::<String>::new());
    }

    /// The contract shared with the browser: every sample of
    /// `tests/fixtures/scripts/search-terms.json` gives its terms.
    /// `FAULTBOOK_BLESS=1` rewrites the file from this tokenizer (review the
    /// diff: the browser test checks the same file).
    #[test]
    fn samples_shared_with_the_browser_give_their_terms() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/scripts/search-terms.json"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let samples: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        assert!(samples.len() >= 20, "{path}: too few samples");
        if std::env::var_os("FAULTBOOK_BLESS").is_some() {
            // One sample a line, text first, so that a diff reads well.
            let mut out = String::from("[\n");
            for (i, s) in samples.iter().enumerate() {
                let sample = s["text"].as_str().unwrap();
                let _ = writeln!(
                    out,
                    "  {{\"text\": {}, \"terms\": {}}}{}",
                    serde_json::to_string(sample).unwrap(),
                    serde_json::to_string(&terms(sample)).unwrap(),
                    if i + 1 < samples.len() { "," } else { "" }
                );
            }
            out.push_str("]\n");
            std::fs::write(path, out).unwrap();
            return;
        }
        for s in &samples {
            let sample = s["text"].as_str().unwrap();
            let expected: Vec<&str> = s["terms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap())
                .collect();
            assert_eq!(terms(sample), expected, "terms of {sample:?}");
        }
    }
}

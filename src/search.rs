//! The client-side search index (SPEC §5), written at build time.
//!
//! A visitor fetches only what a query needs:
//!
//! - `search/index.json`: the number of documents, the documents per chunk,
//!   a version, and the first term of each term chunk (a few KB at 10,000
//!   pages);
//! - `search/t/<n>.json`: one chunk of the sorted term list, about
//!   [`TERM_CHUNK_BYTES`] each, `{"term":[posting, ...]}`. Postings are
//!   sorted by document and packed as `(document - previous document) * 8 +
//!   field`, so a term in every page costs about three bytes per page;
//! - `search/d/<n>.json`: [`DOCS_PER_CHUNK`] documents each, as
//!   `[kind, code, title, provider, summary, path]`, fetched only for the
//!   results on screen.
//!
//! Each other language of the site has its own index in its section
//! (`fr/search/...`): every page in that language where it is translated,
//! else the original, whose row then ends with the original's language.
//!
//! Terms: a page's code as written, lowercased, never stemmed or split
//! (`deadline_exceeded`); the digit runs inside a code (`53003` for
//! AADSTS53003); and the terms of code, title, summary, provider, headings and
//! body as [`words`] makes them: lowercased NFC words of any script (marks
//! included), split at `_` too, and character bigrams for scripts written
//! without spaces. `static/faultbook.js` tokenizes queries by the same rules
//! and reads the format above.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::graph::PageId;
use crate::kind::Kind;
use crate::routes::Lang;
use crate::view::Model;

mod patch;
mod words;
pub use patch::Index;
pub use words::{is_emoji, is_unspaced, words};

/// Documents per document chunk: the results on one screen cost a few KB.
pub const DOCS_PER_CHUNK: usize = 16;
/// Bytes after which a term chunk is closed (a single large term may exceed it).
pub const TERM_CHUNK_BYTES: usize = 16 * 1024;
/// Characters of a summary kept for a result's line (the theme shows two lines).
pub const SUMMARY_CHARS: usize = 160;

/// Where a term was found, best last; the client weighs them.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
#[repr(u8)]
pub enum Field {
    Body = 0,
    Heading = 1,
    Summary = 2,
    Title = 3,
    CodePart = 4,
    Code = 5,
}

/// Calls `f` with the words of a markdown body and the field they are in:
/// headings apart from the rest. Link destinations, bare URLs, HTML tags
/// and reference definitions are skipped: they are addresses, not prose.
/// Inside a fenced code block every line is body: a shell comment (`# ...`)
/// is not a heading.
pub fn body_words(body: &str, buf: &mut String, mut f: impl FnMut(&str, Field)) {
    // The open fence's character and length, while in a fenced block.
    let mut fence: Option<(u8, usize)> = None;
    for line in body.lines() {
        let trimmed = line.trim_start();
        let opener = fence_of(line);
        match (fence, opener) {
            (None, Some(o)) => fence = Some(o),
            (Some((c, n)), Some((oc, on))) if oc == c && on >= n && closes(trimmed) => {
                fence = None;
                continue;
            }
            _ => {}
        }
        if fence.is_none() && is_reference_definition(trimmed) {
            continue;
        }
        let field = if fence.is_none() && trimmed.starts_with('#') {
            Field::Heading
        } else {
            Field::Body
        };
        let mut rest = line;
        while !rest.is_empty() {
            let (prose, skip_to) = next_address(rest);
            words(prose, buf, |w| f(w, field));
            rest = &rest[skip_to..];
        }
    }
}

/// The character and length of a code fence (three or more backticks or
/// tildes, indented less than four spaces) that `line` opens or closes.
fn fence_of(line: &str) -> Option<(u8, usize)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let c = *trimmed.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = trimmed.bytes().take_while(|&b| b == c).count();
    (n >= 3).then_some((c, n))
}

/// True when a fence line carries nothing after its fence (a closing fence).
fn closes(trimmed: &str) -> bool {
    trimmed.trim_start_matches(['`', '~']).trim().is_empty()
}

fn is_reference_definition(line: &str) -> bool {
    line.starts_with('[') && line.find("]:").is_some_and(|i| !line[1..i].contains(']'))
}

/// Splits `s` into the prose before its first address (`](dest)`, `<tag>`
/// or `scheme://...`) and the index after that address.
fn next_address(s: &str) -> (&str, usize) {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(found) = memchr::memchr3(b']', b'<', b':', &bytes[from..]) {
        let i = from + found;
        let end = match bytes[i] {
            b']' if bytes.get(i + 1) == Some(&b'(') => s[i..].find(')').map(|j| i + j + 1),
            b'<' => s[i..].find('>').map(|j| i + j + 1),
            b':' if s[i..].starts_with("://") => {
                // Back up over the scheme, then skip to the next space.
                let start = s[..i]
                    .char_indices()
                    .rev()
                    .find(|(_, c)| !c.is_ascii_alphanumeric())
                    .map_or(0, |(j, c)| j + c.len_utf8());
                let end = s[i..]
                    .find(|c: char| c.is_whitespace() || c == ')' || c == '>')
                    .map_or(s.len(), |j| i + j);
                return (&s[..start], end);
            }
            _ => None,
        };
        if let Some(end) = end {
            return (&s[..i], end);
        }
        from = i + 1;
    }
    (s, s.len())
}

/// The terms of one document, with the best field each was found in.
fn document_terms(m: &Model<'_>, id: PageId, buf: &mut String, mut f: impl FnMut(&str, Field)) {
    let node = m.graph.page(id);
    let fm = &node.page.fm;
    if let Some(code) = &fm.code {
        let lower = code.to_lowercase();
        f(&lower, Field::Code);
        for run in lower
            .split(|c: char| !c.is_ascii_digit())
            .filter(|r| r.len() >= 3)
        {
            f(run, Field::CodePart);
        }
        words(code, buf, |w| f(w, Field::CodePart));
    }
    words(&fm.title, buf, |w| f(w, Field::Title));
    let item = &m.items[id];
    words(&item.summary, buf, |w| f(w, Field::Summary));
    if let Some(provider) = &item.provider {
        words(provider, buf, |w| f(w, Field::Heading));
    }
    if let Some(key) = &fm.provider {
        words(key, buf, |w| f(w, Field::Heading));
    }
    match node.page.body_or_diagnostic() {
        Ok(body) => body_words(&body, buf, f),
        Err(d) => m.unread.push(d),
    }
}

/// Postings of one term, by ascending document, as the index file writes
/// them: `(document - previous document) << 3 | best field`, each a LEB128
/// varint (most take one byte). The last document's field may still rise,
/// so it is written when the next document comes, or at [`Postings::close`].
struct Postings {
    bytes: Vec<u8>,
    /// The document of the last written posting (0 before the first).
    written: u32,
    /// The last document seen, written or open.
    last: u32,
    /// The best field of `last` while it is not written.
    open: Option<u8>,
}

impl Postings {
    fn new(doc: u32, field: Field) -> Postings {
        Postings {
            bytes: Vec::new(),
            written: 0,
            last: doc,
            open: Some(field as u8),
        }
    }

    /// `doc` holds the term in `field`; documents come in ascending order.
    fn add(&mut self, doc: u32, field: Field) {
        match self.open {
            Some(f) if self.last == doc => self.open = Some(f.max(field as u8)),
            _ => {
                self.close();
                self.last = doc;
                self.open = Some(field as u8);
            }
        }
    }

    /// Writes the open posting.
    fn close(&mut self) {
        if let Some(f) = self.open.take() {
            push_varint(
                &mut self.bytes,
                ((self.last - self.written) << 3) | u32::from(f),
            );
            self.written = self.last;
        }
    }

    /// Appends `next`, whose documents all come after this one's.
    fn append(&mut self, mut next: Postings) {
        self.close();
        next.close();
        let (first, len) = read_varint(&next.bytes);
        // `next` wrote its first document absolute; here it follows ours.
        push_varint(
            &mut self.bytes,
            (((first >> 3) - self.last) << 3) | (first & 7),
        );
        self.bytes.extend_from_slice(&next.bytes[len..]);
        self.last = next.last;
        self.written = next.last;
    }

    /// The written values, in order.
    fn values(&self) -> impl Iterator<Item = u32> + '_ {
        let mut rest = &self.bytes[..];
        std::iter::from_fn(move || {
            (!rest.is_empty()).then(|| {
                let (v, n) = read_varint(rest);
                rest = &rest[n..];
                v
            })
        })
    }
}

fn push_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The value of the varint at the start of `bytes`, and its length.
fn read_varint(bytes: &[u8]) -> (u32, usize) {
    let mut v = 0u32;
    for (i, &b) in bytes.iter().enumerate() {
        v |= u32::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            return (v, i + 1);
        }
    }
    (v, bytes.len())
}

/// The index of documents `docs[range]`, term -> postings.
fn index_range(m: &Model<'_>, docs: &[PageId], first: u32) -> FxHashMap<Box<str>, Postings> {
    let mut map: FxHashMap<Box<str>, Postings> = FxHashMap::default();
    let mut buf = String::new();
    for (n, &id) in docs.iter().enumerate() {
        let doc = first + n as u32;
        document_terms(m, id, &mut buf, |term, field| match map.get_mut(term) {
            Some(p) => p.add(doc, field),
            None => {
                map.insert(term.into(), Postings::new(doc, field));
            }
        });
    }
    for p in map.values_mut() {
        p.close();
    }
    map
}

/// Where a document sits in the index: error pages by code, then compare
/// guides, playbooks and other pages by title; the path breaks ties.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) struct DocKey {
    rank: u8,
    key: Box<str>,
    path: Box<str>,
}

/// The documents of a language's index, in result order for equal scores
/// (see [`DocKey`]): every page of the default language, each in the
/// index's language where it is translated.
fn documents(m: &Model<'_>, lang: Lang) -> Vec<(DocKey, PageId)> {
    let rank = |k: Kind| k.spec().search_rank;
    let code = (lang > 0).then(|| m.config.languages[lang].code.as_str());
    let mut docs: Vec<(DocKey, PageId)> = m
        .graph
        .originals()
        .filter(|(id, _)| !m.graph.is_home_intro(*id))
        .map(|(id, _)| {
            let id = m.in_language(id, code);
            (id, m.graph.page(id))
        })
        .map(|(id, n)| {
            let fm = &n.page.fm;
            let key = DocKey {
                rank: rank(n.page.kind),
                key: fm
                    .code
                    .as_deref()
                    .unwrap_or(&fm.title)
                    .to_lowercase()
                    .into(),
                path: n.path.as_str().into(),
            };
            (key, id)
        })
        .collect();
    docs.par_sort_unstable();
    docs
}

/// The folders of the index's term and document chunks.
pub const CHUNK_FOLDERS: [&str; 2] = ["search/t/", "search/d/"];

/// True for the files of an index: the default language's, or one in a
/// language's section (`fr/search/...`).
pub fn owns(path: &str) -> bool {
    let owned =
        |p: &str| p == "search/index.json" || CHUNK_FOLDERS.iter().any(|f| p.starts_with(f));
    owned(path)
        || path
            .split_once('/')
            .is_some_and(|(lang, rest)| crate::i18n::is_language_code(lang) && owned(rest))
}

#[derive(Serialize)]
struct Meta<'a> {
    /// Changes whenever any chunk does; appended to chunk URLs so that a
    /// cached chunk never pairs with a newer index.
    version: &'a str,
    docs: usize,
    docs_per_chunk: usize,
    /// The first term of each term chunk.
    chunks: &'a [Box<str>],
}

/// `search/index.json` for an index of `docs` documents whose term chunks
/// start at `firsts`, and whose files hashed into `version`.
fn meta(version: blake3::Hasher, docs: usize, firsts: &[Box<str>]) -> serde_json::Result<Vec<u8>> {
    serde_json::to_vec(&Meta {
        version: &version.finalize().to_hex()[..12],
        docs,
        docs_per_chunk: DOCS_PER_CHUNK,
        chunks: firsts,
    })
}

/// A file's part in the index's version: its path and the hash of its
/// bytes (serve keeps the hash of each chunk it did not change).
fn hash_file(version: &mut blake3::Hasher, path: &str, hash: &blake3::Hash) {
    version.update(path.as_bytes());
    version.update(hash.as_bytes());
}

fn term_chunk_path(n: usize) -> String {
    format!("search/t/{n}.json")
}

fn doc_chunk_path(n: usize) -> String {
    format!("search/d/{n}.json")
}

/// A term's entry in its chunk, `"term":[value,...]`, from the values of
/// its postings (delta-coded documents and fields, see [`Postings`]).
fn push_entry(out: &mut String, term: &str, values: impl Iterator<Item = u32>) {
    push_json_string(out, term);
    out.push_str(":[");
    let mut digits = itoa::Buffer::new();
    for (i, value) in values.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(digits.format(value));
    }
    out.push(']');
}

/// Cuts the entries of the sorted term list into chunks: a chunk is
/// closed by the entry that takes it to `limit` bytes, so where chunks
/// start depends only on the entries before, chunk by chunk.
struct Cutter {
    limit: usize,
    text: String,
    first: Box<str>,
}

impl Cutter {
    fn new(limit: usize) -> Cutter {
        Cutter {
            limit,
            text: String::new(),
            first: Box::default(),
        }
    }

    fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Adds the entry of `term`; the chunk it closes, as (first term,
    /// text), if it does.
    fn push(&mut self, term: &str, entry: &str) -> Option<(Box<str>, String)> {
        if self.text.is_empty() {
            self.first = term.into();
            self.text.reserve(self.limit + entry.len() + 2);
            self.text.push('{');
        } else {
            self.text.push(',');
        }
        self.text.push_str(entry);
        (self.text.len() >= self.limit).then(|| self.close())
    }

    /// The open chunk, closed, if there is one.
    fn finish(&mut self) -> Option<(Box<str>, String)> {
        (!self.text.is_empty()).then(|| self.close())
    }

    fn close(&mut self) -> (Box<str>, String) {
        self.text.push('}');
        (
            std::mem::take(&mut self.first),
            std::mem::take(&mut self.text),
        )
    }
}

/// A document's row in its document chunk:
/// `[kind, code, title, provider, summary, path]` as JSON.
/// A document's row: kind, code, title, provider, summary, path; in
/// another language's index, a page not translated adds its language.
fn doc_row(m: &Model<'_>, id: PageId, lang: Lang) -> String {
    let item = &m.items[id];
    let node = m.graph.page(id);
    let mut row: Vec<&str> = vec![
        node.page.kind.name(),
        item.code.as_deref().unwrap_or(""),
        &item.title,
        item.provider.as_deref().unwrap_or(""),
        "",
        "",
    ];
    let (summary, path) = (short(&item.summary), crate::urls::encode_path(&node.path));
    row[4] = &summary;
    row[5] = &path;
    if lang > 0 && node.original.is_none() {
        row.push(&m.config.language);
    }
    serde_json::to_string(&row).unwrap_or_default()
}

/// A document chunk: its documents' rows in a JSON array.
fn doc_chunk<'r>(rows: impl Iterator<Item = &'r str>) -> Vec<u8> {
    let mut out = Vec::new();
    out.push(b'[');
    for (i, row) in rows.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(row.as_bytes());
    }
    out.push(b']');
    out
}

/// Writes every file of the index through `emit(site path, bytes)`, the
/// index last; returns how many. Chunks go out as they are made, so the
/// whole index is never held as text.
pub fn write(
    m: &Model<'_>,
    lang: Lang,
    emit: &mut dyn FnMut(&str, &[u8]) -> anyhow::Result<()>,
) -> anyhow::Result<usize> {
    let docs: Vec<PageId> = documents(m, lang).into_iter().map(|(_, id)| id).collect();
    let per_task = docs
        .len()
        .div_ceil(rayon::current_num_threads() * 4)
        .max(64);
    let parts: Vec<FxHashMap<Box<str>, Postings>> = docs
        .par_chunks(per_task)
        .enumerate()
        .map(|(i, chunk)| index_range(m, chunk, (i * per_task) as u32))
        .collect();
    // Parts cover ascending document ranges, so appending keeps order.
    let mut parts = parts.into_iter();
    let mut index = parts.next().unwrap_or_default();
    for part in parts {
        for (term, postings) in part {
            match index.get_mut(&term) {
                Some(p) => p.append(postings),
                None => {
                    index.insert(term, postings);
                }
            }
        }
    }
    let mut terms: Vec<(Box<str>, Postings)> = index.into_iter().collect();
    terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));

    let mut version = blake3::Hasher::new();
    let mut files = 0;
    let mut put = |path: String, bytes: &[u8]| {
        hash_file(&mut version, &path, &blake3::hash(bytes));
        files += 1;
        emit(&path, bytes)
    };
    let mut firsts: Vec<Box<str>> = Vec::new();
    let mut cutter = Cutter::new(TERM_CHUNK_BYTES);
    // Each term's entry is made in parallel, a block of terms at a time
    // (memory stays bounded); chunks are cut in order.
    for block in terms.chunks(4096) {
        let entries: Vec<String> = block
            .par_iter()
            .map(|(term, postings)| {
                let mut entry = String::new();
                push_entry(&mut entry, term, postings.values());
                entry
            })
            .collect();
        for ((term, _), entry) in block.iter().zip(entries) {
            if let Some((first, text)) = cutter.push(term, &entry) {
                put(term_chunk_path(firsts.len()), text.as_bytes())?;
                firsts.push(first);
            }
        }
    }
    if let Some((first, text)) = cutter.finish() {
        put(term_chunk_path(firsts.len()), text.as_bytes())?;
        firsts.push(first);
    }

    // Document chunks are small and independent: made in parallel, then
    // written in order.
    let doc_chunks: Vec<Vec<u8>> = docs
        .par_chunks(DOCS_PER_CHUNK)
        .map(|ids| {
            let rows: Vec<String> = ids.iter().map(|&id| doc_row(m, id, lang)).collect();
            doc_chunk(rows.iter().map(String::as_str))
        })
        .collect();
    for (n, chunk) in doc_chunks.into_iter().enumerate() {
        put(doc_chunk_path(n), &chunk)?;
    }

    emit("search/index.json", &meta(version, docs.len(), &firsts)?)?;
    Ok(files + 1)
}

/// `text` cut at a word boundary near [`SUMMARY_CHARS`], marked with `…`.
fn short(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(SUMMARY_CHARS) {
        None => text.into(),
        Some((end, _)) => {
            let cut = text[..end].rfind(' ').unwrap_or(end);
            format!("{}…", text[..cut].trim_end_matches([',', ';', ':', ' '])).into()
        }
    }
}

fn push_json_string(out: &mut String, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    }
}

/// Decodes a term chunk back into term -> (document, field) lists: the
/// inverse of the packing in [`self::write`], for tests and tools.
pub fn decode_chunk(json: &[u8]) -> serde_json::Result<BTreeMap<String, Vec<(u32, u8)>>> {
    let raw: BTreeMap<String, Vec<u32>> = serde_json::from_slice(json)?;
    Ok(raw
        .into_iter()
        .map(|(term, packed)| {
            let mut doc = 0;
            let postings = packed
                .into_iter()
                .map(|p| {
                    doc += p / 8;
                    (doc, (p % 8) as u8)
                })
                .collect();
            (term, postings)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Postings built in parts and appended write what one list of
        /// `doc << 3 | best field`, delta-coded, would.
        #[test]
        fn postings_in_parts_write_the_delta_coded_best_fields(
            hits in proptest::collection::vec((0u32..40, 0u8..6), 1..200),
            cuts in proptest::collection::vec(0u32..40, 0..4),
        ) {
            let field = |f: u8| [Field::Body, Field::Heading, Field::Summary, Field::Title, Field::CodePart, Field::Code][f as usize];
            let mut hits = hits;
            hits.sort_by_key(|h| h.0);
            // The expected values, straight from the definition.
            let mut best: BTreeMap<u32, u8> = BTreeMap::new();
            for &(d, f) in &hits {
                let b = best.entry(d).or_insert(f);
                *b = (*b).max(f);
            }
            let mut expected = Vec::new();
            let mut previous = 0;
            for (&d, &f) in &best {
                expected.push(((d - previous) << 3) | u32::from(f));
                previous = d;
            }
            // Parts over ascending document ranges, as `write` makes them.
            let mut cuts = cuts;
            cuts.sort_unstable();
            let mut parts: Vec<Postings> = Vec::new();
            let mut part: Option<Postings> = None;
            let mut next_cut = cuts.iter().peekable();
            for &(d, f) in &hits {
                while next_cut.peek().is_some_and(|&&c| d >= c) {
                    next_cut.next();
                    parts.extend(part.take());
                }
                match &mut part {
                    Some(p) => p.add(d, field(f)),
                    None => part = Some(Postings::new(d, field(f))),
                }
            }
            parts.extend(part);
            let mut parts = parts.into_iter().map(|mut p| { p.close(); p });
            let mut all = parts.next().unwrap();
            for p in parts {
                all.append(p);
            }
            let got: Vec<u32> = all.values().collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }

    fn all_body_words(text: &str) -> Vec<(String, Field)> {
        let mut v = Vec::new();
        body_words(text, &mut String::new(), |w, f| v.push((w.to_string(), f)));
        v
    }

    /// [`next_address`] as its definition reads: every byte in turn.
    fn next_address_bytewise(s: &str) -> (&str, usize) {
        let bytes = s.as_bytes();
        for i in 0..bytes.len() {
            let end = match bytes[i] {
                b']' if bytes.get(i + 1) == Some(&b'(') => s[i..].find(')').map(|j| i + j + 1),
                b'<' => s[i..].find('>').map(|j| i + j + 1),
                b':' if s[i..].starts_with("://") => {
                    let start = s[..i]
                        .char_indices()
                        .rev()
                        .find(|(_, c)| !c.is_ascii_alphanumeric())
                        .map_or(0, |(j, c)| j + c.len_utf8());
                    let end = s[i..]
                        .find(|c: char| c.is_whitespace() || c == ')' || c == '>')
                        .map_or(s.len(), |j| i + j);
                    return (&s[..start], end);
                }
                _ => None,
            };
            if let Some(end) = end {
                return (&s[..i], end);
            }
        }
        (s, s.len())
    }

    proptest::proptest! {
        /// Jumping to the next `]`, `<` or `:` finds the address a walk
        /// over every byte finds, in any text.
        #[test]
        fn addresses_are_found_as_a_byte_walk_finds_them(
            s in "([a-z ]|\\]|\\(|\\)|<|>|:|/|é|日|\\PC){0,60}",
        ) {
            proptest::prop_assert_eq!(next_address(&s), next_address_bytewise(&s));
        }
    }

    #[test]
    fn body_words_skip_addresses_and_mark_headings() {
        let body = "## Common causes\nSee [the docs](https://example.com/path) or <b>https://x.io/y</b> now.\n[ref]: https://skip.me/\n";
        assert_eq!(
            all_body_words(body),
            [
                ("common".to_string(), Field::Heading),
                ("causes".to_string(), Field::Heading),
                ("see".to_string(), Field::Body),
                ("docs".to_string(), Field::Body),
                ("or".to_string(), Field::Body),
                ("now".to_string(), Field::Body),
            ]
            .into_iter()
            .filter(|(w, _)| !words::is_stopword(w))
            .collect::<Vec<_>>()
        );
    }

    #[test]
    fn lines_in_fenced_code_are_body_even_when_they_start_with_a_hash() {
        let body = "## Check\n```bash\n# measure latency\ncurl x\n```\n# Title\n~~~~\n# kept\n~~~\n## still code\n~~~~\n";
        let fields: Vec<(String, Field)> = all_body_words(body);
        assert_eq!(
            fields,
            [
                ("check", Field::Heading),
                ("bash", Field::Body),
                ("measure", Field::Body),
                ("latency", Field::Body),
                ("curl", Field::Body),
                ("title", Field::Heading),
                ("kept", Field::Body),
                ("still", Field::Body),
                ("code", Field::Body),
            ]
            .map(|(w, f)| (w.to_string(), f))
        );
    }

    #[test]
    fn summaries_are_cut_at_a_word() {
        assert_eq!(short("Short."), "Short.");
        let long = "word ".repeat(50);
        let cut = short(&long);
        assert!(
            cut.ends_with("word…") && cut.chars().count() <= SUMMARY_CHARS + 1,
            "{cut}"
        );
    }

    #[test]
    fn chunks_decode_to_sorted_postings() {
        let json = br#"{"timeout":[1,16,11],"x":[5]}"#;
        let d = decode_chunk(json).unwrap();
        assert_eq!(d["timeout"], [(0, 1), (2, 0), (3, 3)]);
        assert_eq!(d["x"], [(0, 5)]);
    }
}

//! The search index as `serve` keeps it: in memory, and patched for the
//! documents that changed since it was last written.
//!
//! A build writes the index in one pass ([`super::write`]) and forgets it.
//! Serve keeps each document's terms and each term's postings, so an edit
//! costs the terms of the documents it changed: their postings are taken
//! out and put in again, and only the term chunks whose entries changed
//! are cut again. A chunk is closed by the entry that takes it past its
//! size, so where chunks start depends only on the entries before it; the
//! cut stops as soon as it reaches the start of an old chunk whose terms
//! did not change, and every chunk from there is reused as it was.
//!
//! A document added or removed moves every document after it, and with
//! them the postings that name them; postings are held by absolute
//! position, so the move is one pass over them, and a term's entry is
//! written again only when its values changed. The files equal what
//! [`super::write`] makes of the same model, byte for byte.

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{
    doc_chunk, doc_chunk_path, doc_row, document_terms, documents, hash_file, meta, push_entry,
    term_chunk_path, Cutter, DocKey, Field, DOCS_PER_CHUNK, TERM_CHUNK_BYTES,
};
use crate::graph::PageId;
use crate::routes::Lang;
use crate::view::Model;

/// The search index of the last model it was updated from.
pub struct Index<S = Stamp> {
    docs: Vec<Doc<S>>,
    /// Term names by slot (empty for a free slot).
    names: Vec<Arc<str>>,
    slots: FxHashMap<Arc<str>, u32>,
    /// Every used slot, in term order.
    sorted: Vec<u32>,
    /// Postings by slot, `document << 3 | field`, by ascending document.
    postings: Vec<Vec<u32>>,
    free: Vec<u32>,
    /// Term chunks as last written: first term and bytes.
    chunks: Vec<TermChunk>,
    doc_chunks: Vec<File>,
    /// Bytes after which a term chunk is closed.
    limit: usize,
    /// False until the first update.
    written: bool,
    /// `search/index.json` as last written.
    meta: Arc<[u8]>,
}

/// What the index reads of a site: its documents in order, and each
/// one's terms, row, and a stamp of what those are made from.
pub(super) trait Corpus: Sync {
    type Id: Copy + Send + Sync;
    /// Equal stamps, equal terms and row.
    type Stamp: Send + Sync;
    fn documents(&self) -> Vec<(DocKey, Self::Id)>;
    fn stamp(&self, id: Self::Id) -> Self::Stamp;
    /// True when `id` would get `stamp`.
    fn stamped(&self, id: Self::Id, stamp: &Self::Stamp) -> bool;
    fn terms(&self, id: Self::Id, buf: &mut String, f: &mut dyn FnMut(&str, Field));
    fn row(&self, id: Self::Id) -> String;
}

/// What a page's document is made from besides its key: its file, its
/// provider's name and its summary (which may be its first paragraph).
pub struct Stamp {
    file: [u8; 32],
    provider: Option<String>,
    summary: String,
    /// The language its row names, in another language's index.
    marked: Option<String>,
}

/// A site's pages as one language's index reads them.
struct Section<'a, 'm> {
    m: &'a Model<'m>,
    lang: Lang,
}

impl Section<'_, '_> {
    /// The language a page's row names (see `doc_row`).
    fn marked(&self, id: PageId) -> Option<&str> {
        let original = self.m.graph.page(id).original.is_none();
        (self.lang > 0 && original).then_some(self.m.config.language.as_str())
    }
}

impl Corpus for Section<'_, '_> {
    type Id = PageId;
    type Stamp = Stamp;

    fn documents(&self) -> Vec<(DocKey, PageId)> {
        documents(self.m, self.lang)
    }

    fn stamp(&self, id: PageId) -> Stamp {
        let item = &self.m.items[id];
        Stamp {
            file: self.m.graph.page(id).page.hash,
            provider: item.provider.clone(),
            summary: item.summary.clone(),
            marked: self.marked(id).map(str::to_string),
        }
    }

    fn stamped(&self, id: PageId, stamp: &Stamp) -> bool {
        let item = &self.m.items[id];
        stamp.file == self.m.graph.page(id).page.hash
            && stamp.provider == item.provider
            && stamp.summary == item.summary
            && stamp.marked.as_deref() == self.marked(id)
    }

    fn terms(&self, id: PageId, buf: &mut String, f: &mut dyn FnMut(&str, Field)) {
        document_terms(self.m, id, buf, f);
    }

    fn row(&self, id: PageId) -> String {
        doc_row(self.m, id, self.lang)
    }
}

/// One document: its key, stamp and row, and its terms.
struct Doc<S> {
    key: DocKey,
    stamp: S,
    row: Box<str>,
    /// `slot << 3 | field` of each of its terms.
    terms: Box<[u32]>,
}

/// A document read again: its terms with their best fields, and its
/// position in the new index.
struct Read<S> {
    doc: Doc<S>,
    terms: Vec<(Box<str>, u8)>,
    at: u32,
}

/// What [`Index::put_in`] carries from one batch of documents to the next.
struct Putting {
    /// Postings taken out, `slot << 32 | value`, not yet put back.
    taken: FxHashSet<u64>,
    /// Slots made for new terms.
    fresh: Vec<u32>,
    /// Slots whose postings got values appended.
    touched: Vec<bool>,
}

/// Documents read at a time, in parallel, before their terms are put in.
const READ_BATCH: usize = 256;

/// Where each document of the new index comes from.
enum Source<I> {
    /// The old document at this position, unchanged.
    Kept(usize),
    /// A document whose terms are read again.
    Read(I),
}

impl Default for Index {
    fn default() -> Index {
        Index::with_limit(TERM_CHUNK_BYTES)
    }
}

impl Index {
    /// Brings the index up to `m`; false when nothing in it changed. A body
    /// that cannot be read is noted in the model's `unread`, and the index
    /// must then be dropped: its document would lack the body's terms.
    pub fn update(&mut self, m: &Model<'_>, lang: Lang) -> bool {
        self.update_from(&Section { m, lang })
    }
}

impl<S: Send + Sync> Index<S> {
    /// An empty index whose term chunks close at `limit` bytes (tests use
    /// small chunks to cross many boundaries).
    pub fn with_limit(limit: usize) -> Index<S> {
        Index {
            docs: Vec::new(),
            names: Vec::new(),
            slots: FxHashMap::default(),
            sorted: Vec::new(),
            postings: Vec::new(),
            free: Vec::new(),
            chunks: Vec::new(),
            doc_chunks: Vec::new(),
            limit,
            written: false,
            meta: Arc::from(&b""[..]),
        }
    }

    /// [`Index::update`] from any corpus.
    pub(super) fn update_from<C: Corpus<Stamp = S>>(&mut self, m: &C) -> bool {
        let new = m.documents();
        let (plan, gone) = self.plan(m, &new);
        // The first position whose document is not the one it was.
        let first_change = plan
            .iter()
            .enumerate()
            .position(|(q, s)| !matches!(s, Source::Kept(p) if *p == q))
            .or((plan.len() != self.docs.len()).then_some(plan.len()));
        let Some(first_change) = first_change else {
            if self.written {
                return false;
            }
            self.written = true;
            self.meta = self.meta();
            return true;
        };
        self.written = true;
        // Documents added or removed move the ones after them.
        let shifted = plan.len() != self.docs.len()
            || plan
                .iter()
                .enumerate()
                .any(|(q, s)| matches!(s, Source::Kept(p) if *p != q));

        let mut dirty = vec![false; self.postings.len()];
        let taken = self.take_out(&gone, shifted, &plan, &mut dirty);
        let wanted: Vec<(usize, C::Id)> = plan
            .iter()
            .enumerate()
            .filter_map(|(q, s)| match s {
                Source::Read(id) => Some((q, *id)),
                Source::Kept(_) => None,
            })
            .collect();
        // Read in batches: a document's terms are held as strings only
        // until they are in slots.
        let mut putting = Putting {
            taken,
            fresh: Vec::new(),
            touched: vec![false; self.postings.len()],
        };
        let mut read = Vec::with_capacity(wanted.len());
        for batch in wanted.chunks(READ_BATCH) {
            let mut docs = self.read(m, &new, batch);
            self.put_in(&mut docs, &mut putting, &mut dirty);
            read.extend(docs.into_iter().map(|r| r.doc));
        }
        let removed = self.settle(putting, &mut dirty);

        // The documents in their new order.
        let mut old: Vec<Option<Doc<S>>> = std::mem::take(&mut self.docs)
            .into_iter()
            .map(Some)
            .collect();
        let mut read = read.into_iter();
        self.docs = plan
            .iter()
            .map(|s| match s {
                Source::Kept(p) => old[*p].take(),
                Source::Read(_) => read.next(),
            })
            .map(|d| d.expect("the plan names each old document once and each read one in order"))
            .collect();

        self.rewrite_doc_chunks(&plan, first_change, shifted);
        self.recut(&dirty, &removed);
        self.meta = self.meta();
        true
    }

    /// The new documents' sources, and which old positions lose their
    /// postings (removed, or read again).
    fn plan<C: Corpus<Stamp = S>>(
        &self,
        m: &C,
        new: &[(DocKey, C::Id)],
    ) -> (Vec<Source<C::Id>>, Vec<bool>) {
        let mut gone = vec![false; self.docs.len()];
        let mut plan = Vec::with_capacity(new.len());
        let mut old = self.docs.iter().enumerate().peekable();
        for (key, id) in new {
            while let Some((p, _)) = old.next_if(|(_, d)| d.key < *key) {
                gone[p] = true;
            }
            match old.next_if(|(_, d)| d.key == *key) {
                Some((p, d)) if m.stamped(*id, &d.stamp) => plan.push(Source::Kept(p)),
                Some((p, _)) => {
                    gone[p] = true;
                    plan.push(Source::Read(*id));
                }
                None => plan.push(Source::Read(*id)),
            }
        }
        for (p, _) in old {
            gone[p] = true;
        }
        (plan, gone)
    }

    /// Takes the postings of the `gone` documents out, and moves the rest
    /// to their new positions when documents were added or removed (a
    /// term whose values move is dirty). Without a move, the postings
    /// taken out come back as `slot << 32 | value`: a term that gets the
    /// same ones back is not dirty.
    fn take_out<I>(
        &mut self,
        gone: &[bool],
        shifted: bool,
        plan: &[Source<I>],
        dirty: &mut [bool],
    ) -> FxHashSet<u64> {
        let mut taken = FxHashSet::default();
        if shifted {
            let mut to = vec![u32::MAX; self.docs.len()];
            for (q, s) in plan.iter().enumerate() {
                if let Source::Kept(p) = s {
                    to[*p] = q as u32;
                }
            }
            self.postings
                .par_iter_mut()
                .zip(dirty.par_iter_mut())
                .for_each(|(postings, dirty)| {
                    postings.retain_mut(|v| {
                        let (doc, field) = (*v >> 3, *v & 7);
                        let at = to[doc as usize];
                        if at != doc {
                            *dirty = true;
                            *v = (at << 3) | field;
                        }
                        at != u32::MAX
                    });
                });
        } else {
            for (p, doc) in self.docs.iter().enumerate().filter(|(p, _)| gone[*p]) {
                for &t in doc.terms.iter() {
                    let (slot, value) = (t >> 3, ((p as u32) << 3) | (t & 7));
                    let postings = &mut self.postings[slot as usize];
                    if let Ok(i) = postings.binary_search(&value) {
                        postings.remove(i);
                    }
                    taken.insert((u64::from(slot) << 32) | u64::from(value));
                }
            }
        }
        taken
    }

    /// The documents `wanted` (new position, id) read, in parallel: each
    /// with its terms (not yet in slots) and its new position.
    fn read<C: Corpus<Stamp = S>>(
        &self,
        m: &C,
        new: &[(DocKey, C::Id)],
        wanted: &[(usize, C::Id)],
    ) -> Vec<Read<S>> {
        wanted
            .par_iter()
            .map_init(String::new, |buf, &(q, id)| {
                let mut best: FxHashMap<Box<str>, u8> = FxHashMap::default();
                m.terms(id, buf, &mut |term, field| match best.get_mut(term) {
                    Some(f) => *f = (*f).max(field as u8),
                    None => {
                        best.insert(term.into(), field as u8);
                    }
                });
                let doc = Doc {
                    key: new[q].0.clone(),
                    stamp: m.stamp(id),
                    row: m.row(id).into(),
                    terms: Box::default(),
                };
                Read {
                    doc,
                    terms: best.into_iter().collect(),
                    at: q as u32,
                }
            })
            .collect()
    }

    /// Puts the postings of the documents read into their terms' slots,
    /// making slots for new terms.
    fn put_in(&mut self, read: &mut [Read<S>], putting: &mut Putting, dirty: &mut Vec<bool>) {
        let Putting {
            taken,
            fresh,
            touched,
        } = putting;
        for r in read.iter_mut() {
            let mut mine = Vec::with_capacity(r.terms.len());
            for (term, field) in std::mem::take(&mut r.terms) {
                let slot = match self.slots.get(&*term) {
                    Some(&s) => s,
                    None => {
                        let name: Arc<str> = Arc::from(term);
                        let s = match self.free.pop() {
                            Some(s) => {
                                self.names[s as usize] = name.clone();
                                s
                            }
                            None => {
                                self.names.push(name.clone());
                                self.postings.push(Vec::new());
                                dirty.push(false);
                                touched.push(false);
                                (self.names.len() - 1) as u32
                            }
                        };
                        self.slots.insert(name, s);
                        fresh.push(s);
                        s
                    }
                };
                let value = (r.at << 3) | u32::from(field);
                self.postings[slot as usize].push(value);
                touched[slot as usize] = true;
                if !taken.remove(&((u64::from(slot) << 32) | u64::from(value))) {
                    dirty[slot as usize] = true;
                }
                mine.push((slot << 3) | u32::from(field));
            }
            r.doc.terms = mine.into();
        }
    }

    /// After the last [`Index::put_in`]: sorts the postings put in, frees
    /// the slots left empty and puts new terms in the term order; the
    /// names of the terms that left the index.
    fn settle(&mut self, putting: Putting, dirty: &mut [bool]) -> Vec<Arc<str>> {
        let Putting {
            taken,
            mut fresh,
            touched,
        } = putting;
        // Postings taken out and not put back.
        for key in taken {
            dirty[(key >> 32) as usize] = true;
        }
        // Read documents' postings were appended: sort what they touched.
        self.postings
            .par_iter_mut()
            .zip(touched.par_iter())
            .filter(|(_, d)| **d)
            // Stable sort: a sorted run and a few appended values merge in
            // one pass (an unstable sort would sort the run again).
            .for_each(|(p, _)| p.sort());
        // Slots left empty are freed; their names leave the term order.
        let mut removed = Vec::new();
        for (slot, d) in dirty.iter().enumerate() {
            if *d && self.postings[slot].is_empty() && !self.names[slot].is_empty() {
                let name = std::mem::replace(&mut self.names[slot], Arc::from(""));
                self.slots.remove(&name);
                self.free.push(slot as u32);
                removed.push(name);
            }
        }
        if !removed.is_empty() {
            let names = &self.names;
            self.sorted.retain(|s| !names[*s as usize].is_empty());
        }
        if !fresh.is_empty() {
            let names = &self.names;
            fresh.sort_unstable_by(|a, b| names[*a as usize].cmp(&names[*b as usize]));
            let mut merged = Vec::with_capacity(self.sorted.len() + fresh.len());
            let mut old = self.sorted.iter().peekable();
            for s in fresh {
                while let Some(o) = old.next_if(|o| names[**o as usize] < names[s as usize]) {
                    merged.push(*o);
                }
                merged.push(s);
            }
            merged.extend(old);
            self.sorted = merged;
        }
        removed
    }
}

/// A file of the index as last written, with its hash (see
/// [`hash_file`]).
#[derive(Clone)]
struct File {
    bytes: Arc<[u8]>,
    hash: blake3::Hash,
}

impl File {
    fn new(bytes: Vec<u8>) -> File {
        File {
            hash: blake3::hash(&bytes),
            bytes: bytes.into(),
        }
    }
}

#[derive(Clone)]
struct TermChunk {
    first: Box<str>,
    file: File,
}

impl<S: Send + Sync> Index<S> {
    /// Makes again the document chunks that hold a document read again,
    /// and every one from the first change when documents moved.
    fn rewrite_doc_chunks<I>(&mut self, plan: &[Source<I>], first_change: usize, shifted: bool) {
        let count = self.docs.len().div_ceil(DOCS_PER_CHUNK);
        let mut stale = vec![false; count];
        if shifted {
            stale[first_change / DOCS_PER_CHUNK..].fill(true);
        }
        for (q, s) in plan.iter().enumerate() {
            if matches!(s, Source::Read(_)) {
                stale[q / DOCS_PER_CHUNK] = true;
            }
        }
        self.doc_chunks.truncate(count);
        let docs = &self.docs;
        let made: Vec<(usize, File)> = stale
            .par_iter()
            .enumerate()
            .filter(|(n, s)| **s || *n >= self.doc_chunks.len())
            .map(|(n, _)| {
                let rows = docs[n * DOCS_PER_CHUNK..].iter().take(DOCS_PER_CHUNK);
                (n, File::new(doc_chunk(rows.map(|d| &*d.row))))
            })
            .collect();
        for (n, file) in made {
            match self.doc_chunks.get_mut(n) {
                Some(c) => *c = file,
                None => self.doc_chunks.push(file),
            }
        }
    }

    /// Cuts again the term chunks that hold a term whose entry changed,
    /// came or went, and keeps the others.
    fn recut(&mut self, dirty: &[bool], removed: &[Arc<str>]) {
        let old = std::mem::take(&mut self.chunks);
        let chunk_of = |name: &str| old.partition_point(|c| *c.first <= *name).saturating_sub(1);
        let mut stale = vec![old.is_empty(); old.len().max(1)];
        let changed = dirty
            .iter()
            .enumerate()
            .filter(|(_, d)| **d)
            .map(|(slot, _)| &*self.names[slot])
            .filter(|name| !name.is_empty())
            .chain(removed.iter().map(|n| &**n));
        for name in changed {
            stale[chunk_of(name)] = true;
        }
        let entries = self.stale_entries(&old, &stale);
        let mut out = Vec::with_capacity(old.len() + 1);
        let mut cutter = Cutter::new(self.limit);
        let mut i = 0;
        while i < old.len().max(1) {
            if !stale[i] {
                out.push(old[i].clone());
                i += 1;
                continue;
            }
            let from = if i == 0 {
                0
            } else {
                self.position(&old[i].first)
            };
            i = self.cut(&old, i, from, &entries, &mut cutter, &mut out);
        }
        self.chunks = out;
    }

    /// Where `name` is, or would be, in the term order.
    fn position(&self, name: &str) -> usize {
        let names = &self.names;
        self.sorted.partition_point(|s| *names[*s as usize] < *name)
    }

    /// The entries of the terms in the ranges of the `stale` old chunks,
    /// made in parallel, by position in the term order; the cut makes
    /// any other it reaches itself.
    fn stale_entries(&self, old: &[TermChunk], stale: &[bool]) -> FxHashMap<usize, String> {
        let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
        for (i, _) in stale.iter().enumerate().filter(|(_, s)| **s) {
            let start = if i == 0 {
                0
            } else {
                self.position(&old[i].first)
            };
            let end = old
                .get(i + 1)
                .map_or(self.sorted.len(), |c| self.position(&c.first));
            ranges.push(start..end.max(start));
        }
        ranges
            .into_par_iter()
            .flat_map_iter(|r| r.map(|pos| (pos, self.entry(pos))))
            .collect()
    }

    /// The entry of the term at `pos` in the term order.
    fn entry(&self, pos: usize) -> String {
        let slot = self.sorted[pos] as usize;
        let postings = &self.postings[slot];
        let mut entry = String::with_capacity(self.names[slot].len() + 4 + postings.len() * 3);
        push_entry(&mut entry, &self.names[slot], values(postings));
        entry
    }

    /// Cuts chunks into `out` from the term at `from`, which starts one,
    /// until a chunk would start where old chunk `j > i` starts (the old
    /// cut holds from there: `j` is returned) or the terms run out.
    fn cut(
        &self,
        old: &[TermChunk],
        i: usize,
        from: usize,
        entries: &FxHashMap<usize, String>,
        cutter: &mut Cutter,
        out: &mut Vec<TermChunk>,
    ) -> usize {
        for (pos, &slot) in self.sorted.iter().enumerate().skip(from) {
            let name = &*self.names[slot as usize];
            if cutter.is_empty() {
                if let Ok(j) = old.binary_search_by(|c| (*c.first).cmp(name)) {
                    if j > i {
                        return j;
                    }
                }
            }
            let made;
            let entry = match entries.get(&pos) {
                Some(e) => e,
                None => {
                    made = self.entry(pos);
                    &made
                }
            };
            if let Some((first, text)) = cutter.push(name, entry) {
                out.push(TermChunk {
                    first,
                    file: File::new(text.into_bytes()),
                });
            }
        }
        if let Some((first, text)) = cutter.finish() {
            out.push(TermChunk {
                first,
                file: File::new(text.into_bytes()),
            });
        }
        old.len().max(1)
    }

    /// The files of the chunks, by site path, in the order they are hashed.
    fn chunk_files(&self) -> impl Iterator<Item = (String, &File)> {
        let terms = self.chunks.iter().enumerate();
        let docs = self.doc_chunks.iter().enumerate();
        terms
            .map(|(n, c)| (term_chunk_path(n), &c.file))
            .chain(docs.map(|(n, f)| (doc_chunk_path(n), f)))
    }

    /// `search/index.json`, with the version of the chunks.
    fn meta(&self) -> Arc<[u8]> {
        let mut version = blake3::Hasher::new();
        for (path, file) in self.chunk_files() {
            hash_file(&mut version, &path, &file.hash);
        }
        let firsts: Vec<Box<str>> = self.chunks.iter().map(|c| c.first.clone()).collect();
        // Serializing strings and numbers cannot fail.
        meta(version, self.docs.len(), &firsts)
            .unwrap_or_default()
            .into()
    }

    /// Every file of the index, by site path, `search/index.json` last.
    pub fn files(&self) -> Vec<(String, Arc<[u8]>)> {
        let mut files: Vec<(String, Arc<[u8]>)> = self
            .chunk_files()
            .map(|(p, f)| (p, f.bytes.clone()))
            .collect();
        files.push(("search/index.json".to_string(), self.meta.clone()));
        files
    }
}

/// The values a term's entry shows for its postings: documents delta-coded.
fn values(postings: &[u32]) -> impl Iterator<Item = u32> + '_ {
    let mut previous = 0;
    postings.iter().map(move |v| {
        let doc = v >> 3;
        let value = ((doc - previous) << 3) | (v & 7);
        previous = doc;
        value
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Documents by name: a version (their stamp) and their terms.
    #[derive(Clone, Default)]
    struct Fake(BTreeMap<String, (u32, Vec<(String, u8)>)>);

    const FIELDS: [Field; 6] = [
        Field::Body,
        Field::Heading,
        Field::Summary,
        Field::Title,
        Field::CodePart,
        Field::Code,
    ];

    impl Corpus for Fake {
        type Id = usize;
        type Stamp = u32;

        fn documents(&self) -> Vec<(DocKey, usize)> {
            self.0
                .keys()
                .enumerate()
                .map(|(i, name)| {
                    let key = DocKey {
                        rank: (name.len() % 2) as u8,
                        key: name.as_str().into(),
                        path: name.as_str().into(),
                    };
                    (key, i)
                })
                .collect::<BTreeMap<_, _>>()
                .into_iter()
                .collect()
        }

        fn stamp(&self, id: usize) -> u32 {
            self.nth(id).0
        }

        fn stamped(&self, id: usize, stamp: &u32) -> bool {
            self.nth(id).0 == *stamp
        }

        fn terms(&self, id: usize, _: &mut String, f: &mut dyn FnMut(&str, Field)) {
            for (term, field) in &self.nth(id).1 {
                f(term, FIELDS[*field as usize]);
            }
        }

        fn row(&self, id: usize) -> String {
            format!("[{}]", self.nth(id).0)
        }
    }

    impl Fake {
        fn nth(&self, id: usize) -> &(u32, Vec<(String, u8)>) {
            self.0.values().nth(id).unwrap()
        }
    }

    fn fresh(corpus: &Fake, limit: usize) -> Vec<(String, Arc<[u8]>)> {
        let mut index = Index::<u32>::with_limit(limit);
        index.update_from(corpus);
        index.files()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// After any sequence of documents added, removed, and changed in
        /// their terms or only in their stamp, the patched index writes
        /// the files of an index made from scratch.
        #[test]
        fn a_patched_index_writes_what_a_fresh_one_does(
            limit in 24usize..160,
            steps in proptest::collection::vec(
                proptest::collection::vec(
                    (0u8..4, 0usize..30, proptest::collection::vec((0usize..50, 0u8..6), 0..12)),
                    1..4,
                ),
                1..12,
            ),
        ) {
            let mut corpus = Fake::default();
            let mut index = Index::<u32>::with_limit(limit);
            index.update_from(&corpus);
            for (version, step) in steps.into_iter().enumerate() {
                for (op, doc, words) in step {
                    let name = format!("d{doc}");
                    let terms: Vec<(String, u8)> =
                        words.into_iter().map(|(w, f)| (format!("w{w}"), f)).collect();
                    match op {
                        0 => {
                            corpus.0.remove(&name);
                        }
                        1 => {
                            if let Some(d) = corpus.0.get_mut(&name) {
                                d.0 = version as u32 + 1;
                            }
                        }
                        _ => {
                            corpus.0.insert(name, (version as u32 + 1, terms));
                        }
                    }
                }
                index.update_from(&corpus);
                let want = fresh(&corpus, limit);
                let got = index.files();
                proptest::prop_assert_eq!(got.len(), want.len());
                for ((path, bytes), (want_path, want_bytes)) in got.iter().zip(&want) {
                    proptest::prop_assert_eq!(path, want_path);
                    proptest::prop_assert_eq!(
                        String::from_utf8_lossy(bytes),
                        String::from_utf8_lossy(want_bytes),
                        "{}", path
                    );
                }
            }
        }
    }

    #[test]
    fn an_unchanged_corpus_changes_nothing() {
        let mut corpus = Fake::default();
        let mut index = Index::<u32>::with_limit(32);
        assert!(
            index.update_from(&corpus),
            "the first update writes the files"
        );
        assert!(!index.update_from(&corpus));
        corpus.0.insert("a".into(), (1, vec![("x".into(), 0)]));
        assert!(index.update_from(&corpus));
        assert!(!index.update_from(&corpus));
        assert_eq!(index.files().len(), 3);
    }

    /// A change that leaves every chunk's cut where it was makes one term
    /// chunk and one document chunk again; the others are the same bytes,
    /// not copies.
    #[test]
    fn a_change_inside_one_chunk_makes_only_that_chunk_again() {
        let mut corpus = Fake::default();
        for i in 0..100 {
            let terms = vec![(format!("w{i:03}"), 0), ("common".to_string(), 0)];
            corpus.0.insert(format!("d{i:03}"), (1, terms));
        }
        let mut index = Index::<u32>::with_limit(64);
        index.update_from(&corpus);
        let before = index.files();
        assert!(before.len() > 20, "{} files", before.len());
        // One document's own term moves from body to title: same length.
        corpus.0.insert(
            "d050".into(),
            (2, vec![("w050".into(), 3), ("common".into(), 0)]),
        );
        index.update_from(&corpus);
        let after = index.files();
        assert_eq!(after, fresh(&corpus, 64));
        let remade: Vec<&str> = before
            .iter()
            .zip(&after)
            .filter(|(b, a)| !Arc::ptr_eq(&b.1, &a.1))
            .map(|(_, a)| a.0.as_str())
            .collect();
        assert_eq!(
            remade,
            ["search/t/10.json", "search/d/3.json", "search/index.json"]
        );
    }
}

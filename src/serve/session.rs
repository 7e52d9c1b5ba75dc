//! A serve session: the last good build, kept in memory, and the rebuilds
//! that follow edits.
//!
//! Each batch of saved files takes the cheapest path that stays exact:
//!
//! - A changed static file, or a page's asset, that existed before is
//!   copied again and nothing else is done.
//! - One page's body, when nothing any other output reads from it changed
//!   (front matter, headings, summary, diagnostics and the pages it links
//!   stay as they were), is patched into the last build: the page is
//!   scanned and rendered again, with the pages that gain or lose it as a
//!   backlink.
//! - Page files alone, or templates alone, go to `update`.
//! - Everything else, and every edit of a site with symlinked files, takes
//!   a full rebuild, memoized (`memo`).
//!
//! Every path ends in the snapshot a fresh build would make; the
//! incremental property test holds each to that. A failed rebuild keeps
//! the last good build, and the next one is checked against it with the
//! failed files too. The search index is brought up to date apart, after
//! the rebuild's pages are served ([`Session::refresh_search`]): the
//! session keeps it, and patches it for the documents that changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use rustc_hash::FxHashSet;

use super::update::{self, Update};
use super::{MemorySink, Snapshot};
use crate::build::{self, Checked, Options};
use crate::diag::Diagnostic;
use crate::graph::PageId;
use crate::markdown::{self, Mode};
use crate::memo::Memo;
use crate::meter::{Meter, Phase};
use crate::packed::Packed;
use crate::render::{self, Job};
use crate::view::Derived;

/// Output files by path.
type Files = BTreeMap<String, Packed>;

/// What a rebuild made.
pub struct Built {
    pub snapshot: Arc<Snapshot>,
    pub pages: usize,
    /// Outputs rendered again by a patch; `None` after a full rebuild.
    pub patched: Option<usize>,
    /// True when the graph was patched ([`crate::graph::Graph::patch`]),
    /// not placed again from every page.
    pub graph_patched: bool,
    /// Where the rebuild's time went.
    pub phases: Vec<Phase>,
}

pub struct Session {
    opts: Options,
    /// The root as the watcher names it, to find changed files in the site.
    root_abs: PathBuf,
    memo: Memo,
    last: Option<Box<Live>>,
    /// Files changed since `last` by edits whose rebuild failed.
    pending: Vec<PathBuf>,
    /// False to rebuild in full after every edit (`serve --full-rebuilds`).
    incremental: bool,
    /// The search index of each language, as of the last build it was
    /// brought up to, whatever path that build took: its documents say
    /// what they were made from.
    search: Option<Vec<crate::search::Index>>,
    /// The last snapshot this session gave to be served.
    published: Option<Arc<Snapshot>>,
}

/// What each templated output read, by output file (see `view::recording`).
pub(super) type Reads = rustc_hash::FxHashMap<String, crate::view::Read>;

/// The last good build.
pub(super) struct Live {
    pub(super) checked: Checked,
    /// The model's parts over every page, patched with the backlinks.
    pub(super) derived: Option<crate::view::Derived>,
    pub(super) snapshot: Arc<Snapshot>,
    /// True when the search index is missing or older than the pages: it
    /// is brought up to date off the path of every rebuild.
    pub(super) search_stale: bool,
    pub(super) reads: Reads,
}

impl Session {
    pub fn new(opts: Options) -> Session {
        Session {
            root_abs: std::fs::canonicalize(&opts.root).unwrap_or_else(|_| opts.root.clone()),
            opts,
            memo: Memo::default(),
            last: None,
            pending: Vec::new(),
            incremental: true,
            search: None,
            published: None,
        }
    }

    /// A session that rebuilds in full after every edit: slower, and the
    /// reference the incremental rebuilds are held to.
    pub fn full_rebuilds(mut self) -> Session {
        self.incremental = false;
        self
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Rebuilds after `changed` files (paths below the root, absolute or
    /// relative to it); `None` when anything may have changed. `Err` holds
    /// the diagnostics of a build that failed; the last good build is kept.
    pub fn rebuild(
        &mut self,
        changed: Option<&[PathBuf]>,
    ) -> Result<std::result::Result<Built, Vec<Diagnostic>>> {
        let meter = Meter::default();
        let mut result = self.rebuild_with(changed, &meter);
        meter.finish();
        if let Ok(Ok(built)) = &mut result {
            built.phases = meter.phases();
        }
        result
    }

    fn rebuild_with(
        &mut self,
        changed: Option<&[PathBuf]>,
        meter: &Meter,
    ) -> Result<std::result::Result<Built, Vec<Diagnostic>>> {
        // A symlinked file changes whenever its target does, under a name
        // no event reports: such a site is rebuilt in full.
        let live = self.last.take().filter(|l| !l.checked.parts.linked);
        if let (Some(changed), Some(mut live), true) = (changed, live, self.incremental) {
            let mut paths = std::mem::take(&mut self.pending);
            for p in changed {
                if !paths.contains(p) {
                    paths.push(p.clone());
                }
            }
            if update::all_templates(&self.opts, &self.root_abs, &paths) {
                return self.took(
                    update::templates(live, &self.opts, &self.memo, meter),
                    paths,
                    meter,
                );
            }
            if let [path] = paths.as_slice() {
                meter.phase("patch", 1);
                match patch(&mut live, &self.opts, &self.root_abs, path) {
                    Patch::Done(n) => return Ok(Ok(self.keep(live, Some(n)))),
                    // Half changed: the full build below replaces it.
                    Patch::Broken => return self.full(meter),
                    Patch::Unfit => {}
                }
            }
            return self.took(
                update::pages(live, &self.opts, &self.root_abs, &paths, meter),
                paths,
                meter,
            );
        }
        self.full(meter)
    }

    /// What an incremental rebuild of `paths` gave, taken in.
    fn took(
        &mut self,
        update: Update,
        paths: Vec<PathBuf>,
        meter: &Meter,
    ) -> Result<std::result::Result<Built, Vec<Diagnostic>>> {
        match update {
            Update::Built(live, n, graph_patched) => {
                let mut built = self.keep(live, Some(n));
                built.graph_patched = graph_patched;
                Ok(Ok(built))
            }
            Update::Failed(live, diags) => {
                // The last good build stays; the next edit is checked
                // against it with these files too.
                self.last = Some(live);
                self.pending = paths;
                Ok(Err(diags))
            }
            Update::Lost(diags) if !diags.is_empty() => Ok(Err(diags)),
            Update::Lost(_) | Update::Unfit => self.full(meter),
        }
    }

    fn keep(&mut self, live: Box<Live>, patched: Option<usize>) -> Built {
        let built = Built {
            snapshot: live.snapshot.clone(),
            pages: live.checked.graph.published().count(),
            patched,
            graph_patched: false,
            phases: Vec::new(),
        };
        self.last = Some(live);
        self.published = Some(built.snapshot.clone());
        built
    }

    fn full(&mut self, meter: &Meter) -> Result<std::result::Result<Built, Vec<Diagnostic>>> {
        // The last search index is served until the new one is made: a
        // page reloaded meanwhile must not find it gone.
        let search: Vec<(String, Packed)> = self
            .published
            .iter()
            .flat_map(|s| s.files.iter())
            .filter(|(path, _)| crate::search::owns(path))
            .map(|(path, bytes)| (path.clone(), bytes.clone()))
            .collect();
        self.last = None;
        self.pending.clear();
        match full(&self.opts, &self.memo, meter)? {
            Ok((checked, mut snapshot, reads, derived)) => {
                for (path, bytes) in search {
                    // A static file of the index's path, copied by the
                    // build, stays.
                    snapshot.files.entry(path).or_insert(bytes);
                }
                let derived = derived
                    .or_else(|| Some(build::model(&checked, self.opts.today).into_derived()));
                let live = Box::new(Live {
                    derived,
                    checked,
                    snapshot: Arc::new(snapshot),
                    search_stale: true,
                    reads,
                });
                Ok(Ok(self.keep(live, None)))
            }
            Err(d) => Ok(Err(d)),
        }
    }

    /// True when the search index is behind the pages.
    pub fn search_stale(&self) -> bool {
        self.last.as_ref().is_some_and(|l| l.search_stale)
    }

    /// True when the search index is kept in memory, so that bringing it
    /// up to date costs the documents that changed, not the whole index.
    pub fn search_patchable(&self) -> bool {
        self.search.is_some()
    }

    /// Brings the search index up to the last build: patched for the
    /// documents that changed, or made whole the first time. The new
    /// snapshot, if the index was stale.
    pub fn refresh_search(&mut self) -> Result<Option<Arc<Snapshot>>> {
        let Some(live) = self.last.as_mut().filter(|l| l.search_stale) else {
            return Ok(None);
        };
        let model = match live.derived.take() {
            Some(d) => build::model_with(&live.checked, self.opts.today, d),
            None => build::model(&live.checked, self.opts.today),
        };
        // `serve --full-rebuilds` trusts no patch: the index is made whole.
        if !self.incremental {
            self.search = None;
        }
        let config = &live.checked.config;
        let indexes = self.search.get_or_insert_with(Vec::new);
        indexes.resize_with(config.languages.len(), crate::search::Index::default);
        for (lang, index) in indexes.iter_mut().enumerate() {
            index.update(&model, lang);
        }
        // A page changed while it was indexed: its document lacks terms.
        // The change's own rebuild comes next, and the index is made whole
        // again after it.
        let complete = model.take_unread().is_empty();
        live.derived = Some(model.into_derived());
        if !complete {
            self.search = None;
            return Ok(None);
        }
        let files: Vec<(String, Packed)> = indexes
            .iter()
            .enumerate()
            .flat_map(|(lang, index)| {
                let prefix = crate::routes::prefix(config, lang);
                index
                    .files()
                    .into_iter()
                    .map(move |(path, bytes)| (format!("{prefix}{path}"), Packed::shared(bytes)))
            })
            .collect();
        // A static file of the index's path replaces it, as in a build.
        let statics: rustc_hash::FxHashSet<String> = live
            .checked
            .statics
            .iter()
            .map(|f| f.inner.clone())
            .collect();
        live.replace(|snapshot| {
            snapshot.retain(|path, _| !crate::search::owns(path) || statics.contains(path));
            snapshot.extend(
                files
                    .into_iter()
                    .filter(|(path, _)| !statics.contains(path)),
            );
        });
        live.search_stale = false;
        self.published = Some(live.snapshot.clone());
        Ok(Some(live.snapshot.clone()))
    }
}

impl Live {
    /// Publishes a copy of the snapshot changed by `change`; the one the
    /// server holds stays whole until it is swapped.
    fn replace(&mut self, change: impl FnOnce(&mut Files)) {
        let mut files = self.snapshot.files.clone();
        change(&mut files);
        self.snapshot = Arc::new(Snapshot { files });
    }
}

/// A full build into memory, keeping what it checked for later patches,
/// and what each output read.
#[allow(clippy::type_complexity)]
pub(super) fn full(
    opts: &Options,
    memo: &Memo,
    meter: &Meter,
) -> Result<std::result::Result<(Checked, Snapshot, Reads, Option<Derived>), Vec<Diagnostic>>> {
    let checked = match build::analyze_with(opts, Some(memo), meter)? {
        Ok(c) if c.diagnostics.iter().any(Diagnostic::is_error) => {
            return Ok(Err(build::sorted(c.diagnostics)))
        }
        Ok(c) => c,
        Err(d) => return Ok(Err(d)),
    };
    let rendered = render_in_memory(&checked, opts, memo, meter)?;
    // Only a complete build says which memo entries are still in use.
    memo.rotate();
    Ok(rendered.map(|(files, reads, derived)| (checked, Snapshot { files }, reads, derived)))
}

/// Every output of `checked` but the search index, rendered into memory
/// through the memo tables, with what each output read and what the model
/// computed over every page; `Err` holds the template errors.
#[allow(clippy::type_complexity)]
pub(super) fn render_in_memory(
    checked: &Checked,
    opts: &Options,
    memo: &Memo,
    meter: &Meter,
) -> Result<std::result::Result<(Files, Reads, Option<Derived>), Vec<Diagnostic>>> {
    let sink = MemorySink::default();
    let (_, template_diags, derived) =
        build::render_into_with(checked, opts.today, &sink, None, Some(memo), false, meter)?;
    if !template_diags.is_empty() {
        return Ok(Err(template_diags));
    }
    let files = sink.files.into_inner().unwrap_or_else(|e| e.into_inner());
    let reads = sink.reads.into_inner().unwrap_or_else(|e| e.into_inner());
    Ok(Ok((files, reads, derived)))
}

/// What [`patch`] did.
enum Patch {
    /// The edit is patched in: the number of outputs rendered again.
    Done(usize),
    /// Not an edit this path takes; `live` is as it was.
    Unfit,
    /// Given up half way: `live` must be dropped.
    Broken,
}

/// Patches an edit of one page's body, or of a static file, into `live`.
fn patch(live: &mut Live, opts: &Options, root_abs: &Path, path: &Path) -> Patch {
    match try_patch(live, opts, root_abs, path) {
        Ok(Some(n)) => Patch::Done(n),
        Ok(None) => Patch::Broken,
        Err(()) => Patch::Unfit,
    }
}

/// `patch`: `Err` before `live` is changed, `Ok(None)` after.
fn try_patch(
    live: &mut Live,
    opts: &Options,
    root_abs: &Path,
    path: &Path,
) -> std::result::Result<Option<usize>, ()> {
    let rel = path
        .strip_prefix(root_abs)
        .or_else(|_| path.strip_prefix(&opts.root))
        .unwrap_or(path);
    let rel = rel.to_str().ok_or(())?.replace('\\', "/");
    // A static file or a page's asset that existed before: copy it again.
    let copied = live
        .checked
        .statics
        .iter()
        .chain(&live.checked.content_assets)
        .find(|f| f.rel == rel);
    if let Some(f) = copied {
        let (path, bytes) = (f.inner.clone(), std::fs::read(&f.abs).map_err(|_| ())?);
        live.replace(|files| {
            files.insert(path, Packed::new(&bytes));
        });
        return Ok(Some(1));
    }
    let inner = rel.strip_prefix("content/").ok_or(())?;
    let c = &mut live.checked;
    let id = c.graph.lookup_inner(inner).ok_or(())?;
    if !c.graph.page(id).published || c.graph.home_intro == Some(id) || c.tera.is_none() {
        return Err(());
    }
    let abs = opts.root.join(&rel);
    let bytes = std::fs::read(&abs).map_err(|_| ())?;
    let mut load_diags = Vec::new();
    let has_default_standard = c.config.default_standard.is_some();
    let page = crate::load::page(
        &rel,
        inner,
        &abs,
        &bytes,
        &crate::load::With {
            today: opts.today,
            has_default_standard,
            budget: &crate::load::BodyBudget::for_build(),
            language: &c.config.language,
            translations: &c.config.translation_codes(),
        },
        &mut load_diags,
    )
    .ok_or(())?;
    // A translation as the graph holds it: with its original's facts.
    let page = match c.graph.page(id).original {
        Some(o) => crate::graph::translated(&page, &c.graph.page(o).page, &mut load_diags),
        None => page,
    };
    let old = &c.graph.page(id).page;
    if load_diags.iter().any(Diagnostic::is_error)
        || page.fm != old.fm
        || page.kind != old.kind
        || page.body_line != old.body_line
    {
        return Err(());
    }
    let mut page = Arc::new(page);
    std::mem::swap(&mut Arc::make_mut(&mut c.graph.nodes[id]).page, &mut page);
    let Some(scan) = scan_if_alone(c, id) else {
        // Back as it was, for the rebuild that takes this edit.
        std::mem::swap(&mut Arc::make_mut(&mut c.graph.nodes[id]).page, &mut page);
        return Err(());
    };
    Ok(render_patch(live, opts, id, scan))
}

/// The page's new scan, when nothing another output or the build's
/// diagnostics read of its body changed.
fn scan_if_alone(c: &Checked, id: PageId) -> Option<markdown::Rendered> {
    let body = c.graph.page(id).page.body().ok()?;
    let scan = markdown::render(&build::markdown_context(c), id, &body, Mode::Scan);
    let before = c.rendered[id].as_ref()?;
    let has_summary = c.graph.page(id).page.fm.summary.is_some();
    let anchor_found = |link: &markdown::PageLink| {
        let Some(anchor) = &link.anchor else {
            return true;
        };
        let target = if link.target == id {
            Some(&scan)
        } else {
            c.rendered.get(link.target).and_then(Option::as_deref)
        };
        target.is_none_or(|t| t.has_anchor(anchor))
    };
    let unchanged_for_others = scan.diagnostics == before.diagnostics
        && scan.anchors == before.anchors
        && (has_summary || scan.first_paragraph == before.first_paragraph)
        && scan
            .root_links
            .iter()
            .all(|(p, _, _)| build::root_link_exists(&c.graph, p))
        && scan.links.iter().all(anchor_found);
    let targets = |r: &markdown::Rendered| -> FxHashSet<PageId> {
        r.links.iter().map(|l| l.target).collect()
    };
    let home_intro_touched = targets(before)
        .symmetric_difference(&targets(&scan))
        .any(|&t| c.graph.home_intro == Some(t));
    (unchanged_for_others && !home_intro_touched).then_some(scan)
}

/// Puts page `id`'s new scan in place and renders it again, with the
/// pages that gain or lose it as a backlink; `None` when that fails half
/// way.
fn render_patch(
    live: &mut Live,
    opts: &Options,
    id: PageId,
    scan: markdown::Rendered,
) -> Option<usize> {
    let c = &mut live.checked;
    let before = c.rendered[id].as_ref()?;
    // Pages that gain or lose this one as a backlink.
    let targets = |r: &markdown::Rendered| -> FxHashSet<PageId> {
        r.links.iter().map(|l| l.target).collect()
    };
    let (was, now) = (targets(before), targets(&scan));
    let mut pages: Vec<PageId> = was.symmetric_difference(&now).copied().collect();
    // A translation's links are no backlinks (its original's are shown).
    if c.graph.page(id).original.is_some() {
        pages.clear();
    }
    pages.retain(|&t| t != id && c.graph.page(t).published);
    let mut derived = live.derived.take()?;
    let related = &c.graph.page(id).related;
    for &t in &pages {
        let list = &mut derived.backlinks[t];
        let links_here = now.contains(&t) || related.contains(&t);
        match (list.binary_search(&id), links_here) {
            (Err(at), true) => list.insert(at, id),
            (Ok(at), false) => {
                list.remove(at);
            }
            _ => {}
        }
    }
    // Translations show their original's backlinks.
    let translations: Vec<PageId> = pages
        .iter()
        .flat_map(|&t| c.graph.page(t).translations.iter().copied())
        .filter(|&t| c.graph.page(t).published)
        .collect();
    pages.extend(translations);
    pages.push(id);
    pages.sort_unstable();
    c.rendered[id] = Some(Arc::new(scan));

    let c = &live.checked;
    let tera = c.tera.as_ref()?;
    let model = build::model_with(c, opts.today, derived);
    let mut outputs: Files = BTreeMap::new();
    let mut reads = Vec::new();
    for t in pages {
        let (r, read) =
            crate::view::recording(|| render::render_job(&model, tera, &[], &Job::Page(t)));
        let (path, bytes) = r.ok()?;
        reads.push((path.clone(), read));
        outputs.insert(path, bytes.packed());
    }
    if !model.take_unread().is_empty() {
        // The file changed again while it was rendered: rebuild it all.
        return None;
    }
    live.derived = Some(model.into_derived());
    let n = outputs.len();
    live.replace(|files| files.extend(outputs));
    live.reads.extend(reads);
    live.search_stale = true;
    Some(n)
}

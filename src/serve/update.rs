//! Rebuilds after edits of page files alone (front matter or body, new,
//! deleted or renamed pages, [`pages`]) or of templates alone
//! ([`templates`]): only what the edit can have changed is done again,
//! and the result is the snapshot a fresh build makes.
//!
//! - Pages: only the changed files are read; every other page is taken
//!   from the last build.
//! - The last graph is kept, with the changed pages swapped in, when it
//!   reads the same of them as before (`graph::same_place`: a title,
//!   summary or body edit); else it is patched ([`Graph::patch`]: new,
//!   deleted, renamed pages, a code, tag or ref changed, in a site of one
//!   language); else it is placed again from all pages, each page's own
//!   part made once ([`crate::graph::Placed`]). Every check that reads
//!   more than one page runs again.
//! - A body's scan is kept when its page did not change and every answer
//!   it read from the graph is the same ([`markdown::Reads`]): the pages it
//!   links (their path, title, file, status), the content paths that named
//!   no page, the output files it looked up; and when no code that
//!   changed is written in it (a code may have become autolinkable): the
//!   words its prose looked up as codes are asked first
//!   ([`markdown::Words`]), the body's text only when they may hold one.
//! - An output is rendered again when a page it read whole changed (its
//!   front matter, place in the graph, item, body or backlinks), when the
//!   item of a page it read only as an item changed, when it is new, or
//!   when it lists pages and the edit changed who is in the list; the
//!   rest keep their bytes. What each output read was recorded when it was
//!   rendered ([`crate::view::recording`]). The home page is made again
//!   every time, a file made without a template when the edit changed
//!   what it reads ([`crate::routes::Reads`]). The list items of
//!   pages whose file and body did not change are carried over, with
//!   their HTML, as are codes.json entries that did not change. The page
//!   of overdue reviews counts as listing every reviewed page.
//!
//! A template edit loads the theme again and renders every output from the
//! last build's pages, graph and scans, which no template changes.
//!
//! Anything else (site.toml, a static file, a folder) takes a full
//! rebuild.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::session::{Live, Reads};
use super::Snapshot;
use crate::build::{self, Checked, Options, Scanned};
use crate::diag::Diagnostic;
use crate::graph::{Graph, Node, PageId};
use crate::load::Page;
use crate::markdown::Rendered;
use crate::meter::Meter;
use crate::packed::Packed;
use crate::render::{self, Job, List};
use crate::routes::Make;
use crate::urls::output_file;

/// What [`pages`] did.
pub(super) enum Update {
    /// The edit is not one of pages alone: the caller rebuilds in full.
    Unfit,
    /// The site has errors: the last good build, untouched, and them.
    Failed(Box<Live>, Vec<Diagnostic>),
    /// The new build, how many outputs were rendered again, and whether
    /// its graph was patched ([`Graph::patch`]).
    Built(Box<Live>, usize, bool),
    /// Rendering failed after the last build was taken apart: the caller
    /// reports these and rebuilds in full next time.
    Lost(Vec<Diagnostic>),
}

/// Old ids in the new graph, new ids in the old, and whether a body reads
/// the same of each old page in the new graph (see [`pages`]).
type IdMaps = (Vec<Option<PageId>>, Vec<Option<PageId>>, Vec<bool>);

/// A changed page file, as the walk would find it.
enum Changed {
    /// Its bytes (the file exists and is a regular file).
    Present(Vec<u8>),
    Gone,
}

/// Rebuilds `live` after the page files `paths` changed.
pub(super) fn pages(
    live: Box<Live>,
    opts: &Options,
    root_abs: &Path,
    paths: &[PathBuf],
    meter: &Meter,
) -> Update {
    meter.phase("load", paths.len());
    let Some(mut changed) = read_changed(opts, root_abs, paths) else {
        return Update::Unfit;
    };
    let old = &live.checked;
    // A translation is made with its original's facts: it changes with it.
    let translations: Vec<PathBuf> = old
        .graph
        .nodes
        .iter()
        .filter(|n| {
            n.original
                .is_some_and(|o| changed.contains_key(&old.graph.page(o).page.file))
                && !changed.contains_key(&n.page.file)
        })
        .map(|n| opts.root.join(&n.page.file))
        .collect();
    match read_changed(opts, root_abs, &translations) {
        Some(more) => changed.extend(more),
        None => return Update::Unfit,
    }

    // Which old pages' files changed, by id: asked once of each page.
    let changed_old: Vec<bool> = old
        .graph
        .nodes
        .par_iter()
        .map(|n| changed.contains_key(n.page.file.as_str()))
        .collect();
    // Pages: the changed files loaded again, every other one as it was.
    let mut page_diags = old.parts.page_diags.clone();
    let mut broken = old.graph.broken.clone();
    let mut pages: Vec<Arc<Page>> = old
        .graph
        .nodes
        .par_iter()
        .zip(&changed_old)
        .filter(|(_, &c)| !c)
        .map(|(n, _)| n.page.clone())
        .collect();
    let budget = crate::load::BodyBudget::for_build();
    let translations = old.config.translation_codes();
    let with = crate::load::With {
        today: opts.today,
        has_default_standard: old.config.default_standard.is_some(),
        budget: &budget,
        language: &old.config.language,
        translations: &translations,
    };
    // The changed pages as loaded, by file; `None` where one failed.
    let mut loaded: BTreeMap<&str, Option<Arc<Page>>> = BTreeMap::new();
    for (rel, change) in &changed {
        let inner = &rel["content/".len()..];
        page_diags.remove(rel.as_str());
        broken.remove(inner);
        let Changed::Present(bytes) = change else {
            continue;
        };
        let mut d = Vec::new();
        let abs = opts.root.join(rel);
        let page = crate::load::page(rel, inner, &abs, bytes, &with, &mut d).map(Arc::new);
        match &page {
            Some(p) => pages.push(p.clone()),
            None => {
                broken.insert(inner.to_string());
            }
        }
        loaded.insert(rel.as_str(), page);
        if !d.is_empty() {
            page_diags.insert(rel.clone(), d);
        }
    }
    let parts = build::Parts {
        config_text: old.parts.config_text.clone(),
        site_diags: old.parts.site_diags.clone(),
        template_diags: old.parts.template_diags.clone(),
        page_diags,
        reserved: old.parts.reserved.clone(),
        asset_pairs: old.parts.asset_pairs.clone(),
        static_pairs: old.parts.static_pairs.clone(),
        linked: old.parts.linked,
    };

    // Codes that changed with the changed pages (written, removed, made
    // draft or published): a body that writes one may link it now, or no
    // more. A code its page keeps links as before.
    let code_of = |p: &Page| p.fm.code.clone().map(|c| (c, p.fm.draft));
    let before: BTreeSet<(String, bool)> = old
        .graph
        .nodes
        .iter()
        .zip(&changed_old)
        .filter(|(_, &c)| c)
        .filter_map(|(n, _)| code_of(&n.page))
        .collect();
    let after: BTreeSet<(String, bool)> = loaded
        .values()
        .flatten()
        .filter_map(|p| code_of(p))
        .collect();
    let codes: BTreeSet<String> = before
        .symmetric_difference(&after)
        .map(|(c, _)| c.clone())
        .filter(|c| crate::markdown::autolinkable(c))
        .collect();
    let reused = std::sync::Mutex::new(FxHashSet::default());
    // Each old page's id in the new graph, each new page's old id, and
    // whether a body that read an old page reads the same of it now: made
    // once, with the new graph, for every body's check.
    let maps: std::sync::OnceLock<IdMaps> = std::sync::OnceLock::new();
    let reuse = |graph: &Graph, id: PageId| -> Option<Arc<Rendered>> {
        let (to_new, to_old, same) = maps.get_or_init(|| {
            let (to_new, to_old) = id_maps(&old.graph, graph);
            let same = to_new
                .par_iter()
                .enumerate()
                .map(|(t, n)| {
                    let before = old.graph.page(t);
                    n.is_some_and(|n| {
                        let after = graph.page(n);
                        after.page.file == before.page.file
                            && after.path == before.path
                            && after.published == before.published
                            && after.page.fm.title == before.page.fm.title
                    })
                })
                .collect();
            (to_new, to_old, same)
        });
        // A page of a changed file is new or changed.
        let was = to_old[id].filter(|&o| !changed_old[o])?;
        let page = &graph.page(id).page;
        let r = old.rendered[was].as_ref()?;
        let same_page = |t: PageId| same[t];
        let same_missing = |k: &str| {
            old.graph.lookup_inner(k).is_some() == graph.lookup_inner(k).is_some()
                && old.graph.broken.contains(k) == graph.broken.contains(k)
                && crate::markdown::near_page(&old.graph, k) == crate::markdown::near_page(graph, k)
        };
        let holds = r.reads.pages.iter().all(|&t| same_page(t))
            && r.reads.missing.iter().all(|k| same_missing(k))
            && r.reads
                .outputs
                .iter()
                .all(|k| old.graph.outputs.contains_key(&**k) == graph.outputs.contains_key(&**k))
            && (!codes.iter().any(|c| r.reads.words.may_hold(c))
                || page
                    .body()
                    .is_ok_and(|body| !codes.iter().any(|c| body.contains(c.as_str()))));
        if !holds {
            return None;
        }
        // The same answers, under the new graph's ids: shared when no id
        // moved (no page was added or removed before them).
        let to_new = |t: PageId| to_new[t];
        let same_ids = r
            .links
            .iter()
            .map(|l| l.target)
            .chain(r.reads.pages.iter().copied())
            .all(|t| to_new(t) == Some(t));
        let r = if same_ids {
            r.clone()
        } else {
            let mut r = Rendered::clone(r);
            for l in &mut r.links {
                l.target = to_new(l.target)?;
            }
            for t in &mut r.reads.pages {
                *t = to_new(*t)?;
            }
            r.reads.pages.sort_unstable();
            Arc::new(r)
        };
        reused.lock().unwrap_or_else(|e| e.into_inner()).insert(id);
        Some(r)
    };
    meter.phase("place", 0);
    let (placing, how) = placing(old, opts, &changed, &changed_old, loaded, pages, broken);
    let Scanned {
        graph,
        rendered,
        autolinks,
        fingerprint,
        diagnostics,
        template_links,
    } = build::check_pages(
        opts,
        &old.config,
        &parts,
        &old.overrides,
        placing,
        &old.highlighter,
        None,
        Some(&reuse),
        meter,
    );
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Update::Failed(live, build::sorted(diagnostics));
    }
    let (old_to_new, new_to_old) = match maps.into_inner() {
        Some((to_new, to_old, _)) => (to_new, to_old),
        None => id_maps(&old.graph, &graph),
    };
    let reused = reused.into_inner().unwrap_or_else(|e| e.into_inner());
    let rescanned: Vec<bool> = (0..graph.nodes.len())
        .map(|id| rendered[id].is_some() && !reused.contains(&id))
        .collect();

    // The new build, from the parts of the old one that no page changes.
    let Live {
        mut checked,
        derived: old_derived,
        snapshot,
        reads: mut old_reads,
        ..
    } = *live;
    let Some(mut old_derived) = old_derived else {
        return Update::Lost(Vec::new());
    };
    let old_graph = std::mem::replace(&mut checked.graph, graph);
    checked.rendered = rendered;
    checked.autolinks = autolinks;
    checked.fingerprint = fingerprint;
    checked.diagnostics = diagnostics;
    checked.template_links = template_links;
    checked.parts = parts;
    let Some(tera) = checked.tera.as_ref() else {
        return Update::Lost(Vec::new());
    };
    meter.phase("model", 0);
    // An item is made from its page's file and first paragraph: unchanged
    // pages whose bodies were not scanned again keep theirs.
    let old_of = |n: PageId| new_to_old[n].filter(|&o| !rescanned[n] && !changed_old[o]);
    let model = build::model_carrying(
        &checked,
        opts.today,
        crate::view::Carry {
            derived: &mut old_derived,
            old_of: &old_of,
        },
    );
    let graph = &checked.graph;

    // Pages whose list item is as it was (a carried item was moved from
    // the old model: it is the same); their items keep their HTML.
    let same_item: Vec<bool> = (0..graph.nodes.len())
        .into_par_iter()
        .map(|n| {
            new_to_old[n]
                .is_some_and(|o| old_of(n).is_some() || old_derived.items[o] == model.items[n])
        })
        .collect();
    (0..graph.nodes.len()).into_par_iter().for_each(|n| {
        let Some(o) = new_to_old[n] else { return };
        if same_item[n] {
            let (old, new) = (&old_derived.fragments[o], &model.fragments[n]);
            if let Some(f) = old.own.get() {
                let _ = new.own.set(f.clone());
            }
            if let Some(f) = old.marked.get() {
                let _ = new.marked.set(f.clone());
            }
            if let Some(f) = old.backlink.get() {
                let _ = new.backlink.set(f.clone());
            }
        }
    });
    // What of the pages the files made without a template read changed:
    // the items made again (of changed and rescanned pages) against the
    // old ones.
    let mut facts = crate::routes::Reads {
        places: how != Place::Kept,
        ..crate::routes::Reads::CONFIG
    };
    for n in (0..graph.nodes.len()).filter(|&n| old_of(n).is_none()) {
        let Some(o) = new_to_old[n] else {
            facts.places = true;
            continue;
        };
        let (a, b) = (&old_derived.items[o], &model.items[n]);
        facts.dates |= a.reviewed != b.reviewed;
        facts.texts |= a != b;
    }
    let same_ids = |a: &[PageId], b: &[PageId]| {
        a.len() == b.len() && a.iter().zip(b).all(|(&a, &b)| old_to_new[a] == Some(b))
    };
    // A page's own file gives its path, status, standard and tags; what
    // other pages give it is what can change while its file does not.
    let same_node = |a: &Node, b: &Node| {
        a.published == b.published
            && a.guides_fallback == b.guides_fallback
            && same_ids(&a.subjects, &b.subjects)
            && same_ids(&a.related, &b.related)
            && same_ids(&a.guides, &b.guides)
            && same_ids(&a.translations, &b.translations)
    };
    // A tag's label is the spelling of its first page: it can change
    // on every page that carries the tag.
    let relabeled: FxHashSet<&str> = graph
        .by_tag
        .iter()
        .filter(|(slug, t)| {
            old_graph
                .by_tag
                .get(*slug)
                .is_some_and(|o| o.name != t.name)
        })
        .map(|(slug, _)| slug.as_str())
        .collect();
    // Changed files are scanned again, so they are stale.
    let stale: Vec<bool> = (0..graph.nodes.len())
        .map(|n| match new_to_old[n] {
            None => true,
            Some(o) => {
                // A page not rendered (a draft) is not scanned: its file
                // says it changed.
                rescanned[n]
                    || changed_old[o]
                    || graph
                        .page(n)
                        .tag_slugs
                        .iter()
                        .any(|t| relabeled.contains(t.as_str()))
                    || !same_node(old_graph.page(o), graph.page(n))
                    || !same_ids(&old_derived.backlinks[o], &model.backlinks[n])
            }
        })
        .collect();

    // An entry of codes.json none of whose pages is stale goes along.
    (0..graph.nodes.len()).into_par_iter().for_each(|n| {
        let Some(o) = new_to_old[n] else { return };
        let node = graph.page(n);
        let fresh = !stale[n]
            && node.guides.iter().all(|&g| !stale[g])
            && node.translations.iter().all(|&t| !stale[t]);
        if fresh {
            let entry = old_derived.code_entries[o]
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take();
            *model.code_entries[n]
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = entry;
        }
    });

    // Lists that gained or lost a page.
    let mut touched: FxHashSet<String> = FxHashSet::default();
    let mut lists_of = |node: &Node| {
        if !node.published {
            return;
        }
        let kind = node.page.kind;
        if kind.spec().listing.is_some() {
            touched.insert(output_file(kind.spec().folder));
        }
        if kind.has_code() {
            if let Some(p) = &node.page.fm.provider {
                touched.insert(output_file(&List::Provider(p.clone()).path()));
            }
        }
        for t in node.tag_slugs.iter() {
            touched.insert(output_file(&List::Tag(t.clone()).path()));
        }
        if let Some(s) = &node.standard {
            touched.insert(output_file(&List::Standard(s.clone()).path()));
        }
        // A page's review date decides whether it is overdue.
        if model.config.overdue_page && kind.is_reviewed() {
            touched.insert(output_file(&List::Overdue.path()));
        }
    };
    for (o, node) in old_graph.nodes.iter().enumerate() {
        if changed_old[o] || old_to_new[o].is_none() {
            lists_of(node);
        }
    }
    for (n, node) in graph.nodes.iter().enumerate() {
        if new_to_old[n].is_none_or(|o| changed_old[o]) {
            lists_of(node);
        }
    }
    for slug in &relabeled {
        touched.insert(output_file(&List::Tag(slug.to_string()).path()));
    }
    // The same lists in the other languages' sections.
    let sections: Vec<String> = (1..model.config.languages.len())
        .map(|l| crate::routes::prefix(model.config, l))
        .collect();
    let in_sections: Vec<String> = touched
        .iter()
        .flat_map(|file| sections.iter().map(move |p| format!("{p}{file}")))
        .collect();
    touched.extend(in_sections);

    // Each output: its old bytes when nothing it read changed.
    meter.phase("plan", 0);
    let jobs = render::plan(&model);
    let mut reads: Reads = FxHashMap::default();
    reads.reserve(jobs.len());
    let mut todo: Vec<(&Job, String)> = Vec::new();
    // Each output's record is taken out of the old ones: what is left
    // afterwards are outputs the site no longer has.
    let unshifted = old_to_new.iter().enumerate().all(|(o, n)| *n == Some(o));
    let fresh = |&o: &PageId| old_to_new[o].is_some_and(|n| !stale[n]);
    // An output that read a page's item alone holds while the item and
    // whether the page is published do (a stale page may have changed
    // only its backlinks, its related pages or its body).
    let fresh_item = |&o: &PageId| {
        old_to_new[o].is_some_and(|n| {
            !stale[n] || (same_item[n] && old_graph.page(o).published == graph.page(n).published)
        })
    };
    // Each output's file, and whether its record holds, decided in
    // parallel; the records are moved after, and renumbered in place.
    let decided: Vec<(String, bool)> = jobs
        .par_iter()
        .map(|job| {
            let file = render::output_of(&model, job);
            let record = match job {
                Job::Home(_) => None,
                Job::List(..) if touched.contains(&file) => None,
                _ => old_reads
                    .get(&file)
                    .filter(|_| snapshot.files.contains_key(&file)),
            };
            let holds = record.is_some_and(|read| {
                read.pages.iter().all(fresh) && read.items.iter().all(fresh_item)
            });
            (file, holds)
        })
        .collect();
    for (job, (file, holds)) in jobs.iter().zip(decided) {
        match (holds, old_reads.remove(&file)) {
            (true, Some(mut read)) => {
                if !unshifted {
                    // Every page it read is kept: at its new id, in order.
                    for id in read.pages.iter_mut().chain(read.items.iter_mut()) {
                        *id = old_to_new[*id].unwrap_or(*id);
                    }
                }
                reads.insert(file, read);
            }
            _ => todo.push((job, file)),
        }
    }
    // The outputs to render again, beside the files made without a
    // template (every one of them reads many pages).
    meter.phase("render", todo.len());
    let (rendered, made): (Vec<_>, Vec<(String, Packed)>) = rayon::join(
        || {
            todo.par_iter()
                .map(|(job, _)| {
                    let (r, read) =
                        crate::view::recording(|| render::render_job(&model, tera, &[], job));
                    (r.map(|(path, bytes)| (path, bytes.packed())), read)
                })
                .collect()
        },
        || {
            crate::routes::of_site(model.config, model.graph.by_tag.keys())
                .into_par_iter()
                .filter_map(|route| {
                    let Make::File(make, lang, reads) = route.make else {
                        return None;
                    };
                    let file = route.file();
                    (reads.any(facts) || !snapshot.files.contains_key(&file))
                        .then(|| (file, Packed::new(make(&model, lang).as_bytes())))
                })
                .collect()
        },
    );
    meter.phase("snapshot", 0);
    let mut files = snapshot.files.clone();
    for file in old_reads.keys() {
        files.remove(file);
    }
    // A site's static file of a generated file's path replaces it.
    let copied: FxHashSet<&str> = checked
        .statics
        .iter()
        .chain(&checked.content_assets)
        .map(|f| f.inner.as_str())
        .collect();
    let mut failed = Vec::new();
    let n = rendered.len();
    for (r, read) in rendered {
        match r {
            Ok((path, bytes)) => {
                if !copied.contains(path.as_str()) {
                    files.insert(path.clone(), bytes);
                }
                reads.insert(path, read);
            }
            Err((template, e)) => failed.push(crate::templates::template_diag(
                &template,
                &checked.overrides,
                &e,
            )),
        }
    }
    if !failed.is_empty() || !model.take_unread().is_empty() {
        return Update::Lost(build::sorted(failed));
    }
    for (file, bytes) in made {
        if !copied.contains(file.as_str()) {
            files.insert(file, bytes);
        }
    }
    let derived = Some(model.into_derived());
    // What the last build held is freed beside the next steps, not
    // before them: some 100,000 allocations at 10,000 pages.
    let old = (old_graph, old_derived, old_reads, snapshot);
    std::thread::spawn(move || drop(old));
    Update::Built(
        Box::new(Live {
            checked,
            derived,
            snapshot: Arc::new(Snapshot { files }),
            search_stale: true,
            reads,
        }),
        n,
        how == Place::Patched,
    )
}

/// How the next graph is made from the last one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Kept, with the changed pages swapped in: every page is where it was.
    Kept,
    /// Patched ([`Graph::patch`]).
    Patched,
    /// Placed again from every page.
    Again,
}

/// The last graph with the changed pages swapped in, when the graph reads
/// the same of each as of the page it replaces (an edit of a title, a
/// summary or a body: no page added or removed, no ref, tag or path
/// changed); else the last graph patched ([`Graph::patch`]), when it can
/// be; else the pages, to place in a new graph.
fn placing(
    checked: &build::Checked,
    opts: &Options,
    changed: &BTreeMap<String, Changed>,
    changed_old: &[bool],
    loaded: BTreeMap<&str, Option<Arc<Page>>>,
    pages: Vec<Arc<Page>>,
    broken: BTreeSet<String>,
) -> (build::Placing, Place) {
    let old = &checked.graph;
    let swaps: Option<Vec<(PageId, Arc<Page>)>> = changed
        .keys()
        .map(|rel| {
            let page = loaded.get(rel.as_str())?.as_ref()?;
            let id = old.lookup_inner(&page.inner)?;
            // A translation as the graph holds it: with the facts of its
            // original, as loaded again if it changed too.
            let page = match old.page(id).original {
                Some(o) => {
                    let of = &old.page(o).page;
                    let original = match loaded.get(of.file.as_str()) {
                        Some(again) => again.as_ref()?,
                        None => of,
                    };
                    let mut problems = Vec::new();
                    let merged = crate::graph::translated(page, original, &mut problems);
                    if !problems.is_empty() {
                        return None;
                    }
                    Arc::new(merged)
                }
                None => page.clone(),
            };
            crate::graph::same_place(&old.page(id).page, &page).then_some((id, page))
        })
        .collect();
    if let Some(swaps) = swaps.filter(|_| old.broken == broken) {
        let mut graph = old.clone();
        for (id, page) in swaps {
            graph.swap_page(id, page);
        }
        let autolinks = checked.autolinks.clone();
        return (build::Placing::Placed(graph, autolinks), Place::Kept);
    }
    let removed: Vec<PageId> = (0..changed_old.len()).filter(|&o| changed_old[o]).collect();
    let added: Option<Vec<Arc<Page>>> = loaded.into_values().collect();
    let patched = added
        .filter(|_| old.broken == broken)
        .and_then(|added| old.patch(&removed, added, &checked.config, opts.drafts));
    match patched {
        Some(graph) => {
            let autolinks = Arc::new(crate::markdown::autolink_table(&graph));
            (build::Placing::Placed(graph, autolinks), Place::Patched)
        }
        None => (build::Placing::Pages(pages, broken), Place::Again),
    }
}

/// A changed file's path below the root, `/`-separated.
fn rel_of(opts: &Options, root_abs: &Path, path: &Path) -> String {
    let rel = path
        .strip_prefix(root_abs)
        .or_else(|_| path.strip_prefix(&opts.root))
        .unwrap_or(path);
    crate::source::rel_path(Path::new(""), rel)
}

/// True when every path is a file under templates/.
pub(super) fn all_templates(opts: &Options, root_abs: &Path, paths: &[PathBuf]) -> bool {
    !paths.is_empty()
        && paths
            .iter()
            .all(|p| rel_of(opts, root_abs, p).starts_with("templates/"))
}

/// The changed files by path below the root, each a page file the walk
/// would find, read; `None` when one is anything else.
fn read_changed(
    opts: &Options,
    root_abs: &Path,
    paths: &[PathBuf],
) -> Option<BTreeMap<String, Changed>> {
    let mut out = BTreeMap::new();
    for path in paths {
        let rel = rel_of(opts, root_abs, path);
        let inner = rel.strip_prefix("content/")?;
        if !inner.ends_with(".md") || inner.split('/').any(crate::source::is_ignored_name) {
            return None;
        }
        let abs = opts.root.join(&rel);
        let change = match std::fs::symlink_metadata(&abs) {
            Ok(m) if m.is_file() => Changed::Present(std::fs::read(&abs).ok()?),
            Ok(_) => return None,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Changed::Gone,
            Err(_) => return None,
        };
        out.insert(rel, change);
    }
    Some(out)
}

/// Each old page's id in the new graph, and each new page's id in the
/// old: the page of the same file.
fn id_maps(old: &Graph, new: &Graph) -> (Vec<Option<PageId>>, Vec<Option<PageId>>) {
    let to_new: Vec<Option<PageId>> = old
        .nodes
        .par_iter()
        .map(|n| new.lookup_inner(n.page.file.strip_prefix("content/")?))
        .collect();
    let mut to_old = vec![None; new.nodes.len()];
    for (o, n) in to_new.iter().enumerate() {
        if let Some(n) = *n {
            to_old[n] = Some(o);
        }
    }
    (to_new, to_old)
}

/// Rebuilds `live` after an edit of the site's templates alone: the theme
/// is loaded again and every output rendered again from the pages, graph
/// and scans of the last build, which templates do not change.
pub(super) fn templates(
    live: Box<Live>,
    opts: &Options,
    memo: &crate::memo::Memo,
    meter: &Meter,
) -> Update {
    meter.phase("templates", 0);
    let old = &live.checked;
    let scan = crate::source::scan_templates(&opts.root, &build::output_dir(opts, &old.config));
    let mut template_diags = Vec::new();
    let (overrides, tera) = build::load_templates(&scan.templates, &mut template_diags);
    let mut template_links = Vec::new();
    build::check_links_in_templates(&overrides, &old.config, &old.graph, &mut template_links);
    let mut diagnostics: Vec<Diagnostic> = old
        .diagnostics
        .iter()
        .filter(|d| !old.parts.template_diags.contains(d) && !old.template_links.contains(d))
        .cloned()
        .collect();
    diagnostics.extend(template_diags.iter().cloned());
    diagnostics.extend(template_links.iter().cloned());
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Update::Failed(live, build::sorted(diagnostics));
    }
    let Live {
        checked,
        snapshot,
        search_stale,
        ..
    } = *live;
    let mut checked = Checked {
        overrides,
        tera,
        diagnostics,
        template_links,
        ..checked
    };
    checked.parts.template_diags = template_diags;
    // Bodies are rendered through the memo tables, under the fingerprint
    // that page edits leave unmade.
    checked.fingerprint_for(opts);
    let rendered = super::session::render_in_memory(&checked, opts, memo, meter);
    // The outputs of the templates before are of no more use.
    memo.outputs.rotate();
    let (mut files, reads, derived) = match rendered {
        Ok(Ok(r)) => r,
        Ok(Err(d)) => return Update::Lost(d),
        Err(e) => return Update::Lost(vec![crate::diag::Rule::File.site_error(format!("{e:#}"))]),
    };
    // The search index reads no template: it stays as it was.
    files.extend(
        snapshot
            .files
            .iter()
            .filter(|(path, _)| crate::search::owns(path))
            .map(|(path, bytes)| (path.clone(), bytes.clone())),
    );
    let n = reads.len();
    let derived = derived.or_else(|| Some(build::model(&checked, opts.today).into_derived()));
    Update::Built(
        Box::new(Live {
            checked,
            derived,
            snapshot: Arc::new(Snapshot { files }),
            search_stale,
            reads,
        }),
        n,
        false,
    )
}

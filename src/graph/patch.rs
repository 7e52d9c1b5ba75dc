//! [`Graph::patch`]: the graph after some page files changed, made from
//! the last one by changing only what those pages touch, for `serve`: a
//! new, deleted or renamed page, or an edit of what the graph reads of
//! one (its code, tags, related pages, aliases, standard, draft flag).
//! What it cannot be sure of (a problem to report, translations, the home
//! page's introduction, a page that failed to load) it leaves to
//! [`build`](super::build), which places every page and reports.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::{Alias, Claims, Graph, Node, Own, PageId, RefKey, Tag};
use crate::config::Config;
use crate::load::Page;
use crate::urls::output_file;

impl Graph {
    /// The graph [`build`](super::build) makes of this graph's pages
    /// without `removed` (ids, ascending: the pages of deleted and changed
    /// files) and with `added` (the pages of new and changed files, loaded
    /// again); `None` when a fresh build must decide.
    pub fn patch(
        &self,
        removed: &[PageId],
        mut added: Vec<Arc<Page>>,
        config: &Config,
        drafts: bool,
    ) -> Option<Graph> {
        let old = self;
        if !old.clean
            || config.languages.len() > 1
            || removed.iter().any(|&r| old.home_intro == Some(r))
        {
            return None;
        }
        added.par_sort_by(|a, b| a.file.cmp(&b.file));
        let (old_to_new, added_ids) = merged_ids(old, removed, &added)?;
        let len = old_to_new.iter().flatten().count() + added.len();
        let own: Vec<Own> = added
            .par_iter()
            .zip(&added_ids)
            .map(|(page, &id)| Own::of(id, page, config, drafts))
            .collect();
        // A problem is reported by a fresh build; the home page's
        // introduction is placed by one.
        if own
            .iter()
            .any(|o| o.provider_diag.is_some() || !o.later_diags.is_empty() || o.path.is_empty())
        {
            return None;
        }

        let mut g = Graph {
            nodes: Vec::new(),
            by_inner: old.by_inner.clone(),
            codes: old.codes.clone(),
            codes_any: old.codes_any.clone(),
            by_provider: old.by_provider.clone(),
            by_tag: old.by_tag.clone(),
            by_standard: old.by_standard.clone(),
            aliases: Vec::new(),
            featured: Vec::new(),
            home_intro: old.home_intro.and_then(|h| old_to_new[h]),
            outputs: old.outputs.clone(),
            folders: old.folders.clone(),
            clean: true,
            broken: old.broken.clone(),
        };
        g.index(old, removed, &old_to_new, &own, &added_ids)?;
        let mut nodes = kept_nodes(old, &old_to_new, len);
        for ((page, own), &id) in added.into_iter().zip(own).zip(&added_ids) {
            let node = Node::at_place(page, own.placed, own.path, own.published, own.standard);
            nodes[id] = Some(Arc::new(node));
        }
        g.nodes = nodes.into_iter().collect::<Option<_>>()?;
        let aliases = g.connect_again(old, removed, &added_ids, config)?;
        g.regroup(old, removed, &old_to_new, &added_ids);
        g.claim_again(old, removed, &old_to_new, &added_ids, aliases, config)?;
        let mut diags = Vec::new();
        g.offer_guides(config, &mut diags);
        diags.is_empty().then_some(g)
    }

    /// The code index and the index of content paths, without the removed
    /// pages, renumbered, with the added ones; `None` on a code taken.
    fn index(
        &mut self,
        old: &Graph,
        removed: &[PageId],
        old_to_new: &[Option<PageId>],
        own: &[Own],
        added_ids: &[PageId],
    ) -> Option<()> {
        let by_inner = Arc::make_mut(&mut self.by_inner);
        let codes = Arc::make_mut(&mut self.codes);
        let codes_any = Arc::make_mut(&mut self.codes_any);
        for &r in removed {
            let node = &old.nodes[r];
            by_inner.remove(&node.placed.inner);
            if let Some(key) = super::code_key(&node.page, &node.placed) {
                codes.remove(&key);
                if let Some(ids) = codes_any.get_mut(&key.1) {
                    ids.retain(|&i| i != r);
                    if ids.is_empty() {
                        codes_any.remove(&key.1);
                    }
                }
            }
        }
        let to_new = |i: &mut PageId| *i = old_to_new[*i].unwrap_or(*i);
        by_inner.values_mut().for_each(to_new);
        codes.values_mut().for_each(to_new);
        codes_any.values_mut().flatten().for_each(to_new);
        for (own, &id) in own.iter().zip(added_ids) {
            if by_inner.insert(own.inner.clone(), id).is_some() {
                return None;
            }
            if let Some(key) = &own.code_key {
                if codes.contains_key(key) {
                    return None;
                }
                let ids = codes_any.entry(key.1.clone()).or_default();
                let at = ids.binary_search(&id).unwrap_or_else(|at| at);
                ids.insert(at, id);
                codes.insert(key.clone(), id);
            }
        }
        Some(())
    }

    /// Refs resolved for the added pages, and again for every page with a
    /// ref that names a code of a removed or added page; the added pages'
    /// aliases. `None` on a problem.
    fn connect_again(
        &mut self,
        old: &Graph,
        removed: &[PageId],
        added_ids: &[PageId],
        config: &Config,
    ) -> Option<Vec<(PageId, Vec<String>)>> {
        let g = &*self;
        let codes: FxHashSet<&str> = removed
            .iter()
            .map(|&r| &*old.nodes[r])
            .chain(added_ids.iter().map(|&id| &*g.nodes[id]))
            .filter_map(|n| n.placed.code.as_deref())
            .collect();
        // A ref `a:b` whose `a` is no provider may name the code `a:b`.
        let every = codes.iter().any(|c| c.contains(':'));
        let names = |keys: &[RefKey]| {
            keys.iter().any(|k| match k {
                RefKey::Provider((_, c)) | RefKey::Bare(c) => codes.contains(c.as_str()),
            })
        };
        let again: Vec<(PageId, super::Connected)> = (0..g.nodes.len())
            .into_par_iter()
            .filter(|&id| {
                let p = &g.nodes[id].placed;
                every
                    || added_ids.binary_search(&id).is_ok()
                    || names(&p.related)
                    || names(&p.subjects)
            })
            .map(|id| (id, g.connect(id, config)))
            .collect();
        if again.iter().any(|(_, c)| !c.diags.is_empty()) {
            return None;
        }
        let mut aliases = Vec::new();
        for (id, c) in again {
            let node = &self.nodes[id];
            if added_ids.binary_search(&id).is_ok() {
                let n = Arc::make_mut(&mut self.nodes[id]);
                n.subjects = c.subjects;
                n.related = c.related;
                n.tag_slugs = c.tag_slugs.into();
                aliases.push((id, c.aliases));
            } else if node.subjects != c.subjects || node.related != c.related {
                let n = Arc::make_mut(&mut self.nodes[id]);
                n.subjects = c.subjects;
                n.related = c.related;
            }
        }
        Some(aliases)
    }

    /// The groups by provider, tag and standard without the removed pages,
    /// renumbered, with the published added ones; a tag's name is the
    /// spelling of its first page.
    fn regroup(
        &mut self,
        old: &Graph,
        removed: &[PageId],
        old_to_new: &[Option<PageId>],
        added_ids: &[PageId],
    ) {
        let renumber = |ids: &mut Vec<PageId>| {
            ids.retain_mut(|i| match old_to_new[*i] {
                Some(n) => {
                    *i = n;
                    true
                }
                None => false,
            })
        };
        let insert = |ids: &mut Vec<PageId>, id: PageId| {
            let at = ids.binary_search(&id).unwrap_or_else(|at| at);
            ids.insert(at, id);
        };
        self.by_provider.values_mut().for_each(renumber);
        self.by_standard.values_mut().for_each(renumber);
        self.by_tag
            .values_mut()
            .for_each(|t| renumber(&mut t.pages));
        let mut tags: BTreeSet<String> = removed
            .iter()
            .flat_map(|&r| old.nodes[r].tag_slugs.iter().cloned())
            .collect();
        for &id in added_ids {
            let node = &self.nodes[id];
            if !node.published {
                continue;
            }
            let fm = &node.page.fm;
            for (slug, tag) in node.tags_named() {
                let t = self.by_tag.entry(slug.clone()).or_insert_with(|| Tag {
                    name: tag.clone(),
                    pages: Vec::new(),
                });
                insert(&mut t.pages, id);
                tags.insert(slug.clone());
            }
            if let (true, Some(p)) = (node.page.kind.has_code(), &fm.provider) {
                insert(self.by_provider.entry(p.clone()).or_default(), id);
            }
            if let Some(s) = &node.standard {
                insert(self.by_standard.entry(s.clone()).or_default(), id);
            }
        }
        self.by_provider.retain(|_, ids| !ids.is_empty());
        self.by_standard.retain(|_, ids| !ids.is_empty());
        self.by_tag.retain(|_, t| !t.pages.is_empty());
        for slug in &tags {
            let Some(t) = self.by_tag.get_mut(slug) else {
                continue;
            };
            let first = &self.nodes[t.pages[0]];
            if let Some((_, name)) = first.tags_named().find(|(s, _)| *s == slug) {
                t.name = name.clone();
            }
        }
    }

    /// The outputs without those of the removed pages, their aliases and
    /// the tags gone; with those of the added pages, their aliases and the
    /// new tags. `None` on a collision.
    fn claim_again(
        &mut self,
        old: &Graph,
        removed: &[PageId],
        old_to_new: &[Option<PageId>],
        added_ids: &[PageId],
        aliases: Vec<(PageId, Vec<String>)>,
        config: &Config,
    ) -> Option<()> {
        let mut claims = Claims {
            files: Arc::unwrap_or_clone(std::mem::take(&mut self.outputs)),
            folders: Arc::unwrap_or_clone(std::mem::take(&mut self.folders)),
        };
        let key = |path: &str| output_file(path).to_lowercase();
        for &r in removed.iter().filter(|&&r| old.nodes[r].published) {
            claims.files.remove(&key(&old.nodes[r].path));
        }
        self.aliases = Vec::with_capacity(old.aliases.len());
        for a in &old.aliases {
            match old_to_new[a.target] {
                Some(target) => self.aliases.push(Alias {
                    path: a.path.clone(),
                    target,
                }),
                None => {
                    claims.files.remove(&key(&a.path));
                }
            }
        }
        let lists = |tags: &BTreeMap<String, Tag>| -> BTreeMap<String, String> {
            let providers: BTreeSet<&String> = config.providers.keys().collect();
            crate::routes::lists(providers, config, tags.keys())
                .into_iter()
                .map(|r| (r.file().to_lowercase(), r.what))
                .collect()
        };
        let (before, after) = (lists(&old.by_tag), lists(&self.by_tag));
        for file in before.keys().filter(|f| !after.contains_key(*f)) {
            claims.files.remove(file);
        }
        let mut claim = |key: String, what: String| {
            let free = !claims.files.contains_key(&key) && claims.folder_clash(&key).is_none();
            free.then(|| claims.insert(key, what, true))
        };
        for &id in added_ids.iter().filter(|&&id| self.nodes[id].published) {
            let page = &self.nodes[id].page;
            claim(key(&self.nodes[id].path), page.file.clone())?;
        }
        for (id, paths) in aliases
            .into_iter()
            .filter(|(id, _)| self.nodes[*id].published)
        {
            for path in paths {
                let what = format!("the alias \"/{path}\" of {}", self.nodes[id].page.file);
                claim(key(&path), what)?;
                self.aliases.push(Alias { path, target: id });
            }
        }
        for (file, what) in after.into_iter().filter(|(f, _)| !before.contains_key(f)) {
            claim(file, what)?;
        }
        // In page order, each page's aliases in its own order.
        self.aliases.sort_by_key(|a| a.target);
        self.outputs = Arc::new(claims.files);
        self.folders = Arc::new(claims.folders);
        Some(())
    }
}

/// Each old page's id among the kept and added pages in file order, and
/// each added page's; `None` when an added page's file is one kept.
fn merged_ids(
    old: &Graph,
    removed: &[PageId],
    added: &[Arc<Page>],
) -> Option<(Vec<Option<PageId>>, Vec<PageId>)> {
    let mut old_to_new = vec![None; old.nodes.len()];
    let mut added_ids = Vec::with_capacity(added.len());
    let mut gone = removed.iter().peekable();
    let mut next = added.iter().peekable();
    let mut id = 0;
    for (o, node) in old.nodes.iter().enumerate() {
        if gone.next_if_eq(&&o).is_some() {
            continue;
        }
        while next.next_if(|p| p.file < node.page.file).is_some() {
            added_ids.push(id);
            id += 1;
        }
        if next.peek().is_some_and(|p| p.file == node.page.file) {
            return None;
        }
        old_to_new[o] = Some(id);
        id += 1;
    }
    for _ in next {
        added_ids.push(id);
        id += 1;
    }
    Some((old_to_new, added_ids))
}

/// The kept nodes at their new ids, each copied only when an id it holds
/// moved; the added pages' places empty.
fn kept_nodes(old: &Graph, old_to_new: &[Option<PageId>], len: usize) -> Vec<Option<Arc<Node>>> {
    let moved = |ids: &[PageId]| ids.iter().any(|&i| old_to_new[i] != Some(i));
    let renumbered =
        |ids: &[PageId]| -> Vec<PageId> { ids.iter().filter_map(|&i| old_to_new[i]).collect() };
    let kept: Vec<(PageId, Arc<Node>)> = old
        .nodes
        .par_iter()
        .zip(old_to_new)
        .filter_map(|(node, &new)| {
            let new = new?;
            if !(moved(&node.subjects) || moved(&node.related) || moved(&node.guides)) {
                return Some((new, node.clone()));
            }
            let mut n = Node::clone(node);
            n.subjects = renumbered(&node.subjects);
            n.related = renumbered(&node.related);
            n.guides = renumbered(&node.guides);
            Some((new, Arc::new(n)))
        })
        .collect();
    let mut nodes: Vec<Option<Arc<Node>>> = vec![None; len];
    for (id, node) in kept {
        nodes[id] = Some(node);
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{build, Inputs, Reserved};

    const SITE: &str = r#"
title = "T"
base_url = "https://example.com/"
review_interval_days = 180
default_standard = "notes"
[providers.http]
name = "HTTP"
[providers.grpc]
name = "gRPC"
[standards.notes]
name = "notes"
description = "d"
[decision_support]
featured = ["compare/c0.md"]
"#;

    /// A small, repeatable random source.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
        fn some<'a>(&mut self, from: &[&'a str], most: usize) -> Vec<&'a str> {
            (0..self.below(most + 1))
                .map(|_| from[self.below(from.len())])
                .collect()
        }
    }

    /// A random page file of the site: its path and text. Few files,
    /// tags and aliases, so that pages meet: error page `p<n>` has the
    /// code `E<n>` (`p9` one that meets another's); refs name codes, some
    /// not there.
    fn random_page(rng: &mut Rng, slot: usize) -> (String, String) {
        let list = |v: Vec<String>| {
            let quoted: Vec<String> = v.iter().map(|s| format!("{s:?}")).collect();
            quoted.join(", ")
        };
        let tags = rng.some(&["net", "Net", "db", "x y"], 3);
        let tags = list(tags.into_iter().map(String::from).collect());
        let aliases = match rng.below(4) {
            0 => rng.some(
                &[
                    "/old/a/",
                    "/old/b/",
                    "/old/c.html",
                    "/old/c.html/x/",
                    "/tags/net/",
                ],
                1,
            ),
            _ => Vec::new(),
        };
        let aliases = list(aliases.into_iter().map(String::from).collect());
        // The featured guide stays published.
        let draft = slot != 10 && rng.below(20) == 0;
        let provider = |n: usize| ["http", "grpc"][n % 2];
        // Mostly a ref that holds while its page is there; now and then
        // one to a code no page has, or one that `p9` makes ambiguous.
        let a_ref = |rng: &mut Rng| {
            let n = (slot + 1 + rng.below(8)) % 9;
            match rng.below(40) {
                0 => format!("{}:E{n}", provider(n + 1)),
                1 => "E1".to_string(),
                2 => "x:y".to_string(),
                3..15 if n != 1 => format!("E{n}"),
                _ => format!("{}:e{n}", provider(n)),
            }
        };
        if slot >= 10 {
            let path = format!("content/compare/c{}.md", slot - 10);
            let compares = vec![a_ref(rng), a_ref(rng)];
            let text = format!(
                "+++\ntitle = \"Guide\"\nsummary = \"S.\"\nreviewed = 2026-01-0{}\ncompares = [{}]\ntags = [{tags}]\ndraft = {draft}\n+++\nBody.\n",
                1 + rng.below(9),
                list(compares)
            );
            return (path, text);
        }
        let n = slot;
        let (code, provider) = match n {
            // Another provider's E1, a duplicate, a code with a colon, or
            // p5 under another name.
            9 => {
                let (code, provider) = [
                    ("E1", "http"),
                    ("e0", "http"),
                    ("x:y", "grpc"),
                    ("E5", "grpc"),
                ][rng.below(4)];
                (code.to_string(), provider)
            }
            n => (format!("E{n}"), provider(n)),
        };
        let related: Vec<String> = (0..rng.below(3)).map(|_| a_ref(rng)).collect();
        let path = format!("content/errors/{provider}/p{n}.md");
        let text = format!(
            "+++\ntitle = \"Page\"\ncode = {code:?}\nprovider = {provider:?}\nreviewed = 2026-01-0{}\ntags = [{tags}]\nrelated = [{}]\naliases = [{aliases}]\ndraft = {draft}\n+++\nBody.\n",
            1 + rng.below(9),
            list(related)
        );
        (path, text)
    }

    fn load(config: &Config, files: &BTreeMap<String, String>) -> BTreeMap<String, Arc<Page>> {
        let budget = crate::load::BodyBudget::for_build();
        let with = crate::load::With {
            today: crate::page::parse_date("2026-06-01").unwrap(),
            has_default_standard: config.default_standard.is_some(),
            budget: &budget,
            language: &config.language,
            translations: &[],
        };
        files
            .iter()
            .map(|(file, text)| {
                let inner = &file["content/".len()..];
                let mut d = Vec::new();
                let abs = std::path::Path::new("/nonexistent").join(file);
                let page = crate::load::page(file, inner, &abs, text.as_bytes(), &with, &mut d);
                assert!(d.is_empty(), "{file}: {d:?}");
                (file.clone(), Arc::new(page.unwrap()))
            })
            .collect()
    }

    fn graph_of(config: &Config, pages: &BTreeMap<String, Arc<Page>>) -> Graph {
        let reserved = crate::render::reserved_outputs(&[]);
        let inputs = Inputs {
            config,
            pages: pages.values().cloned().collect(),
            broken: BTreeSet::new(),
            assets: &[],
            statics: &[],
            drafts: false,
        };
        build(inputs, Reserved { files: &reserved }, &mut Vec::new())
    }

    /// What of two graphs differs, named.
    fn differences(a: &Graph, b: &Graph) -> Vec<&'static str> {
        let nodes = |g: &Graph| -> Vec<String> {
            g.nodes
                .iter()
                .map(|n| {
                    format!(
                        "{} {} {} {:?} {:?} {:?} {:?} {} {:?} {:?} {:?}",
                        n.page.file,
                        n.path,
                        n.published,
                        n.standard,
                        n.subjects,
                        n.related,
                        n.guides,
                        n.guides_fallback,
                        n.tag_slugs,
                        n.original,
                        n.translations
                    )
                })
                .collect()
        };
        let tags = |g: &Graph| -> Vec<(String, String, Vec<PageId>)> {
            g.by_tag
                .iter()
                .map(|(k, t)| (k.clone(), t.name.clone(), t.pages.clone()))
                .collect()
        };
        let aliases = |g: &Graph| -> Vec<(String, PageId)> {
            g.aliases
                .iter()
                .map(|a| (a.path.clone(), a.target))
                .collect()
        };
        let mut d = Vec::new();
        let mut check = |same: bool, what| {
            if !same {
                d.push(what);
            }
        };
        check(nodes(a) == nodes(b), "nodes");
        check(a.by_inner == b.by_inner, "by_inner");
        check(a.codes == b.codes, "codes");
        check(a.codes_any == b.codes_any, "codes_any");
        check(a.by_provider == b.by_provider, "by_provider");
        check(tags(a) == tags(b), "by_tag");
        check(a.by_standard == b.by_standard, "by_standard");
        check(aliases(a) == aliases(b), "aliases");
        check(a.featured == b.featured, "featured");
        check(a.home_intro == b.home_intro, "home_intro");
        check(a.outputs == b.outputs, "outputs");
        check(a.broken == b.broken, "broken");
        d
    }

    /// Random sites, each changed by random deletions, additions and
    /// edits: whenever the patch is taken, it is the graph a fresh build
    /// of the changed pages makes, and that build finds no problem.
    #[test]
    fn a_patched_graph_is_the_graph_of_a_fresh_build() {
        let config = Config::parse(SITE, &[]).unwrap();
        let (mut taken, mut cases) = (0, 0);
        for seed in 1..=8000u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let mut files: BTreeMap<String, String> = BTreeMap::new();
            for slot in 0..13 {
                if slot == 10 || rng.below(10) > 0 {
                    let (path, text) = random_page(&mut rng, slot);
                    files.insert(path, text);
                }
            }
            let before = load(&config, &files);
            let old = graph_of(&config, &before);
            if !old.clean {
                continue;
            }
            cases += 1;
            let mut after_files = files.clone();
            for _ in 0..(1 + rng.below(3)) {
                let slot = rng.below(13);
                let (path, text) = random_page(&mut rng, slot);
                match rng.below(3) {
                    0 => after_files.remove(&path),
                    _ => after_files.insert(path, text),
                };
            }
            let after = load(&config, &after_files);
            let changed = |f: &String| files.get(f) != after_files.get(f);
            let removed: Vec<PageId> = (0..old.nodes.len())
                .filter(|&id| changed(&old.nodes[id].page.file))
                .collect();
            let added: Vec<Arc<Page>> = after
                .iter()
                .filter(|(f, _)| changed(f))
                .map(|(_, p)| p.clone())
                .collect();
            let Some(patched) = old.patch(&removed, added, &config, false) else {
                continue;
            };
            taken += 1;
            let fresh = graph_of(&config, &after);
            assert!(
                fresh.clean,
                "seed {seed}: patched, but a fresh build finds problems"
            );
            let d = differences(&patched, &fresh);
            assert!(
                d.is_empty(),
                "seed {seed}: {d:?} differ\n{files:#?}\n{after_files:#?}"
            );
        }
        // Most clean sites are patched: the test checks the patch, not
        // only its refusals.
        assert!(
            taken >= 150 && taken * 3 > cases,
            "{taken} of {cases} patched"
        );
    }
}

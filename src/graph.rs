//! The site model: every page with its URL, the refs between pages resolved,
//! reverse edges (decision support), groups (providers, tags, standards),
//! aliases, and the set of every output path, checked for collisions.
//!
//! Built once from loaded pages, then read-only: markdown rendering resolves
//! links through it, views read it. Nothing in it depends on page bodies, so a
//! body edit leaves the graph as it was: the one change made to a built graph
//! is serve's, which swaps in a page the graph reads the same of
//! ([`same_place`]: a body edit, or a new title or summary). For other page
//! edits serve makes the next graph from the last one ([`Graph::patch`], in
//! `graph/patch.rs`), leaving it as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use unicode_normalization::UnicodeNormalization;

use crate::config::{known_list, Config};
use crate::diag::{Diagnostic, Rule};
use crate::load::Page;
use crate::urls::{code_slug, output_file, percent_decode};

mod patch;

pub type PageId = usize;

/// A page in the graph: the loaded page plus what the graph derived for it.
#[derive(Clone, Debug)]
pub struct Node {
    /// Shared with the memo tables and the next build of `serve`.
    pub page: std::sync::Arc<Page>,
    /// Site path: `errors/http/429/`.
    pub path: String,
    pub published: bool,
    pub standard: Option<String>,
    /// compares (compare guides) or covers (playbooks), resolved.
    pub subjects: Vec<PageId>,
    pub related: Vec<PageId>,
    /// Compare guides and playbooks whose compares/covers name this page.
    pub guides: Vec<PageId>,
    /// True when `guides` came from the fallback (shared tags or featured).
    pub guides_fallback: bool,
    /// Tag slugs, in the page's order.
    pub tag_slugs: Arc<[String]>,
    /// A translation's original (SPEC §11), from which it takes its
    /// URL (under `<lang>/`), refs, tags and guides.
    pub original: Option<PageId>,
    /// An original's translations, in file order.
    pub translations: Vec<PageId>,
    placed: Arc<Placed>,
}

/// What the graph derives from one page alone: its path, its names in the
/// indexes, the slugs of its tags and the paths of its aliases (or why
/// each is invalid). Made in parallel, once per loaded page
/// ([`Page::placed`]), so serve's next graph takes the unchanged pages'
/// as they are.
#[derive(Debug)]
pub struct Placed {
    slugify: bool,
    path: Result<String, String>,
    /// The content path in NFC.
    inner: String,
    /// The code, lowercase.
    code: Option<String>,
    tags: Vec<Result<String, String>>,
    aliases: Vec<Result<String, String>>,
    /// The keys of `related`, and of the subjects of a guide.
    related: Vec<RefKey>,
    subjects: Vec<RefKey>,
}

/// A ref's text as the code index is keyed: lowercase, the part before a
/// colon apart (it names a provider when the site has one of that name).
#[derive(Debug)]
enum RefKey {
    /// `(provider, code)`, as [`Graph::codes`] is keyed.
    Provider((String, String)),
    Bare(String),
}

impl RefKey {
    fn of(text: &str) -> RefKey {
        match text.split_once(':') {
            Some((p, c)) => RefKey::Provider((p.to_lowercase(), c.trim().to_lowercase())),
            None => RefKey::Bare(text.trim().to_lowercase()),
        }
    }
}

impl Placed {
    fn of(page: &Page, slugify: bool) -> Placed {
        let fm = &page.fm;
        Placed {
            slugify,
            path: page_path(page, slugify),
            inner: page.inner.nfc().collect(),
            code: fm.code.as_deref().map(str::to_lowercase),
            tags: fm
                .tags
                .iter()
                .map(|t| crate::urls::segment(t, slugify))
                .collect(),
            aliases: fm.aliases.iter().map(|a| alias_path(&a.text)).collect(),
            related: fm.related.iter().map(|r| RefKey::of(&r.text)).collect(),
            subjects: match page.kind.spec().subjects {
                Some(refs) => refs(fm).iter().map(|r| RefKey::of(&r.text)).collect(),
                None => Vec::new(),
            },
        }
    }
}

/// True when the graph reads the same of page `a` as of page `b`, so that
/// a graph holding `a` without errors holds `b` in its place unchanged:
/// what differs is only read by views (title, summary, dates, references,
/// extra fields) or names lines for errors the graph did not have.
pub fn same_place(a: &Page, b: &Page) -> bool {
    fn texts(refs: &[crate::page::RefAt]) -> Vec<&str> {
        refs.iter().map(|r| r.text.as_str()).collect()
    }
    // Every field named, so that a new one is a decision, not a default.
    let crate::page::FrontMatter {
        title: _,
        code,
        provider,
        summary: _,
        reviewed: _,
        standard,
        compares,
        covers,
        related,
        tags,
        aliases,
        references: _,
        references_given,
        draft,
        slug,
        extra: _,
        key_lines: _,
    } = &a.fm;
    let y = &b.fm;
    a.file == b.file
        && a.inner == b.inner
        && a.kind == b.kind
        && *code == y.code
        && *provider == y.provider
        && *standard == y.standard
        && texts(compares) == texts(&y.compares)
        && texts(covers) == texts(&y.covers)
        && texts(related) == texts(&y.related)
        && *tags == y.tags
        && texts(aliases) == texts(&y.aliases)
        && (*references_given == 0) == (y.references_given == 0)
        && *draft == y.draft
        && *slug == y.slug
}

impl Node {
    /// A page at its place, before refs, tags and guides connect it.
    fn at_place(
        page: Arc<Page>,
        placed: Arc<Placed>,
        path: String,
        published: bool,
        standard: Option<String>,
    ) -> Node {
        Node {
            page,
            placed,
            path,
            published,
            standard,
            subjects: Vec::new(),
            related: Vec::new(),
            guides: Vec::new(),
            guides_fallback: false,
            tag_slugs: Arc::default(),
            original: None,
            translations: Vec::new(),
        }
    }

    /// The page's code, lowercase, as the code index is keyed.
    pub fn code_lowercase(&self) -> Option<&str> {
        self.placed.code.as_deref()
    }

    /// Each of `tag_slugs` with the first of the page's tags that makes
    /// it, as written: `["DNS", "dns", "tls"]` names `dns` "DNS" and
    /// `tls` "tls".
    fn tags_named(&self) -> impl Iterator<Item = (&String, &String)> {
        let written = || self.page.fm.tags.iter().zip(&self.placed.tags);
        self.tag_slugs.iter().filter_map(move |slug| {
            written()
                .find(|(_, s)| s.as_ref() == Ok(slug))
                .map(|(name, _)| (slug, name))
        })
    }
}

impl Graph {
    /// Puts `page` in the place of the page of its file, which
    /// [`same_place`] found the graph reads the same of.
    pub fn swap_page(&mut self, id: PageId, page: Arc<Page>) {
        debug_assert!(same_place(&self.nodes[id].page, &page));
        Arc::make_mut(&mut self.nodes[id]).page = page;
    }
}

impl Page {
    /// The page's [`Placed`] under the site's `slugify` setting.
    pub fn placed(&self, slugify: bool) -> Arc<Placed> {
        match self.placed.get() {
            Some(p) if p.slugify == slugify => p.clone(),
            Some(_) => Arc::new(Placed::of(self, slugify)),
            None => self
                .placed
                .get_or_init(|| Arc::new(Placed::of(self, slugify)))
                .clone(),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Tag {
    pub name: String,
    pub pages: Vec<PageId>,
}

#[derive(Clone, Debug)]
pub struct Alias {
    /// Site path of the redirect: `old/aadsts53003/`.
    pub path: String,
    pub target: PageId,
}

/// The indexes over every page are shared (`Arc`): serve's copy of a
/// graph with a page swapped in copies only the nodes.
#[derive(Clone, Debug)]
pub struct Graph {
    /// Shared, so that serve's copy of a graph kept with a page swapped
    /// in copies one node.
    pub nodes: Vec<Arc<Node>>,
    /// Content paths in NFC -> pages.
    pub by_inner: Arc<HashMap<String, PageId>>,
    /// `(provider, lowercase code)` -> page.
    codes: Arc<HashMap<(String, String), PageId>>,
    /// lowercase code -> pages with it, over every provider.
    codes_any: Arc<HashMap<String, Vec<PageId>>>,
    pub by_provider: BTreeMap<String, Vec<PageId>>,
    pub by_tag: BTreeMap<String, Tag>,
    pub by_standard: BTreeMap<String, Vec<PageId>>,
    pub aliases: Vec<Alias>,
    pub featured: Vec<PageId>,
    /// `content/index.md` (or `_index.md`): its body introduces the home page.
    pub home_intro: Option<PageId>,
    /// Lowercased output file -> what writes it. Every file of the build,
    /// looked up, never listed in order (which would cost a sort).
    pub outputs: Arc<HashMap<String, String>>,
    /// The folders of the outputs' paths (see [`Claims`]), for
    /// [`Graph::patch`] to claim more.
    folders: Arc<HashMap<Box<str>, bool>>,
    /// True when placing the pages found no problem: a graph that
    /// [`Graph::patch`] may start from.
    clean: bool,
    /// Content paths of pages that exist but failed to load, so links to them
    /// do not add a second, misleading error.
    pub broken: BTreeSet<String>,
}

/// Files the renderer writes whatever the content: listings, feeds, assets.
pub struct Reserved<'a> {
    pub files: &'a [(String, String)],
}

pub struct Inputs<'a> {
    pub config: &'a Config,
    pub pages: Vec<std::sync::Arc<Page>>,
    pub broken: BTreeSet<String>,
    pub assets: &'a [(String, String)],
    pub statics: &'a [(String, String)],
    pub drafts: bool,
}

impl Graph {
    pub fn page(&self, id: PageId) -> &Node {
        &self.nodes[id]
    }

    pub fn published(&self) -> impl Iterator<Item = (PageId, &Node)> {
        self.nodes
            .iter()
            .map(|n| &**n)
            .enumerate()
            .filter(|(_, n)| n.published)
    }

    /// A warning for each published translation reviewed before its
    /// original was. Made from the graph as it is, so also after serve
    /// swapped a page in.
    pub fn outdated(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (_, n) in self.published() {
            let Some(o) = n.original else { continue };
            let (t, of) = (&n.page, &self.nodes[o].page);
            if let (Some(own), Some(theirs)) = (t.fm.reviewed, of.fm.reviewed) {
                if theirs > own {
                    out.push(Rule::Outdated.warning(
                        &t.file,
                        Some(t.fm.line_of("reviewed")),
                        format!(
                            "outdated translation: its original, {}, was reviewed on {}, after this translation was ({})",
                            of.file,
                            crate::page::format_date(theirs),
                            crate::page::format_date(own)
                        ),
                    ));
                }
            }
        }
        out
    }

    /// True for `content/index.md` and its translations: their bodies
    /// introduce the home pages, they are no pages of their own.
    pub fn is_home_intro(&self, id: PageId) -> bool {
        let n = &self.nodes[id];
        self.home_intro
            .is_some_and(|h| h == id || n.original == Some(h))
    }

    /// The published pages of the default language: what its listings,
    /// feed, search index and codes.json hold.
    pub fn originals(&self) -> impl Iterator<Item = (PageId, &Node)> {
        self.published().filter(|(_, n)| n.original.is_none())
    }

    /// The page a content path (`errors/http/429.md`) names. Paths are
    /// compared in NFC: a name saved decomposed (as macOS writes it) and a
    /// link typed composed name the same file.
    pub fn lookup_inner(&self, inner: &str) -> Option<PageId> {
        use unicode_normalization::UnicodeNormalization;
        match self.by_inner.get(inner) {
            Some(id) => Some(*id),
            None => self.by_inner.get(&inner.nfc().collect::<String>()).copied(),
        }
    }

    /// The page a ref names, from its key, when that is all there is to
    /// it; `None` when [`Graph::resolve_ref`] has more to say (an unknown
    /// provider or code, an ambiguous ref).
    fn resolve_key(
        &self,
        key: &RefKey,
        providers: &BTreeMap<String, crate::config::Provider>,
    ) -> Option<PageId> {
        match key {
            RefKey::Provider(pair) if providers.contains_key(&pair.0) => {
                self.codes.get(pair).copied()
            }
            RefKey::Provider(_) => None,
            RefKey::Bare(code) => match self.codes_any.get(code)?.as_slice() {
                [id] => Some(*id),
                _ => None,
            },
        }
    }

    /// Resolves a ref (`provider:code` or a bare code) to a page. The error
    /// names the candidates.
    pub fn resolve_ref(
        &self,
        text: &str,
        providers: &BTreeMap<String, crate::config::Provider>,
    ) -> Result<PageId, String> {
        let lowered_provider;
        let (provider, code) = match text.split_once(':') {
            Some((p, c)) if providers.contains_key(&p.to_lowercase()) => {
                lowered_provider = p.to_lowercase();
                (Some(lowered_provider.as_str()), c)
            }
            Some((p, _)) if !self.codes_any.contains_key(&text.to_lowercase()) => {
                return Err(format!(
                    "unknown provider \"{p}\" in ref \"{text}\" (known: {})",
                    known_list(providers.keys())
                ))
            }
            _ => (None, text),
        };
        let lower = code.trim().to_lowercase();
        if let Some(p) = provider {
            if let Some(&id) = self.codes.get(&(p.to_string(), lower.clone())) {
                return Ok(id);
            }
        } else {
            match self.codes_any.get(&lower).map(Vec::as_slice) {
                Some([id]) => return Ok(*id),
                Some(ids) if ids.len() > 1 => {
                    let cands: Vec<String> = ids.iter().map(|&i| self.ref_name(i)).collect();
                    return Err(format!(
                        "ambiguous ref \"{text}\": several providers have this code (candidates: {}); write provider:code",
                        cands.join(", ")
                    ));
                }
                _ => {}
            }
        }
        let cands = self.similar_codes(&lower, provider);
        Err(if cands.is_empty() {
            format!("unknown ref \"{text}\": no error page has this code")
        } else {
            format!("unknown ref \"{text}\" (candidates: {})", cands.join(", "))
        })
    }

    /// True when `text` may name a page that failed to load, going by file
    /// names (`errors/<provider>/<code-slug>.md`): its error is reported
    /// already, and refs to it would only repeat it.
    pub fn may_name_broken_page(&self, text: &str) -> bool {
        let (provider, code) = match text.split_once(':') {
            Some((p, c)) => (Some(p.to_lowercase()), c),
            None => (None, text),
        };
        let slug = crate::urls::code_slug(code.trim());
        self.broken.iter().any(|inner| {
            let mut parts = inner.split('/');
            matches!(
                (parts.next(), parts.next(), parts.next(), parts.next()),
                (Some("errors"), Some(p), Some(file), None)
                    if provider.as_deref().is_none_or(|want| want == p)
                        && file.strip_suffix(".md").is_some_and(|stem| crate::urls::code_slug(stem) == slug)
            )
        })
    }

    /// `provider:code` of an error page.
    pub fn ref_name(&self, id: PageId) -> String {
        let p = &self.nodes[id].page;
        format!(
            "{}:{}",
            p.fm.provider.as_deref().unwrap_or(""),
            p.fm.code.as_deref().unwrap_or("")
        )
    }

    fn similar_codes(&self, lower: &str, provider: Option<&str>) -> Vec<String> {
        let mut scored: Vec<(usize, String)> = self
            .codes
            .iter()
            .filter_map(|((p, c), &id)| {
                let d = crate::suggest::edit_distance(c, lower);
                let same_code = c == lower;
                let close = d <= 2
                    || (lower.len() >= 4 && (c.contains(lower) || lower.contains(c.as_str())));
                let provider_ok = provider.is_none_or(|want| want == p) || same_code;
                (close && provider_ok).then(|| (d, self.ref_name(id)))
            })
            .collect();
        scored.sort();
        scored.into_iter().take(5).map(|(_, n)| n).collect()
    }
}

/// The site path of a page, or a message saying why it has none. With
/// `slugify` off, file stems, folder names and `slug` are kept as written.
pub fn page_path(page: &Page, slugify: bool) -> Result<String, String> {
    let fm = &page.fm;
    let stem = page
        .inner
        .rsplit('/')
        .next()
        .unwrap_or("")
        .trim_end_matches(".md");
    let last = |default: &str| -> Result<String, String> {
        let written = fm.slug.as_deref().unwrap_or(default);
        match crate::urls::segment(written, slugify) {
            Ok(s) => Ok(s),
            Err(_) if slugify => Err(format!(
                "the URL segment made from \"{written}\" is empty; set slug, or keep names as written with [urls] slugify = \"off\" in site.toml"
            )),
            Err(why) => Err(format!("the name \"{written}\" {why}; set slug")),
        }
    };
    let path = page_path_unchecked(page, slugify, stem, last)?;
    // Every segment is a folder name on disk, and file systems stop at 255
    // bytes: say so here, at the page, not as an error of the write.
    match path.split('/').find(|s| s.len() > MAX_SEGMENT) {
        Some(long) => Err(format!(
            "the URL segment \"{}...\" is {} bytes long; file systems allow at most {MAX_SEGMENT}: shorten it or set slug",
            long.chars().take(24).collect::<String>(),
            long.len()
        )),
        None => Ok(path),
    }
}

/// The longest URL segment a file system takes as a folder name, in bytes.
const MAX_SEGMENT: usize = 255;

fn page_path_unchecked(
    page: &Page,
    slugify: bool,
    stem: &str,
    last: impl Fn(&str) -> Result<String, String>,
) -> Result<String, String> {
    let fm = &page.fm;
    let folder = page.kind.spec().folder;
    if page.kind.has_code() {
        let provider = fm.provider.as_deref().unwrap_or("");
        let slug = match &fm.slug {
            Some(_) => last("")?,
            None => {
                let code = fm.code.as_deref().unwrap_or("");
                let s = code_slug(code);
                if s.is_empty() {
                    return Err(format!(
                        "code \"{code}\" has an empty URL slug (it needs a letter or digit a-z, 0-9); set slug"
                    ));
                }
                s
            }
        };
        Ok(format!("{folder}{provider}/{slug}/"))
    } else if !folder.is_empty() {
        Ok(format!("{folder}{}/", last(stem)?))
    } else {
        let mut segs: Vec<String> = page.inner.split('/').map(str::to_string).collect();
        segs.pop();
        if stem != "index" && stem != "_index" || fm.slug.is_some() {
            if stem == "index" || stem == "_index" {
                segs.pop();
            }
            segs.push(last(stem)?);
        }
        let mut path = String::new();
        for (i, s) in segs.iter().enumerate() {
            let slug = if i + 1 == segs.len() && fm.slug.is_some() {
                s.clone()
            } else {
                crate::urls::segment(s, slugify)
                    .map_err(|why| format!("the folder name \"{s}\" {why}"))?
            };
            path.push_str(&slug);
            path.push('/');
        }
        Ok(path)
    }
}

/// Checks an alias and turns it into a site path.
pub fn alias_path(alias: &str) -> Result<String, String> {
    let bad = |why: &str| {
        Err(format!(
            "alias \"{alias}\" {why}; an alias is a path on this site such as \"/old/page/\""
        ))
    };
    if alias.contains("://") || alias.starts_with("//") || crate::urls::is_external(alias) {
        return bad("is a URL");
    }
    if !alias.starts_with('/') {
        return bad("must start with /");
    }
    if alias.contains(['\\', '?', '#']) || alias.chars().any(char::is_control) {
        return bad("holds a character not allowed in a path");
    }
    let lower = alias.to_ascii_lowercase();
    if lower.contains("%2e")
        || lower.contains("%2f")
        || lower.contains("%5c")
        || lower.contains("%25")
    {
        return bad("holds an encoded dot, slash or percent sign");
    }
    let decoded = percent_decode(alias);
    if decoded.split('/').any(|s| s == ".." || s == ".") {
        return bad("must not contain . or .. segments");
    }
    let trimmed = decoded.trim_start_matches('/');
    if trimmed.is_empty() {
        return bad("is the site root");
    }
    let last = trimmed.rsplit('/').next().unwrap_or("");
    Ok(if trimmed.ends_with('/') || !last.contains('.') {
        format!("{}/", trimmed.trim_end_matches('/'))
    } else {
        trimmed.to_string()
    })
}

/// Places every page at its URL, resolves the refs between pages, claims
/// every output file and offers guides to error pages, reporting every
/// problem into `diags`.
pub fn build(inputs: Inputs<'_>, reserved: Reserved<'_>, diags: &mut Vec<Diagnostic>) -> Graph {
    let Inputs {
        config,
        pages,
        broken,
        assets,
        statics,
        drafts,
    } = inputs;
    let mut g = Graph {
        nodes: Vec::new(),
        by_inner: Default::default(),
        codes: Default::default(),
        codes_any: Default::default(),
        by_provider: BTreeMap::new(),
        by_tag: BTreeMap::new(),
        by_standard: BTreeMap::new(),
        aliases: Vec::new(),
        featured: Vec::new(),
        home_intro: None,
        outputs: Default::default(),
        folders: Default::default(),
        clean: false,
        broken,
    };
    let problems = diags.len();
    let mut claims = Claims::default();
    for (path, what) in reserved.files {
        claims.insert(path.to_lowercase(), what.clone(), false);
    }

    let pages = g.translate(pages, diags);
    g.place(pages, config, drafts, diags);
    g.link_translations();
    let connected: Vec<Option<Connected>> = (0..g.nodes.len())
        .into_par_iter()
        .map(|id| {
            g.nodes[id]
                .original
                .is_none()
                .then(|| g.connect(id, config))
        })
        .collect();
    let mut aliases = Vec::with_capacity(connected.len());
    for (node, c) in g.nodes.iter_mut().zip(connected) {
        let node = Arc::make_mut(node);
        let Some(c) = c else {
            aliases.push(Vec::new());
            continue;
        };
        node.subjects = c.subjects;
        node.related = c.related;
        node.tag_slugs = c.tag_slugs.into();
        aliases.push(c.aliases);
        diags.extend(c.diags);
    }
    g.take_from_originals(|n, o| {
        n.subjects = o.subjects.clone();
        n.related = o.related.clone();
        n.tag_slugs = o.tag_slugs.clone();
    });
    g.group_and_claim(aliases, &mut claims, diags);
    g.claim_files(assets, statics, config, &mut claims, diags);
    g.outputs = Arc::new(claims.files);
    g.folders = Arc::new(claims.folders);
    g.offer_guides(config, diags);
    g.take_from_originals(|n, o| {
        n.guides = o.guides.clone();
        n.guides_fallback = o.guides_fallback;
    });
    g.clean = diags.len() == problems;
    g
}

/// The content path of a translation's original: `errors/http/429.fr.md`
/// -> `errors/http/429.md`.
fn original_inner(inner: &str, lang: &str) -> String {
    let stem = inner.strip_suffix(".md").unwrap_or(inner);
    let stem = stem.strip_suffix(lang).unwrap_or(stem);
    format!("{}.md", stem.strip_suffix('.').unwrap_or(stem))
}

/// A translation with the facts it shares with its original taken from
/// the original (`page::Translated`), each one it sets differently an
/// error at its line.
pub fn translated(t: &Page, o: &Page, diags: &mut Vec<Diagnostic>) -> Page {
    use crate::page::{Translated, SCHEMA};
    let mut fm = t.fm.clone();
    for field in SCHEMA {
        let given = t.fm.key_lines.contains_key(field.key);
        match field.translated {
            Translated::Own => {}
            Translated::Shared(take) => {
                if !take(&mut fm, &o.fm) && given {
                    diags.push(Rule::Translation.error(
                        &t.file,
                        Some(t.fm.line_of(field.key)),
                        format!(
                            "\"{}\" is a fact of the original, {}, which this translation shares: remove it here, or write it as the original does",
                            field.key, o.file
                        ),
                    ));
                }
            }
            Translated::Inherited(take) if !given => take(&mut fm, &o.fm),
            Translated::Inherited(_) => {}
        }
    }
    t.with_front_matter(fm)
}

impl Graph {
    /// Pass 0: each translation with its original's shared facts; one
    /// without an original is reported and left out.
    fn translate(
        &mut self,
        mut pages: Vec<Arc<Page>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Arc<Page>> {
        if pages.iter().all(|p| p.lang.is_none()) {
            return pages;
        }
        let originals: HashMap<String, Arc<Page>> = pages
            .iter()
            .filter(|p| p.lang.is_none())
            .map(|p| (p.inner.clone(), p.clone()))
            .collect();
        let translations: BTreeSet<String> = pages
            .iter()
            .filter(|p| p.lang.is_some())
            .map(|p| p.inner.clone())
            .collect();
        pages.retain_mut(|p| {
            let Some(lang) = &p.lang else {
                return true;
            };
            let inner = original_inner(&p.inner, lang);
            match originals.get(&inner) {
                Some(o) => {
                    *p = Arc::new(translated(p, o, diags));
                    true
                }
                None => {
                    let why = if translations.contains(&inner) {
                        format!("content/{inner} is itself a translation: translate the original")
                    } else {
                        format!("content/{inner} does not exist: a translation sits beside its original, named as the original with .{lang} before .md")
                    };
                    diags.push(Rule::Translation.error(
                        &p.file,
                        None,
                        format!("a translation into {lang} of content/{inner}, but {why}"),
                    ));
                    self.broken.insert(p.inner.clone());
                    false
                }
            }
        });
        pages
    }

    /// Each translation linked with its original, at the original's URL
    /// under `<lang>/`, published when both are.
    fn link_translations(&mut self) {
        for id in 0..self.nodes.len() {
            let Some(lang) = self.nodes[id].page.lang.clone() else {
                continue;
            };
            let inner = original_inner(&self.nodes[id].page.inner, &lang);
            let Some(&o) = self.by_inner.get(inner.nfc().collect::<String>().as_str()) else {
                continue;
            };
            let path = match &self.nodes[o].path {
                p if p.starts_with('\u{0}') => format!("\u{0}invalid/{id}/"),
                p => format!("{lang}/{p}"),
            };
            let published = self.nodes[o].published;
            let n = Arc::make_mut(&mut self.nodes[id]);
            n.original = Some(o);
            n.path = path;
            n.published &= published;
            Arc::make_mut(&mut self.nodes[o]).translations.push(id);
        }
    }

    /// Sets on each translation what `take` copies from its original.
    fn take_from_originals(&mut self, take: impl Fn(&mut Node, &Node)) {
        for id in 0..self.nodes.len() {
            if let Some(o) = self.nodes[id].original {
                let original = self.nodes[o].clone();
                take(Arc::make_mut(&mut self.nodes[id]), &original);
            }
        }
    }

    /// Pass 1: a node per page, sorted by file, at its URL; the code index.
    fn place(
        &mut self,
        mut pages: Vec<std::sync::Arc<Page>>,
        config: &Config,
        drafts: bool,
        diags: &mut Vec<Diagnostic>,
    ) {
        let g = self;
        pages.par_sort_by(|a, b| a.file.cmp(&b.file));
        // What each page says of itself, in parallel; the indexes, whose
        // first page of a code wins, in file order.
        let own: Vec<Own> = pages
            .par_iter()
            .enumerate()
            .map(|(id, page)| Own::of(id, page, config, drafts))
            .collect();
        g.nodes.reserve(pages.len());
        Arc::make_mut(&mut g.by_inner).reserve(pages.len());
        Arc::make_mut(&mut g.codes).reserve(pages.len());
        Arc::make_mut(&mut g.codes_any).reserve(pages.len());
        for (id, (page, own)) in pages.into_iter().zip(own).enumerate() {
            let Own {
                placed,
                path,
                published,
                standard,
                code_key,
                inner,
                provider_diag,
                later_diags,
            } = own;
            diags.extend(provider_diag);
            if let Some(key) = code_key {
                if let Some(&other) = g.codes.get(&key) {
                    let fm = &page.fm;
                    diags.push(Rule::DuplicateCode.error(
                        &page.file,
                        Some(fm.line_of("code")),
                        format!(
                            "duplicate code \"{}\" for provider {}: {} has it too",
                            fm.code.as_deref().unwrap_or_default(),
                            key.0,
                            g.nodes[other].page.file
                        ),
                    ));
                } else {
                    Arc::make_mut(&mut g.codes_any)
                        .entry(key.1.clone())
                        .or_default()
                        .push(id);
                    Arc::make_mut(&mut g.codes).insert(key, id);
                }
            }
            diags.extend(later_diags);
            Arc::make_mut(&mut g.by_inner).insert(inner, id);
            g.nodes.push(Arc::new(Node::at_place(
                page, placed, path, published, standard,
            )));
        }
    }

    /// Pass 2, one page: its refs resolved, its tags slugged; its aliases
    /// checked, to be claimed after every page.
    fn connect(&self, id: PageId, config: &Config) -> Connected {
        let g = self;
        let node = &g.nodes[id];
        let fm = &node.page.fm;
        let file = node.page.file.as_str();
        let mut diags = Vec::new();
        let published = node.published;
        let resolve = |list: &[crate::page::RefAt],
                       keys: &[RefKey],
                       diags: &mut Vec<Diagnostic>|
         -> Vec<PageId> {
            let mut out = Vec::new();
            for (r, key) in list.iter().zip(keys) {
                let found = match g.resolve_key(key, &config.providers) {
                    Some(id) => Ok(id),
                    None => g.resolve_ref(&r.text, &config.providers),
                };
                match found {
                    Ok(t) if published && !g.nodes[t].published => diags.push(Rule::Ref.error(
                        file,
                        Some(r.line),
                        format!(
                            "ref \"{}\" names the draft page {}; publish it or remove the ref",
                            r.text, g.nodes[t].page.file
                        ),
                    )),
                    Ok(t) if t == id => diags.push(Rule::Ref.error(
                        file,
                        Some(r.line),
                        format!("ref \"{}\" names this page itself", r.text),
                    )),
                    Ok(t) if out.contains(&t) => {}
                    Ok(t) => out.push(t),
                    Err(_) if g.may_name_broken_page(&r.text) => {}
                    Err(msg) => diags.push(Rule::Ref.error(file, Some(r.line), msg)),
                }
            }
            out
        };
        let subjects = match node.page.kind.spec().subjects {
            Some(refs) => resolve(refs(fm), &node.placed.subjects, &mut diags),
            None => Vec::new(),
        };
        let related = resolve(&fm.related, &node.placed.related, &mut diags);
        let mut tag_slugs = Vec::new();
        for (tag, slug) in fm.tags.iter().zip(&node.placed.tags) {
            match slug {
                Err(why) => diags.push(Rule::Url.error(
                    file,
                    Some(fm.line_of("tags")),
                    format!("tag \"{tag}\" {why}"),
                )),
                Ok(slug) if !tag_slugs.contains(slug) => tag_slugs.push(slug.clone()),
                Ok(_) => {}
            }
        }
        let mut aliases = Vec::new();
        for (a, path) in fm.aliases.iter().zip(&node.placed.aliases) {
            match path {
                Ok(p) => aliases.push(p.clone()),
                Err(msg) => diags.push(Rule::Url.error(file, Some(a.line), msg.clone())),
            }
        }
        Connected {
            subjects,
            related,
            tag_slugs,
            aliases,
            diags,
        }
    }

    /// Pages grouped by tag, provider and standard; each page's output
    /// claimed, then its aliases'.
    fn group_and_claim(
        &mut self,
        aliases: Vec<Vec<String>>,
        claims: &mut Claims,
        diags: &mut Vec<Diagnostic>,
    ) {
        let g = self;
        // Each page's output file and its key, made in parallel.
        let mut files: Vec<Option<(String, String)>> = g
            .nodes
            .par_iter()
            .map(|n| {
                n.published.then(|| {
                    let path = output_file(&n.path);
                    let key = path.to_lowercase();
                    (path, key)
                })
            })
            .collect();
        for (id, aliases) in aliases.into_iter().enumerate() {
            let node = &g.nodes[id];
            if !node.published {
                continue;
            }
            let fm = &node.page.fm;
            // Translations are listed with their language's pages.
            let original = node.original.is_none();
            // Looked up before inserting: a key is copied once per group.
            for (slug, tag) in node.tags_named().filter(|_| original) {
                match g.by_tag.get_mut(slug) {
                    Some(t) => {
                        if t.name.is_empty() {
                            t.name = tag.clone();
                        }
                        t.pages.push(id);
                    }
                    None => {
                        let t = Tag {
                            name: tag.clone(),
                            pages: vec![id],
                        };
                        g.by_tag.insert(slug.clone(), t);
                    }
                }
            }
            let group = |groups: &mut BTreeMap<String, Vec<PageId>>, key: &String| match groups
                .get_mut(key)
            {
                Some(ids) => ids.push(id),
                None => {
                    groups.insert(key.clone(), vec![id]);
                }
            };
            if node.page.kind.has_code() && original {
                if let Some(p) = &fm.provider {
                    group(&mut g.by_provider, p);
                }
            }
            if let Some(s) = node.standard.as_ref().filter(|_| original) {
                group(&mut g.by_standard, s);
            }
            if node.path.is_empty() && g.home_intro.is_none() {
                g.home_intro = Some(id);
                continue;
            }
            // A translation of the home page's introduction is its
            // section's.
            if node.original.is_some_and(|o| g.nodes[o].path.is_empty()) {
                continue;
            }
            let (path, key) = files[id].take().unwrap_or_default();
            let line = || match fm.slug.is_some() {
                true => fm.line_of("slug"),
                false => 1,
            };
            claims.claim_lowercased(
                path,
                key,
                &node.page.file,
                || Some((&node.page.file, line())),
                diags,
            );
            g.aliases
                .extend(aliases.into_iter().map(|path| Alias { path, target: id }));
        }
        // Aliases claim their paths after every page, so a collision is
        // reported at the alias, the thing to change.
        for a in &g.aliases {
            let page = &g.nodes[a.target].page;
            let what = format!("the alias \"/{}\" of {}", a.path, page.file);
            claims.claim(
                output_file(&a.path),
                &what,
                Some((&page.file, page.fm.line_of("aliases"))),
                diags,
            );
        }
    }

    /// Static files, content assets and the routes of providers,
    /// standards and tags claim their files.
    fn claim_files(
        &mut self,
        assets: &[(String, String)],
        statics: &[(String, String)],
        config: &Config,
        claims: &mut Claims,
        diags: &mut Vec<Diagnostic>,
    ) {
        let g = self;
        for (path, file) in assets.iter().chain(statics) {
            claims.claim(path.clone(), file, Some((file, 0)), diags);
        }
        let providers: BTreeSet<&String> = g
            .by_provider
            .keys()
            .chain(config.providers.keys())
            .collect();
        for route in crate::routes::lists(providers, config, g.by_tag.keys()) {
            claims.claim(route.file(), &route.what, None, diags);
        }
        // The chunk folders of the other languages' search indexes.
        for lang in 1..config.languages.len() {
            let prefix = crate::routes::prefix(config, lang);
            for folder in crate::search::CHUNK_FOLDERS {
                let what = format!("the search index in {}", prefix.trim_end_matches('/'));
                claims.claim(format!("{prefix}{folder}"), &what, None, diags);
            }
        }
    }

    /// Pass 3: decision support, direct then fallback. A node whose
    /// guides stay as they were is not copied.
    fn offer_guides(&mut self, config: &Config, diags: &mut Vec<Diagnostic>) {
        let (guides, featured) = self.guides(config, diags);
        for (node, (guides, fallback)) in self.nodes.iter_mut().zip(guides) {
            if node.guides != guides || node.guides_fallback != fallback {
                let n = Arc::make_mut(node);
                n.guides = guides;
                n.guides_fallback = fallback;
            }
        }
        self.featured = featured;
    }

    /// Each page's guides (and whether they came from the fallback: shared
    /// tags or featured), and the featured guides.
    #[allow(clippy::type_complexity)]
    fn guides(
        &self,
        config: &Config,
        diags: &mut Vec<Diagnostic>,
    ) -> (Vec<(Vec<PageId>, bool)>, Vec<PageId>) {
        let g = self;
        let mut guides: Vec<(Vec<PageId>, bool)> = vec![(Vec::new(), false); g.nodes.len()];
        for (id, n) in g.nodes.iter().enumerate() {
            if !n.published || !n.page.kind.is_guide() || n.original.is_some() {
                continue;
            }
            for &t in &n.subjects {
                guides[t].0.push(id);
            }
        }
        let mut featured = Vec::new();
        for (path, line) in &config.featured {
            match g.lookup_inner(path) {
                Some(id) if g.nodes[id].page.kind.is_guide() && g.nodes[id].published => {
                    featured.push(id)
                }
                Some(_) => diags.push(Rule::Config.error(
                    crate::config::CONFIG_FILE,
                    Some(*line),
                    format!("featured \"{path}\" must be a published compare guide or playbook"),
                )),
                None => diags.push(Rule::Config.error(
                    crate::config::CONFIG_FILE,
                    Some(*line),
                    format!("featured \"{path}\" names no page under content/"),
                )),
            }
        }
        // Published guides by tag slug, each list in id order.
        let mut guides_by_tag: HashMap<&str, Vec<PageId>> = HashMap::default();
        for (id, n) in g.originals().filter(|(_, n)| n.page.kind.is_guide()) {
            // A guide's tag slugs are distinct (see `connect`).
            for t in n.tag_slugs.iter() {
                guides_by_tag.entry(t.as_str()).or_default().push(id);
            }
        }
        for (id, n) in g.nodes.iter().enumerate() {
            if !n.page.kind.has_code() || !guides[id].0.is_empty() || n.original.is_some() {
                continue;
            }
            let mut shared: Vec<PageId> = n
                .tag_slugs
                .iter()
                .filter_map(|t| guides_by_tag.get(t.as_str()))
                .flatten()
                .copied()
                .collect();
            shared.sort_unstable();
            shared.dedup();
            if shared.is_empty() {
                shared = featured.clone();
            }
            guides[id] = (shared, true);
        }
        (guides, featured)
    }
}

/// `(provider, lowercase code)` of an original with a code, as
/// [`Graph::codes`] is keyed.
fn code_key(page: &Page, placed: &Placed) -> Option<(String, String)> {
    match &placed.code {
        Some(lower) if page.kind.has_code() && page.lang.is_none() => {
            Some((page.fm.provider.clone().unwrap_or_default(), lower.clone()))
        }
        _ => None,
    }
}

/// What [`Graph::place`] makes of one page without looking at others:
/// its URL, status and standard, and the problems of its provider (reported
/// before a duplicate code), standard and URL (after it).
struct Own {
    placed: Arc<Placed>,
    path: String,
    published: bool,
    standard: Option<String>,
    /// `(provider, lowercase code)` of an original with a code.
    code_key: Option<(String, String)>,
    /// The content path in NFC (`placed.inner`, copied here, in parallel,
    /// for the index).
    inner: String,
    provider_diag: Option<Diagnostic>,
    later_diags: Vec<Diagnostic>,
}

impl Own {
    fn of(id: PageId, page: &Arc<Page>, config: &Config, drafts: bool) -> Own {
        let placed = page.placed(config.slugify);
        let fm = &page.fm;
        let translation = page.lang.is_some();
        let mut provider_diag = None;
        if page.kind.has_code() && !translation {
            let provider = fm.provider.as_deref().unwrap_or_default();
            if !config.providers.contains_key(provider) {
                provider_diag = Some(Rule::FrontMatter.error(
                    &page.file,
                    Some(if fm.key_lines.contains_key("provider") {
                        fm.line_of("provider")
                    } else {
                        1
                    }),
                    format!(
                        "unknown provider \"{provider}\" (known: {})",
                        known_list(config.providers.keys())
                    ),
                ));
            }
        }
        let mut later_diags = Vec::new();
        let standard = if page.kind.is_reviewed() {
            fm.standard
                .clone()
                .or_else(|| config.default_standard.clone())
        } else {
            None
        };
        if let Some(s) = &standard {
            match config.standards.get(s) {
                None => later_diags.push(Rule::FrontMatter.error(
                    &page.file,
                    Some(fm.line_of("standard")),
                    format!("unknown standard \"{s}\" (known: {})", known_list(config.standards.keys())),
                )),
                // A translation without references shows its original's.
                Some(st) if st.requires_references && fm.references_given == 0 && !translation => later_diags.push(Rule::FrontMatter.error(
                    &page.file,
                    Some(if fm.key_lines.contains_key("standard") { fm.line_of("standard") } else { 1 }),
                    format!(
                        "pages under the standard \"{s}\" need references (requires_references = true); add [[references]] with title and url"
                    ),
                )),
                Some(_) => {}
            }
        }
        let code_missing = page.kind.has_code() && fm.code.is_none();
        let path = placed.path.clone().unwrap_or_else(|msg| {
            // A translation's path is its original's (`link_translations`).
            if code_missing || translation {
                // The missing or mistyped code is already reported.
                return format!("\u{0}invalid/{id}/");
            }
            let line = if fm.slug.is_some() {
                fm.line_of("slug")
            } else {
                fm.line_of("code")
            };
            later_diags.push(Rule::Url.error(&page.file, Some(line), msg));
            format!("\u{0}invalid/{id}/")
        });
        let code_key = code_key(page, &placed);
        Own {
            inner: placed.inner.clone(),
            placed,
            path,
            published: !fm.draft || drafts,
            standard,
            code_key,
            provider_diag,
            later_diags,
        }
    }
}

/// A page's links to others, made by [`Graph::connect`].
struct Connected {
    subjects: Vec<PageId>,
    related: Vec<PageId>,
    tag_slugs: Vec<String>,
    aliases: Vec<String>,
    diags: Vec<Diagnostic>,
}

/// Every output file claimed so far (lowercased) and what writes it, with
/// the folders their paths pass through, so a claim is a few hash lookups
/// rather than a walk of an ordered map.
#[derive(Default)]
struct Claims {
    files: HashMap<String, String>,
    /// Each prefix ending in `/` of a claimed path, and whether it is
    /// clear: a folder a claim passed through, whose ancestors hold no
    /// file, so a later claim below it need not look above it. (A file at
    /// such a folder or above would be refused: it would hold the claimed
    /// path.)
    folders: HashMap<Box<str>, bool>,
}

impl Claims {
    /// Records that `what` writes `key`, unchecked; its folders become
    /// clear when `checked` (a path that ends in `/` is itself a file in
    /// the last).
    fn insert(&mut self, key: String, what: String, checked: bool) {
        for (i, _) in key.match_indices('/') {
            let clear = checked && i + 1 < key.len();
            match self.folders.get_mut(&key[..=i]) {
                Some(c) => *c |= clear,
                None => {
                    self.folders.insert(key[..=i].into(), clear);
                }
            }
        }
        self.files.insert(key, what);
    }

    /// An output that `key` cannot be written beside: a file where `key`
    /// needs a folder (an ancestor, or a folder reserved whole with a
    /// trailing `/`), or the first file inside the folder `key` would be.
    fn folder_clash(&self, key: &str) -> Option<(&str, &str)> {
        // Ancestors below the deepest folder known to be clear, shallowest
        // first.
        let from = key
            .rmatch_indices('/')
            .map(|(i, _)| i + 1)
            .find(|&end| self.folders.get(&key[..end]) == Some(&true))
            .unwrap_or(0);
        for (i, _) in key.match_indices('/').filter(|&(i, _)| i >= from) {
            for ancestor in [&key[..i], &key[..=i]] {
                if let Some((k, w)) = self.files.get_key_value(ancestor) {
                    return Some((k, w));
                }
            }
        }
        let inside = format!("{}/", key.trim_end_matches('/'));
        if !self.folders.contains_key(inside.as_str()) {
            return None;
        }
        self.files
            .iter()
            .filter(|(k, _)| k.starts_with(&inside))
            .min_by(|a, b| a.0.cmp(b.0))
            .map(|(k, w)| (k.as_str(), w.as_str()))
    }

    /// Records that `what` writes `path`; a second writer is an error at
    /// `at`.
    fn claim(
        &mut self,
        path: String,
        what: &str,
        at: Option<(&str, u32)>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let key = path.to_lowercase();
        self.claim_lowercased(path, key, what, || at, diags);
    }

    /// [`Claims::claim`] of a path already lowercased as `key`, with the
    /// place to report a collision at made only if there is one.
    fn claim_lowercased<'a>(
        &mut self,
        path: String,
        key: String,
        what: &str,
        at: impl FnOnce() -> Option<(&'a str, u32)>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let msg = if let Some(existing) = self.files.get(&key) {
            Some(format!("{what} and {existing} both write /{path}"))
        } else {
            self.folder_clash(&key).map(|(other, existing)| {
                format!("{what} and {existing} cannot both be written: /{path} and /{other} need one of them to be a folder")
            })
        };
        let Some(msg) = msg else {
            // Its folders hold no file now, and none can be added.
            self.insert(key, what.to_string(), true);
            return;
        };
        match at() {
            Some((file, line)) => {
                diags.push(Rule::Collision.error(file, (line > 0).then_some(line), msg))
            }
            None => diags.push(Rule::Collision.site_error(msg)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases() {
        assert_eq!(alias_path("/old/page").unwrap(), "old/page/");
        assert_eq!(alias_path("/old/page.html").unwrap(), "old/page.html");
        for bad in [
            "old",
            "/../etc/passwd",
            "/a/%2e%2e/b",
            "/a/%2E%2E%2Fb",
            "https://evil.example/",
            "//evil",
            "/a\\..\\b",
            "/",
            "/a/./b",
            "javascript:alert(1)",
        ] {
            assert!(alias_path(bad).is_err(), "{bad}");
        }
    }

    /// The claims as first written: every check a walk of the ordered map.
    fn claims_by_definition(
        reserved: &[&str],
        paths: &[String],
    ) -> (BTreeMap<String, String>, Vec<String>) {
        let mut outputs: BTreeMap<String, String> = reserved
            .iter()
            .map(|r| (r.to_lowercase(), format!("reserved {r}")))
            .collect();
        let mut errors = Vec::new();
        for (n, path) in paths.iter().enumerate() {
            let key = path.to_lowercase();
            let what = format!("claim {n}");
            let mut clash = outputs
                .get(&key)
                .map(|e| format!("{what} and {e} both write /{path}"));
            if clash.is_none() {
                'ancestors: for (i, _) in key.match_indices('/') {
                    for a in [&key[..i], &key[..=i]] {
                        if let Some(e) = outputs.get(a) {
                            clash = Some(format!("{what} and {e} cannot both be written: /{path} and /{a} need one of them to be a folder"));
                            break 'ancestors;
                        }
                    }
                }
            }
            if clash.is_none() {
                let inside = format!("{}/", key.trim_end_matches('/'));
                if let Some((k, e)) = outputs
                    .range(inside.clone()..)
                    .next()
                    .filter(|(k, _)| k.starts_with(&inside))
                {
                    clash = Some(format!("{what} and {e} cannot both be written: /{path} and /{k} need one of them to be a folder"));
                }
            }
            match clash {
                Some(c) => errors.push(c),
                None => {
                    outputs.insert(key, what);
                }
            }
        }
        (outputs, errors)
    }

    proptest::proptest! {
        /// Any sequence of claims, over few names so that they meet:
        /// the same files kept and the same collisions reported as the
        /// definition's.
        #[test]
        fn claims_match_their_definition(
            paths in proptest::collection::vec("(a|B|b|index\\.html)(/(a|B|b|index\\.html)){0,3}/?", 0..40)
        ) {
            let reserved = ["b/index.html", "a/"];
            let (want, want_errors) = claims_by_definition(&reserved, &paths);
            let mut claims = Claims::default();
            for r in reserved {
                claims.insert(r.to_lowercase(), format!("reserved {r}"), false);
            }
            let mut diags = Vec::new();
            for (n, path) in paths.iter().enumerate() {
                claims.claim(path.clone(), &format!("claim {n}"), None, &mut diags);
            }
            let errors: Vec<String> = diags.into_iter().map(|d| d.message).collect();
            proptest::prop_assert_eq!(errors, want_errors);
            proptest::prop_assert_eq!(claims.files.into_iter().collect::<BTreeMap<_, _>>(), want);
        }
    }
}

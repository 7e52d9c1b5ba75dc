//! Views: everything a template shows, computed up front from the graph and
//! the rendered bodies. Templates read nothing else (no functions that fetch
//! other pages), so a page's HTML is a pure function of its view and the
//! template set: what makes incremental rebuilds exact.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

use serde::Serialize;
use time::Date;

use crate::config::Config;
use crate::graph::{Graph, PageId};
use crate::kind::{self, Kind, Parent};
use crate::markdown::{Rendered, TocEntry};
use crate::memo::Html;
use crate::packed::{Packed, BODIES};
use crate::page::{format_date, Reference};
use crate::routes::{Lang, List};

/// Shared by every template.
#[derive(Serialize, Clone, Debug)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub language: String,
    pub base_url: String,
    pub base_path: String,
    pub home: String,
    /// The href of the language's section (the base path, or `/fr/`), and
    /// of its feed.
    pub section: String,
    pub feed: String,
    /// The words faultbook.js shows, as JSON safe in a script element,
    /// when they are not its English ones.
    pub script_words: Option<String>,
    pub nav: Vec<Link>,
    pub search: String,
    pub assets: Assets,
    /// `[theme]`: hrefs of the logo and icon, the footer line as HTML.
    pub logo: Option<String>,
    pub favicon: Option<String>,
    pub footer_html: Option<String>,
    /// The page of overdue reviews, when the site publishes one.
    pub overdue: Option<String>,
    pub providers: Vec<ProviderLink>,
    pub extra: serde_json::Value,
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct Assets {
    pub css: String,
    pub js: String,
}

/// A provider's listing, with the key that names the provider in
/// front matter and in the A-Z filter (`?provider=`).
#[derive(Serialize, Clone, Debug)]
pub struct ProviderLink {
    pub key: String,
    pub title: String,
    pub href: String,
}

#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub title: String,
    pub href: String,
}

/// A page as it appears in lists and cards.
#[derive(Serialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Item {
    pub kind: &'static str,
    pub kind_label: String,
    pub title: String,
    pub href: String,
    pub code: Option<String>,
    /// The provider's name, and its key.
    pub provider: Option<String>,
    pub provider_key: Option<String>,
    /// Plain text, for meta tags, the feed and search.
    pub summary: String,
    /// The summary's inline markdown as HTML, where the theme shows it.
    pub summary_html: String,
    pub reviewed: Option<String>,
    /// The item's language, on a page in another: a translation's page
    /// names the original where there is no translation.
    pub lang: Option<String>,
}

/// A page's item as the theme renders it in lists, once rendered: as it
/// is, and marked with its language for the sections of other languages
/// (see `render::fill_fragments`).
#[derive(Default)]
pub struct Fragments {
    pub own: OnceLock<Arc<str>>,
    pub marked: OnceLock<Arc<str>>,
    /// As the theme's `backlink` macro renders it ("Referenced by").
    pub backlink: OnceLock<Arc<str>>,
}

/// One language of a page, for `hreflang` and the language switcher.
#[derive(Serialize, Clone, Debug)]
pub struct LanguageLink {
    pub code: String,
    pub name: String,
    /// The page in this language, when there is one.
    pub href: Option<String>,
    pub permalink: Option<String>,
    pub current: bool,
}

/// A translation reviewed before its original was.
#[derive(Serialize, Clone, Debug)]
pub struct Outdated {
    /// The original's review date, and as the page's language writes it.
    pub reviewed: String,
    pub reviewed_text: String,
    pub href: String,
    /// The original's language: its code and name.
    pub lang: String,
    pub language: String,
}

#[derive(Serialize, Clone, Debug)]
pub struct ProviderView {
    pub key: String,
    pub name: String,
    pub href: String,
    pub context: String,
    /// `context`'s inline markdown as HTML.
    pub context_html: String,
}

#[derive(Serialize, Clone, Debug)]
pub struct StandardView {
    pub key: String,
    pub name: String,
    pub href: String,
    pub description: String,
}

#[derive(Serialize, Clone, Debug)]
pub struct DecisionSupport {
    pub compare: Vec<Item>,
    pub playbooks: Vec<Item>,
    /// True when no guide names this code and these are suggestions.
    pub fallback: bool,
}

/// The view of one content page, whatever its kind.
#[derive(Serialize, Clone, Debug)]
pub struct PageView {
    pub kind: &'static str,
    /// The page's language code.
    pub lang: String,
    /// Every language of the site with this page in it, when the site
    /// has more than one; empty otherwise.
    pub languages: Vec<LanguageLink>,
    /// Set on a translation whose original was reviewed after it.
    pub outdated: Option<Outdated>,
    pub title: String,
    pub code: Option<String>,
    /// The summary for lists, cards and metadata: the front matter's, else
    /// the body's first paragraph.
    pub summary: String,
    /// The front matter's summary only, shown above the body (a summary
    /// taken from the body would repeat its first paragraph), as plain
    /// text and as HTML.
    pub lead: Option<String>,
    pub lead_html: Option<String>,
    pub description: String,
    pub href: String,
    pub permalink: String,
    pub reviewed: Option<String>,
    /// `reviewed` as the page's language writes it.
    pub reviewed_text: Option<String>,
    pub overdue: bool,
    pub standard: Option<StandardView>,
    pub provider: Option<ProviderView>,
    /// The body's HTML.
    pub content: String,
    pub toc: Vec<TocEntry>,
    pub tags: Vec<Link>,
    pub references: Vec<Reference>,
    pub decision_support: Option<DecisionSupport>,
    /// Compared (compare guides) or covered (playbooks) error pages.
    pub subjects: Vec<Item>,
    pub related: Vec<Item>,
    /// The pages of `related`, in order, on a page of the default
    /// language (whose items are the model's as they are).
    #[serde(skip)]
    pub related_ids: Vec<PageId>,
    /// `related` as the theme's `item` macro renders them, one after the
    /// other, when the built-in theme's item template exists (see
    /// `render::ITEM_TEMPLATE`): each item is rendered once per build, not
    /// once on every page that lists it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related_html: Option<String>,
    pub backlinks: Vec<Item>,
    /// `backlinks` as the theme's `backlink` macro renders them, as
    /// `related_html` is made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backlinks_html: Option<String>,
    /// The pages of `backlinks`, in order, on a page of the default
    /// language (whose items are the model's as they are).
    #[serde(skip)]
    pub backlink_ids: Vec<PageId>,
    pub breadcrumbs: Vec<Link>,
    pub json_ld: String,
    /// `[theme] edit_url` with this page's file.
    pub edit_url: Option<String>,
    pub extra: serde_json::Value,
}

#[derive(Clone, Debug)]
pub struct Group<'a> {
    pub title: String,
    pub id: String,
    /// The pages listed; templates see their items.
    pub ids: Vec<PageId>,
    /// The model's items, by page: a listing of every page copies none.
    pub all: &'a [Item],
    /// The items as the theme's `item` macro renders them, one after the
    /// other, when the built-in listing template shows them (see
    /// `render::ITEM_TEMPLATE`): then `items` is given empty.
    pub html: Option<String>,
    /// In another language's section: the graph, to tell the pages not
    /// translated, and the default language's code they are marked with.
    pub mark: Option<(&'a Graph, &'a str)>,
}

impl Serialize for Group<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut g = s.serialize_struct("Group", 4)?;
        g.serialize_field("title", &self.title)?;
        g.serialize_field("id", &self.id)?;
        // A template tests `g.items`, never `g.html`: Tera escapes every
        // string it evaluates, also in a test, and `html` is megabytes in a
        // listing of every page.
        match &self.html {
            Some(html) => {
                g.serialize_field("html", html)?;
                g.serialize_field("items", &[] as &[&Item])?;
            }
            None => {
                let items: Vec<std::borrow::Cow<'_, Item>> = self
                    .ids
                    .iter()
                    .map(|&i| match self.mark {
                        Some((graph, code)) if graph.page(i).original.is_none() => {
                            let mut it = self.all[i].clone();
                            it.lang = Some(code.to_string());
                            std::borrow::Cow::Owned(it)
                        }
                        _ => std::borrow::Cow::Borrowed(&self.all[i]),
                    })
                    .collect();
                g.serialize_field("html", "")?;
                g.serialize_field("items", &items)?;
            }
        }
        g.end()
    }
}

/// The pages a listing shows, and how it groups them.
pub enum Listed<'a> {
    /// In list order (see `sort_key`), in one group.
    Flat(&'a [PageId]),
    /// In list order, grouped by first letter.
    ByLetter(&'a [PageId]),
    /// Groups with their ids and titles, in the order given.
    Groups(Vec<(String, String, Vec<PageId>)>),
}

impl<'a> Listed<'a> {
    /// `ids` in list order, grouped by first letter when `by_letter`.
    pub fn sorted(ids: &'a [PageId], by_letter: bool) -> Self {
        if by_letter {
            Listed::ByLetter(ids)
        } else {
            Listed::Flat(ids)
        }
    }
}

/// A listing: A-Z, provider, tag, standard, compare guides, playbooks.
#[derive(Serialize, Clone, Debug)]
pub struct ListView<'a> {
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub href: String,
    pub permalink: String,
    pub context: String,
    /// `context`'s inline markdown as HTML.
    pub context_html: String,
    pub groups: Vec<Group<'a>>,
    pub count: usize,
    pub breadcrumbs: Vec<Link>,
}

#[derive(Serialize, Clone, Debug)]
pub struct HomeView {
    /// Title and body of content/index.md, when the site has one.
    pub title: Option<String>,
    pub intro: String,
    pub providers: Vec<ProviderCount>,
    pub recent: Vec<Item>,
    /// The first [`GUIDES_ON_HOME`] compare guides and playbooks; the
    /// listings have them all.
    pub compare: Vec<Item>,
    pub playbooks: Vec<Item>,
    pub compare_count: usize,
    pub playbook_count: usize,
    pub error_count: usize,
    pub href: String,
    pub permalink: String,
}

#[derive(Serialize, Clone, Debug)]
pub struct ProviderCount {
    pub name: String,
    pub href: String,
    pub count: usize,
    pub context: String,
    /// `context`'s inline markdown as HTML.
    pub context_html: String,
}

/// Everything computed once per build that views draw from.
pub struct Model<'a> {
    pub config: &'a Config,
    pub graph: &'a Graph,
    pub rendered: &'a [Option<Arc<Rendered>>],
    /// Renders a body's HTML when its page is written (see `markdown::Mode`).
    pub markdown: crate::markdown::Context<'a>,
    pub today: Date,
    pub items: Vec<Item>,
    /// Each item's place in lists: by code, else title, numbers by value.
    pub sort_keys: Vec<String>,
    /// Each item as the theme renders it in lists, once rendered.
    pub fragments: Vec<Fragments>,
    /// Each code page's entry of codes.json, once made or carried (see
    /// `render::codes_json`).
    pub code_entries: Vec<Mutex<CodeEntryText>>,
    pub backlinks: Vec<Vec<PageId>>,
    pub site: SiteView,
    /// Memo tables and the graph fingerprint, when rebuilding incrementally.
    pub memo: Option<(&'a crate::memo::Memo, crate::memo::Key)>,
    /// Bodies that could not be read again when their page was written
    /// (see [`crate::load::Page::body`]): the build fails with these.
    pub unread: crate::diag::Diagnostics,
}

/// A page's entry of codes.json.
pub type CodeEntryText = Option<Arc<str>>;

/// What [`Model::new`] computes over every page: `serve` keeps it between
/// edits and patches the backlinks an edit changes.
pub struct Derived {
    pub items: Vec<Item>,
    pub sort_keys: Vec<String>,
    /// Rendered with the theme of the build that made them: a build with
    /// a new theme starts without.
    pub fragments: Vec<Fragments>,
    pub code_entries: Vec<Mutex<CodeEntryText>>,
    /// Pages that link to each page or list it as related, ascending.
    pub backlinks: Vec<Vec<PageId>>,
    pub site: SiteView,
}

/// What an output read of the pages through a `Model`, by id, ascending
/// (see [`recording`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Read {
    /// Pages read whole: front matter, place in the graph, body,
    /// backlinks, translations.
    pub pages: Box<[PageId]>,
    /// Pages read by their list item alone (and its sort key, which the
    /// item gives), and not also whole: a page whose backlinks or
    /// related pages changed leaves these outputs as they were.
    pub items: Box<[PageId]>,
}

thread_local! {
    /// The pages read through the model on this thread, while recording:
    /// whole, and by their item.
    #[allow(clippy::type_complexity)]
    static READS: std::cell::RefCell<Option<(Vec<PageId>, Vec<PageId>)>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `f` and returns, with its result, every page whose data `f` read
/// through a `Model`: what an output depends on, recorded as its view is
/// built (see `serve::session`).
pub fn recording<T>(f: impl FnOnce() -> T) -> (T, Read) {
    let outer = READS.with(|r| r.borrow_mut().replace(Default::default()));
    let result = f();
    let (mut pages, mut items) = READS
        .with(|r| std::mem::replace(&mut *r.borrow_mut(), outer))
        .unwrap_or_default();
    pages.sort_unstable();
    pages.dedup();
    items.sort_unstable();
    items.dedup();
    items.retain(|i| pages.binary_search(i).is_err());
    let read = Read {
        pages: pages.into(),
        items: items.into(),
    };
    (result, read)
}

/// Notes that the output being built read page `id` whole.
fn note(id: PageId) {
    READS.with(|r| {
        if let Some((pages, _)) = r.borrow_mut().as_mut() {
            pages.push(id);
        }
    });
}

/// Notes that the output being built read only the item of page `id`
/// (or what its item gives: the sort key; a guide's kind, which its file
/// fixes).
fn note_item(id: PageId) {
    READS.with(|r| {
        if let Some((_, items)) = r.borrow_mut().as_mut() {
            items.push(id);
        }
    });
}

pub const RECENT_ON_HOME: usize = 10;
pub const GUIDES_ON_HOME: usize = 12;

/// The summary as plain text and as HTML: the front matter's (inline
/// markdown), else (error pages) the first paragraph's text.
fn summary_of(graph: &Graph, rendered: &[Option<Arc<Rendered>>], id: PageId) -> (String, String) {
    let n = graph.page(id);
    match &n.page.fm.summary {
        Some(s) => {
            let (html, plain) = crate::markdown::inline(s);
            (plain, html)
        }
        None => {
            let text = rendered[id]
                .as_ref()
                .map(|r| r.first_paragraph.clone())
                .unwrap_or_default();
            let html = crate::html::escape(&text);
            (text, html)
        }
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

/// Items of an earlier model that serve carries over: `old_of` gives the
/// earlier id of a page whose item cannot have changed (same file, body
/// scanned before, same configuration). They are moved, not copied: the
/// earlier model keeps only the items of the other pages.
pub struct Carry<'r> {
    pub derived: &'r mut Derived,
    pub old_of: &'r (dyn Fn(PageId) -> Option<PageId> + Sync),
}

impl<'a> Model<'a> {
    pub fn new(
        markdown: crate::markdown::Context<'a>,
        rendered: &'a [Option<Arc<Rendered>>],
        today: Date,
        assets: Assets,
        carry: Option<Carry<'_>>,
    ) -> Self {
        let (config, graph) = (markdown.config, markdown.graph);
        let base = &config.base;
        let mut carried: Vec<Option<(Item, String)>> = vec![None; graph.nodes.len()];
        if let Some(c) = carry {
            for (id, slot) in carried.iter_mut().enumerate() {
                if let Some(o) = (c.old_of)(id) {
                    *slot = Some((
                        std::mem::take(&mut c.derived.items[o]),
                        std::mem::take(&mut c.derived.sort_keys[o]),
                    ));
                }
            }
        }
        let (items, sort_keys): (Vec<Item>, Vec<String>) = carried
            .into_par_iter()
            .enumerate()
            .map(|(id, carried)| {
                if let Some(both) = carried {
                    return both;
                }
                let n = graph.page(id);
                let (summary, summary_html) = summary_of(graph, rendered, id);
                let item = Item {
                    kind: n.page.kind.name(),
                    kind_label: crate::i18n::word(
                        &config.default_language().strings,
                        n.page.kind.spec().label,
                    )
                    .to_string(),
                    title: n.page.fm.title.clone(),
                    href: base.href(&n.path),
                    code: n.page.fm.code.clone(),
                    provider: n
                        .page
                        .fm
                        .provider
                        .as_ref()
                        .and_then(|p| config.providers.get(p))
                        .map(|p| p.name.clone()),
                    provider_key: n.page.fm.provider.clone(),
                    summary,
                    summary_html,
                    reviewed: n.page.fm.reviewed.map(format_date),
                    lang: None,
                };
                let key = sort_key(&item);
                (item, key)
            })
            .unzip();
        // A translation shows its original's backlinks, in its language.
        let mut backlinks: Vec<Vec<PageId>> = vec![Vec::new(); graph.nodes.len()];
        for (id, n) in graph.originals() {
            let mut targets: Vec<PageId> = n.related.clone();
            if let Some(r) = &rendered[id] {
                targets.extend(r.links.iter().map(|l| l.target));
            }
            for t in targets {
                if t != id && !backlinks[t].contains(&id) {
                    backlinks[t].push(id);
                }
            }
        }
        let site = site_view(config, 0, assets);
        let fragments = items.iter().map(|_| Fragments::default()).collect();
        let code_entries = items.iter().map(|_| Mutex::new(None)).collect();
        Model::with(
            markdown,
            rendered,
            today,
            Derived {
                items,
                sort_keys,
                fragments,
                code_entries,
                backlinks,
                site,
            },
        )
    }

    /// A model from parts computed earlier (see [`Derived`]).
    pub fn with(
        markdown: crate::markdown::Context<'a>,
        rendered: &'a [Option<Arc<Rendered>>],
        today: Date,
        derived: Derived,
    ) -> Self {
        Model {
            config: markdown.config,
            graph: markdown.graph,
            rendered,
            markdown,
            today,
            items: derived.items,
            sort_keys: derived.sort_keys,
            fragments: derived.fragments,
            code_entries: derived.code_entries,
            backlinks: derived.backlinks,
            site: derived.site,
            memo: None,
            unread: Default::default(),
        }
    }

    /// The parts over every page, to be patched and reused.
    pub fn into_derived(self) -> Derived {
        Derived {
            items: self.items,
            sort_keys: self.sort_keys,
            fragments: self.fragments,
            code_entries: self.code_entries,
            backlinks: self.backlinks,
            site: self.site,
        }
    }

    /// The memo key of a page body's HTML.
    pub fn html_key(&self, id: PageId) -> Option<crate::memo::Key> {
        self.memo.map(|(_, fp)| {
            crate::memo::key(&[
                &fp,
                &(id as u64).to_le_bytes(),
                &self.graph.page(id).page.hash,
            ])
        })
    }

    /// The HTML of a page's body; empty when the body cannot be read again,
    /// which is noted in `unread`.
    pub fn html(&self, id: PageId) -> String {
        self.body(id).0
    }

    /// The HTML of a page's body, and its table of contents when this call
    /// rendered it (not when the memo had the HTML).
    fn body(&self, id: PageId) -> (String, Option<Arc<Vec<TocEntry>>>) {
        note(id);
        let render = || {
            self.graph.page(id).page.body_or_diagnostic().map(|body| {
                crate::markdown::render(&self.markdown, id, &body, crate::markdown::Mode::Html)
            })
        };
        let made = match (self.memo, self.html_key(id)) {
            (Some((memo, _)), Some(k)) => memo
                .htmls
                .try_get_or(k, || {
                    render().map(|r| Html::Alone(Packed::page(r.html.as_bytes(), BODIES)))
                })
                .map(|h| (h.text(), None)),
            _ => render().map(|r| (r.html, Some(r.toc))),
        };
        made.unwrap_or_else(|d| {
            self.unread.push(d);
            (String::new(), None)
        })
    }

    /// Takes the diagnostics of bodies that could not be read.
    pub fn take_unread(&self) -> Vec<crate::diag::Diagnostic> {
        self.unread.take()
    }

    fn item(&self, id: PageId) -> Item {
        note_item(id);
        self.items[id].clone()
    }

    /// `ids` in list order (see `sort_key`).
    fn sorted(&self, ids: &[PageId]) -> Vec<PageId> {
        let mut v: Vec<(&str, PageId)> = ids
            .iter()
            .map(|&i| {
                note_item(i);
                (self.sort_keys[i].as_str(), i)
            })
            .collect();
        v.sort_unstable();
        v.into_iter().map(|(_, i)| i).collect()
    }

    fn items_sorted(&self, ids: &[PageId]) -> Vec<Item> {
        self.sorted(ids).into_iter().map(|i| self.item(i)).collect()
    }

    pub fn overdue(&self, reviewed: Option<Date>) -> bool {
        reviewed.is_some_and(|d| {
            (self.today - d).whole_days() > i64::from(self.config.review_interval_days)
        })
    }

    /// The theme's words in `lang` (`None`: the default language).
    pub fn words(&self, lang: Option<&str>) -> &crate::i18n::Strings {
        self.config.strings_of(lang)
    }

    pub fn words_in(&self, lang: Lang) -> &crate::i18n::Strings {
        &self.config.languages[lang].strings
    }

    /// The place in `Config::languages` of a page's language.
    pub fn lang_index(&self, lang: Option<&str>) -> Lang {
        self.config.lang_index(lang)
    }

    /// A language's code as pages hold it: `None` for the default one.
    fn lang_code(&self, lang: Lang) -> Option<&str> {
        (lang > 0).then(|| self.config.languages[lang].code.as_str())
    }

    /// What the templates of a language's section share.
    pub fn site_in(&self, lang: Lang) -> std::borrow::Cow<'_, SiteView> {
        match lang {
            0 => std::borrow::Cow::Borrowed(&self.site),
            l => std::borrow::Cow::Owned(site_view(self.config, l, self.site.assets.clone())),
        }
    }

    /// The href of `path` in the section of the language `lang`.
    fn section_href(&self, lang: Option<&str>, path: &str) -> String {
        let prefix = crate::routes::prefix(self.config, self.lang_index(lang));
        self.config.base.href(&format!("{prefix}{path}"))
    }

    /// The page that stands for `id` on a page in `lang`: its published
    /// translation into `lang`, else `id` itself.
    pub fn in_language(&self, id: PageId, lang: Option<&str>) -> PageId {
        let Some(lang) = lang else {
            return id;
        };
        note(id);
        // Each translation is read: one unpublished or gone changes the answer.
        let found = self.graph.page(id).translations.iter().copied().find(|&t| {
            note(t);
            let n = self.graph.page(t);
            n.published && n.page.lang.as_deref() == Some(lang)
        });
        found.unwrap_or(id)
    }

    /// The items of `ids`, in list order, each in `lang` where it is
    /// translated and marked with its own language where not.
    fn items_in(&self, ids: &[PageId], lang: Option<&str>) -> Vec<Item> {
        let Some(l) = lang else {
            return self.items_sorted(ids);
        };
        let words = self.words(lang);
        self.sorted(ids)
            .into_iter()
            .map(|i| {
                let p = self.in_language(i, lang);
                let mut it = self.item(p);
                it.kind_label =
                    crate::i18n::word(words, self.graph.page(p).page.kind.spec().label).into();
                if p == i {
                    it.lang = Some(self.config.language.clone());
                } else {
                    debug_assert_eq!(self.graph.page(p).page.lang.as_deref(), Some(l));
                }
                it
            })
            .collect()
    }

    /// Every language of the site with the page of `id` in it.
    fn languages(&self, id: PageId) -> Vec<LanguageLink> {
        let n = self.graph.page(id);
        let root = n.original.unwrap_or(id);
        self.language_links(self.lang_index(n.page.lang.as_deref()), |lang| {
            let page = match lang {
                0 => root,
                l => Some(self.in_language(root, self.lang_code(l))).filter(|&p| p != root)?,
            };
            note(page);
            Some(self.graph.page(page).path.clone())
        })
    }

    /// The site's languages, each with its version of an output (`path_of`
    /// gives its site path, `None` where there is none), `current` marked;
    /// none for a site in one language.
    pub fn language_links(
        &self,
        current: Lang,
        path_of: impl Fn(Lang) -> Option<String>,
    ) -> Vec<LanguageLink> {
        if self.config.languages.len() < 2 {
            return Vec::new();
        }
        let base = &self.config.base;
        let links = self.config.languages.iter().enumerate();
        links
            .map(|(i, l)| {
                let path = path_of(i);
                LanguageLink {
                    code: l.code.clone(),
                    name: l.name.clone(),
                    href: path.as_deref().map(|p| base.href(p)),
                    permalink: path.as_deref().map(|p| base.permalink(p)),
                    current: i == current,
                }
            })
            .collect()
    }

    fn crumbs_in(&self, lang: Option<&str>, extra: Vec<Link>) -> Vec<Link> {
        let mut v = vec![Link {
            title: crate::i18n::word(self.words(lang), "home").into(),
            href: self.section_href(lang, ""),
        }];
        v.extend(extra);
        v
    }

    pub fn page(&self, id: PageId) -> PageView {
        self.page_view(id, true)
    }

    /// A page's view, with its body's HTML only when `with_content`.
    pub fn page_view(&self, id: PageId, with_content: bool) -> PageView {
        note(id);
        let base = &self.config.base;
        let n = self.graph.page(id);
        let fm = &n.page.fm;
        let r = self.rendered[id].as_ref();
        let (content, toc) = if with_content {
            self.body(id)
        } else {
            (String::new(), None)
        };
        let provider = fm
            .provider
            .as_ref()
            .and_then(|p| self.config.providers.get(p))
            .map(|p| ProviderView {
                key: p.key.clone(),
                name: p.name.clone(),
                href: self.section_href(
                    n.page.lang.as_deref(),
                    &List::Provider(p.key.clone()).path(),
                ),
                context: p.context.clone(),
                context_html: p.context_html.clone(),
            });
        let standard = n
            .standard
            .as_ref()
            .and_then(|s| self.config.standards.get(s))
            .map(|s| StandardView {
                key: s.key.clone(),
                name: s.name.clone(),
                href: self.section_href(
                    n.page.lang.as_deref(),
                    &List::Standard(s.key.clone()).path(),
                ),
                description: s.description.clone(),
            });
        let lang = n.page.lang.as_deref();
        // In the default language, the backlinks' items are the model's.
        let backlinked = &self.backlinks[n.original.unwrap_or(id)];
        let (backlinks, backlink_ids) = match lang {
            None => {
                let ids = self.sorted(backlinked);
                (ids.iter().map(|&i| self.item(i)).collect(), ids)
            }
            Some(_) => (self.items_in(backlinked, lang), Vec::new()),
        };
        let decision_support = n.page.kind.has_code().then(|| {
            let (compare, playbooks): (Vec<PageId>, Vec<PageId>) =
                n.guides.iter().partition(|&&g| {
                    note_item(g);
                    self.graph.page(g).page.kind == Kind::Compare
                });
            DecisionSupport {
                compare: self.items_in(&compare, lang),
                playbooks: self.items_in(&playbooks, lang),
                fallback: n.guides_fallback,
            }
        });
        // A translation shows its original's references when it lists none.
        let original = n.original.map(|o| {
            note(o);
            self.graph.page(o)
        });
        let references = match original {
            Some(o) if fm.references_given == 0 => o.page.fm.references.clone(),
            _ => fm.references.clone(),
        };
        let outdated = original.and_then(|o| match (fm.reviewed, o.page.fm.reviewed) {
            (Some(own), Some(theirs)) if theirs > own => Some(Outdated {
                reviewed: format_date(theirs),
                reviewed_text: crate::i18n::date(self.words(lang), theirs),
                href: base.href(&o.path),
                lang: self.config.language.clone(),
                language: self.config.default_language().name.clone(),
            }),
            _ => None,
        });
        let words = self.words(lang);
        let href = base.href(&n.path);
        let summary = self.items[id].summary.clone();
        let own = |title: String| Link {
            title,
            href: href.clone(),
        };
        let breadcrumbs = match (&n.page.kind.spec().parent, &provider) {
            (Parent::Provider, Some(p)) => self.crumbs_in(
                lang,
                vec![
                    Link {
                        title: p.name.clone(),
                        href: p.href.clone(),
                    },
                    own(fm.code.clone().unwrap_or_default()),
                ],
            ),
            (Parent::Listing, _) => {
                let spec = n.page.kind.spec();
                let listing = Link {
                    title: crate::i18n::word(words, spec.listing.as_ref().map_or("", |l| l.title))
                        .into(),
                    href: self.section_href(lang, spec.folder),
                };
                self.crumbs_in(lang, vec![listing, own(fm.title.clone())])
            }
            (Parent::Provider, None) | (Parent::Home, _) => {
                self.crumbs_in(lang, vec![own(fm.title.clone())])
            }
        };
        let title = match &fm.code {
            Some(code) if n.page.kind.has_code() && !fm.title.contains(code.as_str()) => {
                format!("{code}: {}", fm.title)
            }
            _ => fm.title.clone(),
        };
        let permalink = base.permalink(&n.path);
        let json_ld = json_ld(
            &title,
            &summary,
            &permalink,
            fm.reviewed.map(format_date),
            &references,
            &breadcrumbs,
            base,
        );
        PageView {
            kind: n.page.kind.name(),
            lang: lang.unwrap_or(&self.config.language).to_string(),
            languages: self.languages(id),
            outdated,
            title,
            code: fm.code.clone(),
            description: truncate(&summary, 160),
            // The item holds the front matter's summary, when there is one.
            lead: fm.summary.is_some().then(|| summary.clone()),
            lead_html: fm
                .summary
                .is_some()
                .then(|| self.items[id].summary_html.clone()),
            summary,
            href,
            permalink,
            reviewed: fm.reviewed.map(format_date),
            reviewed_text: fm.reviewed.map(|d| crate::i18n::date(words, d)),
            overdue: n.page.kind.is_reviewed() && self.overdue(fm.reviewed),
            standard,
            provider,
            content,
            // The same either way; a build keeps only the render's (see
            // `build::model_without_scans`).
            toc: toc
                .as_deref()
                .or(r.map(|r| &*r.toc))
                .map(|t| t.to_vec())
                .unwrap_or_default(),
            tags: n
                .tag_slugs
                .iter()
                .filter_map(|t| {
                    self.graph.by_tag.get(t).map(|tag| Link {
                        title: tag.name.clone(),
                        href: self.section_href(lang, &List::Tag(t.clone()).path()),
                    })
                })
                .collect(),
            references,
            decision_support,
            subjects: n
                .subjects
                .iter()
                .flat_map(|&s| self.items_in(&[s], lang))
                .collect(),
            related: n
                .related
                .iter()
                .flat_map(|&s| self.items_in(&[s], lang))
                .collect(),
            related_ids: if lang.is_none() {
                n.related.clone()
            } else {
                Vec::new()
            },
            related_html: None,
            backlinks,
            backlinks_html: None,
            backlink_ids,
            breadcrumbs,
            json_ld,
            edit_url: self
                .config
                .theme
                .edit_url
                .as_ref()
                .map(|u| u.replace("{path}", &crate::urls::encode_path(&n.page.file))),
            extra: fm.extra.clone(),
        }
    }

    /// The first `limit` error pages, compare guides and playbooks, newest
    /// review first (then by title, then in file order): the home page's
    /// list and the feed. In another language: its translations only (its
    /// feed).
    pub fn recently_reviewed(&self, lang: Lang, limit: usize) -> Vec<PageId> {
        let code = self.lang_code(lang);
        let mut v: Vec<(Date, &str, PageId)> = self
            .graph
            .published()
            .filter(|(_, n)| n.page.lang.as_deref() == code)
            .filter(|(_, n)| n.page.kind.is_reviewed())
            .filter_map(|(id, n)| {
                n.page.fm.reviewed.map(|d| {
                    note(id);
                    (d, self.items[id].title.as_str(), id)
                })
            })
            .collect();
        // The first few of some 10,000 picked out, then sorted.
        let order = |a: &(Date, &str, PageId), b: &(Date, &str, PageId)| {
            b.0.cmp(&a.0).then(a.1.cmp(b.1)).then(a.2.cmp(&b.2))
        };
        if v.len() > limit {
            v.select_nth_unstable_by(limit, order);
            v.truncate(limit);
        }
        v.sort_unstable_by(order);
        v.into_iter().map(|(_, _, id)| id).collect()
    }

    pub fn home(&self, lang: Lang) -> HomeView {
        let base = &self.config.base;
        let code = self.lang_code(lang);
        let of_kind = |k: Kind| -> Vec<PageId> {
            self.graph
                .originals()
                .filter(|(_, n)| n.page.kind == k)
                .map(|(i, _)| i)
                .collect()
        };
        let intro = self.graph.home_intro.map(|id| self.in_language(id, code));
        // Sorted first, so the home page shows the first of the listing.
        let compare = self.sorted(&of_kind(Kind::Compare));
        let playbooks = self.sorted(&of_kind(Kind::Playbook));
        let first = |ids: &[PageId]| ids[..ids.len().min(GUIDES_ON_HOME)].to_vec();
        HomeView {
            title: intro.map(|id| self.graph.page(id).page.fm.title.clone()),
            intro: intro.map(|id| self.html(id)).unwrap_or_default(),
            providers: self
                .config
                .providers
                .values()
                .map(|p| ProviderCount {
                    name: p.name.clone(),
                    href: self.section_href(code, &List::Provider(p.key.clone()).path()),
                    count: self.graph.by_provider.get(&p.key).map_or(0, Vec::len),
                    context: p.context.clone(),
                    context_html: p.context_html.clone(),
                })
                .collect(),
            recent: match code {
                None => self
                    .recently_reviewed(0, RECENT_ON_HOME)
                    .into_iter()
                    .map(|id| self.item(id))
                    .collect(),
                // The default language's, each in this one where it can be.
                Some(_) => self
                    .recently_reviewed(0, RECENT_ON_HOME)
                    .into_iter()
                    .flat_map(|id| self.items_in(&[id], code))
                    .collect(),
            },
            compare: self.items_in(&first(&compare), code),
            playbooks: self.items_in(&first(&playbooks), code),
            compare_count: compare.len(),
            playbook_count: playbooks.len(),
            error_count: self.graph.by_provider.values().map(Vec::len).sum(),
            href: self.section_href(code, ""),
            permalink: base.permalink(&crate::routes::prefix(self.config, lang)),
        }
    }

    /// A listing at `path` of the pages `listed` names, in its groups; a
    /// provider's listing shows its context.
    #[allow(clippy::too_many_arguments)]
    pub fn list(
        &self,
        kind: &'static str,
        title: String,
        description: String,
        provider: Option<&crate::config::Provider>,
        path: &str,
        listed: Listed<'_>,
        crumbs: Vec<Link>,
        lang: Lang,
    ) -> ListView<'_> {
        let base = &self.config.base;
        let mark = (lang > 0).then_some((self.graph, self.config.language.as_str()));
        let group = |title: String, id: String, ids: Vec<PageId>| Group {
            title,
            id,
            ids,
            all: &self.items,
            html: None,
            mark,
        };
        let groups: Vec<Group<'_>> = match listed {
            Listed::Groups(groups) => groups
                .into_iter()
                .map(|(id, title, ids)| {
                    ids.iter().for_each(|&i| note_item(i));
                    group(title, id, ids)
                })
                .collect(),
            Listed::ByLetter(ids) => {
                let ids = self.sorted(ids);
                let mut groups: BTreeMap<String, Vec<PageId>> = BTreeMap::new();
                for i in ids {
                    let letter = self.sort_keys[i]
                        .chars()
                        .next()
                        .map(|c| {
                            if c.is_ascii_digit() {
                                "0–9".to_string()
                            } else {
                                c.to_uppercase().to_string()
                            }
                        })
                        .unwrap_or_default();
                    groups.entry(letter).or_default().push(i);
                }
                let mut taken = std::collections::HashSet::new();
                groups
                    .into_iter()
                    .map(|(title, ids)| {
                        let slug = crate::urls::segment_slug(&title).replace('–', "-");
                        let mut id = format!("letter-{slug}");
                        // A symbol has no slug, and two letters may share
                        // one: those are named by their code points.
                        if slug.is_empty() || !taken.insert(id.clone()) {
                            let points: Vec<String> = title
                                .chars()
                                .map(|c| format!("{:x}", u32::from(c)))
                                .collect();
                            id = format!("letter-u{}", points.join("-"));
                            taken.insert(id.clone());
                        }
                        group(title, id, ids)
                    })
                    .collect()
            }
            Listed::Flat(ids) => vec![group(String::new(), String::new(), self.sorted(ids))],
        };
        let count = groups.iter().map(|g| g.ids.len()).sum();
        let href = base.href(path);
        let mut bc = crumbs;
        bc.push(Link {
            title: title.clone(),
            href: href.clone(),
        });
        ListView {
            kind,
            title,
            description,
            context: provider.map(|p| p.context.clone()).unwrap_or_default(),
            context_html: provider.map(|p| p.context_html.clone()).unwrap_or_default(),
            href,
            permalink: base.permalink(path),
            groups,
            count,
            breadcrumbs: self.crumbs_in(self.lang_code(lang), bc),
        }
    }
}

/// What every template of a language's section shares.
fn site_view(config: &Config, lang: Lang, assets: Assets) -> SiteView {
    let base = &config.base;
    let prefix = crate::routes::prefix(config, lang);
    let words = &config.languages[lang].strings;
    let href = |path: &str| base.href(&format!("{prefix}{path}"));
    let language = &config.languages[lang];
    SiteView {
        title: language
            .title
            .clone()
            .unwrap_or_else(|| config.title.clone()),
        description: language
            .description
            .clone()
            .unwrap_or_else(|| config.description.clone()),
        language: config.language.clone(),
        base_url: base.full.clone(),
        base_path: base.path.clone(),
        home: href(""),
        section: href(""),
        feed: href("feed.xml"),
        script_words: crate::i18n::script_words(words).map(|j| script_safe(&j)),
        nav: kind::listings()
            .map(|(k, l)| Link {
                title: crate::i18n::word(words, l.title).into(),
                href: href(k.spec().folder),
            })
            .chain(config.theme.nav.iter().map(|l| Link {
                title: l.title.clone(),
                href: l.href(base),
            }))
            .collect(),
        logo: config.theme.logo.as_ref().map(|a| a.href(base)),
        favicon: config.theme.favicon.as_ref().map(|a| a.href(base)),
        footer_html: config.theme.footer_html.clone(),
        overdue: config
            .overdue_page
            .then(|| base.href(&List::Overdue.path())),
        search: href("search/"),
        assets,
        providers: config
            .providers
            .values()
            .map(|p| ProviderLink {
                key: p.key.clone(),
                title: p.name.clone(),
                href: href(&List::Provider(p.key.clone()).path()),
            })
            .collect(),
        extra: config.extra.clone(),
    }
}

/// Errors sort by code, other pages by title; case-insensitively.
/// Lists sort by code, else title, with numbers in order of value:
/// `401` before `429` before `40001`.
fn sort_key(it: &Item) -> String {
    let k = it.code.as_deref().unwrap_or(&it.title).to_lowercase();
    let mut s = String::with_capacity(k.len() + 16);
    let mut rest = k.as_str();
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        s.push_str(&rest[..start]);
        let digits = &rest[start..];
        let end = digits
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(digits.len());
        let number = digits[..end].trim_start_matches('0');
        // The length first, so that shorter numbers sort first.
        s.push_str(&format!("{:03}{number}", number.len()));
        rest = &digits[end..];
    }
    s.push_str(rest);
    s.push('\u{0}');
    s.push_str(&it.title);
    s
}

/// JSON-LD for a page: TechArticle and BreadcrumbList, safe inside `<script>`.
fn json_ld(
    title: &str,
    summary: &str,
    url: &str,
    reviewed: Option<String>,
    refs: &[Reference],
    crumbs: &[Link],
    base: &crate::urls::BaseUrl,
) -> String {
    let origin = base
        .full
        .trim_end_matches(&base.path[1..])
        .trim_end_matches('/')
        .to_string();
    let mut article = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "TechArticle",
        "headline": title,
        "description": summary,
        "url": url,
        "mainEntityOfPage": url,
    });
    if let Some(d) = reviewed {
        article["dateModified"] = serde_json::Value::String(d);
    }
    if !refs.is_empty() {
        article["citation"] = refs
            .iter()
            .map(|r| serde_json::json!({"@type": "CreativeWork", "name": r.title, "url": r.url}))
            .collect();
    }
    let crumbs = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": crumbs.iter().enumerate().map(|(i, c)| serde_json::json!({
            "@type": "ListItem", "position": i + 1, "name": c.title, "item": format!("{origin}{}", c.href)
        })).collect::<Vec<_>>(),
    });
    let s = serde_json::to_string(&serde_json::json!([article, crumbs])).unwrap_or_default();
    script_safe(&s)
}

/// Makes JSON safe to embed in a `<script>` element.
pub fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_on_words() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("one two three four", 12), "one two…");
    }

    #[test]
    fn script_safe_json() {
        assert_eq!(
            script_safe("{\"a\":\"</script>&\"}"),
            "{\"a\":\"\\u003c/script\\u003e\\u0026\"}"
        );
    }
}

/// What `<head>` shows for an output.
#[derive(Serialize, Clone, Debug, Default)]
pub struct Meta {
    pub title: String,
    pub og_title: String,
    pub description: String,
    pub canonical: String,
    pub og_type: &'static str,
    pub json_ld: String,
    pub noindex: bool,
}

impl Meta {
    pub fn new(site: &SiteView, title: &str, description: &str, canonical: String) -> Meta {
        let full = if title.is_empty() || title == site.title {
            site.title.clone()
        } else {
            format!("{title} | {}", site.title)
        };
        Meta {
            title: full,
            og_title: if title.is_empty() {
                site.title.clone()
            } else {
                title.to_string()
            },
            description: if description.is_empty() {
                site.description.clone()
            } else {
                description.to_string()
            },
            canonical,
            og_type: "website",
            json_ld: String::new(),
            noindex: false,
        }
    }
}

//! The markdown pass: one page body -> HTML, table of contents, anchors, the
//! links it makes, and plain text for summaries and search.
//!
//! Runs after the graph, in parallel over pages, resolving `@/` and relative
//! `.md` links through it. Link targets whose anchors live on other pages are
//! returned rather than checked here, since those pages render concurrently;
//! `build` checks them once every page is done. Nothing in a body is ever
//! evaluated as a template: `{{ }}` stays text.

pub mod highlight;
mod inline;
pub use inline::inline;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};

use crate::config::Config;
use crate::diag::{Diagnostic, Rule};
use crate::graph::{Graph, PageId};
use crate::html::escape;
use crate::urls::{
    heading_slug, is_dangerous_scheme, is_external, normalize_relative, percent_decode,
};

/// Ids the built-in theme gives its own sections. Body headings that slug
/// to one of them get a suffix (`related-errors-1`), so ids stay unique on
/// the page; a link to `#related-errors` finds the theme's section.
pub const THEME_IDS: &[&str] = &[
    "main",
    "toc-title",
    "decision-support",
    "compare-guides",
    "playbooks",
    "related-errors",
    "official-references",
    "referenced-by",
    "provider-context",
    "compared-errors",
    "covered-errors",
    "providers",
    "recently-reviewed",
    "search-input",
    "search-page-input",
    "search-results",
];

/// Deeper nesting than this is refused: no real page needs it, and it keeps
/// every later stage (sanitizer, browsers) far from its recursion limits.
pub const MAX_NESTING: usize = 100;

/// Deepest nesting of elements in a page's raw HTML: browsers stop nesting
/// at 512 too, and the sanitizer's time grows with depth for every tag.
pub const MAX_HTML_NESTING: usize = 512;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A link to another page whose anchor is checked after every page renders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageLink {
    pub target: PageId,
    pub anchor: Option<String>,
    pub line: u32,
    pub column: u32,
    /// The destination as written, kept for links with an anchor.
    pub written: String,
}

#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub html: String,
    /// Shared, as `anchors` is, by the copies serve makes of a scan whose
    /// links' ids moved (a page added or removed before them).
    pub toc: Arc<Vec<TocEntry>>,
    /// Every id a link may point at: headings, footnotes and ids in raw
    /// HTML, sorted (the theme's own ids are in [`THEME_IDS`]).
    pub anchors: Arc<Vec<Box<str>>>,
    /// The first paragraph as text, when the page has no summary.
    pub first_paragraph: String,
    pub links: Vec<PageLink>,
    /// Root-relative link targets (site paths without the leading `/`), checked
    /// against the outputs of the build.
    pub root_links: Vec<(String, u32, u32)>,
    pub diagnostics: Vec<Diagnostic>,
    /// What the pass looked up in the graph besides its own page.
    pub reads: Reads,
}

/// What a body's pass read of other pages and of the outputs: its result
/// stays true while every answer stays the same (see `serve::session`).
/// Codes autolinked are in `pages`; a code that could newly be autolinked
/// is one of the `words` looked up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reads {
    /// The words of prose looked up as codes (see [`Words`]).
    pub words: Words,
    /// Pages linked, by link or autolinked code: their path, title, file
    /// and whether they are published, sorted.
    pub pages: Vec<PageId>,
    /// Content paths linked that named no page, sorted.
    pub missing: Vec<Box<str>>,
    /// Output files looked up for links to files beside the page, lowercase, sorted.
    pub outputs: Vec<Box<str>>,
}

/// A set of words (a Bloom filter of 1,024 bits, two per word): it may
/// hold a word it was not given, never the other way round. Serve asks a
/// body's filter whether a code added to the site could be autolinked in
/// it before it searches the body's text, which it then does for a few
/// bodies in ten instead of every one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Words([u64; 16]);

impl Words {
    /// The two bits of `word`: from a hash that is the same on every
    /// machine and every run.
    fn bits(word: &str) -> [usize; 2] {
        use std::hash::Hasher;
        let mut h = rustc_hash::FxHasher::default();
        h.write(word.as_bytes());
        // FxHash's high bits mix best; spread them over the low ones.
        let h = h.finish();
        let h = (h ^ (h >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        let h = h ^ (h >> 32);
        [(h & 1023) as usize, ((h >> 10) & 1023) as usize]
    }

    fn insert(&mut self, word: &str) {
        for b in Words::bits(word) {
            self.0[b / 64] |= 1 << (b % 64);
        }
    }

    /// False when `word` was never inserted.
    pub fn may_hold(&self, word: &str) -> bool {
        Words::bits(word)
            .iter()
            .all(|&b| self.0[b / 64] & (1 << (b % 64)) != 0)
    }
}

impl Rendered {
    /// True when a link to `#id` on this page finds its target.
    pub fn has_anchor(&self, id: &str) -> bool {
        self.anchors.binary_search_by(|a| (**a).cmp(id)).is_ok() || THEME_IDS.contains(&id)
    }
}

/// What the markdown pass reads besides the body.
pub struct Context<'a> {
    pub config: &'a Config,
    pub graph: &'a Graph,
    /// Codes linked in prose, as written, to their pages.
    pub autolinks: &'a FxHashMap<String, PageId>,
    pub highlighter: &'a highlight::Highlighter,
}

/// Codes that may be autolinked (SPEC §4): at least 4 characters with a
/// letter, and a code written the same way by only one provider.
pub fn autolink_table(graph: &Graph) -> FxHashMap<String, PageId> {
    // Borrowed while counted: a code is copied once, into the table.
    let mut seen: FxHashMap<&str, Option<PageId>> =
        FxHashMap::with_capacity_and_hasher(graph.nodes.len(), Default::default());
    for (id, n) in graph.originals() {
        if let Some(code) = &n.page.fm.code {
            if autolinkable(code) {
                seen.entry(code)
                    .and_modify(|v| *v = None)
                    .or_insert(Some(id));
            }
        }
    }
    let mut table = FxHashMap::with_capacity_and_hasher(seen.len(), Default::default());
    table.extend(
        seen.into_iter()
            .filter_map(|(k, v)| v.map(|id| (k.to_string(), id))),
    );
    table
}

/// True for a code prose may link: at least 4 characters, one a letter.
pub fn autolinkable(code: &str) -> bool {
    code.chars().count() >= 4 && code.chars().any(char::is_alphabetic)
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

struct LineIndex {
    starts: Vec<usize>,
    first: u32,
}

impl LineIndex {
    fn new(text: &str, first: u32) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts, first }
    }
    fn line(&self, offset: usize) -> u32 {
        let i = self.starts.partition_point(|&s| s <= offset);
        self.first + i.saturating_sub(1) as u32
    }
    /// Line and column (in characters, 1-based) of a byte offset of `text`.
    fn at(&self, text: &str, offset: usize) -> (u32, u32) {
        let i = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(i).copied().unwrap_or(0).min(offset);
        let column = text.get(start..offset).map_or(0, |t| t.chars().count());
        (self.first + i as u32, column as u32 + 1)
    }
}

struct HeadingBuf<'a> {
    level: HeadingLevel,
    id: Option<String>,
    classes: Vec<String>,
    events: Vec<Event<'a>>,
    text: String,
}

/// How much of a page to produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Everything but the HTML: ids, links, summary and diagnostics. Cheap
    /// (no highlighting), and small enough to keep for every page at once.
    Scan,
    /// The HTML too, made when the page is written and dropped right after.
    Html,
}

/// Renders `body`, the body of page `id`. Both modes find the same
/// diagnostics.
pub fn render(ctx: &Context<'_>, id: PageId, body: &str, mode: Mode) -> Rendered {
    let mut pass = Pass::new(ctx, id, body, mode);
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if pass.event(event, range.start).is_break() {
            // Too deeply nested to render: the diagnostic says so.
            pass.r.html.clear();
            return with_sorted_anchors(pass.r);
        }
    }
    pass.finish()
}

/// Too deeply nested to go on.
type Flow = std::ops::ControlFlow<()>;

/// The state of one body's pass over pulldown-cmark's events. Each event
/// goes through `event`'s stages in turn: nesting, code blocks, block
/// structure (headings, callouts), links and raw HTML, plain text, and
/// the output with autolinked codes.
struct Pass<'a, 'c> {
    ctx: &'c Context<'c>,
    id: PageId,
    body: &'a str,
    mode: Mode,
    lines: LineIndex,
    own_dir: &'c str,
    r: Rendered,
    out: Vec<Event<'a>>,
    depth: usize,
    heading: Option<HeadingBuf<'a>>,
    /// A code block's info string and text, until it ends.
    code: Option<(String, String)>,
    link_depth: usize,
    in_first_paragraph: bool,
    first_paragraph_done: bool,
    has_raw_html: bool,
    raw_html: String,
    html_depth: usize,
    /// Codes linked already: only a code's first mention is autolinked.
    linked_codes: HashSet<PageId>,
    own_anchor_links: Vec<(String, u32, u32)>,
    used_ids: HashMap<String, usize>,
    /// For each open block quote, whether it is a callout.
    callouts: Vec<bool>,
}

impl<'a, 'c> Pass<'a, 'c> {
    fn new(ctx: &'c Context<'c>, id: PageId, body: &'a str, mode: Mode) -> Self {
        let page = &ctx.graph.page(id).page;
        Pass {
            ctx,
            id,
            body,
            mode,
            lines: LineIndex::new(body, page.body_line),
            own_dir: page.inner.rsplit_once('/').map_or("", |(d, _)| d),
            r: Rendered::default(),
            out: Vec::new(),
            depth: 0,
            heading: None,
            code: None,
            link_depth: 0,
            in_first_paragraph: false,
            first_paragraph_done: false,
            has_raw_html: false,
            raw_html: String::new(),
            html_depth: 0,
            linked_codes: HashSet::new(),
            own_anchor_links: Vec::new(),
            used_ids: THEME_IDS.iter().map(|id| (id.to_string(), 1)).collect(),
            callouts: Vec::new(),
        }
    }

    fn file(&self) -> &'c str {
        &self.ctx.graph.page(self.id).page.file
    }

    fn event(&mut self, event: Event<'a>, at: usize) -> Flow {
        self.track_depth(&event, at)?;
        // The stages that take an event whole see it by reference: an
        // event is moved only where it is rewritten.
        if self.code_block(&event) || self.block(&event) {
            return Flow::Continue(());
        }
        let event = self.resolve(event, at)?;
        self.collect_text(&event);
        self.emit(event);
        Flow::Continue(())
    }

    fn track_depth(&mut self, event: &Event<'a>, at: usize) -> Flow {
        match event {
            Event::Start(_) => {
                self.depth += 1;
                if self.depth > MAX_NESTING {
                    self.r.diagnostics.push(Rule::Nesting.error(
                        self.file(),
                        Some(self.lines.line(at)),
                        format!("markdown nested more than {MAX_NESTING} levels deep (lists or quotes inside each other); flatten it"),
                    ));
                    return Flow::Break(());
                }
            }
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        Flow::Continue(())
    }

    /// Code blocks: the text is buffered and highlighted at the end. True
    /// when the event was taken.
    fn code_block(&mut self, event: &Event<'a>) -> bool {
        if let Some((_, buf)) = &mut self.code {
            match event {
                // A scan outputs nothing: the text is not needed.
                Event::Text(t) if self.mode == Mode::Html => buf.push_str(t),
                Event::End(TagEnd::CodeBlock) => {
                    let (info, text) = self.code.take().unwrap_or_default();
                    if self.mode == Mode::Html {
                        self.out.push(Event::Html(CowStr::from(
                            self.ctx.highlighter.block(&info, &text),
                        )));
                    }
                }
                _ => {}
            }
            return true;
        }
        if let Event::Start(Tag::CodeBlock(kind)) = event {
            let info = match kind {
                CodeBlockKind::Fenced(info) => info.to_string(),
                CodeBlockKind::Indented => String::new(),
            };
            self.code = Some((info, String::new()));
            return true;
        }
        false
    }

    /// Headings (buffered until they end, for their id) and callouts.
    /// True when the event was taken.
    fn block(&mut self, event: &Event<'a>) -> bool {
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                self.heading = Some(HeadingBuf {
                    level: *level,
                    id: id.as_ref().map(|s| s.to_string()),
                    classes: classes.iter().map(|c| c.to_string()).collect(),
                    events: Vec::new(),
                    text: String::new(),
                });
                true
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = self.heading.take() {
                    let label = crate::i18n::word(self.words(), "link_to_section");
                    let out = (self.mode == Mode::Html).then_some(&mut self.out);
                    emit_heading(h, &mut self.r, out, &mut self.used_ids, label);
                }
                true
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let class = callout_kind(*kind);
                let title = escape(crate::i18n::word(self.words(), &format!("callout_{class}")));
                self.callouts.push(true);
                self.out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-title\">{title}</p>\n"
                ))));
                true
            }
            Event::Start(Tag::BlockQuote(None)) => {
                self.callouts.push(false);
                false
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                let callout = self.callouts.pop() == Some(true);
                if callout {
                    self.out.push(Event::Html(CowStr::from("</div>\n")));
                }
                callout
            }
            _ => false,
        }
    }

    /// Links and images resolved and checked; raw HTML, footnotes and the
    /// first paragraph noted.
    fn resolve(&mut self, event: Event<'a>, at: usize) -> std::ops::ControlFlow<(), Event<'a>> {
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id: lid,
            }) => {
                self.link_depth += 1;
                let links_before = self.r.links.len();
                let dest = self.resolve_link(&dest_url, at);
                // An explicit link is the page's first mention of that code.
                if let Some(l) = self.r.links.get(links_before) {
                    self.linked_codes.insert(l.target);
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest.map_or(dest_url, CowStr::from),
                    title,
                    id: lid,
                })
            }
            Event::End(TagEnd::Link) => {
                self.link_depth = self.link_depth.saturating_sub(1);
                Event::End(TagEnd::Link)
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id: lid,
            }) => {
                let dest = self.resolve_link(&dest_url, at);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest.map_or(dest_url, CowStr::from),
                    title,
                    id: lid,
                })
            }
            Event::Html(ref h) | Event::InlineHtml(ref h) => {
                self.has_raw_html = true;
                self.raw_html.push_str(h);
                if crate::html::nesting(h, &mut self.html_depth) > MAX_HTML_NESTING {
                    self.r.diagnostics.push(Rule::Nesting.error(
                        self.file(),
                        Some(self.lines.line(at)),
                        format!("raw HTML nested more than {MAX_HTML_NESTING} elements deep; browsers stop there too: close elements or flatten it"),
                    ));
                    return std::ops::ControlFlow::Break(());
                }
                event
            }
            Event::FootnoteReference(ref name) => {
                Arc::make_mut(&mut self.r.anchors).push(format!("fn-{name}").into());
                event
            }
            Event::Start(Tag::FootnoteDefinition(ref name)) => {
                Arc::make_mut(&mut self.r.anchors).push(name.as_ref().into());
                event
            }
            Event::Start(Tag::Paragraph) if self.depth == 1 && !self.first_paragraph_done => {
                self.in_first_paragraph = true;
                event
            }
            Event::End(TagEnd::Paragraph) if self.in_first_paragraph => {
                self.in_first_paragraph = false;
                self.first_paragraph_done = true;
                event
            }
            e => e,
        };
        std::ops::ControlFlow::Continue(event)
    }

    /// The theme's words in the page's language.
    fn words(&self) -> &'c crate::i18n::Strings {
        let lang = self.ctx.graph.page(self.id).page.lang.as_deref();
        self.ctx.config.strings_of(lang)
    }

    fn resolve_link(&mut self, dest: &str, at: usize) -> Option<String> {
        resolve_link(
            self.ctx,
            self.id,
            self.own_dir,
            dest,
            self.lines.at(self.body, at),
            &mut self.r,
            &mut self.own_anchor_links,
        )
    }

    /// Plain text for the first paragraph and heading titles.
    fn collect_text(&mut self, event: &Event<'a>) {
        match event {
            Event::Text(t) | Event::Code(t) => {
                if self.in_first_paragraph {
                    self.r.first_paragraph.push_str(t);
                }
                if let Some(h) = &mut self.heading {
                    h.text.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak if self.in_first_paragraph => {
                self.r.first_paragraph.push(' ')
            }
            _ => {}
        }
    }

    /// The event into the open heading or the output, autolinking codes
    /// in prose; checkboxes and tables get what accessibility needs.
    fn emit(&mut self, event: Event<'a>) {
        let autolinks = self.ctx.config.markdown.autolink_codes
            && self.link_depth == 0
            && self.heading.is_none();
        if self.mode == Mode::Scan {
            // Nothing is output: only the codes autolinking would link.
            if let Event::Text(t) = &event {
                if autolinks {
                    for (_, token) in code_tokens(t) {
                        autolink_target(
                            self.ctx,
                            self.id,
                            token,
                            &mut self.linked_codes,
                            &mut self.r.reads.words,
                        );
                    }
                }
            }
            return;
        }
        let target = match &mut self.heading {
            Some(h) => &mut h.events,
            None => &mut self.out,
        };
        match event {
            Event::Text(t) if autolinks => {
                let words = &mut self.r.reads.words;
                autolink_text(self.ctx, self.id, t, &mut self.linked_codes, words, target);
            }
            // A checkbox needs a name; a table that scrolls, a focusable frame.
            Event::TaskListMarker(done) => {
                target.push(Event::InlineHtml(CowStr::Borrowed(if done {
                    "<input type=\"checkbox\" disabled checked aria-label=\"Done\"> "
                } else {
                    "<input type=\"checkbox\" disabled aria-label=\"To do\"> "
                })))
            }
            e @ Event::Start(Tag::Table(_)) => {
                target.push(Event::Html(CowStr::Borrowed(
                    "<div class=\"table-scroll\" role=\"region\" aria-label=\"Table\" tabindex=\"0\">",
                )));
                target.push(e);
            }
            e @ Event::End(TagEnd::Table) => {
                target.push(e);
                target.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            e => target.push(e),
        }
    }

    /// Anchors checked on the page itself, and the HTML made (`Mode::Html`).
    fn finish(mut self) -> Rendered {
        if let Some(h) = self.heading.take() {
            let label = crate::i18n::word(self.words(), "link_to_section");
            let out = (self.mode == Mode::Html).then_some(&mut self.out);
            emit_heading(h, &mut self.r, out, &mut self.used_ids, label);
        }
        let ctx = self.ctx;
        let file = self.file();
        let mut r = self.r;
        r.reads.pages.extend(self.linked_codes);
        r.reads.pages.sort_unstable();
        r.reads.pages.dedup();
        r.reads.missing.sort_unstable();
        r.reads.missing.dedup();
        r.reads.outputs.sort_unstable();
        r.reads.outputs.dedup();
        Arc::make_mut(&mut r.anchors).extend(
            crate::html::raw_html_targets(&self.raw_html, ctx.config.markdown.unsafe_html)
                .into_iter()
                .map(String::into_boxed_str),
        );
        r = with_sorted_anchors(r);
        for (anchor, line, column) in self.own_anchor_links {
            if !r.has_anchor(&anchor) {
                r.diagnostics.push(
                    Rule::Anchor
                        .error(
                            file,
                            Some(line),
                            format!(
                                "link to \"#{anchor}\": no heading or element on this page has that id"
                            ),
                        )
                        .at_column(Some(column)),
                );
            }
        }
        if self.mode == Mode::Html {
            let mut html = String::with_capacity(self.body.len() * 2);
            pulldown_cmark::html::push_html(&mut html, self.out.into_iter());
            r.html = if self.has_raw_html && !ctx.config.markdown.unsafe_html {
                crate::html::sanitize(&html)
            } else {
                html
            };
        }
        // Only a page without a summary is summarised by its first paragraph.
        r.first_paragraph = match ctx.graph.page(self.id).page.fm.summary {
            Some(_) => String::new(),
            None => r.first_paragraph.trim().to_string(),
        };
        r
    }
}

/// `r` with its anchors sorted, as [`Rendered::has_anchor`] expects.
fn with_sorted_anchors(mut r: Rendered) -> Rendered {
    let anchors = Arc::make_mut(&mut r.anchors);
    anchors.sort_unstable();
    anchors.dedup();
    r
}

/// The page in the same folder whose file name is closest to the one of a
/// link that names no page (`overlaod.md` for `overload.md`).
/// True when the build writes the file `content_path`, noted in `r.reads`.
fn output_exists(ctx: &Context<'_>, content_path: &str, r: &mut Rendered) -> bool {
    let key = content_path.to_lowercase();
    let found = ctx.graph.outputs.contains_key(&key);
    r.reads.outputs.push(key.into());
    found
}

pub(crate) fn near_page(graph: &Graph, content_path: &str) -> Option<String> {
    let (dir, name) = content_path.rsplit_once('/').unwrap_or(("", content_path));
    let stems = graph.by_inner.keys().filter_map(|p| {
        let (d, file) = p.rsplit_once('/').unwrap_or(("", p));
        (d == dir).then(|| file.trim_end_matches(".md"))
    });
    let found = crate::suggest::closest(name.trim_end_matches(".md"), stems)?;
    Some(match dir {
        "" => format!("{found}.md"),
        _ => format!("{dir}/{found}.md"),
    })
}

/// A call-out's class; its title is the theme's word `callout_<class>`.
fn callout_kind(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    }
}

/// A heading ended: its id (unique on the page), table of contents entry
/// and anchor, and its HTML into `out` when there is output (not in a scan).
fn emit_heading<'a>(
    h: HeadingBuf<'a>,
    r: &mut Rendered,
    out: Option<&mut Vec<Event<'a>>>,
    used: &mut HashMap<String, usize>,
    label: &str,
) {
    let base_id = h.id.clone().unwrap_or_else(|| {
        let s = heading_slug(&h.text);
        if s.is_empty() {
            "section".into()
        } else {
            s
        }
    });
    // De-duplicate the way GitHub does: `x`, `x-1`, `x-2`.
    let mut id = base_id.clone();
    let n = used.entry(base_id.clone()).or_insert(0);
    if *n > 0 {
        id = format!("{base_id}-{n}");
    }
    *n += 1;
    used.entry(id.clone()).or_insert(1);
    let level = h.level as u8;
    if let Some(out) = out {
        let class = if h.classes.is_empty() {
            String::new()
        } else {
            format!(" class=\"{}\"", escape(&h.classes.join(" ")))
        };
        let eid = escape(&id);
        out.push(Event::Html(CowStr::from(format!(
            "<h{level} id=\"{eid}\"{class}>"
        ))));
        out.extend(h.events);
        out.push(Event::Html(CowStr::from(format!(
            " <a class=\"anchor\" href=\"#{eid}\" aria-label=\"{}\">#</a></h{level}>\n",
            escape(label)
        ))));
    }
    if (2..=3).contains(&level) {
        Arc::make_mut(&mut r.toc).push(TocEntry {
            level,
            id: id.clone(),
            title: h.text.trim().to_string(),
        });
    }
    Arc::make_mut(&mut r.anchors).push(id.into());
}

/// Links the first mention of each known code in a run of prose text.
fn autolink_text<'a>(
    ctx: &Context<'_>,
    own: PageId,
    text: CowStr<'a>,
    linked: &mut HashSet<PageId>,
    words: &mut Words,
    out: &mut Vec<Event<'a>>,
) {
    let s: &str = &text;
    let mut last = 0;
    let mut pieces: Vec<Event<'a>> = Vec::new();
    for (start, token) in code_tokens(s) {
        if let Some(target) = autolink_target(ctx, own, token, linked, words) {
            let n = ctx.graph.page(target);
            pieces.push(Event::Text(CowStr::from(s[last..start].to_string())));
            pieces.push(Event::Html(CowStr::from(format!(
                "<a class=\"code-link\" href=\"{}\" title=\"{}\">",
                escape(&ctx.config.base.href(&n.path)),
                escape(&n.page.fm.title)
            ))));
            pieces.push(Event::Text(CowStr::from(token.to_string())));
            pieces.push(Event::Html(CowStr::from("</a>")));
            last = start + token.len();
        }
    }
    if pieces.is_empty() {
        out.push(Event::Text(text));
        return;
    }
    if last < s.len() {
        pieces.push(Event::Text(CowStr::from(s[last..].to_string())));
    }
    out.extend(pieces);
}

/// The words of prose that may be codes, with their byte offsets: runs
/// of ASCII letters, digits, `_`, `.` and `-`, without a trailing `.` or
/// `-`, of four bytes or more.
fn code_tokens(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let is_code_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-';
    let bytes = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            if !is_code_byte(bytes[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && is_code_byte(bytes[i]) {
                i += 1;
            }
            let token = s[start..i].trim_end_matches(['.', '-']);
            if token.len() >= 4 {
                return Some((start, token));
            }
        }
        None
    })
}

/// The page a code of prose links to, noted in `words` and, the first
/// time, in `linked`; `None` when it is no other page's code or was
/// linked before.
fn autolink_target(
    ctx: &Context<'_>,
    own: PageId,
    token: &str,
    linked: &mut HashSet<PageId>,
    words: &mut Words,
) -> Option<PageId> {
    words.insert(token);
    let &target = ctx.autolinks.get(token)?;
    (target != own && linked.insert(target)).then_some(target)
}

/// Resolves a link destination. Returns the rewritten destination, or
/// `None` to leave it as written.
fn resolve_link(
    ctx: &Context<'_>,
    own: PageId,
    own_dir: &str,
    dest: &str,
    (line, column): (u32, u32),
    r: &mut Rendered,
    own_anchors: &mut Vec<(String, u32, u32)>,
) -> Option<String> {
    let node = ctx.graph.page(own);
    let file = node.page.file.as_str();
    let dest_trim = dest.trim();
    if dest_trim.is_empty() {
        return None;
    }
    if is_dangerous_scheme(dest_trim) {
        r.diagnostics.push(
            Rule::Link.error(
            file,
            Some(line),
            format!("link to \"{dest_trim}\" uses a forbidden scheme (javascript:, data: and vbscript: are not allowed)"),
        )
        .at_column(Some(column)),
        );
        return Some("#".into());
    }
    if is_external(dest_trim) {
        return None;
    }
    if let Some(anchor) = dest_trim.strip_prefix('#') {
        own_anchors.push((percent_decode(anchor), line, column));
        return None;
    }
    let (path, anchor) = match dest_trim.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest_trim, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let decoded = percent_decode(path);
    let base = &ctx.config.base;
    if let Some(rest) = dest_trim
        .strip_prefix('/')
        .filter(|_| !dest_trim.starts_with("@/"))
    {
        let site_path = rest.split(['#', '?']).next().unwrap_or("");
        r.root_links.push((percent_decode(site_path), line, column));
        return Some(base.href_written(rest));
    }
    let content_path = if let Some(p) = decoded.strip_prefix("@/") {
        normalize_relative(p)
    } else {
        let joined = if own_dir.is_empty() {
            decoded.clone()
        } else {
            format!("{own_dir}/{decoded}")
        };
        normalize_relative(&joined)
    };
    let Some(content_path) = content_path else {
        r.diagnostics.push(
            Rule::Link
                .error(
                    file,
                    Some(line),
                    format!("link to \"{dest_trim}\" leaves content/"),
                )
                .at_column(Some(column)),
        );
        return Some("#".into());
    };
    if content_path.ends_with(".md") || decoded.starts_with("@/") {
        match ctx.graph.lookup_inner(&content_path) {
            Some(target) => {
                r.reads.pages.push(target);
                let t = ctx.graph.page(target);
                if node.published && !t.published {
                    r.diagnostics.push(
                        Rule::Link.error(
                        file,
                        Some(line),
                        format!("link to \"{dest_trim}\" names the draft page {}; publish it or remove the link", t.page.file),
                    )
                    .at_column(Some(column)),
                    );
                }
                let decoded = anchor.filter(|a| !a.is_empty()).map(percent_decode);
                r.links.push(PageLink {
                    target,
                    // Only a link with an anchor can fail later, and name it.
                    written: if decoded.is_some() {
                        dest_trim.to_string()
                    } else {
                        String::new()
                    },
                    anchor: decoded,
                    line,
                    column,
                });
                let mut href = base.href(&t.path);
                if let Some(a) = anchor.filter(|a| !a.is_empty()) {
                    href.push('#');
                    href.push_str(a);
                }
                Some(href)
            }
            None if ctx.graph.broken.contains(&content_path) => {
                r.reads.missing.push(content_path.into());
                Some("#".into())
            }
            None => {
                r.reads.missing.push(content_path.clone().into());
                r.diagnostics.push(
                    Rule::Link.error(
                        file,
                        Some(line),
                        format!(
                            "link to \"{dest_trim}\": no page content/{content_path}{}",
                            if !path.ends_with(".md") && dest_trim.contains(".md") {
                                "; in a link, ? and # begin a query and a fragment: write them as %3F and %23 in a file name".to_string()
                            } else {
                                near_page(ctx.graph, &content_path)
                                    .map(|p| format!("; did you mean @/{p}?"))
                                    .unwrap_or_default()
                            }
                        ),
                    )
                    .at_column(Some(column)),
                );
                Some("#".into())
            }
        }
    } else if output_exists(ctx, &content_path, r) {
        // A file beside the page (an image, a PDF), copied to the same path.
        Some(base.href(&content_path))
    } else {
        r.diagnostics.push(
            Rule::Link.warning(
            file,
            Some(line),
            format!("relative link \"{dest_trim}\" names no page or file of this site; it is left as written"),
        )
        .at_column(Some(column)),
        );
        None
    }
}

#[cfg(test)]
mod tests {
    use super::Words;

    proptest::proptest! {
        /// A word put in is always found: a code a body holds is never
        /// missed.
        #[test]
        fn words_put_in_are_found(words in proptest::collection::vec("\\PC{1,12}", 0..400)) {
            let mut w = Words::default();
            for word in &words {
                w.insert(word);
            }
            for word in &words {
                proptest::prop_assert!(w.may_hold(word));
            }
        }
    }

    /// Two hundred words leave most others out: the filter saves the
    /// search of most bodies.
    #[test]
    fn words_not_put_in_are_mostly_refused() {
        let mut w = Words::default();
        for i in 0..200 {
            w.insert(&format!("word{i}"));
        }
        let held = (0..1000)
            .filter(|i| w.may_hold(&format!("CODE-{i}")))
            .count();
        assert!(held < 150, "{held} of 1000 words never put in are held");
    }
}

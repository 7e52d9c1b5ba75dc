//! Rendering: plan every templated output of the build (each page of
//! content, the `routes` and the aliases), render them in parallel into a
//! `Sink`, and make the files that need no template (sitemap, feed, robots,
//! `_redirects`, codes.json).

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::diag::Diagnostic;
use crate::graph::PageId;
use crate::html::escape_xml;
use crate::i18n::{fill, word};
use crate::kind::Kind;
use crate::memo::Html;
use crate::output::Sink;
use crate::packed::{Bytes, Packed};
use crate::page::format_date;
use crate::routes::{self, Lang, Make};
use crate::urls::output_file;
use crate::view::{Listed, Meta, Model};

/// A rendered output: its file path and bytes.
pub type Output = (String, Bytes);

pub use crate::routes::{Job, List};

/// The theme's static assets, by the name a site may override in static/.
pub const THEME_ASSETS: &[(&str, &str)] = &[
    ("faultbook.css", include_str!("../static/faultbook.css")),
    ("faultbook.js", include_str!("../static/faultbook.js")),
];

/// Every templated output of the build, in a stable order.
pub fn plan(m: &Model<'_>) -> Vec<Job> {
    let mut jobs: Vec<Job> = m
        .graph
        .published()
        .filter(|(id, _)| !m.graph.is_home_intro(*id))
        .map(|(id, _)| Job::Page(id))
        .collect();
    jobs.extend(
        routes::of_site(m.config, m.graph.by_tag.keys())
            .into_iter()
            .filter_map(|r| match r.make {
                Make::Template(job) => Some(job),
                Make::File(..) | Make::SearchIndex(_) => None,
            }),
    );
    jobs.extend((0..m.graph.aliases.len()).map(Job::Alias));
    jobs
}

/// The file a job writes.
pub fn output_of(m: &Model<'_>, job: &Job) -> String {
    output_file(&match job {
        Job::Page(id) => m.graph.page(*id).path.clone(),
        Job::Home(l) => routes::prefix(m.config, *l),
        Job::List(list, l) => format!("{}{}", routes::prefix(m.config, *l), list.path()),
        Job::Search(l) => format!("{}search/", routes::prefix(m.config, *l)),
        Job::NotFound => "404.html".into(),
        Job::Alias(i) => m.graph.aliases[*i].path.clone(),
    })
}

/// Fixed outputs, reserved in the graph before any page claims a path.
pub fn reserved_outputs(asset_names: &[String]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = routes::fixed()
        .into_iter()
        .map(|r| (r.file(), r.what))
        .collect();
    v.extend(
        asset_names
            .iter()
            .map(|n| (n.clone(), "a theme asset".to_string())),
    );
    // The search index's chunks: folders no file may take or enter.
    v.extend(crate::search::CHUNK_FOLDERS.map(|f| (f.to_string(), "the search index".to_string())));
    v
}

/// Renders one job: its output path and HTML.
pub fn render_job(
    m: &Model<'_>,
    tera: &Tera,
    templates_key: &[u8],
    job: &Job,
) -> Result<Output, (String, tera::Error)> {
    let base = &m.config.base;
    let mut ctx = Context::new();
    // The output's language: the theme's words, the section its links
    // lead to.
    let lang = lang_of(m, job);
    let site = m.site_in(lang);
    ctx.insert("site", &*site);
    ctx.insert("lang", &m.config.languages[lang].code);
    let words = m.words_in(lang);
    ctx.insert("t", words);
    if !matches!(job, Job::Page(_)) {
        ctx.insert("languages", &section_languages(m, job));
    }
    // With memo tables, a page's body is left out of the view until the
    // view's hash shows that the output must be rendered again; so are its
    // related items' and backlinks' HTML (see `section_fragments`).
    let mut pending_page: Option<(PageId, crate::view::PageView)> = None;
    // Likewise a listing's items' HTML.
    let mut pending_list = None;
    match job {
        Job::Page(id) => {
            let mut view = m.page_view(*id, m.memo.is_none());
            let node = m.graph.page(*id);
            // The items' HTML replaces these markers once rendered.
            if !view.related_ids.is_empty() && tera.get_template(ITEM_TEMPLATE).is_ok() {
                view.related_html = Some(group_marker(0));
            }
            if !view.backlink_ids.is_empty() && tera.get_template(BACKLINK_TEMPLATE).is_ok() {
                view.backlinks_html = Some(group_marker(1));
            }
            let mut meta = Meta::new(
                &site,
                &view.title,
                &view.description,
                view.permalink.clone(),
            );
            meta.json_ld = view.json_ld.clone();
            if node.page.kind.is_reviewed() {
                meta.og_type = "article";
            }
            ctx.insert("meta", &meta);
            // Also at the top level, as templates of other generators expect.
            ctx.insert("provider", &view.provider);
            ctx.insert("languages", &view.languages);
            ctx.insert("page", &view);
            pending_page = Some((*id, view));
        }
        Job::Home(_) => {
            let home = m.home(lang);
            ctx.insert("meta", &Meta::new(&site, "", "", home.permalink.clone()));
            ctx.insert("home", &home);
        }
        Job::Search(_) => {
            ctx.insert(
                "meta",
                &Meta {
                    noindex: true,
                    ..Meta::new(
                        &site,
                        word(words, "search_title"),
                        "",
                        base.permalink(&job_path(m, job)),
                    )
                },
            );
        }
        Job::NotFound => {
            ctx.insert(
                "meta",
                &Meta {
                    noindex: true,
                    ..Meta::new(
                        &m.site,
                        word(words, "not_found_title"),
                        "",
                        base.permalink("404.html"),
                    )
                },
            );
        }
        Job::Alias(i) => {
            let a = &m.graph.aliases[*i];
            let v = m.page(a.target);
            #[derive(Serialize)]
            struct Target {
                title: String,
                href: String,
                permalink: String,
            }
            ctx.insert(
                "target",
                &Target {
                    title: v.title,
                    href: v.href,
                    permalink: v.permalink,
                },
            );
            ctx.insert("meta", &Meta::default());
        }
        Job::List(list, _) => {
            let view = list_view(m, list, lang);
            ctx.insert(
                "meta",
                &Meta::new(
                    &site,
                    &view.title,
                    &view.description,
                    view.permalink.clone(),
                ),
            );
            // The overdue page shows its items in a table of its own.
            if tera.get_template(ITEM_TEMPLATE).is_ok() && *list != List::Overdue {
                // The items' HTML is made once the output is known not to
                // be memoized; a memo key is made from the items.
                if m.memo.is_some() {
                    ctx.insert("list", &view);
                }
                pending_list = Some(view);
            } else {
                ctx.insert("list", &view);
            }
        }
    }
    let template = template_of(m, job);
    let file = output_of(m, job);
    let memo_key = m.memo.map(|(_, _)| {
        let json = serde_json::to_vec(&ctx.clone().into_json()).unwrap_or_default();
        let body_key = pending_page
            .as_ref()
            .and_then(|(id, _)| m.html_key(*id))
            .unwrap_or_default();
        crate::memo::key(&[
            templates_key,
            template.as_bytes(),
            file.as_bytes(),
            &json,
            &body_key,
        ])
    });
    if let (Some((memo, _)), Some(k)) = (m.memo, memo_key) {
        if let Some(bytes) = memo.outputs.get(&k) {
            // The body's HTML stays for the next render of the page (after
            // a template edit), as if this render had read it.
            if let Some(k) = pending_page.as_ref().and_then(|(id, _)| m.html_key(*id)) {
                memo.htmls.get(&k);
            }
            return Ok((file, Bytes::Packed(bytes)));
        }
    }
    let mut groups = None;
    // The body's HTML, to be found in the output (see `memo::Html`).
    let mut body = None;
    if let Some((id, mut view)) = pending_page {
        let shown = (view.related_html.is_some(), view.backlinks_html.is_some());
        if m.memo.is_some() {
            view.content = m.html(id);
        }
        let related = section_fragments(
            m,
            tera,
            &view.related_ids,
            Made::Item,
            &mut view.related_html,
        );
        let backlinks = section_fragments(
            m,
            tera,
            &view.backlink_ids,
            Made::Backlink,
            &mut view.backlinks_html,
        );
        if shown != (false, false) {
            groups = Some(vec![related, backlinks]);
        }
        if m.memo.is_some() || shown != (view.related_html.is_some(), view.backlinks_html.is_some())
        {
            ctx.insert("page", &view);
        }
        if m.memo.is_some() {
            body = Some((id, std::mem::take(&mut view.content)));
        }
    }
    if let Some(mut view) = pending_list {
        groups = fill_fragments(m, tera, &mut view, lang);
        ctx.insert("list", &view);
    }
    match tera.render(template, &ctx) {
        Ok(html) => {
            let bytes: Arc<[u8]> = match groups {
                Some(groups) => splice(&html, &groups).into(),
                None => html.into_bytes().into(),
            };
            // What a memo keeps, it keeps packed: the output is packed
            // once, here, and the sink keeps it as it comes.
            if let (Some((memo, _)), Some(k)) = (m.memo, memo_key) {
                let packed = Packed::page(&bytes, template);
                memo.outputs.put(k, packed.clone());
                if let Some((id, html)) = body.filter(|(_, html)| !html.is_empty()) {
                    if let (Some(at), Some(k)) = (find(&bytes, html.as_bytes()), m.html_key(id)) {
                        memo.htmls
                            .put(k, Html::Within(packed.clone(), at..at + html.len()));
                    }
                }
                return Ok((file, Bytes::Packed(packed)));
            }
            Ok((file, Bytes::Plain(bytes)))
        }
        Err(e) => Err((template.to_string(), e)),
    }
}

/// Where `needle` first is in `hay`: where its first bytes are, and then
/// the rest (a finder made for a whole body costs more than the search).
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let head = &needle[..needle.len().min(32)];
    memchr::memmem::find_iter(hay, head).find(|&at| hay[at..].starts_with(needle))
}

/// The internal template that renders one list item (see
/// `templates::load`); it exists when the built-in listing template is used.
pub const ITEM_TEMPLATE: &str = "faultbook/item.html";

/// The internal template that renders one "Referenced by" entry of a page
/// (see `templates::load`).
pub const BACKLINK_TEMPLATE: &str = "faultbook/backlink.html";

/// Gives each group of `view` its items' HTML, each item rendered once per
/// model: the groups' fragments, for [`splice`] to put where the template
/// shows each group's `html`, which holds a [`group_marker`] meanwhile (a
/// listing of every page is megabytes, which Tera would copy twice). On a
/// template error the groups keep their items, and the listing's own loop
/// meets the error where the writer wrote it. In another language's
/// section, the pages not translated are marked with their language.
fn fill_fragments(
    m: &Model<'_>,
    tera: &Tera,
    view: &mut crate::view::ListView<'_>,
    lang: Lang,
) -> Option<Vec<Vec<Arc<str>>>> {
    let groups: Vec<Vec<Arc<str>>> = view
        .groups
        .iter()
        .map(|g| {
            g.ids
                .iter()
                .map(|&id| {
                    let marked = lang > 0 && m.graph.page(id).original.is_none();
                    fragment(m, tera, id, if marked { Made::Marked } else { Made::Item })
                })
                .collect::<Option<_>>()
        })
        .collect::<Option<_>>()?;
    for (n, g) in view.groups.iter_mut().enumerate() {
        g.html = Some(group_marker(n));
    }
    Some(groups)
}

/// How a page's item is rendered on other pages.
#[derive(Clone, Copy, PartialEq)]
enum Made {
    /// By the theme's `item` macro.
    Item,
    /// By the `item` macro, marked with the default language's code, for
    /// the sections of other languages.
    Marked,
    /// By the `backlink` macro.
    Backlink,
}

/// The item of page `id` as the theme renders it, made once per model.
/// `None` when the template fails, or when the model's fragments are gone
/// (a build drops them once its pages are rendered): the theme's own loop
/// renders the item then.
fn fragment(m: &Model<'_>, tera: &Tera, id: PageId, made: Made) -> Option<Arc<str>> {
    let cells = m.fragments.get(id)?;
    let (cell, template) = match made {
        Made::Item => (&cells.own, ITEM_TEMPLATE),
        Made::Marked => (&cells.marked, ITEM_TEMPLATE),
        Made::Backlink => (&cells.backlink, BACKLINK_TEMPLATE),
    };
    if let Some(f) = cell.get() {
        return Some(f.clone());
    }
    let mut ctx = Context::new();
    if made == Made::Marked {
        let mut it = m.items[id].clone();
        it.lang = Some(m.config.language.clone());
        ctx.insert("it", &it);
    } else {
        ctx.insert("it", &m.items[id]);
    }
    let html: Arc<str> = tera.render(template, &ctx).ok()?.into();
    Some(cell.get_or_init(|| html).clone())
}

/// The fragments of a page section's items `ids` (its related errors, its
/// backlinks), for [`splice`] to put where the theme shows the section's
/// `html` marker; none when the section holds no marker. Many pages list
/// the same page, and its item is rendered once. Where one fails, `html`
/// is cleared and the theme's own loop meets the error where it is written.
fn section_fragments(
    m: &Model<'_>,
    tera: &Tera,
    ids: &[PageId],
    made: Made,
    html: &mut Option<String>,
) -> Vec<Arc<str>> {
    if html.is_none() {
        return Vec::new();
    }
    let made: Option<Vec<_>> = ids.iter().map(|&i| fragment(m, tera, i, made)).collect();
    made.unwrap_or_else(|| {
        *html = None;
        Vec::new()
    })
}

/// What a group's `html` holds until [`splice`] replaces it: no page text
/// can hold a NUL, and Tera passes it through `safe` as it is.
fn group_marker(n: usize) -> String {
    format!("\0group {n}\0")
}

/// `html` with each [`group_marker`] replaced by its group's fragments.
fn splice(html: &str, groups: &[Vec<Arc<str>>]) -> Vec<u8> {
    let len = |n: usize| groups.get(n).map_or(0, |g| g.iter().map(|f| f.len()).sum());
    let mut out = Vec::with_capacity(html.len() + (0..groups.len()).map(len).sum::<usize>());
    let mut rest = html;
    while let Some(start) = rest.find('\0') {
        let marker = rest[start + 1..]
            .find('\0')
            .map(|end| &rest[start..start + end + 2])
            .filter(|m| m.starts_with("\0group "));
        let Some(n) = marker.and_then(|m| m[7..m.len() - 1].parse::<usize>().ok()) else {
            out.extend_from_slice(&rest.as_bytes()[..start + 1]);
            rest = &rest[start + 1..];
            continue;
        };
        out.extend_from_slice(&rest.as_bytes()[..start]);
        for f in groups.get(n).into_iter().flatten() {
            out.extend_from_slice(f.as_bytes());
        }
        rest = &rest[start + marker.map_or(0, str::len)..];
    }
    out.extend_from_slice(rest.as_bytes());
    out
}

fn list_view<'m>(m: &'m Model<'_>, list: &List, lang: Lang) -> crate::view::ListView<'m> {
    let g = m.graph;
    let of_kind = |k: Kind| -> Vec<PageId> {
        g.originals()
            .filter(|(_, n)| n.page.kind == k)
            .map(|(i, _)| i)
            .collect()
    };
    let none = Vec::new();
    // In another language's section, each page in it where it can be.
    let code = (lang > 0).then(|| m.config.languages[lang].code.as_str());
    let mapped =
        |ids: &[PageId]| -> Vec<PageId> { ids.iter().map(|&i| m.in_language(i, code)).collect() };
    let p = format!("{}{}", routes::prefix(m.config, lang), list.path());
    let words = m.words_in(lang);
    let v = match list {
        List::Kind(kind, listing) => {
            let ids = mapped(&of_kind(*kind));
            m.list(
                listing.name,
                word(words, listing.title).into(),
                word(words, listing.description).into(),
                None,
                &p,
                Listed::sorted(&ids, listing.by_letter),
                vec![],
                lang,
            )
        }
        List::Provider(key) => {
            let prov = &m.config.providers[key];
            let ids = &mapped(g.by_provider.get(key).unwrap_or(&none));
            m.list(
                "provider",
                prov.name.clone(),
                String::new(),
                Some(prov),
                &p,
                Listed::sorted(ids, ids.len() > 30),
                vec![],
                lang,
            )
        }
        List::Tag(key) => {
            let tag = &g.by_tag[key];
            m.list(
                "tag",
                fill(word(words, "tagged"), &[("tag", &tag.name)]),
                String::new(),
                None,
                &p,
                Listed::Flat(&mapped(&tag.pages)),
                vec![],
                lang,
            )
        }
        List::Standard(key) => {
            let s = &m.config.standards[key];
            // In another language, by each page's own standard (a
            // translation may name its own).
            let ids = &match code {
                None => g.by_standard.get(key).unwrap_or(&none).clone(),
                Some(_) => {
                    let all: Vec<PageId> = g.originals().map(|(i, _)| i).collect();
                    mapped(&all)
                        .into_iter()
                        .filter(|&i| g.page(i).standard.as_deref() == Some(key.as_str()))
                        .collect()
                }
            };
            m.list(
                "standard",
                fill(word(words, "standard_title"), &[("standard", &s.name)]),
                s.description.clone(),
                None,
                &p,
                Listed::Flat(ids),
                vec![],
                lang,
            )
        }
        List::Overdue => m.list(
            "overdue",
            word(words, "overdue_for_review").into(),
            fill(
                word(words, "overdue_description"),
                &[("days", &m.config.review_interval_days.to_string())],
            ),
            None,
            &p,
            Listed::Groups(overdue_groups(m)),
            vec![],
            lang,
        ),
    };
    v
}

/// The pages overdue for review, oldest first, grouped by provider in
/// order of key (as the sidebar and `check --overdue`), then the guides by
/// kind: (id, title, pages). Ids are `group-<provider key>` and
/// `guides-<kind>`, which no provider key can give.
fn overdue_groups(m: &Model<'_>) -> Vec<(String, String, Vec<PageId>)> {
    let mut groups: BTreeMap<(bool, &str), (String, Vec<PageId>)> = BTreeMap::new();
    for (_, id) in crate::build::overdue_pages(m.config, m.graph, m.today) {
        let page = &m.graph.page(id).page;
        let provider = page
            .fm
            .provider
            .as_deref()
            .and_then(|p| m.config.providers.get(p));
        let (key, title) = match provider {
            Some(p) => ((false, p.key.as_str()), p.name.as_str()),
            None => {
                let spec = page.kind.spec();
                let key = spec.listing.as_ref().map_or(spec.label, |l| l.title);
                let title = word(m.words(None), key);
                ((true, page.kind.name()), title)
            }
        };
        groups
            .entry(key)
            .or_insert_with(|| (title.to_string(), Vec::new()))
            .1
            .push(id);
    }
    groups
        .into_iter()
        .map(|((guides, key), (title, ids))| {
            let prefix = if guides { "guides" } else { "group" };
            (format!("{prefix}-{key}"), title, ids)
        })
        .collect()
}

/// Renders every job into `sink`, in parallel. Template errors are
/// reported once per template and message.
pub fn render_all(
    m: &Model<'_>,
    jobs: &[Job],
    tera: &Tera,
    overrides: &BTreeMap<String, String>,
    sink: &dyn Sink,
    meter: &crate::meter::Meter,
) -> anyhow::Result<Vec<Diagnostic>> {
    let templates_key = crate::memo::key(&[
        format!(
            "{:?}",
            tera.get_template_names()
                .collect::<std::collections::BTreeSet<_>>()
        )
        .as_bytes(),
        format!("{overrides:?}").as_bytes(),
    ]);
    let run = |job: &Job| {
        let rendered = if sink.wants_reads() {
            let (r, read) = crate::view::recording(|| render_job(m, tera, &templates_key, job));
            if let Ok((path, _)) = &r {
                sink.reads(path, read);
            }
            r
        } else {
            render_job(m, tera, &templates_key, job)
        };
        let r = match rendered {
            Ok((path, bytes)) => sink.write_output(&path, bytes).map(|_| None),
            Err((template, e)) => Ok(Some(crate::templates::template_diag(
                &template, overrides, &e,
            ))),
        };
        meter.tick();
        r
    };
    // A listing's view holds every page it lists, and the A-Z listing of a
    // large site takes as long as hundreds of pages: listings go one at a
    // time on one thread from the start, pages on the others, so that no
    // two listings are in memory at once and none is left for the end.
    let (lists, pages): (Vec<usize>, Vec<usize>) =
        (0..jobs.len()).partition(|&i| is_listing(&jobs[i]));
    let (listed, paged) = rayon::join(
        || {
            lists
                .iter()
                .map(|&i| (i, run(&jobs[i])))
                .collect::<Vec<_>>()
        },
        || {
            pages
                .par_iter()
                .map(|&i| (i, run(&jobs[i])))
                .collect::<Vec<_>>()
        },
    );
    let mut results: Vec<(usize, anyhow::Result<Option<Diagnostic>>)> =
        listed.into_iter().chain(paged).collect();
    results.sort_unstable_by_key(|(i, _)| *i);
    let results = results.into_iter().map(|(_, r)| r);
    // One diagnostic per template error, naming the first page it broke
    // (in the plan's order) and how many more.
    let mut failed: Vec<(Diagnostic, &Job, usize)> = Vec::new();
    for (r, job) in results.zip(jobs) {
        if let Some(d) = r? {
            match failed.iter_mut().find(|(f, _, _)| *f == d) {
                Some((_, _, n)) => *n += 1,
                None => failed.push((d, job, 1)),
            }
        }
    }
    Ok(failed
        .into_iter()
        .map(|(mut d, job, n)| {
            let more = match n {
                1 => String::new(),
                n => format!(" and {} other page{}", n - 1, if n == 2 { "" } else { "s" }),
            };
            d.message = format!("{} (rendering {}{more})", d.message, describe(m, job));
            d
        })
        .collect())
}

/// One output of each template, rendered and dropped: how `check` finds
/// the template errors a build would meet (a macro a site's template
/// calls but no longer defines) without rendering the whole site.
pub fn try_templates(
    m: &Model<'_>,
    tera: &Tera,
    overrides: &BTreeMap<String, String>,
) -> Vec<Diagnostic> {
    let mut tried = std::collections::BTreeSet::new();
    let mut diags = Vec::new();
    for job in plan(m) {
        if !tried.insert(template_of(m, &job)) {
            continue;
        }
        if let Err((template, e)) = render_job(m, tera, &[], &job) {
            let mut d = crate::templates::template_diag(&template, overrides, &e);
            d.message = format!("{} (rendering {})", d.message, describe(m, &job));
            diags.push(d);
        }
    }
    diags
}

/// The same page of a section in every language, when the site has more
/// than one (the page of overdue reviews is in the default one only).
fn section_languages(m: &Model<'_>, job: &Job) -> Vec<crate::view::LanguageLink> {
    let (rest, lang) = match job {
        Job::Home(l) => (String::new(), *l),
        Job::List(list, l) if *list != List::Overdue => (list.path(), *l),
        Job::Search(l) => ("search/".to_string(), *l),
        _ => return Vec::new(),
    };
    m.language_links(lang, |i| {
        Some(format!("{}{rest}", routes::prefix(m.config, i)))
    })
}

/// The language a job's output is in.
fn lang_of(m: &Model<'_>, job: &Job) -> Lang {
    match job {
        Job::Page(id) => m.lang_index(m.graph.page(*id).page.lang.as_deref()),
        Job::Home(l) | Job::List(_, l) | Job::Search(l) => *l,
        Job::NotFound | Job::Alias(_) => 0,
    }
}

/// The site path of a job's output.
fn job_path(m: &Model<'_>, job: &Job) -> String {
    let file = output_of(m, job);
    match file.strip_suffix("index.html") {
        Some(folder) => folder.to_string(),
        None => file,
    }
}

/// The template a job renders with.
fn template_of(m: &Model<'_>, job: &Job) -> &'static str {
    match job {
        Job::Page(id) => m.graph.page(*id).page.kind.spec().template,
        Job::Home(_) => "home.html",
        Job::List(..) => "list.html",
        Job::Search(_) => "search.html",
        Job::NotFound => "404.html",
        Job::Alias(_) => "alias.html",
    }
}

/// True for the jobs that list pages (see `render_all`).
fn is_listing(job: &Job) -> bool {
    match job {
        Job::Home(_) | Job::List(..) => true,
        Job::Page(_) | Job::Search(_) | Job::NotFound | Job::Alias(_) => false,
    }
}

/// What a job renders, as a writer knows it: the page's file, or the
/// generated page by its name and URL.
fn describe(m: &Model<'_>, job: &Job) -> String {
    match job {
        Job::Page(id) => m.graph.page(*id).page.file.clone(),
        Job::Home(0) => "the home page".into(),
        Job::List(list, 0) => list.what(),
        Job::Search(0) => "the search page".into(),
        Job::Home(_) | Job::List(..) | Job::Search(_) => format!("the page /{}", job_path(m, job)),
        Job::NotFound => "the 404 page".into(),
        Job::Alias(i) => format!("the redirect page /{}", m.graph.aliases[*i].path),
    }
}

/// Makes one file that needs no template, for a language's section.
pub type MakeFile = fn(&Model<'_>, Lang) -> String;

pub fn robots(m: &Model<'_>, _: Lang) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        m.config.base.permalink("sitemap.xml")
    )
}

pub fn sitemap(m: &Model<'_>, _: Lang) -> String {
    let base = &m.config.base;
    let languages = m.config.languages.len() > 1;
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"");
    if languages {
        s.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    s.push_str(">\n");
    // A page in several languages names each version (itself too).
    // `Base::permalink`, escaped, written in place: some 10,000 entries
    // on a large site.
    let permalink = |s: &mut String, path: &str| {
        crate::html::escape_xml_into(s, &base.full);
        crate::html::escape_xml_into(s, &crate::urls::encode_path(path));
    };
    let mut entry = |path: &str, lastmod: Option<time::Date>, versions: &[(&str, &str)]| {
        s.push_str("  <url><loc>");
        permalink(&mut s, path);
        s.push_str("</loc>");
        if let Some(d) = lastmod {
            s.push_str("<lastmod>");
            crate::page::write_date(&mut s, d);
            s.push_str("</lastmod>");
        }
        for (lang, path) in versions {
            s.push_str("<xhtml:link rel=\"alternate\" hreflang=\"");
            crate::html::escape_xml_into(&mut s, lang);
            s.push_str("\" href=\"");
            permalink(&mut s, path);
            s.push_str("\"/>");
        }
        s.push_str("</url>\n");
    };
    for r in routes::of_site(m.config, m.graph.by_tag.keys()) {
        if r.in_sitemap {
            entry(&r.path, None, &[]);
        }
    }
    for (id, n) in m
        .graph
        .published()
        .filter(|(id, _)| !m.graph.is_home_intro(*id))
    {
        let root = m.graph.page(n.original.unwrap_or(id));
        let versions: Vec<(&str, &str)> = match languages {
            false => Vec::new(),
            true => std::iter::once((m.config.language.as_str(), root.path.as_str()))
                .chain(
                    root.translations
                        .iter()
                        .map(|&t| m.graph.page(t))
                        .filter(|t| t.published)
                        .map(|t| (t.page.lang.as_deref().unwrap_or(""), t.path.as_str())),
                )
                .collect(),
        };
        // A page without translations needs no alternates.
        let versions = if versions.len() > 1 {
            versions
        } else {
            Vec::new()
        };
        entry(&n.path, n.page.fm.reviewed, &versions);
    }
    s.push_str("</urlset>\n");
    s
}

/// Entries in the Atom feed.
pub const FEED_ENTRIES: usize = 50;

pub fn feed(m: &Model<'_>, lang: Lang) -> String {
    let base = &m.config.base;
    let section = routes::prefix(m.config, lang);
    let site = m.site_in(lang);
    let entries: Vec<(String, PageId)> = m
        .recently_reviewed(lang, FEED_ENTRIES)
        .into_iter()
        .filter_map(|id| {
            m.graph
                .page(id)
                .page
                .fm
                .reviewed
                .map(|d| (format_date(d), id))
        })
        .collect();
    let updated = entries
        .first()
        .map_or_else(|| "1970-01-01".to_string(), |e| e.0.clone());
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        escape_xml(&m.config.languages[lang].code)
    );
    s.push_str(&format!("  <title>{}</title>\n", escape_xml(&site.title)));
    if !site.description.is_empty() {
        s.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            escape_xml(&site.description)
        ));
    }
    s.push_str(&format!(
        "  <link href=\"{}\" rel=\"self\"/>\n",
        escape_xml(&base.permalink(&format!("{section}feed.xml")))
    ));
    s.push_str(&format!(
        "  <link href=\"{}\"/>\n",
        escape_xml(&base.permalink(&section))
    ));
    s.push_str(&format!(
        "  <id>{}</id>\n  <updated>{updated}T00:00:00Z</updated>\n",
        escape_xml(&base.permalink(&section))
    ));
    for (date, id) in entries {
        let n = m.graph.page(id);
        let it = &m.items[id];
        let url = escape_xml(&base.permalink(&n.path));
        s.push_str("  <entry>\n");
        let title = match &it.code {
            Some(code) if !it.title.contains(code.as_str()) => format!("{code}: {}", it.title),
            _ => it.title.clone(),
        };
        s.push_str(&format!("    <title>{}</title>\n", escape_xml(&title)));
        s.push_str(&format!("    <link href=\"{url}\"/>\n    <id>{url}</id>\n"));
        s.push_str(&format!("    <updated>{date}T00:00:00Z</updated>\n"));
        s.push_str(&format!(
            "    <author><name>{}</name></author>\n",
            escape_xml(&site.title)
        ));
        if !it.summary.is_empty() {
            s.push_str(&format!(
                "    <summary>{}</summary>\n",
                escape_xml(&it.summary)
            ));
        }
        s.push_str("  </entry>\n");
    }
    s.push_str("</feed>\n");
    s
}

pub fn redirects(m: &Model<'_>, _: Lang) -> String {
    let base = &m.config.base;
    let mut lines: Vec<String> = m
        .graph
        .aliases
        .iter()
        .map(|a| {
            // One line is three fields split on spaces: paths are encoded.
            let path = |p: &str| base.href_written(&crate::urls::percent_encode_path(p));
            format!(
                "{} {} 301",
                path(&a.path),
                path(&m.graph.page(a.target).path)
            )
        })
        .collect();
    lines.sort();
    let mut s = lines.join("\n");
    if !s.is_empty() {
        s.push('\n');
    }
    s
}

#[derive(Serialize)]
/// Fields in alphabetical order, the order codes.json has always had.
struct CodeEntry<'a> {
    code: &'a str,
    guides: Vec<GuideEntry<'a>>,
    provider: &'a str,
    reviewed: Option<String>,
    summary: &'a str,
    title: &'a str,
    url: String,
    /// The page in the site's other languages (SPEC §11).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    translations: Vec<TranslationEntry<'a>>,
}

#[derive(Serialize)]
struct TranslationEntry<'a> {
    lang: &'a str,
    title: &'a str,
    url: String,
    reviewed: Option<String>,
}

#[derive(Serialize)]
struct GuideEntry<'a> {
    kind: &'static str,
    title: &'a str,
    url: String,
}

/// codes.json: every published code, by provider and code. Each entry's
/// text is kept in the model with the key of what it was made from, so
/// serve makes again only the entries of pages an edit changed.
pub fn codes_json(m: &Model<'_>, _: Lang) -> String {
    let mut order: Vec<(&str, &str, PageId)> = m
        .graph
        .originals()
        .filter(|(_, n)| n.page.kind.has_code())
        .map(|(id, n)| {
            let provider = n.page.fm.provider.as_deref().unwrap_or("");
            (provider, n.code_lowercase().unwrap_or(""), id)
        })
        .collect();
    order.sort_unstable();
    // Entries are made in parallel a block at a time, so that at 100,000
    // codes the text is not held twice, as entries and as the file.
    let mut list = PrettyList::new("codes");
    for block in order.chunks(4096) {
        let parts: Vec<Arc<str>> = block
            .par_iter()
            .map(|&(.., id)| code_entry_text(m, id))
            .collect();
        parts.iter().for_each(|p| list.push(p));
    }
    let mut s = list.finish();
    s.push('\n');
    s
}

/// Page `id`'s entry of codes.json, pretty and indented as an item of the
/// list: the one serve carried from the last build when none of its pages
/// changed, else made now.
fn code_entry_text(m: &Model<'_>, id: PageId) -> Arc<str> {
    let mut cell = m.code_entries[id].lock().unwrap_or_else(|e| e.into_inner());
    if let Some(text) = &*cell {
        return text.clone();
    }
    let n = m.graph.page(id);
    let fm = &n.page.fm;
    let base = &m.config.base;
    let guides: &[PageId] = if n.guides_fallback { &[] } else { &n.guides };
    let entry = CodeEntry {
        code: fm.code.as_deref().unwrap_or(""),
        provider: fm.provider.as_deref().unwrap_or(""),
        title: &fm.title,
        summary: &m.items[id].summary,
        url: base.permalink(&n.path),
        reviewed: m.items[id].reviewed.clone(),
        guides: guides
            .iter()
            .map(|&g| {
                let gn = m.graph.page(g);
                GuideEntry {
                    kind: gn.page.kind.name(),
                    title: &gn.page.fm.title,
                    url: base.permalink(&gn.path),
                }
            })
            .collect(),
        translations: n
            .translations
            .iter()
            .map(|&t| m.graph.page(t))
            .filter(|t| t.published)
            .map(|t| TranslationEntry {
                lang: t.page.lang.as_deref().unwrap_or(""),
                title: &t.page.fm.title,
                url: base.permalink(&t.path),
                reviewed: t.page.fm.reviewed.map(format_date),
            })
            .collect(),
    };
    let text: Arc<str> = pretty_item(&entry).into();
    // Kept for the next build to carry (serve); a build has none.
    if m.memo.is_some() {
        *cell = Some(text.clone());
    }
    text
}

/// Indentation of an item of a list that is a field of the top object.
const ITEM_INDENT: &str = "    ";

/// `item` as `serde_json::to_string_pretty` writes it as an element of a
/// list that is a field of the top object: each line indented. Pretty
/// JSON holds no line break inside a string.
fn pretty_item<T: Serialize>(item: &T) -> String {
    let one = serde_json::to_string_pretty(item).unwrap_or_default();
    let mut s = String::with_capacity(one.len() + 64);
    for (j, line) in one.split('\n').enumerate() {
        if j > 0 {
            s.push('\n');
        }
        s.push_str(ITEM_INDENT);
        s.push_str(line);
    }
    s
}

/// `{"<name>": [items]}` as `serde_json::to_string_pretty` writes it,
/// from items made by [`pretty_item`] and pushed in order: at 100,000 codes
/// it is tens of MB, and no value tree is needed.
struct PrettyList {
    text: String,
    empty: bool,
}

impl PrettyList {
    fn new(name: &str) -> PrettyList {
        PrettyList {
            text: format!("{{\n  {}: [", serde_json::Value::from(name)),
            empty: true,
        }
    }

    fn push(&mut self, item: &str) {
        self.text.push_str(if self.empty { "\n" } else { ",\n" });
        self.text.push_str(item);
        self.empty = false;
    }

    fn finish(mut self) -> String {
        self.text
            .push_str(if self.empty { "]\n}" } else { "\n  ]\n}" });
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_replaced_by_their_groups_and_nothing_else_is_touched() {
        let groups: Vec<Vec<Arc<str>>> = vec![
            vec!["<li>a</li>".into(), "<li>b</li>".into()],
            vec![],
            vec!["<li>é</li>".into()],
        ];
        let html = format!(
            "<ul>{}</ul>\0x\0<ul>{}</ul><ul>{}{}</ul>\0group 9\0\0",
            group_marker(0),
            group_marker(1),
            group_marker(2),
            group_marker(0),
        );
        assert_eq!(
            String::from_utf8(splice(&html, &groups)).unwrap(),
            "<ul><li>a</li><li>b</li></ul>\0x\0<ul></ul><ul><li>é</li><li>a</li><li>b</li></ul>\0"
        );
        assert_eq!(splice("no markers", &groups), b"no markers");
    }

    proptest::proptest! {
        #[test]
        fn find_is_the_first_place_of_the_needle(hay in "[ab]{0,80}", repeat in 1..4usize, cut in (0..400usize, 0..60usize), flip in proptest::option::of(0..60usize)) {
            // A needle cut from the hay, at times with a letter changed:
            // few letters, so heads are often found where the rest differs.
            let hay = hay.repeat(repeat).into_bytes();
            let start = cut.0.min(hay.len());
            let mut needle = hay[start..(start + cut.1).min(hay.len())].to_vec();
            if let Some(i) = flip.filter(|i| *i < needle.len()) {
                needle[i] = if needle[i] == b'a' { b'b' } else { b'a' };
            }
            let naive = match needle.is_empty() {
                true => Some(0),
                false => hay.windows(needle.len()).position(|w| w == needle),
            };
            proptest::prop_assert_eq!(find(&hay, &needle), naive);
        }
    }

    #[test]
    fn pretty_items_joined_are_what_serde_json_writes() {
        #[derive(Serialize)]
        struct Item {
            code: String,
            guides: Vec<String>,
            nested: Vec<BTreeMap<String, String>>,
            none: Option<String>,
        }
        let item = |code: &str, guides: &[&str]| Item {
            code: code.into(),
            guides: guides.iter().map(|g| g.to_string()).collect(),
            nested: vec![BTreeMap::from([("k".into(), "v\n\"w\"".into())])],
            none: None,
        };
        let cases = [
            vec![],
            vec![item("A\nB", &[])],
            vec![item("429", &["x"]), item("é\u{2028}\t", &["a", "b"])],
        ];
        for items in cases {
            #[derive(Serialize)]
            struct Whole<'a> {
                codes: &'a [Item],
            }
            let expected = serde_json::to_string_pretty(&Whole { codes: &items }).unwrap();
            let mut list = PrettyList::new("codes");
            items.iter().for_each(|i| list.push(&pretty_item(i)));
            assert_eq!(list.finish(), expected);
        }
    }
}

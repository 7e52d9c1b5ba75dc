//! Every output a build generates besides the pages of content, declared
//! once (SPEC §5).
//!
//! A page of content gets its path from `graph::page_path`. Everything else
//! is a `Route`: the home page, each kind's listing, the search and 404
//! pages, the files made without a template, the search index, the
//! listings of providers, standards and tags, and the page of overdue
//! reviews when the site publishes it. The graph claims every route's
//! file before any page claims its own, so a page or static file that would
//! overwrite one is reported (a site's static file of the same path replaces
//! it on purpose); `render::plan` renders the templated routes; the sitemap
//! lists those marked `in_sitemap`.
//!
//! A site in several languages (SPEC §11) has a section per language
//! besides the default: its home, listings, search page and index and
//! feed under `<lang>/` ([`Lang`] names the language in each route).

use crate::config::Config;
use crate::graph::PageId;
use crate::kind::{self, Kind};
use crate::render::{self, MakeFile};
use crate::urls::output_file;

/// A language of the site, by its place in `Config::languages`: 0 is the
/// default language, whose section is the site's root.
pub type Lang = usize;

/// The folder of a language's section: empty for the default language,
/// `fr/` for French.
pub fn prefix(config: &Config, lang: Lang) -> String {
    match lang {
        0 => String::new(),
        l => format!("{}/", config.languages[l].code),
    }
}

/// One templated output.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Job {
    Page(PageId),
    Home(Lang),
    List(List, Lang),
    Search(Lang),
    NotFound,
    Alias(usize),
}

/// A templated output that lists pages (`list.html`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum List {
    /// The listing of a kind of page.
    Kind(Kind, &'static kind::Listing),
    Provider(String),
    Tag(String),
    Standard(String),
    /// The pages overdue for review (`overdue_page` in site.toml).
    Overdue,
}

/// How a route's output is made.
pub enum Make {
    Template(Job),
    /// A file made by a function, which reads what [`Reads`] says of the
    /// pages.
    File(MakeFile, Lang, Reads),
    /// Written by `search::write`, with its chunks.
    SearchIndex(Lang),
}

/// What a file made without a template reads of the pages, beside the
/// site's configuration. `serve` makes it again only when an edit changed
/// one of them (`serve::update`); the property test holds each to a fresh
/// build.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reads {
    /// What the graph holds: the set of pages, their URLs, codes, status,
    /// tags, aliases, guides and translations.
    pub places: bool,
    /// Review dates.
    pub dates: bool,
    /// Titles and summaries (and each page's item of the listings).
    pub texts: bool,
}

impl Reads {
    pub const CONFIG: Reads = Reads {
        places: false,
        dates: false,
        texts: false,
    };
    pub const PLACES: Reads = Reads {
        places: true,
        ..Reads::CONFIG
    };
    pub const PLACES_AND_DATES: Reads = Reads {
        dates: true,
        ..Reads::PLACES
    };
    pub const ALL: Reads = Reads {
        texts: true,
        ..Reads::PLACES_AND_DATES
    };

    /// True when a file that reads `self` reads something in `changed`.
    pub fn any(self, changed: Reads) -> bool {
        (self.places && changed.places)
            || (self.dates && changed.dates)
            || (self.texts && changed.texts)
    }
}

pub struct Route {
    /// The site path: `errors/` for a page, `sitemap.xml` for a file.
    pub path: String,
    /// What the output is, in messages about it.
    pub what: String,
    pub make: Make,
    pub in_sitemap: bool,
}

impl Route {
    /// The file the route writes, below the output folder.
    pub fn file(&self) -> String {
        output_file(&self.path)
    }

    fn page(path: &str, what: &str, job: Job, in_sitemap: bool) -> Route {
        Route {
            path: path.into(),
            what: what.into(),
            make: Make::Template(job),
            in_sitemap,
        }
    }

    fn file_made(path: &str, what: &str, make: Make) -> Route {
        Route {
            path: path.into(),
            what: what.into(),
            make,
            in_sitemap: false,
        }
    }
}

/// The routes every site has, whatever its content.
pub fn fixed() -> Vec<Route> {
    let mut v = section(0, "");
    v.extend([
        Route::page("404.html", "the 404 page", Job::NotFound, false),
        Route::file_made(
            "sitemap.xml",
            "the sitemap",
            Make::File(render::sitemap, 0, Reads::PLACES_AND_DATES),
        ),
        Route::file_made(
            "robots.txt",
            "robots.txt",
            Make::File(render::robots, 0, Reads::CONFIG),
        ),
        Route::file_made(
            "_redirects",
            "the _redirects file",
            Make::File(render::redirects, 0, Reads::PLACES),
        ),
        Route::file_made(
            "codes.json",
            "codes.json",
            Make::File(render::codes_json, 0, Reads::ALL),
        ),
    ]);
    v
}

/// The routes of one language's section, under `prefix`: home, the
/// kinds' listings, search page and index, feed.
fn section(lang: Lang, prefix: &str) -> Vec<Route> {
    let within = |what: &str| match lang {
        0 => what.to_string(),
        _ => format!("{what} in {}", prefix.trim_end_matches('/')),
    };
    let mut v = vec![Route::page(
        prefix,
        &within("the home page"),
        Job::Home(lang),
        true,
    )];
    v.extend(kind::listings().map(|(k, l)| {
        let list = List::Kind(k, l);
        Route::page(
            &format!("{prefix}{}", list.path()),
            &within(&list.what()),
            Job::List(list, lang),
            true,
        )
    }));
    v.extend([
        Route::page(
            &format!("{prefix}search/"),
            &within("the search page"),
            Job::Search(lang),
            false,
        ),
        Route::file_made(
            &format!("{prefix}feed.xml"),
            &within("the feed"),
            Make::File(render::feed, lang, Reads::ALL),
        ),
        Route::file_made(
            &format!("{prefix}search/index.json"),
            &within("the search index"),
            Make::SearchIndex(lang),
        ),
    ]);
    v
}

/// The listings of providers, standards and tags, in the sitemap's order,
/// then the sections of the other languages with theirs. `providers` are
/// the configured ones and any an error page names.
pub fn lists<'a>(
    providers: impl IntoIterator<Item = &'a String>,
    config: &Config,
    tags: impl IntoIterator<Item = &'a String>,
) -> Vec<Route> {
    let providers = providers.into_iter().map(|k| List::Provider(k.clone()));
    let standards = config.standards.keys().map(|k| List::Standard(k.clone()));
    let tags = tags.into_iter().map(|k| List::Tag(k.clone()));
    let lists: Vec<List> = providers.chain(standards).chain(tags).collect();
    let route = |list: List, lang: Lang| {
        let prefix = prefix(config, lang);
        Route {
            path: format!("{prefix}{}", list.path()),
            what: match lang {
                0 => list.what(),
                _ => format!("{} in {}", list.what(), prefix.trim_end_matches('/')),
            },
            // The review status changes with the date, not the content.
            in_sitemap: list != List::Overdue,
            make: Make::Template(Job::List(list, lang)),
        }
    };
    let mut v: Vec<Route> = lists.iter().map(|l| route(l.clone(), 0)).collect();
    if config.overdue_page {
        v.push(route(List::Overdue, 0));
    }
    for lang in 1..config.languages.len() {
        v.extend(section(lang, &prefix(config, lang)));
        v.extend(lists.iter().map(|l| route(l.clone(), lang)));
    }
    v
}

impl List {
    pub fn path(&self) -> String {
        match self {
            List::Kind(k, _) => k.spec().folder.into(),
            List::Provider(k) => format!("providers/{k}/"),
            List::Tag(k) => format!("tags/{k}/"),
            List::Standard(k) => format!("standards/{k}/"),
            List::Overdue => "overdue/".into(),
        }
    }

    pub fn what(&self) -> String {
        match self {
            List::Kind(_, listing) => listing.what.into(),
            List::Provider(k) => format!("the listing of provider \"{k}\""),
            List::Tag(k) => format!("the listing of tag \"{k}\""),
            List::Standard(k) => format!("the page of standard \"{k}\""),
            List::Overdue => "the page of overdue reviews".into(),
        }
    }
}

/// The routes of a built site: fixed, then lists.
pub fn of_site<'a>(config: &'a Config, tags: impl IntoIterator<Item = &'a String>) -> Vec<Route> {
    let mut v = fixed();
    v.extend(lists(config.providers.keys(), config, tags));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_routes_write_the_same_file() {
        let routes = fixed();
        let mut files: Vec<String> = routes.iter().map(Route::file).collect();
        files.sort();
        let n = files.len();
        files.dedup();
        assert_eq!(files.len(), n);
    }

    #[test]
    fn search_owns_its_index_route() {
        for r in fixed() {
            assert_eq!(
                matches!(r.make, Make::SearchIndex(_)),
                crate::search::owns(&r.file()),
                "{}",
                r.path
            );
        }
    }
}

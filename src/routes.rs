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

use crate::config::Config;
use crate::graph::PageId;
use crate::kind::{self, Kind};
use crate::render::{self, MakeFile};
use crate::urls::output_file;

/// One templated output.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Job {
    Page(PageId),
    Home,
    List(List),
    Search,
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
    File(MakeFile),
    /// Written by `search::write`, with its chunks.
    SearchIndex,
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
    let mut v = vec![Route::page("", "the home page", Job::Home, true)];
    v.extend(kind::listings().map(|(k, l)| {
        let list = List::Kind(k, l);
        Route::page(&list.path(), &list.what(), Job::List(list), true)
    }));
    v.extend([
        Route::page("search/", "the search page", Job::Search, false),
        Route::page("404.html", "the 404 page", Job::NotFound, false),
        Route::file_made("sitemap.xml", "the sitemap", Make::File(render::sitemap)),
        Route::file_made("feed.xml", "the feed", Make::File(render::feed)),
        Route::file_made("robots.txt", "robots.txt", Make::File(render::robots)),
        Route::file_made(
            "_redirects",
            "the _redirects file",
            Make::File(render::redirects),
        ),
        Route::file_made("codes.json", "codes.json", Make::File(render::codes_json)),
        Route::file_made("search/index.json", "the search index", Make::SearchIndex),
    ]);
    v
}

/// The listings of providers, standards and tags, in the sitemap's order.
/// `providers` are the configured ones and any an error page names.
pub fn lists<'a>(
    providers: impl IntoIterator<Item = &'a String>,
    config: &Config,
    tags: impl IntoIterator<Item = &'a String>,
) -> Vec<Route> {
    let providers = providers.into_iter().map(|k| List::Provider(k.clone()));
    let standards = config.standards.keys().map(|k| List::Standard(k.clone()));
    let tags = tags.into_iter().map(|k| List::Tag(k.clone()));
    let overdue = config.overdue_page.then_some(List::Overdue);
    providers
        .chain(standards)
        .chain(tags)
        .chain(overdue)
        .map(|list| Route {
            path: list.path(),
            what: list.what(),
            // The review status changes with the date, not the content.
            in_sitemap: list != List::Overdue,
            make: Make::Template(Job::List(list)),
        })
        .collect()
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
                matches!(r.make, Make::SearchIndex),
                crate::search::owns(&r.file()),
                "{}",
                r.path
            );
        }
    }
}

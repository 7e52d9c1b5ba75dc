//! Page kinds (SPEC §3, §5): everything faultbook knows about a kind of
//! page, one row each.
//!
//! The content folder a kind lives in, its URL prefix, template, labels,
//! listing, search rank and the sections `faultbook new` writes are read
//! from its `KindSpec`; which front-matter keys it takes is its column in
//! `page::SCHEMA`. Adding a kind is a variant, a row here (the match in
//! `Kind::spec` has no catch-all, so a forgotten row does not compile), a
//! column in `SCHEMA` and a template.

use crate::page::{FrontMatter, Need, RefAt, SCHEMA};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Error,
    Compare,
    Playbook,
    Plain,
}

// `Kind as usize` indexes the per-kind columns of `page::SCHEMA`: a new
// last variant must raise `Kind::COUNT`, which sizes those columns.
const _: () = assert!(Kind::Plain as usize + 1 == Kind::COUNT);

/// A kind's listing page: at the kind's folder, linked from the header.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Listing {
    /// The listing's `list.kind` in templates.
    pub name: &'static str,
    /// Keys of the theme's words (`i18n`); an empty description is none.
    pub title: &'static str,
    pub description: &'static str,
    /// Grouped by first letter (the A-Z listing).
    pub by_letter: bool,
    /// What the output is, in messages about it.
    pub what: &'static str,
}

/// Where a page sits in the breadcrumbs, below Home.
pub enum Parent {
    /// Under its provider's page, named by its code.
    Provider,
    /// Under its kind's listing, named by its title.
    Listing,
    /// Directly under Home.
    Home,
}

pub struct KindSpec {
    /// The kind as templates and `faultbook new` name it.
    pub name: &'static str,
    /// The kind in a sentence: "an error page".
    pub noun: &'static str,
    /// The kind as a heading shows it: a key of the theme's words
    /// (`i18n`).
    pub label: &'static str,
    /// The folder under content/ and the URL prefix of its pages; empty for
    /// pages placed where their file is.
    pub folder: &'static str,
    pub template: &'static str,
    pub listing: Option<Listing>,
    pub parent: Parent,
    /// The refs that name the codes a guide is about: a guide is offered
    /// as decision support on the error pages of those codes.
    pub subjects: Option<fn(&FrontMatter) -> &[RefAt]>,
    /// Results of equal score come in this order of kinds.
    pub search_rank: u8,
    /// The title of a new page of this kind, from the name it was given.
    pub new_title: fn(&str) -> String,
    /// The sections a new page of this kind starts with.
    pub sections: &'static [&'static str],
}

fn words_of_slug(name: &str) -> String {
    name.replace(['-', '_'], " ")
}

impl Kind {
    pub const COUNT: usize = 4;
    pub const ALL: [Kind; Kind::COUNT] = [Kind::Error, Kind::Compare, Kind::Playbook, Kind::Plain];

    pub fn spec(self) -> &'static KindSpec {
        match self {
            Kind::Error => &ERROR,
            Kind::Compare => &COMPARE,
            Kind::Playbook => &PLAYBOOK,
            Kind::Plain => &PLAIN,
        }
    }

    /// The kind of a page from its path under content/.
    pub fn of(inner: &str) -> Kind {
        Kind::ALL
            .into_iter()
            .find(|k| {
                let folder = k.spec().folder;
                !folder.is_empty() && inner.starts_with(folder)
            })
            .unwrap_or(Kind::Plain)
    }

    pub fn noun(self) -> &'static str {
        self.spec().noun
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Pages of this kind carry an error code and belong to a provider.
    pub fn has_code(self) -> bool {
        self.takes("code")
    }

    /// Pages of this kind are reviewed under an editorial standard: they
    /// show their review date, may be overdue and are listed in the feed.
    pub fn is_reviewed(self) -> bool {
        self.takes("standard")
    }

    pub fn is_guide(self) -> bool {
        self.spec().subjects.is_some()
    }

    fn takes(self, key: &str) -> bool {
        SCHEMA
            .iter()
            .any(|f| f.key == key && f.need[self as usize] != Need::Absent)
    }
}

static ERROR: KindSpec = KindSpec {
    name: "error",
    noun: "an error page",
    label: "kind_error",
    folder: "errors/",
    template: "error.html",
    listing: Some(Listing {
        name: "errors",
        title: "errors_a_z",
        description: "",
        by_letter: true,
        what: "the A-Z listing",
    }),
    parent: Parent::Provider,
    subjects: None,
    search_rank: 0,
    new_title: |code| format!("Describe {code} in a few words"),
    sections: &[
        "What it means",
        "Common causes",
        "How to fix",
        "Diagnosis",
        "Examples",
        "How to verify",
        "Prevention",
    ],
};

static COMPARE: KindSpec = KindSpec {
    name: "compare",
    noun: "a compare guide",
    label: "kind_compare",
    folder: "compare/",
    template: "compare.html",
    listing: Some(Listing {
        name: "compare",
        title: "compare_guides",
        description: "compare_description",
        by_letter: false,
        what: "the compare guide listing",
    }),
    parent: Parent::Listing,
    subjects: Some(|fm| &fm.compares),
    search_rank: 1,
    new_title: words_of_slug,
    sections: &[
        "At a glance",
        "Which one are you seeing?",
        "How to fix each",
        "When both appear",
    ],
};

static PLAYBOOK: KindSpec = KindSpec {
    name: "playbook",
    noun: "a playbook",
    label: "kind_playbook",
    folder: "playbooks/",
    template: "playbook.html",
    listing: Some(Listing {
        name: "playbooks",
        title: "playbooks",
        description: "playbooks_description",
        by_letter: false,
        what: "the playbook listing",
    }),
    parent: Parent::Listing,
    subjects: Some(|fm| &fm.covers),
    search_rank: 2,
    new_title: words_of_slug,
    sections: &[
        "Scope",
        "Triage",
        "Fix, cheapest first",
        "Verify",
        "Prevent a repeat",
    ],
};

static PLAIN: KindSpec = KindSpec {
    name: "page",
    noun: "a plain page",
    label: "kind_page",
    folder: "",
    template: "page.html",
    listing: None,
    parent: Parent::Home,
    subjects: None,
    search_rank: 3,
    new_title: str::to_string,
    sections: &[],
};

/// The kinds that have a listing, with it, in header order.
pub fn listings() -> impl Iterator<Item = (Kind, &'static Listing)> {
    Kind::ALL
        .into_iter()
        .filter_map(|k| k.spec().listing.as_ref().map(|l| (k, l)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_found_from_its_folder() {
        for k in Kind::ALL {
            let inner = format!("{}x/y.md", k.spec().folder);
            assert_eq!(Kind::of(&inner), k, "{inner}");
        }
    }

    #[test]
    fn all_lists_every_kind_in_order() {
        for (i, k) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(k as usize, i);
        }
    }

    #[test]
    fn folders_and_listings_do_not_overlap() {
        let folders: Vec<&str> = Kind::ALL.iter().map(|k| k.spec().folder).collect();
        for (i, a) in folders.iter().enumerate() {
            for b in &folders[i + 1..] {
                assert!(a.is_empty() || b.is_empty() || !a.starts_with(b) && !b.starts_with(a));
            }
        }
        for (k, _) in listings() {
            assert!(
                !k.spec().folder.is_empty(),
                "{k:?} has a listing but no folder"
            );
        }
    }
}

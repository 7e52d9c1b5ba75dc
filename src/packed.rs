//! Bytes kept packed in memory (LZ4).
//!
//! `serve` holds the last build whole: every output, and every body's HTML
//! for the next render. Pages of HTML compress three to four times, and
//! unpacking one costs microseconds, about what sending it costs; a build
//! writes its outputs as rendered and packs nothing.
//!
//! Pages also repeat each other: the head, navigation and footer of the
//! theme are most of a short page's bytes. A page is packed against a
//! dictionary, the first page of its template packed (LZ4 finds matches in
//! it as in the page's own earlier bytes), which makes the pages of the
//! built-in theme a third smaller again. Each packed page keeps the
//! dictionary it was packed with, so whichever page became the dictionary,
//! every one unpacks.
//!
//! The few outputs of a megabyte or more (the A-Z listing, the sitemap,
//! codes.json) are kept as they are: an edit that adds a page makes them
//! again, and packing them would cost it some 10 ms at 10,000 pages, for
//! a few percent of the memory.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Bytes from this size on are kept as they are.
const KEPT_PLAIN: usize = 1 << 20;

/// The smallest page that may become the dictionary: smaller ones (a
/// redirect, a feed entry) hold too little of the theme.
const DICTIONARY_MIN: usize = 4 << 10;

/// LZ4 matches reach 64 KiB back: a dictionary's bytes before its last
/// 64 KiB are never used.
const DICTIONARY_MAX: usize = 64 << 10;

/// The pages' dictionaries, for the life of the process: one per template
/// (pages of one template share the most), one for the pages whose
/// template is not told, and one for bodies ([`BODIES`]).
static PAGE_DICTIONARIES: Mutex<BTreeMap<String, Arc<[u8]>>> = Mutex::new(BTreeMap::new());

/// What bodies' HTML is packed as, in the place of a template's name.
pub const BODIES: &str = "faultbook/body";

/// Bytes packed with LZ4, their length first; or, from a megabyte on,
/// as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packed(Repr);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Repr {
    Lz4(Arc<[u8]>),
    /// Packed against the dictionary it holds.
    Lz4With(Arc<[u8]>, Arc<[u8]>),
    Plain(Arc<[u8]>),
}

impl Packed {
    pub fn new(bytes: &[u8]) -> Packed {
        Packed(if bytes.len() >= KEPT_PLAIN {
            Repr::Plain(bytes.into())
        } else {
            Repr::Lz4(lz4_flex::compress_prepend_size(bytes).into())
        })
    }

    /// A rendered page, packed against the dictionary of its `template`
    /// (which it becomes when there is none yet and it is large enough).
    pub fn page(bytes: &[u8], template: &str) -> Packed {
        if bytes.len() >= KEPT_PLAIN {
            return Packed(Repr::Plain(bytes.into()));
        }
        let dictionary = {
            let mut all = PAGE_DICTIONARIES.lock().unwrap_or_else(|e| e.into_inner());
            match all.get(template) {
                Some(d) => Some(d.clone()),
                None if bytes.len() >= DICTIONARY_MIN => {
                    let d: Arc<[u8]> = bytes[bytes.len().saturating_sub(DICTIONARY_MAX)..].into();
                    all.insert(template.to_string(), d.clone());
                    Some(d)
                }
                None => None,
            }
        };
        match dictionary {
            Some(d) => Packed(Repr::Lz4With(
                lz4_flex::block::compress_prepend_size_with_dict(bytes, &d).into(),
                d,
            )),
            None => Packed::new(bytes),
        }
    }

    /// Bytes kept as they are, shared with their owner: the search index
    /// keeps its files, and patches a few of them after an edit.
    pub fn shared(bytes: Arc<[u8]>) -> Packed {
        Packed(Repr::Plain(bytes))
    }

    /// The bytes: borrowed when kept as they are, else unpacked. Only this
    /// module packs, so they always unpack; the empty answer for a broken
    /// one is never given.
    pub fn bytes(&self) -> Cow<'_, [u8]> {
        match &self.0 {
            Repr::Lz4(b) => Cow::Owned(lz4_flex::decompress_size_prepended(b).unwrap_or_default()),
            Repr::Lz4With(b, d) => Cow::Owned(
                lz4_flex::block::decompress_size_prepended_with_dict(b, d).unwrap_or_default(),
            ),
            Repr::Plain(b) => Cow::Borrowed(b),
        }
    }

    /// The bytes, owned.
    pub fn unpack(&self) -> Vec<u8> {
        self.bytes().into_owned()
    }

    /// The bytes, shared, when they are kept as they are: sent without a
    /// copy, however many requests are reading them.
    pub fn as_shared(&self) -> Option<&Arc<[u8]>> {
        match &self.0 {
            Repr::Plain(b) => Some(b),
            Repr::Lz4(_) | Repr::Lz4With(..) => None,
        }
    }

    /// [`Packed::unpack`] as text, for bytes packed from a `str`.
    pub fn unpack_str(&self) -> String {
        match String::from_utf8(self.unpack()) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
    }
}

/// An output's bytes: as rendered, or already packed (taken from a memo).
#[derive(Clone, Debug)]
pub enum Bytes {
    Plain(Arc<[u8]>),
    Packed(Packed),
}

impl Bytes {
    /// The bytes, packed to be kept; large ones keep their allocation.
    pub fn packed(self) -> Packed {
        match self {
            Bytes::Plain(b) if b.len() >= KEPT_PLAIN => Packed::shared(b),
            Bytes::Plain(b) => Packed::page(&b, ""),
            Bytes::Packed(p) => p,
        }
    }

    /// The bytes as they are written.
    pub fn plain(&self) -> Cow<'_, [u8]> {
        match self {
            Bytes::Plain(b) => Cow::Borrowed(b),
            Bytes::Packed(p) => p.bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn bytes_unpack_to_what_was_packed(bytes in proptest::collection::vec(any::<u8>(), 0..4096), text in "\\PC*", large in any::<bool>()) {
            // Across the size kept plain, as well.
            let bytes = if large { bytes.repeat(KEPT_PLAIN / bytes.len().max(1) + 1) } else { bytes };
            prop_assert_eq!(Packed::new(&bytes).unpack(), bytes.clone());
            prop_assert_eq!(Packed::new(text.as_bytes()).unpack_str(), text);
            prop_assert_eq!(Packed::new(&bytes).as_shared().is_some(), large && !bytes.is_empty());
            let plain = Bytes::Plain(bytes.clone().into());
            prop_assert_eq!(&*plain.plain(), &bytes[..]);
            prop_assert_eq!(plain.clone().packed().as_shared().is_some(), large && !bytes.is_empty());
            let packed = Bytes::Packed(plain.packed());
            prop_assert_eq!(&*packed.plain(), &bytes[..]);
        }

        #[test]
        fn pages_unpack_whatever_page_became_the_dictionary(pages in proptest::collection::vec((0..3usize, proptest::collection::vec(any::<u8>(), 0..6000), 0..3usize), 1..6)) {
            // Pages of a few templates, small and large, packed in turn:
            // the first large one of each template becomes its dictionary.
            for (template, bytes, copies) in pages {
                let bytes = bytes.repeat(copies + 1);
                let template = ["proptest-a.html", "proptest-b.html", BODIES][template];
                prop_assert_eq!(Packed::page(&bytes, template).unpack(), bytes);
            }
        }
    }

    fn packed_len(p: &Packed) -> usize {
        match &p.0 {
            Repr::Lz4(b) | Repr::Lz4With(b, _) | Repr::Plain(b) => b.len(),
        }
    }

    #[test]
    fn html_takes_less_room_packed() {
        let page =
            "<li class=\"item item-error\"><a href=\"/errors/http/429/\">Too many</a></li>\n"
                .repeat(200);
        let p = Packed::new(page.as_bytes());
        assert!(
            packed_len(&p) * 4 < page.len(),
            "{} of {}",
            packed_len(&p),
            page.len()
        );
        let listing = page.repeat(KEPT_PLAIN / page.len() + 1);
        assert_eq!(
            packed_len(&Packed::page(listing.as_bytes(), "test-listing.html")),
            listing.len()
        );
        assert_eq!(packed_len(&Packed::new(listing.as_bytes())), listing.len());
    }

    /// Text that LZ4 packs poorly on its own: words in no repeating order.
    fn words(seed: u64, n: usize) -> String {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                format!("w{} ", x % 100_000)
            })
            .collect()
    }

    #[test]
    fn pages_of_one_template_pack_against_each_other() {
        // The theme's head and footer, then the page's own words.
        let (head, foot) = (words(1, 1500), words(2, 500));
        let page = |seed| format!("<html>{head}<main>{}</main>{foot}</html>", words(seed, 200));
        let (first, second) = (page(3), page(4));
        let first_packed = Packed::page(first.as_bytes(), "test-pages.html");
        let second_packed = Packed::page(second.as_bytes(), "test-pages.html");
        assert_eq!(first_packed.unpack_str(), first);
        assert_eq!(second_packed.unpack_str(), second);
        let alone = packed_len(&Packed::new(second.as_bytes()));
        assert!(
            packed_len(&second_packed) * 4 < alone,
            "{} bytes against the first page, {alone} alone",
            packed_len(&second_packed)
        );
        // Another template's pages have their own dictionary.
        Packed::page(words(5, 2000).as_bytes(), "test-other.html");
        let third = page(6);
        let third_packed = Packed::page(third.as_bytes(), "test-other.html");
        assert_eq!(third_packed.unpack_str(), third);
        assert!(packed_len(&third_packed) * 2 > alone);
    }
}

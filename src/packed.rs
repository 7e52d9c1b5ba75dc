//! Bytes kept packed in memory (LZ4).
//!
//! `serve` holds the last build whole: every output, and every body's HTML
//! for the next render. Pages of HTML compress three to four times, and
//! unpacking one costs microseconds, about what sending it costs; a build
//! writes its outputs as rendered and packs nothing.
//!
//! The few outputs of a megabyte or more (the A-Z listing, the sitemap,
//! codes.json) are kept as they are: an edit that adds a page makes them
//! again, and packing them would cost it some 10 ms at 10,000 pages, for
//! a few percent of the memory.

use std::borrow::Cow;
use std::sync::Arc;

/// Bytes from this size on are kept as they are.
const KEPT_PLAIN: usize = 1 << 20;

/// Bytes packed with LZ4, their length first; or, from a megabyte on,
/// as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packed(Repr);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Repr {
    Lz4(Arc<[u8]>),
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
            Repr::Lz4(_) => None,
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
            Bytes::Plain(b) => Packed::new(&b),
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
    }

    fn packed_len(p: &Packed) -> usize {
        match &p.0 {
            Repr::Lz4(b) | Repr::Plain(b) => b.len(),
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
        assert_eq!(packed_len(&Packed::new(listing.as_bytes())), listing.len());
    }
}

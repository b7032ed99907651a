//! Bulletins (bản tin): one article with its metadata and its body already turned into HTML.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};

use super::photo::{Photo, PhotoFile};
use super::{BodyRef, LocalityId, TermId};

/// Index of a bulletin in [`super::Archive::bulletins`].
#[derive(
    Debug,
    Default,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct BulletinId(pub u32);

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Source {
    pub name: Option<String>,
    pub url: Option<String>,
}

/// A topic as written and its folded slug; topics whose names fold alike are one topic.
/// Shared by the bulletins that name it alike (see [`Topic::shared`]): a million bulletins
/// name about two million topics, from a few thousand names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Topic {
    pub name: std::sync::Arc<str>,
    pub slug: std::sync::Arc<str>,
}

impl Topic {
    /// Every bulletin's topics made one shared value per name (the first bulletin's), where
    /// each was its own copy as read.
    pub fn shared<'a>(topics: impl Iterator<Item = &'a mut Topic>) {
        let mut seen: rustc_hash::FxHashMap<std::sync::Arc<str>, Topic> = Default::default();
        for t in topics {
            match seen.get(&t.name) {
                Some(s) if s.slug == t.slug => *t = s.clone(),
                Some(_) => {}
                None => {
                    seen.insert(t.name.clone(), t.clone());
                }
            }
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Bulletin {
    /// The source file, relative to the site root.
    pub file: PathBuf,
    #[serde(deserialize_with = "super::stored::string")]
    pub slug: String,
    #[serde(deserialize_with = "super::stored::string")]
    pub title: String,
    pub date: DateTime<FixedOffset>,
    /// The first is its home.
    pub localities: Vec<LocalityId>,
    pub term: Option<TermId>,
    /// The summary (front matter's, else the first paragraph), kept in the archive's
    /// [`super::BodyStore`] like the body: read it with [`super::Archive::summary`]. Half a
    /// kilobyte a bulletin, half a gigabyte at a million, where the pages read it only
    /// when they show it.
    pub summary: Summary,
    /// Boxed: 8 bytes where two optional strings took 48, and most bulletins name none.
    pub source: Option<Box<Source>>,
    pub topics: Vec<Topic>,
    pub draft: bool,
    /// The body rendered to HTML, inline figures marked up and linked to their indicator,
    /// kept in the archive's [`super::BodyStore`] until its page is rendered.
    pub body: BodyRef,
    /// The body's tokens with their counts, for the search index
    /// ([`crate::search::body_terms`]), kept beside the body in the [`super::BodyStore`]:
    /// at a few kilobytes a bulletin they would be a quarter of the model's memory.
    pub body_terms: BodyRef,
    /// Authors, a bundle's folder and files, photos: boxed apart (8 bytes where they were
    /// 120), as most bulletins have none of them; read them with the accessors below.
    pub extras: Option<Box<Extras>>,
}

/// Where a bulletin's summary is kept, with a fingerprint of its text: what a cached
/// search batch or metadata chunk was made from is compared by the print, without
/// reading the text back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    pub text: BodyRef,
    pub print: u64,
}

impl Summary {
    /// The fingerprint of a summary's text.
    pub fn print_of(text: &str) -> u64 {
        xxhash_rust::xxh3::xxh3_64(text.as_bytes())
    }
}

/// What few bulletins have: named authors, and a bundle's folder, files and photos.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Extras {
    pub authors: Vec<String>,
    /// Files beside a `<slug>/index.md`, relative to its folder, to be copied with the page.
    pub assets: Vec<PathBuf>,
    /// The bundle folder of a `<slug>/index.md`, relative to the site root.
    pub bundle_dir: Option<PathBuf>,
    /// The photos the body shows, in order (see [`super::photo::marker`]).
    pub photos: Vec<Photo>,
    /// The bundle's photo files that the body shows or links to.
    pub photo_files: Vec<PhotoFile>,
}

impl Extras {
    /// Nothing in it.
    pub fn is_empty(&self) -> bool {
        self.authors.is_empty()
            && self.assets.is_empty()
            && self.bundle_dir.is_none()
            && self.photos.is_empty()
            && self.photo_files.is_empty()
    }

    /// Boxed when there is anything to keep, else nothing.
    pub fn boxed(self) -> Option<Box<Extras>> {
        (!self.is_empty()).then(|| Box::new(self))
    }
}

impl Bulletin {
    pub fn home(&self) -> LocalityId {
        self.localities[0]
    }

    /// The photo file named `name`.
    pub fn photo_file(&self, name: &str) -> Option<&PhotoFile> {
        self.photo_files().iter().find(|f| f.name == name)
    }

    /// The authors the front matter names.
    pub fn authors(&self) -> &[String] {
        self.extras.as_ref().map_or(&[], |e| &e.authors)
    }

    /// The files beside a `<slug>/index.md` ([`Extras::assets`]).
    pub fn assets(&self) -> &[PathBuf] {
        self.extras.as_ref().map_or(&[], |e| &e.assets)
    }

    /// The bundle folder of a `<slug>/index.md`, relative to the site root.
    pub fn bundle_dir(&self) -> Option<&PathBuf> {
        self.extras.as_ref().and_then(|e| e.bundle_dir.as_ref())
    }

    /// The photos the body shows, in order.
    pub fn photos(&self) -> &[Photo] {
        self.extras.as_ref().map_or(&[], |e| &e.photos)
    }

    /// The bundle's photo files that the body shows or links to.
    pub fn photo_files(&self) -> &[PhotoFile] {
        self.extras.as_ref().map_or(&[], |e| &e.photo_files)
    }

    /// Change the extras: made when there were none, dropped again when left empty.
    pub fn change_extras<R>(&mut self, change: impl FnOnce(&mut Extras) -> R) -> R {
        let mut extras = self.extras.take().unwrap_or_default();
        let out = change(&mut extras);
        if !extras.is_empty() {
            self.extras = Some(extras);
        }
        out
    }

    pub fn year(&self) -> i32 {
        use chrono::Datelike;
        self.date.year()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn topics_of_one_name_become_one_shared_value() {
        let t = |name: &str| Topic {
            name: name.into(),
            slug: crate::vi::slugify(name).into(),
        };
        let mut topics = [t("Thu ngân sách"), t("Nông thôn mới"), t("Thu ngân sách")];
        assert!(!Arc::ptr_eq(&topics[0].name, &topics[2].name));
        Topic::shared(topics.iter_mut());
        assert!(Arc::ptr_eq(&topics[0].name, &topics[2].name));
        assert!(Arc::ptr_eq(&topics[0].slug, &topics[2].slug));
        assert!(!Arc::ptr_eq(&topics[0].name, &topics[1].name));
        assert_eq!(topics[2], t("Thu ngân sách"));
    }

    #[test]
    fn a_summary_is_a_handle_into_the_store_and_owns_no_memory() {
        // Nothing on the heap: the text is in the body store, read back when shown.
        assert!(!std::mem::needs_drop::<Summary>());
        let store = super::super::BodyStore::in_memory();
        let text = "Thu ngân sách đạt 507,8 tỷ đồng.";
        let s = Summary {
            text: store.put(text).unwrap(),
            print: Summary::print_of(text),
        };
        assert_eq!(store.get(s.text).unwrap(), text);
        assert_ne!(
            s.print,
            Summary::print_of("Thu ngân sách đạt 507,9 tỷ đồng.")
        );
    }

    #[test]
    fn a_bulletin_without_extras_boxes_none_and_stays_small() {
        assert!(Extras::default().boxed().is_none());
        let authors = Extras {
            authors: vec!["Minh Phương".into()],
            ..Extras::default()
        };
        assert!(authors.boxed().is_some());
        let mut b = Bulletin {
            file: "content/2020/a.md".into(),
            slug: "a".into(),
            title: "A".into(),
            date: DateTime::parse_from_rfc3339("2020-01-02T00:00:00+07:00").unwrap(),
            localities: vec![LocalityId(0)],
            term: None,
            summary: Summary::default(),
            source: None,
            topics: Vec::new(),
            draft: false,
            body: BodyRef::default(),
            body_terms: BodyRef::default(),
            extras: None,
        };
        b.change_extras(|e| e.bundle_dir = Some("content/a".into()));
        assert_eq!(b.bundle_dir(), Some(&PathBuf::from("content/a")));
        b.change_extras(|e| e.bundle_dir = None);
        assert!(b.extras.is_none(), "an extras left empty is dropped");
        assert!(b.authors().is_empty() && b.photos().is_empty());
        // A million of them: the rare parts cost 8 bytes a bulletin, not 120, and the
        // source 8, not 48.
        assert!(
            std::mem::size_of::<Bulletin>() <= 224,
            "{}",
            std::mem::size_of::<Bulletin>()
        );
    }
}

//! Photos of bundles: the JPEG and PNG files beside a `<slug>/index.md` that its body shows
//! (`![alt](anh.jpg)`) or links to (`[ảnh gốc](anh.jpg)`), and what [`crate::photos`] made
//! of each: copies resized to a few widths, without metadata, and the full size when asked.

use std::path::PathBuf;
use std::sync::Arc;

/// One photo shown in a body, in the order of the body; the body's HTML holds a marker for
/// each ([`marker`]), replaced by `partials/photo.html` when the page is rendered.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Photo {
    /// Its file: the name of a [`PhotoFile`] of the bulletin.
    pub file: String,
    pub alt: String,
    /// The Markdown title (`![alt](anh.jpg "Chú thích")`), shown as the caption.
    pub title: Option<String>,
    /// The only thing of its paragraph: the theme may show it as a figure with a caption.
    pub alone: bool,
    /// Inside a link of the text: the theme must not link it again.
    pub in_link: bool,
}

/// A photo file of a bundle that the body shows or links to, once per file.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PhotoFile {
    /// The file name as the Markdown names it (percent-decoded, NFC).
    pub name: String,
    /// The file in the bundle folder, as the disk names it (which may differ in Unicode
    /// normalisation).
    pub asset: PathBuf,
    /// The line of the bulletin file of its first mention.
    pub line: usize,
    /// Some `![…](name)` shows it: it is published resized.
    pub shown: bool,
    /// Some `[…](name)` links to it: it is published at full size under its own name.
    pub linked: bool,
    /// What was made of it; set by [`crate::photos::prepare`] before the pages are rendered.
    pub prepared: Option<Arc<Prepared>>,
}

/// A photo made ready for publishing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Prepared {
    /// The photo's size as it is seen: EXIF orientation applied.
    pub width: u32,
    pub height: u32,
    /// The resized copies, narrowest first (none when the photo is only linked to).
    pub renditions: Vec<Rendition>,
    /// The full size under the file's own name, when the site keeps originals or the body
    /// links to it.
    pub original: Option<Rendition>,
}

/// One published image file made from a photo.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rendition {
    pub width: u32,
    pub height: u32,
    /// Its file name beside the bulletin's page (`anh-960.jpg`).
    pub name: String,
    pub data: Stored,
}

/// Where a rendition's bytes are.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Stored {
    /// A file of the cache.
    File(PathBuf),
    /// In memory: made by a run that does not write the cache (`bantin check`), or could not.
    Memory(Arc<[u8]>),
}

impl Stored {
    pub fn read(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        match self {
            Stored::File(p) => std::fs::read(p).map(std::borrow::Cow::Owned),
            Stored::Memory(b) => Ok(std::borrow::Cow::Borrowed(b)),
        }
    }
}

/// The character around a photo's index in a body's HTML. Bodies never hold it otherwise:
/// CommonMark replaces U+0000 of the source.
pub const MARK: char = '\u{0}';

/// The marker of the `index`-th photo of a body.
pub fn marker(index: usize) -> String {
    format!("{MARK}{index}{MARK}")
}

/// Whether a file name is that of a photo format bantin cannot clean of its metadata (where
/// and when it was taken, the camera): HEIC/HEIF, WebP, AVIF, TIFF, JPEG XL and raw DNG, in
/// any case. A bundle may not publish one as it is.
pub fn is_uncleaned_photo_name(name: &str) -> bool {
    has_extension(
        name,
        &["heic", "heif", "webp", "avif", "tif", "tiff", "jxl", "dng"],
    )
}

/// Whether `name` ends in `.` and one of `exts`, in any case.
fn has_extension(name: &str, exts: &[&str]) -> bool {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    exts.iter().any(|x| ext.eq_ignore_ascii_case(x))
}

/// Whether a file name is a photo's: `.jpg`, `.jpeg` or `.png`, in any case.
pub fn is_photo_name(name: &str) -> bool {
    has_extension(name, &["jpg", "jpeg", "png"])
}

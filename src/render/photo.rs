//! Photos in a bulletin's body: each marker that loading left in the body's HTML
//! ([`crate::model::photo::marker`]) is replaced by `partials/photo.html`, rendered with the
//! values of that photo ([`PhotoView`]): its files, their widths, its size, its text.

use serde::Serialize;

use super::views::Linker;
use super::Renderer;
use crate::diagnostics::Diagnostic;
use crate::model::photo::{Photo, Rendition, MARK};
use crate::model::Bulletin;
use crate::urls::path;

/// The widest copy used as `src`, for browsers that do not read `srcset`.
const SRC_WIDTH: u32 = 960;

/// What `partials/photo.html` gets, as `photo`.
#[derive(Serialize)]
pub struct PhotoView<'a> {
    /// The address of the copy for browsers without `srcset`: the widest up to 960 pixels.
    pub src: String,
    /// The size of that copy, for `width` and `height` (its shape reserves the room).
    pub width: u32,
    pub height: u32,
    /// Every copy, narrowest first: `"…/anh-480.jpg 480w, …/anh-960.jpg 960w"`.
    pub srcset: String,
    /// The same copies one by one.
    pub sources: Vec<Source>,
    pub alt: &'a str,
    /// The Markdown title (`![alt](anh.jpg "Chú thích")`), or `null`.
    pub caption: Option<&'a str>,
    /// The photo is the only thing of its paragraph: a block of its own, which may be a
    /// `<figure>`; otherwise it sits in a line of text, inside a `<p>`.
    pub alone: bool,
    /// Not the page's first photo: load it when it comes near the screen.
    pub lazy: bool,
    /// Its place among the page's photos, from 0.
    pub index: usize,
    /// The address of the full size (`photo_originals = true`), to link the photo to; `null`
    /// without it, or when the photo is inside a link of the text already.
    pub original: Option<String>,
}

/// One copy of a photo.
#[derive(Serialize)]
pub struct Source {
    pub src: String,
    pub width: u32,
    pub height: u32,
}

/// `body` with each photo marker replaced by its markup. A body without photos comes back
/// as it is, at no cost.
pub fn with_photos(
    r: &Renderer,
    l: &Linker,
    b: &Bulletin,
    body: String,
) -> Result<String, Diagnostic> {
    if b.photos().is_empty() {
        return Ok(body);
    }
    let mut out = String::with_capacity(body.len() + 600 * b.photos().len());
    let mut parts = body.split(MARK);
    out.push_str(parts.next().unwrap_or_default());
    let mut shown = 0;
    while let Some(index) = parts.next() {
        match index.parse::<usize>().ok().and_then(|i| b.photos().get(i)) {
            Some(photo) => {
                let view = view(l, b, photo, shown)?;
                let html = r.render_view("partials/photo.html", "photo", &view)?;
                out.push_str(&String::from_utf8_lossy(&html));
                shown += 1;
            }
            None => out.push_str(index),
        }
        out.push_str(parts.next().unwrap_or_default());
    }
    Ok(out)
}

fn view<'a>(
    l: &Linker,
    b: &Bulletin,
    photo: &'a Photo,
    index: usize,
) -> Result<PhotoView<'a>, Diagnostic> {
    let prepared = b
        .photo_file(&photo.file)
        .and_then(|f| f.prepared.as_ref())
        .filter(|p| !p.renditions.is_empty())
        .ok_or_else(|| {
            Diagnostic::new(
                &b.file,
                format!(
                    "the photo `{}` was not made ready for publishing",
                    photo.file
                ),
            )
        })?;
    let page = path::bulletin(&b.slug);
    let href = |r: &Rendition| l.to(&format!("{page}{}", r.name));
    let sources: Vec<Source> = prepared
        .renditions
        .iter()
        .map(|r| Source {
            src: href(r),
            width: r.width,
            height: r.height,
        })
        .collect();
    let srcset = sources
        .iter()
        .map(|s| format!("{} {}w", s.src, s.width))
        .collect::<Vec<_>>()
        .join(", ");
    let fallback = sources
        .iter()
        .rev()
        .find(|s| s.width <= SRC_WIDTH)
        .unwrap_or(&sources[0]);
    let original = prepared
        .original
        .as_ref()
        .filter(|_| !photo.in_link)
        .map(|o| {
            let encoded = percent_encoding::utf8_percent_encode(&o.name, FILE_NAME).to_string();
            l.to(&format!("{page}{encoded}"))
        });
    Ok(PhotoView {
        src: fallback.src.clone(),
        width: fallback.width,
        height: fallback.height,
        srcset,
        sources,
        alt: &photo.alt,
        caption: photo.title.as_deref(),
        alone: photo.alone,
        lazy: index > 0,
        index,
        original,
    })
}

/// What a file name must escape to be one segment of an address.
const FILE_NAME: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'\\');

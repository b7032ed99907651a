//! Photos of bundles, made ready for publishing: each JPEG or PNG that a body shows is
//! decoded, turned upright by its EXIF orientation, resized to [`WIDTHS`] (never beyond its
//! own width) and encoded again, which leaves every piece of metadata behind (EXIF, GPS,
//! XMP, comments; the colour profile alone is carried over so that colours stay true). The
//! full size is made the same way, under the file's own name, when the site keeps originals
//! (`photo_originals = true`) or the body links to the file.
//!
//! What is made is kept in `<cache_dir>/images/`, named by a hash of the photo's bytes (and
//! of [`RECIPE`]): a build reads each photo and its header, and decodes and resizes only
//! what the cache lacks, on all threads. An archive without photos costs nothing here.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader};
use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::photo::{Prepared, Rendition, Stored};
use crate::model::Archive;

/// The widths a photo is published at, in pixels: a phone's column (480), a tablet's or a
/// phone's at 2× (960), a wide screen's at 2× (1600). A narrower photo is published at
/// the widths below its own and at its own, never enlarged.
pub const WIDTHS: [u32; 3] = [480, 960, 1600];

/// JPEG quality of the resized copies, and of the full size.
const QUALITY: u8 = 82;
const ORIGINAL_QUALITY: u8 = 90;

/// Part of every cache key: change it when what is made of a photo changes (widths,
/// qualities, filter, encoders), so that no copy made the old way is reused.
pub const RECIPE: &str = "bantin photos 1: fast_image_resize lanczos3, jpeg q82/q90, png default";

/// The folder of the cache that holds the photos, under `cache_dir`.
pub const CACHE_FOLDER: &str = "images";

/// Whether a run may add to the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheUse {
    /// Read what is there and keep what is made (`build`, `serve`).
    ReadWrite,
    /// Read what is there; what is made stays in memory (`check`, which writes nothing).
    ReadOnly,
}

/// What [`prepare`] did.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Photo files prepared.
    pub photos: usize,
    /// Image files made (decoded, resized, encoded) by this run.
    pub made: usize,
    /// Image files found in the cache.
    pub reused: usize,
    /// Why made files could not be kept in the cache, when they could not.
    pub cache_error: Option<String>,
    /// Copies removed from the cache because no photo of the archive uses them any more
    /// (see [`prune`]).
    pub pruned: usize,
}

/// One photo file to prepare.
struct Job {
    /// Relative to the site root.
    source: PathBuf,
    /// The bulletin file and line that first name it, for errors.
    file: PathBuf,
    line: usize,
    name: String,
    /// Resized copies (the body shows it), the full size (kept or linked to).
    resized: bool,
    original: bool,
}

/// Prepare every photo of the archive's bulletins that is not prepared yet (`bantin serve`
/// keeps what it prepared for the bulletins that did not change). Every photo that cannot
/// be read or decoded is an error naming the bulletin and the line that shows it.
pub fn prepare(root: &Path, archive: &mut Archive, cache: CacheUse) -> Result<Stats, Diagnostics> {
    let mut jobs = Vec::new();
    for b in &archive.bulletins {
        let Some(dir) = b.bundle_dir() else { continue };
        for f in b.photo_files().iter().filter(|f| f.prepared.is_none()) {
            jobs.push(Job {
                source: dir.join(&f.asset),
                file: b.file.clone(),
                line: f.line,
                name: f.name.clone(),
                resized: f.shown,
                original: f.linked || archive.settings.photo_originals,
            });
        }
    }
    if jobs.is_empty() {
        return Ok(Stats::default());
    }
    let dir = root.join(&archive.settings.cache_dir).join(CACHE_FOLDER);
    let results: Vec<Result<(Prepared, Stats), Diagnostic>> = jobs
        .par_iter()
        .map(|job| prepare_one(root, &dir, job, cache))
        .collect();
    let mut stats = Stats {
        photos: jobs.len(),
        ..Stats::default()
    };
    let mut errors = Vec::new();
    let mut prepared = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok((p, s)) => {
                stats.made += s.made;
                stats.reused += s.reused;
                stats.cache_error = stats.cache_error.or(s.cache_error);
                prepared.push(Some(Arc::new(p)));
            }
            Err(e) => {
                errors.push(e);
                prepared.push(None);
            }
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics::from_iter(errors).sorted());
    }
    // The same walk as the one that made the jobs, so the results come in the same order.
    let mut results = prepared.into_iter();
    for b in &mut archive.bulletins {
        let Some(extras) = b.extras.as_mut().filter(|e| e.bundle_dir.is_some()) else {
            continue;
        };
        for f in extras
            .photo_files
            .iter_mut()
            .filter(|f| f.prepared.is_none())
        {
            f.prepared = results.next().flatten();
        }
    }
    Ok(stats)
}

/// The widths a photo `width` pixels wide is published at: those of [`WIDTHS`] below its
/// own, and its own when it is narrower than the widest.
pub fn widths(width: u32) -> Vec<u32> {
    let mut out: Vec<u32> = WIDTHS.iter().copied().filter(|&w| w < width).collect();
    let widest = WIDTHS[WIDTHS.len() - 1];
    if width <= widest && width > 0 {
        out.push(width);
    }
    out
}

/// The height of a copy `w` wide of a photo `width` × `height`, rounded, at least 1.
fn scaled_height(width: u32, height: u32, w: u32) -> u32 {
    let h = (u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width.max(1));
    (h as u32).max(1)
}

/// A published file to have: its name beside the page, its name in the cache, its size.
struct Plan {
    name: String,
    cached: String,
    width: u32,
    height: u32,
    quality: u8,
}

impl Job {
    /// An error about this photo, at the line of the bulletin that first names it.
    fn fail(&self, what: String, help: &str) -> Diagnostic {
        Diagnostic::at(
            &self.file,
            self.line,
            format!("the photo `{}` {what}", self.name),
        )
        .help(help)
    }

    fn undecodable(&self, e: image::ImageError) -> Diagnostic {
        self.fail(
            format!("cannot be decoded as an image: {e}"),
            "open it in an image editor and save it again as JPEG or PNG (a phone's HEIC photo must be converted; a file cut short must be copied again)",
        )
    }
}

/// A photo file read: its bytes, format, extension and cache key (its content and
/// [`RECIPE`] hashed).
struct Source {
    bytes: Vec<u8>,
    format: ImageFormat,
    ext: &'static str,
    key: String,
}

/// Read the photo of `job` and tell its format; only JPEG and PNG are published.
fn read_source(root: &Path, job: &Job) -> Result<Source, Diagnostic> {
    let bytes = std::fs::read(root.join(&job.source)).map_err(|e| {
        job.fail(
            format!("cannot be read: {e}"),
            "check that the file is there and readable",
        )
    })?;
    let format = image::guess_format(&bytes).map_err(|e| job.undecodable(e))?;
    let ext = match format {
        ImageFormat::Jpeg => "jpg",
        ImageFormat::Png => "png",
        other => {
            return Err(job.fail(
                format!("is not a JPEG or PNG image but {}", other.extensions_str().first().unwrap_or(&"another format")),
                "save it as JPEG (photos) or PNG (drawings, screenshots), or rename it to its real extension",
            ))
        }
    };
    let mut h = xxhash_rust::xxh3::Xxh3Default::new();
    h.update(RECIPE.as_bytes());
    h.update(&bytes);
    let key = format!("{:032x}", h.digest128());
    Ok(Source {
        bytes,
        format,
        ext,
        key,
    })
}

/// The files to publish of a photo `width` × `height` (upright): its resized copies when
/// the body shows it, then the full size when it is kept or linked to.
fn plans(job: &Job, src: &Source, width: u32, height: u32) -> Vec<Plan> {
    let (key, ext) = (&src.key, src.ext);
    let stem = job
        .name
        .rsplit_once('.')
        .map_or(job.name.as_str(), |(s, _)| s);
    let mut slug = crate::vi::slugify(stem);
    if slug.is_empty() {
        slug = "anh".into();
    }
    let mut plans: Vec<Plan> = Vec::new();
    if job.resized {
        for rw in widths(width) {
            plans.push(Plan {
                name: format!("{slug}-{rw}.{ext}"),
                cached: format!("{key}-{rw}.{ext}"),
                width: rw,
                height: scaled_height(width, height, rw),
                quality: QUALITY,
            });
        }
    }
    if job.original {
        let asset = job
            .source
            .file_name()
            .map_or_else(|| job.name.clone(), |n| n.to_string_lossy().into_owned());
        plans.push(Plan {
            name: asset,
            cached: format!("{key}.{ext}"),
            width,
            height,
            quality: ORIGINAL_QUALITY,
        });
    }
    plans
}

/// Prepare one photo: what the cache already holds is reused; the rest is decoded, turned
/// upright, resized and encoded (into the cache, or memory for `bantin check`).
fn prepare_one(
    root: &Path,
    dir: &Path,
    job: &Job,
    cache: CacheUse,
) -> Result<(Prepared, Stats), Diagnostic> {
    let src = read_source(root, job)?;
    let mut decoder = ImageReader::with_format(Cursor::new(&src.bytes[..]), src.format)
        .into_decoder()
        .map_err(|e| job.undecodable(e))?;
    let (w, h) = decoder.dimensions();
    // An EXIF block that cannot be read says nothing of the orientation: upright as stored.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let (width, height) = if turns_sideways(orientation) {
        (h, w)
    } else {
        (w, h)
    };
    if width == 0 || height == 0 {
        return Err(job.fail("has no pixels".into(), "save the photo again"));
    }
    let plans = plans(job, &src, width, height);
    let mut stats = Stats::default();
    let mut stored: Vec<Option<Stored>> = plans
        .iter()
        .map(|p| {
            let f = dir.join(&p.cached);
            f.is_file().then_some(Stored::File(f))
        })
        .collect();
    stats.reused = stored.iter().filter(|s| s.is_some()).count();
    if stored.iter().any(Option::is_none) {
        let made = Making {
            job,
            format: src.format,
            dir,
            cache,
        };
        let upright = (orientation, width, height);
        made.missing(decoder, upright, &plans, &mut stored, &mut stats)?;
    }
    let mut renditions: Vec<Rendition> = plans
        .into_iter()
        .zip(stored)
        .filter_map(|(p, s)| {
            Some(Rendition {
                width: p.width,
                height: p.height,
                name: p.name,
                data: s?,
            })
        })
        .collect();
    let original = if job.original { renditions.pop() } else { None };
    Ok((
        Prepared {
            width,
            height,
            renditions,
            original,
        },
        stats,
    ))
}

/// What making the missing copies of one photo needs.
struct Making<'a> {
    job: &'a Job,
    format: ImageFormat,
    dir: &'a Path,
    cache: CacheUse,
}

impl Making<'_> {
    /// Decode the photo and make each copy of `plans` that `stored` lacks, widest first,
    /// each from the smallest image already made that is at least half as wide again (or
    /// the full size): resizing a 1,600-pixel copy is cheaper than resizing 12 megapixels,
    /// and Lanczos keeps it as sharp.
    /// `upright` is the photo's EXIF orientation and its size once turned by it.
    fn missing<D: ImageDecoder>(
        &self,
        mut decoder: D,
        (orientation, width, height): (image::metadata::Orientation, u32, u32),
        plans: &[Plan],
        stored: &mut [Option<Stored>],
        stats: &mut Stats,
    ) -> Result<(), Diagnostic> {
        let job = self.job;
        let icc = decoder.icc_profile().ok().flatten();
        let mut full = DynamicImage::from_decoder(decoder).map_err(|e| job.undecodable(e))?;
        full.apply_orientation(orientation);
        let full = eight_bit(full);
        let mut order: Vec<usize> = (0..plans.len()).filter(|&i| stored[i].is_none()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(plans[i].width));
        let mut made: Vec<DynamicImage> = Vec::new();
        for i in order {
            let p = &plans[i];
            let img = if p.width == width && p.height == height {
                full.clone()
            } else {
                let from = made
                    .iter()
                    .filter(|m| u64::from(m.width()) * 2 >= u64::from(p.width) * 3)
                    .min_by_key(|m| m.width())
                    .unwrap_or(&full);
                resize(from, p.width, p.height)
            };
            let bytes = encode(&img, self.format, p.quality, icc.as_deref()).map_err(|e| {
                job.fail(
                    format!("cannot be encoded again: {e}"),
                    "save the photo again as JPEG or PNG",
                )
            })?;
            stats.made += 1;
            stored[i] = Some(match self.cache {
                CacheUse::ReadWrite => match keep(self.dir, &p.cached, &bytes) {
                    Ok(path) => Stored::File(path),
                    Err(e) => {
                        stats.cache_error = Some(format!("{}: {e}", self.dir.display()));
                        Stored::Memory(bytes.into())
                    }
                },
                CacheUse::ReadOnly => Stored::Memory(bytes.into()),
            });
            made.push(img);
        }
        Ok(())
    }
}

/// Remove from `<cache_dir>/images/` the copies that no photo of `archive` uses: those of
/// photos replaced, removed or made with another [`RECIPE`]. Only for an archive whose
/// photos are all prepared (a full build's); only files named as this module names them
/// (a 32-digit key, then `-<width>` or nothing, then `.jpg` or `.png`) are touched.
/// Returns how many were removed.
pub fn prune(root: &Path, archive: &Archive) -> std::io::Result<usize> {
    let dir = root.join(&archive.settings.cache_dir).join(CACHE_FOLDER);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut used = std::collections::HashSet::new();
    for b in &archive.bulletins {
        for f in b.photo_files() {
            let Some(p) = &f.prepared else { continue };
            for r in p.renditions.iter().chain(&p.original) {
                if let Stored::File(path) = &r.data {
                    used.insert(path.file_name().map(|n| n.to_owned()));
                }
            }
        }
    }
    let mut removed = 0;
    for e in entries {
        let e = e?;
        let name = e.file_name();
        if !e.file_type()?.is_file() || used.contains(&Some(name.clone())) {
            continue;
        }
        if name.to_str().is_some_and(is_cached_copy_name) {
            std::fs::remove_file(e.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Whether `name` is that of a copy this module keeps: `<32 hex digits>[-<width>].<jpg|png>`.
fn is_cached_copy_name(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    let (key, width) = stem.split_once('-').unwrap_or((stem, "1"));
    matches!(ext, "jpg" | "png")
        && key.len() == 32
        && key.bytes().all(|b| b.is_ascii_hexdigit())
        && !width.is_empty()
        && width.bytes().all(|b| b.is_ascii_digit())
}

/// `img` resized to `width` × `height` with a Lanczos-3 filter (alpha weighted), by
/// fast_image_resize: fifteen times the speed of the image crate's resize on a phone photo.
fn resize(img: &DynamicImage, width: u32, height: u32) -> DynamicImage {
    use fast_image_resize as fr;
    use image::{ImageBuffer, Luma, LumaA, Rgb, Rgba};
    let (pixels, raw): (fr::PixelType, &[u8]) = match img {
        DynamicImage::ImageLuma8(i) => (fr::PixelType::U8, i.as_raw()),
        DynamicImage::ImageLumaA8(i) => (fr::PixelType::U8x2, i.as_raw()),
        DynamicImage::ImageRgb8(i) => (fr::PixelType::U8x3, i.as_raw()),
        DynamicImage::ImageRgba8(i) => (fr::PixelType::U8x4, i.as_raw()),
        // Not made by `eight_bit`: the image crate's own resize, slower and as good.
        _ => return img.resize_exact(width, height, image::imageops::FilterType::Lanczos3),
    };
    let options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    let mut dst = fr::images::Image::new(width, height, pixels);
    let done = fr::images::ImageRef::new(img.width(), img.height(), raw, pixels)
        .map_err(|e| e.to_string())
        .and_then(|src| {
            fr::Resizer::new()
                .resize(&src, &mut dst, &options)
                .map_err(|e| e.to_string())
        });
    if done.is_err() {
        return img.resize_exact(width, height, image::imageops::FilterType::Lanczos3);
    }
    let v = dst.into_vec();
    let made = match pixels {
        fr::PixelType::U8 => {
            ImageBuffer::<Luma<u8>, _>::from_raw(width, height, v).map(DynamicImage::from)
        }
        fr::PixelType::U8x2 => {
            ImageBuffer::<LumaA<u8>, _>::from_raw(width, height, v).map(DynamicImage::from)
        }
        fr::PixelType::U8x3 => {
            ImageBuffer::<Rgb<u8>, _>::from_raw(width, height, v).map(DynamicImage::from)
        }
        _ => ImageBuffer::<Rgba<u8>, _>::from_raw(width, height, v).map(DynamicImage::from),
    };
    made.unwrap_or_else(|| img.resize_exact(width, height, image::imageops::FilterType::Lanczos3))
}

/// Whether an orientation swaps width and height.
fn turns_sideways(o: image::metadata::Orientation) -> bool {
    use image::metadata::Orientation::*;
    matches!(o, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH)
}

/// The image with 8 bits a channel (a 16-bit PNG would be published twice as large).
fn eight_bit(img: DynamicImage) -> DynamicImage {
    use image::ColorType::*;
    match img.color() {
        L8 | La8 | Rgb8 | Rgba8 => img,
        c if c.has_alpha() => DynamicImage::ImageRgba8(img.to_rgba8()),
        _ => DynamicImage::ImageRgb8(img.to_rgb8()),
    }
}

/// The image encoded as `format`: nothing but the pixels and the colour profile.
fn encode(
    img: &DynamicImage,
    format: ImageFormat,
    quality: u8,
    icc: Option<&[u8]>,
) -> image::ImageResult<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        ImageFormat::Png => {
            let mut enc = PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Default,
                image::codecs::png::FilterType::Adaptive,
            );
            if let Some(icc) = icc {
                // A profile the encoder refuses only costs colour accuracy.
                let _ = enc.set_icc_profile(icc.to_vec());
            }
            img.write_with_encoder(enc)?;
        }
        _ => {
            let mut enc = JpegEncoder::new_with_quality(&mut out, quality);
            if let Some(icc) = icc {
                let _ = enc.set_icc_profile(icc.to_vec());
            }
            img.write_with_encoder(enc)?;
        }
    }
    Ok(out)
}

/// Keep `bytes` as `name` in the cache folder `dir`, written under a temporary name and
/// renamed, so that a build killed meanwhile leaves no half file to be reused.
fn keep(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    let path = dir.join(name);
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_copies_named_as_made_are_pruned() {
        let key = "0123456789abcdef0123456789abcdef";
        assert!(is_cached_copy_name(&format!("{key}-480.jpg")));
        assert!(is_cached_copy_name(&format!("{key}.png")));
        for other in [
            format!("{key}-480.webp"),
            format!("{key}-.jpg"),
            format!("{key}-x.jpg"),
            "0123-480.jpg".to_string(),
            ".tmpAb12cd".to_string(),
            "ghi-chu.txt".to_string(),
        ] {
            assert!(!is_cached_copy_name(&other), "{other}");
        }
    }

    #[test]
    fn widths_never_enlarge() {
        assert_eq!(widths(4032), [480, 960, 1600]);
        assert_eq!(widths(1600), [480, 960, 1600]);
        assert_eq!(widths(1200), [480, 960, 1200]);
        assert_eq!(widths(960), [480, 960]);
        assert_eq!(widths(300), [300]);
        assert_eq!(scaled_height(4032, 3024, 480), 360);
        assert_eq!(scaled_height(3, 1, 1), 1);
    }
}

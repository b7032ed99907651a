//! Turns a bulletin's Markdown body into HTML in one pass, and on the way collects what the
//! rest of the build needs from the text: the inline `ind:` figures with the sentence around
//! each (its quote), the first paragraph (the default summary) and the plain text (search),
//! and the bundle photos it shows or links to (an image of a bundle photo becomes a marker
//! in the HTML, which the page's `partials/photo.html` replaces: [`crate::model::photo`]).

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::model::figure::{parse_figure, Figure};
use crate::model::photo;

/// An inline annotation `[text](ind:id?query)` found in a body.
#[derive(Debug, Clone)]
pub struct InlineFigure {
    pub indicator: String,
    pub query: String,
    pub text: String,
    pub figure: Result<Figure, String>,
    /// The sentence of the text around the figure.
    pub quote: String,
    /// Byte offset of the link in the body, for error lines.
    pub offset: usize,
}

#[derive(Debug, Default)]
pub struct RenderedBody {
    pub html: String,
    pub text: String,
    pub first_paragraph: Option<String>,
    pub figures: Vec<InlineFigure>,
    /// `ind:` annotations of the source that the Markdown parser did not read as links.
    pub lost: Vec<LostAnnotation>,
    /// Images and links whose address is a photo's file name, in the order of the body.
    pub photos: Vec<PhotoRef>,
}

/// An image (`![alt](anh.jpg)`) or link (`[ảnh gốc](anh.jpg)`) whose address is the bare
/// name of a JPEG or PNG file: a photo of the bulletin's bundle. Each image is replaced in
/// the HTML by [`photo::marker`] of its index among the images.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoRef {
    /// The file name, percent-decoded and NFC.
    pub name: String,
    /// An image (shown), not a link.
    pub shown: bool,
    /// The image's text (its `alt`), plain.
    pub alt: String,
    pub title: Option<String>,
    /// The only thing in its paragraph: the paragraph is dropped around its marker.
    pub alone: bool,
    /// Inside a link's text (`[![alt](anh.jpg)](https://…)`).
    pub in_link: bool,
    /// Byte offset in the body, for error lines.
    pub offset: usize,
}

/// The bundle file that an image or link address names, when it is a photo's: a bare JPEG
/// or PNG file name (`anh.jpg`, `./Ảnh%201.JPG`). Any other address (`https://…`,
/// `/static/…`, `../anh.jpg`, `data:…`) is not a bundle photo and is left as it is.
pub fn photo_name(dest: &str) -> Option<String> {
    let d = dest.strip_prefix("./").unwrap_or(dest);
    if d.is_empty() || d.contains(['/', '\\', '?', '#', ':']) {
        return None;
    }
    let name = percent_encoding::percent_decode_str(d).decode_utf8().ok()?;
    let name = crate::vi::nfc(&name).into_owned();
    photo::is_photo_name(&name).then_some(name)
}

/// An `ind:` annotation written in the source that makes no record: inside a code span or
/// block, inside raw HTML or an HTML comment, or not a well-formed link.
#[derive(Debug, Clone, PartialEq)]
pub struct LostAnnotation {
    /// Byte offset in the body of its first character (`[`, or `ind:` when none precedes).
    pub offset: usize,
    /// The annotation as written (shortened when long).
    pub text: String,
    pub place: LostIn,
}

/// Where a lost annotation sits, which says why the parser passed over it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LostIn {
    CodeSpan,
    CodeBlock,
    Html,
    /// Not inside anything: the link itself is malformed (a bracket missing, a space in the
    /// address), or a reference definition that no link uses.
    Text,
}

/// What a table of a body is written in: a box that scrolls it sideways when it is wider than
/// the page, which the keyboard can reach (axe's scrollable-region-focusable).
const TABLE_BOX: &str = "<div class=\"table-scroll\" tabindex=\"0\">\n";

/// Scheme of inline annotation links.
pub const SCHEME: &str = "ind:";

/// Render `body`. `indicator_href` gives the address of an indicator's page as seen from the
/// bulletin's page. Raw HTML is escaped unless `allow_html`.
pub fn render(
    body: &str,
    allow_html: bool,
    indicator_href: &dyn Fn(&str) -> String,
) -> RenderedBody {
    render_with_readings(body, allow_html, indicator_href, None)
}

/// How a figure was read, shown beside it in a draft for its reviewer: `reading` gives the
/// text ("Thu ngân sách · target · 2024 · about"), written after the figure's link as
/// `<span class="reading">`.
pub type Reading<'a> = &'a dyn Fn(&InlineFigure) -> String;

/// [`render`], with each figure's reading written beside it when `reading` is given.
///
/// About 100 lines, on purpose: one loop over pulldown-cmark's events, whose state (the
/// figure link open, the paragraph, the photo) would only be passed around if cut up.
pub fn render_with_readings(
    body: &str,
    allow_html: bool,
    indicator_href: &dyn Fn(&str) -> String,
    reading: Option<Reading>,
) -> RenderedBody {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let mut w = Walk {
        indicator_href,
        reading,
        out: RenderedBody::default(),
        events: Vec::new(),
        block: String::new(),
        pending: Vec::new(),
        in_figure: None,
        read: Vec::new(),
        opaque: Vec::new(),
        in_photo: None,
        paragraph: None,
        shown: 0,
        links: 0,
    };
    // CommonMark replaces U+0000 of the source (pulldown-cmark leaves it): so the HTML of a
    // body holds none but the photo markers.
    let has_nul = body.contains('\u{0}');
    for (event, range) in Parser::new_ext(body, opts).into_offset_iter() {
        let event = if has_nul { without_nul(event) } else { event };
        w.note_opaque(&event, &range);
        if w.in_photo.is_some() {
            w.photo_event(event);
            continue;
        }
        match event {
            Event::Start(Tag::Link { ref dest_url, .. }) if dest_url.starts_with(SCHEME) => {
                w.start_figure(dest_url, range)
            }
            Event::Start(Tag::Image {
                ref dest_url,
                ref title,
                ..
            }) if photo_name(dest_url).is_some() => {
                let name = photo_name(dest_url).unwrap_or_default();
                w.start_photo(name, title, range.start);
            }
            Event::Start(Tag::Link { ref dest_url, .. }) if photo_name(dest_url).is_some() => {
                w.out.photos.push(PhotoRef {
                    name: photo_name(dest_url).unwrap_or_default(),
                    shown: false,
                    alt: String::new(),
                    title: None,
                    alone: false,
                    in_link: w.links > 0,
                    offset: range.start,
                });
                w.links += 1;
                w.events.push(event);
            }
            Event::Start(Tag::Link { .. }) => {
                w.links += 1;
                w.events.push(event);
            }
            Event::End(TagEnd::Link) if w.in_figure.is_none() => {
                w.links = w.links.saturating_sub(1);
                w.events.push(event);
            }
            Event::Start(Tag::Paragraph) => {
                w.paragraph = Some(w.events.len());
                w.events.push(event);
            }
            Event::End(TagEnd::Link) if w.in_figure.is_some() => w.end_figure(),
            Event::Text(ref t) | Event::Code(ref t) => {
                w.add_text(t);
                w.events.push(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                w.add_text(" ");
                w.events.push(event);
            }
            Event::Html(t) | Event::InlineHtml(t) if !allow_html => w.events.push(Event::Text(t)),
            // A table in a box that scrolls sideways on a narrow screen, focusable so that
            // the keyboard scrolls it too (the theme's CSS styles `.table-scroll`).
            Event::Start(Tag::Table(_)) => {
                w.events.push(Event::Html(CowStr::Borrowed(TABLE_BOX)));
                w.events.push(event);
            }
            Event::End(TagEnd::Table) => {
                w.end_tag(TagEnd::Table);
                w.events.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            Event::End(tag) => w.end_tag(tag),
            other => w.events.push(other),
        }
    }
    w.end_block();
    let mut out = w.out;
    out.lost = lost_annotations(body, &w.read, &w.opaque);
    out.html.reserve(body.len() + body.len() / 4);
    pulldown_cmark::html::push_html(&mut out.html, w.events.into_iter());
    out
}

/// `event` with U+0000 in its text replaced by U+FFFD.
fn without_nul(event: Event<'_>) -> Event<'_> {
    fn fix(t: CowStr<'_>) -> CowStr<'_> {
        if t.contains('\u{0}') {
            t.replace('\u{0}', "\u{fffd}").into()
        } else {
            t
        }
    }
    match event {
        Event::Text(t) => Event::Text(fix(t)),
        Event::Code(t) => Event::Code(fix(t)),
        Event::Html(t) => Event::Html(fix(t)),
        Event::InlineHtml(t) => Event::InlineHtml(fix(t)),
        other => other,
    }
}

/// The state of one pass over a body's events.
struct Walk<'e, 'r> {
    indicator_href: &'r dyn Fn(&str) -> String,
    reading: Option<Reading<'r>>,
    out: RenderedBody,
    events: Vec<Event<'e>>,
    /// Plain text of the current block.
    block: String,
    /// Figures of the block waiting for their sentence: the figure, its start and end in
    /// `block`.
    pending: Vec<(InlineFigure, usize, usize)>,
    /// The figure being read, with its start in `block`.
    in_figure: Option<(InlineFigure, usize)>,
    /// Where annotations were read as links.
    read: Vec<Range<usize>>,
    /// The places where the parser reads no links.
    opaque: Vec<(Range<usize>, LostIn)>,
    /// The photo being read (its alt text), with the depth of images nested in its text.
    in_photo: Option<(PhotoRef, usize)>,
    /// Where in `events` the current paragraph starts.
    paragraph: Option<usize>,
    /// How many photos were shown so far.
    shown: usize,
    /// How many links (not figures) the parser is inside.
    links: usize,
}

impl<'e> Walk<'e, '_> {
    fn note_opaque(&mut self, event: &Event, range: &Range<usize>) {
        let place = match event {
            Event::Code(_) => LostIn::CodeSpan,
            Event::Start(Tag::CodeBlock(_)) => LostIn::CodeBlock,
            Event::Start(Tag::HtmlBlock) | Event::Html(_) | Event::InlineHtml(_) => LostIn::Html,
            _ => return,
        };
        self.opaque.push((range.clone(), place));
    }

    fn start_figure(&mut self, dest_url: &str, range: Range<usize>) {
        let (indicator, query) = match dest_url[SCHEME.len()..].split_once('?') {
            Some((i, q)) => (i.to_string(), q.to_string()),
            None => (dest_url[SCHEME.len()..].to_string(), String::new()),
        };
        let fig = InlineFigure {
            indicator,
            query,
            text: String::new(),
            figure: Err(String::new()),
            quote: String::new(),
            offset: range.start,
        };
        self.read.push(range);
        self.in_figure = Some((fig, self.block.len()));
        // The opening tag is written at the end, once the text is known.
        self.events.push(Event::InlineHtml(CowStr::Borrowed("")));
    }

    fn end_figure(&mut self) {
        let Some((mut fig, start)) = self.in_figure.take() else {
            return;
        };
        fig.figure = parse_figure(&fig.text);
        let value = match &fig.figure {
            Ok(f) => match f.value_max {
                Some(max) => format!("{}-{}", f.value, max),
                None => f.value.to_string(),
            },
            Err(_) => String::new(),
        };
        let open = Event::InlineHtml(
            format!(
                "<a class=\"figure\" href=\"{}\"><data value=\"{}\">",
                crate::html::escape(&(self.indicator_href)(&fig.indicator)),
                crate::html::escape(&value)
            )
            .into(),
        );
        if let Some(at) = self
            .events
            .iter()
            .rposition(|e| matches!(e, Event::InlineHtml(s) if s.is_empty()))
        {
            self.events[at] = open;
        }
        self.events
            .push(Event::InlineHtml(CowStr::Borrowed("</data></a>")));
        if let Some(reading) = self.reading {
            self.events.push(Event::InlineHtml(
                format!(
                    "<span class=\"reading\">{}</span>",
                    crate::html::escape(&reading(&fig))
                )
                .into(),
            ));
        }
        self.pending.push((fig, start, self.block.len()));
    }

    fn start_photo(&mut self, name: String, title: &str, offset: usize) {
        let r = PhotoRef {
            name,
            shown: true,
            alt: String::new(),
            title: (!title.trim().is_empty()).then(|| title.trim().to_string()),
            alone: false,
            in_link: self.links > 0,
            offset,
        };
        self.in_photo = Some((r, 0));
    }

    /// An event inside a photo's image: its text is the photo's alt text (and text of the
    /// block, as an image's alt is for search); the rest is not written.
    fn photo_event(&mut self, event: Event) {
        let Some((p, depth)) = self.in_photo.as_mut() else {
            return;
        };
        match event {
            Event::Text(t) | Event::Code(t) => {
                p.alt.push_str(&t);
                self.add_text(&t);
            }
            Event::SoftBreak | Event::HardBreak => {
                p.alt.push(' ');
                self.add_text(" ");
            }
            Event::Start(Tag::Image { .. }) => *depth += 1,
            Event::End(TagEnd::Image) if *depth > 0 => *depth -= 1,
            Event::End(TagEnd::Image) => {
                if let Some((mut p, _)) = self.in_photo.take() {
                    p.alt = collapse_spaces(&p.alt);
                    self.out.photos.push(p);
                    let mark = photo::marker(self.shown);
                    self.shown += 1;
                    self.events.push(Event::InlineHtml(mark.into()));
                }
            }
            _ => {}
        }
    }

    /// Whether the paragraph ending now holds one photo and nothing else; if so, its
    /// opening tag is dropped (the caller drops the closing one) and the photo is `alone`.
    fn photo_alone(&mut self) -> bool {
        let Some(start) = self.paragraph.take() else {
            return false;
        };
        let only_a_marker = self.events.len() == start + 2
            && matches!(&self.events[start + 1], Event::InlineHtml(h) if h.starts_with(photo::MARK));
        if !only_a_marker {
            return false;
        }
        if let Some(p) = self.out.photos.iter_mut().rev().find(|p| p.shown) {
            p.alone = true;
        }
        self.events.remove(start);
        self.events.push(Event::InlineHtml(CowStr::Borrowed("\n")));
        true
    }

    fn add_text(&mut self, t: &str) {
        self.block.push_str(t);
        if let Some((fig, _)) = self.in_figure.as_mut() {
            fig.text.push_str(t);
        }
    }

    fn end_tag(&mut self, tag: TagEnd) {
        if tag == TagEnd::Paragraph && self.photo_alone() {
            // A photo alone is no paragraph of text: not the summary.
            self.end_block();
            return;
        }
        if tag == TagEnd::Paragraph
            && self.out.first_paragraph.is_none()
            && !self.block.trim().is_empty()
        {
            self.out.first_paragraph = Some(collapse_spaces(&self.block));
        }
        if matches!(
            tag,
            TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
        ) {
            self.end_block();
        }
        self.events.push(Event::End(tag));
    }

    /// The end of a block of text: its figures get their sentences, its text joins the
    /// body's plain text.
    fn end_block(&mut self) {
        for (mut fig, s, e) in self.pending.drain(..) {
            fig.quote = sentence_around(&self.block, s, e);
            self.out.figures.push(fig);
        }
        if !self.block.trim().is_empty() {
            if !self.out.text.is_empty() {
                self.out.text.push('\n');
            }
            self.out.text.push_str(self.block.trim());
        }
        self.block.clear();
    }
}

/// Every `ind:` annotation of `body` (a link target `](ind:`, `](<ind:`, or a reference
/// definition `]: ind:`) that lies outside the links the parser read.
fn lost_annotations(
    body: &str,
    read: &[std::ops::Range<usize>],
    opaque: &[(std::ops::Range<usize>, LostIn)],
) -> Vec<LostAnnotation> {
    let mut lost = Vec::new();
    for (at, _) in body.match_indices(SCHEME) {
        let before = body[..at].trim_end_matches(['<', ' ', '\t']);
        // `](ind:`, also with spaces (`] (ind:`), or a reference definition `]: ind:`.
        let is_link = before
            .strip_suffix('(')
            .is_some_and(|b| b.trim_end().ends_with(']'));
        let is_target = is_link || before.ends_with("]:");
        let is_autolink = body[..at].ends_with('<') && !is_target;
        if !(is_target || is_autolink) {
            continue;
        }
        if read.iter().any(|r| r.contains(&at)) {
            continue;
        }
        // A reference definition used by a link read as a figure is not lost: its links are.
        if before.ends_with("]:") && !read.is_empty() && definition_is_used(body, before, read) {
            continue;
        }
        let line_start = body[..at].rfind('\n').map_or(0, |i| i + 1);
        let start = if is_autolink && !is_target {
            at - 1
        } else {
            body[line_start..at]
                .rfind('[')
                .map_or(at, |i| line_start + i)
        };
        let line_end = body[at..].find('\n').map_or(body.len(), |i| at + i);
        let end = body[at..line_end]
            .find([')', '>'])
            .map_or(line_end, |i| at + i + 1);
        let mut text: String = body[start..end].chars().take(80).collect();
        if text.len() < end - start {
            text.push('…');
        }
        let place = opaque
            .iter()
            .filter(|(r, _)| r.contains(&at))
            .map(|(_, p)| *p)
            .next()
            .unwrap_or(LostIn::Text);
        lost.push(LostAnnotation {
            offset: start,
            text,
            place,
        });
    }
    lost
}

/// Whether the reference definition ending in `before` (`…[label]:`) has its label used by a
/// link that was read: `[text][label]`, `[label][]` or `[label]`.
fn definition_is_used(body: &str, before: &str, read: &[std::ops::Range<usize>]) -> bool {
    let head = &before[..before.len() - 2];
    let Some(open) = head.rfind('[') else {
        return false;
    };
    let label = head[open + 1..].trim().to_lowercase();
    read.iter().any(|r| {
        body.get(r.clone())
            .is_some_and(|link| link.to_lowercase().contains(&format!("[{label}]")))
    })
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The sentence of `text` that holds the bytes `start..end`: from the end of the previous
/// sentence (`.`, `!`, `?` or `…` followed by a space) to the end of this one.
pub fn sentence_around(text: &str, start: usize, end: usize) -> String {
    let is_end = |c: char| matches!(c, '.' | '!' | '?' | '…');
    let mut from = 0;
    let mut prev: Option<(usize, char)> = None;
    for (i, c) in text[..start].char_indices() {
        if c.is_whitespace() {
            if let Some((_, p)) = prev {
                if is_end(p) {
                    from = i;
                }
            }
        }
        prev = Some((i, c));
    }
    let mut to = text.len();
    let rest = &text[end..];
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_end(c) && chars.peek().is_none_or(|(_, n)| n.is_whitespace()) {
            to = end + i + c.len_utf8();
            break;
        }
    }
    collapse_spaces(&text[from..to])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn href(id: &str) -> String {
        format!("/chi-tieu/{id}/")
    }

    #[test]
    fn inline_figures_stay_in_the_sentence() {
        let body = "Mở đầu. Thu ngân sách đạt [507,8 tỷ đồng](ind:thu-ngan-sach?period=2020&kind=target) theo kế hoạch. Câu sau.\n";
        let r = render(body, false, &href);
        assert_eq!(r.figures.len(), 1);
        let f = &r.figures[0];
        assert_eq!(f.indicator, "thu-ngan-sach");
        assert_eq!(f.query, "period=2020&kind=target");
        assert_eq!(f.text, "507,8 tỷ đồng");
        assert_eq!(f.quote, "Thu ngân sách đạt 507,8 tỷ đồng theo kế hoạch.");
        assert_eq!(f.figure.as_ref().unwrap().value, 507.8);
        assert!(r.html.contains("<a class=\"figure\" href=\"/chi-tieu/thu-ngan-sach/\"><data value=\"507.8\">507,8 tỷ đồng</data></a> theo kế hoạch"), "{}", r.html);
        assert_eq!(
            r.first_paragraph.as_deref(),
            Some("Mở đầu. Thu ngân sách đạt 507,8 tỷ đồng theo kế hoạch. Câu sau.")
        );
    }

    #[test]
    fn raw_html_is_escaped_unless_allowed() {
        let r = render("a <script>x</script> b\n\n<div>y</div>\n", false, &href);
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"));
        let r = render("a <b>x</b>\n", true, &href);
        assert!(r.html.contains("<b>x</b>"));
    }

    #[test]
    fn tables_footnotes_strikethrough() {
        let r = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\nx[^1] ~~y~~\n\n[^1]: n\n",
            false,
            &href,
        );
        assert!(r
            .html
            .contains("<div class=\"table-scroll\" tabindex=\"0\">\n<table>"));
        assert!(r.html.contains("</table>\n</div>"));
        assert!(r.html.contains("<del>y</del>"));
        assert!(r.html.contains("footnote"));
    }

    #[test]
    fn annotations_the_parser_passes_over_are_found() {
        let body = "Đạt [1%](ind:a?kind=actual).\n\nMã `[0,35%](ind:b)` ở đây.\n\n<div>\n[2%](ind:c)\n</div>\n\n<!-- [3%](ind:d) -->\n\nHỏng [4%] (ind:e) và [5%](ind:f x).\n\n```\n[6%](ind:g)\n```\n";
        let r = render(body, false, &href);
        assert_eq!(r.figures.len(), 1);
        let places: Vec<(LostIn, &str)> = r
            .lost
            .iter()
            .map(|l| (l.place, &body[l.offset..l.offset + 1]))
            .collect();
        assert_eq!(
            places,
            [
                (LostIn::CodeSpan, "["),
                (LostIn::Html, "["),
                (LostIn::Html, "["),
                (LostIn::Text, "["),
                (LostIn::Text, "["),
                (LostIn::CodeBlock, "[")
            ]
        );
        assert_eq!(r.lost[0].text, "[0,35%](ind:b)");
        // Words that merely contain the scheme are not annotations.
        let r = render("Find ind: here, and kind:x.\n", false, &href);
        assert!(r.lost.is_empty(), "{:?}", r.lost);
    }

    #[test]
    fn reference_definitions_count_when_used() {
        let r = render("Đạt [1%][a].\n\n[a]: ind:x?kind=actual\n", false, &href);
        assert_eq!((r.figures.len(), r.lost.len()), (1, 0));
        let r = render("Đạt 1%.\n\n[a]: ind:x?kind=actual\n", false, &href);
        assert_eq!(r.lost.len(), 1);
    }

    #[test]
    fn figures_in_list_items_and_cells_get_quotes() {
        let r = render(
            "- Vốn đạt [3.000 tỷ đồng](ind:von?kind=target)\n",
            false,
            &href,
        );
        assert_eq!(r.figures[0].quote, "Vốn đạt 3.000 tỷ đồng");
    }

    #[test]
    fn bundle_photos_become_markers_and_other_images_stay() {
        let body = "Mở đầu.\n\n![Lễ khởi công](Anh%201.JPG \"Chú thích\")\n\nCó ảnh ![nhỏ](./b.png) giữa câu, [ảnh gốc](c.jpeg), ![xa](https://e.org/x.jpg), ![tĩnh](/static/y.png), ![hình](d.svg) và ![lên](../e.jpg).\n";
        let r = render(body, false, &href);
        let names: Vec<(&str, bool, bool)> = r
            .photos
            .iter()
            .map(|p| (p.name.as_str(), p.shown, p.alone))
            .collect();
        assert_eq!(
            names,
            [
                ("Anh 1.JPG", true, true),
                ("b.png", true, false),
                ("c.jpeg", false, false)
            ]
        );
        assert_eq!(r.photos[0].alt, "Lễ khởi công");
        assert_eq!(r.photos[0].title.as_deref(), Some("Chú thích"));
        assert_eq!(&body[r.photos[1].offset..r.photos[1].offset + 2], "![");
        // The photo alone has no paragraph around its marker; the one in a sentence keeps it.
        assert!(
            r.html
                .contains("</p>\n\u{0}0\u{0}\n<p>Có ảnh \u{0}1\u{0} giữa"),
            "{:?}",
            r.html
        );
        assert!(r.html.contains("<a href=\"c.jpeg\">ảnh gốc</a>"));
        for kept in ["https://e.org/x.jpg", "/static/y.png", "d.svg", "../e.jpg"] {
            assert!(
                r.html.contains(&format!("src=\"{kept}\"")),
                "{kept}: {}",
                r.html
            );
        }
        assert_eq!(r.first_paragraph.as_deref(), Some("Mở đầu."));
    }

    #[test]
    fn a_photo_alone_is_not_the_summary_and_nul_never_reaches_the_html() {
        let r = render("![Ảnh](a.jpg)\n\nĐoạn đầu.\n", false, &href);
        assert_eq!(r.first_paragraph.as_deref(), Some("Đoạn đầu."));
        for allow in [false, true] {
            let r = render("a\u{0}b <i>\u{0}</i>\n\n<div>\u{0}</div>\n", allow, &href);
            assert!(!r.html.contains('\u{0}'), "{:?}", r.html);
        }
    }
}

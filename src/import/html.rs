//! Saved article pages: bytes decoded in the page's declared charset (encoding_rs; old
//! Vietnamese portals serve windows-1258, whose combining tone marks are composed to NFC
//! here), then parsed with an HTML parser: title, date, address, site name, credit, and the
//! paragraphs of the page's main block. Scripts, navigation, asides, forms and comments
//! never reach the text.

use scraper::{ElementRef, Html, Selector};

use super::dates::{self, FoundDate};

/// The charset a page declares in its first bytes (BOM, `<meta charset>`, or
/// `<meta http-equiv … content="…; charset=…">`); UTF-8 when valid, else windows-1258.
pub fn decode(bytes: &[u8]) -> String {
    let encoding = encoding_rs::Encoding::for_bom(bytes)
        .map(|(e, _)| e)
        .or_else(|| declared(bytes))
        .unwrap_or_else(|| {
            if std::str::from_utf8(bytes).is_ok() {
                encoding_rs::UTF_8
            } else {
                encoding_rs::WINDOWS_1258
            }
        });
    let (text, _, _) = encoding.decode(bytes);
    crate::vi::nfc(&text).into_owned()
}

/// Bytes in a given encoding, NFC.
pub fn decode_as(bytes: &[u8], encoding: &'static encoding_rs::Encoding) -> String {
    let (text, _, _) = encoding.decode(bytes);
    crate::vi::nfc(&text).into_owned()
}

fn declared(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let rest = &lower[at..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')))
        .unwrap_or(rest.len());
    encoding_rs::Encoding::for_label(&rest[..end])
}

/// Elements whose text is never the article's.
const SKIP: &[&str] = &[
    "script",
    "style",
    "noscript",
    "nav",
    "aside",
    "header",
    "footer",
    "form",
    "figure",
    "figcaption",
    "button",
    "select",
    "iframe",
    "svg",
    "template",
];

/// A parsed page.
pub struct Document {
    html: Html,
}

fn sel(s: &str) -> Option<Selector> {
    Selector::parse(s).ok()
}

/// The text of an element, without skipped elements, whitespace collapsed.
fn text_of(e: ElementRef) -> String {
    let mut out = String::new();
    push_text(e, &mut out);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn push_text(e: ElementRef, out: &mut String) {
    for child in e.children() {
        if let Some(t) = child.value().as_text() {
            out.push_str(t);
        } else if let Some(el) = ElementRef::wrap(child) {
            let name = el.value().name();
            if SKIP.contains(&name) {
                continue;
            }
            if name == "br" {
                out.push('\n');
            }
            push_text(el, out);
            if matches!(name, "p" | "div" | "li") {
                out.push(' ');
            }
        }
    }
}

/// Lines of a text (split at `<br>`), whitespace collapsed, empty ones dropped.
fn lines_of(t: &str) -> Vec<String> {
    t.split('\n')
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

/// Whether an element sits inside a skipped element.
fn skipped(e: ElementRef) -> bool {
    e.ancestors()
        .filter_map(ElementRef::wrap)
        .any(|a| SKIP.contains(&a.value().name()))
}

impl Document {
    pub fn parse(text: &str) -> Document {
        Document {
            html: Html::parse_document(text),
        }
    }

    fn meta(&self, keys: &[&str]) -> Option<String> {
        for k in keys {
            for attr in ["property", "name", "itemprop"] {
                let s = sel(&format!("meta[{attr}=\"{k}\"]"))?;
                if let Some(v) = self
                    .html
                    .select(&s)
                    .filter_map(|e| e.value().attr("content"))
                    .map(|c| c.trim().to_string())
                    .find(|c| !c.is_empty())
                {
                    return Some(crate::vi::nfc(&v).into_owned());
                }
            }
        }
        None
    }

    fn first_text(&self, selector: &str) -> Option<String> {
        let s = sel(selector)?;
        self.html
            .select(&s)
            .filter(|e| !skipped(*e))
            .map(text_of)
            .find(|t| !t.is_empty())
    }

    /// `og:title`, the article's `h1`, or `<title>`.
    pub fn title(&self) -> Option<String> {
        self.meta(&["og:title"])
            .or_else(|| self.first_text("h1"))
            .or_else(|| self.first_text("title"))
    }

    /// `article:published_time`, a `<time datetime>`, or a visible date of an element
    /// whose class names a date.
    pub fn date(&self) -> Option<FoundDate> {
        if let Some(d) = self
            .meta(&["article:published_time", "datePublished", "pubdate"])
            .and_then(|d| dates::parse_given(&d))
        {
            return Some(d);
        }
        let time = sel("time[datetime]")?;
        if let Some(d) = self
            .html
            .select(&time)
            .filter_map(|e| e.value().attr("datetime"))
            .find_map(dates::parse_given)
        {
            return Some(d);
        }
        let dated = sel("[class*=date], [class*=time], [class*=ngay], [id*=date]")?;
        self.html
            .select(&dated)
            .map(text_of)
            .find_map(|t| dates::date_line(&t))
    }

    pub fn url(&self) -> Option<String> {
        let canonical = sel("link[rel=canonical]")?;
        self.html
            .select(&canonical)
            .filter_map(|e| e.value().attr("href"))
            .map(str::to_string)
            .find(|h| h.starts_with("http"))
            .or_else(|| self.meta(&["og:url"]))
    }

    pub fn site_name(&self) -> Option<String> {
        self.meta(&["og:site_name"])
    }

    /// A credit in the page's markup (`<meta name=author>`, an element of class author).
    pub fn authors(&self) -> Vec<String> {
        self.meta(&["author", "article:author"])
            .or_else(|| self.first_text("[class*=author]"))
            .filter(|a| a.split_whitespace().count() <= 6 && !a.starts_with("http"))
            .map(|a| vec![a])
            .unwrap_or_default()
    }

    /// The paragraphs of the page's main block: the element whose own paragraphs hold
    /// the most text.
    pub fn paragraphs(&self) -> Vec<String> {
        let Some(ps) = sel("p, h2, h3, blockquote") else {
            return Vec::new();
        };
        let mut best = None;
        let mut totals = std::collections::HashMap::new();
        for p in self.html.select(&ps) {
            if skipped(p) {
                continue;
            }
            let Some(parent) = p.parent() else { continue };
            let total: &mut usize = totals.entry(parent.id()).or_default();
            *total += text_of(p).len();
            if best.is_none_or(|(b, _)| *total > b) {
                best = Some((*total, parent.id()));
            }
        }
        let block = match best {
            Some((_, id)) => self.html.tree.get(id).and_then(ElementRef::wrap),
            None => self.text_block(),
        };
        let Some(block) = block else {
            return Vec::new();
        };
        let has_paragraphs = block
            .children()
            .filter_map(ElementRef::wrap)
            .any(|e| matches!(e.value().name(), "p" | "h2" | "h3" | "blockquote"));
        if !has_paragraphs {
            let mut t = String::new();
            push_text(block, &mut t);
            return lines_of(&t);
        }
        block
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|e| matches!(e.value().name(), "p" | "h2" | "h3" | "blockquote" | "div"))
            .flat_map(|e| {
                let mut t = String::new();
                push_text(e, &mut t);
                lines_of(&t)
            })
            .collect()
    }
}

impl Document {
    /// A page without paragraph elements (text in a `div` or `td`, lines split by `<br>`):
    /// the element whose own text, outside its child elements but its inline ones, is the
    /// longest.
    fn text_block(&self) -> Option<ElementRef<'_>> {
        let blocks = sel("div, td, article, section, main, body")?;
        self.html
            .select(&blocks)
            .filter(|e| !skipped(*e))
            .map(|e| {
                let own: usize = e
                    .children()
                    .filter_map(|c| {
                        c.value().as_text().map(|t| t.trim().len()).or_else(|| {
                            ElementRef::wrap(c)
                                .filter(|el| INLINE.contains(&el.value().name()))
                                .map(|el| text_of(el).len())
                        })
                    })
                    .sum();
                (own, e)
            })
            .filter(|(own, _)| *own > 0)
            .max_by_key(|(own, _)| *own)
            .map(|(_, e)| e)
    }
}

/// Elements inside a line of text.
const INLINE: &[&str] = &[
    "b", "strong", "i", "em", "span", "a", "u", "font", "sup", "sub",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_charsets() {
        let page = b"<html><head><meta charset=\"windows-1258\"></head><body>Th\xF4</body></html>";
        assert!(decode(page).contains("Thô"));
        let page = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"><p>\xC4\x91\xE1\xBA\xA1t</p>";
        assert!(decode(page).contains("đạt"));
    }

    #[test]
    fn windows_1258_tone_marks_compose() {
        // "Hà" in windows-1258: 'H', 'a', combining grave (0xCC).
        let page = b"<meta charset=windows-1258><title>Ha\xCC</title>";
        let t = decode(page);
        assert!(t.contains("Hà"), "{t:?}");
    }

    #[test]
    fn text_in_a_div_split_by_br() {
        let page = "<html><body><div class=menu><a>Trang chủ</a></div><div class=noidung>Đoạn thứ nhất của bài viết, khá dài.<br>Đoạn <b>thứ hai</b> của bài viết.<br></div></body></html>";
        let d = Document::parse(page);
        assert_eq!(
            d.paragraphs(),
            [
                "Đoạn thứ nhất của bài viết, khá dài.",
                "Đoạn thứ hai của bài viết."
            ]
        );
    }

    #[test]
    fn main_block_without_chrome() {
        let page = r#"<html><head><meta property="og:title" content="Tiêu đề bài">
<meta property="article:published_time" content="2023-09-15T21:00:00+07:00"></head>
<body><nav><p>Trang chủ menu menu menu menu</p></nav>
<article><p>Đoạn thứ nhất của bài viết dài.</p><script>var x = 1;</script>
<!-- comment --><p>Đoạn thứ hai của bài viết.</p><aside><p>Quảng cáo quảng cáo</p></aside></article>
<footer><p>Bản quyền</p></footer></body></html>"#;
        let d = Document::parse(page);
        assert_eq!(d.title().as_deref(), Some("Tiêu đề bài"));
        assert_eq!(d.date().unwrap().date.to_string(), "2023-09-15");
        assert_eq!(
            d.paragraphs(),
            [
                "Đoạn thứ nhất của bài viết dài.",
                "Đoạn thứ hai của bài viết."
            ]
        );
    }
}

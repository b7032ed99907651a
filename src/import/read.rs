//! Inputs → pages: the title, date, address, credit and paragraphs of a bulletin from a
//! scraped `.txt` (page chrome first and last, captions between paragraphs), a saved
//! `.html`/`.htm` page (decoded in its declared charset, read with an HTML parser) or one
//! line of a scraper's `.jsonl`.

use super::dates::{self, FoundDate};

/// What a page holds, before dates and localities are settled.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The input as shown in the report ("a.txt", "feed.jsonl:3").
    pub origin: String,
    /// The input's file name, for `--force` and for a date in it.
    pub file_name: String,
    pub title: Option<String>,
    pub date: Option<FoundDate>,
    pub url: Option<String>,
    pub source_name: Option<String>,
    pub locality: Option<String>,
    pub paragraphs: Vec<String>,
    pub authors: Vec<String>,
}

/// Lines of page chrome, compared folded at the start of a line.
const CHROME: &[&str] = &[
    "dang nhap",
    "dang ky",
    "truy cap noi dung luon",
    "tim kiem",
    "trang chu",
    "tin nong",
    "thong ke truy cap",
    "dang truy cap",
    "luot truy cap",
    "tong luot truy cap",
    "hom nay",
    "lien he",
    "so do site",
    "so do trang",
    "english",
    "danh cho",
    "tin tuc",
    "gioi thieu",
    "chuyen muc",
    "menu",
    "quay lai",
    "ban in",
    "in bai",
    "chia se",
    "font size",
    "co chu",
];

/// Lines after which nothing belongs to the bulletin.
const END: &[&str] = &[
    "doc them",
    "tin lien quan",
    "bai lien quan",
    "tin cung chuyen muc",
    "tin khac",
    "cac tin khac",
    "chu de",
    "tu khoa",
    "tags",
    "thong ke truy cap",
    "binh luan",
    "y kien ban doc",
    "gui binh luan",
    "tin moi",
    "xem them",
    "ban quyen",
    "copyright",
    "©",
];

/// Words that open a credit line.
const CREDIT: &[&str] = &[
    "t/h:",
    "th:",
    "tin, ảnh:",
    "tin và ảnh:",
    "bài và ảnh:",
    "bài, ảnh:",
    "tin:",
    "bài:",
    "ảnh:",
    "nguồn:",
    "theo",
    "pv",
    "ctv",
    "nhóm pv",
];

/// Titles that open a photo caption "Bí thư … Nguyễn Văn A: …".
const OFFICIALS: &[&str] = &[
    "bí thư",
    "phó bí thư",
    "chủ tịch",
    "phó chủ tịch",
    "giám đốc",
    "phó giám đốc",
    "đồng chí",
    "trưởng",
    "phó trưởng",
    "thứ trưởng",
    "bộ trưởng",
    "đại biểu",
    "lãnh đạo",
];

fn folded_starts(line: &str, list: &[&str]) -> bool {
    // Only the line's start is compared: fold that, not the whole paragraph.
    let head: String = line.chars().take(48).collect();
    let f = crate::vi::fold(&head);
    let f = f.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '©');
    list.iter()
        .any(|p| f.starts_with(p) && !f[p.len()..].starts_with(|c: char| c.is_alphanumeric()))
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

fn ends_sentence(s: &str) -> bool {
    s.trim_end()
        .ends_with(['.', '!', '?', '…', ':', ';', '"', '”', ')', '»'])
}

/// Menus, counters, headings in capitals: not the bulletin.
fn is_chrome(line: &str) -> bool {
    let t = line.trim();
    if t.starts_with(['►', '»', '•', '›', '|', '▸', '■', '◄']) {
        return true;
    }
    if folded_starts(t, CHROME) && word_count(t) <= 8 {
        return true;
    }
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty() && letters.iter().all(|c| !c.is_lowercase()) && word_count(t) <= 8
}

fn is_end(line: &str) -> bool {
    word_count(line) <= 10 && folded_starts(line, END)
}

/// A photo caption: a short line without final punctuation, a very short line, or
/// "Official Name: what they said" without a final full stop.
fn is_caption(line: &str) -> bool {
    let t = line.trim();
    let n = word_count(t);
    if !ends_sentence(t) && n < 40 {
        return true;
    }
    if n < 7 && !t.contains(|c: char| c.is_ascii_digit()) && !t.contains(',') {
        return true;
    }
    if let Some((head, _)) = t.split_once(':') {
        let lower = head.to_lowercase();
        if word_count(head) <= 14
            && OFFICIALS.iter().any(|o| lower.starts_with(o))
            && (!t.ends_with('.') || t.ends_with("..."))
        {
            return true;
        }
    }
    false
}

/// The authors a credit line names ("Minh Chín- Đào Hạnh (Trung tâm …)", "T/h: Ánh Tuyết"),
/// or `None` when the line is not a credit.
fn credit(line: &str) -> Option<Vec<String>> {
    let t = line.trim();
    if ends_sentence(t) && !t.ends_with(')') {
        return None;
    }
    let without_paren = match t.find('(') {
        Some(i) if t.ends_with(')') => t[..i].trim(),
        _ => t,
    };
    let lower = without_paren.to_lowercase();
    let prefixed = CREDIT.iter().find(|p| {
        lower.starts_with(**p) && !lower[p.len()..].starts_with(|c: char| c.is_alphanumeric())
    });
    let names_text = match prefixed {
        Some(p) => without_paren[p.len()..].trim(),
        None => without_paren,
    };
    if word_count(names_text) > 10 || (prefixed.is_none() && word_count(names_text) == 0) {
        return None;
    }
    let names: Vec<String> = names_text
        .split(['-', '–', ',', ';', '/'])
        .flat_map(|s| s.split(" và "))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let all_names = names.iter().all(|n| {
        let w = word_count(n);
        (2..=4).contains(&w)
            && n.split_whitespace()
                .all(|x| x.chars().next().is_some_and(char::is_uppercase))
    });
    match (prefixed, all_names) {
        (_, true) if !names.is_empty() => Some(names),
        (Some(_), _) => Some(Vec::new()),
        _ => None,
    }
}

/// Lines of a text: NFC, trimmed, without empty ones.
fn lines(text: &str) -> Vec<String> {
    let text = crate::vi::nfc(text);
    text.lines()
        .map(|l| l.replace('\u{a0}', " ").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// `.txt`: the text of a bulletin page as scraped.
pub fn txt(text: &str) -> Page {
    let lines = lines(text);
    let head = lines.len().min(40);
    let is_date = |i: usize| dates::date_line(&lines[i]).is_some();
    // The title: the longest line that could be one before the first paragraph (menus are
    // shorter than titles, paragraphs end with a full stop, date lines are dates).
    let first_paragraph = (0..head)
        .find(|&i| lines[i].ends_with(['.', '!', '?', '…', ';']) && word_count(&lines[i]) >= 12)
        .unwrap_or(head);
    let title_at = (0..first_paragraph)
        .filter(|&i| {
            let l = &lines[i];
            !is_chrome(l)
                && !is_date(i)
                && word_count(l) >= 4
                && !l.ends_with('.')
                && word_count(l) <= 40
        })
        .max_by_key(|&i| (word_count(&lines[i]), std::cmp::Reverse(i)));
    // The date line follows the title; one above it is the page header's "today".
    let date_at = title_at.and_then(|t| {
        (t + 1..first_paragraph.min(t + 5).max(t + 1))
            .find(|&i| i < lines.len() && !is_end(&lines[i]) && is_date(i))
    });
    let mut page = Page {
        title: title_at.map(|i| lines[i].clone()),
        date: date_at.and_then(|i| dates::date_line(&lines[i])),
        ..Page::default()
    };
    let start = date_at.or(title_at).map_or(0, |i| i + 1);
    body(&mut page, &lines[start.min(lines.len())..]);
    page
}

/// The paragraphs of a bulletin's body lines: chrome, captions and the credit removed.
fn body(page: &mut Page, lines: &[String]) {
    let end = lines.iter().position(|l| is_end(l)).unwrap_or(lines.len());
    let mut lines = &lines[..end];
    while let Some(last) = lines.last() {
        if is_chrome(last) {
            lines = &lines[..lines.len() - 1];
            continue;
        }
        if let Some(names) = credit(last) {
            if page.authors.is_empty() {
                page.authors = names;
            }
            // "Nguồn: Cổng TTĐT thị xã Phổ Yên": the portal, when nothing else named it.
            if let Some(source) = last
                .strip_prefix("Nguồn:")
                .or_else(|| last.strip_prefix("nguồn:"))
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                page.source_name.get_or_insert_with(|| source.to_string());
            }
            lines = &lines[..lines.len() - 1];
            continue;
        }
        break;
    }
    for l in lines {
        if page.title.as_deref() == Some(l.as_str()) || is_chrome(l) || is_caption(l) {
            continue;
        }
        page.paragraphs.push(l.clone());
    }
    if page.source_name.is_none() {
        page.source_name = page.paragraphs.first().and_then(|p| portal_prefix(p));
    }
}

/// "(Baohatinh.vn) - …": the portal a paragraph names first.
fn portal_prefix(p: &str) -> Option<String> {
    let rest = p.strip_prefix('(')?;
    let (name, after) = rest.split_once(')')?;
    (after.trim_start().starts_with(['-', '–']) && word_count(name) <= 4 && !name.is_empty())
        .then(|| name.trim().to_string())
}

/// `.html`/`.htm`: a saved article page.
pub fn html(bytes: &[u8]) -> Page {
    let text = super::html::decode(bytes);
    let doc = super::html::Document::parse(&text);
    let mut page = Page {
        title: doc.title(),
        date: doc.date(),
        url: doc.url(),
        source_name: doc.site_name(),
        authors: doc.authors(),
        ..Page::default()
    };
    let lines: Vec<String> = doc
        .paragraphs()
        .into_iter()
        .map(|p| crate::vi::nfc(p.trim()).into_owned())
        .filter(|p| !p.is_empty())
        .collect();
    if page.date.is_none() {
        page.date = lines.iter().take(3).find_map(|l| dates::date_line(l));
    }
    let lines: Vec<String> = lines
        .into_iter()
        .filter(|l| dates::date_line(l).is_none())
        .collect();
    body(&mut page, &lines);
    page
}

/// One line of `.jsonl`: `title`, `date`, `url`, `text` or `html`, optional `locality`
/// and `source_name`.
pub fn jsonl_line(line: &str) -> Result<Page, String> {
    let v: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not a JSON object: {e}"))?;
    let obj = v.as_object().ok_or("not a JSON object")?;
    let field = |k: &str| {
        obj.get(k)
            .and_then(|x| x.as_str())
            .map(|s| crate::vi::nfc(s.trim()).into_owned())
            .filter(|s| !s.is_empty())
    };
    let mut page = if let Some(h) = field("html") {
        html(h.as_bytes())
    } else if let Some(t) = field("text") {
        let mut p = Page::default();
        body(&mut p, &lines(&t));
        p
    } else {
        return Err("the line has neither `text` nor `html`".into());
    };
    if let Some(t) = field("title") {
        page.paragraphs.retain(|p| *p != t);
        page.title = Some(t);
    }
    if let Some(d) = field("date") {
        page.date =
            Some(dates::parse_given(&d).ok_or_else(|| format!("`date` {d:?} is not a date"))?);
    }
    page.url = field("url").or(page.url);
    page.source_name = field("source_name").or(page.source_name);
    page.locality = field("locality");
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chrome_title_date_captions_and_credit() {
        let t = "► Dành cho người dân\nTìm kiếm\nBẢN TIN HUYỆN\n\nHuyện Lạc Sơn bàn giải pháp thu ngân sách\n\n24-03-2021 10:21\n\nSáng 23/3, UBND huyện họp.\n\nQuang cảnh cuộc họp\n\nThu ngân sách đạt 100 tỷ đồng.\n\nT/h: Ánh Tuyết\n\nTin liên quan\nBài khác";
        let p = txt(t);
        assert_eq!(
            p.title.as_deref(),
            Some("Huyện Lạc Sơn bàn giải pháp thu ngân sách")
        );
        assert_eq!(p.date.unwrap().date.to_string(), "2021-03-24");
        assert_eq!(
            p.paragraphs,
            [
                "Sáng 23/3, UBND huyện họp.",
                "Thu ngân sách đạt 100 tỷ đồng."
            ]
        );
        assert_eq!(p.authors, ["Ánh Tuyết"]);
    }

    #[test]
    fn title_first_without_a_date_line() {
        let t = "Huyện Đông Anh triển khai nhiệm vụ năm 2024\n\nSáng 7-1, hội nghị diễn ra.\n\nCác đại biểu dự hội nghị.\n\nNội dung thứ hai, có số 5 tỷ đồng.\n\nThanh Huê";
        let p = txt(t);
        assert_eq!(
            p.title.as_deref(),
            Some("Huyện Đông Anh triển khai nhiệm vụ năm 2024")
        );
        assert!(p.date.is_none());
        assert_eq!(p.paragraphs.len(), 2, "{:?}", p.paragraphs);
        assert_eq!(p.authors, ["Thanh Huê"]);
    }

    #[test]
    fn the_title_is_the_longest_line_before_the_first_paragraph() {
        let t = "Trang chủ\nTin tức - Sự kiện nổi bật\nHuyện Đông Sơn sơ kết 6 tháng đầu năm 2021 (ảnh, video)\n\nSáng 12-7, Huyện ủy Đông Sơn tổ chức hội nghị sơ kết công tác 6 tháng đầu năm.";
        assert_eq!(
            txt(t).title.as_deref(),
            Some("Huyện Đông Sơn sơ kết 6 tháng đầu năm 2021 (ảnh, video)")
        );
    }

    #[test]
    fn the_headers_date_of_today_is_not_the_bulletins() {
        let t = "Thứ Hai, 30/11/2026\nTrang chủ\nXã Hòa Tiến tổng kết công tác năm 2023\nCập nhật: 10/01/2024 09:05\n\nNgày 9/1, Đảng ủy xã Hòa Tiến tổ chức hội nghị tổng kết công tác năm 2023.";
        let p = txt(t);
        assert_eq!(
            p.title.as_deref(),
            Some("Xã Hòa Tiến tổng kết công tác năm 2023")
        );
        assert_eq!(p.date.unwrap().date.to_string(), "2024-01-10");
        let t = "Thứ Hai, 30/11/2026\nXã Hòa Tiến tổng kết công tác năm 2023\n\nNgày 9/1, Đảng ủy xã Hòa Tiến tổ chức hội nghị tổng kết công tác năm 2023.";
        assert!(txt(t).date.is_none());
    }

    #[test]
    fn a_source_credit_names_the_portal() {
        let p = txt("Thị xã Phổ Yên sơ kết 6 tháng đầu năm 2022\n\nNgày 5/7, thị xã tổ chức hội nghị sơ kết công tác 6 tháng đầu năm 2022.\n\nNguồn: Cổng TTĐT thị xã Phổ Yên");
        assert_eq!(p.source_name.as_deref(), Some("Cổng TTĐT thị xã Phổ Yên"));
        assert!(p.authors.is_empty());
    }

    #[test]
    fn credits() {
        assert_eq!(
            credit("Minh Chín- Đào Hạnh (Trung tâm TT&VH thành phố)"),
            Some(vec!["Minh Chín".to_string(), "Đào Hạnh".to_string()])
        );
        assert_eq!(credit("PV"), Some(vec![]));
        assert_eq!(credit("Thu ngân sách đạt 100 tỷ đồng."), None);
    }

    #[test]
    fn jsonl_lines() {
        let p = jsonl_line(r#"{"title":"Tiêu đề","date":"2023-09-15","url":"https://a.gov.vn/x","text":"Đoạn một của bản tin, có nhiều chữ.\n\nĐoạn hai của bản tin, có nhiều chữ.","locality":"x"}"#).unwrap();
        assert_eq!(p.title.as_deref(), Some("Tiêu đề"));
        assert_eq!(
            p.paragraphs,
            [
                "Đoạn một của bản tin, có nhiều chữ.",
                "Đoạn hai của bản tin, có nhiều chữ."
            ]
        );
        assert_eq!(p.locality.as_deref(), Some("x"));
        assert!(jsonl_line("[1]").is_err());
        assert!(jsonl_line(r#"{"title":"x"}"#).is_err());
    }
}

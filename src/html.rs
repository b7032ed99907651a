//! The crate's one HTML escaper: Tera's own [`tera::escape_html`], which templates use for
//! every `{{ … }}` of an `.html` or `.xml` template. It replaces `& < > " '` with
//! `&amp; &lt; &gt; &quot; &#39;` and nothing else (addresses keep their `/`). With Tera's
//! `fast` feature it is pulldown-cmark-escape's `escape_html`, the one pulldown-cmark uses
//! for the text of a bulletin's Markdown. Rust code that writes markup outside a template
//! (the inline figures of a bulletin, sitemap.xml) calls [`escape`], so that the same text is
//! escaped the same way everywhere.

/// `s` escaped for HTML text and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len() + 16);
    tera::escape_html(s, &mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("escaping keeps UTF-8 valid")
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_the_five_characters_and_leaves_the_rest() {
        assert_eq!(escape("Đông Sơn /a?b=1"), "Đông Sơn /a?b=1");
        assert_eq!(
            escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(escape("Thu ngân sách > 500"), "Thu ngân sách &gt; 500");
        assert_eq!(escape(""), "");
    }
}

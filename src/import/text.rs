//! Words of a paragraph with their places: the lower-case and folded form of each word, and
//! the sentences and clauses ("; ", ": ") it falls into. Recognition reads cue words and
//! indicator names through these, and wraps figures by the byte offsets kept here.

/// One word (letters and digits) of a paragraph.
#[derive(Debug, Clone)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    /// Lower case, NFC.
    pub lower: String,
    /// Folded: no tone or vowel marks, đ → d.
    pub folded: String,
}

/// The words of a paragraph, and where its sentences and clauses begin and end (as byte
/// offsets into the paragraph).
#[derive(Debug, Clone)]
pub struct Paragraph<'t> {
    pub text: &'t str,
    pub words: Vec<Word>,
    /// Byte ranges of sentences.
    pub sentences: Vec<(usize, usize)>,
}

impl<'t> Paragraph<'t> {
    pub fn new(text: &'t str) -> Self {
        Paragraph {
            text,
            words: words(text),
            sentences: sentences(text),
        }
    }

    /// The sentence holding byte `at`.
    pub fn sentence_of(&self, at: usize) -> (usize, usize) {
        self.sentences
            .iter()
            .copied()
            .find(|&(s, e)| s <= at && at < e)
            .unwrap_or((0, self.text.len()))
    }

    /// Indexes of the words inside `start..end`.
    pub fn words_in(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let first = self.words.partition_point(|w| w.start < start);
        let last = self.words.partition_point(|w| w.end <= end);
        first..last.max(first)
    }
}

/// Characters that belong to a word: letters (with their combining marks) and digits.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// Split text into words; punctuation and spaces separate them.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(word(text, s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(word(text, s, text.len()));
    }
    out
}

fn word(text: &str, start: usize, end: usize) -> Word {
    let raw = &text[start..end];
    let lower = raw.to_lowercase();
    let lower = match crate::vi::nfc(&lower) {
        std::borrow::Cow::Borrowed(_) => lower,
        std::borrow::Cow::Owned(n) => n,
    };
    let folded = if lower.is_ascii() {
        lower.clone()
    } else {
        fold_word(&lower)
    };
    Word {
        start,
        end,
        lower,
        folded,
    }
}

/// [`crate::vi::fold`] of one word, by a table of the Latin letters of Vietnamese made
/// once: every word of every input is folded, and decomposing each letter cost more than
/// the rest of recognition.
pub fn fold_word(word: &str) -> String {
    static TABLE: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0u32..0x1F00)
            .map(|u| {
                let Some(c) = char::from_u32(u) else {
                    return '\0';
                };
                let f = crate::vi::fold(&c.to_string());
                let mut it = f.chars();
                match (it.next(), it.next()) {
                    (Some(x), None) => x,
                    _ => '\0',
                }
            })
            .collect()
    });
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        match table.get(c as usize).copied() {
            Some(f) if f != '\0' => out.push(f),
            Some(_) if (c as u32) < 0x1F00 && crate::vi::fold(&c.to_string()).is_empty() => {}
            _ => out.push_str(&crate::vi::fold(&c.to_string())),
        }
    }
    out
}

/// Byte ranges of sentences: a sentence ends at `.`, `!`, `?` or `…` followed by a space
/// (never inside a number such as 4.500), or at the end of the text.
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        let next = i + c.len_utf8();
        let followed_by_space = bytes.get(next).is_none_or(|b| b.is_ascii_whitespace());
        if followed_by_space && !is_abbreviation(&text[start..i]) && next > start {
            out.push((start, next));
            start = next;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// "TP." or "Tp." before a name: the point of an abbreviation does not end a sentence.
fn is_abbreviation(before: &str) -> bool {
    let last = before
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    matches!(
        last,
        "TP" | "Tp" | "tp" | "TX" | "T.P" | "ThS" | "TS" | "PGS" | "GS"
    )
}

/// Whether the words starting at index `i` are `phrase` (lower-case words separated by
/// single spaces), comparing the lower-case forms.
pub fn phrase_at(words: &[Word], i: usize, phrase: &str) -> bool {
    // Split on bytes: called for every word against every cue, where `str::split`'s
    // searcher was a tenth of an import's time.
    let mut k = i;
    for p in phrase.as_bytes().split(|b| *b == b' ') {
        match words.get(k) {
            Some(w) if w.lower.as_bytes() == p => k += 1,
            _ => return false,
        }
    }
    true
}

/// Whether the words ending just before index `end` are `phrase`; returns the index of the
/// phrase's first word.
pub fn phrase_before(words: &[Word], end: usize, phrase: &str) -> Option<usize> {
    let n = 1 + phrase.bytes().filter(|b| *b == b' ').count();
    let start = end.checked_sub(n)?;
    phrase_at(words, start, phrase).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_their_places() {
        let t = "Thu ngân sách đạt 4.500 tỷ đồng";
        let w = words(t);
        assert_eq!(w.len(), 8);
        assert_eq!(&t[w[0].start..w[0].end], "Thu");
        assert_eq!(w[1].folded, "ngan");
        assert_eq!(w[3].lower, "đạt");
    }

    #[test]
    fn fold_word_is_fold() {
        for w in [
            "Đồng", "hoà", "hòa", "THỦY", "ngân", "x\u{301}", "ǅ", "ß", "日本", "ﬁ",
        ] {
            assert_eq!(fold_word(w), crate::vi::fold(w), "{w}");
        }
    }

    #[test]
    fn sentences_do_not_split_numbers_or_abbreviations() {
        let t = "Thu đạt 4.500 tỷ đồng. TP. Hà Tĩnh đạt 5%. Hết";
        let s = sentences(t);
        assert_eq!(s.len(), 3, "{s:?}");
        assert_eq!(&t[s[1].0..s[1].1], " TP. Hà Tĩnh đạt 5%.");
    }

    #[test]
    fn phrases_match_by_words() {
        let w = words("phấn đấu đạt trên 22%");
        assert!(phrase_at(&w, 0, "phấn đấu"));
        assert_eq!(phrase_before(&w, 4, "đạt trên"), Some(2));
        assert_eq!(phrase_before(&w, 1, "đạt trên"), None);
    }
}

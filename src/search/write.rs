//! Writing the index: every bulletin's keys (tokens, exact forms, phrases of its names)
//! inverted into postings in parallel batches, each encoded (`BatchBytes`) and spilled to a
//! scratch file by the first byte of its keys (`Spilled`); the batches merged key by key,
//! one first byte at a time read back, and each key encoded as it comes, so that no more than a few
//! million postings are held as numbers at once; then the files of the module doc: postings
//! in their own files with their heads, shards, bulletin metadata in chunks, and the manifest
//! with the index's version.

use std::hash::Hasher;
use std::ops::Range;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};

use super::batches::{self, BatchBytes, BatchCache, Part, Placed, Spilled, SpilledParts};
use super::dict::{form_of_key, split_body_terms, Dict, Word};
use super::postings::{base64, encode_postings, head, Postings};
use super::shards::{file_name, shard_tokens};
use super::shelf::{self, OwnFiles, Shelf, ShelfEntry};
use super::{
    score, CHUNK_DOCS, DIR, FORMAT, F_INDICATOR, F_SUMMARY, F_TITLE, F_TOPIC, HEAD_DOCS,
    OWN_FILE_BYTES, PHRASE_WORDS, SNIPPET_CHARS, S_TITLE,
};
use crate::model::{Archive, BodyStore, Bulletin, IndicatorId};
use crate::output::Sink;
use crate::urls::path;

/// What one bulletin has of one key so far.
#[derive(Clone, Copy)]
struct Acc {
    key: u32,
    fields: u8,
    /// Occurrences in the body.
    tf: u32,
    /// Bit i: the key is the title's word i.
    title: u32,
}

/// The index of one batch of bulletins.
#[derive(Default)]
pub(super) struct Batch {
    dict: Dict,
    postings: Vec<Postings>,
    /// Per key: position in `acc` for the bulletin being indexed, or `u32::MAX`.
    slot: Vec<u32>,
    acc: Vec<Acc>,
    words: Vec<Word>,
    /// Per name (a topic, a locality's full name…): the range of `name_keys` that holds the
    /// keys it gives, its tokens, forms and phrases (names repeat from bulletin to bulletin).
    names: FxHashMap<Box<str>, (u32, u32)>,
    name_keys: Vec<u32>,
}

impl Batch {
    /// The title's tokens and forms, with their places.
    pub(super) fn add_title(&mut self, text: &str) {
        let mut words = std::mem::take(&mut self.words);
        words.clear();
        self.dict.scan(text, &mut words);
        for (i, w) in words.iter().enumerate() {
            let place = if i < 31 { 1 << i } else { 0 };
            for key in [w.token, w.form] {
                let e = self.entry(key);
                e.fields |= F_TITLE;
                e.title |= place;
            }
        }
        self.words = words;
    }

    /// Mark the tokens and forms of `text` as occurring in `field`.
    fn add_text(&mut self, text: &str, field: u8) {
        let mut words = std::mem::take(&mut self.words);
        words.clear();
        self.dict.scan(text, &mut words);
        for w in &words {
            self.entry(w.token).fields |= field;
            self.entry(w.form).fields |= field;
        }
        self.words = words;
    }

    /// Mark the tokens, forms and phrases of a name as occurring in `field`.
    pub(super) fn add_name(&mut self, name: &str, field: u8) {
        let (start, end) = match self.names.get(name) {
            Some(&r) => r,
            None => {
                let r = self.name_range(name);
                self.names.insert(name.into(), r);
                r
            }
        };
        for i in start..end {
            let key = self.name_keys[i as usize];
            self.entry(key).fields |= field;
        }
    }

    /// Append the keys of a name to `name_keys`: its tokens and forms, and for each of its
    /// words the phrase of up to [`PHRASE_WORDS`] tokens that starts there (two at least).
    fn name_range(&mut self, name: &str) -> (u32, u32) {
        let start = self.name_keys.len() as u32;
        let mut words = std::mem::take(&mut self.words);
        words.clear();
        self.dict.scan(name, &mut words);
        for w in &words {
            self.name_keys.extend([w.token, w.form]);
        }
        let mut phrase = String::new();
        for i in 0..words.len().saturating_sub(1) {
            phrase.clear();
            for (j, w) in words[i..].iter().take(PHRASE_WORDS).enumerate() {
                if j > 0 {
                    phrase.push(' ');
                }
                phrase.push_str(&self.dict.tokens[w.token as usize]);
            }
            let id = self.dict.intern(&phrase);
            self.name_keys.push(id);
        }
        self.words = words;
        (start, self.name_keys.len() as u32)
    }

    /// Count the body's forms and tokens, as [`super::body_terms`] gives them.
    pub(super) fn add_body_terms(&mut self, terms: &str) {
        for (form, count) in split_body_terms(terms) {
            if let Some(w) = self.dict.word_of_form(form) {
                self.entry(w.token).tf += count;
                self.entry(w.form).tf += count;
            }
        }
    }

    /// What the bulletin being indexed has of key `id`.
    fn entry(&mut self, id: u32) -> &mut Acc {
        let n = self.dict.tokens.len();
        if self.slot.len() < n {
            self.slot.resize(n, u32::MAX);
            self.postings.resize_with(n, Postings::default);
        }
        let slot = &mut self.slot[id as usize];
        if *slot == u32::MAX {
            *slot = self.acc.len() as u32;
            self.acc.push(Acc {
                key: id,
                fields: 0,
                tf: 0,
                title: 0,
            });
        }
        &mut self.acc[*slot as usize]
    }

    pub(super) fn finish_doc(&mut self, doc: u32) {
        for a in &self.acc {
            self.postings[a.key as usize].push(doc, score(a.fields, a.tf), a.title);
            self.slot[a.key as usize] = u32::MAX;
        }
        self.acc.clear();
    }

    /// `(key, postings)`, sorted by key.
    #[cfg(test)]
    pub(super) fn into_sorted(self) -> Vec<(Box<str>, Postings)> {
        let mut v: Vec<_> = self.dict.tokens.into_iter().zip(self.postings).collect();
        v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// The batch's keys with their postings, sorted by key. The form of a token with no
    /// other form in the batch has the token's postings: it keeps none and says so (most
    /// tokens have one form, and most forms would be copies).
    fn into_parts(self) -> Vec<Part> {
        let mut forms: FxHashMap<&str, u32> = FxHashMap::default();
        for key in &self.dict.tokens {
            if let Some((token, _)) = key.split_once('=') {
                *forms.entry(token).or_default() += 1;
            }
        }
        let same: Vec<bool> = self
            .dict
            .tokens
            .iter()
            .map(|key| key.split_once('=').is_some_and(|(t, _)| forms[t] == 1))
            .collect();
        drop(forms);
        let mut v: Vec<Part> = self
            .dict
            .tokens
            .into_iter()
            .zip(self.postings)
            .zip(same)
            .filter(|((_, p), _)| !p.is_empty())
            .map(|((key, postings), same)| Part {
                key,
                postings: if same { Postings::default() } else { postings },
                same,
            })
            .collect();
        v.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        v
    }
}

/// The texts of a bulletin other than title, summary and body: its localities with their
/// parents and aliases, its term, topics and indicator names.
struct MetaTexts<'a> {
    archive: &'a Archive,
    /// Per locality: full name and aliases.
    localities: Vec<String>,
    /// Per bulletin: the indicators it reports, sorted.
    indicators: Vec<Vec<IndicatorId>>,
}

impl<'a> MetaTexts<'a> {
    fn new(archive: &'a Archive) -> Self {
        let localities = archive
            .localities
            .ids()
            .map(|id| {
                let l = archive.localities.get(id);
                let mut s = archive.localities.full_name(id);
                for a in &l.aliases {
                    s.push_str(", ");
                    s.push_str(a);
                }
                s
            })
            .collect();
        let mut indicators = vec![Vec::new(); archive.bulletins.len()];
        for v in &archive.values {
            indicators[v.bulletin.0 as usize].push(v.indicator);
        }
        for v in &mut indicators {
            v.sort();
            v.dedup();
        }
        MetaTexts {
            archive,
            localities,
            indicators,
        }
    }

    /// Each name of bulletin `doc` with its field: localities, term and topics are
    /// [`F_TOPIC`], indicator names [`F_INDICATOR`].
    fn each(&self, doc: usize, b: &Bulletin, mut f: impl FnMut(&str, u8)) {
        for l in &b.localities {
            f(&self.localities[l.0 as usize], F_TOPIC);
        }
        if let Some(t) = b.term {
            let t = self.archive.terms.get(t);
            f(&t.name, F_TOPIC);
            f(&t.id, F_TOPIC);
        }
        for t in &b.topics {
            f(&t.name, F_TOPIC);
        }
        for &i in &self.indicators[doc] {
            let ind = self.archive.indicators.get(i);
            f(&ind.name, F_INDICATOR);
            if let Some(s) = &ind.short {
                f(s, F_INDICATOR);
            }
        }
    }
}

/// What bulletin `doc` gives the index, as a batch adds it under id `id` (counting from the
/// start of the batch's span).
fn add_doc(
    batch: &mut Batch,
    archive: &Archive,
    meta: &MetaTexts,
    doc: usize,
    id: u32,
) -> std::io::Result<()> {
    let b = &archive.bulletins[doc];
    batch.add_title(&b.title);
    batch.add_text(&archive.bodies.get(b.summary.text)?, F_SUMMARY);
    batch.add_body_terms(&archive.bodies.get(b.body_terms)?);
    meta.each(doc, b, |t, field| batch.add_name(t, field));
    batch.finish_doc(id);
    Ok(())
}

/// A fingerprint of what the bulletins of `range` feed the index, as [`add_doc`] reads them:
/// title, summary, where the body's terms are in the body store (the cache of batches goes
/// with the store) and every name with its field.
fn fingerprint(archive: &Archive, meta: &MetaTexts, range: Range<usize>) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&[super::FORMAT as u8, batches::VERSION]);
    // A batch's postings count ids from the start of its span, which the step sets.
    h.update(&(batches::SPAN_STEP as u64).to_le_bytes());
    for doc in range {
        let b = &archive.bulletins[doc];
        h.update(&(b.title.len() as u64).to_le_bytes());
        h.update(b.title.as_bytes());
        h.update(&b.summary.print.to_le_bytes());
        h.update(&b.body_terms.offset().to_le_bytes());
        h.update(&b.body_terms.len().to_le_bytes());
        meta.each(doc, b, |name, field| {
            h.update(&[field]);
            h.update(&(name.len() as u64).to_le_bytes());
            h.update(name.as_bytes());
        });
        h.update(&[0xff]);
    }
    h.digest128()
}

/// A batch's parts out of memory, with the ids it covers.
type Batched = (Range<u32>, Spilled);

/// What [`batches_of`] tells of a batch besides its parts: its fingerprint (with a cache),
/// and its bytes when it was inverted and they were asked for.
struct Made {
    fingerprint: Option<u128>,
    inverted: Option<BatchBytes>,
}

/// The batches of the archive's bulletins, of `batch` on average, placed in the ids (see
/// [`batches::place`]).
fn place_batches(archive: &Archive, batch: u64) -> Vec<Placed> {
    let files = archive.bulletins.iter().map(|b| b.file.as_path());
    batches::place(crate::runs::ranges(files, batch))
}

/// Every batch of `placed`, encoded, with the span of ids it covers. With a `cache`, the
/// batches it keeps are read from it and the others inverted and kept in it; the bytes of
/// those inverted are handed back too when `keep_inverted`.
fn batches_of(
    archive: &Archive,
    placed: &[Placed],
    cache: Option<&BatchCache>,
    spill: &BodyStore,
    keep_inverted: bool,
) -> std::io::Result<(Vec<Batched>, Vec<Made>)> {
    if let Some(c) = cache {
        c.start();
    }
    let meta = MetaTexts::new(archive);
    placed
        .par_iter()
        .map(|placed| {
            let range = placed.docs.clone();
            let fp = cache.map(|_| fingerprint(archive, &meta, range.clone()));
            let docs = placed.ids.clone();
            // A kept batch is read again from its file when merged; an inverted one is
            // written to the scratch store for that.
            if let Some(kept) = cache.zip(fp).and_then(|(c, fp)| c.get(fp)) {
                let made = Made {
                    fingerprint: fp,
                    inverted: None,
                };
                return Ok(((docs, kept), made));
            }
            let mut batch = Batch::default();
            for (id, doc) in (placed.local_first()..).zip(range) {
                add_doc(&mut batch, archive, &meta, doc, id)?;
            }
            let bytes = BatchBytes::of(&batch.into_parts())?;
            if let Some((c, fp)) = cache.zip(fp) {
                // Not kept: inverted again next time.
                let _ = c.put(fp, &bytes);
            }
            let spilled = bytes.spill(spill)?;
            let made = Made {
                fingerprint: fp,
                inverted: keep_inverted.then_some(bytes),
            };
            Ok(((docs, spilled), made))
        })
        .collect::<std::io::Result<Vec<_>>>()
        .map(|all| all.into_iter().unzip())
}

/// A part of a key from one batch: the batch's ids, whether it is `same` (see [`Part`]),
/// and its encoded postings (ids counting from the batch's first).
type KeyPart<'a> = (Range<u32>, bool, &'a [u8]);

/// A token whose form keys may still come (they follow it in key order, after its phrases
/// and the tokens it is a prefix of), with its postings and its form keys so far.
struct OpenToken<'a> {
    key: Box<str>,
    postings: Postings,
    forms: Vec<(Box<str>, Vec<KeyPart<'a>>)>,
    /// Not wanted: passed over (see [`merge_cursors`]).
    skip: bool,
}

/// The keys of the index as [`entries`] makes them, merged key by key from the batches (a
/// k-way merge: each batch is sorted by key) and handed to `emit` in groups: a phrase key
/// alone, a token with its form keys. A token of one form in the archive keeps no
/// postings for its form key (they would be the token's); a form key `same` in a batch
/// takes that batch's slice of its token's postings. Only the open tokens' postings are
/// held besides the encoded batches.
#[cfg(test)]
fn merge_batches(
    batches: &[(Range<u32>, BatchBytes)],
    emit: impl FnMut(Vec<Entry>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let broken = || std::io::Error::other("a batch of the search index does not read back");
    let mut cursors = Vec::with_capacity(batches.len());
    for (docs, bytes) in batches {
        cursors.push((docs.clone(), bytes.parts().ok_or_else(broken)?));
    }
    merge_cursors(cursors, &|_| true, emit)
}

/// A cursor over the parts of each batch, with the batch's ids.
type Cursors<'a> = Vec<(Range<u32>, batches::Parts<'a>)>;

/// A first byte of keys, and the parts of each batch whose keys start with it.
type ByteGroup<'a> = (u8, Vec<(Range<u32>, &'a SpilledParts)>);

/// The spilled batches' parts grouped by the first byte of their keys, each group in batch
/// order: each is merged on its own, read back from the scratch store when its turn comes.
fn by_first_byte(batches: &[(Range<u32>, Spilled)]) -> Vec<ByteGroup<'_>> {
    let mut by_byte: Vec<ByteGroup> = (0..=255u8).map(|b| (b, Vec::new())).collect();
    for (docs, spilled) in batches {
        for (b, p) in spilled.groups() {
            by_byte[b as usize].1.push((docs.clone(), p));
        }
    }
    by_byte.retain(|c| !c.1.is_empty());
    by_byte
}

/// [`merge_batches`] of cursors over the batches' parts (each batch once, in batch order),
/// of the groups (a phrase key, a token with its forms) that `wanted` names alone: the
/// others are passed over without reading their postings.
fn merge_cursors<'a>(
    mut cursors: Cursors<'a>,
    wanted: &dyn Fn(&str) -> bool,
    mut emit: impl FnMut(Vec<Entry>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::cmp::Reverse;
    let broken = || std::io::Error::other("a batch of the search index does not read back");
    // The next part of each batch, smallest key (then earliest batch) first.
    let mut next: Vec<Option<batches::RawPart<'a>>> = Vec::with_capacity(cursors.len());
    let mut heap = std::collections::BinaryHeap::new();
    for (i, (_, parts)) in cursors.iter_mut().enumerate() {
        let part = parts.next();
        if let Some((key, _, _)) = part {
            heap.push(Reverse((key, i)));
        }
        next.push(part);
    }
    let mut open: Vec<OpenToken<'a>> = Vec::new();
    let mut parts: Vec<KeyPart<'a>> = Vec::new();
    while let Some(Reverse((key, _))) = heap.peek().copied() {
        parts.clear();
        while let Some(&Reverse((k, i))) = heap.peek() {
            if k != key {
                break;
            }
            heap.pop();
            if let Some((_, same, bytes)) = next[i].take() {
                parts.push((cursors[i].0.clone(), same, bytes));
            }
            let part = cursors[i].1.next();
            if let Some((k, _, _)) = part {
                heap.push(Reverse((k, i)));
            }
            next[i] = part;
        }
        // The open tokens this key cannot be a form of, nor come before one of, are done.
        while let Some(t) = open.last() {
            let after = key.as_bytes().strip_prefix(t.key.as_bytes());
            if after.is_some_and(|rest| rest.first().is_some_and(|&c| c <= b'=')) {
                break;
            }
            let t = open.pop().ok_or_else(broken)?;
            if !t.skip {
                emit(close_token(t)?)?;
            }
        }
        match key.split_once('=') {
            Some((token, _)) => match open.last_mut() {
                Some(t) if &*t.key == token => {
                    if !t.skip {
                        t.forms.push((key.into(), parts.clone()));
                    }
                }
                _ => return Err(broken()),
            },
            None if key.contains(' ') => {
                if wanted(key) {
                    emit(entries(vec![(key.into(), merge_parts(&parts, None)?)]))?;
                }
            }
            None => {
                let skip = !wanted(key);
                let postings = if skip {
                    Postings::default()
                } else {
                    merge_parts(&parts, None)?
                };
                open.push(OpenToken {
                    key: key.into(),
                    postings,
                    forms: Vec::new(),
                    skip,
                });
            }
        }
    }
    while let Some(t) = open.pop() {
        if !t.skip {
            emit(close_token(t)?)?;
        }
    }
    for (_, parts) in &cursors {
        if parts.left() != 0 {
            return Err(broken());
        }
    }
    Ok(())
}

/// The postings of one key from its parts, in batch order; a `same` part is `token`'s slice.
fn merge_parts(parts: &[KeyPart], token: Option<&Postings>) -> std::io::Result<Postings> {
    let broken = || std::io::Error::other("a batch of the search index does not read back");
    let mut p = Postings::default();
    for (docs, same, bytes) in parts {
        match (same, token) {
            (true, Some(t)) => p.extend_from(&batch_slice(t, docs.clone()), 0),
            (true, None) => {}
            (false, _) => {
                let part = super::postings::decode(bytes).ok_or_else(broken)?;
                p.extend_from(&part, docs.start);
            }
        }
    }
    Ok(p)
}

/// A token and its form keys as [`entries`] writes them: a form key's postings are merged
/// only when the token has several forms in the archive.
fn close_token(t: OpenToken) -> std::io::Result<Vec<Entry>> {
    let several = t.forms.len() > 1;
    let mut keys = Vec::with_capacity(1 + t.forms.len());
    let mut forms = Vec::with_capacity(t.forms.len());
    for (key, parts) in &t.forms {
        let postings = if several {
            merge_parts(parts, Some(&t.postings))?
        } else {
            Postings::default()
        };
        forms.push((key.clone(), postings));
    }
    keys.push((t.key, t.postings));
    keys.extend(forms);
    Ok(entries(keys))
}

/// The postings of the bulletins `docs` in a key's postings.
pub(super) fn batch_slice(p: &Postings, docs: Range<u32>) -> Postings {
    let from = p.packed.partition_point(|&x| (x >> 4) < docs.start);
    let to = p.packed.partition_point(|&x| (x >> 4) < docs.end);
    let titles_before = p.packed[..from]
        .iter()
        .filter(|&&x| x & S_TITLE != 0)
        .count();
    let titles_in = p.packed[from..to]
        .iter()
        .filter(|&&x| x & S_TITLE != 0)
        .count();
    Postings {
        packed: p.packed[from..to].to_vec(),
        titles: p.titles[titles_before..titles_before + titles_in].to_vec(),
    }
}

/// A key of the index: its postings and, for a token, its forms when they are not just the
/// token itself (most frequent first).
pub(super) struct Entry {
    pub(super) key: Box<str>,
    /// The bulletins with the key.
    pub(super) df: usize,
    pub(super) postings: Postings,
    pub(super) forms: Option<Vec<Box<str>>>,
    /// For a form in most of its token's bulletins: `postings` are the token's bulletins
    /// without that form (fewer), all of score 1, and the form's bulletins have the token's
    /// scores.
    pub(super) complement: bool,
}

/// The inverted keys as the index writes them: a token of one form keeps its form in its
/// entry and its form key goes (its postings would be the token's); a token of several
/// forms lists them all, and each keeps its form key, its postings or, when it is in more
/// than half of the token's bulletins, their complement.
pub(super) fn entries(mut inverted: Vec<(Box<str>, Postings)>) -> Vec<Entry> {
    // The form keys of each token (a form key is its token, '=', the form).
    let mut forms: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (i, (key, _)) in inverted.iter().enumerate() {
        if let Some((token, _)) = key.split_once('=') {
            forms.entry(token).or_default().push(i);
        }
    }
    let mut token_forms: Vec<Option<Vec<Box<str>>>> = vec![None; inverted.len()];
    let mut dropped = vec![false; inverted.len()];
    // (form key, its token) of the forms written as complements.
    let mut complements = Vec::new();
    for (i, (key, _)) in inverted.iter().enumerate() {
        let Some(of) = forms.get(&**key) else {
            continue;
        };
        let mut of = of.clone();
        of.sort_by(|&a, &b| {
            inverted[b]
                .1
                .len()
                .cmp(&inverted[a].1.len())
                .then_with(|| inverted[a].0.cmp(&inverted[b].0))
        });
        let names: Vec<Box<str>> = of
            .iter()
            .map(|&f| form_of_key(&inverted[f].0).into())
            .collect();
        if of.len() == 1 {
            dropped[of[0]] = true;
            if *names[0] != **key {
                token_forms[i] = Some(names);
            }
        } else {
            token_forms[i] = Some(names);
            let all = inverted[i].1.len();
            complements.extend(
                of.iter()
                    .filter(|&&f| inverted[f].1.len() * 2 > all)
                    .map(|&f| (f, i)),
            );
        }
    }
    std::mem::drop(forms);
    let df: Vec<usize> = inverted.iter().map(|(_, p)| p.len()).collect();
    let mut complement = vec![false; inverted.len()];
    for (f, t) in complements {
        let without = without(&inverted[t].1, &inverted[f].1);
        inverted[f].1 = without;
        complement[f] = true;
    }
    inverted
        .into_iter()
        .zip(token_forms)
        .zip(dropped)
        .zip(df)
        .zip(complement)
        .filter(|((((_, _), drop), _), _)| !drop)
        .map(|(((((key, postings), forms), _), df), complement)| Entry {
            key,
            df,
            postings,
            forms,
            complement,
        })
        .collect()
}

/// The bulletins of `all` not in `some` (both in id order), each of score 1.
fn without(all: &Postings, some: &Postings) -> Postings {
    let mut out = Postings::default();
    let mut some = some.packed.iter().map(|&x| x >> 4).peekable();
    for &x in &all.packed {
        let doc = x >> 4;
        while some.peek().is_some_and(|&d| d < doc) {
            some.next();
        }
        if some.peek() != Some(&doc) {
            out.push(doc, 1, 0);
        }
    }
    out
}

/// The summary with spaces collapsed, cut at a word boundary near [`SNIPPET_CHARS`] (text is
/// NFC already: the loader normalises every file it reads).
pub fn snippet(summary: &str) -> String {
    let mut out = String::with_capacity(SNIPPET_CHARS * 2);
    let mut chars = 0;
    for word in summary.split_whitespace() {
        let n = word.chars().count();
        if chars + n + usize::from(chars > 0) > SNIPPET_CHARS {
            if chars < SNIPPET_CHARS / 2 {
                // One very long word: cut inside it.
                if chars > 0 {
                    out.push(' ');
                }
                out.extend(word.chars().take(SNIPPET_CHARS - chars));
            }
            let keep = out
                .trim_end_matches(|c: char| c.is_ascii_punctuation())
                .len();
            out.truncate(keep);
            out.push('…');
            return out;
        }
        if chars > 0 {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += n;
    }
    out
}

fn js_file(key: &str, json: &str) -> Vec<u8> {
    let mut s = String::with_capacity(json.len() + key.len() + 40);
    s.push_str("window.bantinSearch.add(");
    s.push_str(&serde_json::to_string(key).unwrap_or_default());
    s.push(',');
    s.push_str(json);
    s.push_str(");\n");
    s.into_bytes()
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Every file of the index in memory, sorted by path. Paths in the index are relative to the
/// site root, so the same files serve any `base_url` and `relative_urls`.
pub fn index_files(archive: &Archive) -> Vec<(String, Vec<u8>)> {
    // Without a cache, nothing but memory is written: this cannot fail but for a body that
    // does not read back from its store, which the pages would have found first.
    index_files_with(archive, Sizes::default(), None)
        .map(|(files, _)| files)
        .unwrap_or_default()
}

/// The sizes an index is made with: the defaults, or small ones that tests use to make every
/// kind of file and many batches from a small archive. What the index says does not depend
/// on `batch`; its ids do (each batch reserves a span of them).
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Postings in the head of a key ([`HEAD_DOCS`]).
    pub head_docs: usize,
    /// Postings above this many bytes get their own file ([`OWN_FILE_BYTES`]).
    pub own_file_bytes: usize,
    /// Bulletins in a batch, on average ([`batches::TARGET`]).
    pub batch: u64,
}

impl Default for Sizes {
    fn default() -> Self {
        Sizes {
            head_docs: HEAD_DOCS,
            own_file_bytes: OWN_FILE_BYTES,
            batch: batches::TARGET,
        }
    }
}

/// The files of an index made in memory, sorted by path, and the site paths of those left
/// as they were in the output.
pub type IndexFiles = (Vec<(String, Vec<u8>)>, Vec<String>);

/// [`index_files`] with other sizes, and a cache of batches when given (see [`BatchCache`]:
/// only the batches it does not keep are inverted, and the metadata chunks it trusts are
/// left out of the files and listed as kept).
pub fn index_files_with(
    archive: &Archive,
    sizes: Sizes,
    cache: Option<&BatchCache>,
) -> std::io::Result<IndexFiles> {
    let memory = crate::output::MemorySink::default();
    let written = write_index_with(archive, &memory, cache, sizes, Merge::OnEveryCore)?;
    let mut files = memory.into_files();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((files, written.kept))
}

/// Write the index into `sink` file by file, as each is made (at 100,000 bulletins the whole
/// index would be a few hundred megabytes in memory). With a `cache`, as
/// [`index_files_with`].
pub fn write_index(
    archive: &Archive,
    sink: &dyn Sink,
    cache: Option<&BatchCache>,
) -> std::io::Result<Written> {
    write_index_with(archive, sink, cache, Sizes::default(), Merge::InTurn)
}

/// How the first bytes of the keys are merged (see [`write_index_with`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Merge {
    /// One after another: beside the pages of a full build.
    InTurn,
    /// On every core: alone, as an incremental build merges what changed.
    OnEveryCore,
}

/// The keys of one first byte, merged from every batch's parts (read back from `spill`
/// whole) and encoded as they come, a few million postings at a time, into `out`: what the
/// shards need of each, with where its postings went. Only the groups `wanted` names.
fn merge_first_byte(
    group: Vec<(Range<u32>, &SpilledParts)>,
    spill: &BodyStore,
    wanted: &dyn Fn(&str) -> bool,
    out: &Writer,
    (head_docs, own_file_bytes): (usize, usize),
) -> std::io::Result<Vec<(Shelved, Encoded)>> {
    let read: Vec<(Range<u32>, batches::ReadBack)> = group
        .into_iter()
        .map(|(docs, p)| Ok((docs, p.read(spill)?)))
        .collect::<std::io::Result<_>>()?;
    let cursors: Cursors = read.iter().map(|(d, r)| (d.clone(), r.parts())).collect();
    let mut shelved: Vec<(Shelved, Encoded)> = Vec::new();
    let mut ready: Vec<Entry> = Vec::new();
    let mut ready_postings = 0;
    let mut flush = |ready: &mut Vec<Entry>| -> std::io::Result<()> {
        let encoded = encode_all(ready, out, head_docs, own_file_bytes)?;
        shelved.extend(ready.drain(..).map(Shelved::of).zip(encoded));
        Ok(())
    };
    merge_cursors(cursors, wanted, |group| {
        ready_postings += group.iter().map(|e| e.postings.len()).sum::<usize>();
        ready.extend(group);
        if ready_postings >= ENCODE_POSTINGS {
            ready_postings = 0;
            flush(&mut ready)?;
        }
        Ok(())
    })?;
    flush(&mut ready)?;
    Ok(shelved)
}

fn write_index_with(
    archive: &Archive,
    sink: &dyn Sink,
    cache: Option<&BatchCache>,
    sizes: Sizes,
    merge: Merge,
) -> std::io::Result<Written> {
    let Sizes {
        head_docs,
        own_file_bytes,
        batch,
    } = sizes;
    let out = Writer::new(sink);
    let mut t = std::time::Instant::now();
    let spill = BodyStore::new();
    let shelf = cache.and_then(BatchCache::take_shelf);
    let placed = place_batches(archive, batch);
    let (batches, made) = batches_of(archive, &placed, cache, &spill, shelf.is_some())?;
    crate::timings::phase("search/invert", &mut t);
    let layout: Vec<(Range<u32>, u128)> = batches
        .iter()
        .zip(&made)
        .filter_map(|((docs, _), m)| Some((docs.clone(), m.fingerprint?)))
        .collect();
    // The groups of keys to merge again, and the last index's keys, when it can be started
    // from (see `shelf`); else every key is merged.
    let again = match (shelf, cache) {
        (Some(shelf), Some(cache)) if layout.len() == batches.len() => {
            regroup(shelf, &layout, made, cache, (head_docs, own_file_bytes))
        }
        _ => None,
    };
    if let Some((groups, _)) = &again {
        crate::timings::note(
            "search/shelf",
            format_args!("{} groups again", groups.len()),
        );
    }
    let wanted = |group: &str| again.as_ref().is_none_or(|(g, _)| g.contains(group));
    let bytes_wanted: Option<std::collections::HashSet<u8>> = again.as_ref().map(|(g, _)| {
        g.iter()
            .filter_map(|k| k.as_bytes().first().copied())
            .collect()
    });
    // The keys are encoded as they come out of the merge, a few million postings at a
    // time; what the shards need of them is kept, their postings are not. Each first byte
    // of the keys is merged on its own, its parts of every batch read back whole (at a
    // million bulletins those of "t" are about a fifth of the index): in a full build one
    // first byte at a time, as the pages render on the other cores meanwhile (two at once
    // held a second group in memory at the build's peak, for no time saved); else on every
    // core.
    let merge_group = |group: Vec<(Range<u32>, &SpilledParts)>| {
        merge_first_byte(group, &spill, &wanted, &out, (head_docs, own_file_bytes))
    };
    let groups = by_first_byte(&batches)
        .into_iter()
        .filter(|(byte, _)| bytes_wanted.as_ref().is_none_or(|b| b.contains(byte)))
        .map(|(_, group)| group);
    let shelved: Vec<Vec<(Shelved, Encoded)>> = match merge {
        Merge::InTurn => groups.map(merge_group).collect::<std::io::Result<_>>()?,
        Merge::OnEveryCore => groups
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(merge_group)
            .collect::<std::io::Result<_>>()?,
    };
    let mut shelved: Vec<(Shelved, Encoded)> = shelved.into_iter().flatten().collect();
    drop(batches);
    let kept_own = match again {
        Some((groups, entries)) => keep_unchanged(&groups, entries, &out, &mut shelved),
        None => Vec::new(),
    };
    crate::timings::phase("search/encode", &mut t);
    shelved.sort_unstable_by(|a, b| a.0.key.cmp(&b.0.key));
    let (keys, own) = write_shards(&shelved, &out)?;
    if let Some(c) = cache {
        let layout = layout.iter().map(|(d, fp)| (d.start, d.end, *fp)).collect();
        let entries = shelved.into_iter().map(Shelved::into_shelf).collect();
        // Not kept: every key is merged again next time.
        let _ = c.keep_shelf(&Shelf::new((head_docs, own_file_bytes), layout, entries));
    }
    crate::timings::phase("search/shards", &mut t);
    let mut kept = write_metadata(archive, &placed, &out, cache)?;
    kept.extend(kept_own);
    crate::timings::phase("search/meta", &mut t);
    let manifest = format!(
        "{{\"format\":{FORMAT},\"version\":\"{:016x}\",\"docs\":{},\"ids\":{},\"chunk\":{},\"head\":{},\"phrase\":{},\"shards\":{},\"own\":{own}}}",
        out.version(),
        archive.bulletins.len(),
        batches::id_space(&placed),
        CHUNK_DOCS,
        head_docs,
        PHRASE_WORDS,
        serde_json::to_string(&keys).unwrap_or_default()
    );
    sink.put(
        &format!("{DIR}manifest.js"),
        &js_file("manifest", &manifest),
    )?;
    Ok(Written {
        files: out.count() + 1,
        kept,
    })
}

/// What [`write_index`] did: how many files the index has, and which of them it left as
/// they were in the output (a cache's trusted chunks, see [`BatchCache::trust_chunks`]).
#[derive(Debug, Default)]
pub struct Written {
    pub files: usize,
    /// Site paths.
    pub kept: Vec<String>,
}

/// A key's postings as its shard entry has them: `(document frequency, postings, the hashes
/// of its own files when it has them)`; postings are a JSON string, or the size of their
/// own file.
type Encoded = (usize, String, Option<OwnFiles>);

/// Postings encoded at a time as the merge gives them ([`write_index_with`]): enough for
/// every core, and a few tens of megabytes at most.
const ENCODE_POSTINGS: usize = 1 << 22;

/// What a shard needs of an [`Entry`] once its postings are encoded.
struct Shelved {
    key: Box<str>,
    forms: Option<Vec<Box<str>>>,
    complement: bool,
}

impl Shelved {
    fn of(e: Entry) -> Shelved {
        Shelved {
            key: e.key,
            forms: e.forms,
            complement: e.complement,
        }
    }

    /// A key of the last index, as it was.
    fn from_shelf(e: ShelfEntry) -> (Shelved, Encoded) {
        let shelved = Shelved {
            key: e.key,
            forms: e.forms,
            complement: e.complement,
        };
        (shelved, (e.df, e.postings, e.own))
    }

    fn into_shelf((s, (df, postings, own)): (Shelved, Encoded)) -> ShelfEntry {
        ShelfEntry {
            key: s.key,
            forms: s.forms,
            complement: s.complement,
            df,
            postings,
            own,
        }
    }
}

/// The keys of the last index (`entries`) whose groups are not merged again (not in
/// `groups`), added to `shelved` as they were; their own files, which the output still
/// holds, are counted as kept. Returns those files' site paths.
fn keep_unchanged(
    groups: &std::collections::HashSet<Box<str>>,
    entries: Vec<ShelfEntry>,
    out: &Writer,
    shelved: &mut Vec<(Shelved, Encoded)>,
) -> Vec<String> {
    let mut kept = Vec::new();
    for e in entries {
        if groups.contains(shelf::group_of(&e.key)) {
            continue;
        }
        if let Some((t, h)) = e.own {
            kept.push(out.keep(&shelf::own_key("t", &e.key), t));
            if let Some(h) = h {
                kept.push(out.keep(&shelf::own_key("h", &e.key), h));
            }
        }
        shelved.push(Shelved::from_shelf(e));
    }
    kept
}

/// The groups of keys to merge again, and the last index's keys, for an index over the
/// batches of `layout` (ids and fingerprints; `made` tells which were inverted) that can
/// start from the last one's `shelf`: the groups of the keys whose parts differ between each
/// changed batch as it was and as it is. `None` when it cannot (other ids, other sizes, a
/// batch as it was no longer kept).
fn regroup(
    shelf: Shelf,
    layout: &[(Range<u32>, u128)],
    made: Vec<Made>,
    cache: &BatchCache,
    sizes: (usize, usize),
) -> Option<(std::collections::HashSet<Box<str>>, Vec<ShelfEntry>)> {
    let changed = shelf.changed_batches(sizes, layout)?;
    let mut made: Vec<Option<BatchBytes>> = made.into_iter().map(|m| m.inverted).collect();
    let mut groups = std::collections::HashSet::new();
    for (i, then) in changed {
        let then = cache.peek(then)?;
        let now = match made.get_mut(i).and_then(Option::take) {
            Some(now) => now,
            None => cache.peek(layout[i].1)?,
        };
        shelf::changed_groups(&then, &now, &mut groups)?;
    }
    Some((groups, shelf.entries))
}

/// Encode every key's postings; a frequent key's own file and head go out at once.
fn encode_all(
    entries: &[Entry],
    out: &Writer,
    head_docs: usize,
    own_file_bytes: usize,
) -> std::io::Result<Vec<Encoded>> {
    entries
        .par_iter()
        .map(|e| {
            let p = &e.postings;
            let b64 = base64(&encode_postings(p));
            if b64.len() <= own_file_bytes {
                return Ok((e.df, json_str(&b64), None));
            }
            let key = shelf::own_key("t", &e.key);
            let bytes = js_file(&key, &json_str(&b64));
            let len = bytes.len();
            let own = out.put(&key, &bytes)?;
            // A complement goes with its token's head; a phrase is only ranked in full (the
            // order of several words is not in a head): neither has one of its own.
            let head = if e.complement || e.key.contains(' ') {
                None
            } else {
                head(p, head_docs)
            };
            let mut own_head = None;
            if let Some((score, id, h)) = head {
                let key = shelf::own_key("h", &e.key);
                let json = format!("[{score},{id},{}]", json_str(&base64(&encode_postings(&h))));
                own_head = Some(out.put(&key, &js_file(&key, &json))?);
            }
            Ok((e.df, len.to_string(), Some((own, own_head))))
        })
        .collect::<Vec<std::io::Result<Encoded>>>()
        .into_iter()
        .collect()
}

/// The shards: each key's entry with its postings inline, or the size of its own file.
/// Returns the shard keys and the manifest's `own` object.
fn write_shards(
    shelved: &[(Shelved, Encoded)],
    out: &Writer,
) -> std::io::Result<(Vec<String>, String)> {
    // A token's forms, or 1 for a form written as its complement.
    let forms: Vec<String> = shelved
        .iter()
        .map(|(e, _)| match &e.forms {
            Some(f) => format!(",{}", serde_json::to_string(f).unwrap_or_default()),
            None if e.complement => ",1".to_string(),
            None => String::new(),
        })
        .collect();
    let sizes: Vec<(&str, usize)> = shelved
        .iter()
        .zip(&forms)
        .map(|((e, (_, postings, own)), f)| {
            let inline = if own.is_some() { 8 } else { postings.len() - 2 };
            (&*e.key, e.key.len() + inline + f.len() + 16)
        })
        .collect();
    let (keys, shard_index) = shard_tokens(&sizes);
    let mut shard_json: Vec<String> = vec![String::from("["); keys.len()];
    let mut own = String::from("{");
    for (i, ((e, (df, postings, own_file)), f)) in shelved.iter().zip(&forms).enumerate() {
        let own_file = own_file.is_some();
        let key = json_str(&e.key);
        // Phrase keys are found in their shards anyway (by prefix): the manifest, which every
        // query loads first, lists only tokens and forms.
        if own_file && !e.key.contains(' ') {
            if own.len() > 1 {
                own.push(',');
            }
            own.push_str(&format!("{key}:[{df},{postings}{f}]"));
        }
        let s = &mut shard_json[shard_index[i]];
        if s.len() > 1 {
            s.push(',');
        }
        s.push_str(&format!("[{key},{df},{postings}{f}]"));
    }
    own.push('}');
    for (key, mut json) in keys.iter().zip(shard_json) {
        json.push(']');
        let k = format!("s/{}", file_name(key));
        out.put(&k, &js_file(&k, &json))?;
    }
    Ok((keys, own))
}

/// The site path of metadata chunk `n`.
pub(super) fn chunk_path(n: usize) -> String {
    format!("{DIR}d/{n}.js")
}

/// Bulletin metadata, in chunks of [`CHUNK_DOCS`] ids; a chunk with no bulletin (within a
/// batch's room to spare) has no file. The locality shown is the home unit and its parents.
/// With a `cache`, a chunk whose bulletins show what they showed when the output's file was
/// made is left alone; returns those chunks' paths, and keeps the fingerprints for the next
/// build.
fn write_metadata(
    archive: &Archive,
    placed: &[Placed],
    out: &Writer,
    cache: Option<&BatchCache>,
) -> std::io::Result<Vec<String>> {
    let labels: Vec<String> = archive
        .localities
        .ids()
        .map(|id| json_str(&archive.localities.full_name(id)))
        .collect();
    // The bulletin of each id (its position in the archive), or NO_DOC.
    let mut slots = vec![NO_DOC; batches::id_space(placed) as usize];
    for p in placed {
        for (id, doc) in (p.first_id() as usize..).zip(p.docs.clone()) {
            slots[id] = doc as u32;
        }
    }
    let docs = |slots: &[u32]| -> Vec<Option<&Bulletin>> {
        slots
            .iter()
            .map(|&d| (d != NO_DOC).then(|| &archive.bulletins[d as usize]))
            .collect()
    };
    let trusted = cache.map(|c| c.take_trusted()).unwrap_or_default();
    // Per chunk: (print, hash of its file), whether it was left alone; None without a file.
    type Chunk = Option<((u128, u128), bool)>;
    let chunks: Vec<Chunk> = slots
        .par_chunks(CHUNK_DOCS)
        .enumerate()
        .map(|(n, slots)| {
            let docs = docs(slots);
            if docs.iter().all(Option::is_none) {
                return Ok(None);
            }
            let key = format!("d/{n}");
            let print = chunk_print(&docs, &labels);
            if let Some(hash) = trusted.get(n, print) {
                out.keep(&key, hash);
                return Ok(Some(((print, hash), true)));
            }
            let rows: Vec<String> = docs
                .iter()
                .map(|b| match b {
                    Some(b) => Ok(metadata_row(
                        b,
                        &archive.bodies.get(b.summary.text)?,
                        &labels,
                    )),
                    None => Ok("null".to_string()),
                })
                .collect::<std::io::Result<_>>()?;
            let hash = out.put(&key, &js_file(&key, &format!("[{}]", rows.join(",\n"))))?;
            Ok(Some(((print, hash), false)))
        })
        .collect::<std::io::Result<_>>()?;
    if let Some(c) = cache {
        let kept = chunks.iter().flatten().filter(|(_, kept)| *kept).count();
        let files = chunks.iter().flatten().count();
        crate::timings::note("search/meta", format_args!("{kept} kept of {files}"));
        // A chunk without a file is trusted never: its print 0 goes with no file's hash.
        let table: Vec<(u128, u128)> = chunks
            .iter()
            .map(|c| c.map_or((0, 0), |(c, _)| c))
            .collect();
        // Not kept: every chunk is made again next time.
        let _ = c.keep_chunks(&table);
    }
    Ok(chunks
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_some_and(|(_, kept)| kept))
        .map(|(n, _)| chunk_path(n))
        .collect())
}

/// No bulletin has this id (see [`write_metadata`]).
const NO_DOC: u32 = u32::MAX;

/// One bulletin of a metadata chunk: `[path, title, date, locality, snippet, [topic…]]`.
/// What it shows, [`chunk_print`] hashes.
fn metadata_row(b: &Bulletin, summary: &str, labels: &[String]) -> String {
    let topics: Vec<&str> = b.topics.iter().map(|t| &*t.name).collect();
    format!(
        "[{},{},{},{},{},{}]",
        json_str(&path::bulletin(&b.slug)),
        json_str(&b.title),
        json_str(&crate::vi::format_date(b.date.date_naive())),
        labels[b.home().0 as usize],
        json_str(&snippet(summary)),
        serde_json::to_string(&topics).unwrap_or_default(),
    )
}

/// A fingerprint of everything [`metadata_row`] shows of `docs` (`None` for an id of no
/// bulletin). A chunk's file is left as it is when its print is the one it was made from,
/// and the table of prints is kept even by a build that fails later: so each print must say
/// everything the row shows, and a field added to the row goes here too.
fn chunk_print(docs: &[Option<&Bulletin>], labels: &[String]) -> u128 {
    use chrono::Datelike;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    fn text(h: &mut xxhash_rust::xxh3::Xxh3, s: &str) {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    }
    for b in docs {
        let Some(b) = b else {
            h.update(&[0]);
            continue;
        };
        h.update(&[1]);
        text(&mut h, &b.slug);
        text(&mut h, &b.title);
        // The day the date shows, without formatting it.
        h.update(&b.date.date_naive().num_days_from_ce().to_le_bytes());
        text(&mut h, &labels[b.home().0 as usize]);
        h.update(&b.summary.print.to_le_bytes());
        h.update(&(b.topics.len() as u64).to_le_bytes());
        for t in &b.topics {
            text(&mut h, &t.name);
        }
    }
    h.digest128()
}

/// Writes index files into a sink, counting them and folding each into the index version.
struct Writer<'s> {
    sink: &'s dyn Sink,
    /// (files, wrapping sum of each file's [`file_sum`]): a sum, so the order files are
    /// written in (which depends on threads) does not change it.
    seen: std::sync::Mutex<(usize, u64)>,
}

/// What a file adds to the index version: a hash of its path and of its bytes' hash (the
/// build manifest's, XXH3-128), so that a file left alone counts as the same file written.
fn file_sum(path: &str, hash: u128) -> u64 {
    let mut h = FxHasher::default();
    h.write(path.as_bytes());
    h.write_u128(hash);
    h.finish()
}

impl<'s> Writer<'s> {
    fn new(sink: &'s dyn Sink) -> Self {
        Writer {
            sink,
            seen: Default::default(),
        }
    }

    /// Write the file of `key` (`s/th`, `d/0`); returns the hash of its bytes.
    fn put(&self, key: &str, bytes: &[u8]) -> std::io::Result<u128> {
        let hash = xxhash_rust::xxh3::xxh3_128(bytes);
        self.sink.put(&format!("{DIR}{key}.js"), bytes)?;
        self.keep(key, hash);
        Ok(hash)
    }

    /// Count the file of `key`, left as it is in the output with this `hash`; returns its
    /// site path.
    fn keep(&self, key: &str, hash: u128) -> String {
        let path = format!("{DIR}{key}.js");
        let sum = file_sum(&path, hash);
        if let Ok(mut seen) = self.seen.lock() {
            seen.0 += 1;
            seen.1 = seen.1.wrapping_add(sum);
        }
        path
    }

    fn count(&self) -> usize {
        self.seen.lock().map_or(0, |s| s.0)
    }

    /// A hash of every file written so far.
    fn version(&self) -> u64 {
        let sum = self.seen.lock().map_or(0, |s| s.1);
        let mut h = FxHasher::default();
        h.write_u64(sum);
        h.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The postings of bulletins `docs` (archive ids), with ids counting from `first`.
    fn postings_from(docs: &[u32], first: u32) -> Postings {
        let mut p = Postings::default();
        for &d in docs {
            // Every third a title word, so that title places travel too.
            let score = if d % 3 == 0 { S_TITLE | 1 } else { 2 };
            p.push(d - first, score, d + 1);
        }
        p
    }

    fn postings(docs: &[u32]) -> Postings {
        postings_from(docs, 0)
    }

    /// A batch of bulletins `docs` whose keys have these bulletins (archive ids); a form
    /// key given no bulletins is `same` as its token.
    fn batch(docs: Range<u32>, keys: &[(&str, &[u32])]) -> (Range<u32>, BatchBytes) {
        let parts: Vec<Part> = keys
            .iter()
            .map(|&(key, ids)| Part {
                key: key.into(),
                postings: postings_from(ids, docs.start),
                same: ids.is_empty(),
            })
            .collect();
        (docs, BatchBytes::of(&parts).unwrap())
    }

    #[test]
    fn the_merge_of_batches_is_the_index_of_all_their_keys() {
        // Keys that sort between a token and its forms: its phrases, and a token it is the
        // start of, with forms of its own ("thu", "thu ngan", "thu1", "thu1=…", "thu=…").
        let batches = vec![
            batch(
                0..4,
                &[
                    ("ngan", &[1, 2]),
                    ("ngan=ngan", &[]),
                    ("thu", &[0, 1, 3]),
                    ("thu ngan", &[1]),
                    ("thu1", &[2]),
                    ("thu1=thu1", &[]),
                    ("thu=thu", &[0, 3]),
                    ("thu=thư", &[1]),
                ],
            ),
            batch(
                4..9,
                &[
                    ("ngan", &[8]),
                    ("ngan=ngân", &[]),
                    ("thu", &[4, 5, 6, 7]),
                    ("thu ngan", &[8]),
                    ("thu=thư", &[]),
                    ("thua", &[6]),
                    ("thua=thua", &[]),
                ],
            ),
        ];
        let mut merged = Vec::new();
        merge_batches(&batches, |group| {
            merged.extend(group);
            Ok(())
        })
        .unwrap();
        merged.sort_by(|a, b| a.key.cmp(&b.key));
        // The first spilled to a scratch store, the second kept in a cache and read from
        // its file there (as after an edit of the first's bulletins), and merged by first
        // byte, apart ("n…" and "t…"), each read back in its turn: the same keys.
        let mut apart = Vec::new();
        let store = BodyStore::new();
        let dir = tempfile::tempdir().unwrap();
        let cache = BatchCache::open(dir.path()).unwrap();
        cache.put(9, &batches[1].1).unwrap();
        let kept = cache.get(9).unwrap();
        let spilled: Vec<(Range<u32>, Spilled)> = vec![
            (batches[0].0.clone(), batches[0].1.spill(&store).unwrap()),
            (batches[1].0.clone(), kept),
        ];
        let split = by_first_byte(&spilled);
        assert_eq!(split.len(), 2);
        for (_, group) in split {
            let read: Vec<(Range<u32>, batches::ReadBack)> = group
                .into_iter()
                .map(|(docs, p)| (docs, p.read(&store).unwrap()))
                .collect();
            let cursors: Cursors = read.iter().map(|(d, r)| (d.clone(), r.parts())).collect();
            merge_cursors(cursors, &|_| true, |group| {
                apart.extend(group);
                Ok(())
            })
            .unwrap();
        }
        apart.sort_by(|a, b| a.key.cmp(&b.key));
        // The same keys inverted whole: every posting with its archive id, a `same` form
        // key with its token's, a form key of a token of one form with none.
        let whole: Vec<(Box<str>, Postings)> = vec![
            ("ngan".into(), postings(&[1, 2, 8])),
            ("ngan=ngan".into(), postings(&[1, 2])),
            ("ngan=ngân".into(), postings(&[8])),
            ("thu".into(), postings(&[0, 1, 3, 4, 5, 6, 7])),
            ("thu ngan".into(), postings(&[1, 8])),
            ("thu1".into(), postings(&[2])),
            ("thu1=thu1".into(), Postings::default()),
            ("thu=thu".into(), postings(&[0, 3])),
            ("thu=thư".into(), postings(&[1, 4, 5, 6, 7])),
            ("thua".into(), postings(&[6])),
            ("thua=thua".into(), Postings::default()),
        ];
        let expected = entries(whole);
        let show = |e: &[Entry]| -> Vec<String> {
            e.iter()
                .map(|e| {
                    format!(
                        "{} {} {:?} {:?} {}",
                        e.key, e.df, e.postings, e.forms, e.complement
                    )
                })
                .collect()
        };
        assert_eq!(show(&merged), show(&expected));
        assert_eq!(show(&apart), show(&expected));
        // And that is what it should be: "thư" is in five of seven, so it is a complement.
        let thu = |k: &str| merged.iter().find(|e| &*e.key == k).unwrap();
        assert_eq!(thu("thu").forms, Some(vec!["thư".into(), "thu".into()]));
        assert!(thu("thu=thư").complement);
        assert_eq!(thu("thu1").forms, None);
        assert!(merged.iter().all(|e| &*e.key != "thu1=thu1"));
    }

    #[test]
    fn a_batch_that_does_not_read_is_an_error_not_a_short_index() {
        let (docs, good) = batch(0..2, &[("a", &[0]), ("b", &[1])]);
        // The head says two keys, the bytes after it are cut: the second key does not read.
        let mut bytes = good.0.clone();
        bytes.truncate(bytes.len() - 1);
        let broken = vec![(docs, BatchBytes(bytes))];
        assert!(merge_batches(&broken, |_| Ok(())).is_err());
        // Nor does it spill.
        assert!(broken[0].1.spill(&BodyStore::in_memory()).is_err());
    }
}

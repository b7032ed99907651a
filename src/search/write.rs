//! Writing the index: every bulletin's tokens inverted into postings (in parallel batches),
//! then the files of the module doc: postings in their own files with their heads, shards,
//! bulletin metadata in chunks, and the manifest with the index's version.

use std::hash::Hasher;

use rayon::prelude::*;
use rustc_hash::FxHasher;

use super::dict::{split_body_terms, Dict};
use super::postings::{base64, encode_postings, head, pack};
use super::shards::{file_name, shard_tokens};
use super::{
    score, BATCH, CHUNK_DOCS, DIR, F_META, F_SUMMARY, F_TITLE, HEAD_DOCS, OWN_FILE_BYTES,
    SNIPPET_CHARS,
};
use crate::model::{Archive, Bulletin, IndicatorId};
use crate::output::Sink;
use crate::urls::{path, Urls};

/// The index of one batch of bulletins.
#[derive(Default)]
struct Batch {
    dict: Dict,
    postings: Vec<Vec<u32>>,
    /// Per token: position in `acc` for the bulletin being indexed, or `u32::MAX`.
    slot: Vec<u32>,
    /// (token, fields, body frequency) of the bulletin being indexed.
    acc: Vec<(u32, u8, u32)>,
    ids: Vec<u32>,
}

impl Batch {
    /// Mark the tokens of `text` as occurring in `field`.
    fn add_text(&mut self, text: &str, field: u8) {
        let mut ids = std::mem::take(&mut self.ids);
        ids.clear();
        self.dict.scan(text, &mut ids);
        for &id in &ids {
            self.entry(id).1 |= field;
        }
        self.ids = ids;
    }

    /// Count the body's tokens, as [`body_terms`] gives them.
    fn add_body_terms(&mut self, terms: &str) {
        for (token, count) in split_body_terms(terms) {
            let id = self.dict.intern(token);
            self.entry(id).2 += count;
        }
    }

    /// The (token, fields, body frequency) entry of token `id` in the bulletin being indexed.
    fn entry(&mut self, id: u32) -> &mut (u32, u8, u32) {
        let n = self.dict.tokens.len();
        if self.slot.len() < n {
            self.slot.resize(n, u32::MAX);
            self.postings.resize_with(n, Vec::new);
        }
        let slot = &mut self.slot[id as usize];
        if *slot == u32::MAX {
            *slot = self.acc.len() as u32;
            self.acc.push((id, 0, 0));
        }
        &mut self.acc[*slot as usize]
    }

    fn finish_doc(&mut self, doc: u32) {
        for &(id, fields, tf) in &self.acc {
            self.postings[id as usize].push(pack(doc, score(fields, tf)));
            self.slot[id as usize] = u32::MAX;
        }
        self.acc.clear();
    }

    /// `(token, packed postings)`, sorted by token.
    fn into_sorted(self) -> Vec<(Box<str>, Vec<u32>)> {
        let mut v: Vec<_> = self.dict.tokens.into_iter().zip(self.postings).collect();
        v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
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

    fn each(&self, doc: usize, b: &Bulletin, mut f: impl FnMut(&str)) {
        for l in &b.localities {
            f(&self.localities[l.0 as usize]);
        }
        if let Some(t) = b.term {
            let t = self.archive.terms.get(t);
            f(&t.name);
            f(&t.id);
        }
        for t in &b.topics {
            f(&t.name);
        }
        for &i in &self.indicators[doc] {
            let ind = self.archive.indicators.get(i);
            f(&ind.name);
            if let Some(s) = &ind.short {
                f(s);
            }
        }
    }
}

/// Every token of the archive with its postings (packed, ids ascending), sorted by token.
fn invert(archive: &Archive) -> Vec<(Box<str>, Vec<u32>)> {
    let meta = MetaTexts::new(archive);
    let batches: Vec<Vec<(Box<str>, Vec<u32>)>> = archive
        .bulletins
        .par_chunks(BATCH)
        .enumerate()
        .map(|(n, docs)| {
            let mut batch = Batch::default();
            for (i, b) in docs.iter().enumerate() {
                let doc = n * BATCH + i;
                batch.add_text(&b.title, F_TITLE);
                batch.add_text(&b.summary, F_SUMMARY);
                batch.add_body_terms(&b.body_terms);
                meta.each(doc, b, |t| batch.add_text(t, F_META));
                batch.finish_doc(doc as u32);
            }
            batch.into_sorted()
        })
        .collect();
    // Merge the batches (each sorted, in id order): a stable sort by token keeps them in order.
    let mut all: Vec<(Box<str>, Vec<u32>)> = batches.into_iter().flatten().collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    let mut merged: Vec<(Box<str>, Vec<u32>)> = Vec::new();
    for (tok, p) in all {
        match merged.last_mut() {
            Some(last) if last.0 == tok => last.1.extend_from_slice(&p),
            _ => merged.push((tok, p)),
        }
    }
    merged
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

/// Every file of the search index, in memory: site paths under [`DIR`] and their bytes,
/// sorted by path. Paths inside are relative to the site root, so the same index serves any
/// `base_url` and `relative_urls`; the page turns them into links.
pub fn index_files(archive: &Archive, urls: &Urls) -> Vec<(String, Vec<u8>)> {
    index_files_with(archive, urls, HEAD_DOCS, OWN_FILE_BYTES)
}

/// [`index_files`] with another head size and own-file threshold (for tests).
pub fn index_files_with(
    archive: &Archive,
    urls: &Urls,
    head_docs: usize,
    own_file_bytes: usize,
) -> Vec<(String, Vec<u8>)> {
    let memory = crate::output::MemorySink::default();
    // Writing to memory cannot fail.
    let _ = write_index_with(archive, urls, &memory, head_docs, own_file_bytes);
    let mut files = memory.into_files();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Write the index into `sink` file by file, as each is made (at 100,000 bulletins the whole
/// index would be a few hundred megabytes in memory); returns how many files.
pub fn write_index(archive: &Archive, urls: &Urls, sink: &dyn Sink) -> std::io::Result<usize> {
    write_index_with(archive, urls, sink, HEAD_DOCS, OWN_FILE_BYTES)
}

fn write_index_with(
    archive: &Archive,
    _urls: &Urls,
    sink: &dyn Sink,
    head_docs: usize,
    own_file_bytes: usize,
) -> std::io::Result<usize> {
    let out = Writer::new(sink);
    let inverted = invert(archive);
    let encoded = encode_all(&inverted, &out, head_docs, own_file_bytes)?;
    let tokens: Vec<Box<str>> = inverted.into_iter().map(|(t, _)| t).collect();
    let (keys, own) = write_shards(&tokens, encoded, &out)?;
    drop(tokens);
    write_metadata(archive, &out)?;
    let manifest = format!(
        "{{\"format\":1,\"version\":\"{:016x}\",\"docs\":{},\"chunk\":{},\"head\":{},\"shards\":{},\"own\":{own}}}",
        out.version(),
        archive.bulletins.len(),
        CHUNK_DOCS,
        head_docs,
        serde_json::to_string(&keys).unwrap_or_default()
    );
    sink.put(
        &format!("{DIR}manifest.js"),
        &js_file("manifest", &manifest),
    )?;
    Ok(out.count() + 1)
}

/// A token's postings as its shard entry has them: `(document frequency, postings, whether
/// in a file of their own)`; postings are a JSON string, or the size of their own file.
type Encoded = (usize, String, bool);

/// Encode every token's postings; a frequent token's own file and head go out at once.
fn encode_all(
    inverted: &[(Box<str>, Vec<u32>)],
    out: &Writer,
    head_docs: usize,
    own_file_bytes: usize,
) -> std::io::Result<Vec<Encoded>> {
    inverted
        .par_iter()
        .map(|(tok, p)| {
            let b64 = base64(&encode_postings(p));
            if b64.len() <= own_file_bytes {
                return Ok((p.len(), json_str(&b64), false));
            }
            let key = format!("t/{}", file_name(tok));
            let bytes = js_file(&key, &json_str(&b64));
            let len = bytes.len();
            out.put(&key, &bytes)?;
            if let Some((score, id, h)) = head(p, head_docs) {
                let key = format!("h/{}", file_name(tok));
                let json = format!("[{score},{id},{}]", json_str(&base64(&encode_postings(&h))));
                out.put(&key, &js_file(&key, &json))?;
            }
            Ok((p.len(), len.to_string(), true))
        })
        .collect::<Vec<std::io::Result<Encoded>>>()
        .into_iter()
        .collect()
}

/// The shards: each token's entry with its postings inline, or the size of its own file.
/// Returns the shard keys and the manifest's `own` object.
fn write_shards(
    tokens: &[Box<str>],
    encoded: Vec<Encoded>,
    out: &Writer,
) -> std::io::Result<(Vec<String>, String)> {
    let sizes: Vec<(&str, usize)> = tokens
        .iter()
        .zip(&encoded)
        .map(|(t, (_, postings, own))| {
            let inline = if *own { 8 } else { postings.len() - 2 };
            (&**t, t.len() + inline + 16)
        })
        .collect();
    let (keys, shard_index) = shard_tokens(&sizes);
    let mut shard_json: Vec<String> = vec![String::from("["); keys.len()];
    let mut own = String::from("{");
    for (i, (tok, (df, postings, own_file))) in tokens.iter().zip(encoded).enumerate() {
        if own_file {
            if own.len() > 1 {
                own.push(',');
            }
            own.push_str(&format!("{}:[{df},{postings}]", json_str(tok)));
        }
        let s = &mut shard_json[shard_index[i]];
        if s.len() > 1 {
            s.push(',');
        }
        s.push_str(&format!("[{},{df},{postings}]", json_str(tok)));
    }
    own.push('}');
    for (key, mut json) in keys.iter().zip(shard_json) {
        json.push(']');
        let k = format!("s/{}", file_name(key));
        out.put(&k, &js_file(&k, &json))?;
    }
    Ok((keys, own))
}

/// Bulletin metadata, in chunks. The locality shown is the home unit and its parents.
fn write_metadata(archive: &Archive, out: &Writer) -> std::io::Result<()> {
    let labels: Vec<String> = archive
        .localities
        .ids()
        .map(|id| json_str(&archive.localities.full_name(id)))
        .collect();
    archive
        .bulletins
        .par_chunks(CHUNK_DOCS)
        .enumerate()
        .try_for_each(|(n, docs)| {
            let rows: Vec<String> = docs
                .iter()
                .map(|b| {
                    format!(
                        "[{},{},{},{},{}]",
                        json_str(&path::bulletin(&b.slug)),
                        json_str(&b.title),
                        json_str(&crate::vi::format_date(b.date.date_naive())),
                        labels[b.home().0 as usize],
                        json_str(&snippet(&b.summary)),
                    )
                })
                .collect();
            let key = format!("d/{n}");
            out.put(&key, &js_file(&key, &format!("[{}]", rows.join(",\n"))))
        })
}

/// Writes index files into a sink, counting them and folding each into the index version.
struct Writer<'s> {
    sink: &'s dyn Sink,
    /// (files, wrapping sum of each file's hash): a sum, so the order files are written in
    /// (which depends on threads) does not change it.
    seen: std::sync::Mutex<(usize, u64)>,
}

impl<'s> Writer<'s> {
    fn new(sink: &'s dyn Sink) -> Self {
        Writer {
            sink,
            seen: Default::default(),
        }
    }

    /// Write the file of `key` (`s/th`, `d/0`).
    fn put(&self, key: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = format!("{DIR}{key}.js");
        let mut h = FxHasher::default();
        h.write(path.as_bytes());
        h.write_u64(bytes.len() as u64);
        h.write(bytes);
        let hash = h.finish();
        self.sink.put(&path, bytes)?;
        if let Ok(mut seen) = self.seen.lock() {
            seen.0 += 1;
            seen.1 = seen.1.wrapping_add(hash);
        }
        Ok(())
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

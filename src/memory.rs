//! Giving memory back between stages. The library does not know the allocator: the binary
//! tells it how to make every thread give back what other threads freed for it
//! ([`set_collect`]), and stages that free much made on other threads ask for that
//! ([`collect_everywhere`]).
//!
//! Why: an allocator with thread-local heaps (mimalloc, the binary's) hands a block freed by
//! another thread back to its owner's heap only when the owner next collects. The parsing
//! threads make each chunk's figures; the main thread moves them into one list and frees the
//! chunks; the parsing threads, idle by then, keep the freed memory until their next
//! collection, so for a moment both the chunks and the joined list are resident (at a
//! million bulletins 2,426 MB, 900 MB above what the build holds before and after).
//!
//! [`Chunked`] is a list that grows without copying itself: what the writing of a million
//! pages records of each file (its hash, its folder's stamp) would otherwise double into a
//! new list, both held for a moment, at the build's peak.

use std::sync::OnceLock;

static COLLECT: OnceLock<fn()> = OnceLock::new();

/// How one thread gives back the memory freed for it (set once, by the binary).
pub fn set_collect(collect: fn()) {
    let _ = COLLECT.set(collect);
}

/// Every thread of the pool, and this one, give back the memory freed for them; nothing
/// when no way was set.
pub fn collect_everywhere() {
    if let Some(collect) = COLLECT.get() {
        rayon::broadcast(|_| collect());
        collect();
    }
}

/// Entries in a chunk of a [`Chunked`] list.
const CHUNK: usize = 1 << 16;

/// An append-only list kept in chunks of [`CHUNK`] entries: growing it never copies what
/// it holds (a `Vec` grown past a million entries moves them into room for two million,
/// with both resident meanwhile), and it leaves at most one chunk unused.
#[derive(Debug)]
pub struct Chunked<T> {
    chunks: Vec<Vec<T>>,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked { chunks: Vec::new() }
    }
}

impl<T> Chunked<T> {
    pub fn push(&mut self, value: T) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(value),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(value);
                self.chunks.push(chunk);
            }
        }
    }
}

impl<T> IntoIterator for Chunked<T> {
    type Item = T;
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Vec<T>>>;

    /// The entries in the order they were pushed, each chunk let go once passed.
    fn into_iter(self) -> Self::IntoIter {
        self.chunks.into_iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    static CALLS: AtomicUsize = AtomicUsize::new(0);

    fn count() {
        CALLS.fetch_add(1, Ordering::Relaxed);
    }

    #[test]
    fn every_thread_of_the_pool_and_the_caller_collect() {
        super::set_collect(count);
        let before = CALLS.load(Ordering::Relaxed);
        super::collect_everywhere();
        // Each of the pool's threads and the caller; other tests' joins may add more.
        let calls = CALLS.load(Ordering::Relaxed) - before;
        let threads = rayon::current_num_threads();
        assert!(calls > threads, "{calls} collections, {threads} threads");
    }

    #[test]
    fn a_chunked_list_keeps_order_and_count_across_chunks_without_moving_them() {
        let mut list = super::Chunked::default();
        assert!(list.chunks.is_empty());
        let n = 2 * super::CHUNK + 3;
        list.push(0usize);
        // The first entry stays where it was put: a chunk is never moved to grow.
        let first: *const usize = &list.chunks[0][0];
        for i in 1..n {
            list.push(i);
        }
        assert!(std::ptr::eq(first, &list.chunks[0][0]));
        assert_eq!(list.chunks.len(), 3);
        assert!(list.chunks.iter().all(|c| c.capacity() == super::CHUNK));
        assert!(list.into_iter().eq(0..n));
    }
}

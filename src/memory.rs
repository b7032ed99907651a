//! Giving memory back between stages. The library does not know the allocator: the binary
//! tells it how to make every thread give back what other threads freed for it
//! ([`set_collect`]), and stages that free much made on other threads ask for that
//! ([`collect_everywhere`]). It also tells the allocator how long to hold freed memory
//! before it gives it back ([`HoldFreed`]): briefly in a full build, longer in an
//! incremental one.
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
static HOLD: OnceLock<fn(bool)> = OnceLock::new();

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

/// How the allocator is told to hold freed memory for a while (`true`) or give it back soon
/// (`false`) (set once, by the binary).
pub fn set_hold_freed(hold: fn(bool)) {
    let _ = HOLD.set(hold);
}

/// Hold freed memory for a while before giving it back (`true`), or give it back soon
/// (`false`); nothing when no way was set. Through [`HoldFreed`], which sets it back.
///
/// A full build gives freed memory back soon: it goes from stage to stage, each freeing
/// lists the next does not reuse, and at a million bulletins holding them raises the peak.
/// An incremental build holds the archive as it was and as it is, and makes and frees the
/// same sizes again and again (records read, pages, postings): given back at once, that
/// memory is taken again from the system page by page, a page fault each (at 100,000
/// bulletins an addition took 285,000 faults against 183,000 when held for a second, about
/// a tenth of its system time), for a peak of 570 MB instead of 500 MB.
fn hold_freed(hold: bool) {
    if let Some(set) = HOLD.get() {
        set(hold);
    }
}

/// Freed memory held (see `hold_freed` above) while this lives, given back soon again when
/// it is dropped, on every way out (a panic too).
pub struct HoldFreed(());

impl HoldFreed {
    pub fn start() -> HoldFreed {
        hold_freed(true);
        HoldFreed(())
    }
}

impl Drop for HoldFreed {
    fn drop(&mut self) {
        hold_freed(false);
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

    static HELD: std::sync::Mutex<Vec<bool>> = std::sync::Mutex::new(Vec::new());

    fn record(hold: bool) {
        HELD.lock().unwrap().push(hold);
    }

    #[test]
    fn freed_memory_held_is_given_back_soon_again_even_after_a_panic() {
        super::set_hold_freed(record);
        let _ = std::panic::catch_unwind(|| {
            let _held = super::HoldFreed::start();
            panic!("a build that panics");
        });
        assert_eq!(*HELD.lock().unwrap(), [true, false]);
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

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
}

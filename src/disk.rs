//! Threads for work that waits on the disk rather than the processor: reading the
//! bulletins of a full build, and writing and removing the changed files of an incremental
//! one. The build's own threads are one a core, which a disk that answers several requests
//! at once (a virtual or network disk, an SSD) leaves mostly idle while each waits.

/// How many threads wait on the disk at once. The work is the disk's: on this project's
/// 2-core virtual disk, reading 100,000 bulletins that are not in memory takes 19 s on one
/// thread and 4.9 s on eight (`cat` through `xargs -P 8`), and removing the 8,000 files an
/// addition changes took 1.3 s on the two threads of the cores. Eight is a few more than
/// such disks want waiting and few enough to cost nothing when the files are in memory.
pub const IO_THREADS: usize = 8;

/// Run `work` (whose parallel iterators then use them) on [`IO_THREADS`] threads, or on
/// the build's own threads when these are more or when no new one can be started.
pub fn on_io_threads<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    if rayon::current_num_threads() >= IO_THREADS {
        return work();
    }
    match rayon::ThreadPoolBuilder::new()
        .num_threads(IO_THREADS)
        .thread_name(|i| format!("bantin-io-{i}"))
        .build()
    {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn the_work_runs_on_at_least_io_threads() {
        let threads = on_io_threads(rayon::current_num_threads);
        assert!(threads >= IO_THREADS, "{threads}");
        // And the work's parallel iterators run there, all of it.
        let sum: u64 = on_io_threads(|| (1..=1000u64).into_par_iter().sum());
        assert_eq!(sum, 500_500);
    }
}

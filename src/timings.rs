//! Phase timings for `BANTIN_TIMINGS=1`: how long each stage of a build (or a rebuild in
//! `bantin serve`) took, with the process's memory and CPU so far, and what it reused
//! ([`note`]), on standard error.

use std::time::Instant;

/// With `BANTIN_TIMINGS=1` in the environment, prints how long each stage took (stderr).
pub fn phase(name: &str, since: &mut Instant) {
    if std::env::var_os("BANTIN_TIMINGS").is_some() {
        eprintln!(
            "  {name:<15} {:>8.3} s  {}",
            since.elapsed().as_secs_f64(),
            memory_now()
        );
    }
    *since = Instant::now();
}

/// With `BANTIN_TIMINGS=1`, prints what a stage did or reused (`  name: what`, stderr):
/// how much of the build cache an incremental build read and kept. The tests read these
/// lines to tell that a reuse happened, which the output alone cannot show.
pub fn note(name: &str, what: std::fmt::Arguments) {
    if std::env::var_os("BANTIN_TIMINGS").is_some() {
        eprintln!("  {name}: {what}");
    }
}

/// Resident and peak memory of this process, from /proc (Linux); empty elsewhere.
fn memory_now() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status.lines().find_map(|l| l.strip_prefix(name)).map(|v| {
            v.trim()
                .trim_end_matches(" kB")
                .trim()
                .parse::<u64>()
                .unwrap_or(0)
                / 1024
        })
    };
    let cpu = cpu_seconds();
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(rss), Some(peak)) => format!(
            "rss {rss:>5} MB, peak {peak:>5} MB, cpu so far: user {:.1} s, sys {:.1} s",
            cpu.0, cpu.1
        ),
        _ => String::new(),
    }
}

/// User and system CPU time of this process so far.
fn cpu_seconds() -> (f64, f64) {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return (0.0, 0.0);
    }
    let s = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (s(u.ru_utime), s(u.ru_stime))
}

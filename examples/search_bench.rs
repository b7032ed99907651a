//! Times the search index of an archive and writes it out:
//! `cargo run --release --example search_bench -- ARCHIVE_ROOT OUT_DIR`.
//! Prints load and index times, file count, total index bytes and bytes per bulletin.

use std::path::PathBuf;
use std::time::Instant;

/// CPU seconds (user + system, all threads) used so far, from /proc/self/stat (Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    // Fields 14 and 15 of stat (utime, stime) are 12 and 13 after the name; ticks of 1/100 s.
    (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / 100.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: search_bench ARCHIVE_ROOT OUT_DIR");
        std::process::exit(2);
    }
    let root = PathBuf::from(&args[1]);
    let out = PathBuf::from(&args[2]);
    let t = Instant::now();
    let archive = match bantin::load::load(&root, &Default::default()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e:?}");
            std::process::exit(1);
        }
    };
    let load_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let cpu = cpu_seconds();
    let files = bantin::search::index_files(&archive);
    let index_s = t.elapsed().as_secs_f64();
    let index_cpu = cpu_seconds() - cpu;
    // For profiling: SEARCH_BENCH_REPEAT=n builds the index n more times.
    let repeat: usize = std::env::var("SEARCH_BENCH_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let (mut min_s, mut min_cpu) = (index_s, index_cpu);
    for _ in 0..repeat {
        let (t, cpu) = (Instant::now(), cpu_seconds());
        std::hint::black_box(bantin::search::index_files(&archive));
        min_s = min_s.min(t.elapsed().as_secs_f64());
        min_cpu = min_cpu.min(cpu_seconds() - cpu);
    }
    if repeat > 0 {
        println!("index_seconds_best {min_s:.3}");
        println!("index_cpu_seconds_best {min_cpu:.2}");
    }
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    let kind = |prefix: &str| -> (usize, usize) {
        let f: Vec<_> = files
            .iter()
            .filter(|(p, _)| p.starts_with(&format!("{}{prefix}", bantin::search::DIR)))
            .collect();
        (f.len(), f.iter().map(|(_, b)| b.len()).sum())
    };
    let n = archive.bulletins.len().max(1);
    println!("bulletins {}", archive.bulletins.len());
    println!("load_seconds {load_s:.3}");
    println!("index_seconds {index_s:.3}");
    println!("index_cpu_seconds {index_cpu:.2}");
    println!("threads {}", rayon::current_num_threads());
    println!("files {}", files.len());
    println!("index_bytes {total}");
    println!("bytes_per_bulletin {:.0}", total as f64 / n as f64);
    for k in ["s/", "t/", "h/", "d/", "manifest"] {
        let (c, b) = kind(k);
        println!(
            "part {k} files {c} bytes {b} per_bulletin {:.0}",
            b as f64 / n as f64
        );
    }
    let _ = std::fs::remove_dir_all(&out);
    for (p, b) in &files {
        let path = out.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b).unwrap();
    }
}

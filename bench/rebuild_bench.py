#!/usr/bin/env python3
"""Scale and rebuild benchmark of bantin alone: full builds of large archives, and the
rebuild cases of an incremental build.

First, at --rebuild-size, after a full build: the build again with nothing changed, after
one edited bulletin, after one added bulletin (a copy of the first file, dated 2016 in the
generated corpus), and after one added bulletin that is the newest (a copy of the newest),
each --runs times (median); each change is taken back after it, and at the end the
incremental output is checked against a full build's manifest (the `.bantin-manifest`
files must be equal; the full build of that size below, or one made for the check). Then,
for each size of --sizes, builds the generated archive
(bench/gen_corpus.py --only bantin; about 6.5 GB of sources at a million) from scratch
(`bantin build --full` into a new output folder) and prints the wall time, peak memory (max
RSS) and time per bulletin. Before each full build, untimed, it reads the archive once so
that the build finds its sources in the page cache, as `build_bench.py` does (the outputs
written before leave the kernel to drop part of them, by chance); `--cold` skips that, and
the build then pays for reading back from disk whatever was dropped (at a million on the
development machine, reading all 6.5 GB back takes over a minute of kernel time).

No build follows a removal made by this script: the outputs of earlier runs are removed at
the start (then --settle seconds of waiting), and this run's outputs only at the end, after
the last timed build (--keep leaves them). On a disk that frees deleted blocks as it goes
(ext4 with `discard`, the development machine), removing a million's output (33 GB) slows
every new file for many minutes after: a build measured then measures the disk's recovery
(a million took 257.5 s on a fresh disk and 417.4 s six minutes after such a removal).

Usage: bench/rebuild_bench.py [--sizes 100000,1000000] [--rebuild-size 100000] [--runs 3]
                              [--work DIR] [--settle SECONDS] [--cold] [--keep]
Needs: a release build of bantin (built here) and python3; disk for the corpora and
outputs, all kept until the end (about 55 GB at a million: 6.5 GB of sources, 33 GB of
output, 7 GB of build cache, and 10 GB at 100,000).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "bench", "gen_corpus.py")
BANTIN = os.path.join(ROOT, "target", "release", "bantin")


# The peak memory of a child as wait4 reports it is at least this script's own at the fork
# (the child is a copy of it until it runs bantin), and removing a million bulletins' output
# grows this script to hundreds of megabytes. GNU time forks from itself, which is small.
GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
PEAK = "bench-peak-kb"


def run(cmd):
    """Run a command; return (wall seconds, peak RSS in MB, stderr)."""
    timed = [GNU_TIME, "-f", f"{PEAK} %M", *cmd] if GNU_TIME else cmd
    start = time.perf_counter()
    proc = subprocess.Popen(timed, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{err}")
    peak_kb = usage.ru_maxrss
    lines = err.splitlines()
    if GNU_TIME and lines and lines[-1].startswith(PEAK):
        peak_kb = int(lines[-1].split()[1])
        err = "\n".join(lines[:-1])
    return wall, peak_kb / 1024.0, err


def corpus(work, n):
    path = os.path.join(work, f"c{n}")
    if not os.path.exists(os.path.join(path, "bantin", "site.toml")):
        print(f"generating {n} bulletins…", file=sys.stderr)
        subprocess.run([sys.executable, GEN, str(n), path, "--only", "bantin"], check=True,
                       stdout=subprocess.DEVNULL)
    return os.path.join(path, "bantin")


def warm(folder):
    """Read every file under `folder`, so that a timed build finds its sources in memory."""
    for parent, _, names in os.walk(folder):
        for name in names:
            with open(os.path.join(parent, name), "rb") as f:
                while f.read(1 << 20):
                    pass


def build(site, out, *extra):
    return run([BANTIN, "build", "--root", site, "--output", out, *extra])


def newest_bulletin(site):
    """The bulletin of the corpus with the latest date (of its last year's folder)."""
    years = sorted(d for d in os.listdir(os.path.join(site, "content")) if d.isdigit())
    folder = os.path.join(site, "content", years[-1])
    best = None
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".md"):
            continue
        path = os.path.join(folder, name)
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("date:"):
                    date = line.split(":", 1)[1].strip()
                    if best is None or date > best[0]:
                        best = (date, path)
                    break
    if best is None:
        sys.exit("no dated bulletin in the corpus")
    return best[1]


def with_slug(text, slug):
    """A bulletin's text under another slug."""
    if "\nslug:" in text:
        return text.replace("\nslug: ", f"\nslug: {slug}-", 1)
    return text.replace("\n---\n", f"\nslug: {slug}\n---\n", 1)


def first_bulletin(site):
    """A bulletin file of the corpus (the first in file order)."""
    for parent, dirs, names in os.walk(os.path.join(site, "content")):
        dirs.sort()
        for name in sorted(names):
            if name.endswith(".md"):
                return os.path.join(parent, name)
    sys.exit("no bulletin in the corpus")


def manifest(out):
    with open(os.path.join(out, ".bantin-manifest"), "rb") as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--rebuild-size", type=int, default=100000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default=os.path.join(ROOT, ".bench"))
    # On a disk that frees deleted blocks as it goes (ext4 with `discard`), deleting the
    # output of a million (33 GB) slows every build's kernel time for minutes after.
    ap.add_argument("--settle", type=float, default=0,
                    help="seconds to wait after removing the outputs of an earlier run")
    ap.add_argument("--keep", action="store_true",
                    help="leave this run's outputs (removed at the end otherwise)")
    ap.add_argument("--cold", action="store_true",
                    help="do not read the archive before each full build")
    args = ap.parse_args()
    # Each line out as it is printed: the table of a run of 3 December 07:02 (an hour) came
    # out empty, the script having ended without flushing; the lines on stderr were there.
    sys.stdout.reconfigure(line_buffering=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    os.makedirs(args.work, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    n = args.rebuild_size
    out = os.path.join(args.work, f"out-rebuild-{n}")
    check = os.path.join(args.work, f"out-check-{n}")
    fulls = {size: os.path.join(args.work, f"out-full-{size}") for size in sizes}
    outputs = [out, check, *fulls.values()]
    # The corpora first (generating a million writes 6.5 GB), then what earlier runs left,
    # then the disk's time to settle: every timed build below comes before any removal.
    sites = {size: corpus(args.work, size) for size in {n, *sizes}}
    caches = [os.path.join(site, ".bantin-cache") for site in sites.values()]
    if remove(outputs + caches):
        subprocess.run(["sync"])
        time.sleep(args.settle)
    try:
        measure(args, sites, out, check, fulls)
    finally:
        if not args.keep:
            remove(outputs)


def remove(folders):
    """Remove the folders that exist of `folders`; whether there was one."""
    there = [f for f in folders if os.path.exists(f)]
    for f in there:
        shutil.rmtree(f, ignore_errors=True)
    return bool(there)


def measure(args, sites, out, check, fulls):
    # The rebuild cases first, on a disk that nothing of this run has filled yet.
    n = args.rebuild_size
    site = sites[n]
    wall, mb, _ = build(site, out, "--full")
    print(f"  rebuild case, first build {n}: {wall:.2f} s {mb:.0f} MB", file=sys.stderr)
    edited = first_bulletin(site)
    with open(edited, encoding="utf-8") as f:
        original = f.read()
    added = os.path.join(os.path.dirname(edited), "zz-bench-added.md")
    # The newest bulletin copied under another slug: an archive grows by new bulletins,
    # which come first in every list and take the first place of the search index's ids.
    newest = newest_bulletin(site)
    with open(newest, encoding="utf-8") as f:
        newest_text = f.read()
    added_new = os.path.join(os.path.dirname(newest), "zz-bench-added-newest.md")
    cases = {"no change": [], "one bulletin edited": [], "one bulletin added": [],
             "one bulletin added, the newest": []}

    def change(path, text, case):
        """Write `text` to `path`, build again, and count that build as `case`."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        wall, mb, err = build(site, out)
        assert "updated" in err, err
        cases[case].append((wall, mb))

    try:
        for i in range(args.runs):
            wall, mb, err = build(site, out)
            assert "nothing changed" in err, err
            cases["no change"].append((wall, mb))

            change(edited, original.replace("\n---\n", f"\n---\nMột câu thêm, lần {i + 1}.\n\n", 1),
                   "one bulletin edited")
            change(added, with_slug(original, "zz-bench-added"), "one bulletin added")
            os.remove(added)
            build(site, out)
            change(added_new, with_slug(newest_text, "zz-bench-added-newest"),
                   "one bulletin added, the newest")
            os.remove(added_new)
            # Back to the corpus as it was, for the next run.
            with open(edited, "w", encoding="utf-8") as f:
                f.write(original)
            build(site, out)
    finally:
        with open(edited, "w", encoding="utf-8") as f:
            f.write(original)
        for path in (added, added_new):
            if os.path.exists(path):
                os.remove(path)

    full = []
    for size, target in fulls.items():
        site = sites[size]
        # From scratch: no output and no build cache. Only the rebuild cases' cache can be
        # there (at 100,000: a few files, 0.7 GB), the one removal before a timed build.
        shutil.rmtree(os.path.join(site, ".bantin-cache"), ignore_errors=True)
        if not args.cold:
            warm(os.path.join(site, "content"))
        subprocess.run(["sync"])
        wall, mb, _ = build(site, target, "--full")
        print(f"  full {size:>9}: {wall:8.2f} s {mb:8.0f} MB", file=sys.stderr)
        full.append((size, wall, mb))

    # The incremental output is the full build's, with the same sources.
    if n not in fulls:
        build(sites[n], check, "--full")
    same = manifest(fulls.get(n, check)) == manifest(out)
    print(f"  incremental output equals a full build's: {same}", file=sys.stderr)
    if not same:
        sys.exit("the incremental output differs from a full build")

    print(f"\n{os.cpu_count()} cores; full builds with their sources "
          f"{'as the page cache had them' if args.cold else 'read once before (in the page cache)'}")
    print("| full build | s | peak MB | ms per bulletin |")
    print("|---:|---:|---:|---:|")
    for size, wall, mb in full:
        print(f"| {size:,} | {wall:.2f} | {mb:.0f} | {1000 * wall / size:.3f} |")
    if len(full) >= 2:
        (a, wa, _), (b, wb, _) = full[0], full[-1]
        print(f"\ntime per bulletin at {b:,} / at {a:,}: {(wb / b) / (wa / a):.2f} (goal: ≤ 1.5)")
    print(f"\n| rebuild at {args.rebuild_size:,} (median of {args.runs}) | s | peak MB |")
    print("|---|---:|---:|")
    for name, runs in cases.items():
        print(f"| {name} | {statistics.median(w for w, _ in runs):.2f} | "
              f"{statistics.median(m for _, m in runs):.0f} |")


if __name__ == "__main__":
    main()

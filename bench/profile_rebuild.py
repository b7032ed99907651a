#!/usr/bin/env python3
"""Profile one rebuild of a generated archive with `perf`, the way docs/PERFORMANCE.md's
"where an addition's time goes" was found: bantin's own samples, kernel included.

Builds SITE into OUTPUT when it has no build there yet, makes one change (`--case`: the
newest bulletin copied under another slug, as rebuild_bench.py's "one bulletin added, the
newest"; or one bulletin edited), records `perf record -g` of the rebuild that follows
(with BANTIN_TIMINGS=1, so its phases are printed too), takes the change back and builds
again, then prints the samples by binary (ours, the kernel, libc) and the top symbols. The
recording stays at OUTPUT.perf for `perf report -i`.

Usage: bench/profile_rebuild.py SITE OUTPUT [--case added-newest|edited] [--top 30]
Needs: perf (linux-perf) with access to kernel symbols (root, or
kernel.perf_event_paranoid ≤ 1), a release build of bantin (built here).
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rebuild_bench as rb  # noqa: E402


def build(site, out, env=None, prefix=()):
    cmd = [*prefix, rb.BANTIN, "build", "--root", site, "--output", out]
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return proc.stderr


def report(recording, sort, top, children=False):
    cmd = ["perf", "report", "-i", recording, "--stdio", "--sort", sort, "-g", "none",
           "--children" if children else "--no-children"]
    text = subprocess.run(cmd, capture_output=True, text=True).stdout
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return "\n".join(rows[:top])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("site")
    ap.add_argument("output")
    ap.add_argument("--case", choices=["added-newest", "edited"], default="added-newest")
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=rb.ROOT, check=True)
    site, out = args.site, args.output
    # A first build, or a rebuild that finds nothing to do: either way the output and its
    # cache are up to date before the change.
    build(site, out)
    if args.case == "added-newest":
        source = rb.newest_bulletin(site)
        changed = os.path.join(os.path.dirname(source), "zz-profile-added-newest.md")
        with open(source, encoding="utf-8") as f:
            text = rb.with_slug(f.read(), "zz-profile-added-newest")
        original = None
    else:
        changed = rb.first_bulletin(site)
        with open(changed, encoding="utf-8") as f:
            original = f.read()
        text = original.replace("\n---\n", "\n---\nMột câu thêm để đo.\n\n", 1)
    recording = out.rstrip("/") + ".perf"
    try:
        with open(changed, "w", encoding="utf-8") as f:
            f.write(text)
        env = dict(os.environ, BANTIN_TIMINGS="1")
        timings = build(site, out, env, ["perf", "record", "-g", "-q", "-o", recording, "--"])
    finally:
        if original is None:
            os.remove(changed)
        else:
            with open(changed, "w", encoding="utf-8") as f:
                f.write(original)
        build(site, out)
    print(timings)
    print("samples by binary:")
    print(report(recording, "dso", 6))
    print(f"\ntop {args.top} symbols (self):")
    print(report(recording, "sym", args.top))
    print(f"\nrecording: {recording} (perf report -i {recording})")


if __name__ == "__main__":
    main()

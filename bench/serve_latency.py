#!/usr/bin/env python3
"""Latency of `bantin serve`: from saving a bulletin to its changed page being served.

Usage: bench/serve_latency.py [--n 10000] [--runs 10] [--corpus DIR] [--bin PATH]

Generates N bulletins with ../shared/bench/gen_corpus.py (unless --corpus names an already
generated bantin archive), starts `bantin serve` (release build) on a free port, then edits
one bulletin's title RUNS times and polls its page every 2 ms until the new title is served.
Prints each time, then the median (the goal: under 300 ms on 10,000 bulletins), and the
server's own rebuild times. The server is always stopped at the end.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except (urllib.error.URLError, ConnectionError, OSError):
        return None, ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--corpus", help="a bantin archive made by gen_corpus.py (kept)")
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "bantin"))
    args = ap.parse_args()

    if not os.path.exists(args.bin):
        print("building the release binary…", file=sys.stderr)
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)

    tmp = None
    if args.corpus:
        root = args.corpus
    else:
        tmp = tempfile.mkdtemp(prefix="bantin-serve-bench-")
        print(f"generating {args.n} bulletins…", file=sys.stderr)
        subprocess.run([sys.executable, GEN, str(args.n), tmp], check=True,
                       stdout=subprocess.DEVNULL)
        root = os.path.join(tmp, "bantin")

    # The bulletin to edit: the middle one of the corpus.
    files = sorted(
        os.path.join(d, f)
        for d, _, fs in os.walk(os.path.join(root, "content"))
        for f in fs if f.endswith(".md")
    )
    target = files[len(files) // 2]
    slug = os.path.splitext(os.path.basename(target))[0]
    original = open(target, encoding="utf-8").read()
    m = re.search(r'^title: "(.*)"$', original, re.M)
    if not m:
        sys.exit(f"no title line in {target}")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = []
    server = subprocess.Popen([args.bin, "serve", "--root", root, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True, start_new_session=True)
    threading.Thread(target=lambda: log.extend(iter(server.stderr.readline, "")),
                     daemon=True).start()
    times = []
    try:
        t0 = time.perf_counter()
        while fetch(base + "/")[0] != 200:
            if server.poll() is not None or time.perf_counter() - t0 > 600:
                sys.exit("the server did not start:\n" + "".join(log))
            time.sleep(0.1)
        print(f"first build and serve: {time.perf_counter() - t0:.1f} s "
              f"({len(files)} bulletins)", file=sys.stderr)
        page = f"{base}/bai-viet/{slug}/"
        for i in range(args.runs):
            marker = f"BENCH-{i}-{time.time_ns()}"
            text = original.replace(m.group(0), f'title: "{m.group(1)} {marker}"', 1)
            start = time.perf_counter()
            with open(target, "w", encoding="utf-8") as f:
                f.write(text)
            while True:
                status, body = fetch(page)
                if marker in body:
                    break
                if time.perf_counter() - start > 30:
                    sys.exit(f"run {i}: the change was not served in 30 s:\n" + "".join(log))
                time.sleep(0.002)
            ms = (time.perf_counter() - start) * 1000
            times.append(ms)
            # Let the rebuild finish (the heavy pages and data files come after the page).
            while '"building":false' not in fetch(base + "/__bantin/status")[1]:
                time.sleep(0.01)
            done = (time.perf_counter() - start) * 1000
            print(f"run {i + 1}: page served after {ms:.0f} ms, rebuild done after "
                  f"{done:.0f} ms", file=sys.stderr)
            time.sleep(0.2)
    finally:
        with open(target, "w", encoding="utf-8") as f:
            f.write(original)
        try:
            os.killpg(server.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        server.wait(timeout=10)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    rebuilds = [float(x) for x in re.findall(r"pages in (\d+) ms", "".join(log))[1:]]
    print(f"save → changed page served, {len(files)} bulletins, {len(times)} runs: "
          f"median {statistics.median(times):.0f} ms "
          f"(min {min(times):.0f}, max {max(times):.0f})")
    if rebuilds:
        print(f"server rebuild time: median {statistics.median(rebuilds):.0f} ms")


if __name__ == "__main__":
    main()

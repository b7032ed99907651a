#!/usr/bin/env python3
"""Import-speed benchmark: `bantin import` over N generated scraped bulletins (.txt).

Writes N bulletins in the style of the seeds (page chrome first and last, a title, a date
line or "Sáng 7-1" with the date in the file name, paragraphs of targets, results, shares,
changes and part-year figures, photo captions, a credit line) into a temporary folder, copies
the fixture site tests/fixtures/import beside them, and times
`target/release/bantin import --root SITE INPUTS` (a fresh copy of the site for every run, so
every run writes all N drafts). Prints each run's wall time, the median, the time per
bulletin and what the import reported.

Usage: bench/import_bench.py [--n 10000] [--runs 3] [--work DIR] [--seed 1]
Needs: python3 and a release build of bantin (built here with cargo if missing).
The goal (issue 14): 10,000 bulletins in under 10 s on the 2-core benchmark machine.
"""
import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BANTIN = os.path.join(ROOT, "target", "release", "bantin")
SITE = os.path.join(ROOT, "tests", "fixtures", "import")

UNITS = [
    ("huyện", "Thăng Bình"), ("huyện", "Krông Pắc"), ("huyện", "Lạc Sơn"),
    ("thị xã", "Kỳ Anh"), ("thị xã", "Phổ Yên"), ("thành phố", "Sông Công"),
    ("huyện", "Đông Sơn"), ("xã", "Hòa Tiến"),
]
CHROME_TOP = ["Trang chủ", "Đăng nhập", "► Tin tức", "Tìm kiếm", "TIN HOẠT ĐỘNG"]
CHROME_END = ["Tin liên quan", "Thống kê truy cập", "Đang truy cập: 1234"]
CAPTIONS = ["Quang cảnh hội nghị", "Các đại biểu dự hội nghị", "Đồng chí Bí thư phát biểu"]
CREDITS = ["Hoài Nhân", "T/h: Ánh Tuyết", "Tin, ảnh: Hoàng Gia", "Minh Chín - Đào Hạnh", "PV"]


def num(r, lo, hi, decimals=0):
    x = r.uniform(lo, hi)
    if decimals == 0:
        s = f"{int(x):,}".replace(",", ".")
    else:
        s = f"{x:.{decimals}f}".replace(".", ",")
    return s


def bulletin(r, i):
    kind, name = r.choice(UNITS)
    year = r.randint(2016, 2024)
    month, day = r.randint(1, 12), r.randint(1, 28)
    dated_line = r.random() < 0.5
    title = f"{kind.capitalize()} {name} triển khai nhiệm vụ phát triển kinh tế - xã hội năm {year + 1} (số {i})"
    lines = r.sample(CHROME_TOP, 3) + ["", title, ""]
    if dated_line:
        lines += [f"{day:02d}/{month:02d}/{year} {r.randint(7, 17):02d}:{r.randint(0, 59):02d}", ""]
    lines += [
        f"{'Sáng' if r.random() < 0.5 else 'Chiều'} {day}/{month}, UBND {kind} {name} tổ chức hội nghị "
        f"tổng kết năm {year} và triển khai nhiệm vụ năm {year + 1}.",
        "",
        r.choice(CAPTIONS),
        "",
        f"Năm {year}, thu ngân sách nhà nước trên địa bàn ước đạt {num(r, 100, 900, 1)} tỷ đồng, "
        f"bằng {num(r, 90, 130, 1)}% dự toán; tốc độ tăng trưởng kinh tế đạt {num(r, 5, 12, 1)}%; "
        f"tỷ lệ hộ nghèo giảm còn {num(r, 1, 9, 2)}%, giảm {r.randint(50, 400)} hộ so với năm {year - 1}; "
        f"giải quyết việc làm cho {num(r, 1000, 4000)} lao động.",
        "",
        f"9 tháng năm {year}, giá trị sản xuất công nghiệp - tiểu thủ công nghiệp đạt {num(r, 1000, 30000)} tỷ đồng, "
        f"tăng {num(r, 5, 15, 1)}% so với cùng kỳ; kim ngạch xuất khẩu đạt {num(r, 10, 90, 1)} triệu USD.",
        "",
        r.choice(CAPTIONS),
        "",
        f"Năm {year + 1}, {kind} phấn đấu thu ngân sách khoảng {num(r, 100, 900)} tỷ đồng theo dự toán tỉnh giao "
        f"và {num(r, 100, 990)} tỷ đồng theo nghị quyết; thu nhập bình quân đầu người trên {r.randint(40, 80)} triệu đồng; "
        f"tỷ lệ dân số tham gia bảo hiểm y tế đạt {num(r, 90, 99, 1)}%; có thêm {r.randint(1, 5)} xã đạt chuẩn "
        f"nông thôn mới; 18/19 chỉ tiêu đạt và vượt kế hoạch.",
        "",
        "Hội nghị cũng đã khen thưởng các tập thể, cá nhân có thành tích xuất sắc trong năm, "
        "đồng thời thảo luận các giải pháp tháo gỡ khó khăn cho sản xuất, kinh doanh.",
        "",
        r.choice(CREDITS),
        "",
    ] + r.sample(CHROME_END, 2)
    fname = f"{name.lower().replace(' ', '-')}-{i:06d}-{year}-{month:02d}-{day:02d}.txt"
    return fname, "\n".join(lines) + "\n"


def generate(inputs, n, seed):
    r = random.Random(seed)
    os.makedirs(inputs, exist_ok=True)
    for i in range(n):
        fname, text = bulletin(r, i)
        with open(os.path.join(inputs, fname), "w", encoding="utf-8") as f:
            f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if not os.path.exists(BANTIN):
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    work = args.work or tempfile.mkdtemp(prefix="bantin-import-bench-")
    inputs = os.path.join(work, "inputs")
    t0 = time.perf_counter()
    generate(inputs, args.n, args.seed)
    print(f"generated {args.n} bulletins in {time.perf_counter() - t0:.1f} s into {inputs}")
    times = []
    sites = []
    for run in range(args.runs):
        site = os.path.join(work, f"site-{run}")
        sites.append(site)
        shutil.copytree(SITE, site, ignore=shutil.ignore_patterns("inputs", "gold.yaml"))
        # Earlier runs' drafts written out first, untimed. Sites are removed only after the
        # last run: ext4 is slow to allocate inodes right after many were freed, which would
        # charge one run for the removal of the one before.
        subprocess.run(["sync"])
        t = time.perf_counter()
        p = subprocess.run([BANTIN, "import", "--root", site, inputs], capture_output=True, text=True)
        dt = time.perf_counter() - t
        times.append(dt)
        summary = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else p.stderr[-300:]
        print(f"run {run + 1}: {dt:.2f} s (exit {p.returncode}): {summary}")
    for site in sites:
        shutil.rmtree(site)
    med = statistics.median(times)
    print(f"median {med:.2f} s for {args.n} bulletins, {med / args.n * 1e3:.3f} ms per bulletin, "
          f"on {os.cpu_count()} cores (goal: 10,000 in under 10 s)")
    if not args.work:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())

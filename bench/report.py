"""Writes bench/RESULTS.md from the measurements of bench/run.

    python3 bench/report.py RESULTS.tsv META.tsv bench/RESULTS.md

RESULTS.tsv: size, measurement, run, wall seconds, max RSS KiB, output bytes,
CPU seconds (user + system).
META.tsv: key, value. Everything in RESULTS.md is rewritten except the
hand-written notes block between NOTES_BEGIN and NOTES_END, which is kept
as it is (or started with a heading and a TODO when there is none).
"""

import os
import statistics
import sys
from collections import defaultdict

NOTES_BEGIN = "<!-- notes: begin (hand-written; bench/run keeps this block as it is) -->"
NOTES_END = "<!-- notes: end -->"
NOTES_DEFAULT = """## Where the time goes

TODO: what `plan` does beyond the floor, and where (hand-written; re-running
bench/run keeps everything between the notes markers)."""

MEASUREMENTS = ["floor", "streaming read", "validate", "plan"]
COMPARISON = ["floor", "pandas", "polars"]
GIB = 1024 * 1024  # KiB


def rows_of(size: str) -> int:
    k, _, rows = size.rpartition("x")
    return int(k or 1) * int(rows)


def label(size: str) -> str:
    def short(n: int) -> str:
        if n % 1_000_000 == 0:
            return f"{n // 1_000_000}M"
        if n % 1000 == 0:
            return f"{n // 1000}k"
        return str(n)

    k, _, rows = size.rpartition("x")
    return f"{k} × {short(int(rows))}" if k else short(int(rows))


def main() -> None:
    results_path, meta_path, out_path = sys.argv[1:4]
    runs = defaultdict(list)  # (size, measurement) -> [(wall, rss KiB, bytes)]
    cpus = defaultdict(list)  # (size, measurement) -> [CPU seconds]
    with open(results_path, encoding="utf-8") as f:
        for line in f:
            size, name, _run, wall, rss, out, cpu = line.rstrip("\n").split("\t")
            runs[(size, name)].append((float(wall), int(rss), int(out)))
            cpus[(size, name)].append(float(cpu))
    meta = []
    with open(meta_path, encoding="utf-8") as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("\t")
            meta.append((key, value))
    info = dict(meta)

    def wall(size, name):
        r = runs.get((size, name))
        return statistics.median(w for w, _, _ in r) if r else None

    def peak(size, name):
        r = runs.get((size, name))
        return max(m for _, m, _ in r) if r else None

    def ratio(a, b):
        return a / b if a is not None and b else None

    def fmt(x, spec=".2f", suffix=""):
        return "—" if x is None else f"{x:{spec}}{suffix}"

    sizes = sorted({s for s, n in runs if n in MEASUREMENTS}, key=rows_of)
    main_sizes = [s for s in sizes if any((s, n) in runs for n in MEASUREMENTS[1:])]
    out = []
    w = out.append
    w("# Benchmark results (issue 10)")
    w("")
    w("Written by `bench/run`; do not edit outside the notes block at the end,")
    w("which re-runs keep. Times are medians of the runs, wall clock; peak")
    w("memory is the largest \"Maximum resident set size\" of `/usr/bin/time -v`")
    w("over the runs; CPU is the median user + system time, so CPU / wall near 2")
    w("means both cores busy. Every measurement reads registers that are already")
    w("in the page cache. The runs go in rounds, each round every measurement of")
    w("every size, so that both sides of a ratio between sizes are measured over")
    w("the same stretch of time.")
    w("")
    w("## Machine and run")
    w("")
    w(f"- CPU: {info.get('cpu', '?')}, {info.get('cores', '?')} cores; "
      f"memory {info.get('memory', '?')}; {info.get('os', '?')}; {info.get('rustc', '?')}")
    w(f"- Date: {info.get('date', '?')}; commit {info.get('commit', '?')}")
    if "build" in info:
        w(f"- Binaries: {info['build']}")
    w(f"- Runs per measurement: {info.get('runs', '?')}; `plan --as-of {info.get('as_of', '?')}`")
    w(f"- Load average (1, 5, 15 min) before: {info.get('load_before', '?')}; "
      f"after: {info.get('load_after', '?')}")
    for key, value in meta:
        if key.startswith("files "):
            w(f"- Registers of {label(key[6:])}: {value.rstrip('; ')}")
    w("")
    w("Measurements: **floor** = `bench/floor.rs` (calamine's streaming cell reader")
    w("reads every cell of every file; rust_xlsxwriter in constant-memory mode")
    w("writes the same rows × columns into one workbook, continuing on a new")
    w("sheet every 1,048,576 rows); **streaming read** = `examples/plain_read.rs")
    w("--stream` (the read alone); **validate** = `clearance validate FILE… --show")
    w("0`; **plan** = `clearance plan FILE… --as-of … --out DIR --force`.")
    w("")
    w("## Measurements")
    w("")
    if main_sizes:
        w("| registers | rows | measurement | median (s) | runs (s) | CPU (s) | CPU / wall | peak memory (MiB) | output (MB) |")
        w("| --- | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: |")
        for s in main_sizes:
            for n in MEASUREMENTS:
                r = runs.get((s, n))
                if not r:
                    continue
                out_mb = max(b for _, _, b in r) / 1e6
                cpu = statistics.median(cpus[(s, n)])
                w(f"| {label(s)} | {rows_of(s):,} | {n} | {wall(s, n):.2f} | "
                  f"{', '.join(f'{x:.2f}' for x, _, _ in r)} | {cpu:.2f} | "
                  f"{fmt(ratio(cpu, wall(s, n)), '.2f')} | {peak(s, n) / 1024:,.0f} | "
                  f"{fmt(out_mb if out_mb else None, ',.1f')} |")
    else:
        w("No sizes were measured.")
    w("")
    w("## Ratios")
    w("")
    if main_sizes:
        w("| ratio | " + " | ".join(label(s) for s in main_sizes) + " |")
        w("| --- | " + " | ".join("---:" for _ in main_sizes) + " |")
        w("| plan / floor | " + " | ".join(fmt(ratio(wall(s, "plan"), wall(s, "floor")), ".2f", "×") for s in main_sizes) + " |")
        w("| validate / streaming read | " + " | ".join(fmt(ratio(wall(s, "validate"), wall(s, "streaming read")), ".2f", "×") for s in main_sizes) + " |")
        w("| floor / streaming read | " + " | ".join(fmt(ratio(wall(s, "floor"), wall(s, "streaming read")), ".2f", "×") for s in main_sizes) + " |")
        w("")
    pairs = list(zip(main_sizes, main_sizes[1:]))
    if pairs:
        w("Scaling (time of the larger size over the time of the smaller; rows grow by the factor in brackets):")
        w("")
        w("| measurement | " + " | ".join(f"{label(b)} / {label(a)} (×{rows_of(b) / rows_of(a):g})" for a, b in pairs) + " |")
        w("| --- | " + " | ".join("---:" for _ in pairs) + " |")
        for n in MEASUREMENTS:
            w(f"| {n} | " + " | ".join(fmt(ratio(wall(b, n), wall(a, n)), ".2f", "×") for a, b in pairs) + " |")
        w("")
    elif main_sizes:
        w("Scaling: only one size was measured.")
        w("")

    w("## Targets")
    w("")
    w("| target | measured | limit | |")
    w("| --- | ---: | ---: | --- |")

    def target(text, value, limit, spec, suffix):
        if value is None:
            verdict = "not measured"
        elif value <= limit:
            verdict = "met"
        else:
            verdict = "**not met**"
        w(f"| {text} | {fmt(value, spec, suffix)} | {limit:{spec}}{suffix} | {verdict} |")

    one, five, hundred = "1000000", "5x1000000", "100000"
    target("plan ≤ 1.1 × floor at 1M rows", ratio(wall(one, "plan"), wall(one, "floor")), 1.1, ".2f", "×")
    p = peak(one, "plan")
    target("plan peak memory at 1M rows ≤ 1 GiB", p / GIB if p else None, 1.0, ".2f", " GiB")
    target("plan, 5 × 1M rows in five files ≤ 5.5 × plan at 1M", ratio(wall(five, "plan"), wall(one, "plan")), 5.5, ".2f", "×")
    p = peak(five, "plan")
    target("plan peak memory at 5 × 1M rows ≤ 4 GiB", p / GIB if p else None, 4.0, ".2f", " GiB")
    for s in sorted(set(main_sizes) | {hundred, one, five}, key=rows_of):
        target(f"validate ≤ 1.2 × streaming read ({label(s)})",
               ratio(wall(s, "validate"), wall(s, "streaming read")), 1.2, ".2f", "×")
    w("")

    w("## Python, for comparison (read + write of the 100,000-row register)")
    w("")
    for key in ("compare", "python pandas", "python polars"):
        if key in info:
            w(f"- {key.removeprefix('python ')}: {info[key]}")
    have = [n for n in COMPARISON if (hundred, n) in runs]
    if any(n != "floor" for n in have):
        w("")
        w("pandas: `read_excel(engine=\"openpyxl\")` + `to_excel(engine=\"openpyxl\")`;")
        w("polars: `read_excel(engine=\"calamine\")` (fastexcel) + `write_excel()` (xlsxwriter).")
        w("Whole processes, so Python's start and imports are included.")
        w("")
        w("| 100k rows | median (s) | runs (s) | peak memory (MiB) | × floor |")
        w("| --- | ---: | --- | ---: | ---: |")
        for n in have:
            r = runs[(hundred, n)]
            w(f"| {n} | {wall(hundred, n):.2f} | {', '.join(f'{x:.2f}' for x, _, _ in r)} | "
              f"{peak(hundred, n) / 1024:,.0f} | {fmt(ratio(wall(hundred, n), wall(hundred, 'floor')), '.1f', '×')} |")
    w("")

    notes = NOTES_DEFAULT
    if os.path.exists(out_path):
        with open(out_path, encoding="utf-8") as f:
            old = f.read()
        b, e = old.find(NOTES_BEGIN), old.find(NOTES_END)
        if b != -1 and e > b:
            notes = old[b + len(NOTES_BEGIN):e].strip("\n")
    w(NOTES_BEGIN)
    w(notes)
    w(NOTES_END)
    with open(out_path + ".tmp", "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    os.replace(out_path + ".tmp", out_path)


if __name__ == "__main__":
    main()

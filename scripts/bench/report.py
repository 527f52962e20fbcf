"""Print the benchmark table from wrk's runs, and judge it against the aims.

Usage: report.py RUN_DIR [MARKDOWN_OUT]

Each side (API, bare) of each endpoint is measured in several rounds that alternate with the other
side's, so background load falls on both alike. load.lua writes every round to
RUN_DIR/<endpoint>-<api|bare>-<round>.run: a JSON line, then the latency histogram. Rounds are merged
exactly: requests/s is all requests over all measured time, p50/p99 come from the summed histograms.
The ratio is API requests/s over bare requests/s. Aims: every ratio >= 0.5 and every API p99 <= 50 ms.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ENDPOINTS = [
    ("detail", "GET /projects/{id}/"),
    ("list", "GET /projects/?stage= (50 rows)"),
    ("action", "POST …/actions/record_inspection/"),
]
ERRORS = ["connect", "read", "write", "timeout", "status"]
MIN_RATIO, MAX_P99_MS = 0.5, 50.0


def merge(run_dir: Path, endpoint: str, side: str) -> dict | None:
    runs = sorted(run_dir.glob(f"{endpoint}-{side}-*.run"))
    if not runs:
        return None
    requests = duration_us = 0
    errors: Counter[str] = Counter()
    histogram: Counter[int] = Counter()
    for run in runs:
        head, *pairs = run.read_text().splitlines()
        summary = json.loads(head)
        requests += summary["requests"]
        duration_us += summary["duration_us"]
        errors.update({kind: summary[kind] for kind in ERRORS})
        for pair in pairs:
            value, count = pair.split()
            histogram[int(value)] += int(count)
    return {
        "rps": requests / (duration_us / 1e6),
        "p50_ms": percentile(histogram, 50),
        "p99_ms": percentile(histogram, 99),
        "requests": requests,
        "rounds": len(runs),
        "errors": {kind: count for kind, count in errors.items() if count},
    }


def percentile(histogram: Counter[int], p: float) -> float:
    total = sum(histogram.values())
    if not total:
        return 0.0
    rank, seen = total * p / 100, 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value / 1000
    return max(histogram) / 1000


def main() -> None:
    run_dir = Path(sys.argv[1])
    header = ["endpoint", "API req/s", "API p50", "API p99", "bare req/s", "bare p50", "bare p99", "ratio"]
    rows, notes = [], []
    for endpoint, label in ENDPOINTS:
        api, bare = merge(run_dir, endpoint, "api"), merge(run_dir, endpoint, "bare")
        if api is None or bare is None:
            continue
        ratio = api["rps"] / bare["rps"] if bare["rps"] else 0.0
        rows.append(
            [
                label,
                f"{api['rps']:.0f}",
                f"{api['p50_ms']:.1f} ms",
                f"{api['p99_ms']:.1f} ms",
                f"{bare['rps']:.0f}",
                f"{bare['p50_ms']:.1f} ms",
                f"{bare['p99_ms']:.1f} ms",
                f"{ratio:.2f}",
            ]
        )
        for side, result in (("API", api), ("bare", bare)):
            if result["errors"]:
                notes.append(f"{endpoint} {side}: errors {result['errors']} in {result['requests']} requests")
        if ratio < MIN_RATIO:
            notes.append(f"{endpoint}: ratio {ratio:.2f} < {MIN_RATIO}")
        if api["p99_ms"] > MAX_P99_MS:
            notes.append(f"{endpoint}: API p99 {api['p99_ms']:.1f} ms > {MAX_P99_MS:.0f} ms")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    line = "  ".join(f"{{:<{width}}}" for width in widths)
    print(line.format(*header))
    print(line.format(*("-" * width for width in widths)))
    for row in rows:
        print(line.format(*row))
    print()
    for note in notes or ["every ratio >= 0.5 and every API p99 <= 50 ms"]:
        print(f"  {'MISSED' if notes else 'MET'}: {note}")
    if len(sys.argv) > 2:
        markdown = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        markdown += ["| " + " | ".join(row) + " |" for row in rows]
        Path(sys.argv[2]).write_text("\n".join(markdown) + "\n")


if __name__ == "__main__":
    main()

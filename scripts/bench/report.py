"""Print the benchmark table from wrk's runs, and judge it against the aims.

Usage: report.py RUN_DIR [MARKDOWN_OUT]

Each side (API, bare, floor) of each endpoint is measured in several rounds that alternate with the
other sides', so background load falls on all alike. load.lua writes every round to
RUN_DIR/<endpoint>-<api|bare|floor>-<round>.run: a JSON line, then the latency histogram. Rounds are
merged exactly: requests/s is all requests over all measured time, p50/p99 come from the summed
histograms. "API ÷ bare" and "API ÷ floor" are API requests/s over the bare views' and the floors'.
Aims: every API ÷ floor >= 0.5 and every API p99 <= 50 ms. The earlier aim, every API ÷ bare >= 0.5,
is still judged, on a line of its own.
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


def ratio(api: dict, other: dict | None) -> float | None:
    if other is None:
        return None
    return api["rps"] / other["rps"] if other["rps"] else 0.0


def side_cells(result: dict | None) -> list[str]:
    if result is None:
        return ["—"] * 3
    return [f"{result['rps']:.0f}", f"{result['p50_ms']:.1f} ms", f"{result['p99_ms']:.1f} ms"]


HEADER = [
    "endpoint",
    *(f"{side} {figure}" for side in ("API", "bare", "floor") for figure in ("req/s", "p50", "p99")),
    "API ÷ bare",
    "API ÷ floor",
]


def table(run_dir: Path) -> tuple[list[list[str]], list[str], list[str]]:
    """The rows, then what misses the aims (API ÷ floor, API p99, errors), then what misses API ÷ bare."""
    rows, notes, bare_notes = [], [], []
    for endpoint, label in ENDPOINTS:
        api = merge(run_dir, endpoint, "api")
        if api is None:
            continue
        bare, floor = merge(run_dir, endpoint, "bare"), merge(run_dir, endpoint, "floor")
        to_bare, to_floor = ratio(api, bare), ratio(api, floor)
        rows.append(
            [
                label,
                *side_cells(api),
                *side_cells(bare),
                *side_cells(floor),
                "—" if to_bare is None else f"{to_bare:.2f}",
                "—" if to_floor is None else f"{to_floor:.2f}",
            ]
        )
        for side, result in (("API", api), ("bare", bare), ("floor", floor)):
            if result is not None and result["errors"]:
                notes.append(f"{endpoint} {side}: errors {result['errors']} in {result['requests']} requests")
        if to_floor is None:
            notes.append(f"{endpoint}: no floor measured")
        elif to_floor < MIN_RATIO:
            notes.append(f"{endpoint}: API ÷ floor {to_floor:.3f} < {MIN_RATIO}")
        if api["p99_ms"] > MAX_P99_MS:
            notes.append(f"{endpoint}: API p99 {api['p99_ms']:.1f} ms > {MAX_P99_MS:.0f} ms")
        if to_bare is None:
            bare_notes.append(f"{endpoint}: no bare view measured")
        elif to_bare < MIN_RATIO:
            bare_notes.append(f"{endpoint}: API ÷ bare {to_bare:.3f} < {MIN_RATIO}")
    return rows, notes, bare_notes


def main() -> None:
    run_dir = Path(sys.argv[1])
    rows, notes, bare_notes = table(run_dir)
    widths = [max(len(str(row[i])) for row in [HEADER, *rows]) for i in range(len(HEADER))]
    line = "  ".join(f"{{:<{width}}}" for width in widths)
    print(line.format(*HEADER))
    print(line.format(*("-" * width for width in widths)))
    for row in rows:
        print(line.format(*row))
    print()
    print("  aims:")
    for note in notes or [f"every API ÷ floor >= {MIN_RATIO} and every API p99 <= {MAX_P99_MS:.0f} ms"]:
        print(f"  {'MISSED' if notes else 'MET'}: {note}")
    print("  the earlier aim, API against the bare views:")
    for note in bare_notes or [f"every API ÷ bare >= {MIN_RATIO}"]:
        print(f"  {'MISSED' if bare_notes else 'MET'}: {note}")
    if len(sys.argv) > 2:
        markdown = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
        markdown += ["| " + " | ".join(row) + " |" for row in rows]
        Path(sys.argv[2]).write_text("\n".join(markdown) + "\n")


if __name__ == "__main__":
    main()

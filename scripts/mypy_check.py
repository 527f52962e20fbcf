#!/usr/bin/env python
"""mypy for `make lint` and `make test`, against a baseline that may only shrink (issue 8 item 5).

govpm/core, govpm/accounts, govpm/policy and govpm/projects must have no error at all. Elsewhere each
file may have at most the number of errors scripts/mypy-baseline.txt records for it; a file not listed
may have none. Counts per file, not error lines, so unrelated edits that move lines do not break it.

    python scripts/mypy_check.py           # run mypy and compare; exit 1 on any new error
    python scripts/mypy_check.py --write   # record the current counts; refused if any count grew
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scripts" / "mypy-baseline.txt"
STRICT = ("govpm/core/", "govpm/accounts/", "govpm/policy/", "govpm/projects/")
ERROR = re.compile(r"^(?P<path>[^:\s]+\.py):\d+(?::\d+)?: error: ")


def count_errors(output: str) -> Counter[str]:
    """Errors per file in mypy's output (notes are not errors)."""
    return Counter(m["path"] for line in output.splitlines() if (m := ERROR.match(line)))


def read_baseline(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            path, number = line.rsplit(maxsplit=1)
            counts[path] = int(number)
    return counts


def format_baseline(counts: Counter[str]) -> str:
    lines = [
        "# Errors mypy may still report, per file (scripts/mypy_check.py). This list may only shrink:",
        "# fix a file's errors, then run `python scripts/mypy_check.py --write`.",
    ]
    lines += [f"{path} {counts[path]}" for path in sorted(counts) if counts[path]]
    return "\n".join(lines) + "\n"


def problems(current: Counter[str], baseline: Counter[str]) -> list[str]:
    """What makes the check fail: any error in a strict package, or more errors in a file than recorded."""
    found = []
    for path, number in sorted(current.items()):
        if path.startswith(STRICT):
            found.append(f"{path}: {number} error(s); {', '.join(STRICT)} must have none")
        elif number > baseline[path]:
            found.append(f"{path}: {number} error(s), the baseline allows {baseline[path]}")
    found += [
        f"the baseline lists {path} in a package that must have none"
        for path in baseline
        if path.startswith(STRICT)
    ]
    return found


def run_mypy() -> str:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode not in (0, 1) or "error: " not in result.stdout and result.returncode:
        raise SystemExit(f"mypy did not run: {result.stdout}{result.stderr}")
    return result.stdout


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="record the current counts (may only shrink)")
    args = parser.parse_args()
    output = run_mypy()
    current = count_errors(output)
    baseline = read_baseline(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else Counter()
    found = problems(current, baseline)
    if args.write and not BASELINE.exists():
        found = [line for line in found if line.startswith(STRICT)]  # the first baseline: what is there now
    if found:
        print(output, end="")
        print("\nmypy: new errors beyond scripts/mypy-baseline.txt:")
        print("\n".join(f"  {line}" for line in found))
        return 1
    if args.write:
        BASELINE.write_text(format_baseline(current), encoding="utf-8")
    fixed = sum(baseline.values()) - sum(current.values())
    print(f"mypy: {sum(current.values())} error(s) in {len(current)} baseline file(s), none new", end="")
    print(
        f"; {fixed} fewer than recorded: run scripts/mypy_check.py --write"
        if fixed > 0 and not args.write
        else ""
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

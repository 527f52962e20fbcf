"""Issue 8 item 7: the repository is self-contained. The spec pages and the seed gazette the tests read
are copies kept in spec/ and seeds/; each still hashes to the SHA-256 spec/README.md records, and,
wherever ../shared is laid beside the clone (CI, every developer), is byte-identical to its source."""

import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
COPIES = [
    "spec/lifecycle.md",
    "spec/targets.md",
    "spec/additions-2026-12.md",
    "seeds/000_bc2f34306525a79a.txt",
]


def recorded_hashes() -> dict[str, str]:
    """copy → SHA-256, from the table in spec/README.md."""
    text = (ROOT / "spec" / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$", text, flags=re.M))


def test_spec_readme_records_where_each_copy_came_from_and_its_hash():
    assert set(recorded_hashes()) == set(COPIES)


@pytest.mark.parametrize("copy", COPIES)
def test_each_copy_is_the_bytes_recorded_and_matches_shared_when_present_issue_8_item_7(copy):
    data = (ROOT / copy).read_bytes()
    assert hashlib.sha256(data).hexdigest() == recorded_hashes()[copy], f"{copy} changed: copy it again"
    source = SHARED / copy
    if SHARED.is_dir():
        assert source.read_bytes() == data, f"{copy} differs from ../shared/{copy}: copy it again"


def test_nothing_reads_shared_at_run_time_or_in_tests():
    """No test, script or module reaches for ../shared: the copies are what they read."""
    offenders = []
    for path in [*ROOT.glob("govpm/**/*.py"), *ROOT.glob("tests/**/*.py"), *ROOT.glob("scripts/**/*.py")]:
        if path.name == "test_sources.py":
            continue
        text = path.read_text(encoding="utf-8")
        # A path to ../shared: "../shared", `ROOT.parent / "shared"`, "shared/…" (not the word as a key).
        if re.search(r"""\.\./shared|/\s*["']shared["']|["']shared/""", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []

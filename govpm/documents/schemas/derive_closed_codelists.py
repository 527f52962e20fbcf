"""Write the closed codelists of a schema as CSV, from the schema's own `enum`s.

A closed codelist's codes are exactly the `enum` of the fields that use it, so these CSVs are exact.
Open codelists have no `enum`; their official CSVs are not in any package registry reachable here, so
they are not shipped and the validators skip them (see README.md). Run from this folder:

    python derive_closed_codelists.py ocds/1__1__5/schema/release-schema.json ocds/1__1__5/schema/codelists
    python derive_closed_codelists.py oc4ids/0__9__0__beta/project-schema.json oc4ids/0__9__0__beta/codelists
"""

import csv
import json
import sys
from pathlib import Path


def closed_codelists(node, found: dict[str, list[str]]) -> dict[str, list[str]]:
    if isinstance(node, dict):
        if "codelist" in node and node.get("openCodelist") is False:
            enum = node.get("enum") or (node.get("items") or {}).get("enum") or []
            codes = found.setdefault(node["codelist"], [])
            codes.extend(code for code in enum if code is not None and code not in codes)
        for value in node.values():
            closed_codelists(value, found)
    elif isinstance(node, list):
        for value in node:
            closed_codelists(value, found)
    return found


def main(schema_path: str, out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, codes in sorted(closed_codelists(json.loads(Path(schema_path).read_text()), {}).items()):
        with (out / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["Code"])
            writer.writerows([code] for code in codes)


if __name__ == "__main__":
    main(*sys.argv[1:3])

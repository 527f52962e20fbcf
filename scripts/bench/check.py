"""Before any load: prove each bare view is a fair comparison, in-process, on the seeded database.

For detail, list and action, the API endpoint and its bare view are called once each (Django's test
client, the bench settings). The check fails unless
  - both answer 200,
  - they issue the same SQL statements, in the same order (compared as templates, parameters aside),
  - their JSON bodies are equal (pagination links and new row ids aside),
and unless config.urls — the URLconf of every deployment — does not reach the bare views.

Then each floor (config/bench_floors.py) is called once: it must answer 200 and issue exactly the
statements it is meant to (FLOOR_STATEMENTS), so the floor stays the floor.

Usage: check.py OUT_DIR (reads OUT_DIR/plan.json and the id files seed.py wrote).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402
from django.utils import timezone  # noqa: E402

from config import bench_floors  # noqa: E402
from govpm.accounts.models import User  # noqa: E402
from govpm.projects import readmodel, selectors  # noqa: E402

API, BARE, FLOOR = "/api/v1", "/bench/bare", "/bench/floor"
# Statements each floor issues, as the execute wrapper sees them. detail and list: one SELECT. action:
# the INSERT of the inspection and the INSERT of the audit row, both RETURNING the new id — the
# transaction's BEGIN and COMMIT are not statements psycopg executes (it opens the transaction itself;
# Django commits through the connection), and the bench user's unit and audit fields are read once per
# process, before the count (bench_floors.bench_actor below).
FLOOR_STATEMENTS = {"detail": 1, "list": 1, "action": 2}


class Statements:
    """Every SQL statement the connection executes, as its template (parameters are not compared)."""

    def __init__(self) -> None:
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)


def call(client: Client, method: str, url: str, body: dict | None) -> tuple[int, dict, list[str]]:
    statements = Statements()
    with connection.execute_wrapper(statements):
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data=json.dumps(body), content_type="application/json")
    return response.status_code, json.loads(response.content), statements.sql


def normalise(body: dict, prefix: str) -> dict:
    """Links name their own path; an action's result names the row it just created."""
    text = json.dumps(body, ensure_ascii=False, sort_keys=True).replace(prefix, "<prefix>")
    body = json.loads(text)
    if isinstance(body.get("result"), dict):
        body["result"]["id"] = "<new>"
    return body


def plan_nodes(plan: dict) -> list[dict]:
    return [plan, *(node for child in plan.get("Plans", []) for node in plan_nodes(child))]


def check_list_plan(plan: dict) -> bool:
    """ADR 0402: PostgreSQL reads the list's page off the ranking index (no sort of the whole filter) and
    counts the filter, in the same statement, from an index (no sequential scan). Returns True when it
    does not."""
    user = User.objects.get(username="bench-bdb")
    failed = False
    for stage in plan["list_stages"]:
        projects = selectors.project_list(user, {"stage": stage})
        with CaptureQueriesContext(connection) as read:
            readmodel.counted_rows(projects, 0, 50)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + read.captured_queries[0]["sql"])
            found = cursor.fetchone()[0]
        found = json.loads(found) if isinstance(found, str) else found
        nodes = plan_nodes(found[0]["Plan"])
        count = [node for node in nodes if node.get("Parent Relationship") in ("InitPlan", "SubPlan")]
        page = [node for node in nodes if node not in count and not _under(node, count)]
        names = [node["Node Type"] for node in nodes]
        ok = (
            not {"Sort", "Incremental Sort", "Seq Scan"} & set(names)
            and "project_pool_rank_idx" in {node.get("Index Name") for node in page}
            and len(read.captured_queries) == 1
        )
        shown = " → ".join(node["Node Type"] for node in page)
        counted = " → ".join(node["Node Type"] for node in plan_nodes(count[0])) if count else "none"
        print(f"  check list ({stage}): page {shown}; count {counted}{'' if ok else ': FAILED'}")
        failed = failed or not ok
    return failed


def _under(node: dict, roots: list[dict]) -> bool:
    return any(node is child for root in roots for child in plan_nodes(root))


def main() -> None:
    out_dir = Path(sys.argv[1])
    plan = json.loads((out_dir / "plan.json").read_text())
    detail_id = int((out_dir / "detail_ids.txt").read_text().split()[0])
    action_id = int((out_dir / "action_ids.txt").read_text().split()[0])
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {plan['token']}")
    inspection = {
        "inspected_on": timezone.localdate().isoformat(),
        "result": "on_track",
        "findings": "进度符合计划",
    }
    cases = [
        ("detail", "GET", f"/projects/{detail_id}/", None),
        ("list", "GET", f"/projects/?stage={plan['list_stages'][0]}", None),
        ("action", "POST", f"/projects/{action_id}/actions/record_inspection/", inspection),
    ]
    failed = False
    for name, method, url, body in cases:
        api_status, api_body, api_sql = call(client, method, API + url, body)
        bare_status, bare_body, bare_sql = call(client, method, BARE + url, body)
        problems = []
        if (api_status, bare_status) != (200, 200):
            problems.append(f"status API {api_status}, bare {bare_status}")
        if api_sql != bare_sql:
            problems.append(
                "different SQL:\n    API:  "
                + "\n          ".join(api_sql)
                + "\n    bare: "
                + "\n          ".join(bare_sql)
            )
        if normalise(api_body, API) != normalise(bare_body, BARE):
            problems.append(f"different bodies:\n    API:  {api_body}\n    bare: {bare_body}")
        print(
            f"  check {name:<7} {len(api_sql):>2} statements each, {'same SQL and body' if not problems else 'FAILED'}"
        )
        for problem in problems:
            print(f"    {problem}")
        failed = failed or bool(problems)
    bench_floors.bench_actor()  # the once-per-process read, outside the count
    anonymous = Client(HTTP_HOST="127.0.0.1")  # a floor reads no token
    for name, method, url, body in cases:
        status, _, sql = call(anonymous, method, FLOOR + url, body)
        expected = FLOOR_STATEMENTS[name]
        ok = status == 200 and len(sql) == expected
        print(
            f"  check {name:<7} floor: status {status}, {len(sql)} statement{'s' * (len(sql) != 1)}"
            f" (expected 200, {expected}){'' if ok else ': FAILED'}"
        )
        if not ok:
            print("    " + "\n    ".join(sql))
        failed = failed or not ok
    failed = check_list_plan(plan) or failed
    for prefix, views in ((BARE, "bare views"), (FLOOR, "floors")):
        try:
            resolve(f"{prefix}/projects/1/", urlconf="config.urls")
            print(f"  check   the {views} are reachable from config.urls: FAILED")
            failed = True
        except Resolver404:
            pass
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()

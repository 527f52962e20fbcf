"""The benchmark's floors: the cheapest answer a Django app can give to each endpoint's request.

A floor is a plain Django function view that does the least database work the endpoint's request
could mean, and nothing else: no authentication, no visibility rule, no serializer, no lifecycle
(no row lock, no precondition, no notices, no hash chain), one page without a count, and a
JsonResponse written with DjangoJSONEncoder. It is what this stack costs before any of the
application's choices — Django's request/response path, the ORM compiling one statement (two for
the action), psycopg, PostgreSQL — so "API ÷ floor" says how much of the machine the application's
layers use on top of that, where "API ÷ bare" (config/bench_urls.py) only compares the framework
layers over the same SQL.

The comparison is deliberately unfair, and the figures must be read so:
  - no Authorization header is read: the API spends a token lookup on every request, the floor none;
  - detail: one row of 13 list columns by primary key, against the API's project with its unit and
    every prefetched relation its detail shows;
  - list: the first 50 rows of the stage in id order, against the API's COUNT(*) and a page ranked by
    priority with each row's unit;
  - action: two INSERTs in one transaction (the inspection, an audit row), against the API's token
    lookup, row lock, checks, inspection, sealed audit event (chain lock and last hash), notices and the
    project detail it answers with. The floor's audit row is not sealed (hash and prev_hash empty): the
    benchmark database's hash chain does not verify afterwards, which does not matter there.
Mounted only by config.bench_urls (config.settings.bench); config.urls never reaches these views.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from govpm.accounts.models import User
from govpm.projects.api.outputs import ProjectListItem
from govpm.projects.models import Event, Inspection, Project
from govpm.projects.stages import Stage

# The columns of a list row (govpm.projects.api.outputs.ProjectListItem without the unit and label).
COLUMNS = tuple(name for name in ProjectListItem.Meta.fields if name not in ("owner_unit", "stage_label"))
PAGE_SIZE = 50
# The user the load signs in as (scripts/bench/seed.py: PREFIX + "bdb"); the floor acts as it without
# reading any token, so its inspections and events name the same actor and unit as the API's.
BENCH_USERNAME = "bench-bdb"

_actor: dict | None = None


def bench_actor() -> dict:
    """The bench user's audit fields and unit, read once per process (one query, on first use)."""
    global _actor
    if _actor is None:
        user = User.objects.select_related("unit").get(username=BENCH_USERNAME)
        _actor = {
            "actor_id": user.pk,
            "actor_name": str(user),
            "actor_role": user.role,
            "actor_unit": user.unit.name if user.unit is not None else "",
            "unit_id": user.unit_id,
        }
    return _actor


def _json(body: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(
        body, status=status, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )


@require_GET
def floor_project_detail(request, project_id: int) -> JsonResponse:
    row = Project.objects.filter(pk=project_id).values(*COLUMNS).first()
    if row is None:
        return _json({"error": "not_found"}, status=404)
    return _json(row)


@require_GET
def floor_project_list(request) -> JsonResponse:
    rows = Project.objects.filter(stage=request.GET.get("stage", "")).order_by("pk").values(*COLUMNS)
    return _json({"results": list(rows[:PAGE_SIZE])})


@csrf_exempt
@require_POST
def floor_record_inspection(request, project_id: int) -> JsonResponse:
    """Two INSERTs in one transaction; nothing is checked (the project is assumed to exist and be in
    implementation, the only stage record_inspection is allowed from — the load only sends such ones)."""
    data = json.loads(request.body)
    actor = bench_actor()
    with transaction.atomic():
        inspection = Inspection.objects.create(
            project_id=project_id,
            unit_id=actor["unit_id"],
            inspected_on=timezone.localdate(),
            result=data["result"],
            findings=data["findings"],
        )
        Event.objects.create(
            project_id=project_id,
            actor_id=actor["actor_id"],
            actor_name=actor["actor_name"],
            actor_role=actor["actor_role"],
            actor_unit=actor["actor_unit"],
            action="record_inspection",
            from_stage=Stage.IMPLEMENTATION,
            to_stage=Stage.IMPLEMENTATION,
            payload={"inspection_id": inspection.pk},
        )
    return JsonResponse({"id": inspection.pk})


# Added to config.bench_urls' urlpatterns beside the bare views.
urlpatterns = [
    path("bench/floor/projects/", floor_project_list),
    path("bench/floor/projects/<int:project_id>/", floor_project_detail),
    path("bench/floor/projects/<int:project_id>/actions/record_inspection/", floor_record_inspection),
]

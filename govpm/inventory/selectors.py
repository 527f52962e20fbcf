"""Reads of the inventory: lists and filters, zombie candidates with their evidence (INV-02), the
duplicate-construction evidence of a need (INV-03) and the data-resource catalogue (INV-04)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery

from govpm.core import clock
from govpm.core.errors import InvalidInput
from govpm.projects.models import BuildType, DataDictionary, Project
from govpm.projects.selectors import APPROVED_STAGES

from . import similarity
from .models import System, UseReport
from .services import visible_systems

# Projects that count as "existing" for duplicate construction: past the needs review and not merged.
EXISTING_STAGES = ("pooled", "scheme", "joint_review", "consultation", *sorted(APPROVED_STAGES))
UPGRADES = (BuildType.RENOVATION, BuildType.EXPANSION)


def system_list(user, params) -> QuerySet[System]:
    systems = visible_systems(user).select_related("owner_unit", "project")
    if q := (params.get("q") or "").strip():
        systems = systems.filter(
            Q(name__icontains=q)
            | Q(summary__icontains=q)
            | Q(functions__icontains=q)
            | Q(data_resources__icontains=q)
        )
    if unit := params.get("unit"):
        if not unit.isdigit():
            raise InvalidInput("建设单位：应为单位编号", field="unit")
        systems = systems.filter(owner_unit_id=int(unit))
    if status := params.get("status"):
        if status not in System.Status.values:
            raise InvalidInput(f"状态：应为{'、'.join(System.Status.labels)}之一", field="status")
        systems = systems.filter(status=status)
    if cloud := params.get("cloud"):
        if cloud not in {"true", "false"}:
            raise InvalidInput("部署在市云计算中心：应为 true 或 false", field="cloud")
        systems = systems.filter(on_city_cloud=cloud == "true")
    if source := params.get("source"):
        if source not in System.Source.values:
            raise InvalidInput(f"来源：应为{'或'.join(System.Source.labels)}", field="source")
        systems = systems.filter(source=source)
    latest = UseReport.objects.filter(system=OuterRef("pk")).order_by("-month")
    return systems.annotate(
        last_month=Subquery(latest.values("month")[:1]),
        last_users=Subquery(latest.values("active_users")[:1]),
        last_calls=Subquery(latest.values("calls")[:1]),
    ).order_by("owner_unit_id", "name", "id")


@dataclass(frozen=True)
class Candidate:
    system: System
    last_month: dt.date | None
    idle_days: int
    evidence: str


def zombie_candidates(*, days: int | None = None) -> list[Candidate]:
    """Running systems with no use reported for `days` (INV_ZOMBIE_DAYS, default 365): the last report,
    or none since the system was built, is the evidence bdb judges by."""
    days = days or settings.GOVPM_ZOMBIE_IDLE_DAYS
    today = clock.today()
    cutoff = today - dt.timedelta(days=days)
    systems = (
        System.objects.filter(status=System.Status.RUNNING)
        .select_related("owner_unit", "project")
        .annotate(last_month=Max("use_reports__month"))
        .filter(Q(last_month__lt=cutoff) | Q(last_month__isnull=True, built_on__lt=cutoff))
        .order_by("last_month", "built_on", "id")
    )
    found = []
    for system in systems:
        since = system.last_month or system.built_on
        assert since is not None  # the filter above
        idle = (today - since).days
        evidence = (
            f"最近一次使用报告为{system.last_month:%Y年%m月}，已{idle}天无使用报告"
            if system.last_month
            else f"{system.built_on:%Y年%m月%d日}建成以来从未报告使用情况（{idle}天）"
        )
        found.append(Candidate(system, system.last_month, idle, evidence))
    return found


# --- duplicate construction (INV-03) ------------------------------------------------------------------


def need_text(name: str, summary: str, functions: str = "") -> str:
    return f"{name} {summary} {functions}"


_cache: dict[tuple, similarity.Index] = {}


def _corpus_version() -> tuple:
    systems = System.objects.aggregate(n=Max("id"), at=Max("created_at"))
    projects = Project.objects.aggregate(n=Max("id"), at=Max("stage_changed_at"))
    return (System.objects.count(), systems["n"], projects["n"], projects["at"])


def corpus_index() -> similarity.Index:
    """The inventory's systems and the existing projects, as one index, rebuilt when either changes."""
    version = _corpus_version()
    index = _cache.get(version)
    if index is None:
        docs: list[tuple[object, str]] = [
            (("system", pk), need_text(name, summary, functions))
            for pk, name, summary, functions in System.objects.values_list(
                "pk", "name", "summary", "functions"
            )
        ]
        docs += [
            (("project", pk), need_text(name, summary))
            for pk, name, summary in Project.objects.filter(
                stage__in=EXISTING_STAGES, merged_into__isnull=True
            ).values_list("pk", "name", "summary")
        ]
        index = similarity.Index(docs)
        _cache.clear()
        _cache[version] = index
    return index


@dataclass(frozen=True)
class Similar:
    kind: str  # "system" or "project"
    pk: int
    name: str
    unit: str
    detail: str
    score: float
    terms: list[str]
    likely_duplicate: bool


def duplicate_evidence(project: Project, *, limit: int = 5) -> dict:
    """The systems and projects most similar to a need, with score and shared terms, and the unit's
    upgrades of the same system in the last three years (频繁升级)."""
    text = need_text(project.name, project.summary)
    matches = corpus_index().similar(text, limit=limit, exclude={("project", project.pk)})
    keys: list[tuple[str, int]] = [m.key for m in matches]  # type: ignore[misc]
    system_ids = [pk for kind, pk in keys if kind == "system"]
    project_ids = [pk for kind, pk in keys if kind == "project"]
    systems = {s.pk: s for s in System.objects.filter(pk__in=system_ids).select_related("owner_unit")}
    projects = {p.pk: p for p in Project.objects.filter(pk__in=project_ids).select_related("owner_unit")}
    similar = []
    for match, (kind, pk) in zip(matches, keys, strict=True):
        if kind == "system":
            system = systems[pk]
            row = (
                system.name,
                system.owner_unit.name,
                f"{system.get_status_display()}·{system.get_source_display()}",
            )
        else:
            other = projects[pk]
            row = (other.name, other.owner_unit.name, other.stage_label)
        similar.append(Similar(kind, pk, *row, match.score, match.terms, match.score >= similarity.THRESHOLD))
    three_years_ago = clock.add_years(clock.today(), -3)
    index = corpus_index()
    upgrades = [
        other
        for other in Project.objects.filter(
            owner_unit_id=project.owner_unit_id,
            build_type__in=UPGRADES,
            created_at__date__gte=three_years_ago,
        )
        .exclude(pk=project.pk)
        .exclude(stage__in=("draft", "rejected", "withdrawn"))
        .order_by("created_at")
        if similarity.cosine(index, text, need_text(other.name, other.summary)) >= similarity.THRESHOLD
    ]
    return {"similar": similar, "upgrades": upgrades, "threshold": similarity.THRESHOLD}


# --- data resources (INV-04) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    unit: str
    unit_id: int
    system: str
    resource: str
    field: str
    title: str
    type: str


def catalogue() -> list[Resource]:
    """The fields of every submitted data dictionary, plus the resources the inventory names."""
    rows: list[Resource] = []
    dictionaries = DataDictionary.objects.select_related("project__owner_unit").order_by("project_id", "id")
    for dictionary in dictionaries:
        project = dictionary.project
        descriptor = dictionary.descriptor or {}
        for resource in descriptor.get("resources") or [descriptor]:
            schema = resource.get("schema", resource) if isinstance(resource, dict) else {}
            name = str(resource.get("title") or resource.get("name") or project.name)
            for field in schema.get("fields", []):
                rows.append(
                    Resource(
                        project.owner_unit.name,
                        project.owner_unit_id,
                        project.name,
                        name,
                        str(field.get("name", "")),
                        str(field.get("title") or field.get("description") or ""),
                        str(field.get("type", "")),
                    )
                )
    for system in System.objects.exclude(data_resources="").select_related("owner_unit"):
        for name in system.resource_list:
            rows.append(Resource(system.owner_unit.name, system.owner_unit_id, system.name, name, "", "", ""))
    return rows


def search_catalogue(params) -> list[Resource]:
    rows = catalogue()
    if q := (params.get("q") or "").strip():
        rows = [r for r in rows if q in r.resource or q in r.field or q in r.title or q in r.system]
    if unit := params.get("unit"):
        if not unit.isdigit():
            raise InvalidInput("单位：应为单位编号", field="unit")
        rows = [r for r in rows if r.unit_id == int(unit)]
    return rows


def resources_for(project: Project, *, limit: int = 8) -> list[tuple[Resource, float, list[str]]]:
    """What already exists for REJ-08 (共享数据): catalogue resources whose names share terms with the need."""
    rows = catalogue()
    if not rows:
        return []
    by_resource: dict[tuple[str, str], Resource] = {}
    for row in rows:
        by_resource.setdefault((row.system, row.resource), row)
    index = similarity.Index((key, f"{key[0]} {key[1]}") for key in by_resource)
    matches = index.similar(need_text(project.name, project.summary), limit=limit, threshold=0.05)
    return [(by_resource[m.key], m.score, m.terms) for m in matches]  # type: ignore[index]

"""Portfolio statistics (PORT-04) and the one investment predicate the dashboard, the statistics page
and every export use: only needs that went on count as investment."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from govpm.core.errors import InvalidInput
from govpm.core.money import MoneyField
from govpm.core.parsers import parse_int, parse_year
from govpm.projects.models import CATEGORY_LABELS, Contract, Inspection, Level, Payment, Project
from govpm.projects.stages import MAIN_PATH, Stage

# A need "went on" once it passed the needs review into the pool. Rejected, returned, withdrawn and
# merged needs never did; a terminated one counts only if it had been approved (money was committed).
WENT_ON_STAGES = tuple(MAIN_PATH[MAIN_PATH.index(Stage.POOLED) :])


def investment(projects: QuerySet[Project]) -> QuerySet[Project]:
    """The one predicate: the projects whose amounts count as investment."""
    return projects.filter(
        Q(stage__in=WENT_ON_STAGES) | Q(stage=Stage.TERMINATED, approved_on__isnull=False),
        merged_into__isnull=True,
    )


DIMENSIONS = {
    "year": ("年度", ExtractYear("submitted_at")),
    "unit": ("单位", F("owner_unit__name")),
    "category": ("项目类别", F("category")),
    "level": ("层级", F("level")),
    "stage": ("阶段", F("stage")),
}


def _label(dimension: str, key) -> str:
    if key is None:
        return "未填"
    if dimension == "category":
        return CATEGORY_LABELS.get(key, str(key))
    if dimension == "level":
        return Level(key).label
    if dimension == "stage":
        return Stage(key).label
    if dimension == "year":
        return f"{key}年"
    return str(key)


# Each statistics filter, checked, and the project column it applies to.
PROJECT_FIELDS = {
    "year": "submitted_at__year",
    "category": "category",
    "level": "level",
    "unit": "owner_unit_id",
}


def filters(params, fields: dict[str, str]) -> dict:
    """The checked filters of a statistics request as lookups on `fields`' columns."""
    lookups: dict = {}
    if year := params.get("year"):
        lookups[fields["year"]] = parse_year(str(year), min_year=2000, max_year=2100)
    if category := params.get("category"):
        lookups[fields["category"]] = parse_int(
            str(category), "category", "项目类别", 1, max(CATEGORY_LABELS)
        )
    if level := params.get("level"):
        if level not in Level.values:
            raise InvalidInput("层级：应为市级（city）或县级（county）", field="level")
        lookups[fields["level"]] = level
    if unit := params.get("unit"):
        lookups[fields["unit"]] = parse_int(str(unit), "unit", "单位编号", 1)
    return lookups


def filtered(projects: QuerySet[Project], params) -> QuerySet[Project]:
    return projects.filter(**filters(params, PROJECT_FIELDS))


def checked_dimension(params) -> tuple[str, str]:
    """The dimension a statistics request groups by (default: year), and its label."""
    dimension = params.get("by") or "year"
    if dimension not in DIMENSIONS:
        raise InvalidInput(
            f"统计维度：应为{'、'.join(label for label, *_ in DIMENSIONS.values())}之一", field="by"
        )
    return dimension, DIMENSIONS[dimension][0]


def statistics(projects: QuerySet[Project], params) -> dict:
    """Counts and amounts requested, approved, contracted and paid, by one dimension, over the
    investment projects among `projects`, with the "1+1" and one-unit inspections counted apart (IMPL-09).
    Four grouped queries, whatever the number of rows."""
    dimension, label = checked_dimension(params)
    expression = DIMENSIONS[dimension][1]
    base = filtered(investment(projects), params)
    money = MoneyField()
    rows: dict = {}
    for row in (
        base.annotate(key=expression)
        .values("key")
        .annotate(n=Count("id"), requested=Sum("requested_estimate"), approved=Sum("approved_estimate"))
        .order_by("key")
    ):
        rows[row["key"]] = {
            "key": row["key"],
            "label": _label(dimension, row["key"]),
            "count": row["n"],
            "requested": _yuan(money, row["requested"]),
            "approved": _yuan(money, row["approved"]),
            "contracted": Decimal("0.00"),
            "paid": Decimal("0.00"),
            "joint_inspections": 0,
            "single_inspections": 0,
        }
    for model, column in ((Contract, "contracted"), (Payment, "paid")):
        prefix = "project__"
        key_expr = _prefixed(dimension, prefix)
        for total in (
            model.objects.filter(project__in=base.values("pk"))
            .annotate(key=key_expr)
            .values("key")
            .annotate(total=Sum("amount"))
            .order_by("key")
        ):
            if total["key"] in rows:
                rows[total["key"]][column] = _yuan(money, total["total"])
    # IMPL-09: "1+1" inspections (bdb and bizenv together) apart from inspections by one unit alone.
    for counted in (
        Inspection.objects.filter(project__in=base.values("pk"))
        .annotate(key=_prefixed(dimension, "project__"))
        .values("key")
        .annotate(
            joint=Count("id", filter=Q(partner_unit__isnull=False)),
            single=Count("id", filter=Q(partner_unit__isnull=True)),
        )
        .order_by("key")
    ):
        if counted["key"] in rows:
            rows[counted["key"]].update(
                joint_inspections=counted["joint"], single_inspections=counted["single"]
            )
    table = list(rows.values())
    totals = {
        "count": sum(r["count"] for r in table),
        "joint_inspections": sum(r["joint_inspections"] for r in table),
        "single_inspections": sum(r["single_inspections"] for r in table),
        **{
            c: sum((r[c] for r in table), Decimal("0.00"))
            for c in ("requested", "approved", "contracted", "paid")
        },
    }
    return {"by": dimension, "by_label": label, "rows": table, "totals": totals}


def _prefixed(dimension: str, prefix: str):
    if dimension == "year":
        return ExtractYear(f"{prefix}submitted_at")
    if dimension == "unit":
        return F(f"{prefix}owner_unit__name")
    return F(f"{prefix}{dimension}")


def _yuan(field: MoneyField, value) -> Decimal:
    """Sum() over a MoneyField comes back as Decimal 元 on some backends and as 分 on others."""
    if value is None:
        return Decimal("0.00")
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    return field.from_db_value(value, None, None)


HEADERS = [
    "维度",
    "项目数",
    "申报估算（元）",
    "概算（元）",
    "合同金额（元）",
    "已支付（元）",
    "“1+1”联合督查（次）",
    "单一单位督查（次）",
]
COLUMNS = ["count", "requested", "approved", "contracted", "paid", "joint_inspections", "single_inspections"]


def table(result: dict) -> list[list]:
    rows = [[r["label"], *(r[c] for c in COLUMNS)] for r in result["rows"]]
    t = result["totals"]
    rows.append(["合计", *(t[c] for c in COLUMNS)])
    return rows

"""Seed the benchmark database: BENCH_PROJECTS projects (default 100,000) with their records.

Most projects are written with bulk_create in batches, spread over the stages and over 40 owner units,
each with a few audit events, rule findings, deadlines, modules and (from procurement on) a tender,
a contract and a payment. The projects the action benchmark uses are different: they are driven to
`implementation` through the real lifecycle functions (scenarios.advance), so each is a valid project
that record_inspection accepts.

Idempotent: when the database already holds exactly the requested seed, nothing is written. Otherwise
every project and bench user is removed and the seed starts again.

Usage: seed.py OUT_DIR — writes OUT_DIR/plan.json (the token and the project ids the load uses).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from govpm.accounts import tokens  # noqa: E402
from govpm.accounts.models import (  # noqa: E402
    AuthToken,  # noqa: E402
    Unit,
    User,
)
from govpm.policy.catalog import RULES  # noqa: E402
from govpm.policy.models import Finding  # noqa: E402
from govpm.projects import lifecycle, readmodel  # noqa: E402
from govpm.projects.models import (  # noqa: E402
    Contract,
    Deadline,
    Event,
    IssuedDocument,
    Module,
    Payment,
    Project,
    Tender,
)
from govpm.projects.scenarios import GOOD_FACTS, GOOD_TARGETS, Cast, advance, enrol_experts  # noqa: E402
from govpm.projects.stages import MAIN_PATH, Stage  # noqa: E402

SIZE = int(os.environ.get("BENCH_PROJECTS", "100000"))
# Projects in `implementation` made by the real lifecycle; record_inspection is spread over them so no
# single row lock is hot. More would only slow the seed: 2 workers hold at most 2 locks at a time.
ACTION_PROJECTS = min(int(os.environ.get("BENCH_ACTION_PROJECTS", "40")), SIZE)
OWNER_UNITS = 40
BATCH = 2000
PREFIX = "bench-"

# How the bulk projects spread over the stages (weights, roughly a live platform's pool).
STAGE_WEIGHTS = {
    Stage.DRAFT: 5,
    Stage.SUBMITTED: 8,
    Stage.RETURNED: 3,
    Stage.REJECTED: 4,
    Stage.POOLED: 14,
    Stage.SCHEME: 5,
    Stage.JOINT_REVIEW: 5,
    Stage.CONSULTATION: 3,
    Stage.APPROVAL: 4,
    Stage.FUNDED: 3,
    Stage.PROCUREMENT: 6,
    Stage.IMPLEMENTATION: 15,
    Stage.FINAL_ACCEPTANCE: 4,
    Stage.OPERATION: 10,
    Stage.EVALUATED: 6,
    Stage.WITHDRAWN: 3,
    Stage.TERMINATED: 2,
}
# The canonical path; a project's position on it decides which records it has.
PATH = list(MAIN_PATH)
# Off-path stages, placed at the point of the path they leave from.
POSITION = {stage: index for index, stage in enumerate(PATH)} | {
    Stage.RETURNED: 1,
    Stage.REJECTED: 1,
    Stage.WITHDRAWN: 3,
    Stage.TERMINATED: 5,
}
# The action that moved a project into each stage (its last audit event).
ENTERED_BY = {
    Stage.SUBMITTED: "submit",
    Stage.RETURNED: "review_needs",
    Stage.REJECTED: "submit",
    Stage.POOLED: "review_needs",
    Stage.SCHEME: "open_scheme",
    Stage.JOINT_REVIEW: "submit_scheme",
    Stage.CONSULTATION: "issue_consultation",
    Stage.APPROVAL: "leading_group_decide",
    Stage.FUNDED: "record_funding",
    Stage.PROCUREMENT: "start_procurement",
    Stage.IMPLEMENTATION: "start_implementation",
    Stage.FINAL_ACCEPTANCE: "apply_final_acceptance",
    Stage.OPERATION: "decide_final_acceptance",
    Stage.EVALUATED: "record_post_evaluation",
    Stage.WITHDRAWN: "withdraw",
    Stage.TERMINATED: "terminate",
}
FACT_VARIANTS = [
    {**GOOD_FACTS, "category": category, "architecture_layers": layers, "level": level}
    for category in range(1, 8)
    for layers in (["business_app", "data_resource"], ["business_app"], ["infrastructure", "data_resource"])
    for level in ("city", "county")
]
NAMES = [
    "城市大脑",
    "智慧交通",
    "数字政务",
    "基层治理",
    "智慧医疗",
    "公共数据平台",
    "智慧教育",
    "生态环境监测",
    "应急指挥",
    "市场监管",
    "智慧文旅",
    "数字乡村",
]
MODULE_NAMES = ["统一门户", "业务协同", "数据归集"]


def log(message: str) -> None:
    print(f"  seed: {message}", flush=True)


def seeded_already() -> bool:
    """The seed is complete: the right total, and every action project made by the lifecycle."""
    owner = User.objects.filter(username=f"{PREFIX}owner-real").first()
    if owner is None or not User.objects.filter(username=f"{PREFIX}bdb").exists():
        return False
    real = Project.objects.filter(created_by=owner, stage=Stage.IMPLEMENTATION).count()
    return real == ACTION_PROJECTS and Project.objects.count() == SIZE


def wipe() -> None:
    """Start again: every project and everything hanging off it, then the bench users and units."""
    with connection.cursor() as cursor:
        # CASCADE reaches every table that references projects (events, findings, documents, …).
        cursor.execute("TRUNCATE projects_project RESTART IDENTITY CASCADE")
    AuthToken.objects.filter(user__username__startswith=PREFIX).delete()
    User.objects.filter(username__startswith=PREFIX).delete()
    Unit.objects.filter(code__startswith=PREFIX).delete()


def make_units_and_users() -> tuple[list[Unit], list[User], User]:
    units = Unit.objects.bulk_create(
        Unit(
            code=f"{PREFIX}unit-{n:02d}",
            name=f"衢州市基准测试局{n:02d}",
            short_name=f"测试局{n:02d}",
            kind=Unit.Kind.DEPARTMENT,
            region_code="330800",
        )
        for n in range(OWNER_UNITS)
    )
    password = make_password(None)  # unusable: bench users log in by token only
    owners = User.objects.bulk_create(
        User(username=f"{PREFIX}owner-{n:02d}", role="owner", unit=unit, password=password)
        for n, unit in enumerate(units)
    )
    bdb = User.objects.create(
        username=f"{PREFIX}bdb", role="bdb", unit=Unit.objects.get(code="bdb"), password=password
    )
    return units, owners, bdb


def bulk_projects(count: int, units: list[Unit], owners: list[User], bdb: User) -> None:
    rng = random.Random(20201)
    stages = list(STAGE_WEIGHTS)
    weights = list(STAGE_WEIGHTS.values())
    reference = {code: Unit.objects.get(code=code) for code in ["smart_office", "ndrc"]}
    today = timezone.localdate()
    now = timezone.now()
    document_no = 0
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        picks = [
            (rng.choices(stages, weights)[0], rng.randrange(OWNER_UNITS), rng.choice(FACT_VARIANTS))
            for _ in range(size)
        ]
        with transaction.atomic():
            projects = Project.objects.bulk_create(
                Project(
                    name=f"{NAMES[(done + i) % len(NAMES)]}项目{done + i:06d}",
                    summary="建设统一的业务协同与数据归集能力，支撑跨部门业务办理。",
                    owner_unit=units[unit_index],
                    stage=stage,
                    facts=facts,
                    level=facts["level"],
                    category=facts["category"],
                    build_type=facts["build_type"],
                    priority_score=rng.choice((0, 0, 0, 1, 2)),
                    layers=f",{','.join(facts['architecture_layers'])},",
                    requested_estimate=Decimal(rng.randrange(200_000, 20_000_000)).quantize(Decimal("0.01")),
                    approved_estimate=(
                        Decimal(rng.randrange(200_000, 18_000_000)).quantize(Decimal("0.01"))
                        if POSITION[stage] >= POSITION[Stage.CONSULTATION]
                        else None
                    ),
                    project_code=(
                        f"{today.year}-330800-65-01-{done + i:05d}1"[:24]
                        if POSITION[stage] >= POSITION[Stage.FUNDED]
                        else ""
                    ),
                    review_round=1 if POSITION[stage] >= POSITION[Stage.JOINT_REVIEW] else 0,
                    is_overdue=rng.random() < 0.03,
                    created_by=owners[unit_index],
                    submitted_at=now if stage != Stage.DRAFT else None,
                    approved_on=today if POSITION[stage] >= POSITION[Stage.FUNDED] else None,
                    final_accepted_on=today if POSITION[stage] >= POSITION[Stage.OPERATION] else None,
                )
                for i, (stage, unit_index, facts) in enumerate(picks)
            )
            events, findings, deadlines, modules, documents, tenders = [], [], [], [], [], []
            for project in projects:
                position = POSITION[project.stage]
                owner = project.created_by
                unit_name = project.owner_unit.name
                events.append(
                    Event(
                        project=project,
                        actor=owner,
                        actor_role="owner",
                        actor_unit=unit_name,
                        action="create",
                        from_stage=Stage.DRAFT,
                        to_stage=Stage.DRAFT,
                        payload={"name": project.name},
                    )
                )
                if position >= 1:
                    events.append(
                        Event(
                            project=project,
                            actor=owner,
                            actor_role="owner",
                            actor_unit=unit_name,
                            action="submit",
                            from_stage=Stage.DRAFT,
                            to_stage=Stage.SUBMITTED,
                            payload={"hits": [], "priority": []},
                        )
                    )
                    findings.append(
                        Finding(
                            project=project,
                            rule_code="REJ-01",
                            rule_version=1,
                            outcome="pass",
                            message=RULES["REJ-01"].text,
                            facts={"province_unified": False},
                        )
                    )
                if project.stage not in {Stage.DRAFT, Stage.SUBMITTED}:
                    events.append(
                        Event(
                            project=project,
                            actor=bdb,
                            actor_role="bdb",
                            actor_unit="衢州市大数据发展管理局",
                            action=ENTERED_BY[project.stage],
                            from_stage=Stage.SUBMITTED,
                            to_stage=project.stage,
                            payload={},
                        )
                    )
                if position >= POSITION[Stage.POOLED]:
                    findings += [
                        Finding(
                            project=project,
                            rule_code=code,
                            rule_version=1,
                            outcome="pass",
                            message=RULES[code].text,
                            facts={"answer": False},
                            reason="经审核，不存在该情形",
                            decided_by=bdb,
                        )
                        for code in ("REJ-02", "REJ-08")
                    ]
                if position >= POSITION[Stage.JOINT_REVIEW]:
                    modules += [
                        Module(project=project, name=name, position=n) for n, name in enumerate(MODULE_NAMES)
                    ]
                if position >= POSITION[Stage.CONSULTATION]:
                    document_no += 1
                    documents.append(
                        IssuedDocument(
                            project=project,
                            kind=IssuedDocument.Kind.CONSULTATION_OPINION,
                            title=f"关于{project.name}的决策咨询意见",
                            number=f"衢智办〔{today.year}〕B{document_no}号",
                            issuer=reference["smart_office"],
                            issued_on=today,
                            amount=project.approved_estimate,
                        )
                    )
                if position >= POSITION[Stage.FUNDED]:
                    deadlines.append(
                        Deadline(
                            project=project,
                            code="TIME-01",
                            kind="by",
                            starts_on=today,
                            due_on=today + dt.timedelta(days=3),
                            overdue_after=today + dt.timedelta(days=3),
                            done_on=today,
                            status="done",
                        )
                    )
                if position >= POSITION[Stage.OPERATION]:
                    deadlines.append(
                        Deadline(
                            project=project,
                            code="TIME-03",
                            kind="not_before",
                            starts_on=today,
                            due_on=today + dt.timedelta(days=365),
                            overdue_after=today + dt.timedelta(days=455),
                            done_on=today if project.stage == Stage.EVALUATED else None,
                            status="done" if project.stage == Stage.EVALUATED else "open",
                        )
                    )
                if position >= POSITION[Stage.IMPLEMENTATION]:
                    tenders.append(
                        Tender(
                            project=project,
                            title=f"{project.name}建设",
                            published_on=today,
                            ceiling=project.approved_estimate,
                        )
                    )
            Event.objects.bulk_create(events, batch_size=BATCH)
            Finding.objects.bulk_create(findings, batch_size=BATCH)
            Deadline.objects.bulk_create(deadlines, batch_size=BATCH)
            Module.objects.bulk_create(modules, batch_size=BATCH)
            IssuedDocument.objects.bulk_create(documents, batch_size=BATCH)
            Tender.objects.bulk_create(tenders, batch_size=BATCH)
            contracts = Contract.objects.bulk_create(
                (
                    Contract(
                        project=tender.project,
                        tender=tender,
                        supplier="浙江某信息技术有限公司",
                        signing_unit=tender.project.owner_unit,
                        signed_on=today,
                        amount=(tender.ceiling * Decimal("0.95")).quantize(Decimal("0.01")),
                    )
                    for tender in tenders
                ),
                batch_size=BATCH,
            )
            Payment.objects.bulk_create(
                (
                    Payment(
                        project=contract.project,
                        contract=contract,
                        paid_on=today,
                        milestone="合同签订首付款",
                        amount=(contract.amount * Decimal("0.3")).quantize(Decimal("0.01")),
                    )
                    for contract in contracts
                ),
                batch_size=BATCH,
            )
        done += size
        if done % 20000 < BATCH or done == count:
            log(f"{done:,} bulk projects")


def real_cast(bdb: User) -> Cast:
    """One user per role for scenarios.advance; the owner belongs to its own bench unit."""
    password = make_password(None)

    def user(name: str, role: str, unit_code: str) -> User:
        return User.objects.create(
            username=f"{PREFIX}{name}", role=role, unit=Unit.objects.get(code=unit_code), password=password
        )

    owner_unit = Unit.objects.create(
        code=f"{PREFIX}unit-real",
        name="衢州市基准测试实施局",
        short_name="测试实施局",
        kind=Unit.Kind.DEPARTMENT,
        region_code="330800",
    )
    owner = User.objects.create(
        username=f"{PREFIX}owner-real", role="owner", unit=owner_unit, password=password
    )
    reviewers = {"bdb": bdb} | {
        code: user(code, code, code)
        for code in ["cac", "bizenv", "ndrc", "finance", "regulator", "review_center"]
    }
    cast = Cast(
        owner=owner,
        bdb=bdb,
        smart_office=user("smart_office", "smart_office", "smart_office"),
        leading_group=user("leading_group", "leading_group", "leading_group"),
        ndrc=reviewers["ndrc"],
        review_center=reviewers["review_center"],
        finance=reviewers["finance"],
        experts=[user("expert-1", "expert", "experts"), user("expert-2", "expert", "experts")],
        reviewers=reviewers,
    )
    enrol_experts(cast)
    return cast


def real_projects(cast: Cast) -> None:
    for n in range(ACTION_PROJECTS):
        project = lifecycle.create_project(
            actor=cast.owner,
            name=f"基准测试实施项目{n:03d}",
            facts=dict(GOOD_FACTS),
            requested_estimate=Decimal("1200000.00"),
            performance_targets=GOOD_TARGETS,
        )
        advance(project, cast, to=Stage.IMPLEMENTATION)
    log(f"{ACTION_PROJECTS} projects driven to implementation by the lifecycle")


def write_plan(out_dir: Path) -> None:
    bdb = User.objects.get(username=f"{PREFIX}bdb")
    # Only a token's hash is stored (knox): each run signs the bench in afresh, replacing its token.
    token = tokens.issue_token(bdb, device="bench")
    rng = random.Random(7)
    visible = list(Project.objects.exclude(stage=Stage.DRAFT).values_list("id", flat=True))
    detail_ids = rng.sample(visible, min(5000, len(visible)))
    action_ids = list(
        Project.objects.filter(
            created_by__username=f"{PREFIX}owner-real", stage=Stage.IMPLEMENTATION
        ).values_list("id", flat=True)
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "detail_ids.txt").write_text("\n".join(map(str, detail_ids)) + "\n")
    (out_dir / "action_ids.txt").write_text("\n".join(map(str, action_ids)) + "\n")
    plan = {
        "token": token.key,
        "projects": Project.objects.count(),
        "detail_ids": len(detail_ids),
        "action_ids": len(action_ids),
        "list_stages": ["pooled", "implementation", "operation", "submitted"],
    }
    (out_dir / "plan.json").write_text(json.dumps(plan, indent=2))


def main() -> None:
    out_dir = Path(sys.argv[1])
    started = time.monotonic()
    if seeded_already():
        log(f"already seeded with {SIZE:,} projects; skipping")
    else:
        log(
            f"seeding {SIZE:,} projects ({SIZE - ACTION_PROJECTS:,} bulk, {ACTION_PROJECTS} by the lifecycle)"
        )
        wipe()
        units, owners, bdb = make_units_and_users()
        bulk_projects(SIZE - ACTION_PROJECTS, units, owners, bdb)
        real_projects(real_cast(bdb))
        with connection.cursor() as cursor:
            # Fresh statistics and visibility map, so the planner and index-only scans see the real table.
            cursor.execute("VACUUM ANALYZE")
        log(f"done in {time.monotonic() - started:.0f} s")
    # The read model (ADR 0402): the bulk rows were written around the lifecycle, so their snapshots are
    # built here, as `manage.py rebuild_snapshots --missing` does after an upgrade.
    if missing := Project.objects.filter(snapshot__isnull=True).count():
        log(f"building {missing:,} snapshots")
        built_started = time.monotonic()
        readmodel.rebuild_all(batch=1000, missing_only=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        log(f"snapshots built in {time.monotonic() - built_started:.0f} s")
    write_plan(out_dir)


if __name__ == "__main__":
    main()

"""专家抽取: smart_office draws the joint review's experts from the library at random (COORD-07).

The text has 市智慧办 convene the experts (三(二)1); the owner unit never names them. A draw records
its pool, each exclusion with its reason and the seed, so anyone can replay it (`replay`) and check
that the experts who review a scheme are the ones chance gave."""

from __future__ import annotations

import random
import secrets

from django.db import transaction

from govpm.accounts.models import Unit, User
from govpm.core import access, audit, clock
from govpm.core.errors import InvalidInput, NotFound

from ..models import Expert, ExpertDraw, Project, ReviewTask, Specialty
from .base import refuse, require_text, transition


def add_expert(
    *,
    actor: User,
    user_id: int,
    name: str,
    specialties: list[str],
    employer_name: str,
    employer_unit_id: int | None = None,
    conflicts: str = "",
) -> Expert:
    """smart_office enters an expert into the library (COORD-07): the expert's own account, specialties,
    employer and declared conflicts."""
    access.require(actor, "experts.keep", "只有市智慧办可以维护专家库", rule="COORD-07")
    name = require_text(name, "name", "姓名")
    employer_name = require_text(employer_name, "employer_name", "工作单位")
    if not specialties:
        raise InvalidInput("专业：至少选择一个专业", field="specialties")
    for index, code in enumerate(specialties):
        if code not in Specialty.values:
            raise InvalidInput(f"专业：不识别的专业 {code}", field=f"specialties.{index}")
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None or not access.answers_in_own_name(user):
            raise InvalidInput("登录账号：须为在用的专家账号", field="user_id")
        if Expert.objects.filter(user=user).exists():
            raise InvalidInput("登录账号：该专家已在库", field="user_id")
        unit = None
        if employer_unit_id is not None:
            unit = Unit.objects.filter(pk=employer_unit_id).first()
            if unit is None:
                raise NotFound("单位不存在", field="employer_unit_id")
        expert = Expert.objects.create(
            user=user,
            name=name,
            specialties=sorted(set(specialties)),
            employer_unit=unit,
            employer_name=employer_name,
            conflicts=conflicts.strip(),
        )
        after = {
            field: getattr(expert, field) for field in ["name", "specialties", "employer_name", "conflicts"]
        }
        audit.record(actor=actor, action="add_expert", target=expert, changes=audit.diff({}, after))
    return expert


def exclusions_for(project: Project, experts: list[Expert]) -> list[dict]:
    """回避: who may not judge this project, each with the reason. The owner unit's employees (and those
    of units whose needs were merged into it), the staff of its contractors, and declared conflicts."""
    owners = [project.owner_unit, *(need.owner_unit for need in project.merged_needs.all())]
    if project.original_owner_unit is not None:
        owners.append(project.original_owner_unit)
    owner_ids = {unit.pk for unit in owners}
    owner_names = {unit.name for unit in owners} | {unit.short_name for unit in owners}
    # The procurement records: each contract's supplier (承包商) and each tender's bidders (投标人).
    contractors = {contract.supplier for contract in project.contracts.all()}
    bidders = {name for tender in project.tenders.all() for name in tender.bidders}
    firms = contractors | bidders
    excluded = []
    for expert in experts:
        reason = ""
        if expert.employer_unit_id in owner_ids or expert.employer_name in owner_names:
            reason = f"受聘于业主单位（{expert.employer_name}）"
        elif expert.employer_name in contractors:
            reason = f"受聘于本项目承包商（{expert.employer_name}）"
        elif expert.employer_name in bidders:
            reason = f"受聘于本项目投标人（{expert.employer_name}）"
        else:
            declared = [name for name in expert.conflict_list if name in owner_names | firms | {project.name}]
            if declared:
                reason = f"申报回避（{declared[0]}）"
        if reason:
            excluded.append({"expert": expert.pk, "name": expert.name, "reason": reason})
    return excluded


def select(
    pool: list[dict], excluded: set[int], specialties: list[str], per_specialty: int, seed: int
) -> dict[str, list[int]]:
    """The draw itself, a pure function of what the draw record holds: for each specialty in order,
    `per_specialty` of the eligible experts (in the pool, holding it, not excluded, not drawn for an
    earlier specialty) sampled from their sorted ids with `random.Random(seed)`. Refuses, naming the
    specialty, when too few are eligible."""
    rng = random.Random(seed)
    taken: set[int] = set()
    drawn: dict[str, list[int]] = {}
    for index, code in enumerate(specialties):
        eligible = sorted(
            row["id"]
            for row in pool
            if code in row["specialties"] and row["id"] not in excluded and row["id"] not in taken
        )
        if len(eligible) < per_specialty:
            raise refuse(
                "COORD-07",
                f"抽取专业「{Specialty(code).label}」：符合回避规定的在库专家仅{len(eligible)}名，"
                f"不足抽取的{per_specialty}名",
                field=f"specialties.{index}",
            )
        chosen = sorted(rng.sample(eligible, per_specialty))
        drawn[code] = chosen
        taken.update(chosen)
    return drawn


def replay(draw: ExpertDraw) -> dict[str, list[int]]:
    """The experts a recorded draw yields when run again from its own record."""
    excluded = {row["expert"] for row in draw.exclusions}
    return select(draw.pool, excluded, draw.specialties, draw.per_specialty, draw.seed)


def draw_experts(
    project_id: int,
    *,
    actor: User,
    specialties: list[str],
    per_specialty: int,
    seed: int | None = None,
) -> ExpertDraw:
    """smart_office draws the experts of this joint-review round; their review tasks open at once.
    `seed` is for replaying histories (the demo, tests); the API never takes one."""
    if not specialties:
        raise InvalidInput("抽取专业：至少选择一个专业", field="specialties")
    for index, code in enumerate(specialties):
        if code not in Specialty.values:
            raise InvalidInput(f"抽取专业：不识别的专业 {code}", field=f"specialties.{index}")
    if len(set(specialties)) != len(specialties):
        raise InvalidInput("抽取专业：专业重复", field="specialties")
    if per_specialty < 1:
        raise InvalidInput("每专业人数：须至少为1", field="per_specialty")
    seed = secrets.randbits(63) if seed is None else seed
    with transition(project_id, actor=actor, action="draw_experts") as step:
        project = step.project
        experts = list(
            Expert.objects.filter(active=True, user__is_active=True).select_related("employer_unit")
        )
        pool = [
            {
                "id": expert.pk,
                "name": expert.name,
                "specialties": sorted(expert.specialties),
                "employer": expert.employer_name,
            }
            for expert in experts
        ]
        exclusions = exclusions_for(project, experts)
        drawn = select(pool, {row["expert"] for row in exclusions}, specialties, per_specialty, seed)
        draw = ExpertDraw.objects.create(
            project=project,
            round=project.review_round,
            specialties=list(specialties),
            per_specialty=per_specialty,
            seed=seed,
            pool=pool,
            exclusions=exclusions,
            drawn=drawn,
            drawn_by=actor,
            drawn_at=clock.now(),
        )
        users = {expert.pk: expert.user_id for expert in experts}
        ReviewTask.objects.bulk_create(
            [
                ReviewTask(project=project, round=project.review_round, expert_id=users[expert_id])
                for ids in drawn.values()
                for expert_id in ids
            ]
        )
        step.record(
            draw_id=draw.pk,
            round=project.review_round,
            seed=str(seed),
            drawn=drawn,
            excluded=[row["expert"] for row in exclusions],
        )
    return draw

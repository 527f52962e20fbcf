"""Walk a project along the lifecycle through the real lifecycle functions, as the right role at each
step. The demo data and the tests both use it: what it does is what an official would do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from govpm.accounts.models import User
from govpm.core import clock

from . import lifecycle
from .models import Expert, Project, ReviewTask, Specialty
from .stages import Stage

GOOD_FACTS = {
    "level": "city",
    "category": 1,
    "build_type": "new",
    "classified": False,
    "province_unified": False,
    "new_server_room": False,
    "private_network_unintegrated": False,
    "terminal_security_outside_egov": False,
    "video_conference": False,
    "deploys_on_city_cloud": True,
    "system_kinds": [],
    "priority_claims": [],
    "architecture_layers": ["business_app", "data_resource"],
}
# PERF-01: the 绩效目标 a walked need states, one at least.
GOOD_TARGETS = [{"indicator": "事项网上可办率", "target_value": "95", "unit": "%", "due_by": "2027-12-31"}]
ALL_CLEAR = {
    rule: {"hit": False, "reason": "经审核，不存在该情形"}
    for rule in ["REJ-02", "REJ-07", "REJ-08", "REJ-10"]
}
DICTIONARY = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
        {"name": "name", "type": "string", "constraints": {"maxLength": 100}},
        {"name": "updated_at", "type": "datetime"},
    ],
    "primaryKey": "id",
}


@dataclass
class Cast:
    """One user per role; `reviewers` maps each joint-review unit code to a user of that unit."""

    owner: User
    bdb: User
    smart_office: User
    leading_group: User
    ndrc: User
    review_center: User
    finance: User
    experts: list[User]
    reviewers: dict[str, User] = field(default_factory=dict)

    def reviewer_for(self, task: ReviewTask) -> User:
        if task.expert is not None:
            return task.expert  # drawn from the library (COORD-07): any expert in it may be the one
        if task.unit_id == self.owner.unit_id:
            return self.owner
        return next(user for user in self.reviewers.values() if user.unit_id == task.unit_id)


Shift = Callable[[dt.timedelta], None]

# What an official attaches before an action (govpm.materials registers its demo files here: it sits
# above projects, which may not import it). Each preparer gets (project_id, action, actor).
PREPARERS: list[Callable[[int, str, User], None]] = []


def register_preparer(preparer: Callable[[int, str, User], None]) -> None:
    if preparer not in PREPARERS:
        PREPARERS.append(preparer)


def _attach(project: Project, action: str, actor: User) -> None:
    for preparer in PREPARERS:
        preparer(project.pk, action, actor)


def enrol_experts(cast: Cast, employer_name: str = "浙江大学计算机科学与技术学院") -> None:
    """smart_office enters the cast's experts into the library as software experts (COORD-07), so the
    walk's draws have someone to draw; those already in the library are left as they are."""
    for user in cast.experts:
        if not Expert.objects.filter(user=user).exists():
            lifecycle.add_expert(
                actor=cast.smart_office,
                user_id=user.pk,
                name=str(user),
                specialties=[Specialty.SOFTWARE],
                employer_name=employer_name,
            )


def _submit(project: Project, cast: Cast, shift: Shift) -> None:
    _attach(project, "submit", cast.owner)
    lifecycle.submit(project.pk, actor=cast.owner)


def _pool(project: Project, cast: Cast, shift: Shift) -> None:
    # PRI-06: bdb confirms each claimed priority ground the walk's needs bring, with its reason.
    confirmed = {
        claim["code"]: {"confirmed": True, "reason": "佐证材料属实，予以确认"}
        for claim in project.facts.get("priority_claims", [])
    }
    lifecycle.review_needs(
        project.pk, actor=cast.bdb, decision="accept", answers=ALL_CLEAR, priority=confirmed
    )


def _open_scheme(project: Project, cast: Cast, shift: Shift) -> None:
    lifecycle.open_scheme(project.pk, actor=cast.smart_office)


def _scheme(project: Project, cast: Cast, shift: Shift) -> None:
    estimate = project.requested_estimate or Decimal("1000000.00")
    _attach(project, "submit_scheme", cast.owner)
    lifecycle.submit_scheme(
        project.pk,
        actor=cast.owner,
        requested_estimate=estimate,
        modules=["统一门户", "业务协同", "数据归集"],
        scheme_summary="合并决策咨询、初步设计和概算评审方案",
    )
    # 市智慧办召集: smart_office draws one software expert per scheme from the library (COORD-07).
    lifecycle.draw_experts(
        project.pk, actor=cast.smart_office, specialties=[Specialty.SOFTWARE], per_specialty=2
    )


def _joint_review(project: Project, cast: Cast, shift: Shift) -> None:
    tasks = ReviewTask.objects.filter(project=project, round=project.review_round, opinion="")
    for task in tasks:
        lifecycle.record_opinion(
            project.pk, actor=cast.reviewer_for(task), opinion="agree", comment="同意方案"
        )
    assert project.requested_estimate is not None  # the scheme submitted it
    approved = (project.requested_estimate * Decimal("0.9")).quantize(Decimal("0.01"))
    lifecycle.issue_consultation(
        project.pk,
        actor=cast.smart_office,
        approved_estimate=approved,
        opinion_text="经联合评审，同意项目建设，核定概算价。",
    )


def _approve(project: Project, cast: Cast, shift: Shift) -> None:
    lifecycle.leading_group_decide(project.pk, actor=cast.leading_group, decision="approve", reason="同意")


def record_code(project: Project, cast: Cast) -> None:
    """The owner records the online platform's project code, before any approval document (COORD-09)."""
    lifecycle.record_project_code(
        project.pk,
        actor=cast.owner,
        project_code=f"{clock.today().year}-330800-65-01-{project.pk % 100000:05d}1",
    )


def _fund(project: Project, cast: Cast, shift: Shift) -> None:
    lifecycle.accept_application(project.pk, actor=cast.ndrc)
    record_code(project, cast)
    shift(dt.timedelta(days=1))
    lifecycle.issue_design_approval(project.pk, actor=cast.ndrc, approval_text="同意初步设计")
    _attach(project, "issue_price_review", cast.review_center)
    lifecycle.issue_price_review(project.pk, actor=cast.review_center, review_text="按概算价出具")
    today = clock.today()
    project.refresh_from_db()
    assert project.approved_estimate is not None  # the design approval set it
    lifecycle.record_funding(
        project.pk,
        actor=cast.finance,
        amount=project.approved_estimate,
        decided_on=today,
        source="市级财政资金",
    )


def _start_procurement(project: Project, cast: Cast, shift: Shift) -> None:
    lifecycle.start_procurement(project.pk, actor=cast.owner)


def _procure(project: Project, cast: Cast, shift: Shift) -> None:
    shift(dt.timedelta(days=7))
    assert project.approved_estimate is not None  # the design approval set it
    _attach(project, "record_tender", cast.owner)
    tender = lifecycle.record_tender(
        project.pk,
        actor=cast.owner,
        title=f"{project.name}建设",
        ceiling=project.approved_estimate,
        published_on=clock.today(),
    )
    shift(dt.timedelta(days=25))
    amount = (project.approved_estimate * Decimal("0.95")).quantize(Decimal("0.01"))
    _attach(project, "record_contract", cast.owner)
    lifecycle.record_contract(
        project.pk,
        actor=cast.owner,
        tender_id=tender.pk,
        supplier="浙江某信息技术有限公司",
        amount=amount,
        signed_on=clock.today(),
    )
    lifecycle.start_implementation(project.pk, actor=cast.owner)


def _implement(project: Project, cast: Cast, shift: Shift) -> None:
    shift(dt.timedelta(days=30))
    contract = project.contracts.first()
    assert contract is not None  # procurement signed one
    lifecycle.record_inspection(
        project.pk, actor=cast.bdb, inspected_on=clock.today(), result="on_track", findings="进度符合计划"
    )
    lifecycle.record_payment(
        project.pk,
        actor=cast.owner,
        contract_id=contract.pk,
        amount=(contract.amount * Decimal("0.3")).quantize(Decimal("0.01")),
        paid_on=clock.today(),
        milestone="合同签订首付款",
    )
    shift(dt.timedelta(days=60))
    lifecycle.submit_data_dictionary(project.pk, actor=cast.owner, descriptor=DICTIONARY)
    for module in project.modules.filter(accepted_on__isnull=True):
        _attach(project, "pass_module_acceptance", cast.owner)
        lifecycle.pass_module_acceptance(
            project.pk, actor=cast.owner, module_id=module.pk, accepted_on=clock.today()
        )
    shift(dt.timedelta(days=92))
    _attach(project, "apply_final_acceptance", cast.owner)
    lifecycle.apply_final_acceptance(project.pk, actor=cast.owner)


def _accept(project: Project, cast: Cast, shift: Shift) -> None:
    shift(dt.timedelta(days=10))
    lifecycle.decide_final_acceptance(
        project.pk, actor=cast.smart_office, decision="pass", reason="同意通过终验"
    )


def _evaluate(project: Project, cast: Cast, shift: Shift) -> None:
    shift(dt.timedelta(days=366))
    _attach(project, "record_post_evaluation", cast.smart_office)
    lifecycle.record_post_evaluation(
        project.pk,
        actor=cast.smart_office,
        evaluator="市数字化项目专家组",
        score=Decimal("86.50"),
        use_findings="系统运行稳定，使用率较高",
        security_findings="未发现重大安全隐患",
        target_scores=[  # PERF-02: each target met as stated
            {
                "target_id": target.pk,
                "achieved_value": target.target_value,
                "result": "met",
                "score": Decimal("90.00"),
                "note": "经核验，达到目标值",
            }
            for target in project.performance_targets.all()
        ],
    )


# Each step moves a project out of the stages on its left, one stage at a time.
STEPS: list[tuple[set[str], Callable[[Project, Cast, Shift], None]]] = [
    ({Stage.DRAFT, Stage.RETURNED}, _submit),
    ({Stage.SUBMITTED}, _pool),
    ({Stage.POOLED}, _open_scheme),
    ({Stage.SCHEME}, _scheme),
    ({Stage.JOINT_REVIEW}, _joint_review),
    ({Stage.CONSULTATION}, _approve),
    ({Stage.APPROVAL}, _fund),
    ({Stage.FUNDED}, _start_procurement),
    ({Stage.PROCUREMENT}, _procure),
    ({Stage.IMPLEMENTATION}, _implement),
    ({Stage.FINAL_ACCEPTANCE}, _accept),
    ({Stage.OPERATION}, _evaluate),
]


def advance(project: Project, cast: Cast, *, to: str, shift: Shift | None = None) -> Project:
    """Drive a project forward until it reaches `to`. `shift` moves the clock (time-machine in tests
    and the demo) where the policy makes time pass: 3 months before final acceptance, a year before
    post-evaluation."""
    shift = shift or (lambda delta: None)
    for sources, step in STEPS:
        project.refresh_from_db()
        if project.stage == to:
            return project
        if project.stage in sources:
            step(project, cast, shift)
    project.refresh_from_db()
    if project.stage != to:
        raise ValueError(f"cannot reach {to}: stopped at {project.stage}")
    return project

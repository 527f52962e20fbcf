"""COORD-07: the expert library kept by smart_office and the random draw of a joint review's experts.

The owner unit no longer names its reviewers; 市智慧办 draws them per specialty, excluding the owner's
employees, the project's contractors' staff and declared conflicts, and records the draw so it replays."""

from __future__ import annotations

import collections
from decimal import Decimal

import pytest

from govpm.core.errors import Forbidden, RuleViolation
from govpm.projects import lifecycle
from govpm.projects.lifecycle.experts import replay, select
from govpm.projects.models import Event, Expert, ExpertDraw, Project, ReviewTask, Specialty
from govpm.projects.scenarios import advance

from .factories import UserFactory, api_for, draft, role_user

# The chi-square critical value at p = 0.001 for 23 degrees of freedom (24 eligible experts); from the
# standard table (scipy.stats.chi2.ppf(0.999, 23) = 49.728). Above it, the draw would not be uniform.
CHI2_CRITICAL_P001_DF23 = 49.728


def _library(cast, project: Project, size: int = 30) -> dict[str, list[Expert]]:
    """A library of `size` software experts: 2 work for the owner unit, 2 for the project's contractor,
    2 declared a conflict with the owner unit; the rest are eligible."""
    Expert.objects.all().delete()  # only the library built here
    groups: dict[str, list[Expert]] = collections.defaultdict(list)
    for n in range(size):
        kind = ["owner", "owner", "supplier", "supplier", "conflict", "conflict"][n] if n < 6 else "eligible"
        expert = lifecycle.add_expert(
            actor=cast.smart_office,
            user_id=role_user("expert", "experts").pk,
            name=f"专家{n:02d}",
            specialties=[Specialty.SOFTWARE],
            employer_name={
                "owner": project.owner_unit.name,
                "supplier": "浙江某信息技术有限公司",
            }.get(kind, f"某大学{n}"),
            employer_unit_id=project.owner_unit_id if kind == "owner" else None,
            conflicts=project.owner_unit.name if kind == "conflict" else "",
        )
        groups[kind].append(expert)
    return groups


@pytest.fixture
def reviewed(cast):
    project = advance(draft(cast.owner), cast, to="joint_review")
    # The walk drew one expert already; start the checks on a fresh round without a draw.
    ReviewTask.objects.filter(project=project, expert__isnull=False).delete()
    ExpertDraw.objects.filter(project=project).delete()
    return project


def _contract(project: Project, supplier: str) -> None:
    """A contractor of the project (the contractor rule reads the project's contracts)."""
    from govpm.projects.models import Contract, Tender

    tender = Tender.objects.create(
        project=project, title="一期", ceiling=100_000_00, published_on="2026-01-05"
    )
    Contract.objects.create(
        project=project,
        tender=tender,
        supplier=supplier,
        signing_unit=project.owner_unit,
        amount=90_000_00,
        signed_on="2026-02-01",
    )


def test_draw_excludes_owner_contractor_and_conflict_and_records_each_reason_COORD_07(cast, reviewed):
    """COORD-07: the pool, each exclusion with its reason and the seed are recorded; tasks open at once."""
    _contract(reviewed, "浙江某信息技术有限公司")
    groups = _library(cast, reviewed)

    draw = lifecycle.draw_experts(
        reviewed.pk, actor=cast.smart_office, specialties=[Specialty.SOFTWARE], per_specialty=5
    )

    reasons = {row["expert"]: row["reason"] for row in draw.exclusions}
    assert {e.pk for e in groups["owner"]} | {e.pk for e in groups["supplier"]} | {
        e.pk for e in groups["conflict"]
    } == set(reasons)
    assert all("业主单位" in reasons[e.pk] for e in groups["owner"])
    assert all("承包商" in reasons[e.pk] for e in groups["supplier"])
    assert all("申报回避" in reasons[e.pk] for e in groups["conflict"])
    assert len(draw.pool) == 30
    drawn = draw.drawn[Specialty.SOFTWARE]
    assert len(drawn) == 5 and not set(drawn) & set(reasons)
    users = set(Expert.objects.filter(pk__in=drawn).values_list("user_id", flat=True))
    tasks = ReviewTask.objects.filter(project=reviewed, round=reviewed.review_round, expert__isnull=False)
    assert set(tasks.values_list("expert_id", flat=True)) == users
    event = Event.objects.filter(project=reviewed, action="draw_experts").latest("id")
    assert event.payload["seed"] == str(draw.seed) and event.actor == cast.smart_office


def test_a_thousand_seeded_draws_never_draw_an_excluded_expert_and_are_uniform_COORD_07(cast, reviewed):
    """COORD-07: over 1,000 seeded draws from a library of 30 (6 excluded), no excluded expert is drawn
    and each of the 24 eligible is drawn about equally often (chi-square, p > 0.001)."""
    _contract(reviewed, "浙江某信息技术有限公司")
    groups = _library(cast, reviewed)
    draw = lifecycle.draw_experts(
        reviewed.pk, actor=cast.smart_office, specialties=[Specialty.SOFTWARE], per_specialty=3, seed=1
    )
    excluded = {row["expert"] for row in draw.exclusions}
    eligible = {e.pk for e in groups["eligible"]}
    assert len(eligible) == 24 and len(excluded) == 6

    counts: collections.Counter[int] = collections.Counter()
    for seed in range(1000):
        chosen = select(draw.pool, excluded, [Specialty.SOFTWARE], 3, seed)[Specialty.SOFTWARE]
        assert len(set(chosen)) == 3
        counts.update(chosen)

    assert not set(counts) & excluded
    assert set(counts) == eligible  # every eligible expert is drawn at some point
    expected = 1000 * 3 / 24
    chi2 = sum((counts[pk] - expected) ** 2 / expected for pk in eligible)
    assert chi2 < CHI2_CRITICAL_P001_DF23, chi2


def test_chi_square_check_would_catch_a_biased_draw_COORD_07():
    """COORD-07: the uniformity check can fail — a draw that always favours the lowest ids fails it."""
    counts = collections.Counter({pk: (250 if pk < 6 else 85) for pk in range(24)})
    expected = sum(counts.values()) / 24
    chi2 = sum((count - expected) ** 2 / expected for count in counts.values())
    assert chi2 > CHI2_CRITICAL_P001_DF23


def test_a_recorded_draw_replays_to_the_same_experts_COORD_07(cast, reviewed):
    """COORD-07: replaying a recorded draw from its pool, exclusions and seed gives the same experts,
    even after the library changed."""
    groups = _library(cast, reviewed)
    draw = lifecycle.draw_experts(
        reviewed.pk,
        actor=cast.smart_office,
        specialties=[Specialty.SOFTWARE],
        per_specialty=4,
    )
    Expert.objects.filter(pk__in=[e.pk for e in groups["eligible"][:10]]).update(active=False)

    stored = ExpertDraw.objects.get(pk=draw.pk)
    assert replay(stored) == stored.drawn
    assert replay(stored)[Specialty.SOFTWARE] == draw.drawn[Specialty.SOFTWARE]


def test_drawing_more_experts_than_are_eligible_is_refused_naming_the_specialty_COORD_07(cast, reviewed):
    """COORD-07: too few eligible experts → 400 in Chinese naming the specialty; nothing is saved."""
    _library(cast, reviewed, size=8)  # 2 eligible (the two "conflict" experts are excluded too)

    response = api_for(cast.smart_office).post(
        f"/api/v1/projects/{reviewed.pk}/actions/draw_experts/",
        {"specialties": ["software"], "per_specialty": 5},
        format="json",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["rule"] == "COORD-07" and error["field"] == "specialties.0"
    assert "软件与信息系统" in error["message"] and "不足" in error["message"]
    assert not ExpertDraw.objects.filter(project=reviewed).exists()
    assert not ReviewTask.objects.filter(project=reviewed, expert__isnull=False).exists()
    assert Event.objects.filter(project=reviewed, action="draw_experts").count() == 1  # the walk's own


def test_an_owner_naming_experts_in_the_scheme_is_refused_COORD_07(cast):
    """COORD-07: the owner never chooses experts: `experts` in submit_scheme → 400 naming the field."""
    project = advance(draft(cast.owner), cast, to="scheme")

    response = api_for(cast.owner).post(
        f"/api/v1/projects/{project.pk}/actions/submit_scheme/",
        {
            "requested_estimate": "100000.00",
            "modules": ["全部"],
            "experts": [cast.experts[0].pk],
            "scheme_summary": "方案",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "experts"
    assert "市智慧办" in response.json()["error"]["message"]
    project.refresh_from_db()
    assert project.stage == "scheme"


def test_only_smart_office_draws_and_only_once_per_round_COORD_07(cast, reviewed):
    """COORD-07: the owner and bdb may not draw (403); a second draw in the same round is 409."""
    _library(cast, reviewed)
    for user in [cast.owner, cast.bdb]:
        with pytest.raises(Forbidden):
            lifecycle.draw_experts(reviewed.pk, actor=user, specialties=[Specialty.SOFTWARE], per_specialty=1)
    lifecycle.draw_experts(
        reviewed.pk, actor=cast.smart_office, specialties=[Specialty.SOFTWARE], per_specialty=1
    )
    response = api_for(cast.smart_office).post(
        f"/api/v1/projects/{reviewed.pk}/actions/draw_experts/",
        {"specialties": ["software"], "per_specialty": 1},
        format="json",
    )
    assert response.status_code == 409
    assert ExpertDraw.objects.filter(project=reviewed).count() == 1


def test_consultation_waits_for_the_draw_COORD_07(cast, reviewed):
    """COORD-07: without drawn experts the 决策咨询意见 cannot be issued, even with every unit's opinion."""
    for task in ReviewTask.objects.filter(project=reviewed, round=reviewed.review_round):
        lifecycle.record_opinion(reviewed.pk, actor=cast.reviewer_for(task), opinion="agree", comment="同意")

    with pytest.raises(RuleViolation) as refused:
        lifecycle.issue_consultation(
            reviewed.pk, actor=cast.smart_office, approved_estimate=Decimal("1000000.00"), opinion_text="同意"
        )
    assert refused.value.rule == "COORD-07"


def test_only_smart_office_keeps_the_library_COORD_07(cast):
    """COORD-07: the library is smart_office's; an owner adding an expert is refused and nothing saved."""
    before = Expert.objects.count()
    with pytest.raises(Forbidden):
        lifecycle.add_expert(
            actor=cast.owner,
            user_id=UserFactory(role="expert").pk,
            name="自荐专家",
            specialties=[Specialty.SOFTWARE],
            employer_name="某公司",
        )
    assert Expert.objects.count() == before


def test_bad_draw_input_is_refused_in_chinese_naming_the_field_COORD_07(cast, reviewed):
    """COORD-07: an unknown specialty or a zero count → 400 naming the field; nothing saved."""
    client = api_for(cast.smart_office)
    url = f"/api/v1/projects/{reviewed.pk}/actions/draw_experts/"
    for body, field in [
        ({"specialties": ["astrology"], "per_specialty": 1}, "specialties.0"),
        ({"specialties": ["software"], "per_specialty": 0}, "per_specialty"),
        ({"specialties": [], "per_specialty": 1}, "specialties"),
        ({"specialties": ["software"], "per_specialty": 1, "seed": 7}, "seed"),
    ]:
        response = client.post(url, body, format="json")
        assert response.status_code == 400, body
        assert response.json()["error"]["field"] == field
    assert not ExpertDraw.objects.filter(project=reviewed).exists()

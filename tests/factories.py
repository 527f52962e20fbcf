"""Test data, made the way the platform makes it."""

from __future__ import annotations

import itertools

import factory
from rest_framework.test import APIClient

from govpm.accounts.codes import make_credit_code
from govpm.accounts.models import Unit, User
from govpm.accounts.reference import ensure_reference_units
from govpm.projects import lifecycle
from govpm.projects.models import Expert, Specialty
from govpm.projects.scenarios import GOOD_FACTS, GOOD_TARGETS, Cast

_serial = itertools.count(1)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"owner{n}")
    name = factory.Sequence(lambda n: f"衢州市测试业务局{n}")
    short_name = factory.Sequence(lambda n: f"测试局{n}")
    credit_code = factory.Sequence(lambda n: make_credit_code(f"11330800MB{n:07d}"))
    kind = Unit.Kind.DEPARTMENT
    region_code = "330800"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = "owner"
    unit = factory.SubFactory(UnitFactory)
    password = factory.PostGenerationMethodCall("set_password", "pw-12345678")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def role_user(role: str, unit_code: str | None = None, **kwargs) -> User:
    """A user holding `role` in the reference unit of that code (bdb, ndrc, …)."""
    unit = Unit.objects.get(code=unit_code or role)
    return UserFactory(role=role, unit=unit, **kwargs)


def make_cast(owner: User | None = None) -> Cast:
    ensure_reference_units(Unit)  # transactional tests flush what the data migration created
    reviewers = {
        code: role_user(code)
        for code in ["bdb", "cac", "bizenv", "ndrc", "finance", "regulator", "review_center"]
    }
    cast = Cast(
        owner=owner or UserFactory(role="owner"),
        bdb=reviewers["bdb"],
        smart_office=role_user("smart_office"),
        leading_group=role_user("leading_group"),
        ndrc=reviewers["ndrc"],
        review_center=reviewers["review_center"],
        finance=reviewers["finance"],
        experts=[role_user("expert", "experts"), role_user("expert", "experts")],
        reviewers=reviewers,
    )
    for user in cast.experts:  # the library the draws read (COORD-07); test data, not an audited write
        Expert.objects.create(
            user=user, name=str(user), specialties=[Specialty.SOFTWARE], employer_name="浙江大学"
        )
    return cast


def draft(
    owner: User,
    *,
    name: str = "城市大脑数字驾驶舱",
    facts: dict | None = None,
    estimate: str = "1200000.00",
    with_materials: bool = True,
    targets: list | None = None,
):
    """A draft, with its 需求申报书 (and a claimed priority's 证明材料) uploaded as the demo does, so it
    can be submitted (MAT-01); `with_materials=False` for a test of what is missing. It states one
    绩效目标 (PERF-01) unless `targets` says otherwise."""
    from decimal import Decimal

    from govpm.materials import demo_files

    project = lifecycle.create_project(
        actor=owner,
        name=name,
        facts={**GOOD_FACTS, **(facts or {})},
        requested_estimate=Decimal(estimate),
        performance_targets=GOOD_TARGETS if targets is None else targets,
    )
    if with_materials:
        demo_files.attach_for(project.pk, "submit", owner)
    return project


def api_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def needs_that_did_not_go_on(cast: Cast, into, *, shift, estimate: str) -> dict[str, object]:
    """A rejected, a returned, a withdrawn and a merged need (merged into the pooled project `into`):
    the needs that never count as investment (PORT-04). Returns them by stage."""
    from govpm.projects.scenarios import ALL_CLEAR, advance

    rejected = draft(cast.owner, name="被拒项目", facts={"new_server_room": True}, estimate=estimate)
    lifecycle.submit(rejected.pk, actor=cast.owner)
    returned = advance(
        draft(cast.owner, name="退回项目", estimate=estimate), cast, to="submitted", shift=shift
    )
    lifecycle.review_needs(returned.pk, actor=cast.bdb, decision="return", answers=ALL_CLEAR, comment="补充")
    withdrawn = advance(draft(cast.owner, name="撤回项目", estimate=estimate), cast, to="pooled", shift=shift)
    lifecycle.withdraw(withdrawn.pk, actor=cast.owner, reason="不再需要")
    merged = advance(draft(cast.owner, name="并入项目", estimate=estimate), cast, to="pooled", shift=shift)
    lifecycle.open_scheme(into.pk, actor=cast.smart_office, merge_ids=[merged.pk])
    made = {"rejected": rejected, "returned": returned, "withdrawn": withdrawn, "merged": merged}
    for need in made.values():
        need.refresh_from_db()
    return made


def attach(project, action: str, actor: User) -> None:
    """MAT-01: upload, through the service, the materials `action` takes that the project lacks, before
    a test takes the action directly (the scenarios do the same in `advance`)."""
    from govpm.materials import demo_files

    demo_files.attach_for(getattr(project, "pk", project), action, actor)


def attach_via_api(user: User, project_id: int, action: str) -> None:
    """MAT-01 through the REST API, as a client walking the lifecycle does: each required material the
    project lacks, uploaded to /api/v1/projects/{id}/materials/ before the action is posted."""
    from govpm.materials import catalog, demo_files
    from govpm.projects.models import Project

    project = Project.objects.get(pk=project_id)
    have = set(project.materials.values_list("kind", flat=True))
    client = api_for(user)
    for kind in catalog.required_of(action, project):
        if kind.code in have:
            continue
        answer = client.post(
            f"/api/v1/projects/{project_id}/materials/",
            {"kind": kind.code, "file": demo_files.file_for(kind, project.name)},
            format="multipart",
        )
        assert answer.status_code == 201, answer.content


def attach_all(project, cast: Cast, *actions: str) -> None:
    """MAT-01 for several actions at once, each uploaded by the cast member whose role takes it."""
    from govpm.projects.stages import ACTIONS

    for action in actions:
        role = sorted(ACTIONS[action].roles)[0]
        attach(project, action, getattr(cast, role))


def material_files(project, action: str) -> dict:
    """MAT-01 through an action's web form: {control name: file} for each material the project still
    needs for `action`, to post with the form's fields (multipart)."""
    from govpm.materials import catalog, demo_files
    from govpm.projects.models import Project

    project = Project.objects.get(pk=getattr(project, "pk", project))
    have = set(project.materials.values_list("kind", flat=True))
    return {
        f"material.{kind.code}": demo_files.file_for(kind, project.name)
        for kind in catalog.required_of(action, project)
        if kind.code not in have
    }

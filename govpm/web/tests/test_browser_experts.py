"""COORD-07 in chromium: smart_office draws the experts on the joint-review page, sees each exclusion
with its reason and the seed; the owner's scheme form names no experts; the library page lists them."""

import pytest
from playwright.sync_api import expect

from govpm.projects import lifecycle
from govpm.projects.models import ExpertDraw, ReviewTask, Specialty
from govpm.projects.scenarios import advance
from tests.factories import draft, role_user

from .test_browser import UI, travel, ui  # noqa: F401 (fixtures shared with the main walk)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _library(cast, project) -> None:
    """Six software experts more: two work for the owner unit, one declared a conflict with it."""
    for n, (employer, conflicts) in enumerate(
        [
            (project.owner_unit.name, ""),
            (project.owner_unit.name, ""),
            ("浙江工业大学", project.owner_unit.name),
            ("浙江工业大学", ""),
            ("衢州学院", ""),
            ("杭州电子科技大学", ""),
        ]
    ):
        lifecycle.add_expert(
            actor=cast.smart_office,
            user_id=role_user("expert", "experts", display_name=f"库内专家{n}").pk,
            name=f"库内专家{n}",
            specialties=[Specialty.SOFTWARE, Specialty.SECURITY] if n % 2 else [Specialty.SOFTWARE],
            employer_name=employer,
            employer_unit_id=project.owner_unit_id if employer == project.owner_unit.name else None,
            conflicts=conflicts,
        )


def test_smart_office_draws_the_experts_in_the_ui_and_sees_each_exclusion_COORD_07(ui, cast, travel):  # noqa: F811
    """COORD-07: the owner's scheme form has no expert control; smart_office's draw opens the tasks of
    the drawn experts; the record shows the seed and each excluded expert with the reason."""
    project = advance(draft(cast.owner), cast, to="scheme")
    _library(cast, project)

    def scheme(form):
        assert form.locator('[data-control="experts"]').count() == 0  # the owner names no experts
        form.locator('[data-control="modules"] input').nth(0).fill("统一门户")
        form.get_by_label("方案概要").fill("合并方案")

    ui.act(cast.owner, project.pk, "submit_scheme", scheme)
    page = ui.open(cast.smart_office, f"/projects/{project.pk}/joint-review/")
    expect(page.locator("#h-draws").locator("..")).to_contain_text("尚未抽取评审专家")

    def draw(form):
        form.get_by_label("软件与信息系统").check()
        form.get_by_label("每专业人数").fill("3")

    page = ui.act(
        cast.smart_office, project.pk, "draw_experts", draw, path=f"/projects/{project.pk}/joint-review/"
    )

    stored = ExpertDraw.objects.get(project=project)
    page.goto(ui.base + f"/projects/{project.pk}/joint-review/")
    record = page.locator("#draw-1")
    expect(record).to_contain_text(str(stored.seed))
    record.locator("summary").click()
    exclusions = record.locator(".exclusions li")
    expect(exclusions).to_have_count(3)
    expect(record.locator(".exclusions")).to_contain_text("受聘于业主单位")
    expect(record.locator(".exclusions")).to_contain_text("申报回避")
    drawn_users = ReviewTask.objects.filter(project=project, expert__isnull=False).count()
    assert drawn_users == 3
    ui.shot(page, "joint-review-draw")

    library = ui.open(cast.smart_office, "/experts/")
    expect(library.locator("#expert-library tbody tr")).to_have_count(8)
    expect(library.locator("#expert-draws")).to_contain_text(str(stored.seed))
    ui.shot(library, "expert-library")

    owner_page = ui.open(cast.owner, f"/projects/{project.pk}/joint-review/")
    expect(owner_page.locator(".exclusions")).to_have_count(0)  # the exclusion list is smart_office's

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


def test_bdb_confirms_each_priority_claim_on_the_review_checklist_PRI_06(ui, cast, travel):  # noqa: F811
    """PRI-06 in chromium: the checklist shows each claim with its evidence; bdb confirms one and not the
    other, each with a reason; only the confirmed one ranks the need."""
    claims = [
        {"code": "innovative", "evidence": "获省数字化改革最佳应用"},
        {"code": "award_transfer", "evidence": "待补充获奖证书"},
    ]
    project = draft(cast.owner, facts={"priority_claims": claims})
    lifecycle.submit(project.pk, actor=cast.owner)
    page = ui.open(cast.bdb, f"/projects/{project.pk}/needs-review/")
    expect(page.locator('[data-control="priority.innovative"]')).to_contain_text("获省数字化改革最佳应用")

    def review(form):
        for rule in ["REJ-02", "REJ-07", "REJ-08", "REJ-10"]:
            control = form.locator(f'[data-control="answers.{rule}"]')
            control.get_by_label("未命中").check()
            control.get_by_label("理由").fill("经审核，不存在该情形")
        innovative = form.locator('[data-control="priority.innovative"]')
        innovative.get_by_label("确认", exact=True).check()
        innovative.get_by_label("理由").fill("获奖文件属实")
        award = form.locator('[data-control="priority.award_transfer"]')
        award.get_by_label("不予确认").check()
        award.get_by_label("理由").fill("未附获奖证书")
        form.locator('[data-control="decision"]').get_by_label("同意入库").check()
        ui.shot(page, "needs-review-priority")

    ui.act(cast.bdb, project.pk, "review_needs", review, path=f"/projects/{project.pk}/needs-review/")
    project.refresh_from_db()
    assert project.stage == "pooled" and project.priority_score == 1

"""In chromium: the draw's exclusions of bidders and contractors and the drawn expert's review (COORD-07),
the notices of non-acceptance and a new need from a rejected one (DOC-01), the third-party estimate
review on the joint-review page (COORD-08), and the top-level designs page (PLAN-06)."""

import pytest
from playwright.sync_api import expect

from govpm.projects import lifecycle
from govpm.projects.models import Contract, Expert, ExpertDraw, Project, ReviewTask, Specialty, Tender
from govpm.projects.scenarios import advance
from tests.factories import draft, role_user

from .test_browser import UI, travel, ui  # noqa: F401 (fixtures shared with the main walk)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in_joint_review(cast) -> Project:
    """A project in joint review with no draw yet, whose procurement records name a bidder and a
    contractor, and a library of six software experts: one each employed by the owner unit, the bidder
    and the contractor, three eligible."""
    project = advance(draft(cast.owner), cast, to="joint_review")
    ReviewTask.objects.filter(project=project, expert__isnull=False).delete()
    ExpertDraw.objects.filter(project=project).delete()
    Expert.objects.all().delete()
    tender = Tender.objects.create(
        project=project, title="一期", ceiling=100_000, published_on="2026-01-05", bidders=["甲投标公司"]
    )
    Contract.objects.create(
        project=project,
        tender=tender,
        supplier="乙承包公司",
        signing_unit=project.owner_unit,
        amount=90_000,
        signed_on="2026-02-01",
    )
    for n, employer in enumerate(
        [project.owner_unit.name, "甲投标公司", "乙承包公司", "浙江大学", "衢州学院", "浙江工业大学"]
    ):
        lifecycle.add_expert(
            actor=cast.smart_office,
            user_id=role_user("expert", "experts", display_name=f"评审专家{n}").pk,
            name=f"评审专家{n}",
            specialties=[Specialty.SOFTWARE],
            employer_name=employer,
            employer_unit_id=project.owner_unit_id if n == 0 else None,
        )
    return project


def test_the_draw_on_the_joint_review_page_excludes_bidders_and_contractors_and_the_drawn_expert_reviews_COORD_07(
    ui,  # noqa: F811
    cast,
    travel,  # noqa: F811
):
    """COORD-07: smart_office draws on the joint-review page; the three eligible experts are drawn and the
    owner's, the bidder's and the contractor's staff are excluded, each with its reason; a drawn expert
    opens the page, sees the scheme's materials (the review checklist) and answers the review task."""
    project = _in_joint_review(cast)

    def draw(form):
        form.get_by_label("软件与信息系统").check()
        form.get_by_label("每专业人数").fill("3")

    page = ui.act(
        cast.smart_office, project.pk, "draw_experts", draw, path=f"/projects/{project.pk}/joint-review/"
    )
    page.goto(ui.base + f"/projects/{project.pk}/joint-review/")
    record = page.locator("#draw-1")
    expect(record.locator(".drawn")).to_contain_text("评审专家3")
    for name in ["评审专家3", "评审专家4", "评审专家5"]:
        expect(record.locator(".drawn")).to_contain_text(name)
    record.locator("summary").click()
    exclusions = record.locator(".exclusions")
    expect(exclusions.locator("li")).to_have_count(3)
    expect(exclusions).to_contain_text("评审专家0：受聘于业主单位")
    expect(exclusions).to_contain_text("评审专家1：受聘于本项目投标人（甲投标公司）")
    expect(exclusions).to_contain_text("评审专家2：受聘于本项目承包商（乙承包公司）")
    ui.shot(page, "joint-review-draw-exclusions")

    drawn = ReviewTask.objects.filter(project=project, expert__isnull=False).select_related("expert").first()
    assert drawn is not None and drawn.expert is not None
    expert = drawn.expert
    assert expert.display_name in {"评审专家3", "评审专家4", "评审专家5"}
    expert_page = ui.open(expert, f"/projects/{project.pk}/joint-review/")
    expect(expert_page.locator("#h-materials").locator("..")).to_contain_text("合并方案文本")
    expect(expert_page.locator("#missing-reviewers")).to_contain_text(expert.display_name)
    ui.shot(expert_page, "joint-review-drawn-expert")

    def opinion(form):
        form.get_by_label("同意", exact=True).check()
        form.get_by_label("评审说明").fill("方案可行，同意")

    ui.act(expert, project.pk, "record_opinion", opinion, path=f"/projects/{project.pk}/joint-review/")
    drawn.refresh_from_db()
    assert drawn.opinion == "agree" and drawn.answered_by == expert


def test_smart_office_records_the_estimate_review_on_the_joint_review_page_COORD_08(ui, cast, travel):  # noqa: F811
    """COORD-08: the form on the joint-review page; the review shows with its reduction; the owner does
    not see the section."""
    project = advance(draft(cast.owner), cast, to="joint_review")

    def review(form):
        form.get_by_label("评审机构").fill("浙江某工程咨询有限公司")
        form.get_by_label("审定金额").fill("1,080,000.00")
        form.get_by_label("评审报告").fill("浙咨评〔2026〕15号")

    page = ui.act(
        cast.smart_office,
        project.pk,
        "record_estimate_review",
        review,
        path=f"/projects/{project.pk}/joint-review/",
    )
    page.goto(ui.base + f"/projects/{project.pk}/joint-review/")
    table = page.locator("#estimate-reviews")
    expect(table).to_contain_text("浙江某工程咨询有限公司")
    expect(table).to_contain_text("1,080,000.00")
    expect(table).to_contain_text("120,000.00")  # 1,200,000.00 submitted less 1,080,000.00
    ui.shot(page, "joint-review-estimate-review")
    project_page = ui.open(cast.smart_office, f"/projects/{project.pk}/")
    expect(project_page.locator("#estimate-reviews")).to_contain_text("浙咨评〔2026〕15号")
    owner_page = ui.open(cast.owner, f"/projects/{project.pk}/joint-review/")
    expect(owner_page.locator("#h-estimate-reviews")).to_have_count(0)


def test_the_owner_sees_the_notice_and_starts_a_new_need_from_the_rejected_one_DOC_01(ui, cast, travel):  # noqa: F811
    """DOC-01: a need bdb rejected shows its 不予受理告知书 (number, finding with its reason and clause,
    DOCX and PDF) and the owner's notice names it; 以此为基础新建需求 opens the copy in the need form; the
    copy links back."""
    project = draft(cast.owner, name="协同办公升级项目")
    lifecycle.submit(project.pk, actor=cast.owner)
    answers = {rule: {"hit": False, "reason": "不存在该情形"} for rule in ["REJ-02", "REJ-08", "REJ-10"]}
    answers["REJ-07"] = {"hit": True, "reason": "与已建的协同办公系统功能重复"}
    lifecycle.review_needs(project.pk, actor=cast.bdb, decision="reject", answers=answers)
    notice = project.documents.get()

    page = ui.open(cast.owner, f"/projects/{project.pk}/")
    panel = page.locator("#notice-documents")
    expect(panel).to_contain_text("不予受理告知书")
    expect(panel).to_contain_text(notice.number)
    expect(panel).to_contain_text("REJ-07 · 衢政办发〔2020〕8号")
    expect(panel).to_contain_text("与已建的协同办公系统功能重复")
    expect(panel.get_by_role("link", name="PDF")).to_have_count(1)
    ui.shot(page, "project-non-acceptance-notice")
    page.get_by_role("button", name="以此为基础新建需求").click()
    expect(page.get_by_label("项目名称")).to_have_value("协同办公升级项目")
    copy = Project.objects.get(copied_from=project)
    assert f"/projects/{copy.pk}/edit/" in page.url
    page.goto(ui.base + f"/projects/{copy.pk}/")
    expect(page.locator("#copied-from")).to_contain_text("协同办公升级项目")
    inbox = ui.open(cast.owner, "/notices/")
    expect(inbox.locator("body")).to_contain_text(notice.number)


def test_bdb_records_a_top_level_design_and_an_owner_names_its_task_PLAN_06(ui, cast, travel):  # noqa: F811
    """PLAN-06: bdb records a design on the page (a design without a 四横 layer is refused beside the
    control); the owner's need form offers the design's tasks."""
    page = ui.open(cast.bdb, "/designs/")
    form = page.locator('form[data-action="design"]')
    form.get_by_label("设计名称").fill("衢州市城市大脑顶层设计")
    form.get_by_label("工作小组").fill("市大数据局、市营商办联合工作小组")
    form.get_by_label("标准规范").check()
    form.get_by_label("实施计划").fill("2026年完成数据归集")
    form.locator('[data-control="tasks"] input').first.fill("公共数据归集")
    form.locator("button[type=submit]").click()
    expect(page.locator('[data-control="layers"]')).to_contain_text("四横")
    form = page.locator('form[data-action="design"]')
    form.get_by_label("数据资源").check()
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("已登记顶层设计")
    expect(page.locator(".design")).to_contain_text("公共数据归集")
    ui.shot(page, "designs")
    need = ui.open(cast.owner, "/projects/new/")
    expect(need.get_by_label("服务的顶层设计任务")).to_contain_text("衢州市城市大脑顶层设计 · 公共数据归集")

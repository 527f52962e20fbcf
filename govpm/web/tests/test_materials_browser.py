"""MAT-01..03 in Debian's chromium: the owner uploads the scheme text and the estimate while submitting
the scheme, in the action's own form (without the estimate it is refused with 缺少材料 and nothing is
kept), and a reviewer opens the preview from the joint-review page. Screenshots at 1280 and 390 px into artifacts/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from govpm.materials import demo_files
from govpm.materials.models import Material
from govpm.projects.scenarios import advance
from govpm.projects.stages import Stage
from tests.factories import draft

from . import test_browser
from .test_browser import UI

travel = test_browser.travel  # the clock fixture of the UI walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ui(browser, live_server, screenshots):
    ui = UI(browser, live_server.url, screenshots)
    yield ui
    for page in ui.pages.values():
        page.context.close()


def test_owner_uploads_scheme_materials_and_reviewer_previews_them_MAT_01_MAT_02_MAT_03(
    ui,
    cast,
    travel,
    tmp_path,
):
    project = advance(draft(cast.owner), cast, to=Stage.SCHEME)
    pid = project.pk

    # the scheme form asks for its materials: one required file control each, the missing ones
    # marked in the checklist (MAT-01)
    page = ui.open(cast.owner, f"/projects/{pid}/")
    form = ui.form(page, "submit_scheme")
    expect(form.locator('input[type="file"][name="material.scheme_text"]')).to_be_visible()
    expect(form.locator('input[type="file"][name="material.estimate"]')).to_be_visible()

    # the owner chooses the scheme text (DOCX) and the estimate (PDF) while filling the form, submits
    scheme = tmp_path / "合并方案文本.docx"
    scheme.write_bytes(demo_files.docx_bytes("合并方案", ["项目建设内容"]))
    estimate = tmp_path / "概算书.pdf"
    estimate.write_bytes(demo_files.pdf_bytes("estimate"))

    # first without the estimate: refused with MAT-01 naming it, nothing kept
    form.get_by_label("合并方案文本").set_input_files(str(scheme))
    form.locator('[data-control="modules"] input').nth(0).fill("统一门户")
    form.get_by_label("方案概要").fill("合并方案")
    form.locator("button[type=submit]").click()
    expect(page.locator("#action-submit_scheme")).to_contain_text("缺少材料：概算书")
    assert not Material.objects.filter(project_id=pid, kind__in=["scheme_text", "estimate"]).exists()
    ui.shot(page, "scheme-form-materials-refused")

    def fill(form):
        form.get_by_label("合并方案文本").set_input_files(str(scheme))
        form.get_by_label("概算书").set_input_files(str(estimate))
        form.locator('[data-control="modules"] input').nth(0).fill("统一门户")
        form.get_by_label("方案概要").fill("合并方案")

    ui.act(cast.owner, pid, "submit_scheme", fill)
    kept = Material.objects.filter(project_id=pid, kind__in=["scheme_text", "estimate"])
    assert sorted(kept.values_list("name", flat=True)) == ["合并方案文本.docx", "概算书.pdf"]
    page = ui.open(cast.owner, f"/materials/projects/{pid}/")
    expect(page.get_by_text("合并方案文本.docx").first).to_be_visible()
    ui.shot(page, "materials")

    # a reviewer sees the stage's materials on the joint-review page and opens the estimate's preview
    task = project.review_tasks.filter(unit=cast.bdb.unit).first()
    assert task is not None
    page = ui.open(cast.bdb, f"/projects/{pid}/joint-review/")
    materials = page.locator("#h-materials").locator("..")
    expect(materials).to_contain_text("合并方案文本")
    ui.shot(page, "joint-review-materials")
    with page.context.expect_page() as opened:
        materials.get_by_role("link", name="概算书.pdf").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert re.search(r"/materials/\d+/preview/$", preview.url)
    response = page.request.get(preview.url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline;")

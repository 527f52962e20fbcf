"""IMPL-04 (issue 15 item 4): the data dictionary entered as a table — field name, 中文名, type, 说明,
required, shared, primary key — with rows added and removed, or uploaded as an XLSX from the template;
the Table Schema is built from it, and a bad row is refused in Chinese naming its row and column."""

import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from govpm.projects import datadict
from govpm.projects.models import DataDictionary
from govpm.projects.scenarios import advance
from tests.factories import draft

ROWS = [
    {"name": "patient_id", "title": "患者编号", "type": "integer", "description": "", "primary": "是"},
    {"name": "visit_date", "title": "就诊日期", "type": "日期", "description": "门诊日期", "required": "是"},
    {"name": "", "title": "", "type": "string", "description": ""},  # a blank row is skipped
    {"name": "dept", "title": "科室", "type": "string", "shared": "是"},
]


def test_the_table_schema_is_built_from_the_rows_IMPL_04():
    schema = datadict.schema_from_rows(ROWS)
    assert schema == {
        "fields": [
            {"name": "patient_id", "title": "患者编号", "type": "integer", "constraints": {"required": True}},
            {
                "name": "visit_date",
                "title": "就诊日期",
                "type": "date",
                "description": "门诊日期",
                "constraints": {"required": True},
            },
            {"name": "dept", "title": "科室", "type": "string", "shared": True},
        ],
        "primaryKey": ["patient_id"],
    }
    assert datadict.problems(schema) == []  # frictionless accepts what the table makes


@pytest.mark.parametrize(
    ("row", "says"),
    [
        ({"name": "患者", "title": "患者"}, "第2行「字段名」：应以英文字母开头"),
        ({"name": "patient_id", "title": "重复"}, "第2行「字段名」：与第1行重复"),
        ({"name": "dept", "title": ""}, "第2行「中文名」：必填"),
        ({"name": "dept", "title": "科室", "type": "text"}, "第2行「类型」：应为文本、整数"),
        ({"name": "dept", "title": "科室", "shared": "maybe"}, "第2行「共享」：应为“是”或“否”"),
    ],
)
def test_a_bad_row_is_named_by_row_and_column_in_chinese_IMPL_04(row, says):
    with pytest.raises(datadict.RowProblem) as refused:
        datadict.schema_from_rows([ROWS[0], row])
    assert says in str(refused.value)


def test_no_primary_key_and_no_rows_are_refused():
    with pytest.raises(datadict.RowProblem, match="第1行「主键」：至少把一个字段标为主键"):
        datadict.schema_from_rows([{"name": "a", "title": "甲"}])
    with pytest.raises(datadict.RowProblem, match="至少填写一个字段"):
        datadict.schema_from_rows([{"name": "", "title": ""}])


def _post(name_rows):
    keys = ["name", "title", "type", "description", "required", "shared", "primary"]
    return {f"descriptor.{key}": [row.get(key, "") for row in name_rows] for key in keys}


@pytest.mark.django_db
def test_the_project_page_form_is_a_table_and_submits_a_schema_IMPL_04(login, cast, clock):
    project = advance(draft(cast.owner), cast, to="implementation", shift=clock.shift)
    client = login(cast.owner)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "data-dict-table" in page and "字段名" in page and "中文名" in page
    assert '"fields"' not in page and "primaryKey" not in page  # no hand-written JSON, no English prefill

    bad = client.post(
        f"/projects/{project.pk}/actions/submit_data_dictionary/", _post([ROWS[0], {"name": "x"}])
    )
    assert bad.status_code == 400 and "第2行「中文名」：必填" in bad.content.decode()
    assert not DataDictionary.objects.filter(project=project).exists()
    assert 'value="patient_id"' in bad.content.decode()  # the rows come back as entered

    good = client.post(f"/projects/{project.pk}/actions/submit_data_dictionary/", _post(ROWS))
    assert good.status_code == 302
    saved = DataDictionary.objects.get(project=project)
    assert saved.descriptor["primaryKey"] == ["patient_id"] and len(saved.descriptor["fields"]) == 3


def _xlsx(rows, headers=None) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(headers or [header for _key, header in datadict.COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "数据字典.xlsx"
    return out


@pytest.mark.django_db
def test_the_xlsx_template_filled_and_uploaded_submits_the_dictionary_IMPL_04(login, cast, clock):
    project = advance(draft(cast.owner), cast, to="implementation", shift=clock.shift)
    client = login(cast.owner)
    template = client.get("/data-dictionary/template.xlsx")
    headers = [cell.value for cell in load_workbook(io.BytesIO(template.content)).active[1]]
    assert headers == ["字段名", "中文名", "类型", "说明", "必填", "共享", "主键"]

    upload = f"/projects/{project.pk}/data-dictionary/upload/"
    bad = client.post(
        upload, {"dictionary_file": _xlsx([["id", "编号", "整数", "", "是", "否", "是"], ["n", "", "文本"]])}
    )
    assert bad.status_code == 302
    assert "第3行「中文名」：必填" in client.get(bad.url).content.decode()  # sheet row 3: header is row 1
    assert not DataDictionary.objects.filter(project=project).exists()
    missing = client.post(upload, {"dictionary_file": _xlsx([["id"]], headers=["字段名"])})
    assert "表头缺少此列" in client.get(missing.url).content.decode()

    good = client.post(upload, {"dictionary_file": _xlsx([["id", "编号", "整数", "主键", "是", "否", "是"]])})
    assert good.status_code == 302
    saved = DataDictionary.objects.get(project=project)
    assert saved.descriptor["fields"][0] == {
        "name": "id",
        "title": "编号",
        "type": "integer",
        "description": "主键",
        "constraints": {"required": True},
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_rows_are_added_and_removed_in_chromium_IMPL_04(live_server, browser, screenshots, cast, width):
    import datetime as dt

    import time_machine

    from tests.conftest import SHANGHAI

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=True) as traveller:
        project = advance(draft(cast.owner), cast, to="implementation", shift=traveller.shift)
        cast.owner.set_password("pw-12345678")
        cast.owner.save()
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("用户名").fill(cast.owner.username)
        page.get_by_label("密码").fill("pw-12345678")
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.goto(live_server.url + f"/projects/{project.pk}/")
        details = page.locator("#action-submit_data_dictionary")
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        form = details.locator("form")
        rows = form.locator("[data-dict-row]")
        expect(rows).to_have_count(3)
        form.get_by_role("button", name="增加一行").click()
        expect(rows).to_have_count(4)
        rows.nth(1).get_by_role("button", name="删除此行").click()
        expect(rows).to_have_count(3)
        first = rows.nth(0)
        first.get_by_label("字段名").fill("patient_id")
        first.get_by_label("中文名").fill("患者编号")
        first.get_by_label("类型").select_option(label="整数")
        first.get_by_label("主键").select_option("是")
        last = rows.nth(2)
        last.get_by_label("字段名").fill("dept")
        last.get_by_label("中文名").fill("科室")
        last.get_by_label("共享").select_option("是")
        details.screenshot(path=screenshots / f"h15-datadict-{width}.png")
        width_ok = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert width_ok  # the table fits the viewport (stacked at 390 px), no sideways scroll
        fits = form.locator("[data-dict-table]").evaluate(
            "t => t.scrollWidth <= t.parentElement.clientWidth + 1"
        )
        assert fits  # nor inside its box: in the narrow side column it stacks too
        form.get_by_role("button", name=re.compile("提交数据字典")).click()
        expect(page.locator(".messages")).to_contain_text("提交数据字典")
        saved = DataDictionary.objects.get(project=project)
        assert [f["name"] for f in saved.descriptor["fields"]] == ["patient_id", "dept"]
        assert saved.descriptor["fields"][1]["shared"] is True
        context.close()

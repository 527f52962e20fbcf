"""Excel: project lists with their filters, a project's whole file, and the all-or-nothing needs import."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from govpm.documents import needs_import
from govpm.projects.models import Project
from govpm.projects.scenarios import advance
from tests.factories import UserFactory, api_for, draft

pytestmark = pytest.mark.django_db


def sheet_rows(content: bytes, title: str) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content), read_only=True)[title].iter_rows(values_only=True))


def test_a_project_list_exports_with_its_filters_applied(cast, clock, client, django_assert_max_num_queries):
    pooled = advance(draft(cast.owner, name="城市大脑"), cast, to="pooled", shift=clock.shift)
    advance(draft(cast.owner, name="智慧停车"), cast, to="submitted", shift=clock.shift)
    draft(cast.owner, name="草稿中的需求")
    for name in ["其他一", "其他二", "其他三"]:
        advance(draft(cast.owner, name=name), cast, to="pooled", shift=clock.shift)
    client.force_login(cast.bdb)

    with django_assert_max_num_queries(4):
        response = client.get("/documents/projects.xlsx?stage=pooled&q=城市&ordering=estimate")
    everything = api_for(cast.bdb).get("/api/v1/projects/export.xlsx")

    assert response.status_code == 200
    rows = sheet_rows(response.content, "项目清单")
    assert rows[0][:4] == ("项目编号", "项目名称", "业主单位", "阶段")
    assert [(row[0], row[1], row[3]) for row in rows[1:]] == [(pooled.pk, "城市大脑", "已入库")]
    assert rows[1][8] == 1200000  # 申报估算（元） as a number
    # The filter sheet names each value as the list page does: no stage or ordering code (issue 15 item 3).
    filters = sheet_rows(response.content, "筛选条件")
    assert ("阶段", "已入库") in filters and ("排序", "估算金额") in filters
    assert not any(value in {"pooled", "estimate"} for _name, value in filters)
    assert sorted(row[1] for row in sheet_rows(everything.content, "项目清单")[1:]) == sorted(
        ["城市大脑", "智慧停车", "其他一", "其他二", "其他三"]
    )  # bdb never sees a draft


def test_a_bad_filter_is_refused_in_chinese(cast, client):
    client.force_login(cast.bdb)
    response = client.get("/documents/projects.xlsx?stage=nope")
    assert response.status_code == 400 and "阶段" in response.content.decode()
    assert api_for(cast.bdb).get("/api/v1/projects/export.xlsx?level=x").json()["error"]["field"] == "level"


def test_a_projects_whole_file_is_one_workbook(evaluated, cast, client, django_assert_max_num_queries):
    client.force_login(cast.smart_office)

    with django_assert_max_num_queries(30):
        response = client.get(f"/documents/projects/{evaluated.pk}/workbook.xlsx")

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert {"项目概况", "评审意见", "公文", "招标", "合同", "支付", "模块初验", "终验", "操作记录"} <= set(
        book.sheetnames
    )
    overview = dict(row for row in book["项目概况"].iter_rows(min_row=2, values_only=True))
    assert overview["项目名称"] == "衢州市智慧医保服务平台" and overview["概算价（元）"] == 1080000
    assert book["项目概况"]["B13"].number_format == "#,##0.00"
    documents = list(book["公文"].iter_rows(min_row=2, values_only=True))
    assert {row[2] for row in documents} == set(evaluated.documents.values_list("number", flat=True))
    assert all(len(row[6]) == 64 for row in documents)  # SHA-256 shown
    payments = list(book["支付"].iter_rows(min_row=2, values_only=True))
    assert payments[0][2] == 307800
    assert len(list(book["操作记录"].iter_rows(min_row=2))) == evaluated.events.count()
    assert (
        api_for(UserFactory(role="owner")).get(f"/api/v1/projects/{evaluated.pk}/workbook.xlsx").status_code
        == 404
    )


def needs_file(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = needs_import.SHEET
    sheet.append(list(needs_import.COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def need(name: str, estimate="800000.00", **overrides) -> list:
    values = {header: "" for header in needs_import.COLUMNS}
    values.update(
        {
            "项目名称": name,
            "需求概述": f"{name}的需求",
            "申报估算（元）": estimate,
            "项目层级": "市本级",
            "项目类别": 1,
            "建设类型": "新建",
            "是否部署或迁移到衢州市云计算中心": "是",
            "“四横三纵”架构层级": "业务应用,数据资源",
        }
    )
    values.update(overrides)
    return list(values.values())


def test_a_good_file_imports_every_need_PLAN_01(cast):
    """PLAN-01: units submit needs; an Excel sheet of them becomes drafts of the unit, all at once."""
    content = needs_file(
        [
            need("智慧停车"),
            need("智慧养老", 1500000, 是否建设视频会议系统="否"),
            need("数据归集", "300000", 项目层级="county", 新建系统类型="大数据处理平台"),
        ]
    )

    response = api_for(cast.owner).post(
        "/api/v1/projects/import/", {"file": io.BytesIO(content)}, format="multipart"
    )

    assert response.status_code == 201, response.json()
    created = Project.objects.filter(pk__in=response.json()["created"]).order_by("id")
    assert [(p.name, p.stage, p.owner_unit_id) for p in created] == [
        ("智慧停车", "draft", cast.owner.unit_id),
        ("智慧养老", "draft", cast.owner.unit_id),
        ("数据归集", "draft", cast.owner.unit_id),
    ]
    assert [p.requested_estimate for p in created] == [
        Decimal("800000.00"),
        Decimal("1500000.00"),
        Decimal("300000.00"),
    ]
    # SCOPE-05: the sheet's 县级 is overruled by the owner unit, a city department
    assert created[2].facts["system_kinds"] == ["big_data_platform"] and created[2].level == "city"
    assert created[0].facts["architecture_layers"] == ["business_app", "data_resource"]


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(cast):
    content = needs_file([need("智慧停车"), need("智慧养老", "十万元"), need("数据归集")])
    before = Project.objects.count()

    response = api_for(cast.owner).post(
        "/api/v1/projects/import/", {"file": io.BytesIO(content)}, format="multipart"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "import_refused"
    assert error["rows"] == [{"row": 3, "column": "申报估算（元）", "message": "金额格式不正确：'十万元'"}]
    assert "第3行" in error["message"] and "未导入任何需求" in error["message"]
    assert Project.objects.count() == before


def test_every_bad_row_is_reported_with_its_reason_in_chinese(cast, client):
    content = needs_file(
        [
            need(""),
            need("A", 项目类别=9),
            need("B", 建设类型="翻新"),
            need("C", 是否涉密="也许"),
            need("D", 新建系统类型="区块链"),
            need("E", "1.234"),
        ]
    )
    client.force_login(cast.owner)

    response = client.post("/documents/import/", {"file": io.BytesIO(content)})

    assert response.status_code == 400
    found = [(e.row, e.column, e.message) for e in response.context["rows"]]
    assert found == [
        (2, "项目名称", "必填"),
        (3, "项目类别", "应为1至7的整数"),
        (4, "建设类型", "应为 新建、改建、扩建、维护、运维续购 之一"),
        (5, "是否涉密", "应为 是 或 否"),
        (6, "新建系统类型", "不识别的取值「区块链」"),
        (7, "申报估算（元）", "金额最多保留两位小数（精确到分）"),
    ]
    assert "第2行" in response.content.decode()
    assert not Project.objects.exists()


def test_the_import_page_and_template_work_for_owners_only(cast, client):
    client.force_login(cast.owner)
    assert client.get("/documents/import/").status_code == 200
    template = client.get("/documents/import/template.xlsx")
    rows = sheet_rows(template.content, needs_import.SHEET)
    assert list(rows[0]) == list(needs_import.COLUMNS)
    # the template's own example row imports
    response = client.post("/documents/import/", {"file": io.BytesIO(template.content)})
    assert response.status_code == 200 and [p.name for p in response.context["created"]] == [
        "衢州市智慧停车服务平台"
    ]
    client.force_login(cast.bdb)
    assert client.get("/documents/import/").status_code == 404
    assert (
        api_for(cast.bdb)
        .post("/api/v1/projects/import/", {"file": io.BytesIO(template.content)}, format="multipart")
        .status_code
        == 403
    )


def test_a_file_that_is_not_excel_is_refused(cast):
    response = api_for(cast.owner).post(
        "/api/v1/projects/import/", {"file": io.BytesIO(b"name,estimate\n")}, format="multipart"
    )
    assert (
        response.status_code == 400
        and response.json()["error"]["message"] == "文件不是有效的 Excel 工作簿（.xlsx）"
    )

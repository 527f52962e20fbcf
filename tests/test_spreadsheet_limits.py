"""Issue 13 item 1: every spreadsheet import reads with bounded memory and time.

The bombs are built here with zipfile, streaming a repeated string through the compressor, so the
files are what an attacker would send: small on the wire, huge once inflated. Memory and time of a
refusal are measured in a fresh interpreter (its peak RSS before and after the call), with an address
space cap so that code which does inflate the bomb fails fast instead of taking the machine."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from govpm.core.errors import GovpmError
from govpm.core.spreadsheets import open_xlsx
from govpm.documents import needs_import
from govpm.projects.models import Project
from govpm.targets import exchange
from govpm.targets.models import Indicator
from tests.factories import api_for

ROOT = Path(__file__).resolve().parent.parent
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>申报估算（元）</t></is></c></row>'
)
ONE_NEED = '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>1000</v></c></row>'
MB = 1024 * 1024


def xlsx(
    sheet_chunks, shared_strings_chunks=("<si><t>衢州市智慧停车服务平台</t></si>",), *, before_data: str = ""
) -> bytes:
    """A minimal workbook whose sheet and shared strings are written chunk by chunk, never held whole."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{TYPES}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{TYPES}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPES}.sharedStrings+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets>'
            f'<sheet name="{needs_import.SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        parts = {
            "xl/worksheets/sheet1.xml": [f'<worksheet xmlns="{NS}">{before_data}<sheetData>', *sheet_chunks],
            "xl/sharedStrings.xml": [f'<sst xmlns="{NS}">', *shared_strings_chunks],
        }
        ends = {"xl/worksheets/sheet1.xml": "</sheetData></worksheet>", "xl/sharedStrings.xml": "</sst>"}
        for name, chunks in parts.items():
            with archive.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk.encode())
                part.write(ends[name].encode())
    return out.getvalue()


def shared_string_bomb() -> bytes:
    """One 1 GB shared string in a file of about 1 MB."""
    block = "a" * MB

    def strings():
        yield "<si><t>"
        for _ in range(1024):
            yield block
        yield "</t></si>"

    return xlsx([HEADER_ROW, ONE_NEED], strings())


def empty_rows_bomb() -> bytes:
    """Twenty million empty rows in a file of under 200 KB."""
    block = "<row/>" * 100_000
    return xlsx([HEADER_ROW, *(block for _ in range(200))])


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    files = {"shared_string": shared_string_bomb(), "empty_rows": empty_rows_bomb()}
    for name, data in files.items():
        (folder / f"{name}.xlsx").write_bytes(data)
    return {name: folder / f"{name}.xlsx" for name in files}


MEASURE = """
import json, resource, sys, time
import django
django.setup()
from govpm.core.errors import GovpmError
from govpm.documents import needs_import
from govpm.inventory import services as inventory
from govpm.targets import exchange

importer, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
with open("/proc/self/status") as status:
    size_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
cap = (size_kb + 1536 * 1024) * 1024  # 1.5 GB more address space than the interpreter has now
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.monotonic()
outcome = {"status": None, "message": ""}
try:
    if importer == "needs":
        needs_import.read_rows(data)
    elif importer == "systems":
        inventory.read_rows(data)
    elif importer == "use_reports":
        inventory.read_use_reports(data)
    else:
        exchange.read_table("upload.xlsx", data)
except GovpmError as error:
    outcome = {"status": error.status, "message": error.message}
except MemoryError:
    outcome = {"status": "MemoryError", "message": ""}
outcome["seconds"] = time.monotonic() - started
outcome["growth_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps(outcome, ensure_ascii=False))
"""


def measure(importer: str, path: Path) -> dict:
    """Runs one import of `path` in a fresh interpreter: its outcome, seconds and peak RSS growth."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, importer, str(path)],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("importer", ["needs", "targets", "systems", "use_reports"])
def test_issue13_1_a_shared_string_bomb_is_refused_fast_and_small(bombs, importer):
    """Issue 13 item 1 INV-01 INV-02: one 1 GB shared string in a 1 MB file: refused in < 2 s, memory
    < +100 MB — by every import, the inventory's systems and use reports included."""
    assert bombs["shared_string"].stat().st_size < 1.1 * MB

    outcome = measure(importer, bombs["shared_string"])

    assert outcome["status"] == 400 and "xl/sharedStrings.xml" in outcome["message"]
    assert outcome["seconds"] < 2, outcome
    assert outcome["growth_mb"] < 100, outcome


@pytest.mark.parametrize("importer", ["needs", "targets", "systems", "use_reports"])
def test_issue13_1_twenty_million_empty_rows_are_refused_fast_and_small(bombs, importer):
    """Issue 13 item 1 INV-01 INV-02: 20 million empty rows: refused in < 2 s, memory < +100 MB."""
    assert bombs["empty_rows"].stat().st_size < 1 * MB

    outcome = measure(importer, bombs["empty_rows"])

    assert outcome["status"] == 400 and "xl/worksheets/sheet1.xml" in outcome["message"]
    assert outcome["seconds"] < 2, outcome
    assert outcome["growth_mb"] < 100, outcome


# --- each limit on its own, in files whose parts are small enough to pass the zip directory ------------


def refusal(data: bytes, **limits) -> GovpmError:
    limits = {"max_bytes": 5 * MB, "max_rows": 100, "max_cols": 20, **limits}
    with pytest.raises(GovpmError) as caught:
        list(open_xlsx(data, **limits))
    return caught.value


def test_issue13_1_too_many_rows_are_refused_while_streaming():
    error = refusal(xlsx([HEADER_ROW, "<row/>" * 5_000]))
    assert error.status == 400 and error.message == "工作表超过 100 行（含表头），请分批导入"


def test_issue13_1_a_single_far_row_is_refused_before_openpyxl_fills_the_gap():
    """openpyxl yields an empty tuple for every missing row up to the one a sheet names."""
    error = refusal(xlsx([HEADER_ROW, '<row r="20000000"><c r="A20000000"><v>1</v></c></row>']))
    assert "100 行" in error.message


def test_issue13_1_a_dimension_beyond_the_limits_is_refused():
    assert "100 行" in refusal(xlsx([HEADER_ROW], before_data='<dimension ref="A1:B20000000"/>')).message
    assert refusal(xlsx([HEADER_ROW], before_data='<dimension ref="A1:AZ2"/>')).message == "工作表超过 20 列"


def test_issue13_1_too_many_columns_are_refused():
    assert (
        refusal(xlsx([HEADER_ROW, '<row r="2"><c r="ZZ2"><v>1</v></c></row>'])).message == "工作表超过 20 列"
    )
    wide = "<row>" + "<c><v>1</v></c>" * 21 + "</row>"
    assert refusal(xlsx([HEADER_ROW, wide])).message == "工作表超过 20 列"


def test_issue13_1_too_many_shared_strings_are_refused():
    data = xlsx([HEADER_ROW], ["<si><t>x</t></si>" * 2_001])
    assert refusal(data, max_shared_strings=2_000).message == "共享字符串超过 2000 个"


def test_issue13_1_a_long_shared_string_inside_the_size_limits_is_refused():
    data = xlsx([HEADER_ROW, ONE_NEED], ["<si><t>", "长" * 40_000, "</t></si>"])
    assert refusal(data).message == "单元格内容超过 32767 个字符"


def test_issue13_1_a_long_inline_cell_is_refused():
    cell = '<row r="2"><c r="A2" t="inlineStr"><is><t>' + "x" * 33_000 + "</t></is></c></row>"
    assert refusal(xlsx([HEADER_ROW, cell])).message == "单元格内容超过 32767 个字符"


def test_issue13_1_a_part_that_inflates_too_much_is_refused_by_its_ratio():
    data = xlsx([HEADER_ROW, "<row/>" * 1_000_000])  # 6 MB of sheet in a few KB: under 32 MB, over 200:1
    assert "压缩比异常" in refusal(data, max_rows=10**7).message


def test_issue13_1_a_file_over_the_byte_limit_is_413():
    error = refusal(b"PK" + b"\0" * 2048, max_bytes=1024)
    assert error.status == 413 and error.message == "文件过大：不能超过 1 KB"


def test_issue13_1_a_good_workbook_still_reads():
    book = Workbook()
    book.active.append(["项目名称", "申报估算（元）"])
    book.active.append(["衢州市智慧停车服务平台", 1200000.5])
    out = io.BytesIO()
    book.save(out)
    rows = list(open_xlsx(out.getvalue(), max_bytes=MB, max_rows=10, max_cols=5))
    assert rows == [("项目名称", "申报估算（元）"), ("衢州市智慧停车服务平台", 1200000.5)]


# --- the importers, through their endpoints --------------------------------------------------------------


@pytest.mark.django_db
def test_issue13_1_a_non_zip_file_sent_to_the_targets_import_is_400_not_500(cast, client):
    """Issue 13: "a non-zip file sent to the targets import gives a 500"."""
    client.force_login(cast.bdb)

    response = client.post(
        "/targets/import/",
        {"kind": "indicators", "file": _upload("指标表.xlsx", b"this is not a zip")},
    )

    assert response.status_code == 400
    assert "文件不是有效的 Excel 工作簿（.xlsx）" in response.content.decode()


@pytest.mark.django_db
def test_issue13_1_the_targets_import_has_a_size_limit(cast):
    """Issue 13: "The targets import has no size or row limit at all"."""
    big = b"\xe6\x96\x87\xe5\x8f\xb7,\xe7\xbc\x96\xe5\x8f\xb7\n" + b"x,y\n" * (exchange.MAX_BYTES // 4 + 1)

    with pytest.raises(GovpmError) as caught:
        exchange.import_indicators("指标表.csv", big, actor=cast.bdb)

    assert caught.value.status == 413 and "5 MB" in caught.value.message


@pytest.mark.django_db
def test_issue13_1_the_targets_import_has_a_row_limit(cast):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["文号", "编号", "指标名称"])
    writer.writerows([["衢政发〔2020〕10号", f"N{n}", f"指标{n}"] for n in range(exchange.MAX_ROWS)])

    with pytest.raises(GovpmError) as caught:
        exchange.import_indicators("指标表.csv", buffer.getvalue().encode(), actor=cast.bdb)

    assert caught.value.status == 400 and f"{exchange.MAX_ROWS} 行" in caught.value.message
    assert not Indicator.objects.exists()


@pytest.mark.django_db
def test_issue13_1_a_bomb_sent_to_the_needs_api_is_a_chinese_400(cast, bombs):
    response = api_for(cast.owner).post(
        "/api/v1/projects/import/",
        {"file": _upload("需求.xlsx", bombs["shared_string"].read_bytes())},
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["error"]["field"] == "file"
    assert response.json()["error"]["message"].startswith("文件不是有效的 Excel 工作簿（.xlsx）")


@pytest.mark.django_db
def test_issue13_1_an_upload_over_5_mb_is_413_from_the_needs_api(cast):
    response = api_for(cast.owner).post(
        "/api/v1/projects/import/",
        {"file": _upload("需求.xlsx", b"0" * (needs_import.MAX_BYTES + 1))},
        format="multipart",
    )
    assert response.status_code == 413 and response.json()["error"]["message"] == "文件过大：不能超过 5 MB"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/inventory/systems/import/", "/api/v1/inventory/use/import/"])
def test_issue13_1_the_inventory_imports_refuse_a_bomb_with_a_chinese_400_and_over_5_mb_with_413_INV_01(
    cast, bombs, url
):
    """INV-01 INV-02: the inventory's imports are bounded as the others: a bomb is a 400 naming the
    file, an upload over 5 MB a 413 before it is read; nothing is imported."""
    from govpm.inventory.models import System, UseReport

    bomb = api_for(cast.bdb).post(
        url, {"file": _upload("目录.xlsx", bombs["shared_string"].read_bytes())}, format="multipart"
    )
    assert bomb.status_code == 400 and bomb.json()["error"]["field"] == "file"
    assert bomb.json()["error"]["message"].startswith("文件不是有效的 Excel 工作簿（.xlsx）")
    large = api_for(cast.bdb).post(
        url, {"file": _upload("目录.xlsx", b"0" * (5 * MB + 1))}, format="multipart"
    )
    assert large.status_code == 413 and large.json()["error"]["message"] == "文件过大：不能超过 5 MB"
    assert not System.objects.filter(source=System.Source.IMPORTED).exists()
    assert not UseReport.objects.exists()


@pytest.mark.django_db
def test_issue13_1_the_inventory_import_page_shows_the_size_refusal_in_chinese_INV_01(cast, client):
    """INV-01: the web import page answers an upload over 5 MB with 413 and the reason, not a 500."""
    client.force_login(cast.bdb)
    response = client.post("/inventory/import/", {"file": _upload("目录.xlsx", b"0" * (5 * MB + 1))})
    assert response.status_code == 413 and "文件过大：不能超过 5 MB" in response.content.decode()


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


# --- name lengths, the same on SQLite and PostgreSQL -------------------------------------------------------


def _needs_file(name: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = needs_import.SHEET
    sheet.append(["项目名称", "申报估算（元）"])
    sheet.append([name, "1200000.00"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_issue13_1_a_need_name_over_200_characters_is_a_row_error_naming_the_column(cast):
    """Issue 13: PostgreSQL answered DataError (500) and SQLite stored a 10 MB name."""
    response = api_for(cast.owner).post(
        "/api/v1/projects/import/",
        {"file": _upload("需求.xlsx", _needs_file("长" * 201))},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["error"]["rows"] == [
        {"row": 2, "column": "项目名称", "message": "不能超过200个字（现有201个字）"}
    ]
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_issue13_1_a_need_name_of_200_characters_is_imported(cast):
    created = needs_import.import_needs(_needs_file("长" * 200), actor=cast.owner)
    assert [project.name for project in created] == ["长" * 200]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "limit"), [("单位", 20), ("所属行动", 60), ("条款", 200), ("责任部门", 100), ("基期原文", 300)]
)
def test_issue13_1_indicator_text_over_its_column_length_is_a_row_error(cast, header, limit):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["文号", "编号", "指标名称", header])
    writer.writerow(["衢政发〔2020〕10号", "N01", "新指标", "长" * (limit + 1)])
    from govpm.targets import storing

    storing.document("衢政发〔2020〕10号", "测试文件")

    result = exchange.import_indicators("指标表.csv", buffer.getvalue().encode(), actor=cast.bdb)

    assert [error.as_dict() for error in result.errors] == [
        {"row": 2, "reason": f"{header}不能超过{limit}字"}
    ]
    assert not Indicator.objects.exists()


def test_issue13_1_too_many_cells_are_refused_while_scanning():
    """Rows and columns each within their limits, but more cells than the sheet may write in all."""
    row = "<row>" + "<c><v>1</v></c>" * 10 + "</row>"
    error = refusal(xlsx([row] * 50), max_cells=400)
    assert error.status == 400 and error.message == "工作表超过 400 个单元格，请分批导入"

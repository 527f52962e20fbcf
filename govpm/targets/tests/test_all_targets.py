"""TGT-11: all three documents' targets are kept, and milestone and qualitative targets are judged by a
named assessor with evidence."""

import hashlib
import re
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from govpm.core.errors import InvalidInput
from govpm.targets import curated
from govpm.targets.assessment import assess_year
from govpm.targets.models import Indicator, Judgement, Verdict
from govpm.targets.observations import record_judgement

from .conftest import make_user

pytestmark = pytest.mark.django_db

# The targets the first curated files lacked: found in the gazette, clause by clause.
ADDED = {
    "衢政发〔2020〕9号": [f"E{n}" for n in range(18, 31)],
    "衢政办发〔2020〕9号": [f"A0{n}" for n in range(4, 9)],
    "衢政发〔2020〕10号": [f"HT0{n}" for n in range(1, 6)],
}


def _plain(text: str) -> str:
    """The gazette's text without its page breaks, with the full-width comma the files use normalised."""
    return re.sub(r"\s+", "", text).replace("，", ",")


def test_tgt11_the_23_missing_targets_are_kept_with_clause_and_raw_text_TGT_11(gazette_text):
    """TGT-11: 13 ecological, 5 afforestation and 5 health targets stated outside the table are added;
    every text target (old and new) quotes the gazette word for word and cites its clause."""
    rows = {row["code"]: row for row in curated.read_csv("text_targets.csv")}
    gazette = _plain(gazette_text)
    for document, codes in ADDED.items():
        for code in codes:
            row = rows[code]
            assert row["document"] == document, code
            assert row["clause"] and row["target_raw"] and row["target_year"], code
    assert sum(len(codes) for codes in ADDED.values()) == 23
    for code, row in rows.items():
        assert _plain(row["source_text"]) in gazette, (code, row["source_text"])
        # the target as written is part of the sentence it comes from (never a figure of our own)
        assert _plain(row["target_raw"]).rstrip("%个") in _plain(row["source_text"]), code
    names = [(row["document"], row["name"]) for row in rows.values()]
    assert len(names) == len(set(names))
    health_names = {row["name"] for row in curated.read_csv("health_indicators.csv")}
    assert not health_names & {rows[code]["name"] for code in ADDED["衢政发〔2020〕10号"]}


def test_tgt11_loaded_targets_open_as_needs_judgement_until_an_assessor_decides_TGT_11(curated_data):
    """TGT-11: the loaded milestones (建成…体系, 全部开设…) await a named assessor's judgement."""
    assert Indicator.objects.count() == 91 + 43
    milestone = Indicator.objects.get(code="E25")  # 建成…危险废物全过程信息化监管体系 (2025)
    assert milestone.targets.get().kind == "qualitative"
    clinics = Indicator.objects.get(code="HT02")  # 全部开设规范化戒烟门诊
    assert clinics.clause.startswith("二(四)") and "全部开设" in clinics.raw_text
    statuses = {a.indicator.code: a.status for a in assess_year(2022)}
    assert statuses["HT02"] == Verdict.NEEDS_JUDGEMENT
    assert statuses["E25"] == Verdict.NEEDS_JUDGEMENT


def _png() -> bytes:
    """A real 1×1 PNG, written by hand."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def test_tgt11_judgement_with_evidence_text_and_file_decides_the_milestone_TGT_11(curated_data, officer):
    """TGT-11: bdb (a role that may judge) judges 全部开设规范化戒烟门诊 with evidence text and a file; the
    assessment names the assessor, the evidence is kept with its SHA-256 and the file is stored."""
    clinics = Indicator.objects.get(code="HT02")
    data = _png()
    judgement = record_judgement(
        clinics.pk,
        actor=officer,
        year=2022,
        verdict="met",
        reason="市本级及6家县级医院均已开设",
        evidence="市卫健委《关于规范化戒烟门诊设置情况的通报》",
        evidence_file=SimpleUploadedFile("现场核查.png", data, content_type="image/png"),
    )
    judgement.refresh_from_db()
    assert judgement.assessor == officer and judgement.evidence.startswith("市卫健委")
    assert judgement.evidence_name == "现场核查.png"
    assert judgement.evidence_sha256 == hashlib.sha256(data).hexdigest()
    assert judgement.evidence_file.name
    with default_storage.open(str(judgement.evidence_file.name)) as stored:
        assert stored.read() == data
    result = next(a for a in assess_year(2022) if a.indicator.code == "HT02")
    assert result.status == Verdict.MET and "王评估" in result.reason


def test_tgt11_judgement_without_evidence_is_refused_naming_the_field_TGT_11(curated_data, officer):
    """TGT-11: no evidence, no judgement: the service, the API (400) and the page all name `evidence`,
    and nothing is saved. A file that is not what its name says is refused, naming `evidence_file`."""
    milestone = Indicator.objects.get(code="E25")
    with pytest.raises(InvalidInput) as refused:
        record_judgement(milestone.pk, actor=officer, year=2025, verdict="met", reason="已建成", evidence=" ")
    assert refused.value.field == "evidence" and "佐证" in refused.value.message

    api = APIClient()
    api.force_authenticate(officer)
    url = f"/api/v1/targets/indicators/{milestone.pk}/judgements/"
    response = api.post(url, {"year": 2025, "verdict": "met", "reason": "已建成"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "evidence"
    assert "佐证" in response.json()["error"]["message"]

    fake = SimpleUploadedFile("验收.pdf", b"not a pdf at all", content_type="application/pdf")
    response = api.post(
        url,
        {"year": 2025, "verdict": "met", "reason": "已建成", "evidence": "验收记录", "evidence_file": fake},
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["error"]["field"] == "evidence_file"

    web = Client()
    web.force_login(officer)
    page = web.post(
        f"/targets/indicators/{milestone.pk}/",
        {"judge-year": 2025, "judge-verdict": "met", "judge-reason": "已建成", "judge-evidence": ""},
    )
    assert page.status_code == 400
    assert "请填写佐证" in page.content.decode()
    assert Judgement.objects.count() == 0


def test_tgt11_judgement_with_file_through_api_and_page_TGT_11(curated_data, officer):
    """TGT-11: the API takes the evidence file as multipart; the page shows evidence and file name."""
    milestone = Indicator.objects.get(code="E23")  # 2021年前基本建成土壤环境基线数据库
    api = APIClient()
    api.force_authenticate(officer)
    response = api.post(
        f"/api/v1/targets/indicators/{milestone.pk}/judgements/",
        {
            "year": 2021,
            "verdict": "met",
            "reason": "数据库已通过验收",
            "evidence": "验收意见（2021年12月）",
            "evidence_file": SimpleUploadedFile("验收意见.png", _png(), content_type="image/png"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["evidence"] == "验收意见（2021年12月）" and body["evidence_name"] == "验收意见.png"
    web = Client()
    web.force_login(officer)
    page = web.get(f"/targets/indicators/{milestone.pk}/").content.decode()
    assert "验收意见（2021年12月）" in page and "附件：验收意见.png" in page

    # the page's form takes the file too
    posted = web.post(
        f"/targets/indicators/{milestone.pk}/",
        {
            "judge-year": 2022,
            "judge-verdict": "met",
            "judge-reason": "数据库持续运行",
            "judge-evidence": "2022年运行报告",
            "judge-evidence_file": SimpleUploadedFile("运行报告.png", _png(), content_type="image/png"),
        },
    )
    assert posted.status_code == 302
    latest = Judgement.objects.filter(indicator=milestone).latest("judged_at")
    assert (latest.year, latest.evidence, latest.evidence_name) == (2022, "2022年运行报告", "运行报告.png")
    assert latest.evidence_sha256 == hashlib.sha256(_png()).hexdigest()


def test_tgt11_a_role_that_may_not_judge_is_refused_TGT_11(curated_data):
    """TGT-11: only a role that may judge (bdb, smart_office) records a verdict; the observer cannot."""
    watcher = make_user("watcher", "observer")
    milestone = Indicator.objects.get(code="E25")
    api = APIClient()
    api.force_authenticate(watcher)
    response = api.post(
        f"/api/v1/targets/indicators/{milestone.pk}/judgements/",
        {"year": 2025, "verdict": "met", "reason": "已建成", "evidence": "验收记录"},
        format="json",
    )
    assert response.status_code == 403
    assert Judgement.objects.count() == 0

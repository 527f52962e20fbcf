"""The units the policy names, and the six counties: reference data every deployment has.

Their 统一社会信用代码 are left for an administrator to enter from the official register; the demo
fills in well-formed example codes (demo data only)."""

from __future__ import annotations

from .codes import COUNTY_REGIONS

# code, name, short name, kind, 发文机关代字, parent code
AUTHORITIES = [
    ("bdb", "衢州市大数据发展管理局", "市大数据局", "department", "衢数据", None),
    ("smart_office", "衢州市新型智慧城市建设工作领导小组办公室", "市智慧办", "group", "衢智办", "bdb"),
    ("leading_group", "衢州市新型智慧城市建设工作领导小组", "领导小组", "group", "衢智领", None),
    ("bizenv", "衢州市营商环境建设办公室", "市营商办", "department", "衢营商办", None),
    ("cac", "中共衢州市委网络安全和信息化委员会办公室", "市委网信办", "department", "衢网信办", None),
    ("ndrc", "衢州市发展和改革委员会", "市发改委", "department", "衢发改", None),
    ("finance", "衢州市财政局", "市财政局", "department", "衢财", None),
    ("regulator", "衢州市监管办", "市监管办", "department", "衢监管办", None),
    ("review_center", "衢州市评审中心", "市评审中心", "department", "衢评审", None),
    ("experts", "衢州市数字化项目专家库", "专家库", "experts", "", None),
]
COUNTY_GOVERNMENTS = {
    "330802": ("kecheng", "衢州市柯城区人民政府", "柯城区"),
    "330803": ("qujiang", "衢州市衢江区人民政府", "衢江区"),
    "330822": ("changshan", "常山县人民政府", "常山县"),
    "330824": ("kaihua", "开化县人民政府", "开化县"),
    "330825": ("longyou", "龙游县人民政府", "龙游县"),
    "330881": ("jiangshan", "江山市人民政府", "江山市"),
}
assert set(COUNTY_GOVERNMENTS) == set(COUNTY_REGIONS)


def ensure_reference_units(unit_model) -> None:
    """Idempotent; takes the model so a data migration can pass its historical one."""
    for code, name, short, kind, prefix, parent in AUTHORITIES:
        unit_model.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short,
                "kind": kind,
                "doc_prefix": prefix,
                "region_code": "330800",
                "parent": unit_model.objects.get(code=parent) if parent else None,
            },
        )
    for region, (code, name, short) in COUNTY_GOVERNMENTS.items():
        unit_model.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short, "kind": "county", "region_code": region}
        )

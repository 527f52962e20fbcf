"""Automatic pre-screening rules of 二(二) and 二(一): pure functions of a project's facts.

Each rule takes the facts (and, for REJ-09, the date the unit's zombie bar ends, which the caller
reads from the registry) and returns a Hit or None. A Hit keeps the facts that caused it, so a
finding can always be explained. No rule reads the database or the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from govpm.core.clock import date_zh
from govpm.policy.catalog import PRIORITY_RULES

from ..facts import PRIORITY_CLAIMS, SYSTEM_KINDS


@dataclass(frozen=True)
class Context:
    facts: dict
    today: dt.date
    unit_bar_ends_on: dt.date | None = None  # the latest zombie bar on the owner unit, if any


@dataclass(frozen=True)
class Hit:
    rule: str
    message: str
    facts: dict = field(default_factory=dict)


def scope_03(ctx: Context) -> Hit | None:
    """County projects are in scope only as shared platforms, public data or new infrastructure."""
    if ctx.facts.get("level") != "county":
        return None
    layers = set(ctx.facts.get("architecture_layers", []))
    if layers & {"app_support", "data_resource", "infrastructure"}:
        return None
    return Hit(
        "SCOPE-03",
        "县（市、区）项目须为共建共享的应用支撑平台、公共数据资源或新基础设施，请在“四横三纵”层级中注明",
        {"level": "county", "architecture_layers": sorted(layers)},
    )


def scope_06(ctx: Context) -> Hit | None:
    """SCOPE-01 read as facts: only needs built with government funds (政府性资金) are in scope, whether
    the owner is a government body or a city-owned enterprise."""
    if ctx.facts.get("government_funds") is False:
        owner = {"enterprise": "市属国有企业", "government": "政府部门"}.get(
            ctx.facts.get("owner_type", ""), ""
        )
        return Hit(
            "SCOPE-06",
            f"{owner}不使用政府性资金建设的项目不属于本实施意见的受理范围",
            {"owner_type": ctx.facts.get("owner_type"), "government_funds": False},
        )
    return None


def rej_01(ctx: Context) -> Hit | None:
    if ctx.facts.get("province_unified"):
        return Hit(
            "REJ-01",
            "省级统建平台和省、市联动项目按相关文件要求做好配合，不再单独申报",
            {"province_unified": True},
        )
    return None


def rej_03(ctx: Context) -> Hit | None:
    if ctx.facts.get("new_server_room"):
        return Hit("REJ-03", "新建或扩建机房、高能耗数据中心的项目不予受理", {"new_server_room": True})
    return None


def rej_04(ctx: Context) -> Hit | None:
    reasons = {
        "private_network_unintegrated": "未开展与电子政务网络整合工作的专网租赁",
        "terminal_security_outside_egov": "不纳入电子政务外网统一监管的终端安全防护",
        "video_conference": "视频会议系统建设",
    }
    found = {key: True for key in reasons if ctx.facts.get(key)}
    if not found:
        return None
    return Hit("REJ-04", "属于" + "、".join(reasons[key] for key in found) + "项目，不予受理", found)


def rej_05(ctx: Context) -> Hit | None:
    build_type = ctx.facts.get("build_type")
    if build_type in {"new", "renovation", "expansion"} and ctx.facts.get("deploys_on_city_cloud") is False:
        return Hit(
            "REJ-05",
            "新建、升级改造项目未部署、迁移到衢州市云计算中心，不予受理",
            {"build_type": build_type, "deploys_on_city_cloud": False},
        )
    return None


def rej_06(ctx: Context) -> Hit | None:
    kinds = ctx.facts.get("system_kinds") or []
    if not kinds:
        return None
    names = "、".join(SYSTEM_KINDS[kind] for kind in kinds)
    return Hit("REJ-06", f"新建{names}的项目不予受理", {"system_kinds": list(kinds)})


def rej_09(ctx: Context) -> Hit | None:
    # "2年内不得申报": the bar ends on bar_ends_on, so applying on that very day is allowed.
    if ctx.unit_bar_ends_on and ctx.today < ctx.unit_bar_ends_on:
        return Hit(
            "REJ-09",
            f"本单位有系统列入“僵尸系统”，{date_zh(ctx.unit_bar_ends_on)}前不得申报数字化项目需求",
            {"unit_bar_ends_on": ctx.unit_bar_ends_on.isoformat(), "today": ctx.today.isoformat()},
        )
    return None


RULES: dict[str, Callable[[Context], Hit | None]] = {
    "SCOPE-03": scope_03,
    "SCOPE-06": scope_06,
    "REJ-01": rej_01,
    "REJ-03": rej_03,
    "REJ-04": rej_04,
    "REJ-05": rej_05,
    "REJ-06": rej_06,
    "REJ-09": rej_09,
}


def evaluate(ctx: Context) -> list[Hit]:
    """Every automatic rule, in catalogue order; the hits only."""
    return [hit for check in RULES.values() if (hit := check(ctx)) is not None]


def priority_grounds(facts: dict) -> list[Hit]:
    """The priority grounds (PRI-01..04) a project claims, each as a record with its evidence."""
    return [
        Hit(
            PRIORITY_RULES[claim["code"]],
            f"优先列入：{PRIORITY_CLAIMS[claim['code']]}",
            {"evidence": claim["evidence"]},
        )
        for claim in facts.get("priority_claims", [])
    ]

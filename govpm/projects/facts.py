"""The facts a project records on its form (lifecycle.md, "The facts automatic rules read").

`clean_facts` turns what a form or the API sent into the stored shape, or raises InvalidInput naming
the field (facts.<key>) in Chinese. Nothing else may enter Project.facts."""

from __future__ import annotations

from govpm.core.errors import InvalidInput

from .models import BuildType, Level

SYSTEM_KINDS = {
    "ca": "数字证书系统（CA认证）",
    "big_screen": "大屏演示指挥系统",
    "e_seal": "电子印章系统",
    "mobile_im": "移动即时通讯系统",
    "website_platform": "政府网站支撑平台",
    "standalone_app": "独立封装的移动客户端（APP）",
    "big_data_platform": "大数据处理平台",
}
PRIORITY_CLAIMS = {
    "national_pilot": "入选国家、省级试点的数字化示范项目",
    "award_transfer": "获奖科技成果转化项目",
    "innovative": "具有创新性、领先性的政府数字化转型项目",
    "plan_task": "国家、省级明确任务或纳入全市数字化规划体系",
    "other": "其他符合优先列入情形（在佐证材料中写明情形）",  # PRI-05: "等其他符合优先列入情形"
}
ARCHITECTURE_LAYERS = {
    "business_app": "业务应用",
    "app_support": "应用支撑",
    "data_resource": "数据资源",
    "infrastructure": "基础设施",
    "policy": "政策制度",
    "standard": "标准规范",
    "organization": "组织保障",
}
BOOLEAN_FACTS = {
    "classified": "是否涉密",
    "province_unified": "是否省级统建平台或省市联动项目",
    "new_server_room": "是否新建或扩建机房、高能耗数据中心",
    "private_network_unintegrated": "是否租赁未与电子政务网络整合的专网",
    "terminal_security_outside_egov": "终端安全防护是否未纳入电子政务外网统一监管",
    "video_conference": "是否建设视频会议系统",
    "deploys_on_city_cloud": "是否部署或迁移到衢州市云计算中心",
}
# SCOPE-06: who owns the need and whether government funds pay for it. The owner type is the owner unit's
# (set by the platform, as the level is: SCOPE-05); government funds are the owner's declaration.
OWNER_TYPES = {"government": "政府部门", "enterprise": "市属国有企业"}
LIST_FACTS = {"system_kinds": SYSTEM_KINDS, "architecture_layers": ARCHITECTURE_LAYERS}
FACT_LABELS = {
    "level": "项目层级",
    "owner_type": "业主类型",
    "government_funds": "是否使用政府性资金",
    "category": "项目类别",
    "build_type": "建设类型",
    **BOOLEAN_FACTS,
    "system_kinds": "新建系统类型",
    "priority_claims": "优先列入情形",
    "architecture_layers": "“四横三纵”架构层级",
}
# Needed before submission: the automatic rules must be able to decide every one of them.
REQUIRED_AT_SUBMIT = ["level", "category", "build_type", *BOOLEAN_FACTS, "system_kinds"]


def _fail(key: str, message: str) -> InvalidInput:
    return InvalidInput(f"{FACT_LABELS.get(key, key)}：{message}", field=f"facts.{key}")


def _choice_list(key: str, value, allowed: dict) -> list[str]:
    if not isinstance(value, list):
        raise _fail(key, "应为列表")
    for item in value:
        if item not in allowed:
            raise _fail(key, f"不识别的取值 {item!r}，可选：{'、'.join(allowed)}")
    if len(set(value)) != len(value):
        raise _fail(key, "取值重复")
    return list(value)


def _priority_claims(value) -> list[dict]:
    key = "priority_claims"
    if not isinstance(value, list):
        raise _fail(key, "应为列表")
    claims: list[dict] = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            item = {"code": item, "evidence": ""}
        if not isinstance(item, dict) or set(item) - {"code", "evidence"}:
            raise InvalidInput("优先列入情形：每项应为 {code, evidence}", field=f"facts.{key}.{index}")
        code, evidence = item.get("code"), item.get("evidence", "")
        if code not in PRIORITY_CLAIMS:
            raise InvalidInput(f"优先列入情形：不识别的取值 {code!r}", field=f"facts.{key}.{index}.code")
        if not isinstance(evidence, str):
            raise InvalidInput("优先列入情形：佐证材料应为文字", field=f"facts.{key}.{index}.evidence")
        if not evidence.strip():  # PRI-06: a claim without evidence is no claim
            raise InvalidInput(
                f"优先列入情形「{PRIORITY_CLAIMS[code]}」：须填写佐证材料",
                field=f"facts.{key}.{index}.evidence",
            )
        claims.append({"code": code, "evidence": evidence.strip()})
    if len({claim["code"] for claim in claims}) != len(claims):
        raise _fail(key, "取值重复")
    return claims


def clean_facts(raw, *, partial: bool = True) -> dict:
    """Validate and normalise. partial=False also requires every fact the automatic rules read."""
    if not isinstance(raw, dict):
        raise InvalidInput("申报事实应为对象（JSON object）", field="facts")
    unknown = sorted(set(raw) - set(FACT_LABELS))
    if unknown:
        raise InvalidInput(f"申报事实含不识别的字段：{'、'.join(unknown)}", field=f"facts.{unknown[0]}")
    facts: dict = {}
    for key, value in raw.items():
        if key == "level":
            if value not in Level.values:
                raise _fail(key, "应为 city（市本级）或 county（县（市、区））")
        elif key == "category":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 7:
                raise _fail(key, "应为1至7的整数（实施意见二(一)(1)所列七类）")
        elif key == "build_type":
            if value not in BuildType.values:
                raise _fail(key, f"应为 {'、'.join(BuildType.values)} 之一")
        elif key == "owner_type":
            if value not in OWNER_TYPES:
                raise _fail(key, "应为 government（政府部门）或 enterprise（市属国有企业）")
        elif key in BOOLEAN_FACTS or key == "government_funds":
            if not isinstance(value, bool):
                raise _fail(key, "应为 true 或 false")
        elif key in LIST_FACTS:
            value = _choice_list(key, value, LIST_FACTS[key])
        elif key == "priority_claims":
            value = _priority_claims(value)
        facts[key] = value
    if not partial:
        missing = [key for key in REQUIRED_AT_SUBMIT if key not in facts]
        if missing:
            raise _fail(missing[0], "提交前须填写此项")
        facts.setdefault("priority_claims", [])
        facts.setdefault("architecture_layers", [])
    return facts

"""Input serializers, one per action: they check types and shapes; the lifecycle checks the rules.

Unknown keys are refused (a typo must not be silently ignored), every error names its field."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from govpm.core.errors import InvalidInput
from govpm.core.money import MoneyInput
from govpm.core.parsers import CleanTextSerializer
from govpm.projects.facts import ARCHITECTURE_LAYERS
from govpm.projects.models import Specialty

from ..models import Inspection, ReviewTask


class Strict(CleanTextSerializer):
    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["请求体应为 JSON 对象"]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({unknown[0]: [f"不识别的字段 {unknown[0]}"]})
        return super().to_internal_value(data)


def Money(label: str, *, positive: bool = False, **kwargs) -> MoneyInput:  # noqa: N802 (a field factory)
    """An amount in 元; `positive` where the rule says more than 0 (estimates and recorded amounts)."""
    return MoneyInput(label=label, positive=positive, **kwargs)


def _label(serializer: serializers.Serializer, path: list[str]) -> str:
    field = serializer
    for part in path:
        fields = getattr(field, "fields", None) or getattr(getattr(field, "child", None), "fields", None)
        if not fields or part not in fields:
            break
        field = fields[part]
    return str(getattr(field, "label", None) or path[-1])


def _first(detail, path: list[str]) -> tuple[list[str], str]:
    if isinstance(detail, dict):
        key, value = next(iter(detail.items()))
        return _first(value, path if key == "non_field_errors" else [*path, str(key)])
    if isinstance(detail, list) and detail:
        for index, item in enumerate(detail):
            if isinstance(item, dict | list) and item:
                return _first(item, [*path, str(index)])
        return path, str(detail[0])
    return path, str(detail)


def parse(serializer_class: type[serializers.Serializer], data) -> dict:
    """Validated data, or InvalidInput naming the field in Chinese."""
    serializer = serializer_class(data=data if data is not None else {})
    if serializer.is_valid():
        return dict(serializer.validated_data)
    path, message = _first(serializer.errors, [])
    if not path:
        raise InvalidInput(message)
    named = [part for part in path if not part.isdigit()]
    label = _label(serializer, named) if named else path[-1]
    raise InvalidInput(f"{label}：{message}", field=".".join(path))


class Empty(Strict):
    pass


class PerformanceTarget(Strict):
    """PERF-01: one 绩效目标 of a need."""

    indicator = serializers.CharField(label="绩效指标", max_length=200)
    target_value = serializers.DecimalField(label="目标值", max_digits=18, decimal_places=4)
    unit = serializers.CharField(label="计量单位", max_length=20)
    due_by = serializers.DateField(label="完成时限", help_text="YYYY-MM-DD")


def Targets(**kwargs) -> serializers.ListField:  # noqa: N802 (a field factory)
    return serializers.ListField(
        label="绩效目标",
        child=PerformanceTarget(),
        max_length=20,
        help_text="至少一项方可提交（PERF-01）",
        **kwargs,
    )


class CreateProject(Strict):
    name = serializers.CharField(label="项目名称", max_length=200)
    summary = serializers.CharField(label="需求概述", required=False, allow_blank=True, default="")
    facts = serializers.DictField(label="申报事实", required=False, default=dict)
    requested_estimate = Money("申报估算", positive=True, required=False, allow_null=True)
    design_task_id = serializers.IntegerField(
        label="服务的顶层设计任务", min_value=1, required=False, allow_null=True, help_text="PLAN-06"
    )
    performance_targets = Targets(required=False, default=list)


class UpdateDraft(Strict):
    name = serializers.CharField(label="项目名称", max_length=200, required=False)
    summary = serializers.CharField(label="需求概述", required=False, allow_blank=True)
    facts = serializers.DictField(label="申报事实", required=False)
    requested_estimate = Money("申报估算", positive=True, required=False)
    design_task_id = serializers.IntegerField(
        label="服务的顶层设计任务", min_value=1, required=False, allow_null=True, help_text="PLAN-06"
    )
    performance_targets = Targets(required=False)


class Answer(Strict):
    hit = serializers.BooleanField(label="是否命中")
    reason = serializers.CharField(label="理由", allow_blank=True)


class Verdict(Strict):
    """PRI-06: bdb's word on one priority claim."""

    confirmed = serializers.BooleanField(label="是否确认")
    reason = serializers.CharField(label="理由", allow_blank=True)


class ReviewNeeds(Strict):
    decision = serializers.ChoiceField(
        label="审核结论", choices=[("accept", "同意入库"), ("return", "退回修改"), ("reject", "不予受理")]
    )
    answers = serializers.DictField(
        label="研判意见", child=Answer(), help_text="每项需研判的不予受理情形：是否命中及理由"
    )
    comment = serializers.CharField(
        label="审核意见",
        required=False,
        allow_blank=True,
        default="",
        help_text="退回修改时须写明需要修改的内容",
    )
    priority = serializers.DictField(label="优先情形研判", child=Verdict(), required=False, default=dict)


class Reopen(Strict):
    rules = serializers.ListField(label="豁免规则", child=serializers.CharField(max_length=20))
    reason = serializers.CharField(label="豁免理由")


class OpenScheme(Strict):
    merge_ids = serializers.ListField(
        label="合并需求",
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text="可将其他已入库需求合并为一个项目（PLAN-02）",
    )
    implementing_unit_id = serializers.IntegerField(
        label="实施单位",
        min_value=1,
        required=False,
        allow_null=True,
        help_text="合并时由市智慧办确定实施单位：本需求或被合并需求的业主单位之一；不选则为本需求的业主单位（PLAN-07）",
    )
    note = serializers.CharField(label="说明", required=False, allow_blank=True, default="")


class SubmitScheme(Strict):
    def to_internal_value(self, data):
        if isinstance(data, dict) and "experts" in data:
            raise serializers.ValidationError(
                {"experts": ["评审专家由市智慧办从专家库随机抽取，业主单位不得指定（COORD-07）"]}
            )
        return super().to_internal_value(data)

    requested_estimate = Money("申报估算", positive=True)
    modules = serializers.ListField(
        label="功能模块",
        child=serializers.CharField(max_length=100),
        help_text="每行一个模块、功能或阶段；初验按模块进行（IMPL-05）",
    )
    scheme_summary = serializers.CharField(label="方案概要")
    layers = serializers.ListField(
        label="覆盖的“四横三纵”层级",
        child=serializers.ChoiceField(choices=list(ARCHITECTURE_LAYERS.items())),
        required=False,
        max_length=len(ARCHITECTURE_LAYERS),
        help_text="方案至少覆盖“四横”（业务应用、应用支撑、数据资源、基础设施）中的一层（PLAN-06）；不填则沿用申报事实",
    )


class DrawExperts(Strict):
    """COORD-07: what smart_office asks of the draw; the seed is the platform's, never the caller's."""

    specialties = serializers.ListField(
        label="抽取专业", child=serializers.ChoiceField(choices=Specialty.choices), min_length=1
    )
    per_specialty = serializers.IntegerField(label="每专业人数", min_value=1, max_value=20)


class RecordOpinion(Strict):
    opinion = serializers.ChoiceField(label="评审意见", choices=ReviewTask.Opinion.choices)
    comment = serializers.CharField(label="评审说明")
    task_id = serializers.IntegerField(label="评审任务", min_value=1, required=False, allow_null=True)


class RemindReviewers(Strict):
    message = serializers.CharField(
        label="催办内容", required=False, allow_blank=True, default="", help_text="留空则发送默认催办内容"
    )


class IssueConsultation(Strict):
    approved_estimate = Money("概算价", positive=True)
    opinion_text = serializers.CharField(label="决策咨询意见")


class LeadingGroupDecide(Strict):
    decision = serializers.ChoiceField(
        label="审定结论", choices=[("approve", "同意"), ("revise", "修改方案"), ("reject", "不同意")]
    )
    reason = serializers.CharField(
        label="审定理由",
        required=False,
        allow_blank=True,
        default="",
        help_text="修改方案或不同意时须写明理由",
    )


class IssueDesignApproval(Strict):
    approval_text = serializers.CharField(label="批复内容")


class IssuePriceReview(Strict):
    amount = Money("评审金额", positive=True, required=False, allow_null=True)
    review_text = serializers.CharField(label="评审意见", required=False, allow_blank=True, default="")


class RecordProjectCode(Strict):
    project_code = serializers.CharField(
        label="项目代码",
        max_length=30,
        help_text="投资项目在线审批监管平台生成的24位代码，如 2026-330800-65-01-000011",
    )


class Share(Strict):
    region_code = serializers.CharField(label="行政区划", max_length=6)
    amount = Money("承担金额")
    unit_id = serializers.IntegerField(
        label="承担单位",
        min_value=1,
        required=False,
        allow_null=True,
        help_text="承担该份额的单位（COORD-10：可查看项目、可作为签约单位）；不填则为业主单位或该县（市、区）政府",
    )


class RecordFunding(Strict):
    amount = Money("安排资金", positive=True)
    decided_on = serializers.DateField(label="落实日期")
    om_amount = Money("运维费用", required=False)
    source = serializers.CharField(  # type: ignore[assignment]  # a field, not Field.source
        label="资金来源", required=False, allow_blank=True, default="", max_length=100
    )
    shares = serializers.ListField(
        label="分级负担",
        child=Share(),
        required=False,
        help_text="市县共建项目按“统采分签、分级负担”填写各级承担金额；不填则全部由业主单位所在区划承担",
    )


class RecordTender(Strict):
    title = serializers.CharField(label="招标项目名称", max_length=200)
    ceiling = Money("招标最高限价", positive=True, help_text="不得超过概算价（IMPL-01）")
    published_on = serializers.DateField(label="发布日期")
    method = serializers.CharField(label="采购方式", required=False, max_length=30, default="公开招标")
    bidders = serializers.ListField(
        label="投标人",
        child=serializers.CharField(max_length=200),
        required=False,
        max_length=100,
        help_text="参与投标的单位名称，每行一个；其人员在专家抽取中回避（COORD-07）",
    )


class RecordContract(Strict):
    tender_id = serializers.IntegerField(label="招标", min_value=1)
    supplier = serializers.CharField(label="中标供应商", max_length=200)
    amount = Money("合同金额", positive=True)
    signed_on = serializers.DateField(label="签订日期")
    signing_unit_id = serializers.IntegerField(
        label="签约单位",
        min_value=1,
        required=False,
        allow_null=True,
        help_text="统采分签时选择签约单位；不选则为业主单位",
    )


class RecordInspection(Strict):
    inspected_on = serializers.DateField(label="检查日期")
    result = serializers.ChoiceField(label="检查结论", choices=Inspection.Result.choices)
    findings = serializers.CharField(label="检查情况", max_length=5000)
    joint_with = serializers.ChoiceField(
        label="联合检查单位",
        choices=[("bdb", "市大数据局"), ("bizenv", "市营商办")],
        required=False,
        allow_blank=True,
        default="",
        help_text="“1+1”督查（IMPL-09）：另一家督查单位；单一单位检查留空",
    )
    participants = serializers.CharField(
        label="参加人员",
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="“1+1”督查须写明两家单位的参加人员",
    )


class RecordMidtermReview(Strict):
    reviewed_on = serializers.DateField(label="监管日期")
    conclusion = serializers.CharField(label="监管结论", max_length=5000)
    participants = serializers.CharField(label="参加单位和人员", max_length=500)
    issues = serializers.CharField(
        label="问题与整改要求", max_length=5000, required=False, allow_blank=True, default=""
    )


class PlanImplementation(Strict):
    starts_on = serializers.DateField(label="计划实施开始")
    ends_on = serializers.DateField(label="计划实施结束")


class GrantExemption(Strict):
    rule = serializers.ChoiceField(label="豁免的规则", choices=[("ORG-02", "不得“未批先建”“边批边建”")])
    starts_on = serializers.DateField(label="适用起始日期")
    ends_on = serializers.DateField(label="适用截止日期")
    reason = serializers.CharField(label="特殊情况说明", max_length=2000)


class RecordPayment(Strict):
    contract_id = serializers.IntegerField(label="合同", min_value=1)
    amount = Money("支付金额", positive=True)
    paid_on = serializers.DateField(label="支付日期")
    milestone = serializers.CharField(
        label="对应进度", required=False, allow_blank=True, default="", max_length=100
    )


class SubmitDataDictionary(Strict):
    descriptor = serializers.DictField(
        label="数据字典", help_text="Table Schema（JSON）：fields 列出每个字段的 name、type 与约束（IMPL-04）"
    )


class PassModuleAcceptance(Strict):
    module_id = serializers.IntegerField(label="模块", min_value=1)
    accepted_on = serializers.DateField(label="初验日期")
    note = serializers.CharField(label="初验情况", required=False, allow_blank=True, default="")


class DecideFinalAcceptance(Strict):
    decision = serializers.ChoiceField(label="终验结论", choices=[("pass", "通过"), ("fail", "不通过")])
    reason = serializers.CharField(label="终验意见", required=False, allow_blank=True, default="")


class FileExternalAcceptance(Strict):
    body = serializers.CharField(label="终验组织单位", max_length=100)
    accepted_on = serializers.DateField(label="终验日期")
    reference = serializers.CharField(label="文号或说明", required=False, allow_blank=True, default="")


class TargetScoreEntry(Strict):
    """PERF-02: the post-evaluation's word on one performance target."""

    target_id = serializers.IntegerField(label="绩效目标", min_value=1)
    achieved_value = serializers.DecimalField(label="实际值", max_digits=18, decimal_places=4)
    result = serializers.ChoiceField(
        label="达成情况", choices=[("met", "达成"), ("partly", "部分达成"), ("not_met", "未达成")]
    )
    score = serializers.DecimalField(label="得分", max_digits=5, decimal_places=2, min_value=0, max_value=100)
    note = serializers.CharField(label="说明与佐证", max_length=2000)


class RecordPostEvaluation(Strict):
    evaluator = serializers.CharField(label="评估机构或专家", max_length=200)
    score = serializers.DecimalField(
        label="评分", max_digits=5, decimal_places=2, min_value=0, max_value=100, help_text="0—100"
    )
    use_findings = serializers.CharField(label="应用情况")
    security_findings = serializers.CharField(label="安全状况")
    target_scores = serializers.ListField(
        label="绩效目标评分",
        child=TargetScoreEntry(),
        max_length=20,
        required=False,
        default=list,
        help_text="每项绩效目标一条（PERF-02）",
    )


class Reason(Strict):
    reason = serializers.CharField(label="理由")


class RecordEstimateReview(Strict):
    firm = serializers.CharField(label="评审机构", max_length=200)
    submitted_amount = Money(
        "送审金额", positive=True, required=False, allow_null=True, help_text="不填则为方案的申报估算"
    )
    reviewed_amount = Money("审定金额", positive=True, help_text="核减额 = 送审金额 − 审定金额")
    reviewed_on = serializers.DateField(label="评审日期")
    report = serializers.CharField(label="评审报告", max_length=200, help_text="报告名称或文号")
    note = serializers.CharField(
        label="主要意见", required=False, allow_blank=True, default="", max_length=4000
    )


class ApplyEstimateChange(Strict):
    """IMPL-08: the owner's application to ndrc."""

    new_amount = Money("调整后概算价", positive=True, help_text="申请核定的新概算价（元）")
    reason = serializers.CharField(label="调整理由", max_length=2000)
    funding_source = serializers.CharField(label="资金来源", max_length=100, help_text="增加部分的资金来源")
    material = serializers.CharField(
        label="申请材料", max_length=200, help_text="调整方案（调整概算报告）的名称或文号"
    )


class DecideEstimateChange(Strict):
    decision = serializers.ChoiceField(
        label="审批结论", choices=[("approve", "批准"), ("refuse", "不予批准")]
    )
    reason = serializers.CharField(label="审批意见", max_length=2000)


class Milestone(Strict):
    name = serializers.CharField(label="付款节点名称", max_length=100)
    share = serializers.DecimalField(
        label="比例（%）",
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        required=False,
        allow_null=True,
    )
    amount = Money("金额", positive=True, required=False, allow_null=True)
    due_on = serializers.DateField(label="应付日期")


class SetPaymentSchedule(Strict):
    """SUPV-05: the contract's schedule, replacing any before; it adds up to the contract exactly."""

    contract_id = serializers.IntegerField(label="合同", min_value=1)
    milestones = serializers.ListField(
        label="付款节点",
        child=Milestone(),
        min_length=1,
        max_length=24,
        help_text='每个节点填名称、比例（%）或金额（二选一）与应付日期，如 [{"name": "预付款", "share": "30", '
        '"due_on": "2026-03-01"}]；合计须等于合同金额',
    )


class RecordSettlement(Strict):
    contract_id = serializers.IntegerField(label="合同", min_value=1)
    amount = Money("结算金额", positive=True)
    settled_on = serializers.DateField(label="结算日期")


class RecordSupervision(Strict):
    firm = serializers.CharField(label="监理单位", max_length=200)
    amount = Money("监理合同金额", positive=True)
    signed_on = serializers.DateField(label="监理合同签订日期")
    scope = serializers.CharField(
        label="监理范围", required=False, allow_blank=True, default="", max_length=2000
    )


ACTION_INPUTS: dict[str, type[Strict]] = {
    "update": UpdateDraft,
    "precheck": Empty,
    "submit": Empty,
    "review_needs": ReviewNeeds,
    "reopen": Reopen,
    "open_scheme": OpenScheme,
    "submit_scheme": SubmitScheme,
    "draw_experts": DrawExperts,
    "record_opinion": RecordOpinion,
    "remind_reviewers": RemindReviewers,
    "issue_consultation": IssueConsultation,
    "leading_group_decide": LeadingGroupDecide,
    "accept_application": Empty,
    "issue_design_approval": IssueDesignApproval,
    "issue_price_review": IssuePriceReview,
    "record_project_code": RecordProjectCode,
    "record_funding": RecordFunding,
    "start_procurement": Empty,
    "record_tender": RecordTender,
    "record_contract": RecordContract,
    "start_implementation": Empty,
    "record_inspection": RecordInspection,
    "record_midterm_review": RecordMidtermReview,
    "record_payment": RecordPayment,
    "submit_data_dictionary": SubmitDataDictionary,
    "pass_module_acceptance": PassModuleAcceptance,
    "apply_final_acceptance": Empty,
    "decide_final_acceptance": DecideFinalAcceptance,
    "file_external_acceptance": FileExternalAcceptance,
    "record_external_filing": Empty,
    "plan_implementation": PlanImplementation,
    "grant_exemption": GrantExemption,
    "record_post_evaluation": RecordPostEvaluation,
    "list_zombie": Reason,
    "withdraw": Reason,
    "terminate": Reason,
    "record_estimate_review": RecordEstimateReview,
    "apply_estimate_change": ApplyEstimateChange,
    "decide_estimate_change": DecideEstimateChange,
    "set_payment_schedule": SetPaymentSchedule,
    "record_settlement": RecordSettlement,
    "record_supervision": RecordSupervision,
}

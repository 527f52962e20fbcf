"""What each official document says: the words, from the project's records at the moment of issue.

A composition is plain data (govpm.officialdoc.composition); govpm.officialdoc.render lays it out by
GB/T 9704-2012. Keeping the two apart lets the words be read and tested without Word."""

from __future__ import annotations

from govpm.accounts.models import Unit
from govpm.core.clock import date_zh
from govpm.core.money import format_wan, format_yuan
from govpm.officialdoc.composition import Composition, Outline
from govpm.projects.models import CATEGORY_LABELS, IssuedDocument, Project, ReviewTask

POLICY = "《衢州市人民政府办公室关于政府投资数字化项目全生命周期管理的实施意见》（衢政办发〔2020〕8号）"


def _estimate(amount) -> str:
    return f"{format_wan(amount)}（{format_yuan(amount)}元）" if amount is not None else "（未核定）"


def _basics(outline: Outline, project: Project) -> None:
    outline.heading(1, "项目基本情况")
    category = CATEGORY_LABELS.get(project.category or 0, "未填报")
    outline.text(
        f"项目名称：{project.name}。业主单位：{project.owner_unit.name}。项目类别：{category}。"
        f"建设类型：{project.get_build_type_display() or '未填报'}。"
    )
    if project.summary:
        outline.text(f"需求概述：{project.summary}")
    modules = list(project.modules.all())
    if modules:
        outline.heading(2, "建设内容")
        outline.heading(3, "功能模块")
        for module in modules:
            outline.heading(4, module.name)


def _consultation(outline: Outline, document: IssuedDocument, project: Project) -> None:
    outline.text(
        f"根据{POLICY}有关规定，市智慧办组织联合评审单位和专家，对{project.owner_unit.name}报送的"
        f"《{project.name}》合并方案（决策咨询、初步设计和概算评审方案）进行了并联审核。现提出决策咨询意见如下："
    )
    _basics(outline, project)
    tasks = (
        ReviewTask.objects.filter(project=project, round=project.review_round)
        .select_related("unit", "expert")
        .order_by("id")
    )
    outline.heading(1, "联合评审情况")
    outline.heading(2, "评审意见")
    for task in tasks:
        outline.text(f"{task.reviewer_name}：{task.get_opinion_display() or '未出具'}。{task.comment}")
    outline.heading(1, "咨询意见")
    outline.text(document.body)
    outline.text(f"核定项目概算价{_estimate(document.amount)}。")
    outline.text("以上意见，请领导小组审定。")


def _design_approval(outline: Outline, document: IssuedDocument, project: Project) -> None:
    outline.text(
        f"你单位报送的《{project.name}》初步设计及概算收悉。根据{POLICY}和市智慧办出具的决策咨询意见，"
        "经研究，现批复如下："
    )
    outline.heading(1, "原则同意该项目初步设计")
    outline.text(document.body)
    outline.heading(1, "项目概算")
    outline.text(f"核定项目概算{_estimate(document.amount)}，不得超概算实施（国令第712号）。")
    if project.project_code:
        outline.heading(1, "项目代码")
        outline.text(f"投资项目在线审批监管平台项目代码：{project.project_code}。")
    outline.heading(1, "有关要求")
    outline.text("请严格按照批复内容组织实施，不得擅自扩大建设规模、提高建设标准，不得未批先建、边批边建。")


def _price_review(outline: Outline, document: IssuedDocument, project: Project) -> None:
    consultation = (
        project.documents.filter(kind=IssuedDocument.Kind.CONSULTATION_OPINION).order_by("-id").first()
    )
    basis = f"（{consultation.number}）" if consultation else ""
    outline.text(
        f"根据{POLICY}和《衢州市数字化项目决策咨询意见》{basis}，我中心对《{project.name}》进行了价格评审。"
        "现出具意见如下："
    )
    outline.heading(1, "评审依据")
    outline.text("决策咨询意见核定的项目概算价及合并方案的建设内容。")
    outline.heading(1, "评审结论")
    outline.text(f"评审金额{_estimate(document.amount)}，与决策咨询意见核定的概算价一致。")
    if document.body:
        outline.heading(1, "其他意见")
        outline.text(document.body)


def _acceptance_report(outline: Outline, document: IssuedDocument, project: Project) -> None:
    outline.text(
        f"根据{POLICY}有关规定，市智慧办对{project.owner_unit.name}申请终验的《{project.name}》组织了验收。"
        "现将验收情况报告如下："
    )
    _basics(outline, project)
    outline.heading(1, "建设和初验情况")
    contracts = list(project.contracts.order_by("id"))
    if contracts:
        outline.heading(2, "合同签订情况")
        for contract in contracts:
            outline.text(
                f"{contract.supplier}，合同金额{_estimate(contract.amount)}，{date_zh(contract.signed_on)}签订。"
            )
    outline.heading(2, "模块初验情况")
    for module in project.modules.all():
        accepted = date_zh(module.accepted_on) if module.accepted_on else "未初验"
        outline.text(f"{module.name}：{accepted}通过初验。")
    outline.heading(1, "验收意见")
    outline.text(document.body)
    outline.heading(1, "验收结论")
    outline.text("项目通过终验，正式投入运行。项目终验正式运行1年后，由市智慧办组织进行后评估。")


def _post_evaluation(outline: Outline, document: IssuedDocument, project: Project) -> None:
    evaluation = getattr(project, "post_evaluation", None)
    outline.text(
        f"根据{POLICY}有关规定，在项目终验正式运行1年后，市智慧办对《{project.name}》的使用情况和安全状况进行了后评估。"
        "现将评估情况报告如下："
    )
    _basics(outline, project)
    outline.heading(1, "评估情况")
    outline.text(document.body)
    if evaluation is not None:
        outline.heading(1, "评估结论")
        outline.text(f"评估机构或专家：{evaluation.evaluator}。综合评分：{evaluation.score}分。")
        scores = list(evaluation.target_scores.select_related("target").order_by("target__position"))
        if scores:  # PERF-02: each performance target of the need, scored
            outline.heading(2, "绩效目标评价")
            outline.table(
                ["绩效指标", "目标值", "实际值", "达成情况", "得分"],
                [
                    [
                        s.target.indicator,
                        s.target.value_text,
                        s.achieved_text,
                        s.get_result_display(),
                        s.score,
                    ]
                    for s in scores
                ],
                widths=(2.6, 1.2, 1.2, 1, 0.8),
            )
    outline.text("评估结果作为项目监督检查、绩效考核、整改完善和后续资金安排的重要依据。")


def _lines(document: IssuedDocument) -> list[str]:
    return [line for line in document.body.splitlines() if line.strip()]


def _non_acceptance(outline: Outline, document: IssuedDocument, project: Project) -> None:
    """DOC-01 不予受理告知书: each finding with the rule's words, what was found and the clause."""
    submitted = f"于{date_zh(project.submitted_at.date())}" if project.submitted_at else ""
    outline.text(
        f"你单位{submitted}报送的《{project.name}》项目需求，经审核，属于{POLICY}第二部分第（二）项所列"
        "不予受理情形，现告知如下："
    )
    lines = _lines(document)
    findings = [line for line in lines if not line.startswith("审核意见：")]
    outline.heading(1, "不予受理情形及依据")
    for line in findings:
        outline.text(line)
    for line in lines:
        if line.startswith("审核意见："):
            outline.heading(1, "审核意见")
            outline.text(line.removeprefix("审核意见："))
    outline.heading(1, "有关说明")
    outline.text("你单位可针对上述情形补正后，以本需求为基础新建需求并重新申报。")


def _return_notice(outline: Outline, document: IssuedDocument, project: Project) -> None:
    """DOC-01 退回修改通知: bdb's reasons, and any judgement rule it found the need to meet."""
    outline.text(
        f"你单位报送的《{project.name}》项目需求，经市大数据局审核，需修改完善后重新提交。具体意见如下："
    )
    lines = _lines(document)
    outline.heading(1, "退回理由")
    for line in lines:
        outline.text(line.removeprefix("审核意见："))
    outline.heading(1, "有关要求")
    outline.text("请按上述意见修改需求后重新提交，修改后的需求将重新审核。")


BODIES = {
    IssuedDocument.Kind.CONSULTATION_OPINION: _consultation,
    IssuedDocument.Kind.DESIGN_APPROVAL: _design_approval,
    IssuedDocument.Kind.PRICE_REVIEW: _price_review,
    IssuedDocument.Kind.ACCEPTANCE_REPORT: _acceptance_report,
    IssuedDocument.Kind.POST_EVALUATION_REPORT: _post_evaluation,
    IssuedDocument.Kind.NON_ACCEPTANCE_NOTICE: _non_acceptance,
    IssuedDocument.Kind.RETURN_NOTICE: _return_notice,
}


def _addressee(document: IssuedDocument, project: Project) -> str:
    if document.kind == IssuedDocument.Kind.CONSULTATION_OPINION:
        group = Unit.objects.filter(code="leading_group").first()
        return f"{group.name if group else '衢州市新型智慧城市建设工作领导小组'}："
    return f"{project.owner_unit.name}："


def compose(document: IssuedDocument) -> Composition:
    project = document.project
    outline = Outline()
    BODIES[IssuedDocument.Kind(document.kind)](outline, document, project)
    issued = date_zh(document.issued_on)
    return Composition(
        issuer_mark=document.issuer.name,
        number=document.number,
        title=document.title,
        addressee=_addressee(document, project),
        blocks=outline.blocks,
        signature=document.issuer.name,
        date=issued,
        printed_by=document.issuer.name,
        printed_on=issued,
    )

"""Every requirement of 衢政办发〔2020〕8号 as data: ID, kind, Chinese text, clause.

This is the one place a rule's words live. Findings, refusals and documents cite `citation(rule_id)`;
the Rule table mirrors this catalogue (synced after migrate) so officials can browse it in the admin.
Bump `version` when a rule's meaning changes: stored findings keep the version they were made under.
"""

from __future__ import annotations

from dataclasses import dataclass

DOC = "衢政办发〔2020〕8号"
DOC_TITLE = "衢州市人民政府办公室关于政府投资数字化项目全生命周期管理的实施意见"

AUTOMATIC = "automatic"  # a pure function of the project's facts decides it
JUDGEMENT = "judgement"  # a reviewer decides, with a reason
PROCEDURE = "procedure"  # enforced by a lifecycle action's checks
RECORD = "record"  # the platform records it; no gate


@dataclass(frozen=True)
class RuleDef:
    id: str
    kind: str
    clause: str
    text: str
    version: int = 1

    @property
    def citation(self) -> str:
        return f"{self.id} · {DOC} {self.clause}"


_RULES = [
    # 二(一) scope
    RuleDef(
        "SCOPE-01",
        AUTOMATIC,
        "二(一)(1)",
        "市本级政府和市属国有企业使用政府性资金建设的数字化项目（含新建、改建、扩建）和维护项目",
    ),
    RuleDef("SCOPE-02", AUTOMATIC, "二(一)(1)第1—7项", "项目类别须为实施意见列明的七类之一"),
    RuleDef(
        "SCOPE-03",
        AUTOMATIC,
        "二(一)(2)",
        "县（市、区）范围限于需共建共享的应用支撑平台、公共数据资源、新基础设施等数字化项目",
    ),
    RuleDef("SCOPE-04", RECORD, "三(二)2", "涉密项目不通过投资项目在线审批监管平台办理"),
    RuleDef(
        "SCOPE-05",
        PROCEDURE,
        "二(一)",
        "项目层级按业主单位确定；不属于二(一)受理范围的需求退回为“不属于受理范围”，不作不予受理处理；"
        "县（市、区）“等”数字化项目由市大数据局说明理由后可予受理",
    ),
    RuleDef(
        "SCOPE-06",
        AUTOMATIC,
        "二(一)(1)",
        "受理范围限于市本级政府和市属国有企业使用政府性资金建设的数字化项目",
    ),
    # 二(二) priority
    RuleDef("PRI-01", RECORD, "二(二)优先列入情形", "入选国家、省级试点的数字化示范项目"),
    RuleDef(
        "PRI-02", RECORD, "二(二)优先列入情形", "获得国家、省、市级科技创新、数据挖掘等比赛的科技成果转化项目"
    ),
    RuleDef("PRI-03", RECORD, "二(二)优先列入情形", "具有创新性、领先性的政府数字化转型项目"),
    RuleDef(
        "PRI-04", RECORD, "二(二)优先列入情形", "国家、省级有明确任务要求或纳入全市数字化规划体系的数字化项目"
    ),
    RuleDef(
        "PRI-05", JUDGEMENT, "二(二)优先列入情形", "等其他符合优先列入情形：业主单位文字说明，市大数据局研判"
    ),
    RuleDef(
        "PRI-06",
        JUDGEMENT,
        "二(二)优先列入情形",
        "优先列入情形须附佐证材料，经市大数据局逐项确认后方计入排序；需求库按确认的优先情形数、再按提交时间排序",
    ),
    # 二(二) not accepted
    RuleDef(
        "REJ-01",
        AUTOMATIC,
        "二(二)不予受理情形第1项",
        "省级统建平台和省、市联动项目按相关文件要求做好配合，不再单独申报项目",
    ),
    RuleDef(
        "REJ-02",
        JUDGEMENT,
        "二(二)不予受理情形第2项",
        "需求或绩效目标不明确、内部整合不到位、信息安全保障不到位的项目",
    ),
    RuleDef("REJ-03", AUTOMATIC, "二(二)不予受理情形第3项", "新建或扩建机房、高能耗数据中心等"),
    RuleDef(
        "REJ-04",
        AUTOMATIC,
        "二(二)不予受理情形第4项",
        "未开展与电子政务网络整合工作的专网租赁项目，不纳入电子政务外网统一监管的终端安全防护项目，视频会议系统建设项目",
    ),
    RuleDef(
        "REJ-05", AUTOMATIC, "二(二)不予受理情形第5项", "不予部署、迁移到衢州市云计算中心的新建、升级改造项目"
    ),
    RuleDef(
        "REJ-06",
        AUTOMATIC,
        "二(二)不予受理情形第6项",
        "新建的数字证书系统（CA认证）、大屏演示指挥系统、电子印章系统、移动即时通讯系统、政府网站支撑平台、独立封装的移动客户端（APP）、大数据处理平台等项目",
    ),
    RuleDef(
        "REJ-07",
        JUDGEMENT,
        "二(二)不予受理情形第7项",
        "不符合《党政机关厉行节约反对浪费条例》第四十五条规定，属于重复建设和频繁升级的项目",
    ),
    RuleDef("REJ-08", JUDGEMENT, "二(二)不予受理情形第8项", "不符合数据共享要求的数字化项目"),
    RuleDef(
        "REJ-09",
        AUTOMATIC,
        "二(二)不予受理情形第9项",
        "经检查列入“僵尸系统”的单位，原则上2年内不得申报数字化项目需求",
    ),
    RuleDef("REJ-10", JUDGEMENT, "二(二)不予受理情形第10项", "其他不符合申报要求的政府投资数字化项目"),
    # 三(一) planning
    RuleDef("PLAN-01", PROCEDURE, "三(一)1", "建立项目需求库，实时征集各部门需求、定期汇总"),
    RuleDef("PLAN-02", PROCEDURE, "三(一)1", "市智慧办适时组织谋划若干大型数字化项目，并协调项目实施主体"),
    RuleDef(
        "PLAN-03", RECORD, "三(一)2", "所有方案需按照“四横三纵”要求进行设计，并明确具体工作任务和实施计划"
    ),
    RuleDef(
        "PLAN-07",
        PROCEDURE,
        "三(一)1",
        "合并谋划的项目：被合并的需求转为“已合并”（非终止），其单位可查阅合并后的项目",
    ),
    RuleDef("PLAN-04", PROCEDURE, "三(一)3", "项目需求经市大数据局审核后提交市智慧办"),
    RuleDef(
        "PLAN-06",
        PROCEDURE,
        "三(一)2",
        "市大数据局、市营商办联合成立工作小组开展顶层设计；方案按“四横三纵”要求设计，至少覆盖“四横”中的一层",
    ),
    # 三(二) coordination
    RuleDef(
        "COORD-01", PROCEDURE, "三(二)1", "决策咨询方案、初步设计方案和概算评审方案合并为一个方案，并联审核"
    ),
    RuleDef("COORD-02", PROCEDURE, "三(二)1", "市智慧办召集相关部门及专家联合评审项目方案，明确项目概算价"),
    RuleDef(
        "COORD-03",
        PROCEDURE,
        "三(二)1、2",
        "形成《衢州市数字化项目决策咨询意见》，送市新型智慧城市建设工作领导小组审定",
    ),
    RuleDef(
        "COORD-04",
        PROCEDURE,
        "三(二)2",
        "受理后3天内市发改委出具初步设计批复，市评审中心按项目概算价出具价格评审意见书",
    ),
    RuleDef(
        "COORD-05",
        PROCEDURE,
        "三(二)2",
        "项目（涉密项目除外）应通过投资项目在线审批监管平台，并使用其生成的项目代码办理审批手续",
    ),
    RuleDef(
        "COORD-06",
        PROCEDURE,
        "三(二)3",
        "市、县两级共建或统一招标的项目，按照“统一规划、统一建设、统采分签、分级负担”的原则实施",
    ),
    RuleDef(
        "COORD-07",
        PROCEDURE,
        "三(二)1",
        "市智慧办召集专家联合评审：专家由市智慧办从专家库按专业随机抽取，业主单位、投标人和承包商的人员"
        "及申报回避的专家回避，抽取记录可复核",
    ),
    RuleDef(
        "COORD-08",
        RECORD,
        "三(二)1",
        "第三方概算评审：评审机构、审定金额和评审报告记录在案，供市智慧办明确项目概算价时参考",
    ),
    RuleDef(
        "COORD-10",
        PROCEDURE,
        "三(二)3",
        "统采分签、分级负担：承担分级负担或签订合同的单位可查看项目；签约单位须为业主单位或承担分级负担的单位",
    ),
    RuleDef(
        "COORD-09",
        PROCEDURE,
        "三(二)2",
        "使用投资项目在线审批监管平台生成的项目代码办理审批手续：出具初步设计批复和价格评审意见书前须登记项目代码（涉密项目除外）",
    ),
    # 三(三) implementation
    RuleDef(
        "IMPL-01",
        PROCEDURE,
        "三(三)1",
        "凭决策咨询意见及价格评审意见书办理招标采购，招标最高限价不超过项目概算价",
    ),
    RuleDef(
        "IMPL-02", RECORD, "三(三)2", "市大数据局和市营商办落实“1+1”督查工作机制，不定期检查项目实施进度"
    ),
    RuleDef(
        "IMPL-03",
        PROCEDURE,
        "三(三)3",
        "投资管控严格按照《政府投资条例》（国令第712号）、国办发〔2019〕57号执行",
    ),
    RuleDef("IMPL-04", PROCEDURE, "三(三)4", "数字化项目全部建成后需向市大数据局提交数据字典"),
    RuleDef(
        "IMPL-05",
        PROCEDURE,
        "三(三)5",
        "项目初验由业主单位自行组织，大型项目可分模块、分功能、分阶段进行初验",
    ),
    RuleDef(
        "IMPL-06",
        PROCEDURE,
        "三(三)5",
        "项目全部功能模块完成初验3个月后，业主单位向市智慧办提出竣工验收申请；通过终验的，由市智慧办出具《衢州市数字化项目验收报告》",
    ),
    # 三(四) supervision
    RuleDef(
        "SUPV-01",
        RECORD,
        "三(四)",
        "市智慧办牵头组织市发改委、财政局、大数据局、营商办、监管办等部门进行全过程监管",
    ),
    RuleDef("SUPV-02", RECORD, "三(四)", "项目实施中期市智慧办召集相关部门对项目进行阶段监管"),
    RuleDef("SUPV-03", PROCEDURE, "三(四)", "业主单位严格履行合同约定，按项目实施进度及时支付项目款项"),
    RuleDef(
        "SUPV-04",
        PROCEDURE,
        "三(四)",
        "在项目终验完成正式运行1年后，市智慧办组织专家或第三方对项目的应用情况、安全状况等进行评估",
    ),
    # 四 promotion
    RuleDef("PROMO-01", RECORD, "四(一)", "一月一主题、一季一发声、半年一总结、一年一提炼"),
    RuleDef("PROMO-02", RECORD, "四(二)", "市大数据局向国家、省级有关部门展示推介典型应用案例"),
    RuleDef("PROMO-03", RECORD, "四(三)", "市智慧办牵头谋划每年2场新型智慧城市建设成果推介专场"),
    # 五 organisation
    RuleDef("ORG-01", RECORD, "五(二)", "“1+1+N”工作机制：市大数据局、市营商办和相关单位，由市智慧办统筹"),
    RuleDef("ORG-02", PROCEDURE, "五", "不得“未批先建”“边批边建”"),
    RuleDef("ORG-03", RECORD, "五", "各县（市、区）和市级部门工作情况纳入全市综合考核"),
    # deadlines
    RuleDef("TIME-01", PROCEDURE, "三(二)2", "受理后3天内出具初步设计批复"),
    RuleDef("TIME-02", PROCEDURE, "三(三)5", "全部功能模块完成初验3个月后方可申请终验"),
    RuleDef("TIME-03", PROCEDURE, "三(四)", "终验完成正式运行1年后进行后评估"),
    RuleDef("TIME-04", PROCEDURE, "二(二)不予受理情形第9项", "列入“僵尸系统”的单位2年内不得申报"),
    RuleDef("TIME-05", RECORD, "四(一)", "宣传节奏：每月、每季、每半年、每年"),
    RuleDef("TIME-06", RECORD, "四(三)", "每年2场推介专场"),
    # Platform additions (spec/additions-2026-12.md) that refuse actions; the clause is the stage of 三.
    RuleDef(
        "DOC-01",
        PROCEDURE,
        "二(二)、三(一)3",
        "不予受理的需求出具不予受理告知书（逐项列明命中情形及依据条款），退回修改的需求出具退回修改通知",
    ),
    RuleDef(
        "MAT-01",
        PROCEDURE,
        "三（各阶段申报材料，平台补充要求）",
        "各环节须上传规定的申报材料，缺少必备材料不得办理",
    ),
    RuleDef(
        "IMPL-09",
        PROCEDURE,
        "三(三)2、五(二)",
        "“1+1”督查由市大数据局和市营商办共同开展，写明双方参加人员；单一单位的检查如实登记，不计为“1+1”督查",
    ),
    RuleDef(
        "IMPL-10",
        PROCEDURE,
        "三(三)5",
        "国家、省级有明确终验组织单位要求的，按照相关要求执行，视为通过终验，相关材料报市智慧办备案",
    ),
    RuleDef(
        "SUPV-06",
        RECORD,
        "三(四)",
        "项目实施中期市智慧办召集相关部门进行阶段监管：实施期过半尚未开展的，提示市智慧办",
    ),
    RuleDef(
        "ORG-04",
        PROCEDURE,
        "五(三)",
        "除特殊情况外，原则上不得“未批先建”“边批边建”：特殊情况经领导小组批准豁免，相关记录予以标注",
    ),
    RuleDef(
        "ORG-05",
        RECORD,
        "五(三)",
        "综合考核中每项逾期计入负有办理责任的单位，不因他单位延误计入业主单位",
    ),
    RuleDef("IMPL-07", RECORD, "三(三)2", "鼓励实行信息工程监理制，确保工程质量"),
    RuleDef(
        "IMPL-08",
        PROCEDURE,
        "三(三)3（《政府投资条例》第二十三条）",
        "确需增加投资概算的，项目单位应当提出调整方案及资金来源，按照规定的程序报原初步设计审批部门核定；"
        "核定的概算为此后招标、合同、资金和支付的控制基准",
    ),
    RuleDef(
        "SUPV-05",
        PROCEDURE,
        "三(四)",
        "按项目实施进度及时支付项目款项：合同付款计划合计等于合同金额，支付不早于合同签订、不晚于当日，"
        "合同结算前可支付（含验收款、质保金），到期未付的付款节点予以督办",
    ),
    RuleDef(
        "PERF-01",
        PROCEDURE,
        "二(二)不予受理情形第2项",
        "需求须明确绩效目标（绩效指标、目标值、计量单位、完成时限，至少一项），需求审核对照绩效目标研判",
    ),
    RuleDef(
        "PLAN-05",
        PROCEDURE,
        "三(一)1",
        "建立项目需求库，实时征集各部门需求、定期汇总：按申报批次汇总需求，形成需求汇总表和年度项目计划",
    ),
    RuleDef(
        "PERF-02",
        PROCEDURE,
        "三(四)",
        "后评估逐项评价绩效目标，评估结果作为检查、考核和改进数字化项目建设以及财政资金再投入的参考依据",
    ),
]

RULES: dict[str, RuleDef] = {rule.id: rule for rule in _RULES}
AUTOMATIC_REJECTIONS = ["REJ-01", "REJ-03", "REJ-04", "REJ-05", "REJ-06", "REJ-09"]
JUDGEMENT_REJECTIONS = ["REJ-02", "REJ-07", "REJ-08", "REJ-10"]
PRIORITY_RULES = {
    "national_pilot": "PRI-01",
    "award_transfer": "PRI-02",
    "innovative": "PRI-03",
    "plan_task": "PRI-04",
    "other": "PRI-05",
}


def rule(rule_id: str) -> RuleDef:
    return RULES[rule_id]


def citation(rule_id: str) -> str:
    return RULES[rule_id].citation

"""Demo data of issue 16: 30 inventory systems (a few near-duplicates of demo needs, two without use
for over a year), use reports, and plans with one amber and one red project — all through the real
services (the XLSX import, record_use, set_plan, rate_risk)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from govpm.accounts.models import User
from govpm.core import clock
from govpm.inventory import services as inventory
from govpm.inventory.models import System
from govpm.portfolio import services as portfolio
from govpm.projects.models import Project

# name, unit, summary, functions, city cloud, data resources, built on
PRE_PLATFORM = [
    (
        "县域远程会诊平台",
        "市卫健委",
        "市级医院为乡镇卫生院提供远程会诊和远程影像诊断",
        "会诊申请、影像诊断、双向转诊",
        "是",
        "会诊记录、影像检查",
        "2018-06-30",
    ),
    (
        "公共卫生应急指挥平台",
        "市卫健委",
        "突发公共卫生事件的指挥调度与应急资源管理",
        "事件上报、资源调度、值班值守",
        "是",
        "应急物资、值班排班",
        "2019-03-31",
    ),
    (
        "卫生健康财务管理系统",
        "市卫健委",
        "委属医院财务预算与资产管理",
        "预算管理、资产管理",
        "否",
        "预算执行、资产台账",
        "2017-09-30",
    ),
    (
        "卫生监督执法系统",
        "市卫健委",
        "公共场所和医疗机构卫生监督检查",
        "监督检查、行政处罚",
        "是",
        "监督检查记录",
        "2018-12-31",
    ),
    (
        "全民健康信息平台",
        "市卫健委",
        "居民电子健康档案和电子病历共享",
        "健康档案、病历共享",
        "是",
        "居民健康档案、电子病历",
        "2016-12-31",
    ),
    (
        "户籍业务网上办理平台",
        "市公安局",
        "出生登记、户口迁移等户政业务网上申请与材料审核",
        "网上申请、材料审核、进度查询",
        "否",
        "户籍人口",
        "2019-08-31",
    ),
    (
        "交通违法处理系统",
        "市公安局",
        "交通违法记录查询与网上缴款",
        "违法查询、网上缴款",
        "否",
        "交通违法记录",
        "2017-05-31",
    ),
    (
        "出入境业务预约系统",
        "市公安局",
        "出入境证件办理网上预约",
        "预约、排队叫号",
        "否",
        "预约记录",
        "2018-04-30",
    ),
    (
        "国土空间规划成果管理系统",
        "市自然资源局",
        "国土空间规划成果入库与查询",
        "成果入库、规划查询",
        "是",
        "规划成果、用地红线",
        "2019-11-30",
    ),
    (
        "地质灾害监测预警系统",
        "市自然资源局",
        "地质灾害隐患点监测预警",
        "隐患点监测、预警发布",
        "是",
        "隐患点、监测数据",
        "2018-07-31",
    ),
    (
        "耕地保护动态监测系统",
        "市自然资源局",
        "永久基本农田保护动态监测",
        "卫片比对、图斑核查",
        "是",
        "耕地图斑",
        "2019-05-31",
    ),
    (
        "不动产登记档案系统",
        "市自然资源局",
        "不动产登记档案数字化与查询",
        "档案数字化、档案查询",
        "否",
        "不动产登记档案",
        "2015-12-31",
    ),
    (
        "中小学招生入学系统",
        "市教育局",
        "义务教育阶段网上报名与学位分配",
        "网上报名、学位分配",
        "是",
        "报名信息、学区划分",
        "2018-05-31",
    ),
    (
        "教师培训学分管理系统",
        "市教育局",
        "教师继续教育学分登记与查询",
        "学分登记、学分查询",
        "否",
        "教师培训记录",
        "2017-08-31",
    ),
    (
        "学校食堂财务管理系统",
        "市教育局",
        "学校食堂收支与采购管理",
        "收支管理、采购管理",
        "否",
        "食堂收支",
        "2016-08-31",
    ),
    (
        "学生成长档案系统",
        "市教育局",
        "学生成长记录与综合素质评价报告",
        "成长记录、评价报告",
        "是",
        "学生成长档案",
        "2019-09-30",
    ),
    (
        "交投集团数据共享平台",
        "市交投集团",
        "集团各业务系统数据归集治理与共享交换",
        "数据归集、数据治理、共享交换",
        "是",
        "路网运行、收费流水",
        "2019-12-31",
    ),
    (
        "交投集团人力资源管理系统",
        "市交投集团",
        "员工档案与薪酬管理",
        "员工档案、薪酬管理",
        "否",
        "员工档案",
        "2017-03-31",
    ),
    (
        "交投集团工程建设管理系统",
        "市交投集团",
        "工程进度与质量安全管理",
        "进度管理、质量安全",
        "否",
        "工程台账",
        "2018-09-30",
    ),
    (
        "交投集团加油站零售管理系统",
        "市交投集团",
        "油品零售与会员积分",
        "零售、会员积分",
        "否",
        "零售流水",
        "2016-06-30",
    ),
    (
        "政务服务热线系统",
        "市大数据局",
        "12345热线诉求受理、工单派发与回访",
        "受理、派单、回访",
        "是",
        "热线工单",
        "2017-12-31",
    ),
    (
        "电子证照共享平台",
        "市大数据局",
        "归集各部门电子证照并提供共享调用",
        "证照归集、接口调用",
        "是",
        "电子证照",
        "2018-10-31",
    ),
    (
        "公共数据交换平台",
        "市大数据局",
        "部门间公共数据交换与接口管理",
        "数据交换、接口管理",
        "是",
        "接口目录",
        "2017-06-30",
    ),
    (
        "政府网站集约化平台",
        "市大数据局",
        "部门网站统一建设与内容管理",
        "网站群、内容管理",
        "是",
        "网站栏目",
        "2016-11-30",
    ),
    (
        "视频会商系统（旧）",
        "市大数据局",
        "早期部门视频会商系统，已由省统建平台替代",
        "视频会商",
        "否",
        "",
        "2015-06-30",
    ),
    (
        "电子政务协同办公系统",
        "市大数据局",
        "公文流转与协同办公",
        "公文流转、会议管理",
        "是",
        "公文",
        "2016-03-31",
    ),
]
# Two systems without any use reported for over a year (INV-02): bdb sees them as zombie candidates.
IDLE = {"视频会商系统（旧）", "学校食堂财务管理系统"}


def _sheet() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = inventory.SHEET
    sheet.append(list(inventory.COLUMNS))
    for name, unit, summary, functions, cloud, resources, built in PRE_PLATFORM:
        sheet.append([name, unit, summary, functions, cloud, resources, "运行", built])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def load(users: dict[str, User], made: dict[str, Project]) -> None:
    bdb, smart_office = users["bdb"], users["smart_office"]
    inventory.enroll_operating_projects()
    inventory.import_systems(_sheet(), actor=bdb)
    today = clock.today()
    this_month = today.replace(day=1)
    for index, system in enumerate(System.objects.filter(status=System.Status.RUNNING).order_by("id")):
        if system.name in IDLE:
            month = (this_month - dt.timedelta(days=430)).replace(day=1)
            inventory.record_use(system.pk, actor=bdb, month=month, active_users=2, calls=None)
            continue
        for back in range(3):
            month = (this_month - dt.timedelta(days=28 * back + 1)).replace(day=1)
            users_ = 120 + 37 * index - 10 * back
            inventory.record_use(system.pk, actor=bdb, month=month, active_users=users_, calls=users_ * 40)

    def days(n: int) -> dt.date:
        return today - dt.timedelta(days=n)

    # Red: modules planned to be done two months ago, still open (PORT-02) — and rated low risk (PORT-03).
    red = made["公安视频图像解析应用"]
    portfolio.set_plan(
        red.pk,
        actor=smart_office,
        modules=[
            {"id": m.pk, "planned_start": days(110), "planned_end": days(60)} for m in red.modules.all()
        ],
        milestones={"final": days(30)},
    )
    portfolio.rate_risk(red.pk, actor=smart_office, rating=2, reason="承建单位表示进度可控")
    # Amber: ten days late on a ninety-day plan.
    amber = made["国土空间规划“一张图”实施监督系统"]
    portfolio.set_plan(
        amber.pk,
        actor=smart_office,
        modules=[
            {"id": m.pk, "planned_start": days(100), "planned_end": days(10)} for m in amber.modules.all()
        ],
    )
    portfolio.rate_risk(amber.pk, actor=smart_office, rating=3, reason="数据归集模块滞后，已督促整改")

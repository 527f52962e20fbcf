"""Writes to the systems inventory: enrolment at operation, the XLSX import of pre-platform systems,
use reports, and listing a system as a zombie (INV-01, INV-02). Each write is one transaction."""

from __future__ import annotations

import datetime as dt
import io

from django.db import transaction
from openpyxl import Workbook

from govpm.accounts.models import Unit, User
from govpm.core import access, clock, spreadsheets
from govpm.core.errors import Forbidden, InvalidInput, NotFound
from govpm.core.spreadsheets import RowError
from govpm.projects import lifecycle
from govpm.projects.models import DataDictionary, Project, ZombieListing
from govpm.projects.stages import Stage

from .models import System, UseReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000  # data rows of one import
MAX_SHEET_ROWS = 2 * MAX_ROWS  # rows of the sheet, the header and blank rows included
MAX_COLUMNS = 20  # the systems template has 8, the use reports' 5
SHEET = "信息系统"
COLUMNS = {
    "系统名称": "name",
    "建设单位": "owner_unit",
    "系统概述": "summary",
    "主要功能": "functions",
    "是否部署在市云计算中心": "on_city_cloud",
    "数据资源": "data_resources",
    "状态": "status",
    "建成日期": "built_on",
}
REQUIRED = ["系统名称", "建设单位"]
YES, NO = {"是", "true", "1", "yes"}, {"否", "false", "0", "no", ""}
OPERATING = (Stage.OPERATION, Stage.EVALUATED)


def dictionary_resources(descriptors: list[dict]) -> list[str]:
    """Resource titles (or names) of submitted data dictionaries: a Data Package's resources, or one
    Table Schema's title."""
    names: list[str] = []
    for descriptor in descriptors:
        resources = descriptor.get("resources") or [descriptor]
        for resource in resources:
            name = resource.get("title") or resource.get("name")
            if name and name not in names:
                names.append(str(name))
    return names


@transaction.atomic
def enroll_operating_projects() -> list[System]:
    """INV-01: every project that reached operation has its system in the inventory. Idempotent (the
    one-to-one column refuses a second row); run by the daily job and after the demo load."""
    waiting = (
        Project.objects.filter(stage__in=OPERATING, system__isnull=True)
        .select_related("owner_unit")
        .prefetch_related("modules")
        .order_by("id")
    )
    made = []
    for project in waiting.select_for_update(of=("self",)):
        listing = ZombieListing.objects.filter(project=project).order_by("-listed_on").first()
        dictionaries = DataDictionary.objects.filter(project=project).values_list("descriptor", flat=True)
        made.append(
            System.objects.create(
                name=project.name,
                summary=project.summary,
                functions="、".join(module.name for module in project.modules.all()),
                owner_unit=project.owner_unit,
                project=project,
                on_city_cloud=bool(project.facts.get("deploys_on_city_cloud")),
                data_resources="、".join(dictionary_resources(list(dictionaries))),
                source=System.Source.PLATFORM,
                built_on=project.final_accepted_on,
                status=System.Status.ZOMBIE if listing else System.Status.RUNNING,
                zombie_listing=listing,
            )
        )
    return made


# --- the XLSX import of systems built before the platform ------------------------------------------


class ImportRefused(spreadsheets.ImportRefused):
    """The file had bad rows; nothing was imported (govpm.core.spreadsheets.ImportRefused)."""

    what = "系统"


def template() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    sheet.append(
        [
            "衢州市智慧停车系统",
            "衢州市交通运输局",
            "全市停车泊位查询与缴费",
            "泊位查询、缴费",
            "是",
            "停车泊位、缴费记录",
            "运行",
            "2019-06-30",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _unit(value: str, units: dict[str, Unit]) -> Unit:
    unit = units.get(value)
    if unit is None:
        raise ValueError(f"不识别的单位「{value}」（填单位全称、简称或单位代码）")
    return unit


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(spreadsheets.cell_text(value))
        except ValueError:
            raise ValueError("日期格式应为 YYYY-MM-DD") from None
    if day > clock.today():
        raise ValueError("不能晚于今天")
    return day


def _cell(key: str, value, units: dict[str, Unit]):
    text = spreadsheets.cell_text(value)
    if key == "owner_unit":
        return _unit(text, units)
    if key == "on_city_cloud":
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        raise ValueError("应填“是”或“否”")
    if key == "status":
        labels = {label: code for code, label in System.Status.choices}
        if text == "":
            return System.Status.RUNNING
        if text not in labels and text not in System.Status.values:
            raise ValueError(f"应为 {'、'.join(labels)} 之一")
        return labels.get(text, text)
    if key == "built_on":
        return _date(value)
    if key == "name" and len(text) > 200:
        raise ValueError("不能超过200字")
    return text


def read_rows(data: bytes) -> tuple[list[tuple[int, dict]], list[RowError]]:
    lines = spreadsheets.open_xlsx(
        data, max_bytes=MAX_BYTES, max_rows=MAX_SHEET_ROWS, max_cols=MAX_COLUMNS, sheet=SHEET
    )
    headers, data_rows = spreadsheets.table(lines, required=REQUIRED, known=COLUMNS, max_rows=MAX_ROWS)
    units: dict[str, Unit] = {}
    for unit in Unit.objects.all():
        units.update({unit.name: unit, unit.short_name: unit, unit.code: unit})
    existing = set(System.objects.values_list("owner_unit_id", "name"))
    rows: list[tuple[int, dict]] = []
    errors: list[RowError] = []
    seen: dict[tuple[int, str], int] = {}
    for number, cells in data_rows:
        parsed, row_errors = spreadsheets.parse_columns(
            number,
            cells,
            headers,
            columns=COLUMNS,
            required=REQUIRED,
            parse=lambda header, value: _cell(COLUMNS[header], value, units),
        )
        if not row_errors:
            key = (parsed["owner_unit"].pk, parsed["name"])
            if key in seen:
                row_errors.append(RowError(number, "系统名称", f"与第{seen[key]}行重复"))
            elif key in existing:
                row_errors.append(RowError(number, "系统名称", "该单位已有同名系统"))
            seen[key] = number
        if row_errors:
            errors += row_errors
        else:
            rows.append((number, parsed))
    if not rows and not errors:
        raise InvalidInput("表中没有系统行", field="file")
    return rows, errors


def import_systems(data: bytes, *, actor: User) -> list[System]:
    """INV-01: systems built before the platform, all rows or none (ImportRefused names each bad row)."""
    access.require(actor, "inventory.manage", "只有市大数据局可以导入信息系统目录")
    rows, errors = read_rows(data)
    if errors:
        raise ImportRefused(errors)
    with transaction.atomic():
        return [System.objects.create(source=System.Source.IMPORTED, **parsed) for _, parsed in rows]


# --- use reports and zombies (INV-02) ---------------------------------------------------------------


def _system_for(actor: User, system_id) -> System:
    system = visible_systems(actor).filter(pk=system_id).first() if str(system_id).isdigit() else None
    if system is None:
        raise NotFound("信息系统不存在或无权查看")
    return system


def visible_systems(user):
    """Owner units see their own systems; supervisors and observers all; everyone else none."""
    systems = System.objects.all()
    if not access.can(user, "inventory.read"):
        return systems.none()
    if access.project_scope(user) == access.OWN_UNIT:
        return systems.filter(owner_unit_id=user.unit_id)
    return systems


def record_use(
    system_id, *, actor: User, month: dt.date, active_users: int | None, calls: int | None
) -> UseReport:
    """A month's use of a system; a later report for the same month replaces the figures."""
    access.require(actor, "inventory.report_use", "无权填报系统使用情况")
    system = _system_for(actor, system_id)
    month = month.replace(day=1)
    if month > clock.today():
        raise InvalidInput("月份：不能晚于本月", field="month")
    if active_users is None and calls is None:
        raise InvalidInput("月活跃用户数或月调用次数：至少填写一项", field="active_users")
    for field, label, value in (
        ("active_users", "月活跃用户数", active_users),
        ("calls", "月调用次数", calls),
    ):
        if value is not None and value < 0:
            raise InvalidInput(f"{label}：不能为负数", field=field)
    with transaction.atomic():
        System.objects.select_for_update().get(pk=system.pk)
        report, _ = UseReport.objects.update_or_create(
            system=system,
            month=month,
            defaults={"active_users": active_users, "calls": calls, "reported_by": actor},
        )
    return report


def list_zombie(system_id, *, actor: User, reason: str) -> System:
    """REJ-09 for a system: through the lifecycle when a platform project delivered it, otherwise a
    listing of the system itself. Either way its unit is barred for 2 years (TIME-04)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("检查情况：不能为空", field="reason")
    if not access.can_act(actor, "list_zombie"):
        raise Forbidden("无权列入僵尸系统")
    with transaction.atomic():
        system = System.objects.select_for_update().filter(pk=system_id).first()
        if system is None:
            raise NotFound("信息系统不存在或无权查看")
        if system.status == System.Status.ZOMBIE:
            raise InvalidInput("该系统已列入僵尸系统", field="system")
        if system.project is not None and system.project.stage in {str(stage) for stage in OPERATING}:
            listing = lifecycle.list_zombie(system.project.pk, actor=actor, reason=reason)
        else:
            today = clock.today()
            listing = ZombieListing.objects.create(
                project=None,
                system_name=system.name,
                unit=system.owner_unit,
                listed_on=today,
                bar_ends_on=clock.add_years(today, 2),
                reason=reason,
            )
        system.status = System.Status.ZOMBIE
        system.zombie_listing = listing
        system.save(update_fields=["status", "zombie_listing"])
    return system


USE_COLUMNS = ["系统名称", "建设单位", "月份", "月活跃用户数", "月调用次数"]


def _count(value, label: str) -> int | None:
    text = spreadsheets.cell_text(value)
    if text == "":
        return None
    if not text.isdigit():
        raise ValueError(f"{label}应为非负整数")
    return int(text)


def _month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        month = value.date().replace(day=1)
    elif isinstance(value, dt.date):
        month = value.replace(day=1)
    else:
        text = spreadsheets.cell_text(value)
        try:
            month = dt.date.fromisoformat(f"{text}-01" if len(text) == 7 else text).replace(day=1)
        except ValueError:
            raise ValueError("格式应为 YYYY-MM") from None
    if month > clock.today():
        raise ValueError("不能晚于本月")
    return month


def read_use_reports(data: bytes) -> list[tuple[System, dt.date, int | None, int | None]]:
    """INV-02: the rows of a use-report sheet as (system, month, active users, calls), or ImportRefused
    naming every bad row."""
    lines = spreadsheets.open_xlsx(data, max_bytes=MAX_BYTES, max_rows=MAX_SHEET_ROWS, max_cols=MAX_COLUMNS)
    _, data_rows = spreadsheets.table(lines, required=USE_COLUMNS, max_rows=MAX_ROWS, hint="")
    systems = {(s.owner_unit.name, s.name): s for s in System.objects.select_related("owner_unit")}
    systems |= {(s.owner_unit.short_name, s.name): s for s in systems.values()}
    parsed: list[tuple[System, dt.date, int | None, int | None]] = []
    errors: list[RowError] = []
    for number, cells in data_rows:
        row_errors: list[RowError] = []
        system = systems.get(
            (spreadsheets.cell_text(cells.get("建设单位")), spreadsheets.cell_text(cells.get("系统名称")))
        )
        if system is None:
            row_errors.append(RowError(number, "系统名称", "信息系统目录中没有该单位的这个系统"))
        try:
            month = _month(cells.get("月份"))
        except ValueError as exc:
            row_errors.append(RowError(number, "月份", str(exc)))
        figures = []
        for label in ("月活跃用户数", "月调用次数"):
            try:
                figures.append(_count(cells.get(label), label))
            except ValueError as exc:
                row_errors.append(RowError(number, label, str(exc)))
        if not row_errors and figures == [None, None]:
            row_errors.append(RowError(number, "月活跃用户数", "月活跃用户数或月调用次数至少填写一项"))
        if row_errors:
            errors += row_errors
        else:
            assert system is not None
            parsed.append((system, month, figures[0], figures[1]))
    if errors:
        raise ImportRefused(errors)
    if not parsed:
        raise InvalidInput("表中没有使用情况行", field="file")
    return parsed


def import_use_reports(data: bytes, *, actor: User) -> list[UseReport]:
    """INV-02: monthly use of many systems from one sheet, all rows or none."""
    access.require(actor, "inventory.manage", "只有市大数据局可以导入系统使用情况")
    parsed = read_use_reports(data)
    with transaction.atomic():
        return [
            UseReport.objects.update_or_create(
                system=system,
                month=month,
                defaults={"active_users": users, "calls": calls, "reported_by": actor},
            )[0]
            for system, month, users, calls in parsed
        ]

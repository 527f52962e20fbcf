"""Web forms: they carry the fields and show errors in Chinese beside them. Checking and saving is done
by the service functions; their InvalidInput is attached to the field it names."""

from django import forms

from govpm.accounts.codes import COUNTY_REGIONS
from govpm.accounts.models import Unit
from govpm.core.errors import GovpmError

from .models import Verdict


class ObservationForm(forms.Form):
    period = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "请填写年度", "invalid": "年度须为整数"},
    )
    value = forms.CharField(label="观测值", max_length=40, error_messages={"required": "请填写观测值"})
    secondary_value = forms.CharField(
        label="括号内观测值", max_length=40, required=False, help_text="成对指标（如 100(99)）括号内的指标值"
    )
    source = forms.CharField(label="数据来源", max_length=200, error_messages={"required": "请填写数据来源"})
    correction_reason = forms.CharField(
        label="更正理由", max_length=300, required=False, help_text="该年度已有值时必填，原值保留在历史中"
    )


class JudgementForm(forms.Form):
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "请填写年度", "invalid": "年度须为整数"},
    )
    verdict = forms.ChoiceField(
        label="结论",
        choices=[
            (v.value, v.label) for v in (Verdict.MET, Verdict.NOT_MET, Verdict.ON_TRACK, Verdict.BEHIND)
        ],
        error_messages={"required": "请选择结论", "invalid_choice": "结论不在可选范围内"},
    )
    reason = forms.CharField(
        label="评估理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写评估理由"},
    )
    evidence = forms.CharField(
        label="佐证",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="判断所依据的材料或事实：文号、验收记录、现场核查等",
        error_messages={"required": "请填写佐证：判断须有所依据"},
    )
    evidence_file = forms.FileField(
        label="佐证材料（可选）",
        required=False,
        help_text="PDF、OFD、DOCX、XLSX、JPEG、PNG，不超过 20 MB",
    )


class ProgressForm(forms.Form):
    region_code = forms.ChoiceField(
        label="县（市、区）",
        choices=sorted(COUNTY_REGIONS.items()),
        error_messages={"required": "请选择县（市、区）", "invalid_choice": "不是所辖县（市、区）"},
    )
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "请填写年度", "invalid": "年度须为整数"},
    )
    completed = forms.CharField(label="完成量", max_length=40, error_messages={"required": "请填写完成量"})
    source = forms.CharField(label="数据来源", max_length=200, error_messages={"required": "请填写数据来源"})
    correction_reason = forms.CharField(label="更正理由", max_length=300, required=False)


class AssignForm(forms.Form):
    """市智慧办 names a responsible unit where the document does not (TGT-08)."""

    unit = forms.ModelChoiceField(
        label="责任单位",
        queryset=Unit.objects.exclude(kind=Unit.Kind.EXPERTS).order_by("region_code", "name"),
        error_messages={"required": "请选择责任单位", "invalid_choice": "责任单位不存在"},
    )


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=[("indicators", "指标表"), ("observations", "观测值")])
    file = forms.FileField(label="文件（.xlsx 或 .csv）", error_messages={"required": "请选择文件"})


class TaskImportForm(forms.Form):
    """A task's decomposition table or its progress, as the downloaded template (TGT-10 item 5)."""

    kind = forms.ChoiceField(
        label="导入内容",
        choices=[("shares", "任务分解表（计划量）"), ("progress", "完成情况（完成量）")],
        error_messages={"required": "请选择导入内容", "invalid_choice": "导入内容不在可选范围内"},
    )
    source = forms.CharField(
        label="数据来源",
        max_length=200,
        required=False,
        help_text="导入完成情况时必填，如“2021年度国土绿化考核报表”",
    )
    file = forms.FileField(label="文件（.xlsx，按模板填写）", error_messages={"required": "请选择文件"})


def attach(form: forms.Form, error: GovpmError) -> None:
    """Show a service's refusal beside the field it names (or at the top of the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)

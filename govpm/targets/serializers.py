"""What the API under /api/v1/targets/ reads and writes, and how it is documented in the OpenAPI schema.

Every component is named `Targets…` and every enum of this module is its own named component, so the
names of other modules' components and enums (e.g. the projects' `StatusEnum`) never collide with these."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from govpm.accounts.codes import REGIONS
from govpm.projects.api.inputs import Strict

from . import parsing
from .models import Direction, Judgement, Nature, Verdict

# --- schema-only field types ----------------------------------------------------------------------------


class EnumText(serializers.CharField):
    """A text field documented as the named enum `enum_name` (a component of its own). Values are
    checked by the service functions, which name the field in Chinese when one is wrong."""

    def __init__(self, enum_name: str, choices, **kwargs):
        self.enum_name = enum_name
        self.enum_choices = list(choices)
        kwargs.setdefault("allow_blank", any(value == "" for value, _ in self.enum_choices))
        super().__init__(**kwargs)


class EnumTextExtension(OpenApiSerializerFieldExtension):
    target_class = EnumText

    def get_name(self) -> str:
        return self.target.enum_name

    def map_serializer_field(self, auto_schema, direction):
        choices = self.target.enum_choices
        return {
            "type": "string",
            "enum": [value for value, _ in choices],
            "description": "\n".join(f"* `{value}` - {label}" for value, label in choices),
        }


@extend_schema_field({"type": "string", "format": "decimal", "example": "8700.5"})
class DecimalText(serializers.Field):
    """An exact number written as text without trailing zeros ("100", "25.3"), as parsing.fmt writes it."""

    def to_representation(self, value) -> str:
        return parsing.fmt(value)


@extend_schema_field(
    {
        "oneOf": [{"type": "string", "format": "decimal"}, {"type": "number"}],
        "example": "99.80",
        "description": '数值：以字符串传递可保留所写的每一位（如 "99.80"）；也接受 JSON 数字',
    }
)
class DecimalInput(serializers.CharField):
    """A number as text: "99.80" arrives as written; the service turns it into an exact Decimal."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)


NATURE_CHOICES = [*Nature.choices, ("", "未标明")]
DIRECTION_CHOICES = Direction.choices
JUDGEMENT_VERDICT_CHOICES = Judgement._meta.get_field("verdict").choices
REGION_CHOICES = list(REGIONS.items())
TARGET_KIND_CHOICES = [
    (parsing.COMPARISON, "比较（值 比较符 目标值）"),
    (parsing.RANGE, "区间"),
    (parsing.ANNUAL_CHANGE, "每年变化"),
    (parsing.RELATIVE_CHANGE, "较基准年变化（%）"),
    (parsing.QUALITATIVE, "定性，由评估人判断"),
]


# --- output ---------------------------------------------------------------------------------------------


class TargetsTargetOut(serializers.Serializer):
    year = serializers.IntegerField()
    raw_text = serializers.CharField()
    kind = EnumText("TargetsTargetKindEnum", TARGET_KIND_CHOICES)
    operator = serializers.CharField(help_text="≥ ≤ > < =，或空")
    value = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True, coerce_to_string=True)
    value_high = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    secondary_value = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    base_year = serializers.IntegerField(allow_null=True)
    description = serializers.SerializerMethodField()

    def get_description(self, target) -> str:
        return target.parsed.describe()


class TargetsIndicatorOut(serializers.Serializer):
    id = serializers.IntegerField()
    document = serializers.CharField(source="document.number")
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    action_group = serializers.CharField()
    clause = serializers.CharField()
    nature = EnumText("TargetsNatureEnum", NATURE_CHOICES)
    nature_label = serializers.CharField(source="get_nature_display")
    direction = EnumText("TargetsDirectionEnum", DIRECTION_CHOICES)
    department = serializers.CharField()
    baseline_raw = serializers.CharField()
    baseline_status = serializers.CharField()
    baseline_value = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    baseline_year = serializers.IntegerField(allow_null=True)
    targets = TargetsTargetOut(many=True)


class TargetsObservationOut(serializers.Serializer):
    id = serializers.IntegerField()
    period = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=20, decimal_places=6)
    secondary_value = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    source = serializers.CharField()
    entered_by = serializers.CharField()
    entered_at = serializers.DateTimeField()
    is_current = serializers.BooleanField()
    replaces = serializers.IntegerField(source="replaces_id", allow_null=True)
    correction_reason = serializers.CharField()


class TargetsJudgementOut(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    verdict = EnumText("TargetsJudgementVerdictEnum", JUDGEMENT_VERDICT_CHOICES)
    reason = serializers.CharField()
    evidence = serializers.CharField()
    evidence_name = serializers.CharField(help_text="佐证材料的文件名；空 = 未附文件")
    evidence_sha256 = serializers.CharField(help_text="佐证材料的 SHA-256；空 = 未附文件")
    assessor = serializers.CharField()
    judged_at = serializers.DateTimeField()


class TargetsIndicatorDetailOut(TargetsIndicatorOut):
    raw_text = serializers.CharField()
    note = serializers.CharField()
    observations = TargetsObservationOut(many=True)
    judgements = TargetsJudgementOut(many=True)


class TargetsAssessedTarget(serializers.Serializer):
    year = serializers.IntegerField()
    raw_text = serializers.CharField()


class TargetsAssessmentOut(serializers.Serializer):
    """One assessment.Assessment."""

    indicator = serializers.IntegerField(source="indicator.pk")
    document = serializers.CharField(source="indicator.document.number")
    code = serializers.CharField(source="indicator.code")
    name = serializers.CharField(source="indicator.name")
    nature = EnumText("TargetsNatureEnum", NATURE_CHOICES, source="indicator.nature")
    year = serializers.IntegerField()
    status = EnumText("TargetsAssessmentStatusEnum", Verdict.choices)
    status_label = serializers.CharField()
    reason = serializers.CharField()
    binding_failure = serializers.BooleanField(
        source="is_binding_failure", help_text="约束性指标未达成或进度滞后"
    )
    target = TargetsAssessedTarget(allow_null=True, help_text="所适用的目标")
    observation = DecimalText(source="observation.value", allow_null=True, help_text="当年当前有效观测值")


class TargetsMismatchOut(serializers.Serializer):
    """One tasks.Mismatch: a part that does not add up."""

    region_code = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    expected = DecimalText()
    actual = DecimalText()
    message = serializers.CharField()


class TargetsTaskOut(serializers.Serializer):
    """A task with its decomposition check; the instance is (task, mismatches)."""

    id = serializers.IntegerField(source="task.pk")
    document = serializers.CharField(source="task.document.number")
    code = serializers.CharField(source="task.code")
    name = serializers.CharField(source="task.name")
    unit = serializers.CharField(source="task.unit")
    stated_total = DecimalText(source="task.stated_total", allow_null=True)
    stated_total_raw = serializers.CharField(source="task.stated_total_raw")
    clause = serializers.CharField(source="task.clause")
    adds_up = serializers.SerializerMethodField(help_text="各部分之和是否等于总量")
    mismatches = TargetsMismatchOut(many=True)

    def get_adds_up(self, checked) -> bool:
        return not checked["mismatches"]


class TargetsCountyProgressOut(serializers.Serializer):
    """One tasks.CountyProgress, in ranking order."""

    rank = serializers.IntegerField(allow_null=True)
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    planned = DecimalText(help_text="当年计划")
    completed = DecimalText(allow_null=True, help_text="当年完成；null 为未报送")
    planned_to_date = DecimalText(help_text="截至当年累计计划")
    completed_to_date = DecimalText(help_text="截至当年累计完成")
    completion_rate = DecimalText(source="rate", allow_null=True, help_text="累计完成率（%）")


class TargetsTaskProgressOut(serializers.Serializer):
    task = TargetsTaskOut()
    year = serializers.IntegerField()
    ranking = TargetsCountyProgressOut(many=True)


class TargetsProgressRecordOut(serializers.Serializer):
    id = serializers.IntegerField()
    region_code = serializers.CharField()
    year = serializers.IntegerField()
    completed = DecimalText()
    replaces = serializers.IntegerField(source="replaces_id", allow_null=True)


# --- input ----------------------------------------------------------------------------------------------


class TargetsObservationIn(Strict):
    period = serializers.IntegerField(label="年度", min_value=2000, max_value=2100)
    value = DecimalInput(label="观测值")
    secondary_value = DecimalInput(label="括号内观测值", required=False, allow_blank=True, allow_null=True)
    source = serializers.CharField(label="数据来源", max_length=200)
    correction_reason = serializers.CharField(
        label="更正理由",
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="更正该年度已有的观测值时必填，首次填报时留空",
    )


class TargetsJudgementIn(Strict):
    year = serializers.IntegerField(label="年度", min_value=2000, max_value=2100)
    verdict = EnumText("TargetsJudgementVerdictEnum", JUDGEMENT_VERDICT_CHOICES, label="结论", max_length=20)
    reason = serializers.CharField(label="评估理由", max_length=2000)
    evidence = serializers.CharField(
        label="佐证",
        max_length=2000,
        help_text="TGT-11：判断所依据的材料或事实（文号、验收记录、现场核查等），必填",
    )
    evidence_file = serializers.FileField(
        label="佐证材料",
        required=False,
        help_text="可选：PDF、OFD、DOCX、XLSX、JPEG、PNG，不超过 20 MB（以 multipart/form-data 提交）",
    )


class TargetsProgressIn(Strict):
    region_code = EnumText("TargetsRegionCodeEnum", REGION_CHOICES, label="行政区划", max_length=6)
    year = serializers.IntegerField(label="年度", min_value=2000, max_value=2100)
    completed = DecimalInput(label="完成量")
    source = serializers.CharField(label="数据来源", max_length=200)
    correction_reason = serializers.CharField(
        label="更正理由",
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="更正已报送的数字时必填，首次报送时留空",
    )


class TargetsTaskImportIn(Strict):
    file = serializers.FileField(label="文件", help_text="按模板填写的 XLSX，不超过 1 MB")
    # `source` is also the name of a DRF Field attribute; the API's field is the data source (数据来源)
    source = serializers.CharField(  # type: ignore[assignment]
        label="数据来源", max_length=200, required=False, allow_blank=True, help_text="导入完成情况时必填"
    )


class TargetsTaskImportChange(serializers.Serializer):
    region = serializers.CharField(help_text="衢州市或县（市、区）名称")
    year = serializers.IntegerField(allow_null=True, help_text="空 = 合计栏")
    old = serializers.CharField(help_text="原值；空 = 原先没有")
    new = serializers.CharField()


class TargetsTaskImportOut(serializers.Serializer):
    kind = serializers.CharField()
    changed = TargetsTaskImportChange(many=True)
    unchanged = serializers.IntegerField()

"""What a 推广 record accepts: one input serializer per record, read by the API and by the web forms
alike (presentation modules of different apps do not import each other, so the shared inputs live here)."""

from __future__ import annotations

from rest_framework import serializers

from govpm.projects.api.inputs import Strict

from .models import Publicity


class PublicityIn(Strict):
    kind = serializers.ChoiceField(label="类型", choices=Publicity.Kind.choices)
    year = serializers.IntegerField(label="年度", min_value=2020, max_value=2100)
    period = serializers.IntegerField(
        label="期次", min_value=1, max_value=12, help_text="月份1–12、季度1–4、半年1–2或年度1"
    )
    title = serializers.CharField(label="标题", max_length=200)
    published_on = serializers.DateField(label="发布日期")
    channel = serializers.CharField(
        label="宣传机构或渠道", max_length=100, required=False, allow_blank=True, default=""
    )


class CaseIn(Strict):
    title = serializers.CharField(label="典型案例", max_length=200)
    presented_to = serializers.CharField(label="推介对象", max_length=100, help_text="国家、省级有关部门")
    presented_on = serializers.DateField(label="推介日期")


class ShowcaseIn(Strict):
    title = serializers.CharField(label="推介专场", max_length=200)
    held_on = serializers.DateField(label="举办日期")
    audience = serializers.CharField(
        label="面向地区", max_length=200, required=False, allow_blank=True, default=""
    )

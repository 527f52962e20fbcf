"""Form controls derived from each action's input serializer (issue 8 item 3): the serializer is the one
description of a body, for the API document and for the web form; only project-specific starting values
and choices are registered by hand."""

import pytest
from django.http import QueryDict
from rest_framework import serializers

from govpm.core.clock import today
from govpm.core.errors import InvalidInput
from govpm.materials import catalog as material_catalog
from govpm.policy.catalog import JUDGEMENT_REJECTIONS
from govpm.projects import selectors
from govpm.projects.api import inputs
from govpm.projects.api.choices import ACTION_CHOICES
from govpm.projects.scenarios import advance
from govpm.projects.stages import ACTIONS
from govpm.web import forms
from tests.factories import api_for, attach, draft


class Simple(inputs.Strict):
    """A new simple action's body: what `derive` must render with no code in web/."""

    held_on = serializers.DateField(label="日期")
    amount = inputs.Money("金额", help_text="单位：元")
    score = serializers.DecimalField(label="评分", max_digits=5, decimal_places=2)
    count = serializers.IntegerField(label="次数", required=False)
    outcome = serializers.ChoiceField(label="结论", choices=[("pass", "通过"), ("fail", "不通过")])
    title = serializers.CharField(label="名称", max_length=200, default="专题会")
    minutes = serializers.CharField(label="纪要")
    items = serializers.ListField(label="事项", child=serializers.CharField())
    member_ids = serializers.ListField(label="参会人", child=serializers.IntegerField())
    signed = serializers.BooleanField(label="已签字")
    descriptor = serializers.DictField(label="附件")


def test_each_field_type_gets_its_default_control_issue_8(clock):
    controls = {c.name: c for c in forms.derive(Simple)}

    assert {name: c.kind for name, c in controls.items()} == {
        "held_on": "date",
        "amount": "money",
        "score": "number",
        "count": "number",
        "outcome": "radio",
        "title": "text",
        "minutes": "textarea",
        "items": "rows",
        "member_ids": "checkboxes",
        "signed": "yesno",
        "descriptor": "json",
    }
    assert controls["held_on"].initial == "2026-03-02"  # today, Shanghai
    assert controls["title"].initial == "专题会"  # the serializer's default
    assert controls["outcome"].choices == [("pass", "通过"), ("fail", "不通过")]
    assert controls["amount"].help == "单位：元" and controls["amount"].label == "金额"
    assert controls["amount"].required and not controls["count"].required


def test_overrides_replace_leave_out_or_expand_a_control_issue_8():
    controls = forms.derive(
        Simple,
        {"title": {"kind": "textarea"}, "minutes": None, "items": [forms.Control("items.a", "甲", "text")]},
        {"count": [(1, "一次")]},
    )
    by_name = {c.name: c for c in controls}

    assert by_name["title"].kind == "textarea"
    assert "minutes" not in by_name and "items" not in by_name and by_name["items.a"].label == "甲"
    assert by_name["count"].kind == "select" and by_name["count"].choices == [(1, "一次")]


def test_every_action_form_is_its_serializer_field_for_field_issue_8(cast, clock):
    project = selectors.project_detail(cast.owner, draft(cast.owner).pk)
    for code in ACTIONS:
        if code == "update":  # the need form (need_controls) edits a draft
            continue
        fields = inputs.ACTION_INPUTS[code]().fields
        names = [c.name for c in forms.action_controls(code, project, cast.owner)]
        expected: list[str] = [
            str(name) for name in fields if name not in {"task_id", "answers", "priority", "target_scores"}
        ]
        if "target_scores" in fields:  # one block per performance target of the need (PERF-02)
            expected += [f"target_scores.{t.pk}" for t in project.performance_targets.all()]
        if "answers" in fields:
            expected += [f"answers.{rule}" for rule in JUDGEMENT_REJECTIONS]
        if "priority" in fields:  # one verdict per claimed ground (PRI-06)
            expected += [f"priority.{claim['code']}" for claim in project.facts.get("priority_claims", [])]
        # MAT-01/MAT-02: one file control per material the catalogue names for the action
        expected += [forms.MATERIAL_PREFIX + kind.code for kind in material_catalog.kinds_of(code, project)]
        if ACTIONS[code].irreversible:
            expected.append(forms.CONFIRM)
        assert sorted(names) == sorted(expected), code
        for control in forms.action_controls(code, project, cast.owner):
            if control.name in fields:
                assert control.label == str(fields[control.name].label), (code, control.name)
                assert control.required == fields[control.name].required, (code, control.name)


def test_the_form_offers_the_choices_the_api_publishes_issue_8(cast, clock):
    project = advance(draft(cast.owner), cast, to="procurement", shift=clock.shift)
    attach(project, "record_tender", cast.owner)  # MAT-01
    tender = api_for(cast.owner).post(
        f"/api/v1/projects/{project.pk}/actions/record_tender/",
        {"title": "建设", "ceiling": "1000000.00", "published_on": today().isoformat()},
        format="json",
    )
    assert tender.status_code == 200, tender.json()
    project = selectors.project_detail(cast.owner, project.pk)
    for code in ["record_contract", "submit_scheme", "reopen"]:
        published = (
            api_for(cast.owner)
            .get(f"/api/v1/projects/{project.pk}/actions/{code}/choices/")
            .json()["choices"]
        )
        assert set(published) == set(ACTION_CHOICES[code])
        for control in forms.action_controls(code, project, cast.owner):
            if control.name in published:
                assert [list(pair) for pair in control.choices] == [
                    [item["value"], item["label"]] for item in published[control.name]
                ], (code, control.name)
    tenders = forms.action_controls("record_contract", project, cast.owner)[0]
    assert tenders.kind == "select" and len(tenders.choices) == 1


def test_a_derived_form_posts_the_api_body_issue_8(cast, clock):
    project = selectors.project_detail(cast.owner, draft(cast.owner).pk)
    post = QueryDict(mutable=True)
    post.update({"title": "建设", "ceiling": "1,000,000.00", "published_on": "2026-03-02", "method": ""})
    form = forms.action_form("record_tender", project, cast.owner, post)

    assert form.payload() == {
        "title": "建设",
        "ceiling": "1000000.00",
        "published_on": "2026-03-02",
        "bidders": [],  # COORD-07: one row per bidder, none entered
    }
    assert inputs.parse(inputs.RecordTender, form.payload())["method"] == "公开招标"


def test_an_irreversible_action_still_asks_for_confirmation(cast, clock):
    project = selectors.project_detail(cast.owner, draft(cast.owner).pk)
    form = forms.action_form("withdraw", project, cast.owner, QueryDict("reason=不再需要"))

    with pytest.raises(InvalidInput) as refused:
        form.payload()
    assert refused.value.field == forms.CONFIRM

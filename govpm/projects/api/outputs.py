"""Output serializers: what the API shows of a project. The detail and the list are sent from the read model
(readmodel.py, ADR 0402); ProjectDetail and ProjectListItem describe them in the OpenAPI document, and the
tests hold the read model to them."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from govpm.policy.catalog import RULES

from .. import readmodel
from ..models import Deadline, Event, IssuedDocument, Project, ReviewTask
from ..stages import actions_for

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2, "read_only": True, "allow_null": True}


class UnitRef(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ProjectListItem(serializers.ModelSerializer):
    owner_unit = UnitRef()
    stage_label = serializers.CharField()  # the model property: no per-row get_FOO_display introspection
    requested_estimate = serializers.DecimalField(**MONEY)
    approved_estimate = serializers.DecimalField(**MONEY)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "owner_unit",
            "stage",
            "stage_label",
            "level",
            "category",
            "build_type",
            "priority_score",
            "requested_estimate",
            "approved_estimate",
            "project_code",
            "is_overdue",
            "submitted_at",
            "stage_changed_at",
        ]


class FindingOut(serializers.Serializer):
    rule = serializers.CharField(source="rule_code")
    rule_version = serializers.IntegerField()
    citation = serializers.CharField()
    outcome = serializers.CharField()
    message = serializers.CharField()
    reason = serializers.CharField()
    facts = serializers.JSONField()
    created_at = serializers.DateTimeField()
    overridden = serializers.SerializerMethodField()
    override_reason = serializers.CharField()

    def get_overridden(self, finding) -> bool:
        return finding.overridden_by_id is not None


class DeadlineOut(serializers.ModelSerializer):
    label = serializers.CharField(source="get_code_display")  # type: ignore[assignment]  # a field, not Field.label
    citation = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = [
            "code",
            "label",
            "citation",
            "kind",
            "counting",
            "starts_on",
            "due_on",
            "overdue_after",
            "done_on",
            "status",
        ]

    def get_citation(self, deadline) -> str:
        return RULES[deadline.code].citation


class TaskOut(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer_name")

    class Meta:
        model = ReviewTask
        fields = ["id", "round", "reviewer", "unit_id", "expert_id", "opinion", "comment", "answered_at"]


class DocumentOut(serializers.ModelSerializer):
    issuer = serializers.CharField(source="issuer.name")
    kind_label = serializers.CharField(source="get_kind_display")
    amount = serializers.DecimalField(**MONEY)

    class Meta:
        model = IssuedDocument
        fields = ["id", "kind", "kind_label", "title", "number", "issuer", "issued_on", "amount", "sha256"]


class ProjectDetail(ProjectListItem):
    findings = FindingOut(many=True)
    deadlines = DeadlineOut(many=True)
    open_tasks = serializers.SerializerMethodField()
    documents = DocumentOut(many=True)
    modules = serializers.SerializerMethodField()
    money = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()
    finance = serializers.SerializerMethodField()
    performance_targets = serializers.SerializerMethodField()

    class Meta(ProjectListItem.Meta):
        fields = [
            *ProjectListItem.Meta.fields,
            "summary",
            "facts",
            "review_round",
            "approved_on",
            "final_accepted_on",
            "findings",
            "deadlines",
            "open_tasks",
            "documents",
            "modules",
            "money",
            "available_actions",
            "copied_from",
            "design_task",
            "finance",
            "performance_targets",
            "batch",
        ]

    def get_performance_targets(self, project) -> list[dict]:
        """PERF-01: the need's 绩效目标, in order."""
        return readmodel.targets_out(project)

    def get_open_tasks(self, project) -> list[dict]:
        current = [
            task
            for task in project.review_tasks.all()
            if task.round == project.review_round and not task.opinion
        ]
        return list(TaskOut(current, many=True).data)

    def get_modules(self, project) -> list[dict]:
        return [{"id": m.id, "name": m.name, "accepted_on": m.accepted_on} for m in project.modules.all()]

    def get_money(self, project) -> dict:
        """Running totals, summed in Python over prefetched rows: exact Decimals."""
        return readmodel.money_out(project)

    def get_finance(self, project) -> dict:
        """IMPL-08 baselines and estimate changes, SUPV-05 schedules, settlements and what is overdue,
        IMPL-07 supervision: from the prefetched rows (finance.py)."""
        return readmodel.finance_out(project)

    def get_available_actions(self, project) -> list[str]:
        user = self.context.get("user")
        if user is None:
            return []
        return [spec.code for spec in actions_for(project.stage, user)]


class EventOut(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username")

    class Meta:
        model = Event
        fields = [
            "id",
            "action",
            "actor",
            "actor_name",
            "actor_role",
            "actor_unit",
            "from_stage",
            "to_stage",
            "payload",
            "changes",
            "created_at",
        ]

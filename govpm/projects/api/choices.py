"""The choices an action's body needs that only the platform knows: which experts may be invited, which
tender a contract follows, which rule hits may be overridden. One registry, read by the web forms (to
offer the choices) and by the API (`GET /api/v1/projects/{id}/actions/{action}/choices/`), so a client
discovers the ids it must send instead of guessing them.

Each provider takes the project (as `selectors.project_detail` returns it, relations prefetched) and the
user, and returns (value, label) pairs."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from govpm.accounts.codes import REGIONS
from govpm.accounts.models import Unit, User
from govpm.policy.catalog import RULES

from .. import selectors
from ..models import Project
from ..stages import Stage

Choices = list[tuple[object, str]]
Provider = Callable[[Project, User], Choices]


def overridable_hits(project: Project, user: User) -> Choices:
    hits = sorted(
        {f.rule_code for f in project.findings.all() if f.outcome == "hit" and not f.overridden_by_id}
    )
    return [(code, RULES[code].citation) for code in hits]


def mergeable_needs(project: Project, user: User) -> Choices:
    others = (
        selectors.visible_projects(user)
        .filter(stage=Stage.POOLED)
        .exclude(pk=project.pk)
        .select_related("owner_unit")
        .order_by("id")[:200]
    )
    return [(other.pk, f"{other.name}（{other.owner_unit.name}）") for other in others]


def experts(project: Project, user: User) -> Choices:
    return [(u.pk, str(u)) for u in User.objects.filter(role="expert", is_active=True).order_by("pk")]


def units(project: Project, user: User) -> Choices:
    return [(unit.pk, unit.name) for unit in Unit.objects.only("pk", "name")]


def signing_units(project: Project, user: User) -> Choices:
    """COORD-10: the owner unit and the units holding a cost share of the project."""
    holders = Unit.objects.filter(cost_shares__funding__project=project).exclude(pk=project.owner_unit_id)
    pairs: Choices = [(project.owner_unit.pk, project.owner_unit.name)]
    return pairs + [(unit.pk, unit.name) for unit in holders.distinct().only("pk", "name").order_by("pk")]


def implementing_units(project: Project, user: User) -> Choices:
    """PLAN-07: the owner units of this need and of the pooled needs that may be merged into it."""
    units: dict[object, str] = {project.owner_unit.pk: project.owner_unit.name}
    others = selectors.visible_projects(user).filter(stage=Stage.POOLED).select_related("owner_unit")
    for other in others.order_by("id")[:200]:
        units.setdefault(other.owner_unit.pk, other.owner_unit.name)
    return list(units.items())


def regions(project: Project, user: User) -> Choices:
    return sorted(REGIONS.items())


def tenders(project: Project, user: User) -> Choices:
    return [(t.pk, f"{t.title}（最高限价 ¥{t.ceiling:,.2f}）") for t in project.tenders.all()]


def contracts(project: Project, user: User) -> Choices:
    paid: dict[int, Decimal] = {}
    for payment in project.payments.all():
        paid[payment.contract_id] = paid.get(payment.contract_id, Decimal(0)) + payment.amount
    return [
        (c.pk, f"{c.supplier}（合同 ¥{c.amount:,.2f}，已付 ¥{paid.get(c.pk, Decimal(0)):,.2f}）")
        for c in project.contracts.all()
    ]


def unsettled_contracts(project: Project, user: User) -> Choices:
    """SUPV-05: a settled contract takes no payment and no new schedule."""
    settled = {s.contract_id for s in project.settlements.all()}
    return [(pk, label) for pk, label in contracts(project, user) if pk not in settled]


def open_modules(project: Project, user: User) -> Choices:
    return [(m.pk, m.name) for m in project.modules.all() if m.accepted_on is None]


# action code → input path → provider. `shares.region_code` is a field of each item of `shares`.
ACTION_CHOICES: dict[str, dict[str, Provider]] = {
    "reopen": {"rules": overridable_hits},
    "open_scheme": {"merge_ids": mergeable_needs, "implementing_unit_id": implementing_units},
    "submit_scheme": {"experts": experts},
    "record_funding": {"shares.region_code": regions},
    "record_contract": {"tender_id": tenders, "signing_unit_id": signing_units},
    "record_payment": {"contract_id": unsettled_contracts},
    "set_payment_schedule": {"contract_id": unsettled_contracts},
    "record_settlement": {"contract_id": unsettled_contracts},
    "pass_module_acceptance": {"module_id": open_modules},
}


def action_choices(action: str, project: Project, user: User) -> dict[str, Choices]:
    """Every choice list of one action's body, by input path."""
    return {path: provider(project, user) for path, provider in ACTION_CHOICES.get(action, {}).items()}

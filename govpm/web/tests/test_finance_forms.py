"""SUPV-05: the payment schedule's control takes one milestone a line and posts the API's body."""

from decimal import Decimal

import pytest
from django.http import QueryDict

from govpm.core.errors import InvalidInput
from govpm.projects import selectors
from govpm.projects.api import inputs
from govpm.projects.scenarios import advance
from govpm.web import forms
from tests.factories import draft

pytestmark = pytest.mark.django_db


def _post(**values) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in values.items():
        data[key] = value
    return data


def test_schedule_lines_become_the_api_milestones_and_a_bad_line_names_the_field_SUPV_05(cast, clock):
    """SUPV-05: "名称，30%，日期" is a share, "名称，金额，日期" an amount; a line without three parts is a
    400 naming `milestones`; the prefilled example adds up to 100%."""
    project = advance(draft(cast.owner), cast, to="implementation", shift=clock.shift)
    project = selectors.project_detail(cast.owner, project.pk)
    contract = project.contracts.get()
    form = forms.action_form("set_payment_schedule", project, cast.owner)
    example = next(b for b in form.bound if b.name == "milestones").value
    assert example.count("%") == 3 and contract.signed_on.isoformat() in example
    text = "预付款，30%，2026-05-01\n\n验收款, 716,000.00 ,2026-12-01"
    body = forms.action_form(
        "set_payment_schedule", project, cast.owner, _post(contract_id=str(contract.pk), milestones=text)
    ).payload()
    assert body["milestones"] == [
        {"name": "预付款", "due_on": "2026-05-01", "share": "30"},
        {"name": "验收款", "due_on": "2026-12-01", "amount": "716000.00"},
    ]
    parsed = inputs.parse(inputs.SetPaymentSchedule, body)
    assert parsed["milestones"][1]["amount"] == Decimal("716000.00")
    with pytest.raises(InvalidInput) as refused:
        forms.action_form(
            "set_payment_schedule",
            project,
            cast.owner,
            _post(contract_id="1", milestones="预付款 30% 2026-05-01"),
        ).payload()
    assert refused.value.field == "milestones" and "第1行" in refused.value.message

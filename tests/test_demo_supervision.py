"""The demo's supervision data (govpm/demo/supervision.py) and its 综合考核 table read back (ORG-05)."""

import datetime as dt
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from govpm.accounts.models import Unit, User
from govpm.core import clock
from govpm.demo.supervision import EXTERNAL
from govpm.projects.models import Deadline, Exemption, FinalAcceptance, Inspection, Project, Tender
from govpm.promotion.performance import projects_behind

pytestmark = pytest.mark.django_db

TIME_01 = Deadline.Code.TIME_01.label


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def test_the_demo_shows_joint_and_one_unit_inspections_external_acceptance_midterm_and_an_exemption(demo):
    """IMPL-09 IMPL-10 SUPV-06 ORG-04 in the demo."""
    assert Inspection.objects.filter(partner_unit__isnull=False).exists()
    assert Inspection.objects.filter(partner_unit__isnull=True).exists()

    external = Project.objects.get(name=EXTERNAL)
    assert external.stage == "operation"
    filed = FinalAcceptance.objects.get(project=external)
    assert filed.outcome == "external" and filed.filed_on is not None
    last_module = max(external.modules.values_list("accepted_on", flat=True))
    assert filed.decided_on == last_module + dt.timedelta(days=1)  # no 3-month wait

    flagged = Deadline.objects.get(code="SUPV-06", status=Deadline.Status.OVERDUE)
    assert not flagged.project.midterm_reviews.exists() and flagged.project.is_overdue
    assert Deadline.objects.filter(code="SUPV-06", status=Deadline.Status.DONE).exists()

    exemption = Exemption.objects.get()
    tender = Tender.objects.get(exemption=exemption)
    assert tender.published_on < tender.project.approved_on


def test_the_demo_table_charges_every_late_design_approval_to_ndrc_ORG_05(demo):
    """ORG-05: the demo year's 综合考核 table, read from its XLSX export; each TIME-01 lapse is behind
    市发改委's numbers and behind no owner unit's."""
    year = clock.today().year
    late_approvals = set(
        Deadline.objects.filter(
            code="TIME-01",
            starts_on__year=year,
            status__in=[Deadline.Status.OVERDUE, Deadline.Status.DONE_LATE],
        ).values_list("project_id", flat=True)
    )
    assert late_approvals  # the demo has an overdue design approval

    client = Client()
    client.force_login(User.objects.get(username="smart_office"))
    book = load_workbook(io.BytesIO(client.get(f"/promotion/units.xlsx?year={year}").content))
    rows = list(book.active.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    table = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    ndrc = Unit.objects.get(code="ndrc")
    assert table[ndrc.name]["逾期未办"] + table[ndrc.name]["逾期办结"] >= len(late_approvals)

    charged = {
        behind.project.pk
        for column in ("overdue", "late")
        for behind in projects_behind(year, ndrc.pk, column)
        if TIME_01 in behind.what
    }
    assert charged == late_approvals
    for unit in Unit.objects.filter(name__in=table).exclude(pk=ndrc.pk):
        for column, label in (("overdue", "逾期未办"), ("late", "逾期办结")):
            behind = projects_behind(year, unit.pk, column)
            assert not [b for b in behind if TIME_01 in b.what], unit.name
            assert len(behind) == table[unit.name][label], (unit.name, label)

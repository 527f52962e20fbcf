from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from govpm.accounts.models import User
from govpm.targets import storing
from govpm.targets.curated import load_curated
from govpm.targets.models import Indicator, Nature, Source
from govpm.targets.parsing import parse_baseline, parse_target


@pytest.fixture
def gazette_path() -> Path:
    # The repository's copy of the seed gazette (spec/README.md: where it came from).
    return Path(settings.BASE_DIR) / "seeds" / "000_bc2f34306525a79a.txt"


@pytest.fixture
def gazette_text(gazette_path) -> str:
    return gazette_path.read_text(encoding="utf-8")


def make_user(username: str, role: str, **extra) -> User:
    return User.objects.create_user(
        username=username,
        password="pw-for-tests-only",
        role=role,
        display_name=extra.pop("display_name", username),
        **extra,
    )


@pytest.fixture
def officer(db):
    """市大数据局: may enter observations and judge."""
    return make_user("bdb_officer", "bdb", display_name="王评估")


@pytest.fixture
def observer(db):
    return make_user("observer", "observer")


@pytest.fixture
def owner(db):
    """A unit with no targets capability (市营商办). Owner units now open the module for their own
    indicators (TGT-08); tests of that are in test_responsibility.py."""
    return make_user("owner", "bizenv")


@pytest.fixture
def curated_data(db):
    return load_curated()


@pytest.fixture
def api_client():
    return APIClient()


def make_indicator(
    code="X01",
    name="测试指标",
    *,
    targets=None,
    nature=Nature.EXPECTED,
    direction="higher",
    baseline="",
    baseline_year=None,
    number="衢政发〔2020〕10号",
    unit="%",
) -> Indicator:
    document = storing.document(number, "测试文件")
    indicator = Indicator.objects.create(
        document=document,
        code=code,
        name=name,
        unit=unit,
        clause="测试条款",
        nature=nature,
        direction=direction,
        baseline_year=baseline_year,
        source=Source.CURATED,
        **storing.baseline_fields(baseline, parse_baseline(baseline) if baseline else None),
    )
    storing.replace_targets(indicator, {year: parse_target(raw) for year, raw in (targets or {}).items()})
    return indicator


def d(text: str) -> Decimal:
    return Decimal(text)

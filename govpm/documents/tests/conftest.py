"""Fixtures of the documents tests: the cast and clock of tests/conftest.py, and projects walked
through the real lifecycle so that every document is issued the way an official would issue it."""

import pytest

from govpm.projects.scenarios import advance
from tests.conftest import SHANGHAI, cast, clock  # noqa: F401 (fixtures shared with the API tests)
from tests.factories import draft


@pytest.fixture
def evaluated(cast, clock):  # noqa: F811 (the shared fixtures)
    """A project at the end of its lifecycle: all five kinds of document issued."""
    project = draft(cast.owner, name="衢州市智慧医保服务平台")
    return advance(project, cast, to="evaluated", shift=clock.shift)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT

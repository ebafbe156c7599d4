"""Suite-wide settings: hypothesis profiles, and a private preferences directory.

`ci` (the default) keeps property tests fast enough for every run; set
HYPOTHESIS_PROFILE=thorough to search much harder before a release.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=100, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True, scope="session")
def own_preferences(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reads or writes the person's own preferences (a `ttx` started by a
    test inherits this too)."""
    before = os.environ.get("XDG_CONFIG_HOME")
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("config"))
    yield
    if before is None:
        del os.environ["XDG_CONFIG_HOME"]
    else:
        os.environ["XDG_CONFIG_HOME"] = before

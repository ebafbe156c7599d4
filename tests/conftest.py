"""Suite-wide settings: hypothesis profiles, and private config and cache directories.

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
    """No test reads or writes the person's own preferences or script cache (a `ttx`
    started by a test inherits this too)."""
    before = {k: os.environ.get(k) for k in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    for key in before:
        os.environ[key] = str(tmp_path_factory.mktemp(key.lower()))
    yield
    for key, value in before.items():
        if value is None:
            del os.environ[key]
        else:
            os.environ[key] = value

"""Benchmarks: make the synthetic brief importable and available as a fixture."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import write_synthetic_brief


@pytest.fixture(scope="session")
def synthetic_brief(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A brief of 50 countries x 40 recommendations."""
    return write_synthetic_brief(tmp_path_factory.mktemp("synthetic") / "briefs")

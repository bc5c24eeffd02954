"""The benchmarks' synthetic brief is a brief an analyst could have written: it validates with
no problem and no warning, so `make bench` measures briefgen's work, not its warnings."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from briefgen.validate import validate
from conftest import REPO


@pytest.mark.unit
def test_the_benchmarks_synthetic_brief_validates_without_a_warning(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from synthetic import write_synthetic_brief
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    brief = write_synthetic_brief(tmp_path, countries=6, recommendations=8)
    problems = validate(brief).problems
    assert [str(p) for p in problems] == []

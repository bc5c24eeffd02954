"""The benchmarks' own code keeps up with briefgen: the synthetic brief is one an analyst could
have written (no problem, no warning), and the peer pipeline's Markdown export prints every part
of a card, so `make bench` measures briefgen's work and does not stop half way."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen.sources.frozen import load_working
from briefgen.tailoring import tailor
from briefgen.validate import validate
from conftest import CENTRAL_ASIA, REPO


@pytest.fixture
def benchmarks() -> Iterator[None]:
    sys.path.insert(0, str(REPO / "benchmarks"))
    yield
    sys.path.remove(str(REPO / "benchmarks"))


@pytest.mark.unit
@pytest.mark.usefixtures("benchmarks")
def test_the_benchmarks_synthetic_brief_validates_without_a_warning(tmp_path: Path) -> None:
    from synthetic import write_synthetic_brief

    brief = write_synthetic_brief(tmp_path, countries=6, recommendations=8)
    assert [str(p) for p in validate(brief).problems] == []


@pytest.mark.unit
@pytest.mark.usefixtures("benchmarks")
def test_the_peer_export_prints_every_part_a_card_shows() -> None:
    from peer_markdown import to_markdown

    brief = tailor(load_working(CENTRAL_ASIA), "KZ")  # its follow-up gives each card a status line
    markdown = to_markdown(brief)
    for rec in brief.recommendations:
        assert rec.progress is not None
        assert f"{rec.progress.label} ({rec.progress.date_text}" in markdown

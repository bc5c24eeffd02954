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


@pytest.mark.unit
@pytest.mark.usefixtures("benchmarks")
def test_the_follow_up_ratio_is_taken_pair_by_pair_so_a_drift_lands_on_neither_side() -> None:
    from tracking import paired

    # the machine halves its speed after the second pair; every pair says 1.04
    with_it, without = [1.04, 1.04, 2.08, 2.08, 2.08], [1.0, 1.0, 2.0, 2.0, 2.0]
    assert paired(with_it, without) == pytest.approx(1.04)
    # the machine slows down in the middle of the second pair: the medians' ratio says 2.08
    assert paired([1.04, 2.08, 2.08], [1.0, 1.0, 2.0]) == pytest.approx(1.04)
    with pytest.raises(ValueError):
        paired([1.0, 2.0], [1.0])


@pytest.mark.unit
@pytest.mark.usefixtures("benchmarks")
def test_the_follow_up_benchmark_counts_every_layout_of_the_pdfs_it_builds() -> None:
    from tracking import layout_summary

    summary = {
        "written": [
            "/o/b/e1/en/b-KZ-e1.pdf",
            "/o/b/e1/en/b-KZ-e1.docx",
            "/o/b/e1/ru/b-KG-e1.pdf",
            "/o/b/e1/ru/b-TJ-e1.pdf",
        ],
        "laid_out_again": [
            {"path": "/o/b/e1/ru/b-KG-e1.pdf", "layouts": 2, "tighter": True},
            {"path": "/o/b/e1/ru/b-TJ-e1.pdf", "layouts": 3, "tighter": False},
        ],
    }
    assert layout_summary(summary) == {"pdfs": 3, "layouts": 6, "set_tighter": ["ru/b-KG-e1.pdf"]}

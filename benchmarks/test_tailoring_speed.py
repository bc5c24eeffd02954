"""Tailoring 50 countries x 40 recommendations: the whole fan-out, measured."""

from __future__ import annotations

from pathlib import Path

from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor


def test_tailor_50_countries_by_40_recommendations(benchmark, synthetic_brief: Path) -> None:
    loaded = load_sources(synthetic_brief)
    assert len(loaded.brief.countries) == 50 and len(loaded.recommendations) == 40

    def tailor_all() -> int:
        loaded._texts.clear()  # measure parsing too: a fresh load parses every text once
        return sum(len(tailor(loaded, code).recommendations) for code in loaded.brief.countries)

    kept = benchmark(tailor_all)
    assert 0 < kept < 50 * 40


def test_load_and_validate_the_synthetic_brief(benchmark, synthetic_brief: Path) -> None:
    loaded = benchmark(load_sources, synthetic_brief)
    assert loaded.warnings == []

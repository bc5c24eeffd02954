"""Evidence that repeats the analysis word for word is flagged by `validate`, naming both places."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.sources.repetition import content_words, repeats
from briefgen.validate import validate
from conftest import CENTRAL_ASIA, replace_in

pytestmark = pytest.mark.unit


def _repetitions(folder: Path) -> list[str]:
    return [
        f"{p.file.name}:{p.line}: {p.field}: {p.message}"
        for p in validate(folder).problems
        if "repeats a sentence" in p.message
    ]


@pytest.mark.unit
def test_a_claim_that_says_again_what_a_section_says_is_flagged_with_both_places(andes: Path) -> None:
    assert _repetitions(andes) == []
    replace_in(
        andes / "recommendations/protect-glacier-basins.yaml",
        "  - claim: Glacier area fell by a third since the 1980s.\n",
        "  - claim: Since the 1980s tropical glaciers have lost a third of their area.\n",
    )
    [found] = _repetitions(andes)
    assert found.startswith(
        "protect-glacier-basins.yaml:13: evidence[0].claim: this evidence repeats a sentence"
    )
    assert "section “Glaciers” (andes-water/brief.yaml:18)" in found
    assert "“Tropical glaciers have lost a third of their area since the 1980s.”" in found


@pytest.mark.unit
def test_the_same_frame_with_other_figures_or_a_shared_topic_is_not_a_repetition() -> None:
    section = content_words(
        "Chinese policy banks lent at least USD 14.3 bn from the Export-Import Bank of China and "
        "USD 6.3 bn from China Development Bank between 2005 and 2012."
    )
    other_loan = content_words(
        "Turkmengaz received a USD 7.1 bn loan from Chinese policy banks between 2005 and 2012."
    )
    same_loans = content_words(
        "Between 2005 and 2012 Chinese policy banks lent USD 14.3 bn (Export-Import Bank of China) "
        "and USD 6.3 bn (China Development Bank)."
    )
    assert not repeats(other_loan, section)  # another loan in the same frame
    assert repeats(same_loans, section)  # the same loans, reworded
    topic = content_words("China's trade with Central Asia matters to every government.")
    assert not repeats(topic, content_words("China's trade with Central Asia fell by 40% after 2013."))


@pytest.mark.unit
def test_the_bundled_brief_keeps_each_figure_in_one_place(central_asia_copy: Path) -> None:
    assert _repetitions(CENTRAL_ASIA) == []
    # as it stood: the analysis gave the trade figures the evidence gives
    replace_in(
        central_asia_copy / "brief.yaml",
        "China's trade with the region fell steeply and took years to\n      recover [@customs-china].",
        "China's trade with the region fell by 40%, from USD 50.2 bn in\n      2013 to USD 30 bn in 2016 "
        "[@customs-china].",
    )
    [found] = _repetitions(central_asia_copy)
    assert found.startswith("monitor-domestic-drivers.yaml:")
    assert "evidence[1].claim" in found
    assert "section “The Xi administration (2012-present)” (china-central-asia/brief.yaml:" in found

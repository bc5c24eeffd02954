"""The "Changes since edition N" box: material changes only, in plain words, and never more than a
third of page one (the rest continues where the recommendations start)."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from briefgen.document.model import ChangeLine, ChangesSince, TailoredBrief
from briefgen.document.outline import changes_split, outline
from briefgen.editions.release import release
from briefgen.render.pdf import PdfRenderer
from briefgen.sources.frozen import load_working
from briefgen.tailoring import tailor
from briefgen.validate import validate
from conftest import replace_in

MM = 72 / 25.4


def _changes(andes: Path, country: str = "PE") -> tuple[str, ...]:
    return tailor(load_working(andes), country).changes.lines  # type: ignore[union-attr]


@pytest.mark.unit
@pytest.mark.parametrize(("new", "listed"), [("3.13", False), ("3.72", True)])
def test_a_profile_value_is_listed_when_it_moves_5_percent_or_more(
    andes: Path, new: str, listed: bool
) -> None:
    release(andes)
    replace_in(andes.parent / "countries/PE.yaml", "value: 3.1,", f"value: {new},")  # 1% or 20%
    expected = (f"Profile: Water stress index (2022) is now {new}, previously 3.1.",) if listed else ()
    assert _changes(andes) == expected


@pytest.mark.unit
def test_the_analyst_sets_the_threshold_per_brief_and_per_fact(andes: Path) -> None:
    release(andes)
    replace_in(andes.parent / "countries/PE.yaml", "value: 3.1,", "value: 3.72,")  # +20%
    replace_in(andes.parent / "countries/PE.yaml", "value: 0.4, year: 2020", "value: 0.42, year: 2020")  # +5%
    replace_in(
        andes / "brief.yaml",
        "countries: [PE, BO, CL]\n",
        "countries: [PE, BO, CL]\nchanges:\n  material: {relative: 0.25}\n"
        "  facts:\n    glacier_share_water_supply: {relative: 0.01}\n",
    )
    assert _changes(andes) == ("Profile: Dry-season water from glaciers (2020) is now 42%, previously 40%.",)


@pytest.mark.unit
def test_a_change_of_rank_among_the_countries_is_material_when_the_rule_says_so(andes: Path) -> None:
    release(andes)
    # Bolivia's 30% overtakes Peru's 40% by a small step on Bolivia's side only: Peru drops to second
    replace_in(andes.parent / "countries/BO.yaml", "value: 0.3, year: 2020", "value: 0.41, year: 2020")
    replace_in(andes.parent / "countries/PE.yaml", "value: 0.4, year: 2020", "value: 0.405, year: 2020")
    assert not [line for line in _changes(andes) if "glaciers" in line]  # 1.25%: not by size
    replace_in(
        andes / "brief.yaml",
        "countries: [PE, BO, CL]\n",
        "countries: [PE, BO, CL]\nchanges:\n  facts:\n    glacier_share_water_supply: {rank: true}\n",
    )
    assert _changes(andes) == (
        "Profile: Dry-season water from glaciers (2020) is now 40.5%, previously 40%.",
    )


@pytest.mark.unit
def test_a_small_change_that_changes_what_applies_is_listed(andes: Path) -> None:
    release(andes)
    # Chile's drought finance holds while its water stress is not below 3.5: 3.9 -> 3.4 is -13%,
    # under this brief's 50% rule, but the recommendation no longer applies because of it
    replace_in(
        andes / "brief.yaml",
        "countries: [PE, BO, CL]\n",
        "countries: [PE, BO, CL]\nchanges:\n  material: {relative: 0.5}\n",
    )
    replace_in(andes.parent / "countries/CL.yaml", "value: 3.9,", "value: 3.4,")
    assert _changes(andes, "CL") == (
        "“Prepare drought finance before the dry season” no longer applies to Chile.",
        "Profile: Water stress index (2022) is now 3.4, previously 3.9.",
    )


@pytest.mark.unit
def test_an_edited_step_is_one_updated_line_and_a_new_one_says_its_number(andes: Path) -> None:
    release(andes)
    path = andes / "recommendations/protect-glacier-basins.yaml"
    replace_in(
        path,
        "  steps: [Map the basins., Limit mining near glacier tongues.]\n",
        "  steps: [Map the basins., Ban mining near glacier tongues., Fund glacier monitoring.]\n",
    )
    assert _changes(andes) == (
        "Recommendation 1: step 2 updated: “Limit mining near glacier tongues” → “Ban mining near glacier tongues”.",
        "Recommendation 1: new step 3: Fund glacier monitoring.",
    )


@pytest.mark.unit
def test_the_summary_says_what_changed_in_it_unless_the_analyst_marks_wording_only(andes: Path) -> None:
    release(andes)
    replace_in(andes / "brief.yaml", "Governments should *protect*", "Governments must *protect*")
    [line] = _changes(andes)
    assert line == (
        "The executive summary updated: “…p. 4). Governments should protect glacier basins…” → "
        "“…p. 4). Governments must protect glacier basins…”"
    )
    replace_in(
        andes / "brief.yaml",
        "countries: [PE, BO, CL]\n",
        "countries: [PE, BO, CL]\nchanges:\n  wording_only:\n    2: [summary]\n",
    )
    assert _changes(andes) == ()
    replace_in(andes / "brief.yaml", "    2: [summary]\n", "    2: [Glacier]\n")
    wrong = [p for p in validate(andes).problems if "wording_only" in p.field]
    assert [(p.field, p.message) for p in wrong] == [
        (
            "changes.wording_only[2][0]",
            "'Glacier' is neither `summary` nor the heading of a section; did you mean 'Glaciers'?",
        )
    ]


@pytest.mark.unit
def test_a_quoted_text_that_quotes_nests_its_quotes_as_the_language_does(andes: Path) -> None:
    release(andes)
    replace_in(andes / "brief.yaml", "Governments should *protect*", 'Governments should "protect"')
    [line] = _changes(andes)
    assert line == (
        "The executive summary updated: “…4). Governments should protect glacier basins and…” → "
        "“…4). Governments should ‘protect’ glacier basins and…”"
    )


@pytest.mark.unit
def test_the_box_splits_by_lines_of_text_and_the_rest_continues_before_the_recommendations() -> None:
    short = ChangesSince(1, tuple(ChangeLine("fact-changed", "Profile: x is now 2.") for _ in range(12)))
    assert changes_split(short) == (short.items, ())
    long = short.extended(ChangeLine("step-added", "word " * 60) for _ in range(3))  # 4 lines each
    boxed, more = changes_split(long)
    assert len(boxed) == 11 and len(more) == 4 and boxed + more == long.items


# --- the box as printed ---------------------------------------------------------------------------


def _words(pdf: Path) -> list[list[tuple[float, float, str]]]:
    """Return each page's words as (yMin, yMax, text), from `pdftotext -bbox`."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [
        [
            (float(m[1]), float(m[2]), html.unescape(m[3]))
            for m in re.finditer(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page)
        ]
        for page in xml.split("<page ")[1:]
    ]


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_box_takes_at_most_a_third_of_page_one_and_continues_before_the_recommendations(
    central_asia_copy: Path, tmp_path: Path, language: str
) -> None:
    import dataclasses

    from briefgen.sources.frozen import load_edition
    from briefgen.translation.apply import localise

    # the working sources against edition 1: a year of changes, most of them Turkmenistan's
    loaded = load_working(central_asia_copy)
    loaded = dataclasses.replace(loaded, previous=load_edition(central_asia_copy, 1, history=False))
    if language != "en":
        loaded = localise(loaded, language)
    brief: TailoredBrief = tailor(loaded, "TM")  # the country with the most changes since edition 1
    assert brief.changes is not None
    _, more = changes_split(brief.changes)
    assert more and "changes_continued" in outline(brief)
    pdf = tmp_path / "tm.pdf"
    pdf.write_bytes(PdfRenderer().render(brief))
    pages = _words(pdf)
    heading = brief.changes and ("Changes" if language == "en" else "Изменения")
    first = pages[0]
    top = min(y0 for y0, _, w in first if w == heading)
    summary_word = "Executive" if language == "en" else "Основные"
    bottom = min(y0 for y0, _, w in first if w == summary_word and y0 > top)  # the next part's heading
    text_area = 297 * MM - 22 * MM - 23 * MM
    assert bottom - top <= text_area / 3, (bottom - top, text_area / 3)
    # the rest is printed, in a second box, just before the recommendations
    text = " ".join(w for page in pages for _, _, w in page)
    continued = "(continued)" if language == "en" else "(продолжение)"
    recommendations = "Recommendations" if language == "en" else "Рекомендации"
    assert text.index(continued) < text.index(recommendations, text.index(continued))
    last = more[-1].text.split()[:4]
    assert " ".join(last) in text

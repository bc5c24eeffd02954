"""The country lead: page one says, in whole sentences, what in this country's situation decided
its brief; two countries' first pages read clearly differently."""

from __future__ import annotations

import difflib
import itertools
import re
import subprocess
from pathlib import Path

import pytest

from briefgen.document.model import TailoredBrief
from briefgen.render.pdf import PdfRenderer
from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor
from briefgen.translation.apply import localise
from briefgen.validate import validate
from conftest import CENTRAL_ASIA, central_asia_edition_1, replace_in

COUNTRIES = ("KZ", "KG", "TJ", "TM", "UZ")
ANDES_SUMMARY = """summary: |
  Andean glaciers are shrinking [@vuille-bradley2018, p. 4]. Governments should *protect*
  glacier basins and **share data**.^[Glacier loss is uneven [@rabatel2013].]
"""


def _with_lead(andes: Path, *more: str) -> None:
    """Give the andes brief a summary of one shared paragraph, the lead and `more` passages."""
    passages = "".join(f"  - {m}\n" for m in more)
    replace_in(
        andes / "brief.yaml",
        ANDES_SUMMARY,
        "summary:\n  - Andean glaciers are shrinking.\n  - generated: lead\n" + passages,
    )


@pytest.mark.unit
def test_the_lead_weaves_the_deciding_facts_and_each_recommendation_into_sentences(andes: Path) -> None:
    _with_lead(andes)
    summary = tailor(load_sources(andes), "PE").summary
    assert [len(summary.blocks), summary.plain().split(". ")[0]] == [2, "Andean glaciers are shrinking"]
    peru = summary.plain()
    assert (
        "Because Peru draws 40% of its dry-season water from glaciers (2020), its government should "
        "protect glacier-fed basins (recommendation 1), as well as share hydrological data across the "
        "Titicaca basin (recommendation 3)." in peru
    )
    chile = tailor(load_sources(andes), "CL").summary.plain()
    # the water stress test decided too, but as a `not` that held: what held is said, not what failed
    assert chile.startswith("Andean glaciers are shrinking. Because Chile declared a drought in 2023")
    assert chile.endswith(
        ", its government should prepare drought finance before the dry season (recommendation 2)."
    )


@pytest.mark.unit
def test_a_fact_that_chose_a_step_is_named_in_the_lead(andes: Path) -> None:
    _with_lead(andes)
    replace_in(
        andes / "recommendations/share-hydrological-data.yaml",
        "action:\n  summary: Publish river and lake gauge data in one open format.\n",
        "action:\n  summary: Publish river and lake gauge data in one open format.\n"
        "  steps:\n    - text: Open the Titicaca gauges first.\n"
        "      when: {fact: country.basin, equals: Titicaca}\n",
    )
    bolivia = tailor(load_sources(andes), "BO").summary.plain()
    assert (
        "As Bolivia records “Shared basin” as Titicaca, the brief further recommends that it share "
        "hydrological data across the Titicaca basin (recommendation 3)." in bolivia
    )


@pytest.mark.unit
def test_a_country_no_fact_decided_gets_a_plain_lead_and_a_warning_until_it_has_a_note(andes: Path) -> None:
    _with_lead(andes)
    replace_in(andes / "brief.yaml", "scenario: neutral", "scenario: el-nino")  # drought finance for all
    replace_in(andes.parent / "countries/CL.yaml", "value: 0.1, year: 2020", "value: 0.05, year: 2020")
    replace_in(
        andes.parent / "countries/CL.yaml", "drought_2023: {value: true", "drought_2023: {value: false"
    )
    chile = tailor(load_sources(andes), "CL").summary.plain()
    assert chile.endswith(
        "The brief recommends that the Government of the Republic of Chile prepare drought finance "
        "before the dry season (recommendation 2)."
    )
    warnings = [
        p for p in validate(andes).problems if p.severity == "warning" and "country lead" in p.message
    ]
    assert [w.message.split(" ", 1)[0] for w in warnings] == ["CL"]
    assert warnings[0].field == "summary[1].generated" and warnings[0].line == 14
    _with_note = (
        (andes / "brief.yaml")
        .read_text()
        .replace(
            "  - generated: lead\n",
            "  - generated: lead\n  - text: Chile's central valley is in a megadrought.\n"
            "    countries: [CL]\n",
        )
    )
    (andes / "brief.yaml").write_text(_with_note)
    assert not [p for p in validate(andes).problems if "country lead" in p.message]


@pytest.mark.unit
@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("scenario", ["china-recovers", "china-stalls"])
def test_no_summary_of_the_bundled_brief_speaks_of_this_government(language: str, scenario: str) -> None:
    loaded = load_sources(CENTRAL_ASIA)
    if language != "en":
        loaded = localise(loaded, language)
    for code in COUNTRIES:
        brief = tailor(loaded, code, scenario)
        summary = brief.summary.plain()
        assert not re.search(r"this government|это правительство", summary, re.I), (code, summary)
        assert brief.country_name in summary
        for rec in brief.recommendations:  # each recommendation is named, by its title, in prose
            title = rec.title.plain()
            assert title[1:] in summary and f"{rec.number})" in summary, (code, title)


# --- page one of the bundled brief, country by country ---------------------------------------------


def _mask(text: str, briefs: list[TailoredBrief]) -> str:
    """Mask every word that begins like a word of a country's name (any case ending): ◆."""
    generic = {"Republic", "Республика", "Республики", "Республике"}
    stems = {
        word[:5]
        for brief in briefs
        for name in (brief.country_name, brief.official_name, brief.government_of or "")
        for word in re.findall(r"\w+", name)
        if word[:1].isupper() and word not in generic
    }
    return re.sub(r"\w+", lambda m: "◆" if m.group(0)[:5] in stems else m.group(0), text)


def page_one_body(pdf: Path, brief: TailoredBrief, first_part: str) -> str:
    """Return page one's text from its first part after the title block to the running footer,
    words hyphenated at a line's end joined."""
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(re.sub(r"[\u2010-]\n(?=\w)", "", text).split())
    title = " ".join(brief.title.split())  # its no-break spaces as the page text has them
    return text[text.index(first_part) : text.rindex(title)]


def similarity(a: str, b: str) -> float:
    """Return how alike two texts are: difflib's ratio over their words, in order (1.0 = the same)."""
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


@pytest.mark.slow
@pytest.mark.parametrize(("language", "summary"), [("en", "Executive summary"), ("ru", "Основные выводы")])
def test_no_two_countries_first_pages_are_more_than_70_percent_alike(
    language: str, summary: str, tmp_path: Path
) -> None:
    loaded = load_sources(CENTRAL_ASIA)
    if language != "en":
        loaded = localise(loaded, language)
    briefs = [tailor(loaded, code) for code in COUNTRIES]
    pages = {}
    for brief in briefs:
        pdf = tmp_path / f"{brief.country}.pdf"
        pdf.write_bytes(PdfRenderer().render(brief))
        pages[brief.country] = _mask(page_one_body(pdf, brief, summary), briefs)
    alike = {
        (a, b): round(similarity(pages[a], pages[b]), 2) for a, b in itertools.combinations(COUNTRIES, 2)
    }
    assert max(alike.values()) <= 0.70, alike
    if language != "en":
        return  # the first edition was released in English only
    # the measure sees what the regional editor saw: the first edition's pages (the summary a
    # generated list of titles) are more alike than any two pages are now
    first = central_asia_edition_1()
    before = [tailor(first, code) for code in ("KZ", "UZ")]
    old_pages = []
    for brief in before:
        pdf = tmp_path / f"e1-{brief.country}.pdf"
        pdf.write_bytes(PdfRenderer().render(brief))
        old_pages.append(_mask(page_one_body(pdf, brief, summary), before))
    assert similarity(*old_pages) > max(alike.values()) + 0.1, (similarity(*old_pages), alike)

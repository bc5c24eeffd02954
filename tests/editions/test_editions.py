"""Editions: release freezes the sources, bumps the edition, and never overwrites; diff explains."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accessibility import assert_accessible_docx
from briefgen.cli import app
from briefgen.editions.diff import diff
from briefgen.editions.release import release
from briefgen.sources.frozen import EditionError, load_edition, read_edition, released_editions
from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor
from conftest import program, replace_in

runner = CliRunner()


@pytest.mark.unit
def test_release_writes_the_frozen_edition_and_bumps_the_working_one_keeping_comments(andes: Path) -> None:
    before = (andes / "brief.yaml").read_text()
    path = release(andes, today=lambda: dt.date(2024, 5, 6))
    assert path == andes / "editions" / "1.json"
    frozen = read_edition(andes, 1)
    assert (frozen["brief"], frozen["edition"], frozen["released"]) == ("andes-water", 1, "2024-05-06")
    assert frozen["content"]["released"] == "2024-05-06"  # inside the hashed content, too
    assert frozen["content"]["brief"]["date"] == "2024-03-01"  # the analysis keeps its own date
    assert [r["id"] for r in frozen["content"]["recommendations"]] == [
        "old-idea",
        "prepare-drought-finance",
        "protect-glacier-basins",
        "share-hydrological-data",
    ]
    assert sorted(frozen["content"]["countries"]) == ["BO", "CL", "PE"]
    after = (andes / "brief.yaml").read_text()
    assert after == before.replace("edition: 1", "edition: 2")
    assert after.startswith("# A small fixture brief on another region")


@pytest.mark.unit
def test_release_takes_a_date(andes: Path) -> None:
    release(andes, date=__import__("datetime").date(2024, 4, 2))
    assert read_edition(andes, 1)["released"] == "2024-04-02"


@pytest.mark.unit
def test_releasing_when_nothing_changed_fails_and_changes_nothing(andes: Path) -> None:
    release(andes)
    snapshot = {p: p.read_bytes() for p in andes.rglob("*") if p.is_file()}
    with pytest.raises(EditionError, match="nothing changed since edition 1"):
        release(andes)
    assert {p: p.read_bytes() for p in andes.rglob("*") if p.is_file()} == snapshot


@pytest.mark.unit
def test_a_released_edition_is_never_overwritten(andes: Path) -> None:
    release(andes)
    replace_in(andes / "brief.yaml", "edition: 2", "edition: 1")
    replace_in(
        andes / "brief.yaml", "Droughts follow El Niño years.", "Droughts follow El Niño years, mostly."
    )
    frozen = (andes / "editions/1.json").read_bytes()
    result = runner.invoke(app, ["release", str(andes)])
    assert result.exit_code == 1 and "edition 1 of andes-water is already released" in result.stderr
    assert (andes / "editions/1.json").read_bytes() == frozen


@pytest.mark.unit
def test_an_edited_frozen_edition_is_refused(andes: Path) -> None:
    release(andes)
    path = andes / "editions/1.json"
    path.write_text(path.read_text().replace("Water Security in the Andes", "Something else"))
    with pytest.raises(EditionError, match="does not match its hash"):
        load_edition(andes, 1)


@pytest.mark.unit
def test_a_frozen_edition_tailors_exactly_like_the_sources_it_froze(andes: Path) -> None:
    working = load_sources(andes)
    release(andes, date=working.brief.date)  # released the day of its analysis: nothing else differs
    frozen = load_edition(andes, 1)
    for code in ("PE", "BO", "CL"):
        assert tailor(frozen, code).canonical_json() == tailor(working, code).canonical_json()


def _second_edition(andes: Path) -> None:
    """Release edition 1, then revise: a changed evidence item, a re-prioritised and a retired
    recommendation, and a changed fact."""
    release(andes)
    replace_in(
        andes / "recommendations/protect-glacier-basins.yaml",
        "Glacier area fell by a third since the 1980s.",
        "Glacier area fell by 42% since the 1980s.",
    )
    replace_in(andes / "recommendations/protect-glacier-basins.yaml", "priority: 1", "priority: 3")
    replace_in(andes / "recommendations/prepare-drought-finance.yaml", "status: active", "status: retired")
    replace_in(andes.parent / "countries/CL.yaml", "value: 0.1, year: 2020", "value: 0.25, year: 2023")


@pytest.mark.unit
def test_diff_reports_evidence_priority_retirement_and_facts_with_word_changes(andes: Path) -> None:
    _second_edition(andes)
    result = diff(load_edition(andes, 1), load_sources(andes), old_label=1, new_label="working")
    changes = {r.id: r for r in result.recommendations}
    assert changes["prepare-drought-finance"].kind == "retired"
    assert (
        changes["protect-glacier-basins"].old_priority,
        changes["protect-glacier-basins"].new_priority,
    ) == (1, 3)
    assert changes["protect-glacier-basins"].reprioritised
    evidence = next(f for f in changes["protect-glacier-basins"].fields if f.field == "evidence[0].claim")
    assert evidence.words.marked() == "Glacier area fell by [-a third-]{+42%+} since the 1980s."
    assert [(f.country, f.fact, f.old, f.new) for f in result.facts] == [
        ("CL", "glacier_share_water_supply", 0.1, 0.25)
    ]


@pytest.mark.unit
def test_diff_gives_each_country_the_effect_on_its_own_brief(andes: Path) -> None:
    _second_edition(andes)
    effects = {
        e.country: e.lines
        for e in diff(load_edition(andes, 1), load_sources(andes), old_label=1, new_label="working").countries
    }
    assert effects["CL"] == (
        # numbers are the brief's: Protect glacier-fed basins is 2 in every country's brief
        "New: recommendation 2, “Protect glacier-fed basins”, now applies.",
        "“Prepare drought finance before the dry season” no longer applies to Chile.",
        "Profile: Dry-season water from glaciers is now 25% (2023), previously 10% (2020).",
    )
    # an edited claim is one line, old and new in a short form: the words that changed, in context
    assert (
        "Recommendation 2: evidence updated: “Glacier area fell by a third since the 1980s” → "
        "“Glacier area fell by 42% since the 1980s” (UNESCO, 2021a,\u00a0pp.\u00a04–6)." in effects["PE"]
    )
    assert not any("new evidence" in line or "withdrawn" in line for line in effects["PE"])
    assert (
        "“Share hydrological data across the Titicaca basin” is now recommendation 1 (was 3)."
        in effects["PE"]
    )
    assert not any("Chile" in line or "drought" in line for line in effects["PE"])


@pytest.mark.unit
def test_diff_command_prints_text_and_stable_json(andes: Path) -> None:
    _second_edition(andes)
    text = runner.invoke(app, ["diff", str(andes), "--country", "CL"])
    assert text.exit_code == 0, text.output
    assert "andes-water: edition 1 → working" in text.stdout
    assert (
        "recommendation prepare-drought-finance (Prepare drought finance before the dry season): retired"
        in text.stdout
    )
    first = runner.invoke(app, ["diff", str(andes), "--from", "1", "--json"]).stdout
    assert first == runner.invoke(app, ["diff", str(andes), "--from", "1", "--json"]).stdout
    data = json.loads(first)
    assert data["from"] == 1 and data["to"] == "working"
    protect = next(r for r in data["recommendations"] if r["id"] == "protect-glacier-basins")
    assert {"op": "insert", "text": "42%"} in protect["fields"][0]["words"]


@pytest.mark.unit
def test_diff_without_a_release_is_a_usage_error(andes: Path) -> None:
    result = runner.invoke(app, ["diff", str(andes)])
    assert result.exit_code == 2 and "no released edition" in result.output


@pytest.mark.unit
def test_release_then_edit_then_release_again(andes: Path) -> None:
    release(andes)
    replace_in(
        andes / "brief.yaml", "Droughts follow El Niño years.", "Droughts follow El Niño years, mostly."
    )
    release(andes)
    assert released_editions(andes) == [1, 2]
    assert "edition: 3" in (andes / "brief.yaml").read_text()


# --- "Changes since" in the briefs, and the Word redline -----------------------------------------


def _tailored_for_build(andes: Path) -> dict[str, object]:
    from briefgen.build import BuildRequest
    from briefgen.build.plan import plan
    from briefgen.sources.frozen import load_working

    jobs = plan([load_working(andes)], BuildRequest(formats=("docx",), out=andes / "build"))
    return {job.brief.country: job.brief for job in jobs}


@pytest.mark.unit
def test_edition_one_briefs_carry_no_changes_section(andes: Path) -> None:
    assert {c: b.changes for c, b in _tailored_for_build(andes).items()} == {
        "PE": None,
        "BO": None,
        "CL": None,
    }


@pytest.mark.unit
def test_from_edition_two_each_brief_lists_only_what_changed_for_its_country(andes: Path) -> None:
    release(andes)
    replace_in(
        andes / "recommendations/prepare-drought-finance.yaml",
        "Chile's water agency declared",
        "Chile's water agency has declared",
    )
    briefs = _tailored_for_build(andes)
    assert briefs["CL"].changes.edition == 1  # type: ignore[attr-defined]
    assert briefs["CL"].changes.lines == (  # type: ignore[attr-defined]
        "Recommendation 2: evidence updated: “Chile’s water agency declared scarcity decrees in most "
        "regions” → “Chile’s water agency has declared scarcity decrees in most regions” (Dirección "
        "General de Aguas,\u00a02022).",
    )
    assert briefs["PE"].changes.lines == ()  # type: ignore[attr-defined]


@pytest.mark.unit
def test_the_word_brief_shows_the_changes_section_from_edition_two(andes: Path) -> None:
    import io

    from docx import Document

    from briefgen.render.docx import DocxRenderer

    release(andes)
    replace_in(andes.parent / "countries/PE.yaml", "value: 3.1", "value: 3.4")
    briefs = _tailored_for_build(andes)

    def boxed(brief: object) -> list[str]:
        """Return the paragraphs of the changes box (a one-cell table, as print shows a box)."""
        doc = Document(io.BytesIO(DocxRenderer().render(brief)))  # type: ignore[arg-type]
        [box] = [t for t in doc.tables if t.style is not None and t.style.name == "Changes Box"]
        return [p.text for p in box.rows[0].cells[0].paragraphs]

    peru = boxed(briefs["PE"])
    assert peru[0] == "Changes since edition 1"
    assert peru[1] == "Profile: Water stress index (2022) is now 3.4, previously 3.1."
    assert boxed(briefs["BO"]) == [
        "Changes since edition 1",
        "Nothing in this brief has changed since edition 1.",
    ]


@pytest.mark.slow
def test_the_redline_opens_in_libreoffice_with_tracked_changes(andes: Path, tmp_path: Path) -> None:
    import html
    import re
    import subprocess

    release(andes, date=dt.date(2024, 3, 1))  # the day of the analysis: the page's date is no change
    replace_in(
        andes / "recommendations/protect-glacier-basins.yaml",
        "Glacier area fell by a third since the 1980s.",
        "Glacier area fell by 42% since the 1980s.",
    )
    replace_in(
        andes / "recommendations/protect-glacier-basins.yaml",
        "country_notes:\n  PE: Peru's glacier law is a model for the region.\n",
        "",
    )
    out = tmp_path / "pe-redline.docx"
    result = runner.invoke(app, ["diff", str(andes), "--country", "PE", "--docx", str(out)])
    assert result.exit_code == 0, result.output
    assert_accessible_docx(out)  # a redline is a Word brief too: its checklist holds, changes and all
    subprocess.run(
        [
            program("soffice", "libreoffice"),
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "fodt",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    flat = (tmp_path / "pe-redline.fodt").read_text(encoding="utf-8")
    regions = re.findall(r"<text:changed-region.*?</text:changed-region>", flat, flags=re.S)
    assert sum("<text:insertion>" in r for r in regions) == 1
    assert sum("<text:deletion>" in r for r in regions) == 2  # "a third", and the whole country note
    assert "Fixture Institute" in regions[0]
    # the changed words, and the whole note with its label, between LibreOffice's change marks
    marked = re.findall(
        r'<text:change-start text:change-id="([^"]+)"/>(.*?)<text:change-end text:change-id="\1"/>',
        flat,
        flags=re.S,
    )
    shown = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", words)).split()) for _, words in marked]
    assert shown == ["a third", "42%", "For Peru Peru’s glacier law is a model for the region."]
    # it is the brief: its marking in the header, its profile table, its footnotes
    assert "OFFICIAL-SENSITIVE" in flat.split("<office:master-styles>", 1)[1]
    assert ">Water stress index" in flat and "<text:note " in flat
    # the same redline twice is the same bytes
    again = tmp_path / "again.docx"
    runner.invoke(app, ["diff", str(andes), "--country", "PE", "--docx", str(again)])
    assert again.read_bytes() == out.read_bytes()


@pytest.mark.unit
def test_the_html_and_pdf_brief_show_the_changes_section_from_edition_two(andes: Path) -> None:
    from briefgen.render.html import HtmlRenderer

    first = _tailored_for_build(andes)
    assert "Changes since edition" not in HtmlRenderer().render(first["PE"]).decode()  # type: ignore[arg-type]
    release(andes)
    replace_in(andes.parent / "countries/PE.yaml", "value: 3.1", "value: 3.4")
    html = HtmlRenderer().render(_tailored_for_build(andes)["PE"]).decode()  # type: ignore[arg-type]
    section = html.split('<section class="changes"', 1)[1].split("</section>", 1)[0]
    assert "Changes since edition 1" in section
    assert "<li>Profile: Water stress index (2022) is now 3.4, previously 3.1.</li>" in section
    assert html.index('class="changes"') < html.index('class="summary"')


@pytest.mark.unit
def test_validate_reports_a_released_edition_that_was_edited(andes: Path) -> None:
    release(andes)
    path = andes / "editions/1.json"
    path.write_text(path.read_text().replace("Water Security in the Andes", "Water Security"))
    result = runner.invoke(app, ["validate", str(andes)])
    assert result.exit_code == 1
    assert "editions/1.json:1:1: (file): content does not match its hash" in result.stderr

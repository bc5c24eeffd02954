"""Parts of a recommendation tailored to the country: steps and evidence items that carry
`countries` and `when` as a recommendation does, and `explain` saying why one was left out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.document.model import TailoredBrief
from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor
from briefgen.translation.apply import localise
from briefgen.validate import validate
from conftest import CENTRAL_ASIA, replace_in

pytestmark = pytest.mark.unit
runner = CliRunner()

GLACIER_STEPS = "  steps: [Map the basins., Limit mining near glacier tongues.]\n"


def _tailored_steps(andes: Path) -> None:
    """Give 'Protect glacier-fed basins' a step for large glacier shares and one for Bolivia only."""
    replace_in(
        andes / "recommendations/protect-glacier-basins.yaml",
        GLACIER_STEPS,
        "  steps:\n"
        "    - Map the basins.\n"
        "    - text: Limit mining near glacier tongues.\n"
        "      when: {fact: country.glacier_share_water_supply, gte: 0.35}\n"
        "    - text: Protect the Tuni Condoriri catchment.\n"
        "      countries: [BO]\n",
    )


def _steps(andes: Path, country: str) -> list[str]:
    brief = tailor(load_sources(andes), country)
    rec = next(r for r in brief.recommendations if r.id == "protect-glacier-basins")
    return [step.plain() for step in rec.steps]


@pytest.mark.unit
def test_a_step_is_kept_only_where_its_condition_holds_and_its_countries_include_the_brief(
    andes: Path,
) -> None:
    _tailored_steps(andes)
    assert _steps(andes, "PE") == ["Map the basins.", "Limit mining near glacier tongues."]
    assert _steps(andes, "BO") == ["Map the basins.", "Protect the Tuni Condoriri catchment."]


@pytest.mark.unit
def test_explain_names_the_leaf_that_left_a_step_out(andes: Path) -> None:
    _tailored_steps(andes)
    out = runner.invoke(app, ["explain", str(andes), "--country", "BO"]).stdout
    assert "step 2 left out: Limit mining near glacier tongues." in out
    assert "✗ country.glacier_share_water_supply ≥ 0.35  (is 0.3)" in out
    assert "step 3 kept: Protect the Tuni Condoriri catchment." in out
    peru = runner.invoke(app, ["explain", str(andes), "--country", "PE"]).stdout
    assert "step 3 left out: Protect the Tuni Condoriri catchment." in peru
    assert "because: countries are BO; PE is not among them" in peru


@pytest.mark.unit
def test_an_evidence_item_with_a_condition_is_shown_only_where_it_holds(andes: Path) -> None:
    replace_in(
        andes / "recommendations/protect-glacier-basins.yaml",
        '    pages: "4-6"\n',
        '    pages: "4-6"\n    when: {fact: country.glacier_share_water_supply, gte: 0.35}\n',
    )
    loaded = load_sources(andes)
    peru, bolivia = tailor(loaded, "PE"), tailor(loaded, "BO")
    claims = {
        code: [e.claim.plain() for r in brief.recommendations for e in r.evidence]
        for code, brief in (("PE", peru), ("BO", bolivia))
    }
    assert "Glacier area fell by a third since the 1980s." in claims["PE"]
    assert "Glacier area fell by a third since the 1980s." not in claims["BO"]
    out = runner.invoke(app, ["explain", str(andes), "--country", "BO"]).stdout
    assert "evidence left out: Glacier area fell by a third since the 1980s." in out


@pytest.mark.unit
def test_a_step_condition_on_an_unknown_fact_or_country_is_an_error_at_its_line(andes: Path) -> None:
    path = andes / "recommendations/protect-glacier-basins.yaml"
    replace_in(
        path,
        GLACIER_STEPS,
        "  steps:\n"
        "    - Map the basins.\n"
        "    - text: Limit mining near glacier tongues.\n"
        "      when: {fact: country.glacier_shares, gte: 0.35}\n"
        "    - text: Protect the catchment.\n"
        "      countries: [EC]\n",
    )
    errors = [p for p in validate(andes).problems if p.severity == "error"]
    fact = next(p for p in errors if "glacier_shares" in p.message)
    assert fact.file == path and fact.line == 13
    assert fact.field == "action.steps[1].when.fact"
    assert "did you mean 'country.glacier_share_water_supply'?" in fact.message
    country = next(p for p in errors if "EC is not one of the brief's countries" in p.message)
    assert country.line == 15 and country.field == "action.steps[2].countries[0]"


# --- the bundled brief: a permanently neutral state is not told to act through the SCO -------------


@pytest.mark.unit
@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("scenario", ["china-recovers", "china-stalls"])
def test_turkmenistan_is_never_asked_to_act_through_the_sco(language: str, scenario: str) -> None:
    loaded = load_sources(CENTRAL_ASIA)
    if language != "en":
        loaded = localise(loaded, language)
    sco = re.compile(r"\bSCO\b|\bШОС\b")

    def asks(brief: TailoredBrief) -> list[str]:
        """Return what the brief asks the government to do: its lead, actions, steps and notes."""
        texts = [brief.summary.plain()]
        for rec in brief.recommendations:
            texts += [rec.action.plain(), *(s.plain() for s in rec.steps)]
            texts += [rec.country_note.plain()] if rec.country_note else []
        return texts

    turkmenistan = tailor(loaded, "TM", scenario)
    assert not [text for text in asks(turkmenistan) if sco.search(text)]
    balance = next(r for r in turkmenistan.recommendations if r.id == "deepen-balancing")
    assert any(re.search(r"neutrality|нейтралитет", s.plain()) for s in balance.steps)
    kazakhstan = tailor(loaded, "KZ", scenario)  # a member is
    assert sum(bool(sco.search(text)) for text in asks(kazakhstan)) >= 2


@pytest.mark.unit
def test_explain_turkmenistan_names_the_condition_that_left_the_sco_steps_out() -> None:
    out = runner.invoke(app, ["explain", str(CENTRAL_ASIA), "--country", "TM"]).stdout
    assert "step 2 left out: Coordinate among the Central Asian governments before negotiating wit" in out
    assert "step 6 left out: Use the SCO and other forums to keep several partners engaged" in out
    assert out.count("✗ country.sco_member = True  (is False)") == 3  # two steps and an evidence item
    assert "step 3 kept: Coordinate bilaterally with the other Central Asian governments" in out
    assert "✓ country.permanent_neutrality = True  (is True)" in out

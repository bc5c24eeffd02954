"""`briefgen explain`: readable for an analyst, stable JSON for scripts."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from briefgen.cli import app
from conftest import ANDES, CENTRAL_ASIA

runner = CliRunner()


@pytest.mark.unit
def test_explain_says_why_each_recommendation_is_in_or_out() -> None:
    result = runner.invoke(
        app, ["explain", str(CENTRAL_ASIA), "--country", "KG", "--scenario", "china-stalls"]
    )
    assert result.exit_code == 0
    out = result.stdout
    assert "brief for Kyrgyzstan (KG)" in out
    assert 'Scenario: china-stalls, "China’s economy fails to recover" (chosen with --scenario)' in out
    assert "✓ country.debt_to_china_share_external_debt ≥ 0.3  (is 0.43)" in out
    assert "EXCLUDED (0)" in out


@pytest.mark.unit
def test_explain_names_the_leaf_that_excluded_a_recommendation() -> None:
    out = runner.invoke(app, ["explain", str(CENTRAL_ASIA), "-c", "TM", "-s", "china-stalls"]).stdout
    excluded = out.split("EXCLUDED (1)")[1]
    assert "professionalise-business-environment" in excluded
    assert "✗ country.debt_to_china_share_external_debt ≥ 0.3  (is not defined)" in excluded


@pytest.mark.unit
def test_explain_reports_audience_and_status_reasons() -> None:
    out = runner.invoke(app, ["explain", str(ANDES), "--country", "CL"]).stdout
    assert "because: audience is PE, BO; CL is not in it" in out
    assert "because: status is retired" in out


@pytest.mark.unit
def test_explain_json_is_byte_identical_across_runs_and_complete() -> None:
    args = ["explain", str(CENTRAL_ASIA), "--country", "KG", "--json"]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert first.exit_code == 0 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert (data["country"], data["scenario"]) == ("KG", "china-recovers")
    assert [r["id"] for r in data["recommendations"] if r["included"]] == [
        "monitor-domestic-drivers",
        "professionalise-business-environment",
        "deepen-balancing",
    ]
    prof = data["recommendations"][1]
    assert prof["leaves"] == [
        {
            "fact": "scenario.china_economy",
            "operator": "equals",
            "operand": "recovering",
            "value": "recovering",
            "defined": True,
            "holds": True,
        }
    ]
    assert all(item["countries"] is None or "KG" in item["countries"] for item in prof["evidence_kept"])


@pytest.mark.unit
def test_an_unknown_country_is_a_usage_error() -> None:
    result = runner.invoke(app, ["explain", str(CENTRAL_ASIA), "--country", "FR"])
    assert result.exit_code == 2 and "FR is not one of china-central-asia's countries" in result.output


def test_explain_on_a_broken_brief_prints_the_problems_and_exits_1(andes) -> None:
    (andes / "sources.yaml").write_text("broken: [\n")
    import sys
    from subprocess import run

    proc = run(
        [sys.executable, "-m", "briefgen", "explain", str(andes), "--country", "PE"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "sources.yaml:2:1: (file): malformed YAML" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.unit
def test_a_leaf_prints_its_numbers_as_the_analyst_wrote_them() -> None:
    from briefgen.tailoring.explain import _leaf_text

    leaf = {
        "fact": "country.population_m",
        "operator": "gte",
        "operand": 10.0,
        "value": 12.0,
        "defined": True,
    }
    assert _leaf_text(leaf) == "country.population_m ≥ 10  (is 12)"
    leaf |= {"operator": "in", "operand": ["KZ", "KG"], "value": "TJ"}
    assert _leaf_text(leaf) == "country.population_m in ['KZ', 'KG']  (is 'TJ')"
    leaf |= {"operator": "lt", "operand": 0.25, "value": 0.5}
    assert _leaf_text(leaf) == "country.population_m < 0.25  (is 0.5)"

"""`briefgen validate`: every model rule and cross-file rule, with exact file, line and message."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefgen.cli import app
from conftest import ANDES, CENTRAL_ASIA, REPO, replace_in

runner = CliRunner()


def validate(folder: Path, *args: str) -> tuple[int, list[str], str]:
    """Run validate; return the exit code, the problem lines (paths relative to the briefs folder)."""
    result = runner.invoke(app, ["validate", str(folder), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    base = os.path.relpath(folder.parent) + os.sep
    lines = [
        line.replace(base, "") for line in result.stderr.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)
    ]
    return result.exit_code, lines, result.stdout


@pytest.mark.unit
def test_the_bundled_brief_is_valid() -> None:
    code, problems, out = validate(CENTRAL_ASIA)
    assert (code, problems) == (0, [])
    assert out.startswith("china-central-asia: ok, edition ")


@pytest.mark.unit
def test_the_fixture_brief_on_another_region_is_valid() -> None:
    code, problems, out = validate(ANDES)
    assert (code, problems) == (0, [])
    assert "3 recommendations, 3 countries, 5 sources" in out


@pytest.mark.unit
def test_an_unknown_field_is_an_error_with_a_suggestion(andes: Path) -> None:
    replace_in(andes / "recommendations/share-hydrological-data.yaml", "priority: 2", "priorty: 2")
    code, problems, _ = validate(andes)
    assert code == 1
    assert problems == [
        "andes-water/recommendations/share-hydrological-data.yaml:1:1: priority: required field is missing",
        "andes-water/recommendations/share-hydrological-data.yaml:3:1: priorty: unknown field; did you mean 'priority'?",
    ]


@pytest.mark.unit
def test_a_wrong_type_names_the_value(andes: Path) -> None:
    replace_in(andes / "recommendations/share-hydrological-data.yaml", "priority: 2", "priority: high")
    _, problems, _ = validate(andes)
    assert problems == [
        "andes-water/recommendations/share-hydrological-data.yaml:3:11: priority: "
        "Input should be a valid integer (found 'high')"
    ]


@pytest.mark.unit
def test_every_problem_is_reported_not_only_the_first(andes: Path) -> None:
    replace_in(andes / "brief.yaml", "edition: 1", "edition: 0")
    replace_in(andes / "sources.yaml", "year: 2013", "year: soon")
    replace_in(andes / "recommendations/old-idea.yaml", "status: retired", "status: shelved")
    code, problems, _ = validate(andes)
    assert code == 1
    assert [p.split(": ")[0] for p in problems] == [
        "andes-water/brief.yaml:9:10",
        "andes-water/recommendations/old-idea.yaml:6:9",
        "andes-water/sources.yaml:11:9",
    ]


@pytest.mark.unit
def test_an_id_that_climbs_out_of_the_folder_is_refused(andes: Path) -> None:
    replace_in(andes / "brief.yaml", "id: andes-water", "id: ../../etc")
    _, problems, _ = validate(andes)
    assert problems == [
        "andes-water/brief.yaml:2:5: id: '../../etc' must be a lowercase id: letters, digits and single "
        "hyphens, like `my-id` (no `/`, `..` or spaces)"
    ]


@pytest.mark.unit
def test_the_brief_id_must_equal_its_folder(andes: Path) -> None:
    replace_in(andes / "brief.yaml", "id: andes-water", "id: andes")
    _, problems, _ = validate(andes)
    assert problems == ["andes-water/brief.yaml:2:5: id: id 'andes' must equal the folder name 'andes-water'"]


@pytest.mark.unit
def test_a_recommendation_id_must_equal_its_file_name(andes: Path) -> None:
    replace_in(andes / "recommendations/old-idea.yaml", "id: old-idea", "id: new-idea")
    _, problems, _ = validate(andes)
    assert problems == [
        "andes-water/recommendations/old-idea.yaml:1:5: id: id 'new-idea' must equal the file name 'old-idea'"
    ]


@pytest.mark.unit
def test_duplicate_recommendation_ids_are_refused(andes: Path) -> None:
    source = andes / "recommendations/old-idea.yaml"
    (andes / "recommendations/old-idea.yml").write_text(source.read_text())
    _, problems, _ = validate(andes)
    assert problems == [
        "andes-water/recommendations/old-idea.yml:1:5: id: duplicate recommendation id 'old-idea' (also in old-idea.yaml)"
    ]


@pytest.mark.unit
def test_a_dangling_evidence_source_is_refused_with_a_suggestion(andes: Path) -> None:
    replace_in(
        andes / "recommendations/share-hydrological-data.yaml",
        "source: rabatel2013",
        "source: rabatel2031",
    )
    _, problems, _ = validate(andes)
    assert problems == [
        "andes-water/recommendations/share-hydrological-data.yaml:11:13: evidence[0].source: "
        "source 'rabatel2031' is not in sources.yaml; did you mean 'rabatel2013'?"
    ]


@pytest.mark.unit
def test_a_citation_of_a_missing_work_is_refused_at_its_own_line(andes: Path) -> None:
    replace_in(andes / "brief.yaml", "[@unesco-2021-report, p. 12]", "[@unesco-2022, p. 12]")
    _, problems, _ = validate(andes)
    assert problems == [
        "andes-water/brief.yaml:21:11: sections[0].body: citation [@unesco-2022] names no work in "
        "sources.yaml; did you mean 'unesco-2021-atlas'?"
    ]


@pytest.mark.unit
def test_a_citation_in_a_footnote_is_checked_too(andes: Path) -> None:
    replace_in(andes / "brief.yaml", "[@rabatel2013]", "[@nobody]")
    _, problems, _ = validate(andes)
    assert len(problems) == 1 and "summary: citation [@nobody] names no work" in problems[0]


@pytest.mark.unit
def test_a_fact_source_in_a_profile_must_exist(andes: Path) -> None:
    replace_in(andes.parent / "countries/CL.yaml", "source: unesco-2021-report", "source: dga")
    _, problems, _ = validate(andes)
    assert problems == [
        "countries/CL.yaml:9:56: facts.water_stress_index.source: source 'dga' is neither in "
        "countries/sources.yaml nor in andes-water/sources.yaml (loading brief 'andes-water')"
    ]


@pytest.mark.unit
def test_an_unknown_country_code_is_refused_everywhere_it_can_appear(andes: Path) -> None:
    replace_in(andes / "recommendations/share-hydrological-data.yaml", "[PE, BO]", "[PE, BR]")
    replace_in(andes / "recommendations/protect-glacier-basins.yaml", "  PE: Peru", "  EC: Peru")
    replace_in(andes / "recommendations/prepare-drought-finance.yaml", "countries: [CL]", "countries: [AR]")
    replace_in(andes / "brief.yaml", "countries: [PE, BO, CL]", "countries: [PE, BO, CL, AR]")
    _, problems, _ = validate(andes)
    assert problems == [
        "andes-water/brief.yaml:28:25: countries[3]: no profile for AR: expected "
        f"{andes.parent / 'countries' / 'AR.yaml'}",
        "andes-water/recommendations/protect-glacier-basins.yaml:21:3: country_notes.EC: EC is not one "
        "of the brief's countries (PE, BO, CL, AR)",
        "andes-water/recommendations/share-hydrological-data.yaml:4:28: audience.countries[1]: BR is not one "
        "of the brief's countries (PE, BO, CL, AR)",
    ]


@pytest.mark.unit
def test_a_country_code_must_be_upper_case_alpha_2(andes: Path) -> None:
    replace_in(andes / "recommendations/protect-glacier-basins.yaml", "countries: [BO]", "countries: [bo]")
    _, problems, _ = validate(andes)
    assert problems == [
        "andes-water/recommendations/protect-glacier-basins.yaml:19:17: evidence[1].countries[0]: 'bo' must "
        "be an upper-case ISO 3166-1 alpha-2 country code, like `FR`"
    ]


@pytest.mark.unit
def test_an_unknown_fact_names_the_nearest_one(andes: Path) -> None:
    replace_in(
        andes / "recommendations/protect-glacier-basins.yaml",
        "country.glacier_share_water_supply",
        "country.glacier_share",
    )
    replace_in(andes / "recommendations/prepare-drought-finance.yaml", "scenario.enso", "scenario.ens0")
    _, problems, _ = validate(andes)
    assert problems == [
        "andes-water/recommendations/prepare-drought-finance.yaml:8:16: trigger.when.any[0].fact: no scenario "
        "of this brief defines 'ens0'; did you mean 'scenario.enso'?",
        "andes-water/recommendations/protect-glacier-basins.yaml:7:16: trigger.when.fact: no country profile "
        "of this brief defines 'glacier_share'; did you mean 'country.glacier_share_water_supply'?",
    ]


@pytest.mark.unit
def test_a_condition_needs_exactly_one_operator(andes: Path) -> None:
    replace_in(andes / "recommendations/protect-glacier-basins.yaml", "gte: 0.2}", "gte: 0.2, lt: 0.9}")
    _, problems, _ = validate(andes)
    assert problems == [
        "andes-water/recommendations/protect-glacier-basins.yaml:7:9: trigger.when: a fact test needs "
        "exactly one of equals, in, gt, gte, lt, lte, exists (found: gte, lt)"
    ]


@pytest.mark.unit
def test_a_condition_must_be_all_any_not_or_a_fact_test(andes: Path) -> None:
    replace_in(andes / "recommendations/prepare-drought-finance.yaml", "{not: {fact", "{nor: {fact")
    _, problems, _ = validate(andes)
    assert problems == [
        "andes-water/recommendations/prepare-drought-finance.yaml:11:13: trigger.when.any[1].all[1]: "
        "a condition is a mapping with one of: all, any, not, fact, series, status"
    ]


@pytest.mark.unit
def test_the_active_scenario_must_exist(andes: Path) -> None:
    replace_in(andes / "brief.yaml", "scenario: neutral", "scenario: la-nina")
    _, problems, _ = validate(andes)
    assert problems == [
        "andes-water/brief.yaml:27:11: scenario: scenario 'la-nina' is not one of the brief's scenarios (el-nino, neutral)"
    ]


@pytest.mark.unit
def test_recipients_need_a_valid_email(andes: Path) -> None:
    replace_in(andes / "recipients.yaml", "email: cl-dga@example.org", "email: not-an-email")
    _, problems, _ = validate(andes)
    assert [p.split(": ", 1)[1] for p in problems] == ["[2].email: 'not-an-email' has the wrong form"]


@pytest.mark.unit
def test_recipient_ids_are_unique_and_countries_are_the_briefs(andes: Path) -> None:
    replace_in(andes / "recipients.yaml", "id: bo-env-director", "id: pe-water-vice-minister")
    replace_in(andes / "recipients.yaml", "country: CL", "country: AR")
    _, problems, _ = validate(andes)
    assert [p.split(": ", 1)[1] for p in problems] == [
        "[1].id: duplicate recipient id 'pe-water-vice-minister'",
        "[2].country: AR is not one of the brief's countries (PE, BO, CL)",
    ]


@pytest.mark.unit
def test_an_unused_source_is_a_warning_not_an_error(andes: Path) -> None:
    with (andes / "sources.yaml").open("a") as handle:
        handle.write("spare2020: {type: book, author: Nobody, title: Unused, year: 2020}\n")
    code, problems, _ = validate(andes)
    assert code == 0
    assert problems == [
        "andes-water/sources.yaml:18:1: spare2020: warning: source 'spare2020' is never cited"
    ]


@pytest.mark.unit
def test_json_report_lists_problems_for_scripts(andes: Path) -> None:
    replace_in(andes / "brief.yaml", "edition: 1", "edition: first")
    result = runner.invoke(app, ["validate", str(andes), "--json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and report["ok"] is False
    assert [(p["line"], p["field"]) for p in report["problems"]] == [(9, "edition")]


@pytest.mark.unit
def test_without_an_argument_every_brief_under_briefs_is_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0 and "china-central-asia: ok" in result.stdout


@pytest.mark.unit
def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    code, problems, _ = validate(tmp_path / "nothing")
    assert code == 1 and problems[0].endswith("nothing:1:1: (file): no such brief folder")


@pytest.mark.unit
def test_a_usage_error_exits_with_2() -> None:
    assert runner.invoke(app, ["validate", "--bogus"]).exit_code == 2


@pytest.mark.unit
def test_a_character_no_font_can_show_is_a_warning_naming_file_and_field(andes: Path) -> None:
    replace_in(
        andes / "brief.yaml", "Droughts follow El Niño years.", "Droughts follow El Niño years \ue000."
    )
    code, problems, _ = validate(andes)
    assert code == 0
    assert len(problems) == 1
    assert problems[0].startswith(
        "andes-water/brief.yaml:23:11: sections[1].body: warning: no installed font has"
    )
    assert "U+E000" in problems[0]


@pytest.mark.unit
def test_did_you_mean_only_suggests_fields_of_the_mapping_that_holds_the_typo(andes: Path) -> None:
    replace_in(
        andes / "recommendations/share-hydrological-data.yaml",
        "    source: rabatel2013",
        "    sorce: rabatel2013",
    )
    replace_in(andes / "brief.yaml", "series: Test Brief", "series: Test Brief\nstep: one")
    _, problems, _ = validate(andes)
    messages = [p.split(": ", 2)[1:] for p in problems]
    assert ["evidence[0].sorce", "unknown field; did you mean 'source'?"] in messages
    # brief.yaml has no `steps` (recommendations do): no suggestion from another kind of file
    assert ["step", "unknown field"] in messages

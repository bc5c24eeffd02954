"""The follow-up: assessments as source files, the status each brief shows, status conditions,
progress in the changes box, and assessments frozen into each released edition."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefgen.document.doctree import plain_inlines
from briefgen.editions.release import release
from briefgen.sources.frozen import load_edition, load_working, read_edition
from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor
from briefgen.tailoring.explain import explanation, explanation_text
from conftest import replace_in
from followup import LIMITED, SOME, problems_of, track_file

runner = CliRunner()

# --- assessments as source files -----------------------------------------------------------------


@pytest.mark.unit
def test_a_valid_follow_up_loads_with_each_countrys_assessments(andes: Path) -> None:
    track_file(andes, "PE", LIMITED + SOME)
    replace_in(andes / "brief.yaml", "date: 2024-03-01", "date: 2024-09-01")
    loaded = load_sources(andes)
    assert [a.status for a in loaded.tracking["PE"]] == ["limited", "some"]
    assert loaded.warnings == []
    assert problems_of(andes) == (0, [])


INVALID = [
    # (what is wrong, old text, new text, the problem line)
    (
        "an unknown recommendation",
        "recommendation: protect-glacier-basins",
        "recommendation: protect-glacier-basin",
        "andes-water/tracking/PE.yaml:1:19: [0].recommendation: no recommendation 'protect-glacier-basin' in "
        "this brief; did you mean 'protect-glacier-basins'?",
    ),
    (
        "a step the recommendation does not have",
        "  date: 2023-05-10",
        "  step: 3\n  date: 2023-05-10",
        "andes-water/tracking/PE.yaml:2:9: [0].step: 'protect-glacier-basins' has 2 steps; there is no step 3",
    ),
    (
        "a step named by an id steps do not have",
        "  date: 2023-05-10",
        "  step: map-basins\n  date: 2023-05-10",
        "andes-water/tracking/PE.yaml:2:9: [0].step: the steps of 'protect-glacier-basins' have no ids; "
        "name the step by its number (1 to 2)",
    ),
    (
        "an institution the profile does not name",
        "lead: environment-ministry",
        "lead: environmental-ministry",
        "andes-water/tracking/PE.yaml:7:9: [0].lead: 'environmental-ministry' is not an institution of PE's "
        "profile (it names: environment-ministry); did you mean 'environment-ministry'?; add it under "
        "`institutions:` in PE.yaml",
    ),
    (
        "a status off the scale",
        "status: limited",
        "status: partial",
        "andes-water/tracking/PE.yaml:3:11: [0].status: Input should be 'not-assessed', 'no-progress', "
        "'limited', 'some', 'substantial' or 'full' (found 'partial')",
    ),
    (
        "a date in the future",
        "date: 2023-05-10",
        "date: 2999-01-01",
        f"andes-water/tracking/PE.yaml:2:9: [0].date: 2999-01-01 is in the future (today is {dt.date.today()})",
    ),
    (
        "a date after the brief's",
        "date: 2023-05-10",
        "date: 2024-03-02",
        "andes-water/tracking/PE.yaml:2:9: [0].date: 2024-03-02 is after the brief's date (2024-03-01); an "
        "edition reports only what was known on its date: move brief.yaml's date on",
    ),
    (
        "no evidence",
        '  evidence:\n    - {claim: Two basin maps were published., source: unesco-2021-report, locator: "14"}\n',
        "  evidence: []\n",
        "andes-water/tracking/PE.yaml:8:13: [0].evidence: List should have at least 1 item after validation, not 0",
    ),
    (
        "evidence citing an unknown source",
        "source: unesco-2021-report",
        "source: unesco-2021-reprot",
        "andes-water/tracking/PE.yaml:9:55: [0].evidence[0].source: source 'unesco-2021-reprot' is not in "
        "sources.yaml; did you mean 'unesco-2021-report'?",
    ),
]


@pytest.mark.unit
@pytest.mark.parametrize(("wrong", "old", "new", "expected"), INVALID, ids=[case[0] for case in INVALID])
def test_each_invalid_assessment_is_a_located_error_with_exit_status_1(
    andes: Path, wrong: str, old: str, new: str, expected: str
) -> None:
    path = track_file(andes, "PE", LIMITED)
    replace_in(path, old, new)
    code, problems = problems_of(andes)
    assert code == 1, wrong
    assert problems == [expected]


@pytest.mark.unit
def test_two_assessments_of_the_same_thing_on_the_same_day_are_an_error(andes: Path) -> None:
    track_file(andes, "PE", LIMITED + LIMITED.replace("status: limited", "status: some"))
    code, problems = problems_of(andes)
    assert code == 1
    assert problems == [
        "andes-water/tracking/PE.yaml:12:9: [1].date: 'protect-glacier-basins' is already assessed on "
        "2023-05-10 (assessment 1); one assessment a day"
    ]


@pytest.mark.unit
def test_a_tracking_file_must_be_named_after_one_of_the_briefs_countries(andes: Path) -> None:
    track_file(andes, "AR", LIMITED)
    code, problems = problems_of(andes)
    assert code == 1
    assert problems == [
        "andes-water/tracking/AR.yaml:1:1: (file): a tracking file is named by the code of one of the brief's "
        "countries (PE, BO, CL), like KZ.yaml; 'AR.yaml' is not"
    ]


@pytest.mark.unit
def test_an_unreadable_brief_yaml_is_the_one_problem_not_every_tracking_file_after_it(andes: Path) -> None:
    track_file(andes, "PE", LIMITED)
    (andes / "brief.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    code, problems = problems_of(andes)
    assert code == 1
    assert problems and all(line.startswith("andes-water/brief.yaml:") for line in problems), problems


@pytest.mark.unit
def test_an_assessment_of_a_recommendation_the_country_does_not_get_is_a_warning_giving_explains_reason(
    andes: Path,
) -> None:
    text = LIMITED.replace("protect-glacier-basins", "share-hydrological-data").replace(
        "environment-ministry", "environment-ministry"
    )
    track_file(andes, "CL", text)
    code, problems = problems_of(andes)
    assert code == 0
    assert problems == [
        "andes-water/tracking/CL.yaml:1:19: [0].recommendation: warning: 'share-hydrological-data' is not in "
        "CL's brief (audience is PE, BO; CL is not in it); the assessment is kept but not printed"
    ]
    assert problems_of(andes) == (code, problems)  # the same place when the file comes from the cache


@pytest.mark.unit
def test_a_file_read_from_the_cache_still_locates_its_problems(andes: Path) -> None:
    track_file(andes, "PE", LIMITED + SOME.replace("2024-06-01", "2024-02-01"))
    assert problems_of(andes) == (0, [])  # read, validated and cached
    replace_in(andes / "brief.yaml", "date: 2024-03-01", "date: 2024-01-01")  # the file itself is unchanged
    code, problems = problems_of(andes)
    assert code == 1
    assert problems == [
        "andes-water/tracking/PE.yaml:12:9: [1].date: 2024-02-01 is after the brief's date (2024-01-01); an "
        "edition reports only what was known on its date: move brief.yaml's date on"
    ]


@pytest.mark.unit
def test_a_changed_tracking_file_is_read_again_not_taken_from_the_cache(andes: Path) -> None:
    path = track_file(andes, "PE", LIMITED)
    assert load_sources(andes).tracking["PE"][0].status == "limited"
    replace_in(path, "status: limited", "status: substantial")
    assert load_sources(andes).tracking["PE"][0].status == "substantial"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("cached", "tampered"),
    [
        ('"status":"limited"', '"status":"finished"'),  # a status off the scale
        ('"date":"2023-05-10"', '"date":"2023-05-10T00:00:00"'),  # a date and time
        ('"anchors":[[', '"anchors":[["1",'),  # a position that is no number
    ],
)
def test_a_cache_file_that_was_tampered_with_is_not_believed(andes: Path, cached: str, tampered: str) -> None:
    from briefgen.sources.tracking import _cache_key, _cache_path

    path = track_file(andes, "PE", LIMITED)
    assert load_sources(andes).tracking["PE"][0].status == "limited"  # read, validated and cached
    entry = _cache_path(_cache_key(path.read_bytes()))
    assert cached in entry.read_text()
    entry.write_text(entry.read_text().replace(cached, tampered, 1))
    again = load_sources(andes).tracking["PE"][0]
    assert (again.status, again.date) == ("limited", dt.date(2023, 5, 10))  # read from the file again
    assert tampered not in entry.read_text()  # and cached afresh


# --- what the brief shows --------------------------------------------------------------------------


@pytest.mark.unit
def test_each_recommendation_shows_its_latest_status_with_month_first_sentence_and_citation(
    andes: Path,
) -> None:
    track_file(andes, "PE", SOME + LIMITED)  # any order in the file
    replace_in(andes / "brief.yaml", "date: 2024-03-01", "date: 2024-09-01")
    peru = tailor(load_sources(andes), "PE")
    progress = next(r for r in peru.recommendations if r.id == "protect-glacier-basins").progress
    assert progress is not None
    assert (progress.status, progress.label, progress.date_text) == ("some", "Some progress", "June 2024")
    assert plain_inlines(progress.text) == (
        "The ministry mapped every basin (Rabatel et al., 2013; UNESCO, 2021a,\u00a0p.\u00a04)."
    )
    assert progress.lead == "Ministry of the Environment of Peru"
    assert "unesco-2021-atlas" in {r.key for r in peru.references}
    other = next(r for r in peru.recommendations if r.id == "share-hydrological-data")
    assert other.progress is None


@pytest.mark.unit
def test_an_illustrative_assessment_says_so_on_the_page(andes: Path) -> None:
    from briefgen.render.html import HtmlRenderer

    track_file(andes, "PE", LIMITED + "  illustrative: true\n")
    html = HtmlRenderer().render(tailor(load_sources(andes), "PE")).decode()
    assert "Limited progress (May 2023; illustrative assessment)" in html


@pytest.mark.unit
def test_the_changes_box_reports_progress_since_the_previous_edition(andes: Path) -> None:
    track_file(andes, "PE", LIMITED)
    release(andes)  # edition 1 froze "limited"
    track_file(andes, "PE", LIMITED + SOME)
    replace_in(andes / "brief.yaml", "date: 2024-03-01", "date: 2024-09-01")
    lines = tailor(load_working(andes), "PE").changes.lines  # type: ignore[union-attr]
    assert lines[0] == "Recommendation 1: from “Limited progress” to “Some progress” (June 2024)."
    bolivia = tailor(load_working(andes), "BO").changes.lines  # type: ignore[union-attr]
    assert not any("progress" in line.lower() for line in bolivia)


@pytest.mark.unit
def test_a_first_assessment_is_reported_as_such_in_the_changes_box(andes: Path) -> None:
    release(andes)
    track_file(andes, "PE", LIMITED)
    lines = tailor(load_working(andes), "PE").changes.lines  # type: ignore[union-attr]
    assert "Recommendation 1: first assessed, “Limited progress” (May 2023)." in lines


# --- status conditions ---------------------------------------------------------------------------


FULL = LIMITED.replace("status: limited", "status: full").replace("2023-05-10", "2024-01-15")


@pytest.mark.unit
def test_a_recommendation_dropped_once_fully_implemented_and_explain_says_so(andes: Path) -> None:
    replace_in(
        andes / "recommendations/protect-glacier-basins.yaml",
        "when: {fact: country.glacier_share_water_supply, gte: 0.2}",
        "when:\n    all:\n      - {fact: country.glacier_share_water_supply, gte: 0.2}\n"
        "      - {not: {status: {equals: full}}}",
    )
    track_file(andes, "PE", LIMITED)
    assert "protect-glacier-basins" in [r.id for r in tailor(load_sources(andes), "PE").recommendations]
    track_file(andes, "PE", LIMITED + FULL)
    loaded = load_sources(andes)
    assert loaded.warnings == []  # dropped by its status: no "does not apply" warning
    peru = tailor(loaded, "PE")
    assert "protect-glacier-basins" not in [r.id for r in peru.recommendations]
    text = explanation_text(explanation(loaded, peru))
    assert (
        "because the condition fails:\n         ✓ latest status of protect-glacier-basins = full  (is full)"
        in text
    )
    assert "follow-up: full (assessed 2024-01-15)" in text


@pytest.mark.unit
def test_a_status_condition_on_a_paragraph_changes_which_text_a_country_gets(andes: Path) -> None:
    replace_in(
        andes / "brief.yaml",
        "    body: Droughts follow El Niño years.",
        "    body:\n      - Droughts follow El Niño years.\n"
        "      - text: Little has been done to protect the glacier basins yet; it stays the first priority.\n"
        "        when: {status: {in: [no-progress, limited]}, recommendation: protect-glacier-basins}",
    )
    track_file(andes, "PE", LIMITED)
    track_file(andes, "BO", LIMITED.replace("status: limited", "status: substantial"))
    loaded = load_sources(andes)
    sections = {c: dict(tailor(loaded, c).sections)["Drought"].plain() for c in ("PE", "BO", "CL")}
    assert "Little has been done" in sections["PE"]
    assert "Little has been done" not in sections["BO"]
    assert "Little has been done" not in sections["CL"]  # never assessed: not-assessed
    paragraphs = explanation(loaded, tailor(loaded, "BO"))["paragraphs"]
    assert paragraphs[-1]["included"] is False
    assert (
        "status.protect-glacier-basins in ['no-progress', 'limited'] (value 'substantial'): false"
        in (paragraphs[-1]["reason"])
    )


@pytest.mark.unit
def test_a_status_test_outside_a_recommendation_must_name_one(andes: Path) -> None:
    replace_in(
        andes / "brief.yaml",
        "    body: Droughts follow El Niño years.",
        "    body:\n      - text: A paragraph.\n        when: {status: {equals: full}}",
    )
    code, problems = problems_of(andes)
    assert code == 1
    assert problems == [
        "andes-water/brief.yaml:25:15: sections[1].body[0].when: a status test outside a recommendation "
        "names one: `recommendation: <id>`"
    ]


# --- editions ------------------------------------------------------------------------------------


@pytest.mark.unit
def test_a_release_freezes_the_assessments_and_the_edition_keeps_them_whatever_the_files_say(
    andes: Path,
) -> None:
    track_file(andes, "PE", LIMITED)
    release(andes)
    frozen = read_edition(andes, 1)["content"]
    assert [a["status"] for a in frozen["tracking"]["PE"]] == ["limited"]
    (andes / "tracking" / "PE.yaml").unlink()
    edition = load_edition(andes, 1)
    assert [a.status for a in edition.tracking["PE"]] == ["limited"]
    assert tailor(edition, "PE").recommendations[0].progress is not None


@pytest.mark.unit
def test_an_edition_released_without_a_follow_up_has_no_tracking_key(andes: Path) -> None:
    release(andes)
    assert "tracking" not in json.loads((andes / "editions" / "1.json").read_text())["content"]


@pytest.mark.slow
def test_a_released_edition_with_assessments_rebuilds_byte_identically_after_the_tracking_files_change(
    andes: Path, tmp_path: Path
) -> None:
    from hardening import ends_cleanly, run

    track_file(andes, "PE", LIMITED)
    track_file(andes, "BO", LIMITED.replace("status: limited", "status: some"))
    release(andes)

    def built(out: Path) -> dict[str, bytes]:
        ends_cleanly(
            run("build", andes, "--edition", "1", "--country", "PE", "--country", "BO", "--out", out), 0
        )
        return {p.name: p.read_bytes() for p in sorted((out / "andes-water" / "e1" / "en").iterdir())}

    before = built(tmp_path / "first")
    assert {name.rsplit(".", 1)[1] for name in before} == {"docx", "pdf"}
    import zipfile

    with zipfile.ZipFile(tmp_path / "first" / "andes-water" / "e1" / "en" / "andes-water-PE-e1.docx") as docx:
        assert "Limited progress (May 2023)" in docx.read("word/document.xml").decode()  # the frozen status
    # the follow-up moves on: Peru reassessed, Bolivia's file gone, Chile's added
    track_file(
        andes, "PE", LIMITED + LIMITED.replace("2023-05-10", "2024-02-01").replace("limited", "full", 1)
    )
    (andes / "tracking" / "BO.yaml").unlink()
    track_file(andes, "CL", LIMITED.replace("protect-glacier-basins", "prepare-drought-finance"))
    after = built(tmp_path / "second")
    assert after == before

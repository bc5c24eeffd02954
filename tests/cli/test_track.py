"""`briefgen track`: the follow-up matrix, by institution, the overdue steps, and the tables for
spreadsheets (CSV and XLSX read back with openpyxl)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.editions.release import release
from conftest import replace_in
from followup import LIMITED, SOME, track_file

runner = CliRunner()

BOLIVIA = LIMITED.replace("status: limited", "status: substantial").replace("2023-05-10", "2023-11-20")


@pytest.fixture
def tracked(andes: Path) -> Path:
    """The Andes brief with a follow-up: Peru limited, then some progress; Bolivia substantial."""
    replace_in(andes / "brief.yaml", "date: 2024-03-01", "date: 2024-09-01")
    track_file(andes, "PE", LIMITED + SOME)
    track_file(andes, "BO", BOLIVIA)
    return andes


def track(*args: str | Path) -> str:
    result = runner.invoke(app, ["track", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.unit
def test_track_prints_the_matrix_with_each_cells_status_trend_and_date(tracked: Path) -> None:
    out = track(tracked)
    lines = out.splitlines()
    first = next(n for n, line in enumerate(lines) if "1. Protect glacier-fed basins" in line)
    # Chile's glaciers give too little of its water for the recommendation: not in its brief
    assert [cell.strip() for cell in lines[first].split("│")[2:5]] == ["some", "substantial", "–"]
    assert [cell.strip() for cell in lines[first + 1].split("│")[2:4]] == ["↑ 2024-06-01", "new 2023-11-20"]
    share = next(line for line in lines if "Share hydrological data" in line)
    assert [cell.strip() for cell in share.split("│")[2:5]] == ["not assessed", "not assessed", "–"]
    assert "PE Peru  BO Bolivia  CL Chile" in out


def _csv_rows(data: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.lstrip("\ufeff"))))


@pytest.mark.unit
def test_the_csv_and_the_xlsx_hold_the_same_cells(tracked: Path, tmp_path: Path) -> None:
    track(tracked, "--csv", tmp_path / "cells.csv")
    track(tracked, "--xlsx", tmp_path / "follow-up.xlsx")
    from_csv = _csv_rows((tmp_path / "cells.csv").read_text(encoding="utf-8"))
    book = openpyxl.load_workbook(tmp_path / "follow-up.xlsx")
    sheet = book["Cells"]
    header = [c.value for c in sheet[1]]
    from_xlsx = []
    for row in sheet.iter_rows(min_row=2, values_only=True):
        values = dict(zip(header, row, strict=True))
        from_xlsx.append(
            {
                k: (v.date().isoformat() if isinstance(v, dt.datetime) else "" if v is None else str(v))
                for k, v in values.items()
            }
        )
    assert from_xlsx == from_csv
    assert len(from_csv) == 3 * 3
    peru = next(
        r for r in from_csv if r["country"] == "PE" and r["recommendation"] == "protect-glacier-basins"
    )
    assert (peru["status"], peru["date"], peru["trend"], peru["previous_status"]) == (
        "some",
        "2024-06-01",
        "up",
        "limited",
    )


@pytest.mark.unit
def test_the_workbook_has_one_sheet_a_view_frozen_headers_status_lists_and_real_dates(
    tracked: Path, tmp_path: Path
) -> None:
    track(tracked, "--xlsx", tmp_path / "f.xlsx")
    book = openpyxl.load_workbook(tmp_path / "f.xlsx")
    assert book.sheetnames == ["Matrix", "Cells", "By institution", "Overdue"]
    assert [book[name].freeze_panes for name in book.sheetnames] == ["C2", "A2", "A2", "A2"]
    matrix = book["Matrix"]
    assert [c.value for c in matrix[1]] == ["number", "recommendation", "PE", "BO", "CL"]
    assert [c.value for c in matrix[2]][2:] == ["some", "substantial", "not-assessed"]
    assert matrix["C2"].fill.fgColor.rgb.endswith("78A9AD")  # the status has its colour, beside its word
    lists = [v for v in matrix.data_validations.dataValidation if v.type == "list"]
    assert lists and lists[0].formula1 == '"not-assessed,no-progress,limited,some,substantial,full"'
    assert "C2" in lists[0].sqref
    cells = book["Cells"]
    header = [c.value for c in cells[1]]
    date = cells.cell(row=2, column=header.index("date") + 1)
    assert date.is_date and date.value == dt.datetime(2024, 6, 1)
    assert any(v.type == "list" for v in cells.data_validations.dataValidation)


@pytest.mark.unit
def test_by_institution_groups_the_cells_by_the_profiles_names(tracked: Path) -> None:
    out = track(tracked, "--by", "institution")
    assert (
        out.index("Peru (PE)") < out.index("Ministry of the Environment of Peru") < out.index("Bolivia (BO)")
    )
    assert "Ministry of Environment and Water of the Plurinational State of Bolivia" in out
    data = json.loads(track(tracked, "--by", "institution", "--json"))
    assert [(r["country"], r["lead_name"], r["status"]) for r in data["by_institution"]] == [
        ("PE", "Ministry of the Environment of Peru", "some"),
        ("BO", "Ministry of Environment and Water of the Plurinational State of Bolivia", "substantial"),
    ]


@pytest.mark.unit
def test_overdue_finds_a_step_whose_horizon_passed_without_full_implementation(andes: Path) -> None:
    replace_in(
        andes / "recommendations/protect-glacier-basins.yaml",
        "priority: 1",
        "priority: 1\nhorizon: 6-12 months",
    )
    track_file(andes, "PE", LIMITED)
    release(andes, date=dt.date(2024, 3, 1))  # given on 2024-03-01: due 2025-03-01
    assert "No step is past its horizon" in track(andes, "--overdue", "--as-of", "2025-02-28")
    step_done = LIMITED.replace("2023-05-10", "2024-02-20").replace("status: limited", "status: full")
    track_file(andes, "PE", LIMITED + step_done.replace("  date:", "  step: 1\n  date:"))
    out = track(andes, "--overdue", "--as-of", "2025-03-02")
    assert "PE  1.2  Limit mining near glacier tongues." in out
    assert "PE  1.1" not in out  # assessed as fully implemented
    assert "horizon 6-12 months from 2024-03-01, due 2025-03-01" in out
    data = json.loads(track(andes, "--overdue", "--as-of", "2025-03-02", "--json"))
    assert sorted((s["country"], s["step"]) for s in data["overdue"]) == [("BO", 1), ("BO", 2), ("PE", 2)]


@pytest.mark.unit
def test_track_refuses_options_that_cannot_work(tracked: Path) -> None:
    result = runner.invoke(app, ["track", str(tracked), "--by", "ministry"])
    assert result.exit_code == 2 and "--by takes `institution`" in result.stderr
    result = runner.invoke(app, ["track", str(tracked), "--overdue", "--as-of", "soon"])
    assert result.exit_code == 2 and "--as-of must be YYYY-MM-DD" in result.stderr


@pytest.mark.unit
def test_new_assessment_appends_a_commented_assessment_that_validates(andes: Path) -> None:
    from followup import problems_of

    result = runner.invoke(app, ["new", "assessment", "PE", "protect-glacier-basins", "--brief", str(andes)])
    assert result.exit_code == 0, result.output
    path = andes / "tracking" / "PE.yaml"
    assert "lead: environment-ministry" in path.read_text(encoding="utf-8")
    assert problems_of(andes) == (0, [])
    runner.invoke(app, ["new", "assessment", "PE", "share-hydrological-data", "--brief", str(andes)])
    from briefgen.sources.loading import load_sources

    assert [a.recommendation for a in load_sources(andes).tracking["PE"]] == [
        "protect-glacier-basins",
        "share-hydrological-data",
    ]
    refused = runner.invoke(app, ["new", "assessment", "AR", "protect-glacier-basins", "--brief", str(andes)])
    assert refused.exit_code == 2 and "AR is not one of the brief's countries" in refused.stderr


@pytest.mark.slow
def test_the_track_command_loads_its_follow_up_without_the_collector_walking_it(tracked: Path) -> None:
    """`briefgen track` in its own process: no collection while the follow-up loads, and what it
    loaded is frozen afterwards (it is kept to the end); a process that embeds briefgen keeps its
    collector as it was."""
    import subprocess
    import sys

    code = """
import gc, sys
from briefgen.build import collector
if sys.argv[1] == "tuned":
    collector.tune_for_documents()
from briefgen.sources.loading import load_sources
before = gc.get_freeze_count()
with collector.loading_to_keep():
    enabled = gc.isenabled()
    loaded = load_sources(sys.argv[2])
print(enabled, gc.get_freeze_count() - before, gc.isenabled(), len(loaded.tracking))
"""
    tuned, embedded = (
        subprocess.run(
            [sys.executable, "-c", code, kind, str(tracked)], capture_output=True, text=True, check=True
        ).stdout.split()
        for kind in ("tuned", "embedded")
    )
    assert tuned[0] == "False" and int(tuned[1]) > 10_000 and tuned[2:] == ["True", "2"]
    assert embedded == ["True", "0", "True", "2"]

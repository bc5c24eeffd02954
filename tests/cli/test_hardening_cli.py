"""Command-line honesty: a command that would do nothing because of its arguments says so.

Usage problems end with exit status 2 (asking for a country, scenario or edition the sources
do not have is one, in every command alike), bad input and unwritable outputs with 1; always
one clear line, never a traceback. Each case runs the real `briefgen` program.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CENTRAL_ASIA
from hardening import BRIEFGEN, ends_cleanly, run

# Root may write anywhere; without these capabilities it obeys file modes like any user.
AS_A_USER = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]


def test_build_with_an_empty_format_list_is_a_usage_error(andes: Path, tmp_path: Path) -> None:
    stderr = ends_cleanly(run("build", andes, "--format", "", "-o", tmp_path / "out"), 2)
    assert "--format names no format; give one or more of: docx, html, pdf" in stderr
    assert not (tmp_path / "out").exists()


def test_build_with_an_unknown_format_is_a_usage_error(andes: Path, tmp_path: Path) -> None:
    stderr = ends_cleanly(run("build", andes, "--format", "odt", "-o", tmp_path / "out"), 2)
    assert "unknown format 'odt'" in stderr


def test_build_of_every_brief_for_a_country_none_has_is_a_usage_error(
    briefs_copy: Path, tmp_path: Path
) -> None:
    stderr = ends_cleanly(run("build", "--country", "XX", "-o", tmp_path / "out", cwd=briefs_copy.parent), 2)
    assert "XX: not among andes-water's countries" in stderr
    assert not (tmp_path / "out").exists()


def test_build_of_every_brief_of_several_for_a_country_none_has_is_a_usage_error(
    briefs_copy: Path, tmp_path: Path
) -> None:
    shutil.copytree(CENTRAL_ASIA, briefs_copy / CENTRAL_ASIA.name, ignore=shutil.ignore_patterns("*.sqlite*"))
    for profile in (CENTRAL_ASIA.parent / "countries").glob("??.yaml"):
        shutil.copy(profile, briefs_copy / "countries" / profile.name)
    # the shared bibliography holds both briefs' profile works
    shared = briefs_copy / "countries" / "sources.yaml"
    central_asia_works = (CENTRAL_ASIA.parent / "countries" / "sources.yaml").read_text(encoding="utf-8")
    shared.write_text(shared.read_text(encoding="utf-8") + "\n" + central_asia_works, encoding="utf-8")
    shutil.copytree(  # and its translations
        CENTRAL_ASIA.parent / "countries" / "translations",
        briefs_copy / "countries" / "translations",
        dirs_exist_ok=True,
    )
    stderr = ends_cleanly(run("build", "--country", "XX", "-o", tmp_path / "out", cwd=briefs_copy.parent), 2)
    assert "XX: not among the countries of any brief built" in stderr


def test_build_for_a_country_the_brief_lacks_is_a_usage_error(andes: Path, tmp_path: Path) -> None:
    stderr = ends_cleanly(run("build", andes, "--country", "XX", "-o", tmp_path / "out"), 2)
    assert "XX: not among andes-water's countries (PE, BO, CL)" in stderr


@pytest.mark.parametrize("command", ["build", "explain"])
def test_an_unknown_scenario_is_the_same_usage_error_in_build_and_explain(
    andes: Path, tmp_path: Path, command: str
) -> None:
    args = ["-o", str(tmp_path / "out"), "-f", "html"] if command == "build" else []
    stderr = ends_cleanly(run(command, andes, "--country", "PE", "--scenario", "nope", *args), 2)
    assert "andes-water has no scenario 'nope' (it has: el-nino, neutral)" in stderr


def test_explain_for_a_country_the_brief_lacks_is_a_usage_error(andes: Path) -> None:
    stderr = ends_cleanly(run("explain", andes, "--country", "XX"), 2)
    assert "XX is not one of andes-water's countries" in stderr


def test_diff_for_a_country_the_brief_lacks_is_a_usage_error(andes: Path) -> None:
    ends_cleanly(run("release", andes), 0)
    stderr = ends_cleanly(run("diff", andes, "--country", "XX"), 2)
    assert "XX: not among andes-water's countries (PE, BO, CL)" in stderr


def test_diff_redline_into_a_folder_is_a_usage_error(andes: Path, tmp_path: Path) -> None:
    ends_cleanly(run("release", andes), 0)
    stderr = ends_cleanly(run("diff", andes, "--country", "PE", "--docx", tmp_path), 2)
    assert f"--docx {tmp_path} is a folder; give the file to write" in stderr


def test_diff_redline_into_a_read_only_folder_is_one_line(andes: Path, tmp_path: Path) -> None:
    ends_cleanly(run("release", andes), 0)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    result = subprocess.run(
        [*AS_A_USER, BRIEFGEN, "diff", str(andes), "-c", "PE", "--docx", str(locked / "x.docx")],
        capture_output=True,
        text=True,
    )
    stderr = ends_cleanly(result, 1)
    assert f"cannot write to {locked}: Permission denied" in stderr
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize("command", ["outdated", "ledger"])
def test_distribution_status_without_recipients_says_there_is_no_list(andes: Path, command: str) -> None:
    (andes / "recipients.yaml").unlink()
    stderr = ends_cleanly(run(command, andes), 1)
    assert "recipients.yaml:1:1: (file): no recipients.yaml: this brief has no distribution list" in stderr


def test_build_into_a_read_only_folder_is_one_line_and_writes_nothing(andes: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    result = subprocess.run(
        [*AS_A_USER, BRIEFGEN, "build", str(andes), "-f", "html", "-o", str(locked)],
        capture_output=True,
        text=True,
    )
    stderr = ends_cleanly(result, 1)
    assert f"cannot write to {locked}: {locked} is read-only" in stderr
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize("command", ["build", "schema"])
def test_an_output_folder_that_is_a_file_is_a_usage_error(andes: Path, tmp_path: Path, command: str) -> None:
    target = tmp_path / "a-file"
    target.write_text("keep me\n")
    args = [andes, "-f", "html"] if command == "build" else []
    stderr = ends_cleanly(run(command, *args, "--out", target), 2)
    assert f"--out {target} is a file; it must name a folder" in stderr
    assert target.read_text() == "keep me\n"


def test_an_output_folder_under_a_file_is_a_usage_error(andes: Path, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("keep me\n")
    stderr = ends_cleanly(run("build", andes, "-f", "html", "--out", tmp_path / "a-file" / "sub"), 2)
    assert "which is a file" in stderr


def test_schema_into_a_read_only_folder_is_one_line(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    result = subprocess.run(
        [*AS_A_USER, BRIEFGEN, "schema", "--out", str(locked / "schemas")], capture_output=True, text=True
    )
    stderr = ends_cleanly(result, 1)
    assert f"cannot write to {locked / 'schemas'}: {locked} is read-only" in stderr


def test_dot_inside_a_brief_folder_is_that_brief_for_every_command(andes: Path, tmp_path: Path) -> None:
    """`briefgen validate .` from inside the folder: its name is the brief's id, the project above it."""
    validated = run("validate", ".", cwd=andes)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "andes-water: ok" in validated.stdout
    built = run("build", ".", "-f", "html", "-c", "PE", "--out", tmp_path / "out", cwd=andes)
    assert built.returncode == 0, built.stdout + built.stderr
    assert (tmp_path / "out" / "andes-water" / "e1" / "en" / "andes-water-PE-e1.html").is_file()
    again = run("build", ".", "-f", "html", "-c", "PE", "--out", tmp_path / "out", cwd=andes)
    assert "0 written, 1 unchanged" in again.stdout  # the record of the first build is found again
    explained = run("explain", ".", "-c", "PE", cwd=andes)
    assert explained.returncode == 0 and "brief for Peru (PE)" in explained.stdout

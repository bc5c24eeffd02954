"""Builds that cannot go stale or collide: what was read is recorded, one build per folder at a
time, manifests merged, and released editions left as they were released."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import CENTRAL_ASIA_WORKING, build, replace_in

BRIEFGEN = str(Path(sys.executable).parent / "briefgen")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BRIEFGEN, *args], capture_output=True, text=True, timeout=600)


def wait_for(condition, what: str, limit: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.02)


def mtimes(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*.pdf")}


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.mark.slow
def test_a_source_edited_while_a_build_runs_is_rendered_by_the_next_build(
    central_asia_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    recommendation = central_asia_copy / "recommendations/deepen-balancing.yaml"
    assert run("build", str(central_asia_copy), "--out", str(out), "-j1", "-q", "-l", "en").returncode == 0
    before = mtimes(out)
    running = subprocess.Popen(
        [BRIEFGEN, "build", str(central_asia_copy), "--out", str(out), "-j1", "-q", "--force", "-l", "en"]
    )
    # once a document is written, the sources have been read: edit one while the rest render
    wait_for(lambda: mtimes(out) != before or running.poll() is not None, "the first document")
    assert running.poll() is None, "the build ended before the edit"
    text = recommendation.read_text(encoding="utf-8")
    recommendation.write_text(
        "".join("title: EDITED\n" if line.startswith("title:") else line for line in text.splitlines(True)),
        encoding="utf-8",
    )
    assert running.wait(timeout=600) == 0
    again = run("build", str(central_asia_copy), "--out", str(out), "-j1", "--json", "-l", "en")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["written"], "the edited source was taken for the one the build read"
    assert "EDITED" in pdf_text(
        out
        / f"china-central-asia/e{CENTRAL_ASIA_WORKING}/en/china-central-asia-KZ-e{CENTRAL_ASIA_WORKING}.pdf"
    )


@pytest.mark.unit
def test_an_unchanged_source_is_not_hashed_again_but_a_changed_one_is(andes: Path, tmp_path: Path) -> None:
    from briefgen.build import freshness

    first = freshness.snapshot(andes)
    # pretend the record is old, so that size and time are trusted
    first.taken_ns += 10 * 1_000_000_000
    profile = andes / "brief.yaml"
    for group in first.files.values():
        for entry in group.values():
            entry[2] = "recorded"
    replace_in(profile, "Droughts follow El Niño years.", "Droughts follow El Niño years, mostly.")
    second = freshness.snapshot(andes, first)
    assert second.files["brief"]["sources.yaml"][2] == "recorded"  # trusted by its stat
    assert second.files["brief"]["brief.yaml"][2] not in ("recorded", "")  # changed: hashed


@pytest.mark.slow
def test_two_builds_of_one_output_folder_take_turns_and_the_manifest_lists_both(
    central_asia_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = subprocess.Popen(
        [
            BRIEFGEN,
            "build",
            str(central_asia_copy),
            "--out",
            str(out),
            "-c",
            "KZ",
            "-c",
            "TJ",
            "-q",
            "-l",
            "en",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(
        lambda: (out / ".build.lock").is_file() and (out / ".build.lock").read_text().strip(), "the lock"
    )
    second = run(
        "build", str(central_asia_copy), "--out", str(out), "-c", "KG", "-f", "pdf", "-q", "-l", "en"
    )
    assert first.wait(timeout=600) == 0, first.stderr.read() if first.stderr else ""
    assert second.returncode == 0, second.stderr
    if "waiting" in second.stderr:  # it came while the first one wrote, as it nearly always does
        assert f"waiting for the build (pid {first.pid}) writing to {out} to finish" in second.stderr
    manifest = json.loads((out / f"china-central-asia/e{CENTRAL_ASIA_WORKING}/manifest.json").read_text())
    assert sorted((f["country"], f["format"]) for f in manifest["files"]) == [
        ("KG", "pdf"),
        ("KZ", "docx"),
        ("KZ", "pdf"),
        ("TJ", "docx"),
        ("TJ", "pdf"),
    ]
    assert manifest["failed"] == []


def test_a_second_build_waits_for_the_one_holding_the_folder_and_says_so(tmp_path: Path) -> None:
    from briefgen.build.flow import output_lock

    out = tmp_path / "out"
    code = f"from pathlib import Path\nfrom briefgen.build.flow import output_lock\nwith output_lock(Path({str(out)!r})):\n    print('got it')"
    with output_lock(out):
        waiting = subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert waiting.stderr is not None
        said = waiting.stderr.readline()  # written before it blocks; it cannot finish while we hold the lock
        assert said == f"briefgen: waiting for the build (pid {os.getpid()}) writing to {out} to finish\n"
        assert waiting.poll() is None
    stdout, _ = waiting.communicate(timeout=60)
    assert stdout.strip() == "got it" and waiting.returncode == 0


def test_working_sources_that_carry_a_released_edition_number_do_not_validate(andes: Path) -> None:
    from briefgen.editions.release import release

    release(andes)  # edition 1 released; brief.yaml now says edition 2
    replace_in(andes / "brief.yaml", "edition: 2", "edition: 1")
    # new content: not the same sources left at 1 by an interrupted release, which release finishes
    replace_in(andes / "brief.yaml", "Droughts follow El Niño years.", "Draft text.")
    line = next(
        i
        for i, text in enumerate((andes / "brief.yaml").read_text().splitlines(), 1)
        if text.startswith("edition:")
    )
    result = run("validate", str(andes))
    assert result.returncode == 1
    # named as the command names files: relative to where it runs, wherever the checkout is
    assert f"{os.path.relpath(andes / 'brief.yaml')}:{line}:" in result.stderr
    assert "edition 1 is already released" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_a_build_never_writes_over_a_released_edition_except_to_reproduce_it(
    andes: Path, tmp_path: Path
) -> None:
    from briefgen.editions.release import release

    out = tmp_path / "out"
    release(andes)
    # the release's documents (a build before it was a draft, marked as such on every page)
    built = run("build", str(andes), "--edition", "1", "--out", str(out), "-f", "docx,pdf", "-q")
    assert built.returncode == 0, built.stderr
    released = {p: p.read_bytes() for p in (out / "andes-water/e1").rglob("*.*")}
    replace_in(andes / "brief.yaml", "edition: 2", "edition: 1")
    replace_in(andes / "brief.yaml", "Droughts follow El Niño years.", "Draft text.")
    refused = run("build", str(andes), "--out", str(out), "-f", "docx,pdf", "--force")
    assert refused.returncode == 1 and "already released" in refused.stderr
    assert {p: p.read_bytes() for p in (out / "andes-water/e1").rglob("*.*")} == released
    again = run("build", str(andes), "--edition", "1", "--out", str(out), "-f", "docx,pdf", "--force", "-q")
    assert again.returncode == 0, again.stderr
    assert {p: p.read_bytes() for p in (out / "andes-water/e1").rglob("*.*")} == released


@pytest.mark.unit
def test_a_ctrl_c_that_c_code_cleared_still_stops_the_build_before_its_next_document(
    andes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command's handler notes every Ctrl-C; a build asks between documents, so one that a
    library swallowed ends it there, leaving no manifest of a build that did not finish."""
    from briefgen import errors
    from briefgen.build import schedule

    rendered: list[Path] = []
    real_job = schedule.render_job

    def render_then_ctrl_c(job):  # type: ignore[no-untyped-def]
        rendered.append(job.path)
        outcome = real_job(job)
        monkeypatch.setattr(errors, "_interrupted", True)  # as briefgen.command's handler notes it
        return outcome

    monkeypatch.setattr(schedule, "render_job", render_then_ctrl_c)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        build([andes], out=out, formats=("html", "docx"), jobs=1)
    assert len(rendered) == 1  # of six documents: three countries, two formats
    assert not list(out.rglob("manifest.json"))

"""Releases are all or nothing: checked first, one at a time, finished after an interruption,
and brief.yaml keeps its line endings, encoding and mode. Files get the mode the umask gives."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from briefgen.atomic import create_exclusive, write_bytes_atomic
from briefgen.sources.frozen import read_edition, released_editions
from conftest import replace_in
from hardening import BRIEFGEN, ends_cleanly, run

STRACE = shutil.which("strace") or "strace"


def _slow_rename(brief: Path, seconds: float) -> subprocess.Popen[str]:
    """Start `briefgen release BRIEF` with its rename (brief.yaml moving on) held for `seconds`.

    The edition file is linked into place, not renamed, so the one rename of a release is the
    step that moves brief.yaml on: the window between the two writes is held open.
    """
    return subprocess.Popen(
        [
            STRACE, "-f", "-qq", "-o", "/dev/null", "-e", "trace=rename",
            "-e", f"inject=rename:delay_enter={int(seconds * 1e6)}:when=1",
            BRIEFGEN, "release", str(brief),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip


def _wait_for(path: Path, process: subprocess.Popen[str]) -> None:
    for _ in range(600):
        if path.exists():
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError(f"{path} never appeared")


def _edition_line(brief: Path) -> str:
    return next(
        x for x in (brief / "brief.yaml").read_text(encoding="utf-8").splitlines() if x.startswith("edition")
    )


@pytest.mark.parametrize("written", ["+1", "0x1", "0o1", "1_0"])
def test_an_edition_not_written_as_a_plain_number_stops_the_release_before_anything_is_written(
    andes: Path, written: str
) -> None:
    replace_in(andes / "brief.yaml", "edition: 1", f"edition: {written}")
    before = (andes / "brief.yaml").read_bytes()
    stderr = ends_cleanly(run("release", andes), 1)
    assert "brief.yaml:9: edition is not a plain number like `edition: 2`" in stderr
    assert released_editions(andes) == []
    assert not (andes / "editions").exists() or not any((andes / "editions").iterdir())
    assert (andes / "brief.yaml").read_bytes() == before


def test_a_quoted_edition_is_a_validation_error_and_nothing_is_released(andes: Path) -> None:
    replace_in(andes / "brief.yaml", "edition: 1", 'edition: "1"')
    stderr = ends_cleanly(run("release", andes), 1)
    assert "brief.yaml:9:10: edition: Input should be a valid integer (found '1')" in stderr
    assert released_editions(andes) == []


def test_two_releases_at_once_release_once_and_the_second_says_why(andes: Path) -> None:
    first = _slow_rename(andes, 4)
    _wait_for(andes / "editions/1.json", first)  # first is between its two writes
    second = run("release", andes)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert "released" in out
    stderr = ends_cleanly(second, 1)
    assert "another release of andes-water is running" in stderr
    assert released_editions(andes) == [1]
    assert read_edition(andes, 1)["edition"] == 1
    assert _edition_line(andes) == "edition: 2"
    assert not list(andes.glob(".*.part")) and not (andes / ".release.lock").exists()


@pytest.mark.unit
def test_the_edition_file_is_created_exclusively(tmp_path: Path) -> None:
    target = tmp_path / "editions" / "1.json"
    assert create_exclusive(target, b"first")
    assert not create_exclusive(target, b"second")
    assert target.read_bytes() == b"first"
    assert [p.name for p in target.parent.iterdir()] == ["1.json"]


def test_a_release_killed_between_its_two_writes_is_reported_and_finished(andes: Path) -> None:
    first = _slow_rename(andes, 30)
    _wait_for(andes / "editions/1.json", first)
    os.killpg(first.pid, signal.SIGKILL)
    first.communicate(timeout=60)
    frozen = (andes / "editions/1.json").read_bytes()
    assert _edition_line(andes) == "edition: 1"
    assert list(andes.glob(".brief.yaml.*.part"))

    stderr = ends_cleanly(run("validate", andes), 1)
    assert (
        "brief.yaml:9:10: edition: edition 1 is released but brief.yaml was not moved on to 2: "
        "a release was interrupted; run `briefgen release` to finish it"
    ) in stderr
    assert "warning: left by an interrupted release" in stderr

    result = run("release", andes)
    ends_cleanly(result, 0)
    assert "finished the interrupted release" in result.stdout
    assert _edition_line(andes) == "edition: 2"
    assert (andes / "editions/1.json").read_bytes() == frozen
    assert not list(andes.glob(".*.part"))
    ends_cleanly(run("validate", andes, "-q"), 0)


def test_an_edition_set_back_by_hand_with_new_content_is_not_taken_for_an_interruption(andes: Path) -> None:
    ends_cleanly(run("release", andes), 0)
    replace_in(andes / "brief.yaml", "edition: 2", "edition: 1")
    replace_in(
        andes / "brief.yaml", "Droughts follow El Niño years.", "Droughts follow El Niño years, mostly."
    )
    stderr = ends_cleanly(run("release", andes), 1)
    assert "edition 1 of andes-water is already released" in stderr
    assert _edition_line(andes) == "edition: 1"


def test_release_keeps_crlf_line_endings_a_byte_order_mark_and_the_file_mode(andes: Path) -> None:
    path = andes / "brief.yaml"
    original = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + original)
    path.chmod(0o640)
    ends_cleanly(run("release", andes), 0)
    after = path.read_bytes()
    assert after == b"\xef\xbb\xbf" + original.replace(b"edition: 1\r\n", b"edition: 2\r\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_release_adds_a_missing_edition_line_with_the_files_line_ending(andes: Path) -> None:
    path = andes / "brief.yaml"
    text = path.read_bytes().replace(b"edition: 1\n", b"").replace(b"\n", b"\r\n")
    path.write_bytes(text)
    ends_cleanly(run("release", andes), 0)
    assert b"date: 2024-03-01\r\nedition: 2\r\n" in path.read_bytes()
    assert b"\n" not in path.read_bytes().replace(b"\r\n", b"")


# --- files are made as users expect ---------------------------------------------------------


def _modes(folder: Path) -> set[int]:
    return {stat.S_IMODE(p.stat().st_mode) for p in folder.rglob("*") if p.is_file()}


def test_editions_and_outputs_get_the_mode_the_umask_gives(andes: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    release = subprocess.run([BRIEFGEN, "release", str(andes)], capture_output=True, text=True, umask=0o022)
    assert release.returncode == 0, release.stderr
    assert stat.S_IMODE((andes / "editions/1.json").stat().st_mode) == 0o644
    build = subprocess.run(
        [BRIEFGEN, "build", str(andes), "-f", "html", "-o", str(out), "-q"],
        capture_output=True,
        text=True,
        umask=0o027,
    )
    assert build.returncode == 0, build.stderr
    assert _modes(out) == {0o640}


@pytest.mark.unit
def test_an_atomic_write_gets_the_umask_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "file.txt"
    write_bytes_atomic(target, b"x")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    write_bytes_atomic(target, b"y", mode=0o600)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["file.txt"]


def test_an_edition_file_is_plain_json_with_its_hash(andes: Path) -> None:
    ends_cleanly(run("release", andes), 0)
    frozen = json.loads((andes / "editions/1.json").read_text(encoding="utf-8"))
    assert frozen["edition"] == 1 and frozen["content_hash"]

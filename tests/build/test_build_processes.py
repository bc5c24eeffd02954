"""`briefgen build` as processes: nothing outlives a killed build, and Ctrl-C is the parent's.

Processes are found by process group (each build starts in its own session), never by name,
so these tests cannot touch a process they did not start.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from conftest import CENTRAL_ASIA_WORKING

BRIEFGEN = str(Path(sys.executable).parent / "briefgen")


def alive_in_group(group: int) -> list[str]:
    """Return `pid state command` of every live (not zombie) process of a process group."""
    listed = subprocess.run(
        ["ps", "-o", "pid=,stat=,args=", "-g", str(group)], capture_output=True, text=True
    )
    return [
        line
        for line in listed.stdout.splitlines()
        if line.split()[1:2] and not line.split()[1].startswith("Z")
    ]


def wait_for(condition, what: str, limit: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def start_build(brief: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [BRIEFGEN, "build", str(brief), "--out", str(out), "--jobs", "2", "--quiet", "-l", "en", *extra],
        start_new_session=True,
        stderr=subprocess.PIPE,
        text=True,
    )


def assert_whole(out: Path) -> None:
    for path in out.rglob("*"):
        if path.suffix == ".pdf":
            assert len(PdfReader(path).pages) >= 1
        elif path.suffix == ".docx":
            Document(str(path))
        elif path.name == "manifest.json":
            json.loads(path.read_text())


@pytest.mark.slow
def test_a_build_killed_with_sigkill_leaves_no_process_behind_and_the_next_build_repairs_it(
    central_asia_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    subprocess.run(
        [BRIEFGEN, "build", str(central_asia_copy), "--out", str(out), "--quiet", "-l", "en"], check=True
    )
    build = start_build(central_asia_copy, out, "--force")
    # kill it while it renders: the main process, the fork server, the resource tracker, two workers
    wait_for(lambda: len(alive_in_group(build.pid)) >= 5 or build.poll() is not None, "the workers to start")
    assert build.poll() is None, "the build ended before it could be killed"
    time.sleep(0.5)
    os.kill(build.pid, signal.SIGKILL)  # the main process only, as the OOM killer would
    build.wait()
    deadline = time.monotonic() + 5
    while alive_in_group(build.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert alive_in_group(build.pid) == [], "processes of the killed build are still running"

    assert_whole(out)
    subprocess.run(
        [BRIEFGEN, "build", str(central_asia_copy), "--out", str(out), "--quiet", "-l", "en"], check=True
    )
    manifest = json.loads((out / f"china-central-asia/e{CENTRAL_ASIA_WORKING}/manifest.json").read_text())
    assert len(manifest["files"]) == 10 and manifest["failed"] == []
    for entry in manifest["files"]:
        data = (out / f"china-central-asia/e{CENTRAL_ASIA_WORKING}" / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert not list(out.rglob("*.part"))


@pytest.mark.slow
def test_ctrl_c_stops_the_build_without_a_traceback_from_a_worker_or_the_fork_server(
    central_asia_copy: Path, tmp_path: Path
) -> None:
    build = start_build(central_asia_copy, tmp_path / "out", "--force")
    wait_for(lambda: len(alive_in_group(build.pid)) >= 5 or build.poll() is not None, "the workers to start")
    os.killpg(build.pid, signal.SIGINT)  # what the terminal sends to the whole foreground group
    _, stderr = build.communicate(timeout=60)
    assert "Traceback" not in stderr, stderr
    assert build.returncode == 130
    deadline = time.monotonic() + 5
    while alive_in_group(build.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert alive_in_group(build.pid) == []


@pytest.mark.slow
def test_a_build_renders_documents_identical_to_one_rendered_in_process(andes: Path, tmp_path: Path) -> None:
    from conftest import build

    build([andes], formats=["pdf", "docx"], out=tmp_path / "pool", jobs=2)
    build([andes], formats=["pdf", "docx"], out=tmp_path / "here", jobs=1)
    for path in (tmp_path / "here").rglob("*.*"):
        if not path.name.startswith("."):
            assert path.read_bytes() == (tmp_path / "pool" / path.relative_to(tmp_path / "here")).read_bytes()
    pdf = next((tmp_path / "pool").rglob("*.pdf"))
    assert PdfReader(io.BytesIO(pdf.read_bytes())).pages


def test_the_command_and_its_workers_collect_cycles_at_briefgen_thresholds() -> None:
    """The command (`briefgen.command`) and the fork server set the collector's thresholds; workers inherit
    them. Python's default (700) ran the collector hundreds of times per document."""
    import gc

    from briefgen.build.collector import GC_THRESHOLDS
    from briefgen.build.pool import start_pool

    with start_pool(2) as pool:
        assert {pool.submit(gc.get_threshold).result() for _ in range(4)} == {GC_THRESHOLDS}
    code = (
        "import gc, sys; sys.argv = ['briefgen', '--version']; from briefgen import command, cli; "
        "cli.main = lambda: print(gc.get_threshold()); command.main()"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == str(GC_THRESHOLDS)


def test_a_build_of_one_language_with_nothing_to_do_answers_before_the_command_line_loads(
    tmp_path: Path,
) -> None:
    """`--language` (and `--allow-untranslated`) are read by the command's first step too: a
    build of one language with nothing to do is answered without loading the command line
    (Typer, pydantic), as the full command would answer it; another language still builds."""
    from conftest import CENTRAL_ASIA

    out = tmp_path / "out"
    args = ["build", str(CENTRAL_ASIA), "-f", "html", "-c", "KG", "--language", "ru", "--out", str(out)]
    first = subprocess.run([BRIEFGEN, *args], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "1 written, 0 unchanged" in first.stdout
    again = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "briefgen", *args], capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    assert "0 written, 1 unchanged" in again.stdout
    imported = {
        line.split("|")[-1].strip() for line in again.stderr.splitlines() if line.startswith("import time:")
    }
    assert "briefgen.build.command" in imported and not {"typer", "pydantic", "briefgen.cli"} & imported
    # nor the machinery of processes (a fifth of the no-op's time when it was imported)
    assert not {"briefgen.build.pool", "concurrent.futures.process", "multiprocessing"} & imported
    full = subprocess.run(  # the same question asked of the full command line
        [
            sys.executable,
            "-c",
            f"import sys; sys.argv = {['briefgen', *args]!r}; from briefgen.cli import main; main()",
        ],
        capture_output=True,
        text=True,
    )
    assert full.returncode == 0, full.stderr
    assert again.stdout.splitlines()[:-1] == full.stdout.splitlines()[:-1]  # the last line says how long
    english = subprocess.run(
        [BRIEFGEN, *args[:-4], "-l", "en", "--allow-untranslated", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert english.returncode == 0, english.stderr
    assert "1 written, 0 unchanged" in english.stdout


def _imported(stderr: str) -> set[str]:
    """The modules `python -X importtime` says the process imported."""
    return {line.split("|")[-1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


def _through_the_command_line(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `briefgen ARGS` through the full command line (Typer), skipping the first step."""
    code = f"import sys; sys.argv = {['briefgen', *args]!r}; from briefgen.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_a_build_with_plain_arguments_runs_without_the_command_line_and_reports_as_it_does(
    tmp_path: Path,
) -> None:
    """A plain `briefgen build BRIEF [options]` that has work to do runs from the command's first
    step (Typer is never imported: a tenth of a second before the first document), and prints
    what the command line prints for the same build."""
    from conftest import CENTRAL_ASIA

    args = ["build", str(CENTRAL_ASIA), "-f", "html", "-c", "KG", "-c", "TJ", "-l", "en", "--force"]
    fast = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "briefgen", *args, "--out", str(tmp_path / "fast")],
        capture_output=True,
        text=True,
    )
    assert fast.returncode == 0, fast.stderr
    imported = _imported(fast.stderr)
    assert "briefgen.build.command" in imported and not {"typer", "click", "briefgen.cli"} & imported
    full = _through_the_command_line(*args, "--out", str(tmp_path / "full"))
    assert full.returncode == 0, full.stderr
    assert fast.stdout.count("written  ") == full.stdout.count("written  ") == 2
    assert fast.stdout.replace("fast", "full").splitlines()[:-1] == full.stdout.splitlines()[:-1]
    pages = {
        name: sorted(p.read_bytes() for p in (tmp_path / name).rglob("*.html")) for name in ("fast", "full")
    }
    assert len(pages["fast"]) == 2 and pages["fast"] == pages["full"]  # the same documents, byte for byte


@pytest.mark.parametrize(
    ("extra", "status", "says"),
    [
        (["-f", "odt"], 2, "briefgen: unknown format 'odt'"),
        (["-f", "html", "-c", "XX"], 2, "XX"),
        (["-f", "html", "-l", "xx"], 2, "is not published in xx"),
        (["-f", "html", "--edition", "99"], 2, "99"),
        (["-f", "html", "BROKEN"], 1, "brief.yaml:"),
    ],
    ids=["format", "country", "language", "edition", "broken-sources"],
)
def test_a_build_run_without_the_command_line_fails_as_the_command_line_does(
    andes: Path, tmp_path: Path, extra: list[str], status: int, says: str
) -> None:
    """One error policy: the same bad request gives the same message and exit status whether the
    first step or the command line ran it, and writes nothing."""
    from conftest import replace_in

    if "BROKEN" in extra:
        extra = [e for e in extra if e != "BROKEN"]
        replace_in(andes / "brief.yaml", "title:", "title: [unclosed\ntitlex:")
    args = ["build", str(andes), *extra]
    fast = subprocess.run([BRIEFGEN, *args, "--out", str(tmp_path / "out")], capture_output=True, text=True)
    full = _through_the_command_line(*args, "--out", str(tmp_path / "out"))
    assert (fast.returncode, fast.stderr) == (full.returncode, full.stderr)
    assert fast.returncode == status and says in fast.stderr, fast.stderr
    assert "Traceback" not in fast.stderr and fast.stdout == ""
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.html"))


def test_a_build_whose_reader_has_gone_ends_without_a_traceback(andes: Path, tmp_path: Path) -> None:
    """`briefgen build | head`, the reader gone before the report is printed: the build is done
    and recorded, the command ends with status 1 and no traceback about the closed pipe."""
    out = tmp_path / "out"
    args = [BRIEFGEN, "build", str(andes), "-f", "html", "--out", str(out)]
    first = subprocess.run(args, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    for forced in ([], ["--force"]):  # the answer of a build with nothing to do, and a real build
        process = subprocess.Popen(
            [*args, *forced], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # the reader is gone before anything is printed
        errors = process.stderr.read()
        assert process.wait(timeout=120) == 1, errors
        assert "Traceback" not in errors and "BrokenPipe" not in errors, errors
    again = subprocess.run(args, capture_output=True, text=True)
    assert again.returncode == 0 and "0 written" in again.stdout


def test_a_build_with_no_brief_named_builds_every_brief_under_briefs_without_the_command_line(
    briefs_copy: Path,
) -> None:
    """`briefgen build` in a project (the README's first command) finds the briefs under ./briefs
    as the command line does, builds them without loading it, and answers the next build with
    nothing to do before pydantic is loaded; with no ./briefs it fails as the command line does."""
    project = briefs_copy.parent
    args = ["build", "-f", "html", "-c", "PE", "--out", "out"]
    fast = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "briefgen", *args],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert fast.returncode == 0, fast.stderr
    assert not {"typer", "briefgen.cli"} & _imported(fast.stderr)
    built = sorted(p.relative_to(project / "out").as_posix() for p in (project / "out").rglob("*.html"))
    assert built == ["andes-water/e1/en/andes-water-PE-e1.html"]
    again = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "briefgen", *args],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0 and "0 written, 1 unchanged" in again.stdout, again.stderr
    assert not {"typer", "pydantic", "briefgen.cli"} & _imported(again.stderr)
    code = f"import sys; sys.argv = {['briefgen', *args]!r}; from briefgen.cli import main; main()"
    full = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True)
    assert full.returncode == 0 and full.stdout.splitlines()[:-1] == again.stdout.splitlines()[:-1]
    elsewhere = project / "empty"
    elsewhere.mkdir()
    fast = subprocess.run([BRIEFGEN, *args], cwd=elsewhere, capture_output=True, text=True)
    full = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, capture_output=True, text=True)
    assert (fast.returncode, fast.stderr) == (full.returncode, full.stderr) == (2, fast.stderr)
    assert "no brief given and no briefs/<id>/brief.yaml" in fast.stderr

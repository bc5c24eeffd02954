"""Ctrl-C is clean at every moment of a build: exit status 130 and one line, never a traceback,
an abort, or a validation error caused by the interruption.

The terminal sends SIGINT to the whole foreground process group; so does this test, at many
moments from the first instructions of the `briefgen` process (its imports) to the middle of
rendering (workers laying out PDFs while a thread of the build draws the figures), with every
core kept busy so that the moments fall everywhere. The briefs have figures, so matplotlib draws
in the build process. Randomness is seeded and the seed printed; `BRIEFGEN_CTRL_C_RUNS` and
`BRIEFGEN_CTRL_C_SEED` change the count (200 by default) and the seed.

One window is Python's, not briefgen's: the interpreter's own startup, before the first line of
`briefgen.command` (which sets the handler first thing) runs; see `in_pythons_startup`. Runs
interrupted there are counted and printed, and may only fall in the first tenths of a second.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen.build.figures import Drawer
from conftest import FIXTURES, REPO
from hardening import BRIEFGEN

RUNS = int(os.environ.get("BRIEFGEN_CTRL_C_RUNS", "200"))
SEED = int(os.environ.get("BRIEFGEN_CTRL_C_SEED", "31"))
EARLIEST, LATEST = 0.02, 3.0


STARTUP = 0.25
"""No Ctrl-C at or after this moment may land in Python's own startup (see `in_pythons_startup`)."""


def in_pythons_startup(status: int, stderr: str) -> bool:
    """Return whether a run was interrupted before the first line of briefgen ran.

    From the exec to `briefgen.command`'s first line, the interpreter starts (site, .pth files)
    and finds the entry module: no program has a say there. Before Python installs its own
    handler, SIGINT ends the process (the shell shows 130, nothing is printed); after, Python
    prints its traceback (or "Fatal Python error: init_...") from the middle of its startup or
    of the console script's import line, with no frame of briefgen's code in it.
    """
    if status == -signal.SIGINT and not stderr:
        return True
    tail = stderr.rstrip().splitlines()[-1:] == ["KeyboardInterrupt"]
    ours = "/briefgen/" in stderr
    return (tail or "Fatal Python error: init_" in stderr) and not ours


@pytest.fixture
def project_with_figures(tmp_path: Path) -> Path:
    """A project of two briefs with figures: the bundled one and the water-energy fixture beside it.

    `briefgen build` with no brief named builds both (about 20 documents), so that a build is
    still running at the last moment tried under any load.
    """
    shutil.copytree(REPO / "briefs", tmp_path / "briefs", ignore=shutil.ignore_patterns("*.sqlite*"))
    shutil.copytree(
        FIXTURES / "shared-profiles" / "water-energy-central-asia",
        tmp_path / "briefs" / "water-energy-central-asia",
    )
    return tmp_path


def start_build(project: Path, out: Path, env: dict[str, str], *, stdout: int) -> subprocess.Popen[str]:
    """Start `briefgen build --force` of every brief in `project`, in a process group of its own
    (as a terminal gives a command), its errors readable."""
    return subprocess.Popen(
        [BRIEFGEN, "build", "--out", str(out), "--force"],
        cwd=project,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )


@contextlib.contextmanager
def every_core_busy() -> Iterator[None]:
    """Keep each core busy with a loop of its own (one process group, ended on the way out)."""
    cores = os.cpu_count() or 1
    loops = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True)
        for _ in range(cores)
    ]
    try:
        yield
    finally:
        for loop in loops:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(loop.pid, signal.SIGKILL)
            loop.wait()


@pytest.mark.unit
def test_ctrl_c_while_a_figure_is_drawn_waits_for_that_drawing_and_skips_the_rest() -> None:
    """The drawing thread is joined before the build goes on to end: matplotlib's C++ never runs
    while the interpreter shuts down (which ended such builds with SIGABRT)."""
    drawn: list[str] = []

    def draw(name: str) -> dict[str, bytes]:
        time.sleep(0.3)  # a chart being drawn when Ctrl-C comes
        drawn.append(name)
        return {name: b"<svg/>"}

    with pytest.raises(KeyboardInterrupt), Drawer(draw) as drawer:
        for name in ("KZ", "KG", "TJ"):
            drawer.promise(name, name)
        time.sleep(0.1)
        raise KeyboardInterrupt
    assert drawn == ["KZ"]  # the one in hand was finished before leaving; the others were skipped
    assert not drawer._thread.is_alive()


@pytest.mark.slow
def test_ctrl_c_at_any_moment_of_a_build_ends_it_with_status_130_and_one_line(
    project_with_figures: Path,
) -> None:
    rng = random.Random(SEED)
    print(f"Ctrl-C at {RUNS} moments from {EARLIEST} s to {LATEST} s, seed {SEED}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    out = project_with_figures / "out"
    wrong = []
    in_startup: list[tuple[float, int, list[str]]] = []
    started = time.monotonic()
    with every_core_busy():
        for run in range(RUNS):
            moment = EARLIEST + (LATEST - EARLIEST) * run / max(RUNS - 1, 1)
            # not on a grid the build could fall into step with
            moment = min(max(moment + rng.uniform(-0.01, 0.01), EARLIEST), LATEST)
            build = start_build(project_with_figures, out, env, stdout=subprocess.DEVNULL)
            time.sleep(max(moment, 0.0))
            running = build.poll() is None
            with contextlib.suppress(ProcessLookupError):
                os.killpg(build.pid, signal.SIGINT)
            signalled = time.monotonic()
            try:
                _, stderr = build.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(build.pid, signal.SIGKILL)
                _, stderr = build.communicate()
                wrong.append((run, round(moment, 3), "still running 120 s after Ctrl-C", stderr[-500:]))
                continue
            lines = stderr.splitlines()
            if not running:
                wrong.append(
                    (run, round(moment, 3), f"finished (status {build.returncode}) before Ctrl-C", "")
                )
            elif in_pythons_startup(build.returncode, stderr):
                in_startup.append((round(moment, 3), build.returncode, stderr.strip().splitlines()[-1:]))
            elif build.returncode != 130 or lines != ["briefgen: interrupted"]:
                ended = f"status {build.returncode}, {time.monotonic() - signalled:.1f} s after Ctrl-C"
                wrong.append((run, round(moment, 3), ended, stderr[-2000:]))
    took = time.monotonic() - started
    print(
        f"{RUNS} runs in {took:.0f} s: {RUNS - len(wrong) - len(in_startup)} clean, "
        f"{len(in_startup)} in Python's own startup (at {in_startup} s), {len(wrong)} not clean"
    )
    assert wrong == [], "\n".join(f"run {r} at {m} s: {what}\n{err}" for r, m, what, err in wrong)
    # Python's startup is over within a tenth of a second (0.03-0.08 s measured on a loaded machine)
    assert all(moment < STARTUP for moment, _, _ in in_startup), in_startup


@pytest.mark.slow
def test_ctrl_c_while_the_command_line_starts_and_validates_ends_with_its_line(
    project_with_figures: Path,
) -> None:
    """The command line (Typer) imports as it reads the arguments; it turned a Ctrl-C there into
    status 130 and not a word. Now every moment gives the one line, or the command had finished."""
    rng = random.Random(SEED)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    command = [BRIEFGEN, "validate", "briefs/china-central-asia"]
    started = time.monotonic()
    subprocess.run(command, cwd=project_with_figures, env=env, capture_output=True, check=True)
    whole = time.monotonic() - started  # the moments fall within a run as long as this one
    interrupted, wrong = 0, []
    for run in range(20):
        moment = 0.1 + (0.9 * whole - 0.1) * run / 19 + rng.uniform(-0.01, 0.01)
        check = subprocess.Popen(
            command,
            cwd=project_with_figures,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,
        )
        time.sleep(moment)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(check.pid, signal.SIGINT)
        out, err = check.communicate(timeout=120)
        if check.returncode == 0 and "ok" in out and not err:
            continue  # it had finished
        if check.returncode == 130 and err.splitlines() == ["briefgen: interrupted"]:
            interrupted += 1
        else:
            wrong.append((round(moment, 3), check.returncode, err[-1500:]))
    assert wrong == []
    assert interrupted >= 10  # most moments fall while it runs


@pytest.mark.unit
def test_an_error_reported_after_ctrl_c_ends_the_command_as_interrupted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whatever a library makes of an interruption on its way up (a validation error of valid
    sources, once in 218 runs), the command says it was interrupted, not that the sources are wrong."""
    from briefgen import errors

    monkeypatch.setattr(errors, "_interrupted", False)
    problem = errors.Problem(Path("recommendations/x.yaml"), 1, 5, "id", "'x' has the wrong form")
    assert errors.reported(errors.InputError([problem])) == 1
    errors.note_interrupt()
    assert errors.reported(errors.InputError([problem])) == errors.INTERRUPTED
    printed = capsys.readouterr().err.splitlines()
    assert printed == [str(problem), "briefgen: interrupted"]


@pytest.mark.slow
def test_ctrl_c_while_the_models_are_built_waits_until_they_are_whole() -> None:
    """pydantic-core swallowed a Ctrl-C that came while it built a model's validator ("Exception
    ignored in: '^#[0-9A-Fa-f]{6}$'") and left one that refused every value: once in 218 runs,
    every valid id "had the wrong form". A Ctrl-C that comes while the models are imported now
    takes effect when the last of them is built; the validators are whole."""
    code = (
        "import importlib.abc, os, signal, sys\n"
        "seen = []\n"
        "signal.signal(signal.SIGINT, lambda s, f: seen.append('briefgen.models.source' in sys.modules))\n"
        "class Finder(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name == 'briefgen.models.conditions':\n"
        "            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while the models are built\n"
        "        return None\n"
        "sys.meta_path.insert(0, Finder())\n"
        "import briefgen.models as m\n"
        "from briefgen.models.theme import ThemeSettings\n"
        "m.Recommendation.model_json_schema()\n"
        "ThemeSettings.model_validate({'accent': '#0f5257'})\n"
        "print(seen)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Exception ignored" not in result.stderr
    assert result.stdout.strip() == "[True]"  # handled once, after the last model module was built


def as_the_command(program: str, *, run: str) -> subprocess.CompletedProcess[str]:
    """Run `program` in a Python of its own after importing `briefgen.command` (as the console
    script does), then the command itself with `run` (an expression of `program`) as its work."""
    code = f"import briefgen.command as command\n{program}command._run = {run}\ncommand.main()\n"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


def ctrl_c_then(handling: str, *, before: str = "") -> subprocess.CompletedProcess[str]:
    """Run as the command a work that sends itself a Ctrl-C inside a `try`, then `handling` (its
    `except` or `finally` and what follows, indented as in the work); `before`: lines of the
    program that run first."""
    return as_the_command(
        "import os, signal, sys, threading, warnings\n"
        f"{before}"
        "def work():\n"
        "    try:\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "        for _ in range(1000):\n"
        "            pass\n"
        f"{handling}",
        run="work",
    )


@pytest.mark.slow
@pytest.mark.parametrize("ending", ["returns", "exits 0"])
def test_a_ctrl_c_a_library_swallowed_still_ends_the_command_as_interrupted(ending: str) -> None:
    """C code that clears the KeyboardInterrupt lets the command run on to its end; it was asked
    to stop all the same, and ends with status 130 and the one line, not 0 and silence."""
    finish = "return" if ending == "returns" else "sys.exit(0)"
    result = ctrl_c_then(
        f"    except KeyboardInterrupt:\n        pass  # what a library's C code did with it\n    {finish}\n"
    )
    assert result.returncode == 130
    assert result.stderr.splitlines() == ["briefgen: interrupted"]


@pytest.mark.slow
def test_a_clean_up_stuck_after_a_ctrl_c_ends_with_the_one_line_when_patience_runs_out() -> None:
    """A lock the interrupt left held (a KeyboardInterrupt between a lock's acquiring and the
    `with` block that releases it) kept a build waiting for ever after a Ctrl-C (once in 200, in
    a clean-clone run). The command waits `_PATIENCE_S` for its clean-up, then ends with the
    one line and status 130 all the same."""
    result = ctrl_c_then(
        "    finally:\n        held.acquire()\n        held.acquire()  # waits for ever\n",
        before="command._PATIENCE_S = 0.5\nheld = threading.Lock()\n",
    )
    assert result.returncode == 130
    assert result.stderr.splitlines() == ["briefgen: interrupted"]


@pytest.mark.slow
def test_a_warning_of_the_work_a_ctrl_c_cut_short_is_not_printed_above_the_one_line() -> None:
    """pydantic-core's serializer catches the KeyboardInterrupt raised inside it and warns that it
    fell back ("PydanticSerializationUnexpectedValue", once in 200 Ctrl-Cs of a build); a library
    warning of the work the Ctrl-C cut short is not the user's business: the one line says it."""
    result = ctrl_c_then(
        "    except KeyboardInterrupt:\n"
        "        warnings.warn('failed to get discriminator value')  # what the serializer does\n"
        "    raise KeyboardInterrupt\n"
    )
    assert result.returncode == 130
    assert result.stderr.splitlines() == ["briefgen: interrupted"]


@pytest.mark.slow
def test_a_ctrl_c_in_the_last_moments_of_the_interpreters_shutdown_leaves_the_commands_status() -> None:
    """Past its exit handlers, the interpreter puts back the system's default for SIGINT; a Ctrl-C
    there killed the finished command (status -2, no line: one run in twenty of the test above,
    with its last moment near the end). A finalizer of the main module runs at that point: its
    Ctrl-C now leaves the command's own status and lets the interpreter end."""
    result = as_the_command(
        "import os, signal\n"
        "class Late:\n"
        "    def __del__(self):\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "        os.write(1, b'ended\\n')  # not print: sys.stdout may be gone by now\n"
        "late = Late()\n",
        run="lambda: print('ok')",
    )
    assert (result.returncode, result.stdout.splitlines(), result.stderr) == (0, ["ok", "ended"], "")


@pytest.mark.slow
def test_a_ctrl_c_in_a_finaliser_ends_the_command_with_the_one_line_and_no_traceback() -> None:
    """A Ctrl-C that lands while a generator is closed as it is let go of (YAML's parser, in one
    run of two hundred above) cannot be passed on: Python printed "Exception ignored in" and a
    traceback above the one line. The command still ends as interrupted, with that line alone."""
    result = as_the_command(
        "import os, signal\n"
        "def parse():\n"
        "    try:\n"
        "        yield 1\n"
        "    finally:\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "        for _ in range(1000):\n"
        "            pass  # the handler runs here, while the generator is closed\n"
        "def run():\n"
        "    parsing = parse()\n"
        "    next(parsing)\n"
        "    del parsing\n"
        "    print('ran on')\n",
        run="run",
    )
    assert (result.returncode, result.stderr.splitlines()) == (130, ["briefgen: interrupted"])


@pytest.mark.slow
def test_a_build_started_with_ctrl_c_ignored_keeps_ignoring_it(project_with_figures: Path) -> None:
    """A build started in the background of a script (`briefgen build &` in a shell without job
    control) starts with SIGINT ignored, and keeps it so, as the shell means and as Python's own
    startup does: a Ctrl-C aimed at the script in the foreground, at any moment (the interpreter
    starting, the command loading, the workers rendering), leaves it to finish its documents.
    Before, the command set its handler over the ignore: a Ctrl-C ended it with status 130, and
    one during Python's startup was dropped while later ones were not."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    out = project_with_figures / "out"
    written: set[int] = set()
    for moment in (0.02, 0.5, 2.5):
        before = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited by the build, as from a shell
        try:
            build = start_build(project_with_figures, out, env, stdout=subprocess.PIPE)
        finally:
            signal.signal(signal.SIGINT, before)
        time.sleep(moment)
        assert build.poll() is None, f"the build ended before {moment} s"
        os.killpg(build.pid, signal.SIGINT)
        stdout, stderr = build.communicate(timeout=300)
        assert build.returncode == 0, (moment, build.returncode, stderr[-2000:])
        assert "interrupted" not in stderr
        made = re.search(r"\b(\d+) written, 0 unchanged, 0 failed\b", stdout)
        assert made and int(made[1]) >= 20, stdout[-500:]  # every document of both briefs
        written.add(int(made[1]))
    assert len(written) == 1, written

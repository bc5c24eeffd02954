"""Shared fixtures and helpers: the fixture briefs and copies to break, the real programs the tests
run (found, not assumed), and the lanes.

The lanes: a test marked `unit` starts no process and runs no real program (an autouse fixture
below refuses any attempt, so the mark cannot lie), and `make test-fast` runs them alone; a test
marked `slow` renders real documents, starts processes or drives a real program; the rest sit
between. `make test` runs every lane, as CI does.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CENTRAL_ASIA = REPO / "briefs" / "china-central-asia"
ANDES = FIXTURES / "briefs" / "andes-water"


def pytest_configure(config: pytest.Config) -> None:
    """Start every process the tests start with Ctrl-C at its default, as a terminal starts a
    command, even when the test run itself was started with SIGINT ignored (`make test &` from a
    script, as some CI runners do): a command started that way keeps ignoring it (as `briefgen`
    does, `command.IGNORED`), and the tests that press Ctrl-C would press it for nothing. A handler
    of Python's own here is reset to the default in each child at its exec."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session", autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep briefgen's cache (the validated tracking files) inside the test run, never in ~/.cache."""
    os.environ["BRIEFGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


def _working_edition(folder: Path) -> int:
    import re

    found = re.search(r"^edition: *(\d+)", (folder / "brief.yaml").read_text(encoding="utf-8"), re.MULTILINE)
    assert found, f"{folder}/brief.yaml has no edition"
    return int(found.group(1))


CENTRAL_ASIA_WORKING = _working_edition(CENTRAL_ASIA)
"""The bundled brief's working edition (brief.yaml's `edition:`): a build of its working sources
writes `e<N>/`, and its next release is edition N."""


@pytest.fixture
def briefs_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture briefs folder (andes-water and its countries)."""
    target = tmp_path / "briefs"
    shutil.copytree(FIXTURES / "briefs", target)
    return target


@pytest.fixture
def andes(briefs_copy: Path) -> Path:
    """A writable copy of the andes-water brief folder."""
    return briefs_copy / "andes-water"


@pytest.fixture
def central_asia_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled brief (with the shared country profiles)."""
    target = tmp_path / "briefs"
    shutil.copytree(REPO / "briefs", target, ignore=shutil.ignore_patterns("*.sqlite*"))
    return target / "china-central-asia"


def build(briefs: list[Path], **options: object):  # type: ignore[no-untyped-def]
    """Build `briefs` as `briefgen.build.build` does, options as keywords (lists allowed): the
    tests' shorthand for `build(BuildRequest(...))`."""
    from briefgen.build import BuildRequest
    from briefgen.build import build as run

    given = {k: tuple(v) if isinstance(v, list) else v for k, v in options.items()}
    return run(BuildRequest(briefs=tuple(briefs), **given))  # type: ignore[arg-type]


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> random.Random:
    """A random generator for the test, seeded and the seed printed (shown with a failure).

    The seed is the test's own (a hash of its id), so a run is repeatable; set
    BRIEFGEN_TEST_SEED to replay another.
    """
    seed = int(os.environ.get("BRIEFGEN_TEST_SEED") or zlib.crc32(request.node.nodeid.encode()))
    print(f"random seed {seed} (replay: BRIEFGEN_TEST_SEED={seed})")
    return random.Random(seed)


def program(*names: str) -> str:
    """Return the path of the first of `names` on PATH; fail (never skip) when none is installed.

    `make test` installs every program the tests need (scripts/setup-system.sh); a missing one
    is a broken setup, which a test must say rather than pass over.
    """
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"none of {', '.join(names)} is installed; run `make setup` (scripts/setup-system.sh)")


def libreoffice(fmt: str, out: Path, *documents: Path, profile: Path) -> None:
    """Convert `documents` to `fmt` ("pdf", "odt") into `out` with LibreOffice, headless, in a
    profile of its own (two conversions at once must not share one)."""
    subprocess.run(
        [
            program("soffice", "libreoffice"),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(out),
            *map(str, documents),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )


def replace_in(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of a source file; fail loudly if it is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def publish_in_russian(brief: Path) -> None:
    """Publish the one-language test brief in English and Russian, its marking worded in both."""
    replace_in(brief / "brief.yaml", "language: en", "languages: [en, ru]")
    replace_in(
        brief / "brief.yaml", "marking: OFFICIAL-SENSITIVE", "marking: {en: OFFICIAL, ru: НЕ ДЛЯ ПУБЛИКАЦИИ}"
    )


def central_asia_edition_1():  # type: ignore[no-untyped-def]
    """The bundled brief as released in edition 1: frozen, so tests of what the documents show
    do not move when analysts edit the working sources."""
    from briefgen.sources.frozen import load_edition

    return load_edition(CENTRAL_ASIA, 1)


# --- the lanes ----------------------------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test is in one lane at most: `unit` and `slow` exclude each other."""
    both = [
        item.nodeid for item in items if item.get_closest_marker("unit") and item.get_closest_marker("slow")
    ]
    if both:
        raise pytest.UsageError(f"marked both unit and slow: {', '.join(both)}")


@pytest.fixture(autouse=True)
def _a_unit_test_starts_no_process(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Refuse, in a test marked `unit`, every way of starting a process (and so any real program)."""
    if request.node.get_closest_marker("unit") is None:
        yield
        return
    from briefgen.render import fontmetrics
    from briefgen.render.theme import DEFAULT_BODY_FONT, DEFAULT_HEADING_FONT
    from briefgen.sources.fonts import installed_coverage

    # The glyph preflight (fc-list) and the type measures (fc-match) ask fontconfig once per
    # process; they ask here, before the test, so that a unit test may validate a brief and lay
    # out its HTML without being the one to start a program.
    installed_coverage()
    for family in (DEFAULT_HEADING_FONT, DEFAULT_BODY_FONT):
        fontmetrics.face(family)
    import _posixsubprocess
    import multiprocessing.util

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError(
            f"{request.node.nodeid} is marked unit but starts a process: mark it slow instead"
        )

    monkeypatch.setattr(_posixsubprocess, "fork_exec", refused)
    monkeypatch.setattr(subprocess, "_fork_exec", refused, raising=False)
    monkeypatch.setattr(multiprocessing.util, "spawnv_passfds", refused)
    for name in (
        "fork",
        "forkpty",
        "posix_spawn",
        "posix_spawnp",
        "system",
        "spawnv",
        "spawnve",
        "execv",
        "execve",
    ):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, refused)
    yield

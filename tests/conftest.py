"""Shared fixtures: the bundled brief, the small Andes fixture brief, and copies to break."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CENTRAL_ASIA = REPO / "briefs" / "china-central-asia"
ANDES = FIXTURES / "briefs" / "andes-water"


@pytest.fixture(scope="session", autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep briefgen's cache (the validated tracking files) inside the test run, never in ~/.cache."""
    os.environ["BRIEFGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


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


def libreoffice(fmt: str, out: Path, *documents: Path, profile: Path) -> None:
    """Convert `documents` to `fmt` ("pdf", "odt") into `out` with LibreOffice, headless, in a
    profile of its own (two conversions at once must not share one)."""
    subprocess.run(
        [
            "soffice",
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


def central_asia_edition_1():  # type: ignore[no-untyped-def]
    """The bundled brief as released in edition 1: frozen, so tests of what the documents show
    do not move when analysts edit the working sources."""
    from briefgen.sources.editions import load_edition

    return load_edition(CENTRAL_ASIA, 1)

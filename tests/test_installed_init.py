"""The installed tool, outside the checkout: `briefgen init` in an empty folder, then validate and build.

briefgen is installed into a fresh virtual environment in a temporary folder (its libraries come
from the test environment through a .pth line, so nothing is downloaded), and every command
runs from an empty folder elsewhere, so nothing of the checkout can be found by accident.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import REPO

INSTALLS = ("wheel", "editable")


def _run(args: list[str | Path], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False)


def _fresh_venv(root: Path) -> Path:
    """Return the python of a new venv whose dependencies are the test environment's libraries."""
    venv = root / "venv"
    result = _run([sys.executable, "-m", "venv", "--without-pip", venv])
    assert result.returncode == 0, result.stderr
    python = venv / "bin" / "python"
    purelib = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    # a plain path line: the libraries, but not the .pth finders of the test environment's
    # own editable briefgen (those only run for .pth files in a site directory)
    Path(purelib, "briefgen-test-libraries.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    return python


def _install(kind: str, root: Path) -> Path:
    python = _fresh_venv(root)
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps"]
    if kind == "wheel":
        source = root / "source"  # build from a copy: no build/ or egg-info left in the checkout
        shutil.copytree(
            REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
        )
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(REPO / name, source / name)
        dist = root / "dist"
        built = _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dist, source])
        assert built.returncode == 0, built.stderr
        wheels = list(dist.glob("briefgen-*.whl"))
        assert len(wheels) == 1, wheels
        installed = _run([*pip, wheels[0]])
    else:
        installed = _run([*pip, "--editable", REPO])
    assert installed.returncode == 0, installed.stderr
    return python.parent / "briefgen"


@pytest.mark.slow
@pytest.mark.parametrize("kind", INSTALLS)
def test_the_installed_tool_starts_a_project_that_validates_and_builds(kind: str, tmp_path: Path) -> None:
    tool = _install(kind, tmp_path / "install")
    where = _run([tool.parent / "python", "-c", "import briefgen; print(briefgen.__file__)"]).stdout.strip()
    if kind == "wheel":
        assert where.startswith(str(tmp_path / "install" / "venv")), where
    project = tmp_path / "elsewhere" / "policy-briefs"
    project.mkdir(parents=True)

    init = _run([tool, "init"], cwd=project)
    assert init.returncode == 0, init.stderr
    checked = _run([tool, "validate"], cwd=project)
    assert checked.returncode == 0, checked.stderr
    assert "example-brief: ok" in checked.stdout
    built = _run([tool, "build"], cwd=project)
    assert built.returncode == 0, built.stderr
    out = project / "build" / "example-brief" / "e1" / "en"
    assert (out / "example-brief-PT-e1.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "example-brief-PT-e1.docx").read_bytes().startswith(b"PK")

    added = _run(
        [tool, "new", "recommendation", "a-second-thought"], cwd=project / "briefs" / "example-brief"
    )
    assert added.returncode == 0, added.stderr
    assert _run([tool, "validate"], cwd=project).returncode == 0

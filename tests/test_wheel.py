"""The wheel is the product: built from the checkout, installed into a fresh virtual environment
outside it, it renders the fixture brief to DOCX and PDF from a folder that holds only `briefs/`,
reading nothing of the checkout.

One module-scoped installation serves every test here: building the wheel and installing it
with its dependencies is most of the time (pip's cache makes the installation quick).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from conftest import FIXTURES, REPO

pytestmark = pytest.mark.slow

TEMPLATES = REPO / "src" / "briefgen" / "render" / "templates"
COUNTRIES = ("BO", "CL", "PE")

WATCH = '''\
"""Records every file or folder under the checkout that Python opens or lists in this process."""
import os
import sys

_ROOT = os.environ.get("BRIEFGEN_TEST_CHECKOUT")
_LOG = os.environ.get("BRIEFGEN_TEST_READS")
_busy = False


def _hook(event, args):
    global _busy
    if _busy or event not in ("open", "os.listdir", "os.scandir") or not args:
        return
    try:
        path = os.path.realpath(os.fsdecode(args[0]))
    except TypeError:  # a file descriptor
        return
    if path == _ROOT or path.startswith(_ROOT + os.sep):
        _busy = True
        try:
            with open(_LOG, "a", encoding="utf-8") as log:
                log.write(f"{os.getpid()} {event} {path}\\n")
        finally:
            _busy = False


if _ROOT and _LOG:
    sys.addaudithook(_hook)
'''
"""A module the installed environment imports at every interpreter start (through a .pth
file), the renderer workers included: it logs any read of the checkout."""


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that could point Python or briefgen at the checkout."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "BRIEFGEN_")) and k not in ("VIRTUAL_ENV", "PWD")
    }
    return {**env, **extra}


def run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a program; on failure, fail the test with its output."""
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env or clean_env(),
        capture_output=True,
        text=True,
        timeout=600,  # a guard against a hang, not a performance assertion
        check=False,
    )
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the checkout's sources (the checkout gets no build files)."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(
        REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    )
    out = base / "dist"
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", out, source], cwd=base)
    (built,) = out.glob("briefgen-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment (no system site-packages) with the wheel and its dependencies."""
    home = tmp_path_factory.mktemp("venv") / "env"
    assert not home.is_relative_to(REPO)
    run([sys.executable, "-m", "venv", home], cwd=home.parent)
    python = home / "bin" / "python"
    run([python, "-m", "pip", "install", "-q", wheel], cwd=home.parent)
    site = Path(
        run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=home).strip()
    )
    (site / "briefgen_test_watch.py").write_text(WATCH, encoding="utf-8")
    (site / "briefgen_test_watch.pth").write_text("import briefgen_test_watch\n", encoding="utf-8")
    return home


def test_the_wheel_carries_every_template_and_asset(wheel: Path) -> None:
    on_disk = {
        p.relative_to(TEMPLATES).as_posix()
        for p in TEMPLATES.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    prefix = "briefgen/render/templates/"
    with zipfile.ZipFile(wheel) as archive:
        carried = {n.removeprefix(prefix) for n in archive.namelist() if n.startswith(prefix)}
        assert "briefgen/py.typed" in archive.namelist()
    assert {"base.html", "reference.docx", "partials/title.html", "distribution/cover-note.txt"} <= on_disk
    assert carried == on_disk


def test_the_installed_package_finds_its_templates_inside_the_environment(venv: Path, tmp_path: Path) -> None:
    python = venv / "bin" / "python"
    site = Path(
        run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=tmp_path).strip()
    )
    out = run(
        [
            python,
            "-c",
            "import briefgen, briefgen.render as r; print(briefgen.__file__); print(r.templates_dir())",
        ],
        cwd=tmp_path,
    )
    package, templates = (Path(line).resolve() for line in out.splitlines())
    assert package == site.resolve() / "briefgen" / "__init__.py"
    assert templates == site.resolve() / "briefgen" / "render" / "templates"
    assert (templates / "reference.docx").is_file()
    assert not any(REPO.as_posix() in p.read_text(encoding="utf-8") for p in site.glob("*.pth"))


def test_the_watch_sees_a_read_of_the_checkout(venv: Path, tmp_path: Path) -> None:
    """The control for the next test: the logging of checkout reads works."""
    reads = tmp_path / "checkout-reads.log"
    env = clean_env(BRIEFGEN_TEST_CHECKOUT=str(REPO.resolve()), BRIEFGEN_TEST_READS=str(reads))
    run([venv / "bin" / "python", "-c", f"open({str(REPO / 'README.md')!r}).close()"], cwd=tmp_path, env=env)
    assert f"open {(REPO / 'README.md').resolve()}" in reads.read_text(encoding="utf-8")


def test_the_installed_command_renders_docx_and_pdf_from_a_folder_holding_only_briefs(
    venv: Path, tmp_path: Path
) -> None:
    work = tmp_path / "analyst"
    shutil.copytree(FIXTURES / "briefs", work / "briefs")
    assert sorted(p.name for p in work.iterdir()) == ["briefs"]
    reads = tmp_path / "checkout-reads.log"
    env = clean_env(
        PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        BRIEFGEN_TEST_CHECKOUT=str(REPO.resolve()),
        BRIEFGEN_TEST_READS=str(reads),
    )

    run([venv / "bin" / "briefgen", "build", "--format", "docx,pdf", "--quiet"], cwd=work, env=env)

    assert not reads.exists(), "the installed briefgen read the checkout:\n" + reads.read_text()
    folder = work / "build" / "andes-water" / "e1" / "en"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"andes-water-{code}-e1.{fmt}" for code in COUNTRIES for fmt in ("docx", "pdf")
    )
    for code in COUNTRIES:
        docx_bytes = (folder / f"andes-water-{code}-e1.docx").read_bytes()
        with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
            assert "word/document.xml" in archive.namelist()
            assert "word/styles.xml" in archive.namelist()
        text = "\n".join(p.text for p in Document(io.BytesIO(docx_bytes)).paragraphs)
        assert "Water Security in the Andes" in text

        pdf_bytes = (folder / f"andes-water-{code}-e1.pdf").read_bytes()
        assert pdf_bytes.startswith(b"%PDF-")
        reader = PdfReader(io.BytesIO(pdf_bytes))
        assert len(reader.pages) >= 1
        assert "Water Security in the Andes" in reader.pages[0].extract_text()


def test_the_installed_command_starts_a_project_in_an_empty_folder_that_validates_and_builds(
    venv: Path, tmp_path: Path
) -> None:
    work = tmp_path / "new-project"
    work.mkdir()
    reads = tmp_path / "checkout-reads.log"
    env = clean_env(
        PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        BRIEFGEN_TEST_CHECKOUT=str(REPO.resolve()),
        BRIEFGEN_TEST_READS=str(reads),
    )
    briefgen = venv / "bin" / "briefgen"

    run([briefgen, "init"], cwd=work, env=env)
    assert "example-brief: ok" in run([briefgen, "validate"], cwd=work, env=env)
    run([briefgen, "build", "--quiet"], cwd=work, env=env)
    run(
        [briefgen, "new", "recommendation", "a-second-thought"],
        cwd=work / "briefs" / "example-brief",
        env=env,
    )
    assert "3 recommendations" in run([briefgen, "validate"], cwd=work, env=env)

    assert not reads.exists(), "the installed briefgen read the checkout:\n" + reads.read_text()
    folder = work / "build" / "example-brief" / "e1" / "en"
    assert sorted(p.name for p in folder.iterdir()) == ["example-brief-PT-e1.docx", "example-brief-PT-e1.pdf"]
    reader = PdfReader(folder / "example-brief-PT-e1.pdf")
    assert "Preparing for Hotter Summers" in reader.pages[0].extract_text()
    assert (
        "Preparing for Hotter Summers"
        in Document(str(folder / "example-brief-PT-e1.docx")).paragraphs[0].text
    )


def test_the_wheel_carries_the_previews_templates_and_static_files(wheel: Path) -> None:
    preview = REPO / "src" / "briefgen" / "preview"
    on_disk = {
        p.relative_to(preview.parents[1]).as_posix()
        for folder in ("templates", "static")
        for p in (preview / folder).rglob("*")
        if p.is_file()
    }
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"briefgen/preview/templates/overview.html", "briefgen/preview/static/preview.js"} <= on_disk
    assert on_disk <= names

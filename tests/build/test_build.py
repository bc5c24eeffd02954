"""`briefgen build`: fan-out, incremental, manifest, atomic writes, reproducible."""

from __future__ import annotations

import gc
import hashlib
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader
from typer.testing import CliRunner

from accessibility import assert_accessible_docx, assert_accessible_pdf
from briefgen.cli import app
from conftest import REPO, build, replace_in

runner = CliRunner()


def files_of(out: Path) -> dict[str, bytes]:
    """Every output and manifest (not `.inputs.json`, the build's record of what it read)."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def written(report) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(o.path.name for o in report.by_status("written"))


@pytest.mark.unit
def test_it_writes_every_country_and_format_where_the_design_says(andes: Path, tmp_path: Path) -> None:
    report = build([andes], formats=["docx", "html"], out=tmp_path / "out", jobs=1)
    assert written(report) == [
        "andes-water-BO-e1.docx",
        "andes-water-BO-e1.html",
        "andes-water-CL-e1.docx",
        "andes-water-CL-e1.html",
        "andes-water-PE-e1.docx",
        "andes-water-PE-e1.html",
    ]
    assert (tmp_path / "out/andes-water/e1/en/andes-water-PE-e1.docx").is_file()
    assert report.manifests == [(tmp_path / "out/andes-water/e1/manifest.json").resolve()]


@pytest.mark.unit
def test_the_manifest_lists_every_file_with_its_hash_size_and_key(andes: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([andes], formats=["docx", "html"], out=out, jobs=1)
    manifest = json.loads((out / "andes-water/e1/manifest.json").read_text())
    assert (manifest["brief"], manifest["edition"], manifest["failed"]) == ("andes-water", 1, [])
    assert len(manifest["files"]) == 6
    for entry in manifest["files"]:
        data = (out / "andes-water/e1" / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["size"] == len(data)
        assert entry["language"] == "en" and entry["scenario"] == "neutral" and len(entry["key"]) == 64
    assert {e["country"] for e in manifest["files"]} == {"PE", "BO", "CL"}


@pytest.mark.unit
def test_an_unchanged_rebuild_renders_nothing(andes: Path, tmp_path: Path) -> None:
    build([andes], formats=["docx", "html"], out=tmp_path, jobs=1)
    again = build([andes], formats=["docx", "html"], out=tmp_path, jobs=1)
    assert written(again) == [] and len(again.by_status("skipped")) == 6


@pytest.mark.unit
def test_editing_one_profile_re_renders_only_that_country(andes: Path, tmp_path: Path) -> None:
    build([andes], formats=["docx", "html"], out=tmp_path, jobs=1)
    replace_in(andes.parent / "countries/CL.yaml", "value: 3.9", "value: 4.2")
    again = build([andes], formats=["docx", "html"], out=tmp_path, jobs=1)
    assert written(again) == ["andes-water-CL-e1.docx", "andes-water-CL-e1.html"]


@pytest.mark.unit
def test_a_damaged_output_is_rendered_again(andes: Path, tmp_path: Path) -> None:
    build([andes], formats=["docx"], out=tmp_path, jobs=1)
    victim = tmp_path / "andes-water/e1/en/andes-water-BO-e1.docx"
    victim.write_bytes(victim.read_bytes()[:100])
    again = build([andes], formats=["docx"], out=tmp_path, jobs=1)
    assert written(again) == ["andes-water-BO-e1.docx"]
    Document(str(victim))  # whole again


def test_force_renders_everything_to_the_same_bytes(andes: Path, tmp_path: Path) -> None:
    build([andes], formats=["docx", "pdf", "html"], out=tmp_path / "a", jobs=2)
    first = files_of(tmp_path / "a")
    report = build([andes], formats=["docx", "pdf", "html"], out=tmp_path / "a", jobs=1, force=True)
    assert len(report.by_status("written")) == 9
    assert files_of(tmp_path / "a") == first
    for document in sorted((tmp_path / "a").rglob("*.pdf")):  # every country of the fixture brief
        assert_accessible_pdf(document)
    for document in sorted((tmp_path / "a").rglob("*.docx")):
        assert_accessible_docx(document)


def test_two_builds_in_separate_folders_are_byte_identical_manifests_included(
    andes: Path, tmp_path: Path
) -> None:
    build([andes], formats=["docx", "html"], out=tmp_path / "a", jobs=2)
    build([andes], formats=["docx", "html"], out=tmp_path / "b", jobs=1)
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")


@pytest.mark.unit
def test_one_broken_document_fails_the_command_but_not_the_others(
    andes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen.render.html import HtmlRenderer

    original = HtmlRenderer.render

    def broken(self, brief):  # type: ignore[no-untyped-def]
        if brief.country == "BO":
            raise RuntimeError("template exploded for Bolivia")
        return original(self, brief)

    monkeypatch.setattr(HtmlRenderer, "render", broken)
    result = runner.invoke(
        app, ["build", str(andes), "--format", "html,docx", "--out", str(tmp_path), "--jobs", "1"]
    )
    assert result.exit_code == 1
    assert "andes-water-BO-e1.html: RuntimeError: template exploded for Bolivia" in result.stderr
    manifest = json.loads((tmp_path / "andes-water/e1/manifest.json").read_text())
    assert [f["path"] for f in manifest["failed"]] == ["en/andes-water-BO-e1.html"]
    assert len(manifest["files"]) == 5
    assert (tmp_path / "andes-water/e1/en/andes-water-CL-e1.html").is_file()


def test_json_summary_for_scripts(andes: Path, tmp_path: Path) -> None:
    started = time.perf_counter()
    result = runner.invoke(
        app, ["build", str(andes), "-f", "html", "-c", "PE", "--out", str(tmp_path), "--json"]
    )
    elapsed = time.perf_counter() - started
    summary = json.loads(result.stdout)
    assert result.exit_code == 0
    assert [Path(p).name for p in summary["written"]] == ["andes-water-PE-e1.html"]
    assert summary["failed"] == [] and 0 < summary["seconds"] <= elapsed


def test_an_unknown_country_or_format_is_a_usage_error(andes: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["build", str(andes), "-c", "KZ", "--out", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["build", str(andes), "-f", "odt", "--out", str(tmp_path)]).exit_code == 2


@pytest.mark.unit
def test_another_scenario_gets_its_own_file_name(andes: Path, tmp_path: Path) -> None:
    report = build([andes], formats=["html"], scenario="el-nino", countries=["PE"], out=tmp_path, jobs=1)
    assert written(report) == ["andes-water-PE-e1-el-nino.html"]


def test_a_released_edition_rebuilds_to_the_bytes_of_its_release(andes: Path, tmp_path: Path) -> None:
    from briefgen.editions.release import release

    release(andes)
    # built from the frozen release (a working build before it is a draft, marked as one)
    build([andes], formats=["docx", "pdf"], out=tmp_path / "at-release", jobs=2, edition=1)
    replace_in(
        andes / "brief.yaml", "Droughts follow El Niño years.", "Droughts follow El Niño years, mostly."
    )
    build([andes], formats=["docx", "pdf"], out=tmp_path / "later", jobs=2, edition=1)
    assert files_of(tmp_path / "later") == files_of(tmp_path / "at-release")


def test_briefgen_help_imports_no_renderer_and_no_pydantic() -> None:
    code = (
        "import sys\n"
        "from briefgen.cli import main\n"
        "sys.argv = ['briefgen', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'docx', 'pikepdf', 'pydantic') or m.startswith(('briefgen.render.', 'briefgen.sources.')))\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_whole_files_and_the_next_build_repairs_the_rest(
    andes: Path, tmp_path: Path, rng: random.Random
) -> None:
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "briefgen",
        "build",
        str(andes),
        "--format",
        "docx,pdf,html",
        "--out",
        str(out),
        "--jobs",
        "2",
        "--quiet",
    ]
    subprocess.run(command, check=True, timeout=300)
    replace_in(
        andes / "brief.yaml", "Droughts follow El Niño years.", "Droughts follow El Niño years, mostly."
    )
    for _ in range(3):
        process = subprocess.Popen([*command, "--force"], start_new_session=True)
        time.sleep(rng.uniform(0.3, 2.5))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for path in out.rglob("*"):
            if path.suffix == ".pdf":
                assert len(PdfReader(path).pages) >= 1
            elif path.suffix == ".docx":
                Document(str(path))
    subprocess.run(command, check=True, timeout=300)
    manifest = json.loads((out / "andes-water/e1/manifest.json").read_text())
    assert len(manifest["files"]) == 9 and manifest["failed"] == []
    for entry in manifest["files"]:
        data = (out / "andes-water/e1" / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        if entry["format"] == "docx":
            assert "mostly" in "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert not list(out.rglob("*.part"))


class _DiesWhenUnpickled:
    """Stands in for a brief; the worker that receives it exits at once, as a killed one would."""

    figures = ()  # nothing for the build process to draw before handing it over

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os._exit, (3,))


def test_a_worker_that_dies_is_reported_as_a_failed_document_not_a_traceback(tmp_path: Path) -> None:
    from briefgen.build.plan import Job
    from briefgen.build.pool import start_pool
    from briefgen.build.schedule import render_all

    doomed = Job(_DiesWhenUnpickled(), "html", tmp_path / "doomed.html", "en/doomed.html", "k")  # type: ignore[arg-type]
    with start_pool(2) as pool:
        outcomes = list(render_all([doomed] * 6, pool, workers=2))  # more than are handed out at once
    assert [o.status for o in outcomes] == ["failed"] * 6
    assert all(o.error.startswith("the worker rendering it stopped") for o in outcomes)
    assert not (tmp_path / "doomed.html").exists()


def test_a_figure_the_build_process_cannot_draw_is_left_to_the_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build process draws figures for its workers; when it cannot, the worker draws."""
    from briefgen.build import BuildRequest
    from briefgen.build.plan import plan
    from briefgen.build.pool import start_pool
    from briefgen.build.schedule import render_all
    from briefgen.render import charts
    from briefgen.validate import validated

    loaded = validated(REPO / "briefs" / "china-central-asia", None)
    request = BuildRequest(countries=("KG", "TJ"), formats=("html",), out=tmp_path, languages=("en",))
    jobs = plan([loaded], request)

    def cannot(*_: object) -> None:
        raise RuntimeError("no drawing in this process")

    monkeypatch.setattr(charts, "drawings", cannot)  # here only: the workers are other processes
    with start_pool(2) as pool:
        outcomes = list(render_all(jobs, pool, workers=2))
    assert sorted(o.status for o in outcomes) == ["written", "written"]
    assert all("<svg" in job.path.read_text(encoding="utf-8") for job in jobs)


def test_when_nothing_changed_the_build_loads_nothing(
    andes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build([andes], formats=["docx", "html"], out=tmp_path, jobs=1)
    import briefgen.sources.loading

    def refuse(*_: object) -> None:
        raise AssertionError("loaded the sources although nothing changed")

    monkeypatch.setattr(briefgen.sources.loading, "load_sources", refuse)
    again = build([andes], formats=["docx", "html"], out=tmp_path, jobs=1)
    assert sorted(o.path for o in again.outcomes) == sorted(o.path for o in first.outcomes)
    assert {o.status for o in again.outcomes} == {"skipped"} and again.manifests == first.manifests
    # other options, or any changed input, take the full path
    with pytest.raises(AssertionError, match="loaded the sources"):
        build([andes], formats=["docx"], out=tmp_path, jobs=1)
    (andes / "sources.yaml").write_text((andes / "sources.yaml").read_text() + "\n")
    with pytest.raises(AssertionError, match="loaded the sources"):
        build([andes], formats=["docx", "html"], out=tmp_path, jobs=1)


def test_each_document_frees_its_cycles_before_the_next(andes: Path, tmp_path: Path) -> None:
    """The command runs its cycle collector seldom; a build collects after each document instead.

    In a fresh process at the command's thresholds, a build of every document in-process leaves
    almost nothing for a collection afterwards (3,500 unreachable objects without the collection
    after each document), and what survived the documents is frozen, not walked again.
    """
    code = (
        "import gc; from pathlib import Path; from briefgen.build.collector import tune_for_documents; "
        "tune_for_documents(); from briefgen.build import BuildRequest, build; "
        f"build(BuildRequest(briefs=(Path({str(andes)!r}),), out=Path({str(tmp_path / 'out')!r}), jobs=1)); "
        "print(gc.collect(), gc.get_freeze_count())"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    unreachable, frozen = (int(n) for n in result.stdout.split())
    assert unreachable < 1000
    assert frozen > 10_000


def test_a_process_that_embeds_briefgen_keeps_its_own_collector(andes: Path, tmp_path: Path) -> None:
    """An application (or this test run) calling `build` at Python's own thresholds: nothing of
    its heap is frozen, and its collector runs as it would without briefgen."""
    code = (
        "import gc; from pathlib import Path; from briefgen.build import BuildRequest, build; "
        f"build(BuildRequest(briefs=(Path({str(andes)!r}),), out=Path({str(tmp_path / 'out')!r}), jobs=1)); "
        "print(gc.get_freeze_count(), gc.get_threshold())"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().split(maxsplit=1) == ["0", str(gc.get_threshold())]

"""One reader for every file: a FIFO, a device, a link out of the project or a huge file is a
problem naming the file and what it is, from `validate` and `build` alike; never a read that
waits forever, fills the memory, or prints a byte of a file outside the project."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

import briefgen.reading as reading
from briefgen.sources.theme import css_reaches_out
from conftest import FIXTURES, publish_in_russian, replace_in
from hardening import BRIEFGEN, ends_cleanly, run

MEMORY_LIMIT = 512 * 1024 * 1024
"""Address space a command may use in these tests: a build of the fixture brief needs less; a
read of /dev/zero would pass it within a second."""


def run_limited(
    *args: str | Path, cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run `briefgen ARGS` with its memory bounded (RLIMIT_AS, inherited by its workers)."""

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    return subprocess.run(
        [BRIEFGEN, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        check=False,
        preexec_fn=bounded,
    )


@pytest.fixture
def themed(briefs_copy: Path) -> Path:
    """The Andes brief with the fixture theme as the project's theme (briefs/theme)."""
    shutil.copytree(FIXTURES / "themes" / "institute", briefs_copy / "theme")
    return briefs_copy / "andes-water"


@pytest.fixture
def in_russian(andes: Path) -> Path:
    """The Andes brief published in English and Russian, its catalogs written by `translate`."""
    publish_in_russian(andes)
    ends_cleanly(run("translate", andes, "--language", "ru"), 0)
    return andes


# --- the reader itself ------------------------------------------------------------------------------


@pytest.mark.unit
def test_a_plain_file_inside_the_project_is_read(tmp_path: Path) -> None:
    (tmp_path / "brief.yaml").write_text("id: x\n", encoding="utf-8")
    assert reading.read_file(tmp_path / "brief.yaml", reading.SOURCE, within=tmp_path) == b"id: x\n"


@pytest.mark.unit
def test_a_fifo_is_refused_at_once_without_waiting_for_a_writer(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "ru.po")
    outcome: list[str] = []

    def read() -> None:
        try:
            reading.read_file(tmp_path / "ru.po", reading.CATALOG, within=tmp_path)
        except reading.UnreadableFile as exc:
            outcome.append(exc.reason)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert outcome == [
        "is a FIFO (named pipe), not a regular file; a translation catalog must be a plain file"
    ]


@pytest.mark.unit
def test_a_link_to_dev_zero_is_named_and_never_opened(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").symlink_to("/dev/zero")
    with pytest.raises(reading.UnreadableFile) as caught:
        reading.read_file(tmp_path / "logo.svg", reading.THEME_FILE, within=tmp_path)
    assert caught.value.reason == (
        f"is a link to /dev/zero, a character device, outside the project folder {tmp_path}; "
        "a theme file must lie inside it"
    )
    assert reading.fingerprint(tmp_path / "logo.svg", within=tmp_path) == "!outside"


@pytest.mark.unit
def test_a_device_is_refused_even_where_no_project_folder_is_given() -> None:
    with pytest.raises(reading.UnreadableFile, match="is a character device, not a regular file"):
        reading.read_file(Path("/dev/zero"), reading.DOCUMENT)
    assert reading.fingerprint(Path("/dev/zero")) == "!a character device"


@pytest.mark.unit
def test_a_file_over_its_kinds_limit_is_refused_and_hashed_only_up_to_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "1.json"
    big.write_bytes(b"x" * (reading.CATALOG.limit + 1))
    with pytest.raises(reading.UnreadableFile, match="the limit is 5 MB for a translation catalog"):
        reading.read_file(big, reading.CATALOG, within=tmp_path)
    assert reading.read_file(big, reading.EDITION, within=tmp_path) == big.read_bytes()
    assert reading.fingerprint(big, limit=1024) == "!large"


@pytest.mark.unit
def test_a_dangling_link_says_where_it_points(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").symlink_to(tmp_path / "gone.yaml")
    with pytest.raises(reading.UnreadableFile, match=r"gone\.yaml, which does not exist"):
        reading.read_file(tmp_path / "sources.yaml", reading.SOURCE, within=tmp_path)


# --- a theme logo linked to /dev/zero: the critical case ---------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_logo_linked_to_dev_zero_fails_quickly_with_bounded_memory(
    themed: Path, tmp_path: Path, command: str
) -> None:
    logo = themed.parent / "theme" / "logo.svg"
    logo.unlink()
    logo.symlink_to("/dev/zero")
    extra = ["--out", str(tmp_path / "out")] if command == "build" else []
    stderr = ends_cleanly(run_limited(command, themed, *extra), 1)
    assert "theme/theme.yaml:6:7: logo: 'logo.svg' is a link to /dev/zero, a character device" in stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_logo_that_is_a_fifo_is_a_problem_not_a_wait(themed: Path, tmp_path: Path, command: str) -> None:
    logo = themed.parent / "theme" / "logo.svg"
    logo.unlink()
    os.mkfifo(logo)
    extra = ["--out", str(tmp_path / "out")] if command == "build" else []
    stderr = ends_cleanly(run_limited(command, themed, *extra), 1)
    assert "logo: 'logo.svg' is a FIFO (named pipe), not a regular file" in stderr


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_an_unrelated_file_in_the_brief_folder_is_never_read(andes: Path, tmp_path: Path, kind: str) -> None:
    notes = andes / "notes.txt"
    if kind == "fifo":
        os.mkfifo(notes)
    else:
        notes.symlink_to("/dev/zero")
    out = tmp_path / "out"
    first = run_limited("build", andes, "--format", "html", "--out", out)
    ends_cleanly(first, 0)
    assert first.stdout.count("written") == 3 + 1  # three documents and the summary line
    again = run_limited("build", andes, "--format", "html", "--out", out)
    ends_cleanly(again, 0)
    assert "0 written, 3 unchanged" in again.stdout  # the record knows notes.txt as what it is


# --- catalogs, editions: refused by name from every command -----------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["build", "--format", "html"],
        ["translate", "--language", "ru"],
        ["diff", "--from", "working"],
    ],
    ids=lambda c: c[0],
)
def test_a_catalog_that_is_a_fifo_is_refused_by_every_command(
    in_russian: Path, tmp_path: Path, command: list[str]
) -> None:
    catalog = in_russian / "translations" / "ru.po"
    catalog.unlink()
    os.mkfifo(catalog)
    extra = ["--out", str(tmp_path / "out")] if command[0] == "build" else []
    stderr = ends_cleanly(run_limited(command[0], in_russian, *command[1:], *extra), 1)
    assert "translations/ru.po:1:1: (file): is a FIFO (named pipe), not a regular file" in stderr
    assert catalog.is_fifo()  # `translate` did not replace it with a file of its own


@pytest.mark.slow
@pytest.mark.parametrize("command", [["validate"], ["translate", "--language", "ru"]], ids=lambda c: c[0])
def test_a_catalog_linked_to_etc_passwd_is_refused_without_printing_a_line_of_it(
    in_russian: Path, command: list[str]
) -> None:
    catalog = in_russian / "translations" / "ru.po"
    catalog.unlink()
    catalog.symlink_to("/etc/passwd")
    result = run_limited(command[0], in_russian, *command[1:])
    stderr = ends_cleanly(result, 1)
    assert "translations/ru.po:1:1: (file): is a link to /etc/passwd, outside the project folder" in stderr
    assert "root:" not in stderr + result.stdout
    assert catalog.is_symlink()


@pytest.mark.slow
@pytest.mark.parametrize("command", [["validate"], ["diff", "--from", "1", "--to", "working"], ["build"]])
def test_an_edition_that_is_a_fifo_is_refused_by_every_command(
    andes: Path, tmp_path: Path, command: list[str]
) -> None:
    ends_cleanly(run("release", andes), 0)
    frozen = andes / "editions" / "1.json"
    frozen.unlink()
    os.mkfifo(frozen)
    extra = ["--format", "html", "--out", str(tmp_path / "out")] if command[0] == "build" else []
    stderr = ends_cleanly(run_limited(command[0], andes, *command[1:], *extra), 1)
    assert "editions/1.json" in stderr and "is a FIFO (named pipe), not a regular file" in stderr


# --- theme folders inside the project; stylesheets that load nothing from elsewhere ------------------


@pytest.mark.slow
@pytest.mark.parametrize("theme", ["/dev", "/etc", "../../..", "link"])
def test_a_theme_folder_outside_the_project_is_refused_without_walking_it(
    andes: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, theme: str
) -> None:
    if theme == "link":
        elsewhere = tmp_path_factory.mktemp("elsewhere") / "theme"
        shutil.copytree(FIXTURES / "themes" / "institute", elsewhere)
        (andes / "theme").symlink_to(elsewhere)
    else:
        replace_in(andes / "brief.yaml", "countries:", f"theme: {theme}\ncountries:")
    for command in (["validate", andes], ["build", andes, "--format", "html", "--out", tmp_path / "out"]):
        result = run_limited(*command, timeout=60)
        stderr = ends_cleanly(result, 1)
        assert "lies outside the project folder" in stderr, stderr
        assert stderr.count("\n") <= 2  # one problem (and validate's count), not one per file of /etc


@pytest.mark.unit
@pytest.mark.parametrize(
    ("css", "said"),
    [
        (".x { background: url(//host/x) }", "the network address '//host/x'"),
        (r".x { background: url(ht\74p://host/x) }", "the URL 'http://host/x'"),
        (r".x { background: url(\66ile:///etc/passwd) }", "the URL 'file:///etc/passwd'"),
        (r'.x { background: url("\66ile:///etc/passwd") }', "the URL 'file:///etc/passwd'"),
        ("@import 'other.css';", "an @import"),
        ("@media print { .x { background: url(https://host/x.png) } }", "the URL 'https://host/x.png'"),
        (".x { background: url(../../secret.png) }", "climbs out of the theme folder"),
        (".x { background: url(/etc/passwd) }", "the absolute path '/etc/passwd'"),
    ],
)
def test_a_theme_stylesheet_that_loads_from_elsewhere_is_refused_however_it_is_written(
    css: str, said: str
) -> None:
    assert said in (css_reaches_out(css) or "")


@pytest.mark.unit
def test_a_theme_stylesheet_of_its_own_folder_passes() -> None:
    css = "/* url(http://in-a-comment) */ .band { background: url(band.png); letter-spacing: .02em }"
    assert css_reaches_out(css) is None


@pytest.mark.slow
def test_validate_refuses_an_escaped_url_in_the_theme_stylesheet(themed: Path) -> None:
    (themed.parent / "theme" / "theme.css").write_text(
        r".title { background: url(\66ile:///etc/passwd) }", encoding="utf-8"
    )
    stderr = ends_cleanly(run("validate", themed), 1)
    assert "css: 'theme.css' may load files of the theme folder only" in stderr
    assert "the URL 'file:///etc/passwd'" in stderr


@pytest.mark.unit
@pytest.mark.parametrize("theme", ["/etc", "/dev", "../../.."])
def test_the_record_of_a_builds_inputs_never_walks_a_theme_folder_outside_the_project(
    andes: Path, theme: str
) -> None:
    from briefgen.build import freshness

    replace_in(andes / "brief.yaml", "countries:", f"theme: {theme}\ncountries:")
    inputs = freshness.snapshot(andes)
    assert "named-theme" not in inputs.files
    assert set(inputs.files) == {"brief", "countries", "theme", "code"}
    assert "brief.yaml" in inputs.files["brief"]

"""The font preflight: every character a brief shows has a font, or a warning says which package."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from briefgen.sources import fonts
from briefgen.sources.fonts import (
    Coverage,
    check_fonts,
    installed_coverage,
    package_for,
    shown_fields,
    uncovered,
)
from briefgen.sources.loading import load_sources
from conftest import CENTRAL_ASIA, program, replace_in

PHRASE = "新型大国关系"
LATIN_CYRILLIC_TURKIC = (
    "Kyrgyz Кыргыз Республикасы Өзбекстан Türkmenistan Kırgızistan Oʻzbekiston Azərbaycan ĞİŞ ңүө"
)
LATIN = Coverage.of_ranges([(0x20, 0x2FF), (0x2000, 0x206F)])


@pytest.mark.unit
def test_coverage_holds_exactly_its_ranges() -> None:
    coverage = Coverage.of_ranges([(0x41, 0x43), (0x42, 0x45), (0x61, 0x61)])
    assert (coverage.starts, coverage.ends) == ((0x41, 0x61), (0x45, 0x61))
    assert "A" in coverage and "E" in coverage and "a" in coverage
    assert "F" not in coverage and "@" not in coverage and "b" not in coverage
    assert len(coverage) == 6


@pytest.mark.unit
def test_fontconfig_charsets_are_parsed_as_inclusive_hex_ranges() -> None:
    ranges = list(fonts._charset_ranges("20-7e a0\n400-4ff 4e00-9fff junk"))
    assert ranges == [(0x20, 0x7E), (0xA0, 0xA0), (0x400, 0x4FF), (0x4E00, 0x9FFF)]


@pytest.mark.unit
def test_the_installed_fonts_cover_latin_cyrillic_turkic_and_han() -> None:
    program("fc-list")  # installed by make setup (fontconfig): the preflight asks it first
    coverage = installed_coverage()
    assert uncovered(LATIN_CYRILLIC_TURKIC + PHRASE, coverage) == []
    assert installed_coverage() is coverage  # read once per process


@pytest.mark.unit
def test_the_bundled_brief_has_no_character_without_a_font() -> None:
    assert check_fonts(load_sources(CENTRAL_ASIA)) == []


@pytest.mark.unit
def test_a_missing_han_font_is_a_warning_naming_file_line_field_and_package() -> None:
    loaded = load_sources(CENTRAL_ASIA)
    problems = check_fonts(loaded, LATIN)
    brief_yaml = CENTRAL_ASIA / "brief.yaml"
    phrase_line = next(
        i for i, line in enumerate(brief_yaml.read_text(encoding="utf-8").splitlines(), 1) if PHRASE in line
    )
    in_brief = [p for p in problems if p.file == brief_yaml]
    # the Han phrase, and the Russian wording of the marking (no Cyrillic font in LATIN either)
    assert sorted(p.field for p in in_brief)[0] == "marking.ru" and len(in_brief) == 2
    problem = next(p for p in in_brief if p.field != "marking.ru")
    assert problem.severity == "warning"
    assert problem.line == phrase_line
    assert problem.field.startswith("sections[") and problem.field.endswith("].body")
    assert "'新' (U+65B0 CJK UNIFIED IDEOGRAPH-65B0)" in problem.message
    assert "install the Debian package fonts-noto-cjk" in problem.message
    assert "warning: " in str(problem)
    # the bibliography is checked too: a title in Han characters
    in_sources = [p for p in problems if p.file.name == "sources.yaml"]
    assert [p.field for p in in_sources] == ["xing1996.title"]


@pytest.mark.unit
def test_a_missing_cyrillic_font_names_the_core_package(andes: Path) -> None:
    replace_in(andes / "brief.yaml", "organisation: Fixture Institute", "organisation: Институт")
    problems = check_fonts(load_sources(andes), LATIN)
    assert [(p.file.name, p.field) for p in problems] == [("brief.yaml", "organisation")]
    assert "'И' (U+0418 CYRILLIC CAPITAL LETTER I)" in problems[0].message
    assert "fonts-noto-core" in problems[0].message
    assert "fonts-noto-cjk" not in problems[0].message


@pytest.mark.unit
def test_a_private_use_character_is_flagged_even_with_every_font_installed(andes: Path) -> None:
    replace_in(andes / "brief.yaml", "subtitle: Glaciers, drought", "subtitle: Glaciers \U0010fffd, drought")
    problems = check_fonts(load_sources(andes))
    assert [(p.field, p.severity) for p in problems] == [("subtitle", "warning")]
    assert "U+10FFFD" in problems[0].message
    assert "private-use or unassigned" in problems[0].message


@pytest.mark.unit
def test_line_breaks_and_invisible_format_characters_need_no_glyph() -> None:
    assert uncovered("a\nb\tc\u200dd\u00ade", Coverage.of_text("abcde")) == []
    assert uncovered("a\u0416", Coverage.of_text("a")) == [(1, "\u0416")]


@pytest.mark.unit
def test_the_debian_package_follows_the_script() -> None:
    assert package_for("新") == "fonts-noto-cjk"
    assert package_for("。") == "fonts-noto-cjk"
    assert package_for("한") == "fonts-noto-cjk"
    assert package_for("Ж") == "fonts-noto-core"
    assert package_for("ş") == "fonts-noto-core"
    assert package_for("\U0001f30d") == "fonts-noto-color-emoji"


@pytest.mark.unit
def test_every_printed_field_is_checked_not_only_markdown(andes: Path) -> None:
    fields = {(part, ".".join(map(str, loc))) for part, loc, _ in shown_fields(load_sources(andes))}
    for expected in [
        ("brief", "organisation"),
        ("brief", "series"),
        ("brief", "marking"),
        ("brief", "authors.0.name"),
        ("brief", "summary"),
        ("sources", "vuille-bradley2018.title"),
        ("country:CL", "highlights.0"),
        ("rec:prepare-drought-finance", "action.steps.1"),
    ]:
        assert expected in fields


def test_without_fc_list_the_font_folders_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    found = subprocess.run(
        [program("fc-match"), "--format=%{file}", "Noto Sans:style=Regular"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    source = Path(found)
    assert source.name == "NotoSans-Regular.ttf", (
        f"fontconfig found {found!r} for Noto Sans (make setup installs it)"
    )
    (tmp_path / "fonts").mkdir()
    shutil.copy(source, tmp_path / "fonts" / source.name)
    (tmp_path / "fonts" / "broken.ttf").write_bytes(b"not a font")
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    monkeypatch.setattr(fonts, "_font_folders", lambda: [tmp_path / "fonts", tmp_path / "missing"])
    fonts.installed_coverage.cache_clear()
    try:
        coverage = fonts.installed_coverage()
    finally:
        fonts.installed_coverage.cache_clear()
    assert uncovered("Кыргыз Türkmenistan", coverage) == []
    assert [c for _, c in uncovered(PHRASE, coverage)] == list(PHRASE)


@pytest.mark.unit
def test_recipients_lines_are_checked_because_every_copy_prints_them(andes) -> None:  # type: ignore[no-untyped-def]
    replace_in(
        andes / "recipients.yaml", "institution: Dirección General de Aguas", "institution: Dirección \ue000"
    )
    problems = check_fonts(load_sources(andes), Coverage.of_ranges([(0x20, 0x2FFF)]))
    assert [(p.file.name, p.field) for p in problems] == [("recipients.yaml", "[2].institution")]

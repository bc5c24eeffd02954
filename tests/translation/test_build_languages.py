"""A translation fails per document, and says so once: a strict build makes every brief whose
catalogs are complete, refuses only the others, and prints one line a language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefgen.cli import app
from conftest import CENTRAL_ASIA_WORKING, replace_in

runner = CliRunner()
E = f"e{CENTRAL_ASIA_WORKING}"
COUNTRIES = {"KG", "KZ", "TJ", "TM", "UZ"}


def _written(out: Path, language: str) -> set[str]:
    folder = out / "china-central-asia" / E / language
    return {re.sub(rf"china-central-asia-(\w\w)-{E}\.html", r"\1", p.name) for p in folder.glob("*.html")}


def _untranslate(po: Path, *contexts: str) -> None:
    """Empty the translation of each entry (as a new entry a translator has not done yet)."""
    text = po.read_text(encoding="utf-8")
    for context in contexts:
        text, found = re.subn(
            rf'(msgctxt "{re.escape(context)}"\nmsgid "[^\n]*"\n)msgstr "[^\n]*"\n', r'\1msgstr ""\n', text
        )
        assert found == 1, context
    po.write_text(text, encoding="utf-8")


@pytest.mark.slow
def test_a_russian_catalog_missing_entries_fails_only_the_russian_briefs_in_one_line(
    central_asia_copy: Path, tmp_path: Path
) -> None:
    po = central_asia_copy / "translations" / "ru.po"
    _untranslate(po, "brief.yaml:title", "brief.yaml:organisation", "brief.yaml:series")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(central_asia_copy), "-f", "html", "-o", str(out), "-j", "1"])
    assert result.exit_code == 1
    assert _written(out, "en") == COUNTRIES and _written(out, "ru") == set()
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    summary = [line for line in lines if line.startswith("ru: ")]
    assert len(summary) == 1 and len(lines) == 1, lines  # one line, not one per entry
    assert summary[0].startswith(f"ru: 3 entries untranslated in {po}; not built: china-central-asia for ")
    assert "run `briefgen translate" in summary[0] and "or build with --allow-untranslated" in summary[0]
    assert "5 written, 0 unchanged, 0 failed, 5 not translated" in result.stdout

    verbose = runner.invoke(
        app, ["build", str(central_asia_copy), "-f", "html", "-o", str(out), "-l", "ru", "--verbose"]
    )
    assert verbose.exit_code == 1
    listed = [line for line in verbose.stderr.splitlines() if "ru.po:" in line and "brief.yaml:" in line]
    assert len(listed) == 3 and all(re.search(r"ru\.po:\d+:1: brief\.yaml:", line) for line in listed)


@pytest.mark.slow
def test_a_fuzzy_entry_of_one_countrys_brief_leaves_every_other_russian_brief_built(
    central_asia_copy: Path, tmp_path: Path
) -> None:
    po = central_asia_copy / "translations" / "ru.po"
    context = "recommendations/deepen-balancing.yaml:country_notes.KG"
    replace_in(po, f'msgctxt "{context}"', f'#, fuzzy\nmsgctxt "{context}"')
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["build", str(central_asia_copy), "-f", "html", "-o", str(out), "-l", "ru", "-j", "1"]
    )
    assert result.exit_code == 1
    assert _written(out, "ru") == COUNTRIES - {"KG"}
    [summary] = [line for line in result.stderr.splitlines() if line.startswith("ru: ")]
    assert (
        summary.startswith("ru: 1 entry fuzzy in ")
        and "not built: china-central-asia for KG in ru" in summary
    )


@pytest.mark.unit
def test_validate_prints_each_languages_translation_status(central_asia_copy: Path) -> None:
    po = central_asia_copy / "translations" / "ru.po"
    _untranslate(po, "brief.yaml:title")
    replace_in(po, 'msgctxt "brief.yaml:series"', '#, fuzzy\nmsgctxt "brief.yaml:series"')
    result = runner.invoke(app, ["validate", str(central_asia_copy)])
    assert result.exit_code == 0, result.output  # a translation in progress is no error
    [line] = [line for line in result.stdout.splitlines() if line.startswith("  ru:")]
    assert re.fullmatch(r"  ru: \d+ translated, 1 fuzzy, 1 missing; a build leaves .*", line), line
    assert "  en: the sources' language" in result.stdout

"""Sources from a reference manager: a Zotero CSL-JSON export or a BibTeX file instead of sources.yaml."""

from __future__ import annotations

import html as html_module
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.errors import InputError
from briefgen.render.docx import DocxRenderer
from briefgen.render.html import HtmlRenderer
from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor
from conftest import FIXTURES

ZOTERO = FIXTURES / "zotero"
FORMS = ("sources.yaml", "sources.json", "sources.bib")


def brief_with(tmp_path: Path, sources: str, text: str | None = None) -> Path:
    """Return a copy of the andes-water brief whose bibliography is `sources` (the fixture's, or `text`)."""
    briefs = tmp_path / sources.replace(".", "-") / "briefs"
    shutil.copytree(FIXTURES / "briefs", briefs)
    brief = briefs / "andes-water"
    (brief / "sources.yaml").unlink()
    target = brief / sources
    if text is None:
        shutil.copyfile(ZOTERO / sources, target)
    else:
        target.write_text(text, encoding="utf-8")
    return brief


def references_html(html: str) -> str:
    found = re.search(r'<section class="references".*?</section>', html, re.S)
    assert found, "no reference list"
    return found.group(0)


def problems_of(brief: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_sources(brief)
    return [str(p) for p in caught.value.errors]


@pytest.mark.unit
def test_zotero_csl_json_and_bibtex_give_the_reference_list_of_the_equivalent_sources_yaml(
    tmp_path: Path,
) -> None:
    html, docx, lists = {}, {}, {}
    for form in FORMS:
        loaded = load_sources(brief_with(tmp_path, form))
        assert loaded.files["sources"].name == form
        assert not [w for w in loaded.warnings if "never cited" in w.message]
        peru = tailor(loaded, "PE")
        html[form] = HtmlRenderer().render(peru).decode("utf-8")
        docx[form] = DocxRenderer().render(peru)
        lists[form] = references_html(html[form])
    assert lists["sources.json"] == lists["sources.yaml"]
    assert lists["sources.bib"] == lists["sources.yaml"]
    # the whole documents, not only their reference lists, are the same bytes
    assert html["sources.json"] == html["sources.bib"] == html["sources.yaml"]
    assert docx["sources.json"] == docx["sources.bib"] == docx["sources.yaml"]

    text = html_module.unescape(re.sub(r"<[^>]+>", "", lists["sources.yaml"]))
    assert (
        "Rabatel, Antoine, Francou, Bernard & Soruco, Álvaro (2013). Current state of glaciers in the "
        "tropical Andes. The Cryosphere, 7(1), 81–102. https://doi.org/10.5194/tc-7-81-2013"
    ) in text
    assert "Earth-Science Reviews, 176, 195–213. https://doi.org/10.1016/j.earscirev.2017.09.019" in text
    # a DOI is a link, and stands instead of the URL
    assert '<a href="https://doi.org/10.5194/tc-7-81-2013" class="url">' in lists["sources.yaml"]
    assert "sciencedirect" not in lists["sources.yaml"]
    # an organisation as author, and a report's series with its number
    assert (
        "UNESCO (2021b). Water in Andean cities. Technical Paper 12. https://example.org/water-andes" in text
    )


@pytest.mark.unit
def test_references_without_the_new_details_keep_their_form() -> None:
    from briefgen.document.citations import Bibliography
    from briefgen.document.doctree import Emphasis, Link, Text
    from briefgen.models import Source

    article = Source.model_validate(
        {
            "type": "article",
            "author": ["Chen, Li"],
            "title": "A study",
            "year": 2020,
            "container": "A Journal",
            "publisher": "A Press",
            "url": "https://example.org/a",
            "accessed": "2024-01-02",
        }
    )
    entry = Bibliography.of({"chen2020": article}).reference("chen2020")
    assert entry == (
        Text("Chen, Li (2020). "),
        Text("A study"),
        Text(". "),
        Emphasis((Text("A Journal"),)),
        Text(". "),
        Text("A Press. "),
        Link("https://example.org/a", (Text("https://example.org/a"),)),
        Text(" (accessed 2 January 2024)."),  # the brief's date format
    )
    # and a frozen edition's form of the work is unchanged: no new keys when the details are absent
    assert set(article.model_dump(mode="json")) == {
        "type",
        "author",
        "title",
        "year",
        "container",
        "publisher",
        "url",
        "accessed",
    }


@pytest.mark.unit
def test_volume_issue_and_pages_without_a_container_are_spelled_out() -> None:
    from briefgen.document.citations import Bibliography
    from briefgen.models import Source

    book = Source.model_validate(
        {
            "type": "book",
            "author": "An Office",
            "title": "Yearbook",
            "year": 2019,
            "volume": "2",
            "pages": "10-12",
        }
    )
    entry = Bibliography.of({"y": book}).reference("y")
    assert "".join(getattr(part, "text", "") for part in entry).endswith("Vol. 2, pp.\u00a010–12.")


def test_the_bundled_brief_and_its_released_edition_are_unchanged(tmp_path: Path) -> None:
    """The new fields leave existing sources, and the hashes of released editions, as they were."""
    repo = FIXTURES.parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "validate", str(repo / "briefs" / "china-central-asia")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.unit
def test_non_slug_keys_are_normalised_and_cited_by_their_slug(tmp_path: Path) -> None:
    loaded = load_sources(brief_with(tmp_path, "sources.bib"))
    # `UNESCO-2021-atlas` and `Vuille_Bradley2018` in the file are cited as their slugs
    assert {"unesco-2021-atlas", "vuille-bradley2018"} <= set(loaded.sources)
    from briefgen.sources.bibliography_import import normalise_key

    assert normalise_key("doeHeatWaves2020:a") == "doeheatwaves2020-a"
    assert normalise_key("Çelik_2019") == "celik-2019"


@pytest.mark.unit
def test_two_keys_that_normalise_alike_are_an_error_naming_both_lines(tmp_path: Path) -> None:
    bib = (ZOTERO / "sources.bib").read_text(encoding="utf-8")
    bib += "\n@book{Rabatel2013,\n  title = {Another},\n  author = {Rabatel, A.},\n  year = {2013},\n}\n"
    brief = brief_with(tmp_path, "sources.bib", bib)
    line = bib.splitlines().index("@book{Rabatel2013,") + 1
    first = bib.splitlines().index("@article{rabatel2013,") + 1
    assert any(
        p.endswith(
            f"sources.bib:{line}:1: Rabatel2013: duplicate key: 'Rabatel2013' becomes 'rabatel2013', "
            f"as does 'rabatel2013' (line {first})"
        )
        for p in problems_of(brief)
    ), problems_of(brief)


@pytest.mark.unit
def test_bibtex_problems_name_the_file_and_the_line_of_the_entry_or_field(tmp_path: Path) -> None:
    bib = (
        "@article{no-year,\n"
        "  title = {Missing a year},\n"
        "  author = {Doe, Jane},\n"
        "}\n"
        "\n"
        "@article{bad-doi,\n"
        "  title = {A title},\n"
        "  author = {Doe, Jane},\n"
        "  year = {2020},\n"
        "  doi = {not a doi},\n"
        "}\n"
        "\n"
        "@misc{no-title,\n"
        "  author = {{Some Office}},\n"
        "  year = {2020},\n"
        "}\n"
        "\n"
        "@article{mixed,\n"
        "  title = {Mixed},\n"
        "  author = {Doe, Jane and {World Bank}},\n"
        "  year = {2020},\n"
        "}\n"
        "\n"
        "@article{twice,\n"
        "  title = {One},\n"
        "  title = {Two},\n"
        "  year = {2020},\n"
        "}\n"
    )
    problems = problems_of(brief_with(tmp_path, "sources.bib", bib))
    joined = "\n".join(problems)
    assert "sources.bib:1:1: no-year.year: no year" in joined
    assert "sources.bib:10:1: bad-doi.doi: 'not a doi' is not a DOI" in joined
    assert "sources.bib:13:1: no-title.title: no title" in joined
    assert "sources.bib:20:1: mixed.author: mixes people and organisations (World Bank)" in joined
    assert "sources.bib:24:1: twice: duplicate field title in entry 'twice'" in joined


@pytest.mark.unit
def test_csl_json_problems_name_the_line_of_the_entry_and_its_key(tmp_path: Path) -> None:
    json_text = """[
  {"id": "ok2020", "type": "book", "title": "Fine", "author": [{"literal": "An Office"}],
   "issued": {"date-parts": [[2020]]}},
  {"id": "http://zotero.org/users/local/x/items/ABCD1234", "type": "book", "title": "No key",
   "issued": {"date-parts": [[2020]]}},
  {"id": "no-date", "type": "book", "title": "Undated", "author": [{"family": "Doe", "given": "J."}]},
  {"id": "long-url", "type": "webpage", "title": "Page", "author": [{"literal": "Site"}],
   "issued": {"date-parts": [[2020]]}, "URL": "ftp://example.org/x"}
]"""
    problems = "\n".join(problems_of(brief_with(tmp_path, "sources.json", json_text)))
    assert (
        "sources.json:4:1: [1].id: 'http://zotero.org/users/local/x/items/ABCD1234' is Zotero's item id"
        in problems
    )
    assert "sources.json:6:1: no-date.issued: no year" in problems
    # what the source model refuses is named by the entry's key and line too
    assert re.search(r"sources\.json:7:1: long-url\.url: ", problems), problems


@pytest.mark.unit
def test_malformed_json_is_named_with_its_line_and_column(tmp_path: Path) -> None:
    problems = problems_of(brief_with(tmp_path, "sources.json", '[\n  {"id": "a",\n  "title": }\n]'))
    assert any(re.search(r"sources\.json:3:\d+: \(file\): malformed JSON", p) for p in problems), problems
    problems = problems_of(brief_with(tmp_path / "obj", "sources.json", '{"id": "a"}'))
    assert any("a CSL-JSON file holds an array of entries" in p for p in problems), problems


@pytest.mark.unit
def test_a_brief_keeps_its_sources_in_one_file(tmp_path: Path) -> None:
    brief = brief_with(tmp_path, "sources.json")
    shutil.copyfile(ZOTERO / "sources.bib", brief / "sources.bib")
    problems = problems_of(brief)
    assert any("sources in one file, but it has sources.json and sources.bib" in p for p in problems), (
        problems
    )


@pytest.mark.unit
def test_warnings_and_citations_point_into_the_imported_file(tmp_path: Path) -> None:
    bib = (ZOTERO / "sources.bib").read_text(encoding="utf-8")
    bib += "\n@book{uncited,\n  title = {Never cited},\n  author = {Doe, Jane},\n  year = {2001},\n}\n"
    loaded = load_sources(brief_with(tmp_path, "sources.bib", bib))
    line = bib.splitlines().index("@book{uncited,") + 1
    assert [str(w).split("sources.bib:")[1] for w in loaded.warnings if "never cited" in w.message] == [
        f"{line}:1: uncited: warning: source 'uncited' is never cited"
    ]


@pytest.mark.unit
def test_a_bibtex_file_that_is_not_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    brief = brief_with(tmp_path, "sources.bib")
    (brief / "sources.bib").write_bytes(b"@book{a,\n  title = {Caf\xe9},\n}\n")
    assert any("sources.bib:2:15: (file): file is not UTF-8 (byte 0xe9)" in p for p in problems_of(brief))


@pytest.mark.unit
def test_a_broken_bibtex_entry_is_named_by_its_line_and_the_entries_around_it_still_load(
    tmp_path: Path,
) -> None:
    bib = (ZOTERO / "sources.bib").read_text(encoding="utf-8")
    line = bib.splitlines().index("@article{rabatel2013,") + 1
    broken = bib.replace(
        "  title = {Current state of glaciers in the tropical {Andes}},\n", "  title = {Unclosed,\n"
    )
    problems = problems_of(brief_with(tmp_path, "sources.bib", broken))
    assert any(
        p.endswith(
            f"sources.bib:{line}:1: (file): malformed BibTeX entry: Unexpected block start: `@dataset`. "
            "Was still looking for field-value closing `,` or `}`"
        )
        for p in problems
    ), problems
    # the works before and after it are read: only the broken one is missing where it is cited
    missing = [p for p in problems if "names no work" in p or "is not in" in p]
    assert missing and all("rabatel2013" in p for p in missing), missing


@pytest.mark.unit
def test_a_csl_author_that_is_not_a_list_of_names_is_named(tmp_path: Path) -> None:
    json_text = (
        '[{"id": "odd", "type": "book", "title": "T", "author": "Doe, Jane", "issued": {"raw": "2020"}}]'
    )
    problems = problems_of(brief_with(tmp_path, "sources.json", json_text))
    assert any("sources.json:1:1: odd.author: must be a list of names" in p for p in problems), problems

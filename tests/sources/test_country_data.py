"""Shared country data: two briefs on one set of profiles, series facts, and tailored figures."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from typer.testing import CliRunner

from accessibility import assert_accessible_docx, assert_accessible_pdf
from briefgen.cli import app
from briefgen.document.model import Figure
from briefgen.models import SeriesTest
from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor
from briefgen.tailoring.conditions import evaluate
from conftest import ANDES, CENTRAL_ASIA_WORKING, FIXTURES, REPO, build, replace_in

runner = CliRunner()
WATER = FIXTURES / "shared-profiles" / "water-energy-central-asia"
CHINA_ONLY = (
    "Borders Xinjiang",
    "Backed China's Xinjiang policy",
    "Trade with China",
    "Recurrent anti-China protests",
    "China customs statistics",
    "China's Pursuit of Power in Central Asia",
)
WATER_ONLY = (
    "Electricity from hydropower",
    "Upstream on the Amu Darya",
    "Toktogul",
    "Rogun dam on the Vakhsh",
    "Techno-Economic Assessment Study",
    "Illustrative hydropower shares",
)


@pytest.fixture
def two_briefs(tmp_path: Path) -> Path:
    """A briefs folder holding the bundled brief and the water brief, on the same profiles."""
    target = tmp_path / "briefs"
    shutil.copytree(REPO / "briefs", target, ignore=shutil.ignore_patterns("*.sqlite*", "outbox"))
    shutil.copytree(WATER, target / WATER.name)
    return target


def files_of(folder: Path) -> dict[str, bytes]:
    """Return the documents and manifest of a brief's build (not the build's own record of inputs)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.glob("e*/**/*")) if p.is_file()}


def build_one(
    brief: Path, out: Path, countries: tuple[str, ...], formats: tuple[str, ...]
) -> dict[str, bytes]:
    report = build([brief], countries=countries, formats=formats, out=out, jobs=1, force=True)
    assert not report.failed, report.failed
    return files_of(out / brief.name)


def visible_text(html: bytes) -> str:
    """Return an HTML page's text without its markup (the SVG's glyph paths included)."""
    text = re.sub(r"<svg.*?</svg>", " ", html.decode("utf-8"), flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def validate(folder: Path) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["validate", str(folder)])
    base = os.path.relpath(folder.parent) + os.sep
    lines = [
        line.replace(base, "") for line in result.stderr.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)
    ]
    return result.exit_code, lines


# --- two briefs, one set of profiles ----------------------------------------------------------------


@pytest.mark.unit
def test_both_briefs_validate_on_the_same_profiles(two_briefs: Path) -> None:
    for name in ("china-central-asia", WATER.name):
        code, problems = validate(two_briefs / name)
        assert (code, problems) == (0, []), name


def test_neither_brief_prints_a_fact_highlight_or_reference_only_the_other_uses(
    two_briefs: Path, tmp_path: Path
) -> None:
    countries = ("KZ", "KG", "TJ", "TM", "UZ")
    china = build_one(two_briefs / "china-central-asia", tmp_path / "out", countries, ("html",))
    water = build_one(two_briefs / WATER.name, tmp_path / "out", countries, ("html",))
    # the English documents (the China brief is also published in Russian)
    china = {k: v for k, v in china.items() if k.endswith(".html") and "/en/" in k}
    water = {k: v for k, v in water.items() if k.endswith(".html") and "/en/" in k}
    assert len(china) == len(water) == 5
    for name, html in china.items():
        text = visible_text(html)
        assert "Trade with China" in text, name
        for words in WATER_ONLY:
            assert words not in text, (name, words)
    for name, html in water.items():
        text = visible_text(html)
        assert "Electricity from hydropower" in text, name
        for words in CHINA_ONLY:
            assert words not in text, (name, words)


def test_adding_a_fact_and_a_highlight_to_a_profile_leaves_the_other_brief_byte_identical(
    two_briefs: Path, tmp_path: Path
) -> None:
    china, water = two_briefs / "china-central-asia", two_briefs / WATER.name
    before_china = build_one(china, tmp_path / "a", ("KZ",), ("html", "docx", "pdf"))
    before_water = build_one(water, tmp_path / "a", ("KZ",), ("html", "docx"))

    # the water analyst adds a fact (with a new shared source) and a highlight to Kazakhstan
    replace_in(
        two_briefs / "countries" / "KZ.yaml",
        "highlights:\n",
        "  irrigated_area_share: {value: 0.3, year: 2020, source: new-water-data, label: Irrigated land, unit: share}\n"
        "highlights:\n"
        '  - {id: ili-basin, tags: [water], text: "Shares the Ili basin with China [@new-water-data]."}\n',
    )
    with (two_briefs / "countries" / "sources.yaml").open("a", encoding="utf-8") as handle:
        handle.write(
            "\nnew-water-data: {type: dataset, author: Water Agency, title: Irrigation census, year: 2020}\n"
        )
    replace_in(
        water / "brief.yaml",
        "facts: [upstream_on_shared_rivers,",
        "facts: [irrigated_area_share, upstream_on_shared_rivers,",
    )

    assert build_one(china, tmp_path / "b", ("KZ",), ("html", "docx", "pdf")) == before_china
    after_water = build_one(water, tmp_path / "b", ("KZ",), ("html", "docx"))
    assert after_water != before_water  # the brief that chose them shows them
    text = visible_text(after_water["e1/en/water-energy-central-asia-KZ-e1.html"])
    assert "Irrigated land" in text and "Shares the Ili basin" in text and "Irrigation census" in text


@pytest.mark.unit
def test_a_brief_that_chooses_nothing_shows_every_fact_and_highlight_as_before() -> None:
    loaded = load_sources(ANDES)
    assert loaded.brief.profile is None
    peru = tailor(loaded, "PE")
    profile = loaded.countries["PE"]
    assert [row.name for row in peru.profile] == list(profile.facts)
    assert len(peru.highlights) == len(profile.highlights)


@pytest.mark.unit
def test_a_profile_fact_citing_the_briefs_own_sources_still_resolves_with_a_warning(two_briefs: Path) -> None:
    shared = two_briefs / "countries" / "sources.yaml"
    text = shared.read_text(encoding="utf-8")
    entry = re.search(r"\ncustoms-china:\n(  .*\n)+", text)
    assert entry is not None
    shared.write_text(text.replace(entry.group(0), "\n"), encoding="utf-8")
    with (two_briefs / "china-central-asia" / "sources.yaml").open("a", encoding="utf-8") as handle:
        handle.write(entry.group(0))
    code, problems = validate(two_briefs / "china-central-asia")
    assert code == 0
    assert problems[0] == (
        "countries/KZ.yaml:12:13: facts.trade_with_china_usd_bn.source: warning: source 'customs-china' is "
        "found only in china-central-asia/sources.yaml; move its entry to countries/sources.yaml, the "
        "bibliography every brief shares, so that each brief showing this fact finds it "
        "(loading brief 'china-central-asia')"
    )
    assert len(problems) == 5 and all("warning: source 'customs-china'" in p for p in problems)
    kyrgyz = tailor(load_sources(two_briefs / "china-central-asia"), "KG")
    assert "customs-china" in [r.key for r in kyrgyz.references]


@pytest.mark.unit
def test_a_problem_in_a_shared_profile_names_the_brief_being_loaded(two_briefs: Path) -> None:
    replace_in(
        two_briefs / "countries" / "TJ.yaml", "source: water-energy-illustrative", "source: water-data"
    )
    code, problems = validate(two_briefs / WATER.name)
    assert code == 1
    assert problems == [
        "countries/TJ.yaml:37:13: facts.hydropower_share_electricity.source: source 'water-data' is neither "
        "in countries/sources.yaml nor in water-energy-central-asia/sources.yaml "
        "(loading brief 'water-energy-central-asia')"
    ]
    # the China brief does not show that fact, so it is not this brief's problem
    assert validate(two_briefs / "china-central-asia") == (0, [])


@pytest.mark.unit
def test_a_chosen_fact_or_highlight_that_no_profile_has_is_an_error(two_briefs: Path) -> None:
    water = two_briefs / WATER.name
    replace_in(
        water / "brief.yaml", "facts: [upstream_on_shared_rivers,", "facts: [upstream_on_shared_river,"
    )
    replace_in(water / "brief.yaml", "highlights: [water]", "highlights: [waters]")
    code, problems = validate(water)
    assert code == 1
    assert problems == [
        "water-energy-central-asia/brief.yaml:27:11: profile.facts[0]: no country profile of this brief "
        "has a fact 'upstream_on_shared_river'; did you mean 'upstream_on_shared_rivers'?",
        "water-energy-central-asia/brief.yaml:28:16: profile.highlights[0]: no highlight of this brief's "
        "profiles has the id or tag 'waters'; did you mean 'water'?",
    ]


# --- series: validation -----------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "      2012: 5.16\n      2013: 5.14\n",
            "      2013: 5.14\n      2012: 5.16\n",
            "countries/KG.yaml:22:7: facts.trade_with_china_usd_bn.series.2012: years must increase: "
            "2012 comes after 2013",
        ),
        (
            "      2013: 5.14\n",
            "      2013: 5.14\n      2013: 5.2\n",
            "countries/KG.yaml:23:7: facts.trade_with_china_usd_bn.series.2013: duplicate key",
        ),
        (
            "      2014: 5.3\n",
            "      2014: about five\n",
            "countries/KG.yaml:23:13: facts.trade_with_china_usd_bn.series.2014: Input should be a valid "
            "number (found 'about five')",
        ),
        (
            "series: {2015: 0.91, 2019: 0.90}",
            "series: {2015: 91, 2019: 0.90}",
            "countries/KG.yaml:40:20: facts.hydropower_share_electricity.series.2015: 91.0 is out of range "
            "for unit 'share': a share is a fraction between 0 and 1 (write 0.88 for 88%)",
        ),
        (
            "{value: 0.29, year: 2019",
            "{value: 88, year: 2019",
            "countries/KG.yaml:29:34: facts.remittances_share_gdp.value: 88 is out of range for unit "
            "'share': a share is a fraction between 0 and 1 (write 0.88 for 88%)",
        ),
    ],
    ids=["unsorted", "duplicate", "text", "share-series", "share-value"],
)
def test_a_bad_series_is_an_error_at_its_line_and_exit_status_1(
    central_asia_copy: Path, old: str, new: str, expected: str
) -> None:
    replace_in(central_asia_copy.parent / "countries" / "KG.yaml", old, new)
    result = runner.invoke(app, ["validate", str(central_asia_copy)])
    assert result.exit_code == 1
    base = os.path.relpath(central_asia_copy.parent) + os.sep
    errors = [
        line.replace(base, "")
        for line in result.stderr.splitlines()
        if "warning" not in line and ".yaml:" in line
    ]
    assert errors == [f"{expected} (loading brief 'china-central-asia')"]
    assert "Traceback" not in result.output


@pytest.mark.unit
def test_a_figure_must_name_a_series_and_a_place_the_brief_has(two_briefs: Path) -> None:
    water = two_briefs / WATER.name
    replace_in(water / "brief.yaml", "fact: hydropower_share_electricity", "fact: upstream_on_shared_rivers")
    replace_in(water / "brief.yaml", "place: Rivers and power", "place: Rivers and powers")
    code, problems = validate(water)
    assert code == 1
    assert problems == [
        "water-energy-central-asia/brief.yaml:33:11: figures[0].fact: no country profile of this brief has "
        "a series 'upstream_on_shared_rivers'",
        "water-energy-central-asia/brief.yaml:36:12: figures[0].place: 'Rivers and powers' is neither "
        "`profile` nor the heading of an analysis section; did you mean 'Rivers and power'?",
    ]


# --- series: conditions -----------------------------------------------------------------------------


def _series_test(data: dict[str, object]) -> SeriesTest:
    return SeriesTest.model_validate(data)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("test", "holds", "value"),
    [
        ({"latest": {"gte": 6}}, True, 6.35),
        ({"latest": {"lt": 6}}, False, 6.35),
        ({"change": {"from": 2013, "to": 2019, "gt": 1}}, True, pytest.approx(1.21)),
        (
            {"change": {"from": 2013, "to": 2019, "relative": True, "gte": 0.2}},
            True,
            pytest.approx(0.2354, abs=1e-4),
        ),
        ({"change": {"from": 2011, "to": 2019, "lt": 100}}, False, None),  # 2011 is a gap: never zero
    ],
)
def test_series_leaves_test_the_latest_value_and_the_change_between_two_years(
    test: dict[str, object], holds: bool, value: object
) -> None:
    leaf = _series_test({"series": "country.trade", **test})
    series = {2010: 4.2, 2013: 5.14, 2019: 6.35}
    verdict = evaluate(leaf, {}, {}, {"trade": series})
    assert verdict.holds is holds
    found = verdict.deciding[0]
    assert (found.value if found.defined else None) == value


@pytest.mark.unit
def test_a_series_leaf_on_a_fact_without_a_series_is_false() -> None:
    leaf = _series_test({"series": "country.trade", "latest": {"gte": 0}})
    assert evaluate(leaf, {"trade": 5.0}, {}, {}).holds is False


@pytest.mark.unit
def test_a_series_leaf_needs_one_measure_and_years_in_order() -> None:
    with pytest.raises(ValueError, match="exactly one of latest, change"):
        _series_test({"series": "country.trade"})
    with pytest.raises(ValueError, match="must be earlier"):
        _series_test({"series": "country.trade", "change": {"from": 2019, "to": 2013, "lt": 0}})


@pytest.mark.unit
def test_the_brief_says_in_words_why_a_series_leaf_applied(two_briefs: Path) -> None:
    tajik = tailor(load_sources(two_briefs / WATER.name), "TJ")
    # the series fact says itself through its profile's `sentence`, with its latest point's year
    assert tajik.recommendations[0].applies_because == (
        "Applies because Tajikistan lies upstream on the Amu Darya or Syr Darya basin and "
        "generates 92% of its electricity from hydropower (2019)."
    )


# --- figures ----------------------------------------------------------------------------------------


@pytest.mark.unit
def test_each_country_gets_its_own_trade_figure_with_alt_text_in_words() -> None:
    loaded = load_sources(REPO / "briefs" / "china-central-asia")
    kyrgyz = tailor(loaded, "KG").figures
    assert [(f.number, f.caption, f.place) for f in kyrgyz] == [(1, "Figure 1. Trade with China", "profile")]
    figure = kyrgyz[0]
    assert [line.country for line in figure.lines if line.highlighted] == ["KG"]
    assert len(figure.lines) == 5
    assert (
        figure.source_line
        == "Source: General Administration of Customs of the People's Republic of China, 2020"
    )
    assert figure.alt.startswith("Line chart: Trade with China, 2010–2019. Kyrgyzstan is highlighted;")
    alt = figure.alt.replace("\u00a0", " ")  # a value's number and unit are bound by no-break spaces
    assert "Kyrgyzstan: USD 4.2 bn in 2010; highest USD 6.35 bn in 2019, lowest USD 4.2 bn in 2010." in alt
    assert "Latest value: USD 6.35 bn in 2019." in alt
    assert "from USD 1.37 bn (Tajikistan, 2017) to USD 28.6 bn (Kazakhstan, 2013)" in alt
    assert figure.alt.endswith("No value is recorded for Turkmenistan (2011).")
    # a gap stays a gap: no point is drawn for Turkmenistan in 2011
    turkmen = next(line for line in figure.lines if line.country == "TM")
    assert 2011 not in dict(turkmen.points)
    assert tailor(loaded, "TM").figures[0].alt != figure.alt


def _drawn_alone(figure: Figure, kind: str) -> bytes:
    """Return `figure` drawn on a canvas of its own, as a figure shared by no recipient is."""
    from briefgen.render import charts

    charts._canvas.cache_clear()
    canvas, style = charts._canvas(figure)
    buffer = io.BytesIO()
    with charts._DRAWING, charts._rc_context(style):
        if kind == "svg":
            charts._save_svg(canvas, buffer)
        else:
            charts._save_png(canvas, buffer, charts._accent(figure))
    charts._canvas.cache_clear()
    return buffer.getvalue()


@pytest.mark.unit
def test_one_canvas_gives_each_format_the_bytes_a_canvas_of_its_own_gives() -> None:
    """A figure's SVG and PNG are saved from one matplotlib canvas, in either order: each is
    byte for byte what a fresh canvas gives, and the PNG is 300 dpi whatever came before."""
    from PIL import Image

    from briefgen.render import charts

    compared = tailor(load_sources(REPO / "briefs" / "china-central-asia"), "TJ").figures[0]
    own = next(line for line in compared.lines if line.highlighted)
    figure = replace(compared, lines=(own,))  # one country's series: drawn on a canvas of its own
    assert charts._family_key(figure) is None
    fresh = {kind: _drawn_alone(figure, kind) for kind in ("svg", "png")}
    for order in (("svg", "png", "svg"), ("png", "svg", "png")):
        charts._canvas.cache_clear()
        for kind in order:
            assert charts._render(figure, kind) == fresh[kind], (order, kind)
    assert charts._canvas.cache_info().misses == 1  # the second order drew on one canvas
    image = Image.open(io.BytesIO(fresh["png"]))
    assert image.size == (1889, 826) and round(image.info["dpi"][0]) == 300


def test_a_chart_shared_by_the_recipients_draws_each_one_as_a_canvas_of_its_own_would() -> None:
    """A line chart comparing the region is set up once for every recipient (`charts._Family`):
    each recipient's SVG and PNG are still byte for byte what a canvas drawn for that recipient
    alone gives, whichever recipient and format come first."""
    from briefgen.render import charts

    loaded = load_sources(REPO / "briefs" / "china-central-asia")
    figures = [tailor(loaded, country).figures[0] for country in ("TM", "KG", "TJ")]
    alone = {
        (n, kind): _drawn_alone(figure, kind) for n, figure in enumerate(figures) for kind in ("svg", "png")
    }
    assert len(set(alone.values())) == 6  # each recipient's drawing is its own
    for order in ((0, 1, 2), (2, 0, 1)):
        charts._family.cache_clear()
        for kinds in (("png", "svg"), ("svg", "png")):
            for n in order:
                for kind in kinds:
                    assert charts._render(figures[n], kind) == alone[n, kind], (order, n, kind)
    assert charts._family.cache_info().currsize == 1  # one family, three recipients
    assert charts._family_key(figures[0]) == charts._family_key(figures[2])


def test_workers_never_load_matplotlib_and_draw_the_same_bytes(tmp_path: Path) -> None:
    """The build process draws every figure once and hands the drawings to its workers.

    Traced with strace, thread by thread: what opens matplotlib is the `briefgen build` command
    itself (it was exec'd) or a thread of it; the workers, forked from their server without an
    exec, open no file of it. What the two workers wrote is what one process writes alone.
    """
    brief = REPO / "briefs" / "china-central-asia"
    trace = tmp_path / "trace"
    command = [sys.executable, "-m", "briefgen", "build", str(brief), "-c", "KG", "-c", "TJ"]
    command += ["-f", "pdf,docx,html", "--out", str(tmp_path / "pool"), "--jobs", "2", "--quiet"]
    strace = shutil.which("strace") or "strace"
    subprocess.run(
        [strace, "-f", "-ff", "-qq", "-o", str(trace), "-e", "trace=execve,openat,clone,clone3", *command],
        check=True,
    )
    loads_matplotlib = re.compile(r"site-packages/matplotlib/(__pycache__/)?__init__")
    writes_pdf = re.compile(r'openat\(AT_FDCWD, "[^"]*\.pdf[^"]*", [^)]*O_CREAT')
    logs = {
        int(log.suffix[1:]): log.read_text(encoding="utf-8", errors="replace")
        for log in tmp_path.glob("trace.*")
    }
    workers = [text for text in logs.values() if writes_pdf.search(text)]  # one log per thread under -ff
    drew = {tid for tid, text in logs.items() if loads_matplotlib.search(text)}
    assert len(workers) == 2, "two workers wrote the PDFs"
    assert not any(loads_matplotlib.search(text) for text in workers)
    command_tid = next(
        tid for tid, text in logs.items() if re.search(r'^execve\(.*"build"', text, flags=re.M)
    )
    its_threads = {
        int(tid)
        for tid in re.findall(r"^clone3?\(.*CLONE_THREAD.*\) = (\d+)$", logs[command_tid], flags=re.M)
    }
    assert drew and drew <= {command_tid} | its_threads, "only the command's own process drew"
    alone = build_one(brief, tmp_path / "alone", ("KG", "TJ"), ("pdf", "docx", "html"))
    pooled = files_of(tmp_path / "pool" / brief.name)
    # the documents; not the manifests, whose cache keys carry each process's view of the code
    # (this long-lived test process may have cached it before another test touched the install)
    documents = {name for name in alone if not name.endswith("manifest.json")}
    assert len(documents) == 12
    assert {name: pooled[name] for name in documents} == {name: alone[name] for name in documents}


def test_two_builds_with_figures_give_identical_bytes(tmp_path: Path) -> None:
    brief = REPO / "briefs" / "china-central-asia"
    first = build_one(brief, tmp_path / "one", ("KG",), ("pdf", "docx", "html"))
    second = build_one(brief, tmp_path / "two", ("KG",), ("pdf", "docx", "html"))
    assert first == second


@pytest.fixture(scope="module")
def kyrgyz_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("kg")
    return build_one(REPO / "briefs" / "china-central-asia", out, ("KG",), ("pdf", "docx", "html"))


def test_the_pdf_structure_tree_holds_the_figure_with_its_alt_text(kyrgyz_outputs: dict[str, bytes]) -> None:
    pdf = pikepdf.open(
        io.BytesIO(
            kyrgyz_outputs[f"e{CENTRAL_ASIA_WORKING}/en/china-central-asia-KG-e{CENTRAL_ASIA_WORKING}.pdf"]
        )
    )
    figures: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure":
                figures.append(str(node.get("/Alt", "")))
            if "/K" in node:
                walk(node["/K"])
        elif isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)

    walk(pdf.Root.StructTreeRoot)
    assert len(figures) == 1
    assert figures[0].startswith("Line chart: Trade with China, 2010–2019. Kyrgyzstan is highlighted")


@pytest.mark.slow
def test_a_working_brief_with_a_figure_passes_pdf_ua_and_word_accessibility_checks(
    kyrgyz_outputs: dict[str, bytes],
) -> None:
    assert_accessible_pdf(
        kyrgyz_outputs[f"e{CENTRAL_ASIA_WORKING}/en/china-central-asia-KG-e{CENTRAL_ASIA_WORKING}.pdf"]
    )
    assert_accessible_docx(
        kyrgyz_outputs[f"e{CENTRAL_ASIA_WORKING}/en/china-central-asia-KG-e{CENTRAL_ASIA_WORKING}.docx"]
    )


@pytest.mark.unit
def test_the_html_figure_is_inline_svg_titled_by_its_alt_text(kyrgyz_outputs: dict[str, bytes]) -> None:
    html = kyrgyz_outputs[
        f"e{CENTRAL_ASIA_WORKING}/en/china-central-asia-KG-e{CENTRAL_ASIA_WORKING}.html"
    ].decode("utf-8")
    figure = re.search(r'<figure class="chart".*?</figure>', html, flags=re.DOTALL)
    assert figure is not None
    block = figure.group(0)
    # the caption's number and the source line's word in the document's one label style
    assert '<p class="figure-title"><span class="label-inline">Figure 1</span> Trade with China</p>' in block
    assert '<p class="figure-source"><span class="label-inline">Source</span> General Administration' in block
    assert re.search(
        r'<svg role="img" aria-labelledby="figure-1-alt"[^>]*><title id="figure-1-alt">Line chart', block
    )
    assert "General Administration of Customs" in block.split("</svg>")[1]
    assert "<!DOCTYPE" not in block and "<?xml" not in block and "<dc:date" not in block


@pytest.mark.unit
def test_the_docx_picture_is_a_300_dpi_png_16_cm_wide_with_its_description(
    kyrgyz_outputs: dict[str, bytes],
) -> None:
    from PIL import Image

    package = zipfile.ZipFile(
        io.BytesIO(
            kyrgyz_outputs[f"e{CENTRAL_ASIA_WORKING}/en/china-central-asia-KG-e{CENTRAL_ASIA_WORKING}.docx"]
        )
    )
    xml = package.read("word/document.xml").decode("utf-8")
    doc_pr = re.search(r"<wp:docPr [^>]*>", xml)
    assert doc_pr is not None
    assert 'descr="Line chart: Trade with China, 2010–2019. Kyrgyzstan is highlighted' in doc_pr.group(0)
    extent = re.search(r'<wp:extent cx="(\d+)"', xml)
    assert extent is not None and int(extent.group(1)) == 16 * 360000
    image = Image.open(io.BytesIO(package.read("word/media/image1.png")))
    assert image.size[0] == int(16 / 2.54 * 300)  # 1889 px: 16 cm at 300 dpi
    assert tuple(round(d) for d in image.info["dpi"]) == (300, 300)
    # caption above, source under, in the document's own styles
    styles = re.findall(r'<w:pStyle w:val="([^"]+)"/>', xml)
    at = styles.index("Caption")
    assert styles[at : at + 3] == ["Caption", "Figure", "TableSource"]


def test_a_render_without_figures_never_imports_matplotlib() -> None:
    script = (
        "import sys\n"
        "from briefgen.sources.loading import load_sources\n"
        "from briefgen.tailoring import tailor\n"
        "from briefgen.render import renderer_for\n"
        f"brief = tailor(load_sources({str(ANDES)!r}), 'PE')\n"
        "assert not brief.figures\n"
        "for fmt in ('docx', 'pdf', 'html'):\n"
        "    renderer_for(fmt).render(brief)\n"
        "print('matplotlib' in sys.modules)\n"
        f"brief = tailor(load_sources({str(REPO / 'briefs' / 'china-central-asia')!r}), 'KG')\n"
        "renderer_for('docx').render(brief)\n"
        "print('matplotlib' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]


def test_matplotlib_loaded_for_drawing_skips_only_what_no_drawing_uses() -> None:
    """The charts import matplotlib without working out its artists' `set()` signatures and
    docstrings and without its 3-D toolkit (a third of the import): the drawings are byte for
    byte those of a process that imported matplotlib whole, `set()` works, and afterwards
    matplotlib is as it always is."""
    draw = (
        "import hashlib, sys\n"
        "from briefgen.sources.loading import load_sources\n"
        "from briefgen.tailoring import tailor\n"
        "from briefgen.render import charts\n"
        f"figure = tailor(load_sources({str(REPO / 'briefs' / 'china-central-asia')!r}), 'KZ').figures[0]\n"
        "print(hashlib.sha256(charts.svg(figure) + charts.png(figure)).hexdigest())\n"
    )
    after = (
        "import matplotlib.artist, matplotlib.lines\n"
        "print('mpl_toolkits.mplot3d' in sys.modules, sys.modules.get('mpl_toolkits.mplot3d', 0) is None)\n"
        "documents = matplotlib.artist.Artist._update_set_signature_and_docstring\n"
        "print(documents.__name__ == '_update_set_signature_and_docstring', "
        "'linewidth' in matplotlib.artist.kwdoc(matplotlib.lines.Line2D))\n"
        "line = matplotlib.lines.Line2D([0, 1], [0, 1])\n"
        "line.set(linewidth=3, color='red')\n"
        "class Later(matplotlib.lines.Line2D): pass\n"
        "print(line.get_linewidth(), 'linewidth' in (Later.set.__doc__ or ''))\n"
        "import mpl_toolkits.mplot3d\n"
        "print('3d works')\n"
    )
    whole = "import matplotlib.figure, matplotlib.artist\nassert 'linewidth' in matplotlib.lines.Line2D.set.__doc__\n"
    quick = subprocess.run([sys.executable, "-c", draw + after], capture_output=True, text=True, check=True)
    full = subprocess.run([sys.executable, "-c", whole + draw], capture_output=True, text=True, check=True)
    drawn, skipped_3d, documenting, works, three_d = quick.stdout.splitlines()
    assert drawn == full.stdout.strip()
    assert skipped_3d == "False False"  # never imported, and no trace of the skip left behind
    assert documenting == "True True"  # matplotlib's own again
    assert works == "3.0 True"  # set() takes its keywords; a class defined later is documented again
    assert three_d == "3d works"


@pytest.mark.unit
def test_the_word_picture_keeps_every_pixel_within_six_levels_and_the_white_white() -> None:
    """The 300-dpi PNG is a palette image of the chart's own colours and blends: against the
    full-colour raster matplotlib drew, no channel of any pixel moves by more than 6 of 255,
    and the background is pure white."""
    import numpy as np
    from PIL import Image

    from briefgen.render import charts

    figure = tailor(load_sources(REPO / "briefs" / "china-central-asia"), "UZ").figures[0]
    captured: list[Any] = []
    encode = charts.palette_png

    def keep(pixels: Any, width: int, height: int, buffer: io.BytesIO, *args: Any, **kwargs: Any) -> None:
        captured.append(np.frombuffer(bytes(pixels), dtype=np.uint8).reshape(height, width, 4)[:, :, :3])
        encode(pixels, width, height, buffer, *args, **kwargs)

    charts._family.cache_clear()
    try:
        charts.palette_png = keep  # type: ignore[assignment]
        drawn = charts._render(figure, "png")
    finally:
        charts.palette_png = encode  # type: ignore[assignment]
        charts._family.cache_clear()
    image = Image.open(io.BytesIO(drawn))
    assert image.mode == "P"
    pixels = np.asarray(image.convert("RGB"), dtype=int)
    raster = captured[0].astype(int)
    assert np.abs(pixels - raster).max() <= 6
    background = (raster == 255).all(axis=2)
    assert background.mean() > 0.5 and (pixels[background] == 255).all()

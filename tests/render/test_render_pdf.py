"""The PDF brief, checked the way a reader's tools see it: poppler and pypdf."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from accessibility import assert_accessible_pdf
from briefgen.document.model import TailoredBrief
from briefgen.render.pdf import PdfRenderer
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor
from conftest import ANDES, REPO, central_asia_edition_1, replace_in

pytestmark = pytest.mark.slow

KG_RECOMMENDATIONS = ["monitor-domestic-drivers", "professionalise-business-environment", "deepen-balancing"]
PHRASE = "新型大国关系"


@pytest.fixture(scope="module")
def renderer() -> PdfRenderer:
    return PdfRenderer()


@pytest.fixture(scope="module")
def central_asia() -> LoadedBrief:
    return central_asia_edition_1()


@pytest.fixture(scope="module")
def kyrgyz(central_asia: LoadedBrief) -> TailoredBrief:
    return tailor(central_asia, "KG")


@pytest.fixture(scope="module")
def kyrgyz_pdf(
    renderer: PdfRenderer, kyrgyz: TailoredBrief, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    path = tmp_path_factory.mktemp("pdf") / f"{kyrgyz.slug}.pdf"
    path.write_bytes(renderer.render(kyrgyz))
    return path


def write(tmp_path: Path, data: bytes, name: str = "brief.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *args, str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def pages_text(path: Path) -> list[str]:
    """Return each page's text, whitespace folded."""
    pages = pdftotext(path).split("\f")
    return [" ".join(page.split()) for page in pages if page.strip()]


def flat(path: Path) -> str:
    return " ".join(pages_text(path))


def pdffonts(path: Path) -> list[dict[str, str]]:
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    rows = lines.splitlines()[2:]
    out = []
    for row in rows:
        fields = row.split()
        # name type… encoding emb sub uni object ID: the last five columns are fixed
        out.append({"name": fields[0], "emb": fields[-5], "sub": fields[-4], "uni": fields[-3]})
    return out


def test_the_kyrgyz_brief_has_its_title_and_exactly_its_recommendations(
    kyrgyz: TailoredBrief, kyrgyz_pdf: Path, central_asia: LoadedBrief
) -> None:
    assert [rec.id for rec in kyrgyz.recommendations] == KG_RECOMMENDATIONS
    text = flat(kyrgyz_pdf)
    assert text.startswith("POLICY BRIEF OFFICIAL China’s Pursuit of Power in Central Asia")
    assert "Prepared for the Government of the Kyrgyz Republic" in text
    for rec in kyrgyz.recommendations:
        assert f"{rec.number} {rec.title.plain()}" in text


def test_a_scenario_removes_the_recommendations_it_should(
    renderer: PdfRenderer, central_asia: LoadedBrief, tmp_path: Path
) -> None:
    brief = tailor(central_asia, "KZ", scenario="china-stalls")
    dropped = next(
        d.title for d in brief.decisions if d.recommendation == "professionalise-business-environment"
    )
    text = flat(write(tmp_path, renderer.render(brief)))
    assert [rec.id for rec in brief.recommendations] == ["monitor-domestic-drivers", "deepen-balancing"]
    assert dropped not in text
    for rec in brief.recommendations:
        assert rec.title.plain() in text
    assert f"Scenario: {brief.scenario_label}" in text
    assert "Prepared for the Government of the Republic of Kazakhstan" in text


def test_another_region_gets_only_what_applies(renderer: PdfRenderer, tmp_path: Path) -> None:
    brief = tailor(load_sources(ANDES), "CL")
    text = flat(write(tmp_path, renderer.render(brief)))
    assert "Prepare drought finance before the dry season" in text
    assert "Protect glacier-fed basins" not in text
    assert "Share hydrological data" not in text
    assert "An idea that was retired" not in text


def test_the_han_phrase_is_extracted_as_han_characters(kyrgyz_pdf: Path) -> None:
    assert f"“new type of great power relations” ({PHRASE})" in flat(kyrgyz_pdf)


def test_every_font_is_embedded_with_a_unicode_map(kyrgyz_pdf: Path) -> None:
    fonts = pdffonts(kyrgyz_pdf)
    assert fonts
    assert [f["name"] for f in fonts if f["emb"] != "yes"] == []
    assert [f["name"] for f in fonts if f["uni"] != "yes"] == []
    names = " ".join(f["name"] for f in fonts)
    assert "Noto-Serif" in names and "Noto-Sans" in names and "CJK-SC" in names
    assert "Oblique" not in names  # Han is never slanted, even in an italic title


def test_cyrillic_and_turkic_letters_are_printed_and_embedded(
    andes: Path, renderer: PdfRenderer, tmp_path: Path
) -> None:
    words = (
        "Кыргыз Республикасы, Өзбекстан, Türkmenistan, Kırgızistan, Oʻzbekiston, Qazaqstan, Azərbaycan, ĞİŞ"
    )
    profile = andes.parent / "countries" / "CL.yaml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("highlights:\n", f'highlights:\n  - "{words}"\n', 1), encoding="utf-8")
    pdf = write(tmp_path, renderer.render(tailor(load_sources(andes), "CL")))
    assert words in flat(pdf)
    assert {f["emb"] for f in pdffonts(pdf)} == {"yes"}


def test_the_marking_and_page_n_of_m_stand_on_every_page(kyrgyz_pdf: Path) -> None:
    pages = pages_text(kyrgyz_pdf)
    assert len(pages) == len(PdfReader(kyrgyz_pdf).pages) >= 5
    for number, page in enumerate(pages, 1):
        assert "OFFICIAL" in page, number
        assert f"Page {number} of {len(pages)}" in page
        assert "China’s Pursuit of Power in Central Asia" in page  # the running title


def test_a_recommendation_heading_is_never_parted_from_its_first_lines(
    renderer: PdfRenderer, andes: Path, tmp_path: Path
) -> None:
    # a long analysis section pushes the first card towards a page end, wherever it falls
    for filler in range(7):
        replace_in(
            andes / "brief.yaml",
            "body: Droughts follow El Niño years.",
            "body: Droughts follow El Niño years." + " Rains fail." * 22,
        )
        brief = tailor(load_sources(andes), "BO")
        pages = pages_text(write(tmp_path, renderer.render(brief), f"bo-{filler}.pdf"))
        for rec in brief.recommendations:
            title = f"{rec.number} {rec.title.plain()}"
            page = next(p for p in pages if title in p)
            after = page[page.index(title) :]
            assert "WHEN THIS APPLIES" in after
            assert " ".join(rec.trigger.plain().split()[:5]) in after


def test_pages_are_a4(kyrgyz_pdf: Path) -> None:
    for page in PdfReader(kyrgyz_pdf).pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_footnotes_sit_at_the_foot_of_their_page(kyrgyz_pdf: Path) -> None:
    bbox = pdftotext(kyrgyz_pdf, "-bbox")
    pages = bbox.split("<page ")[1:]
    found = False
    for page in pages:
        height = float(re.search(r'height="([\d.]+)"', page).group(1))  # type: ignore[union-attr]
        words = re.findall(r'yMin="([\d.]+)"[^>]*>([^<]*)</word>', page)
        for y, word in words:
            if word == "adapted":  # "The analysis and recommendations are adapted from …"
                found = True
                assert float(y) > 0.75 * height
    assert found


def test_tagged_with_structure_tree_language_and_metadata(kyrgyz_pdf: Path) -> None:
    reader = PdfReader(kyrgyz_pdf)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "/Metadata" in root
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "China’s Pursuit of Power in Central Asia: Kyrgyzstan"
    assert meta.author == "Central Asia Policy Programme"
    assert meta["/Keywords"].startswith("Kyrgyzstan, KG, china-central-asia")
    assert meta["/CreationDate"].startswith("D:20201115")
    assert meta["/ModDate"].startswith("D:20201115")
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp


def test_an_independent_pdf_ua_checker_finds_nothing_in_a_released_brief(kyrgyz_pdf: Path) -> None:
    assert_accessible_pdf(kyrgyz_pdf)


def test_bookmarks_follow_the_headings(kyrgyz: TailoredBrief, kyrgyz_pdf: Path) -> None:
    reader = PdfReader(kyrgyz_pdf)
    top = [item for item in reader.outline if not isinstance(item, list)]
    nested = [item for item in reader.outline if isinstance(item, list)]
    titles = [item.title for item in top]
    assert titles[:2] == ["Executive summary", "At a glance: Kyrgyzstan"]
    assert [h for h, _ in kyrgyz.sections] == titles[2 : 2 + len(kyrgyz.sections)]
    assert titles[-2:] == ["Recommendations", "References"]
    recommendations = [item.title for item in nested[-1]]
    assert recommendations == [f"{r.number}. {r.title.plain()}" for r in kyrgyz.recommendations]


def test_same_inputs_give_the_same_bytes(
    renderer: PdfRenderer, kyrgyz: TailoredBrief, kyrgyz_pdf: Path
) -> None:
    again = renderer.render(kyrgyz)
    fresh = PdfRenderer().render(kyrgyz)
    assert again == fresh == kyrgyz_pdf.read_bytes()


def test_the_file_identifier_is_derived_from_the_content(kyrgyz_pdf: Path, renderer: PdfRenderer) -> None:
    reader = PdfReader(io.BytesIO(kyrgyz_pdf.read_bytes()))
    identifier = reader.trailer["/ID"][0]
    other = PdfReader(io.BytesIO(renderer.render(tailor(load_sources(ANDES), "PE")))).trailer["/ID"][0]
    assert identifier and identifier != other


def test_one_renderer_reuses_fonts_stylesheet_and_image_cache(
    renderer: PdfRenderer, kyrgyz_pdf: Path
) -> None:
    fonts, stylesheet, cache = renderer.font_config, renderer.stylesheet, renderer.image_cache
    renderer.render(tailor(load_sources(ANDES), "BO"))
    assert renderer.font_config is fonts and renderer.stylesheet is stylesheet
    assert renderer.image_cache is cache and cache  # the footnote rule, loaded once


def test_the_command_line_does_not_import_weasyprint() -> None:
    code = (
        "import sys, briefgen.cli, briefgen.render, briefgen.render.html, briefgen.sources.fonts; "
        "assert 'weasyprint' not in sys.modules, 'weasyprint imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr


_LOADED_LIBRARIES = (
    "import re, sys; {imports}; "
    "maps = open('/proc/self/maps').read(); "
    "print(sorted(set(re.findall(r'/\\S*/lib(?:pango|harfbuzz|fontconfig|gobject)\\S*', maps))))"
)


def test_the_layout_engine_finds_its_libraries_without_running_a_compiler(tmp_path: Path) -> None:
    """WeasyPrint tries several names per library; cffi asks `find_library`, which on Linux runs
    ldconfig, the C compiler and the linker for each name that is not there. Imported through
    `render/engine.py`, it runs ldconfig once and no compiler or linker, and loads exactly the
    libraries it loads when imported on its own; `find_library` is itself again afterwards.
    """
    strace = shutil.which("strace")
    assert strace is not None, "strace is installed by scripts/setup-system.sh"

    def run(imports: str, trace: Path) -> tuple[list[str], str]:
        code = _LOADED_LIBRARIES.format(imports=imports)
        result = subprocess.run(
            [strace, "-f", "-qq", "-o", str(trace), "-e", "trace=execve", sys.executable, "-c", code],
            capture_output=True,
            text=True,
            cwd=REPO,
            check=True,
        )
        programs = re.findall(r'execve\("([^"]+)"', trace.read_text(encoding="utf-8"))
        return [Path(p).name for p in programs[1:]], result.stdout  # after the python itself

    plain, plain_libraries = run("import weasyprint", tmp_path / "plain")
    ours, our_libraries = run(
        "import ctypes.util; original = ctypes.util.find_library; import briefgen.render.engine; "
        "assert ctypes.util.find_library is original",
        tmp_path / "ours",
    )
    # the check can fail: alone, WeasyPrint runs ldconfig per name (and gcc and ld, where installed)
    assert plain.count("ldconfig") >= 5
    assert ours == ["ldconfig"]
    assert our_libraries == plain_libraries and "libpango-1.0.so" in our_libraries
    assert "libharfbuzz-subset.so" in our_libraries  # the optional one: subsetting stays on

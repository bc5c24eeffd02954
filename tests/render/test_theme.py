"""An organisation's look without forking: a theme folder restyles the PDF, the HTML and the DOCX.

The fixture theme (tests/fixtures/themes/institute) has another accent colour (#9b1c31),
other fonts (DejaVu Serif and DejaVu Sans, installed with the system fonts), an SVG logo, an
address block and a line of extra CSS.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from typer.testing import CliRunner

from accessibility import assert_accessible_docx, assert_accessible_pdf
from briefgen.cli import app
from briefgen.document.theme import DEFAULT_THEME
from briefgen.document.wordstyles import REQUIRED_STYLES, missing_styles
from briefgen.render import templates_dir
from briefgen.render.fetcher import FetchRefused, SafeFetcher
from briefgen.render.html import HtmlRenderer
from briefgen.render.pdf import PdfRenderer
from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor
from briefgen.validate import validate
from conftest import CENTRAL_ASIA, FIXTURES, REPO, build, replace_in

INSTITUTE = FIXTURES / "themes" / "institute"
ACCENT_RGB = (0x9B, 0x1C, 0x31)
runner = CliRunner()


@pytest.fixture
def themed(briefs_copy: Path) -> Path:
    """The andes-water brief with the institute theme at the project's place, `briefs/theme/`."""
    shutil.copytree(INSTITUTE, briefs_copy / "theme")
    return briefs_copy / "andes-water"


def _built(brief: Path, out: Path, fmt: str) -> Path:
    report = build([brief], countries=["PE"], formats=[fmt], out=out, jobs=1)
    assert not report.failed, report.failed
    return out / "andes-water" / "e1" / "en" / f"andes-water-PE-e1.{fmt}"


def _without_styles(reference: bytes, names: tuple[str, ...]) -> bytes:
    """Return a copy of a Word file with the styles called `names` taken out of styles.xml."""
    with zipfile.ZipFile(io.BytesIO(reference)) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    styles = entries["word/styles.xml"].decode("utf-8")
    for name in names:
        styles, count = re.subn(
            rf'<w:style [^>]*>(?:(?!</w:style>).)*<w:name w:val="{re.escape(name)}"/>.*?</w:style>',
            "",
            styles,
            flags=re.DOTALL,
        )
        assert count == 1, name
    entries["word/styles.xml"] = styles.encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- where a theme is found, and what it may hold --------------------------------------------


@pytest.mark.unit
def test_the_bundled_brief_keeps_the_default_theme() -> None:
    loaded = load_sources(CENTRAL_ASIA)
    assert loaded.theme == DEFAULT_THEME
    assert "theme" not in loaded.files


@pytest.mark.unit
def test_the_project_theme_applies_to_every_brief(themed: Path) -> None:
    theme = load_sources(themed).theme
    assert theme.accent == "#9b1c31"
    assert (theme.body_font, theme.heading_font) == ("DejaVu Serif", "DejaVu Sans")
    assert theme.organisation[0] == "Institute for Water Policy"
    assert theme.logo is not None and theme.logo.media_type == "image/svg+xml"
    assert "letter-spacing" in theme.css


@pytest.mark.unit
def test_a_brief_names_its_theme_folder_relative_to_itself(andes: Path, briefs_copy: Path) -> None:
    shutil.copytree(INSTITUTE, briefs_copy.parent / "themes" / "institute")
    replace_in(andes / "brief.yaml", "countries:", "theme: ../../themes/institute\ncountries:")
    assert load_sources(andes).theme.accent == "#9b1c31"


@pytest.mark.unit
def test_a_briefs_own_theme_folder_wins_over_the_projects(themed: Path) -> None:
    shutil.copytree(INSTITUTE, themed / "theme")
    replace_in(themed / "theme" / "theme.yaml", '"#9b1c31"', '"#1c4e9b"')
    assert load_sources(themed).theme.accent == "#1c4e9b"


@pytest.mark.unit
def test_a_theme_folder_named_but_missing_is_an_error_at_the_brief_line(andes: Path) -> None:
    replace_in(andes / "brief.yaml", "countries:", "theme: ../nowhere\ncountries:")
    problems = [str(p) for p in validate(andes).errors]
    assert any("brief.yaml" in p and ": theme: no theme.yaml" in p for p in problems), problems


@pytest.mark.unit
def test_theme_yaml_problems_name_the_file_line_and_field(themed: Path) -> None:
    theme_yaml = themed.parent / "theme" / "theme.yaml"
    replace_in(theme_yaml, 'accent: "#9b1c31"', 'accent: crimson\ncolour: "#9b1c31"')
    replace_in(theme_yaml, "logo: logo.svg", "logo: missing.svg")
    result = runner.invoke(app, ["validate", str(themed)])
    assert result.exit_code == 1
    out = result.output
    assert re.search(r"theme\.yaml:\d+:\d+: accent: .*#", out), out
    assert re.search(r"theme\.yaml:\d+:\d+: colour: .*(unknown|not allowed|extra)", out, re.IGNORECASE), out
    assert "Traceback" not in out


@pytest.mark.unit
def test_a_logo_that_refers_to_another_file_is_refused(themed: Path) -> None:
    (themed.parent / "theme" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<image xlink:href="file:///etc/passwd" width="10" height="10"/></svg>',
        encoding="utf-8",
    )
    problems = [str(p) for p in validate(themed).errors]
    assert any("logo:" in p and "self-contained" in p for p in problems), problems


@pytest.mark.unit
def test_theme_css_may_not_import_or_name_absolute_urls(themed: Path) -> None:
    (themed.parent / "theme" / "theme.css").write_text(
        "body { background: url(http://example.invalid/x.png) }", encoding="utf-8"
    )
    problems = [str(p) for p in validate(themed).errors]
    assert any("css:" in p and "no @import" in p for p in problems), problems


def test_a_theme_font_that_is_not_installed_is_a_warning_with_a_suggestion(themed: Path) -> None:
    replace_in(themed.parent / "theme" / "theme.yaml", "heading: DejaVu Sans", "heading: DejaVu Sanz")
    result = validate(themed)
    assert not result.errors
    warnings = [str(p) for p in result.problems if "fonts.heading" in str(p)]
    assert warnings and "did you mean 'DejaVu Sans'" in warnings[0], warnings


# --- the Word template --------------------------------------------------------------------------


@pytest.mark.unit
def test_the_bundled_reference_has_every_style_the_writer_needs() -> None:
    assert missing_styles((templates_dir() / "reference.docx").read_bytes()) == []


def test_a_word_template_lacking_styles_fails_with_their_names(themed: Path, tmp_path: Path) -> None:
    theme = themed.parent / "theme"
    reference = (templates_dir() / "reference.docx").read_bytes()
    (theme / "reference.docx").write_bytes(_without_styles(reference, ("Country Note", "Label")))
    replace_in(theme / "theme.yaml", "css: theme.css", "css: theme.css\nword_template: reference.docx")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(themed), "--country", "PE", "--out", str(out)])
    assert result.exit_code == 1
    assert re.search(
        r"theme\.yaml:\d+:\d+: word_template: .*lacks 2 styles.*: Country Note, Label", result.output
    )
    assert "Traceback" not in result.output
    assert not list(out.rglob("*.pdf")) and not list(out.rglob("*.docx"))  # nothing half-written


@pytest.mark.slow
def test_a_themes_own_word_template_gives_the_docx_its_styles(themed: Path, tmp_path: Path) -> None:
    theme = themed.parent / "theme"
    reference = (templates_dir() / "reference.docx").read_bytes()
    marked = reference_with_title_colour(reference, "123456")
    (theme / "reference.docx").write_bytes(marked)
    replace_in(theme / "theme.yaml", "css: theme.css", "css: theme.css\nword_template: reference.docx")
    docx = _built(themed, tmp_path / "out", "docx")
    with zipfile.ZipFile(docx) as archive:
        styles = archive.read("word/styles.xml").decode("utf-8")
    assert "123456" in styles
    assert_accessible_docx(docx)


def reference_with_title_colour(reference: bytes, colour: str) -> bytes:
    """Return a copy of the bundled reference whose Title style is drawn in `colour`."""
    with zipfile.ZipFile(io.BytesIO(reference)) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    styles = entries["word/styles.xml"].decode("utf-8")
    title = re.search(r'<w:style [^>]*w:styleId="Title".*?</w:style>', styles, re.DOTALL)
    assert title is not None
    recoloured = re.sub(r'<w:color w:val="[0-9A-F]{6}"/>', f'<w:color w:val="{colour}"/>', title.group())
    entries["word/styles.xml"] = styles.replace(title.group(), recoloured).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.unit
def test_required_styles_are_collected_once_and_the_writer_uses_only_them() -> None:
    source = (REPO / "src" / "briefgen" / "render" / "docx.py").read_text()
    asked = set(
        re.findall(
            r'(?:styles\.id|self\.plain|self\.paragraph|doc\.styles\[)\("?([A-Z][A-Za-z0-9 ]+)"', source
        )
    )
    asked |= set(re.findall(r'\bstyles\["([A-Z][A-Za-z0-9 ]+)"\]', source))
    assert asked, "the pattern found no style names"
    assert asked <= {name for name in REQUIRED_STYLES}, asked - set(REQUIRED_STYLES)


# --- the documents ------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_pdf_has_the_logo_on_page_one_and_the_themes_colour_and_fonts(
    themed: Path, tmp_path: Path
) -> None:
    pdf = _built(themed, tmp_path / "out", "pdf")
    assert_accessible_pdf(pdf)  # the logo is a figure with its alt text; the letterhead is text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "DejaVu-Serif" in fonts and "DejaVu-Sans" in fonts, fonts
    assert "NotoSerif-Regular" not in fonts.replace(" ", ""), fonts

    with pikepdf.open(pdf) as document:
        first = document.pages[0]
        xobjects = first.obj.Resources.get("/XObject", {})
        assert any(xobjects[name].Subtype in ("/Image", "/Form") for name in xobjects), "no logo on page 1"

    png = _page_one_png(pdf, tmp_path)
    assert _accent_pixels(png) > 200  # the rules, labels and logo in the institute's crimson


@pytest.mark.slow
def test_the_docx_has_the_logo_in_the_first_page_header_and_the_themes_colour_and_fonts(
    themed: Path, tmp_path: Path
) -> None:
    docx = _built(themed, tmp_path / "out", "docx")
    assert_accessible_docx(docx)  # the logo in the header has its alt text, the accent its contrast
    with zipfile.ZipFile(docx) as archive:
        document_rels = archive.read("word/_rels/document.xml.rels").decode("utf-8")
        first = re.search(
            r'<w:headerReference w:type="first" r:id="(rId\d+)"', archive.read("word/document.xml").decode()
        )
        assert first is not None
        target = re.search(rf'Id="{first.group(1)}"[^>]*Target="([^"]+)"', document_rels) or re.search(
            rf'Target="([^"]+)"[^>]*Id="{first.group(1)}"', document_rels
        )
        assert target is not None
        header = archive.read("word/" + target.group(1)).decode("utf-8")
        styles = archive.read("word/styles.xml").decode("utf-8")
        images = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert "<w:drawing>" in header and "Institute for Water Policy" in header
    assert images and Image.open(io.BytesIO(zipfile.ZipFile(docx).read(images[0]))).format == "PNG"
    assert "9B1C31" in styles and "0F5257" not in styles
    assert 'w:ascii="DejaVu Serif"' in styles and 'w:ascii="DejaVu Sans"' in styles
    assert 'Noto Serif"' not in styles.replace("Noto Serif CJK SC", "")


def test_the_html_carries_the_theme_inline(themed: Path) -> None:
    html = HtmlRenderer().render(tailor(load_sources(themed), "PE")).decode("utf-8")
    assert "--accent: #9b1c31;" in html and '--body-font: "DejaVu Serif"' in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert "12 Rue des Sources" in html


def test_a_changed_logo_rebuilds(themed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build([themed], countries=["PE"], formats=["html"], out=out, jobs=1)
    assert [o.status for o in first.outcomes] == ["written"]
    again = build([themed], countries=["PE"], formats=["html"], out=out, jobs=1)
    assert [o.status for o in again.outcomes] == ["skipped"]
    logo = themed.parent / "theme" / "logo.svg"
    logo.write_text(logo.read_text().replace("#9b1c31", "#1c4e9b"), encoding="utf-8")
    changed = build([themed], countries=["PE"], formats=["html"], out=out, jobs=1)
    assert [o.status for o in changed.outcomes] == ["written"]


def test_a_theme_added_later_rebuilds(andes: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([andes], countries=["PE"], formats=["html"], out=out, jobs=1)
    shutil.copytree(INSTITUTE, andes.parent / "theme")
    later = build([andes], countries=["PE"], formats=["html"], out=out, jobs=1)
    assert [o.status for o in later.outcomes] == ["written"]


# --- the PDF's fetcher serves the theme folder and nothing else outside the templates ------------


@pytest.mark.unit
def test_the_fetcher_serves_the_theme_folder_and_refuses_everything_else(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(INSTITUTE, theme)
    (theme / "passwd.css").symlink_to("/etc/passwd")
    (theme / "inner").mkdir()
    (theme / "inner" / "up.svg").symlink_to(tmp_path / "outside.svg")
    (tmp_path / "outside.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    fetcher = SafeFetcher(templates_dir(), also=(theme,))
    fetcher.fetch((theme / "logo.svg").as_uri())  # served: no exception
    for url in (
        "file:///etc/passwd",
        (theme / "passwd.css").as_uri(),
        (theme / "inner" / "up.svg").as_uri(),
        (theme / "theme.yaml").as_uri(),
        (theme / "../outside.svg").as_uri(),
        "http://127.0.0.1:9/logo.png",
        "https://example.invalid/font.woff2",
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 7 and fetcher.served == [(theme / "logo.svg").as_uri()]


@pytest.mark.slow
def test_a_theme_cannot_make_the_pdf_read_etc_passwd_or_reach_the_network(themed: Path) -> None:
    theme = themed.parent / "theme"
    (theme / "passwd.svg").symlink_to("/etc/passwd")
    (theme / "theme.css").write_text(".band { background: url(passwd.svg) }", encoding="utf-8")
    brief = tailor(load_sources(themed), "PE")
    # validation refuses a path that climbs out of the theme folder; the fetcher is the second lock
    climbing = brief.theme.css + " .title { background: url(../../../../../etc/passwd.png) }"
    brief = dataclasses.replace(brief, theme=dataclasses.replace(brief.theme, css=climbing))
    renderer = PdfRenderer()
    pdf = renderer.render(brief)
    fetcher, _ = renderer._themed(brief.theme)
    assert any(url.endswith("/passwd.svg") for url in fetcher.refused), fetcher.refused
    assert any(url.endswith("/etc/passwd.png") for url in fetcher.refused), fetcher.refused
    assert any(url.endswith("/logo.svg") for url in fetcher.served), fetcher.served
    assert all(url.startswith("file:") or url.startswith("data:") for url in fetcher.served)
    assert b"root:x:0:0" not in pdf


def _page_one_png(pdf: Path, tmp_path: Path) -> Path:
    stem = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(stem)], check=True)
    return next(tmp_path.glob("page*.png"))


def _accent_pixels(png: Path) -> int:
    with Image.open(png) as image:
        data = image.convert("RGB").tobytes()
    pixels = (data[i : i + 3] for i in range(0, len(data), 3))
    return sum(1 for p in pixels if all(abs(a - b) <= 24 for a, b in zip(p, ACCENT_RGB, strict=True)))


def test_a_released_edition_is_built_in_the_theme_of_today(themed: Path, tmp_path: Path) -> None:
    from briefgen.editions.release import release

    release(themed)
    report = build([themed], countries=["PE"], formats=["html"], out=tmp_path / "out", jobs=1, edition=1)
    html = report.outcomes[0].path.read_text(encoding="utf-8")
    assert "--accent: #9b1c31;" in html and "Institute for Water Policy" in html


def test_a_changed_logo_of_a_theme_named_in_brief_yaml_rebuilds(
    andes: Path, briefs_copy: Path, tmp_path: Path
) -> None:
    themes = briefs_copy.parent / "themes"
    shutil.copytree(INSTITUTE, themes / "institute")
    replace_in(
        andes / "brief.yaml", "countries:", 'theme: "../../themes/institute"  # the house style\ncountries:'
    )
    out = tmp_path / "out"
    build([andes], countries=["PE"], formats=["html"], out=out, jobs=1)
    assert [
        o.status for o in build([andes], countries=["PE"], formats=["html"], out=out, jobs=1).outcomes
    ] == ["skipped"]
    logo = themes / "institute" / "logo.svg"
    logo.write_text(logo.read_text().replace("#9b1c31", "#1c4e9b"), encoding="utf-8")
    changed = build([andes], countries=["PE"], formats=["html"], out=out, jobs=1)
    assert [o.status for o in changed.outcomes] == ["written"]


def test_a_themed_briefs_figure_is_drawn_in_the_themes_accent_and_label_font(tmp_path: Path) -> None:
    from briefgen.render import charts, inlinesvg

    briefs = tmp_path / "briefs"
    shutil.copytree(CENTRAL_ASIA.parent, briefs, ignore=shutil.ignore_patterns("ledger.sqlite*", "outbox"))
    plain = tailor(load_sources(briefs / CENTRAL_ASIA.name), "KG").figures[0]
    shutil.copytree(INSTITUTE, briefs / "theme")
    themed = tailor(load_sources(briefs / CENTRAL_ASIA.name), "KG").figures[0]
    assert (themed.accent, themed.font) == ("#9b1c31", "DejaVu Sans")
    svg = inlinesvg.inline_svg(themed)
    assert 'stroke="#9b1c31"' in svg and "#0f5257" not in svg
    assert "'DejaVu Sans'" in svg.split("<text", 2)[1]  # the labels ask for the theme's font first
    assert 'stroke="#0f5257"' in inlinesvg.inline_svg(plain)
    png = tmp_path / "figure.png"
    png.write_bytes(charts.png(themed))
    assert _accent_pixels(png) > 1000  # the recipient's line, in the theme's colour


# --- a theme speaks every language the brief does ------------------------------------------

LETTERHEAD = """\
organisation:
  en: [Caspian Energy Institute, "5 Abai Avenue, Almaty"]
  ru: [Каспийский энергетический институт, "пр. Абая, 5, Алматы"]
signature:
  en: [Central Asia Programme, Caspian Energy Institute]
  ru: [Программа по Центральной Азии, Каспийский энергетический институт]
author: {en: Caspian Energy Institute, ru: Каспийский энергетический институт}
accent: "#9b1c31"
"""


@pytest.fixture
def bilingual_theme(central_asia_copy: Path) -> Path:
    """The bundled brief (English and Russian) with a theme whose letterhead is in both."""
    theme = central_asia_copy.parent / "theme"
    theme.mkdir()
    (theme / "theme.yaml").write_text(LETTERHEAD, encoding="utf-8")
    return central_asia_copy


@pytest.mark.slow
def test_a_russian_letterhead_prints_on_the_russian_brief_and_the_english_on_the_english(
    bilingual_theme: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    report = build([bilingual_theme], countries=["KZ"], formats=["pdf", "docx"], out=out, jobs=1)
    assert not report.failed and not report.incomplete
    english, russian = (
        ("Caspian Energy Institute", "5 Abai Avenue, Almaty"),
        (
            "Каспийский энергетический институт",
            "пр. Абая, 5, Алматы",
        ),
    )
    for language, own, other in (("en", english, russian), ("ru", russian, english)):
        stem = next(
            (out / "china-central-asia").glob(f"e*/{language}/china-central-asia-KZ-e*.pdf")
        ).with_suffix("")
        first = subprocess.run(
            ["pdftotext", "-l", "1", f"{stem}.pdf", "-"], capture_output=True, text=True, check=True
        ).stdout
        assert all(line in first for line in own) and not any(line in first for line in other), language
        with pikepdf.open(f"{stem}.pdf") as document:
            assert str(document.docinfo["/Author"]) == own[0]
        with zipfile.ZipFile(f"{stem}.docx") as archive:
            xml = "".join(
                archive.read(name).decode("utf-8")
                for name in archive.namelist()
                if name.startswith("word/header") or name == "docProps/core.xml"
            )
        assert all(line in xml for line in own) and not any(line in xml for line in other), language
        assert f"<dc:creator>{own[0]}</dc:creator>" in xml


@pytest.mark.unit
def test_a_theme_without_wording_for_a_published_language_falls_back_with_a_warning_naming_the_field(
    bilingual_theme: Path,
) -> None:
    theme_yaml = bilingual_theme.parent / "theme" / "theme.yaml"
    theme_yaml.write_text(
        'organisation: [Caspian Energy Institute, "5 Abai Avenue, Almaty"]\n'
        "signature: {ru: [Каспийский энергетический институт]}\n",
        encoding="utf-8",
    )
    loaded = load_sources(bilingual_theme)
    warnings = {(p.file.name, p.line, p.field): p.message for p in loaded.warnings if p.file == theme_yaml}
    assert warnings[("theme.yaml", 1, "organisation")].startswith(
        "organisation has no 'ru' wording: the brief in 'ru' prints the 'en' wording"
    )
    assert warnings[("theme.yaml", 2, "signature")].startswith(
        "signature has no 'en' wording: the brief in 'en' prints none"
    )
    russian = loaded.theme.in_language("ru")
    assert russian.organisation == ("Caspian Energy Institute", "5 Abai Avenue, Almaty")
    assert russian.signature == ("Каспийский энергетический институт",)
    assert loaded.theme.in_language("en").signature == ()

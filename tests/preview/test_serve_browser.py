"""`briefgen serve` in a real browser: Debian's Chromium, driven by Playwright.

Each test starts `briefgen serve` as its own process over a copy of a brief, edits the files
on disk as an analyst's editor would, and watches the open page change by itself. Each saves
a screenshot under build/test-screenshots/ for a person to look at.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from conftest import replace_in
from serving import CHROMIUM_ARGS, SCREENSHOTS, Served, chromium, served

UPDATE_MS = 15_000  # generous: the machine is shared; speed is measured by `make bench`


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=list(CHROMIUM_ARGS))
        yield browser
        browser.close()


class Tab:
    """A browser tab that remembers what the console said."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.on("console", self._log)
        page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))

    def _log(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.console.append(message.text)

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_selector('.preview-live[data-state="open"]', timeout=UPDATE_MS)
        self.page.evaluate("window.__sameDocument = true")  # a reload would lose it

    def still_same_document(self) -> bool:
        return bool(self.page.evaluate("window.__sameDocument === true"))

    def shoot(self, name: str, *, full_page: bool = False) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def assert_no_policy_violations(self) -> None:
        assert not [m for m in self.console if "Content Security Policy" in m or "pageerror" in m], (
            self.console
        )


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    try:
        yield Tab(context.new_page())
    finally:
        context.close()


@pytest.fixture
def andes_server(briefs_copy: Path) -> Iterator[Served]:
    with served("briefs/andes-water", briefs_copy.parent) as server:
        yield server
    assert server.returncode in (0, 130) and "Traceback" not in server.stderr, server.stderr


def cell(rec: str, country: str) -> str:
    return f'td.cell[data-rec="{rec}"][data-country="{country}"]'


def test_the_overview_shows_the_matrix_with_the_reason_on_focus(andes_server: Served, tab: Tab) -> None:
    tab.open(andes_server.url)
    page = tab.page
    assert page.inner_text("h1") == "Water Security in the Andes"
    assert page.locator("td.cell").count() == 4 * 3  # recommendations x countries
    assert page.get_attribute(cell("old-idea", "PE"), "data-included") == "no"
    target = cell("protect-glacier-basins", "CL")
    why = page.locator(f"{target} .why")
    assert not why.is_visible()
    page.focus(target)
    assert why.is_visible()
    assert "country.glacier_share_water_supply" in why.inner_text()
    tab.shoot("serve-overview-andes")
    # the scenario switcher recomputes the matrix
    before = {
        c: page.get_attribute(c, "data-included")
        for c in [cell("prepare-drought-finance", x) for x in ("PE", "BO", "CL")]
    }
    page.select_option("#scenario", "el-nino")
    page.wait_for_url("**/?scenario=el-nino")
    page.wait_for_selector('.preview-live[data-state="open"]', timeout=UPDATE_MS)
    after = {c: page.get_attribute(c, "data-included") for c in before}
    assert before != after
    tab.assert_no_policy_violations()


def test_editing_a_trigger_on_disk_changes_a_cell_without_a_reload(
    andes_server: Served, briefs_copy: Path, tab: Tab
) -> None:
    tab.open(andes_server.url)
    page = tab.page
    target = cell("protect-glacier-basins", "PE")
    assert page.get_attribute(target, "data-included") == "yes"
    replace_in(
        briefs_copy / "andes-water" / "recommendations" / "protect-glacier-basins.yaml",
        "gte: 0.2}",
        "gte: 0.99}",
    )
    page.wait_for_selector(f'{target}[data-included="no"]', timeout=UPDATE_MS)
    assert tab.still_same_document()
    page.focus(target)
    assert "0.99" in page.inner_text(f"{target} .why")
    tab.shoot("serve-overview-after-trigger-edit")
    tab.assert_no_policy_violations()


def test_a_broken_yaml_file_shows_the_banner_with_file_and_line_then_it_goes_keeping_the_scroll(
    andes_server: Served, briefs_copy: Path, tab: Tab
) -> None:
    tab.open(andes_server.url + "country/PE")
    page = tab.page
    page.evaluate("window.scrollTo(0, 500)")
    rec = briefs_copy / "andes-water" / "recommendations" / "protect-glacier-basins.yaml"
    good = rec.read_text(encoding="utf-8")
    rec.write_text(good.replace("priority: 1", "priority: first"), encoding="utf-8")
    banner = page.wait_for_selector(".preview-banner", timeout=UPDATE_MS)
    assert banner is not None
    text = page.inner_text(".preview-problems")
    validate = subprocess.run(
        [sys.executable, "-m", "briefgen", "validate", "briefs/andes-water"],
        cwd=briefs_copy.parent,
        capture_output=True,
        text=True,
    )
    expected = [line for line in validate.stderr.splitlines() if not line.endswith("found")]
    assert text.splitlines() == expected
    assert text.startswith("briefs/andes-water/recommendations/protect-glacier-basins.yaml:3:")
    assert "priority" in text
    assert page.is_visible("article.brief h1.title")  # the last good preview, under the banner
    assert page.evaluate("window.scrollY") == 500
    tab.shoot("serve-country-banner")
    rec.write_text(good, encoding="utf-8")
    page.wait_for_selector(".preview-banner", state="detached", timeout=UPDATE_MS)
    assert page.evaluate("window.scrollY") == 500
    assert tab.still_same_document()
    tab.assert_no_policy_violations()


def test_a_country_preview_opens_from_the_overview_and_downloads_its_pdf(
    andes_server: Served, tab: Tab
) -> None:
    tab.open(andes_server.url)
    page = tab.page
    page.click("a.country-link:text('Peru')")
    page.wait_for_selector("article.brief h1.title")
    page.wait_for_selector('.preview-live[data-state="open"]', timeout=UPDATE_MS)
    assert page.url.endswith("/country/PE")
    assert "Prepared for the Government of" in page.inner_text(".prepared-for")
    tab.shoot("serve-country-andes-PE")
    with page.expect_download() as download:
        page.click(".preview-downloads a:text('PDF')")
    path = download.value.path()
    assert download.value.suggested_filename == "andes-water-PE-e1.pdf"
    assert Path(path).read_bytes()[:5] == b"%PDF-"
    tab.assert_no_policy_violations()


def test_hostile_text_in_the_sources_shows_as_text_and_runs_no_script(
    andes_server: Served, briefs_copy: Path, tab: Tab
) -> None:
    rec = briefs_copy / "andes-water" / "recommendations" / "protect-glacier-basins.yaml"
    hostile_title = "<script>window.pwned = 1</script> {{ 7*7 }}"
    replace_in(rec, "title: Protect glacier-fed basins", f'title: "{hostile_title}"')
    replace_in(
        rec,
        "Protect the basins that glaciers feed.",
        'See [the map](javascript:window.pwned=2). <img src=x onerror="window.pwned=3">',
    )
    tab.open(andes_server.url + "country/PE")
    page = tab.page
    # the server may still be reading the edit when the page opens: the live update brings it
    page.get_by_text(hostile_title).first.wait_for(timeout=UPDATE_MS)
    assert hostile_title in page.inner_text("article.brief")
    assert "[the map](javascript:window.pwned=2)" in page.inner_text("article.brief")
    assert page.locator('a[href^="javascript"], img[src="x"], article script').count() == 0
    # and again after a live update, which goes through the page's own script
    replace_in(rec, "Map the basins.", "Map the basins <script>window.pwned = 4</script>.")
    # (no wait_for_function: it evaluates a string, which the page's policy rightly forbids)
    page.get_by_text("Map the basins <script>window.pwned = 4</script>.").wait_for(timeout=UPDATE_MS)
    assert page.evaluate("typeof window.pwned") == "undefined"
    page.locator("h3.rec-head").first.scroll_into_view_if_needed()
    tab.shoot("serve-hostile-text")
    tab.open(andes_server.url)
    assert hostile_title in page.inner_text(".matrix")
    assert page.evaluate("typeof window.pwned") == "undefined"
    tab.assert_no_policy_violations()


def platform_families(page: Page, selectors: list[str]) -> set[str]:
    """Return the font families Chromium really drew the selected elements with."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    families: set[str] = set()
    for selector in selectors:
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, selector
        for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
            families.add(font["familyName"])
    return families


STYLE_WORDS = {"Regular", "Bold", "Italic", "SemiBold", "Medium", "Light", "All", "Small", "Caps"}


def pdf_family(font: str) -> str:
    """Return the family of a font as pdffonts names it: "ABCDEF+Noto-Sans-Bold" -> "Noto Sans"."""
    words = re.sub(r"^[A-Z]{6}\+", "", font).replace("-", " ").split()
    while words and words[-1] in STYLE_WORDS:
        words.pop()
    return " ".join(words)


def test_the_bundled_brief_reads_in_the_browser_with_the_pdfs_fonts_and_colours(
    central_asia_copy: Path, tab: Tab
) -> None:
    with served("briefs/china-central-asia", central_asia_copy.parents[1]) as server:
        tab.open(server.url)
        page = tab.page
        assert page.locator("td.cell").count() == 3 * 5
        tab.shoot("serve-overview", full_page=True)
        tab.open(server.url + "country/KG")
        tab.shoot("serve-country-KG")
        drawn = platform_families(
            page, ["h1.title", ".summary p", "table.facts", ".prepared-for", "h3.rec-head"]
        )
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.prepared-for')).color")
            == "rgb(15, 82, 87)"
        )
        with page.expect_download() as download:
            page.click(".preview-downloads a:text('PDF')")
        pdf = Path(download.value.path())
        listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        embedded = {pdf_family(line.split()[0]) for line in listing.splitlines()[2:] if line.strip()}
    assert {"Noto Sans", "Noto Serif"} <= drawn
    assert drawn <= embedded, (drawn, embedded)
    assert server.returncode in (0, 130) and "Traceback" not in server.stderr
    tab.assert_no_policy_violations()


@pytest.mark.slow
def test_clicking_a_cells_status_shows_its_assessment_history(briefs_copy: Path, tab: Tab) -> None:
    from followup import LIMITED, SOME, track_file

    andes = briefs_copy / "andes-water"
    replace_in(andes / "brief.yaml", "date: 2024-03-01", "date: 2024-09-01")
    track_file(andes, "PE", LIMITED + SOME)
    with served("briefs/andes-water", briefs_copy.parent) as server:
        tab.open(server.url)
        page = tab.page
        target = cell("protect-glacier-basins", "PE")
        history = page.locator(f"{target} .history-list")
        assert page.inner_text(f"{target} summary").startswith("Some progress")
        assert not history.is_visible()
        page.click(f"{target} summary")
        assert history.is_visible()
        items = page.locator(f"{target} .history-list li")
        assert items.count() == 2
        assert items.nth(0).inner_text().startswith("Some progress 2024-06-01")
        assert items.nth(1).inner_text().startswith("Limited progress 2023-05-10")
        tab.shoot("serve-overview-history")
        tab.assert_no_policy_violations()
    assert server.returncode in (0, 130) and "Traceback" not in server.stderr, server.stderr


def test_the_russian_preview_of_a_country_speaks_russian_in_the_themes_letterhead_and_updates_live(
    central_asia_copy: Path, tab: Tab
) -> None:
    from briefgen.preview import pipeline
    from briefgen.translation.apply import statuses

    theme = central_asia_copy.parent / "theme"
    theme.mkdir()
    (theme / "theme.yaml").write_text(
        "organisation:\n"
        "  en: [Caspian Energy Institute, '5 Abai Avenue, Almaty']\n"
        "  ru: [Каспийский энергетический институт, 'пр. Абая, 5, Алматы']\n"
        'accent: "#9b1c31"\n',
        encoding="utf-8",
    )
    texts = statuses(pipeline.load(central_asia_copy), "ru")
    assert {s.text.catalog for s in texts} == {"brief", "countries"}
    with served("briefs/china-central-asia", central_asia_copy.parents[1]) as server:
        tab.open(server.url)
        page = tab.page
        # the overview counts every text the Russian briefs print, the profiles' catalog's too
        russian = page.locator('li[data-language="ru"]')
        assert f"100% translated ({len(texts)} of {len(texts)})" in russian.inner_text()
        page.click('.preview-languages a[hreflang="ru"]')
        page.wait_for_url("**/?lang=ru")
        page.wait_for_selector('.preview-live[data-state="open"]', timeout=UPDATE_MS)
        assert "Курс Китая на усиление влияния" in page.inner_text("h1")
        page.click('a.country-link:text("Казахстан")')
        page.wait_for_url("**/country/KZ?lang=ru")
        page.wait_for_selector('.preview-live[data-state="open"]', timeout=UPDATE_MS)
        page.evaluate("window.__sameDocument = true")
        assert page.get_attribute("html", "lang") == "ru"
        # the typographer binds a one-letter word to the next, as a Russian desk sets it
        assert page.inner_text("h1.title") == "Курс Китая на усиление влияния в\u00a0Центральной Азии"
        assert page.inner_text(".prepared-for") == "Подготовлено для Правительства Республики Казахстан"
        assert "Основные выводы" in page.inner_text(".summary")
        assert page.inner_text(".letterhead .organisation").splitlines() == [
            "Каспийский энергетический институт",
            "пр. Абая, 5, Алматы",
        ]
        accent = page.evaluate("getComputedStyle(document.querySelector('.prepared-for')).color")
        assert accent == "rgb(155, 28, 49)"  # the theme's colour
        assert page.get_attribute('.preview-languages a[hreflang="ru"]', "aria-current") == "page"
        assert "lang=ru" in (page.get_attribute(".preview-downloads a:text('PDF')", "href") or "")
        tab.shoot("serve-country-KZ-ru")
        # a translator's save reaches the open Russian page, without a reload
        po = central_asia_copy / "translations" / "ru.po"
        replace_in(po, '"Центральная Азия всегда входила', '"Центральная Азия неизменно входила')
        page.wait_for_selector('p:has-text("Центральная Азия неизменно входила")', timeout=UPDATE_MS)
        assert tab.still_same_document()
        page.click('.preview-languages a[hreflang="en"]')
        page.wait_for_url("**/country/KZ")
        assert page.inner_text("h1.title") == "China’s Pursuit of Power in Central Asia"
        assert "Executive summary" in page.inner_text(".summary")
        assert "Caspian Energy Institute" in page.inner_text(".letterhead .organisation")
        assert page.evaluate("fetch('/country/KZ?lang=de').then(r => r.status)") == 404
    assert server.returncode in (0, 130) and "Traceback" not in server.stderr
    tab.assert_no_policy_violations()

"""Hand hyphenation: no third hyphenated line in a row, set as WeasyPrint breaks the lines, and the
galley that settles what the layout missed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from briefgen.render import hyphenation
from briefgen.render.pdf import PdfRenderer
from briefgen.sources.frozen import load_working
from briefgen.tailoring import tailor
from briefgen.translation.apply import localise
from conftest import CENTRAL_ASIA

PAGE = (
    '<!DOCTYPE html><html lang="ru"><head><style>p > b { x: "<p>" }</style></head><body>'
    '<header class="band"><span class="marking">ДСП</span><br></header>'
    '<section class="summary"><h2>Выводы</h2><p>первый</p><p>второй <em>абзац</em></p></section>'
    '<section class="cards"><article><ul><li>пункт</li><li><p>третий</p></li></ul></article>'
    "<!-- a comment <p> --><p>четвёртый</p></section></body></html>"
)


@pytest.mark.unit
def test_a_galley_keeps_the_paragraphs_asked_for_and_the_elements_they_stand_in() -> None:
    galley = hyphenation.galley(PAGE, {("p", 1), ("p", 2)})
    assert galley == (
        '<!DOCTYPE html><html lang="ru"><head><style>p > b { x: "<p>" }</style></head><body>'
        '<section class="summary"><p>второй <em>абзац</em></p></section>'
        '<section class="cards"><article><ul><li><p>третий</p></li></ul></article></section>'
        "</body></html>"
    )
    # the places count the page's elements of that tag, whatever stands between them
    assert hyphenation.galley(PAGE, {("li", 0)}) == (
        '<!DOCTYPE html><html lang="ru"><head><style>p > b { x: "<p>" }</style></head><body>'
        '<section class="cards"><article><ul><li>пункт</li></ul></article></section></body></html>'
    )
    assert hyphenation.galley(PAGE, {("p", 4)}) is None  # there is no fifth paragraph
    assert hyphenation.galley(PAGE.replace("<body>", "<main>"), {("p", 0)}) is None  # no body


def _layouts(renderer: PdfRenderer) -> list[int]:
    """Wrap the renderer's layout: record the length of each markup it lays out."""
    sizes: list[int] = []
    laid_out = renderer._laid_out

    def recording(markup: str, *args: Any) -> Any:
        sizes.append(len(markup))
        return laid_out(markup, *args)

    renderer._laid_out = recording  # type: ignore[method-assign]
    return sizes


RUSSIAN = (
    "внешнеэкономической деятельности государственного регулирования предусматривается "
    "межправительственное соглашение инфраструктурных инвестиций экономического сотрудничества "
    "последовательно осуществляемой транспортной политики взаимовыгодного партнёрства "
)


@contextmanager
def _layouts_made() -> Iterator[list[int]]:
    """Count the Pango layouts WeasyPrint creates (one a setting of a line of text) into the last
    item of the list given (append a 0 to start a new count)."""
    from weasyprint.text import line_break

    create_layout = line_break.create_layout
    made = [0]

    def counted(*args: Any, **kwargs: Any) -> Any:
        made[-1] += 1
        return create_layout(*args, **kwargs)

    line_break.create_layout = counted
    try:
        yield made
    finally:
        line_break.create_layout = create_layout


def _longest_runs(document: Any) -> tuple[int, int]:
    """Return the longest run of hyphenated lines in one paragraph (counted across pages, as
    `hyphenation.overruns` counts it) and the number of hyphenated lines."""
    longest = run = hyphenated = 0
    element: Any = None
    for parent, text, hyphen in hyphenation._lines(document):
        if parent is not element:
            element, run = parent, 0
        run = run + 1 if text.endswith(hyphen) else 0
        hyphenated += text.endswith(hyphen)
        longest = max(longest, run)
    return longest, hyphenated


@pytest.mark.unit
def test_weasyprint_sets_no_third_hyphenated_line_in_a_row_even_across_pages() -> None:
    """A narrow, justified paragraph of long words over several small pages: laid out with
    WeasyPrint's own line iteration it has runs of three and more hyphenated lines; with the
    wrapped one (`render/engine.py`), never more than two, counted across the page breaks, and
    it still hyphenates."""
    from weasyprint.layout import block

    from briefgen.render import engine

    assert engine.AT_MOST_TWO_HYPHENATED_LINES
    page = hyphenation.soft_hyphens(
        '<!DOCTYPE html><html lang="ru"><head><style>@page { size: 70mm 45mm; margin: 5mm }'
        "p { width: 38mm; font-size: 10pt; text-align: justify; hyphens: manual; orphans: 2; widows: 2 }"
        f"</style></head><body><p>{RUSSIAN * 6}</p><p>{RUSSIAN * 2}</p>"
        "</body></html>",
        "ru",
    )
    renderer = PdfRenderer()
    limited = renderer._laid_out(page, renderer.fetcher, [])
    wrapped = block.iter_line_boxes
    block.iter_line_boxes = wrapped.__wrapped__
    try:
        unlimited = renderer._laid_out(page, renderer.fetcher, [])
    finally:
        block.iter_line_boxes = wrapped
    longest, hyphenated = _longest_runs(limited)
    assert len(limited.pages) >= 4
    assert _longest_runs(unlimited)[0] > hyphenation.MAX_RUN
    assert longest == hyphenation.MAX_RUN and hyphenated >= 10
    assert hyphenation.overruns(limited) == (set(), set())


def test_runs_the_line_breaking_let_through_are_settled_on_a_galley() -> None:
    """With WeasyPrint's own line iteration (as a WeasyPrint without the function wrapped would
    lay out), the page has runs of three hyphenated lines; the renderer keeps the words that end
    them whole, settling each paragraph on a galley, until the page it returns has none."""
    from types import SimpleNamespace

    from weasyprint.layout import block

    page = (
        '<!DOCTYPE html><html lang="ru"><head><style>@page { size: 70mm 45mm; margin: 5mm }'
        "p { width: 38mm; font-size: 10pt; text-align: justify; hyphens: manual }"
        f"</style></head><body><p>{RUSSIAN * 3}</p><p>{RUSSIAN * 2}</p></body></html>"
    )
    renderer = PdfRenderer()
    sizes = _layouts(renderer)
    wrapped = block.iter_line_boxes
    block.iter_line_boxes = wrapped.__wrapped__
    try:
        first = renderer._laid_out(hyphenation.soft_hyphens(page, "ru"), renderer.fetcher, [])
        sizes.clear()
        _markup, document, whole = renderer._hyphenated(
            SimpleNamespace(language="ru"), page, renderer.fetcher, []
        )
    finally:
        block.iter_line_boxes = wrapped
    assert _longest_runs(first)[0] > hyphenation.MAX_RUN
    assert whole and _longest_runs(document)[0] <= hyphenation.MAX_RUN
    assert any(size < sizes[0] for size in sizes), sizes  # a galley was laid out


@pytest.mark.slow
def test_a_russian_brief_is_laid_out_once_with_no_run_of_three_hyphens() -> None:
    """Kazakhstan's Russian brief had a paragraph whose third hyphenated line in a row needed a
    word kept whole, and its last page is nearly empty: it was laid out four times (the page,
    a galley of that paragraph, the tighter page, and that page again). WeasyPrint now stops a
    run as it sets the lines: the page and the tighter page, no galley, no word kept whole, and
    the page printed has no run left."""
    renderer = PdfRenderer()
    sizes = _layouts(renderer)
    printed: list[Any] = []
    balanced = renderer._balanced

    def keeping(*args: Any) -> Any:
        printed.append(balanced(*args))
        return printed[-1]

    renderer._balanced = keeping  # type: ignore[method-assign]
    renderer.render(tailor(localise(load_working(CENTRAL_ASIA), "ru"), "KZ"))
    assert len(sizes) == 2 and min(sizes) > max(sizes) * 0.9, sizes
    assert renderer.layouts == 2 and renderer.tighter  # what the build reports of it
    _markup, document, whole = printed[-1]
    assert not whole
    longest, hyphenated = _longest_runs(document)
    assert longest == hyphenation.MAX_RUN and hyphenated > 20


@pytest.mark.slow
def test_offering_only_the_soft_hyphens_near_the_line_changes_no_byte_of_a_russian_pdf() -> None:
    """WeasyPrint is offered the soft hyphens near the line it sets (`render/engine.py`): the
    Russian PDFs are the bytes WeasyPrint makes when offered all of them, for far fewer
    settings of a line."""
    from weasyprint.layout import inline

    from briefgen.render import engine

    assert engine.SOFT_HYPHENS_NEAR_THE_LINE
    narrowing = inline.split_first_line
    loaded = localise(load_working(CENTRAL_ASIA), "ru")
    briefs = [tailor(loaded, code) for code in ("KZ", "TJ")]
    narrowing.remembers = False  # every line set, both ways
    try:
        with _layouts_made() as made:
            narrowed = [PdfRenderer().render(brief) for brief in briefs]
            made.append(0)
            narrowing.near_the_line = False
            offered_all = [PdfRenderer().render(brief) for brief in briefs]
    finally:
        narrowing.near_the_line = True
        narrowing.remembers = True
    assert narrowed == offered_all
    assert made[0] < 0.8 * made[1], made


@pytest.mark.slow
def test_lines_remembered_from_one_brief_to_the_next_change_no_byte_of_the_pdfs() -> None:
    """WeasyPrint's lines are remembered (`render/engine.py`): the second country's brief in the
    same language sets most of its lines from memory, and the PDFs, English and Russian, are the
    bytes WeasyPrint makes setting every line afresh."""
    from weasyprint.layout import inline

    from briefgen.render import engine

    assert engine.REMEMBERS_LINES
    remembering = inline.split_first_line
    briefs = [
        tailor(localise(load_working(CENTRAL_ASIA), language), code)
        for language in ("en", "ru")
        for code in ("KZ", "KG")
    ]
    engine._LINES.clear()
    try:
        with _layouts_made() as made:
            remembered = []
            for brief in briefs:
                made.append(0)
                remembered.append(PdfRenderer().render(brief))
            remembering.remembers = False
            afresh = []
            for brief in briefs:
                made.append(0)
                afresh.append(PdfRenderer().render(brief))
    finally:
        remembering.remembers = True
    assert remembered == afresh
    settings = made[1:]  # one count a brief
    with_memory, without = settings[:4], settings[4:]
    print("Pango layouts, remembered then afresh:", settings)
    assert with_memory[1] < 0.6 * without[1] and with_memory[3] < 0.6 * without[3], settings  # KG after KZ
    assert with_memory[0] <= without[0], settings


@pytest.mark.unit
def test_the_widths_of_running_heads_are_remembered_as_the_lines_are() -> None:
    """A margin box's text is measured on every page (`weasyprint.layout.preferred`); laid out a
    second time, the page sets no text afresh, and without the widths remembered it does."""
    from weasyprint.layout import preferred

    from briefgen.render import engine

    page = (
        '<!DOCTYPE html><html lang="en"><head><style>@page { size: A6; '
        '@top-center { content: "Running head of the brief" } @bottom-right { content: counter(page) } }'
        "</style></head><body>" + "<p>Remembered line of text.</p>" * 40 + "</body></html>"
    )
    renderer = PdfRenderer()
    remembering = preferred.split_first_line
    afresh = []
    try:
        for measure in (remembering, remembering.__wrapped__):
            preferred.split_first_line = measure
            engine._LINES.clear()
            first = renderer._laid_out(page, renderer.fetcher, [])
            with _layouts_made() as made:  # the second layout of the same page
                again = renderer._laid_out(page, renderer.fetcher, [])
            afresh.append(made[0])
            assert len(first.pages) == len(again.pages) == 4
    finally:
        preferred.split_first_line = remembering
    assert afresh[0] == 0 < afresh[1], afresh


@pytest.mark.unit
def test_a_font_face_added_forgets_the_lines_remembered() -> None:
    """A line set before an `@font-face` rule was taken may be set in another font after it."""
    from briefgen.render import engine
    from briefgen.render.pdf import shared_font_config

    renderer = PdfRenderer()
    page = '<!DOCTYPE html><html lang="en"><body><p>Remembered line of text</p></body></html>'
    renderer._laid_out(page, renderer.fetcher, [])
    assert engine._LINES
    faces = engine._FONT_FACES[0]
    engine.CSS(
        string='@font-face { font-family: "Test Face"; src: url(missing.woff2) }',
        base_url=renderer.base_url,
        url_fetcher=renderer.fetcher,
        font_config=shared_font_config(),
    )
    assert engine._FONT_FACES[0] == faces + 1
    assert not engine._LINES

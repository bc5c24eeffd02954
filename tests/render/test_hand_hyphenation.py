"""Hand hyphenation's runs of hyphens settled on a galley of the paragraphs that have them."""

from __future__ import annotations

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


@pytest.mark.slow
def test_a_run_of_hyphens_is_settled_on_a_galley_and_the_page_laid_out_once_more() -> None:
    """Kazakhstan's Russian brief has a paragraph whose third hyphenated line in a row needs a
    word kept whole, and its last page is nearly empty: it was laid out four times (the page,
    the page with that word whole, the tighter page, that page with the word whole). Now the
    paragraph is set alone in between, and the tighter page starts with the word whole: three
    layouts of the page, and the page printed has no run left."""
    renderer = PdfRenderer()
    sizes = _layouts(renderer)
    printed: list[Any] = []
    balanced = renderer._balanced

    def keeping(*args: Any) -> Any:
        printed.append(balanced(*args))
        return printed[-1]

    renderer._balanced = keeping  # type: ignore[method-assign]
    renderer.render(tailor(localise(load_working(CENTRAL_ASIA), "ru"), "KZ"))
    page = sizes[0]
    full = [size for size in sizes if size > page // 2]
    galleys = [size for size in sizes if size <= page // 10]
    assert len(full) + len(galleys) == len(sizes)
    assert galleys and len(full) <= 3, sizes
    _markup, document, whole = printed[-1]
    assert whole and hyphenation.overruns(document) == (set(), set())


@pytest.mark.slow
def test_offering_only_the_soft_hyphens_near_the_line_changes_no_byte_of_a_russian_pdf() -> None:
    """WeasyPrint is offered the soft hyphens near the line it sets (`render/engine.py`): the
    Russian PDFs are the bytes WeasyPrint makes when offered all of them, for far fewer
    settings of a line."""
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    from briefgen.render import engine

    assert engine.SOFT_HYPHENS_NEAR_THE_LINE
    narrowing = inline.split_first_line
    create_layout = line_break.create_layout
    settings = [0]

    def counted(*args: Any, **kwargs: Any) -> Any:
        settings[0] += 1
        return create_layout(*args, **kwargs)

    loaded = localise(load_working(CENTRAL_ASIA), "ru")
    briefs = [tailor(loaded, code) for code in ("KZ", "TJ")]
    line_break.create_layout = counted
    try:
        narrowed = [PdfRenderer().render(brief) for brief in briefs]
        narrowed_settings, settings[0] = settings[0], 0
        inline.split_first_line = narrowing.__wrapped__
        offered_all = [PdfRenderer().render(brief) for brief in briefs]
    finally:
        inline.split_first_line = narrowing
        line_break.create_layout = create_layout
    assert narrowed == offered_all
    assert narrowed_settings < 0.8 * settings[0], (narrowed_settings, settings[0])

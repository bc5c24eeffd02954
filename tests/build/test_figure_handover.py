"""A PDF laid out around placeholders of its figures, and a worker's figures drawn meanwhile.

The PDF renderer lays the page out with empty drawings of the figures' size and paints the
drawings in (`PdfRenderer._with_drawings`); in a build, a worker does so while the build
process is still drawing them (`briefgen.build.figures`). The file must be the very one laid out
from the drawings, and the handover must hold when a drawing fails, a stranger knocks, or the
build ends.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from multiprocessing.connection import AuthenticationError, Client
from pathlib import Path
from typing import Any

import pytest

from briefgen.build.figures import Drawer, DrawingServer, Promise
from briefgen.document.model import TailoredBrief
from briefgen.render import charts, inlinesvg, pdftags, renderer_for
from briefgen.render.engine import HTML
from briefgen.render.pdf import PDF_VARIANT, PdfRenderer
from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor
from conftest import CENTRAL_ASIA_WORKING, REPO


@pytest.fixture(scope="module")
def brief() -> TailoredBrief:
    return tailor(load_sources(REPO / "briefs" / "china-central-asia"), "KG")


@pytest.fixture(scope="module")
def drawn(brief: TailoredBrief) -> dict[tuple[Any, str], bytes]:
    return charts.drawings(brief.figures, "pdf")


@pytest.fixture(scope="module")
def painted_from_the_start(brief: TailoredBrief, drawn: Mapping[Any, bytes]) -> bytes:
    """The PDF WeasyPrint makes of the page with its drawings inline from the start (its
    structure tree finished as every brief's is)."""
    renderer = renderer_for("pdf")
    assert isinstance(renderer, PdfRenderer)
    with charts.using_drawings(drawn):
        markup = renderer.html.document(brief, inline_css=False)
    assert inlinesvg.inline_svg(brief.figures[0]) in markup
    fetcher, stylesheets = renderer._themed(brief.theme)
    document = HTML(string=markup, base_url=renderer.base_url, url_fetcher=fetcher).render(
        font_config=renderer.font_config, stylesheets=stylesheets, pdf_variant=PDF_VARIANT
    )
    identifier = hashlib.sha256(markup.encode("utf-8")).hexdigest()[:32].encode("ascii")
    pdf: bytes = document.write_pdf(
        pdf_variant=PDF_VARIANT, pdf_identifier=identifier, finisher=pdftags.finish
    )
    return pdf


class Handed:
    """A promise kept at once, noting how far the layout was when it was asked for."""

    def __init__(self, drawings: Mapping[Any, bytes] | None, layouts: list[str]) -> None:
        self.drawings, self.layouts, self.asked_after = drawings, layouts, -1

    def collect(self) -> Mapping[Any, bytes] | None:
        self.asked_after = len(self.layouts)
        return self.drawings


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Count the layouts of a PDF (each a whole WeasyPrint `render`), noting their markup."""
    seen: list[str] = []
    laid_out = PdfRenderer._laid_out

    def counted(self: PdfRenderer, markup: str, *args: Any) -> Any:
        seen.append(markup)
        return laid_out(self, markup, *args)

    monkeypatch.setattr(PdfRenderer, "_laid_out", counted)
    yield seen


def test_a_pdf_laid_out_around_placeholders_is_the_pdf_laid_out_with_its_drawings(
    brief: TailoredBrief, drawn: Mapping[Any, bytes], painted_from_the_start: bytes, layouts: list[str]
) -> None:
    """Drawings given, or promised and collected after the layout: the same file, byte for byte
    (the file identifier included), from one layout whose figures were placeholders."""
    with charts.using_drawings(drawn):
        given = renderer_for("pdf").render(brief)
    assert given == painted_from_the_start
    promise = Handed(drawn, layouts)
    with charts.using_drawings({}, promise=promise):
        late = renderer_for("pdf").render(brief)
    assert late == painted_from_the_start
    assert len(layouts) == 2 and promise.asked_after == 2  # asked for once laid out; not laid out again
    figure = brief.figures[0]
    for markup in layouts:
        assert inlinesvg.placeholder(figure) in markup and inlinesvg.inline_svg(figure) not in markup


@pytest.mark.unit
def test_the_placeholder_takes_the_drawings_place_exactly(brief: TailoredBrief) -> None:
    """Same start tag, same title: the same box is laid out, and tagged with the same /Alt."""
    figure = brief.figures[0]
    stand_in = inlinesvg.placeholder(figure)
    assert stand_in.endswith("</title></svg>")
    assert inlinesvg.inline_svg(figure).startswith(stand_in.removesuffix("</svg>"))


def test_a_drawing_that_does_not_fit_its_placeholder_is_laid_out_again(
    brief: TailoredBrief,
    drawn: Mapping[Any, bytes],
    painted_from_the_start: bytes,
    layouts: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(inlinesvg, "VIEWBOX", "0 0 400 300")  # as if matplotlib drew another size
    with charts.using_drawings({}, promise=Handed(drawn, layouts)):
        late = renderer_for("pdf").render(brief)
    # laid out around the misfit placeholder (more than once if the page balance asked for it),
    # then once more, last, with the drawing in its own size
    around_placeholder = [markup for markup in layouts if "0 0 400 300" in markup]
    assert len(around_placeholder) == len(layouts) - 1 >= 1 and "0 0 400 300" not in layouts[-1]
    assert late == painted_from_the_start


def test_a_promise_that_brings_nothing_is_drawn_by_the_worker_itself(
    brief: TailoredBrief, painted_from_the_start: bytes, layouts: list[str]
) -> None:
    """The build process could not draw it: the worker does, and a failure would be its own."""
    with charts.using_drawings({}, promise=Handed(None, layouts)):
        late = renderer_for("pdf").render(brief)
    assert late == painted_from_the_start and len(layouts) == 1


def _collect(promise: Promise, answers: Any) -> None:
    try:
        answers.put(("drawings", promise.collect()))
    except Exception as exc:
        answers.put(("error", type(exc).__name__))


def _other_process(promise: Promise) -> tuple[multiprocessing.Process, Any]:
    context = multiprocessing.get_context("spawn")  # nothing inherited: what it knows, it was sent
    answers = context.Queue()
    process = context.Process(target=_collect, args=(promise, answers))
    process.start()
    return process, answers


def test_a_worker_that_asks_before_the_drawing_is_posted_gets_it_when_it_is(tmp_path: Path) -> None:
    with DrawingServer() as post:
        process, answers = _other_process(post.promise("KG.pdf"))
        assert post.wait_until_asked("KG.pdf", timeout=60)  # the worker has asked, and waits
        assert process.is_alive() and answers.empty()
        post.post("TJ.pdf", {("other", "svg"): b"<svg/>"})  # another document's: not its answer
        post.post("KG.pdf", {("figure", "svg"): b"<svg>KG</svg>"})
        assert answers.get(timeout=30) == ("drawings", {("figure", "svg"): b"<svg>KG</svg>"})
        process.join(30)
    assert process.exitcode == 0


def test_a_stranger_gets_nothing_and_holds_no_one_up() -> None:
    """Another local process can find the socket; without the build's key it learns nothing,
    and one that connects and never speaks does not keep a worker waiting."""
    with DrawingServer() as post:
        post.post("KG.pdf", {("figure", "svg"): b"<svg>KG</svg>"})
        with pytest.raises(AuthenticationError), Client(post.address, family="AF_UNIX", authkey=b"guessed"):
            pass  # refused during the handshake, before a word is said
        silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        silent.connect(post.address)
        try:
            process, answers = _other_process(post.promise("KG.pdf"))
            assert answers.get(timeout=30) == ("drawings", {("figure", "svg"): b"<svg>KG</svg>"})
            process.join(30)
        finally:
            silent.close()


def test_a_worker_still_waiting_when_the_build_ends_is_answered_none() -> None:
    post = DrawingServer()
    process, answers = _other_process(post.promise("KG.pdf"))
    assert post.wait_until_asked("KG.pdf", timeout=60)
    post.close()
    assert answers.get(timeout=30) == ("drawings", None)  # it draws the figure itself
    process.join(30)
    late = Promise(post.address, b"x" * 32, "KG.pdf")  # and the socket is gone
    with pytest.raises(OSError):
        late.collect()


@pytest.mark.unit
def test_the_socket_is_no_file(tmp_path: Path) -> None:
    """In Linux's abstract namespace (briefgen's platform): nothing on disk, so nothing left behind
    by a killed build."""
    with DrawingServer() as post:
        assert post.address.startswith("\0")
        assert not Path(post.address.lstrip("\0")).exists()


def test_a_chart_that_cannot_be_drawn_fails_its_own_document_and_no_other(tmp_path: Path) -> None:
    """A real build on two workers, its charts broken for Kyrgyzstan in every process (the
    command's and, through the fork server that imports the main script, the workers'): the
    build process cannot keep its promise for KG's PDF, the worker then draws the chart itself
    and fails with the drawing's own error, and every other document is written."""
    script = tmp_path / "broken_chart.py"
    script.write_text(
        "from briefgen.render import charts\n"
        "real = charts._render\n"
        "def broken(figure, fmt):\n"
        "    if any(line.highlighted and line.country == 'KG' for line in figure.lines):\n"
        "        raise RuntimeError('no ink left for this chart')\n"
        "    return real(figure, fmt)\n"
        "charts._render = broken\n"
        "if __name__ == '__main__':\n"
        "    import sys\n"
        "    from briefgen.command import main\n"
        "    sys.argv = ['briefgen', *sys.argv[1:]]\n"
        "    main()\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    brief = REPO / "briefs" / "china-central-asia"
    command = [sys.executable, str(script), "build", str(brief), "-c", "KG", "-c", "TJ", "-c", "KZ"]
    result = subprocess.run(
        [*command, "-f", "pdf", "--out", str(out), "--jobs", "2", "--language", "en"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    failed = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("failed")]
    assert len(failed) == 1 and "KG" in failed[0] and "no ink left for this chart" in failed[0]
    written = sorted(path.name for path in out.rglob("*.pdf"))
    e = f"e{CENTRAL_ASIA_WORKING}"
    assert written == [f"china-central-asia-KZ-{e}.pdf", f"china-central-asia-TJ-{e}.pdf"]


@pytest.mark.unit
def test_a_layout_whose_boxes_are_not_weasyprints_own_is_left_for_a_second_layout() -> None:
    """`replace_inline_svgs` reads WeasyPrint's layout boxes, which are not its public API: a
    document it cannot read gets nothing replaced (and so a second layout), not an error."""
    from types import SimpleNamespace

    from briefgen.render.engine import replace_inline_svgs

    unlike = SimpleNamespace(pages=[SimpleNamespace(boxes=[])])  # a page without `_page_box`
    assert replace_inline_svgs(unlike, {"figure-1-alt": "<svg/>"}) == 0


@pytest.mark.unit
def test_the_drawer_answers_every_promise_in_order_even_when_a_drawing_fails() -> None:
    """The build process's drawing thread: each promise is kept once its drawing is done; a
    drawing that raises is answered None (the worker draws it itself), and the ones after it
    are still drawn."""
    drawn: list[str] = []

    def draw(item: str) -> dict[tuple[str, str], bytes]:
        drawn.append(item)
        if item == "broken":
            raise RuntimeError("no ink")
        return {(item, "svg"): item.encode()}

    with Drawer(draw) as drawer:
        first, broken, last = (drawer.promise(key, key) for key in ("first", "broken", "last"))
        assert last.collect() == {("last", "svg"): b"last"}
        assert broken.collect() is None
        assert first.collect() == {("first", "svg"): b"first"}
    assert drawn == ["first", "broken", "last"]

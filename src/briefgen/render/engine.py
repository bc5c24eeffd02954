"""WeasyPrint, the layout engine: the one place briefgen imports it, without running a compiler.

WeasyPrint opens Pango, HarfBuzz and fontconfig by trying several names for each library, for
every platform: `gobject-2.0-0`, `gobject-2.0`, ... and only then `libgobject-2.0.so.0`. cffi
hands each name without a dot to `ctypes.util.find_library`, which on Linux runs `ldconfig -p`,
then the C compiler and then the linker, to look for a library that is not there: about sixty
processes (upstream: WeasyPrint#1125; what it costs: docs/performance.md). Every name list ends
in the library's file name (`libpango-1.0.so.0`), which the dynamic loader opens directly, and which is
the name the rest of the system links against.

So while WeasyPrint is imported on Linux, a name without a dot is looked up in the loader's
cache alone (one `ldconfig -p`, read once), the first step `find_library` itself would take;
the compiler and the linker are not run. Anything the loader's cache does not know is then
opened by its file name, as before; a library that is missing is as missing as it was. The
original `find_library` is back in place as soon as the import is done.
"""

from __future__ import annotations

import copy
import ctypes.util
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import Any
from xml.etree import ElementTree

_ABI = {"x86_64": "libc6,x86-64"}
"""How `ldconfig -p` labels this machine's own libraries, where it also lists others (32-bit)."""


@cache
def _loader_cache() -> bytes:
    """Return what `ldconfig -p` lists (the libraries the dynamic loader knows), read once."""
    try:
        return subprocess.run(
            ["/sbin/ldconfig", "-p"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env={"LC_ALL": "C", "LANG": "C"},
            check=False,
        ).stdout
    except OSError:
        return b""


def find_in_loader_cache(name: str) -> str | None:
    """Return the file name the loader's cache lists for library `name` (`pango-1.0`), or None.

    The same answer as the first of `ctypes.util.find_library`'s three ways, without the other
    two (the C compiler and the linker).
    """
    abi = _ABI.get(os.uname().machine, "libc6")
    pattern = rb"\s+(lib%s\.[^\s]+)\s+\(%s" % (re.escape(os.fsencode(name)), re.escape(abi.encode()))
    found = re.search(pattern, _loader_cache())
    return os.fsdecode(found.group(1)) if found else None


@contextmanager
def _libraries_found_by_the_loader() -> Iterator[None]:
    if not sys.platform.startswith("linux"):  # elsewhere find_library runs no compiler
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = find_in_loader_cache
    try:
        yield
    finally:
        ctypes.util.find_library = original


with _libraries_found_by_the_loader():
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse


def _hidden_from_tree() -> bool:
    """Keep elements marked `aria-hidden="true"` out of the PDF's structure tree.

    WeasyPrint tags every element it draws, so the draft mark across each page and the dots
    between the items of a line are read aloud (WeasyPrint#2550). Their structure elements are
    still made (WeasyPrint empties its register of marked content as it goes), but not put in
    the tree; `pdftags.finish` then makes their content artifacts, as it does the page margins'.
    This wraps a function of WeasyPrint's that is not its public API: a WeasyPrint without it
    keeps its own tagging, and a test (the draft mark is an artifact) says so.
    """
    try:
        from weasyprint.pdf import tags
    except ImportError:
        return False
    build = getattr(tags, "_build_box_tree", None)
    if build is None or getattr(build, "keeps_hidden_out", False):
        return build is not None

    def build_box_tree(box: Any, *args: Any) -> Iterator[Any]:
        elements = build(box, *args)  # the recursion inside comes back through this wrapper
        element = getattr(box, "element", None)
        if element is not None and element.get("aria-hidden") == "true":
            for _ in elements:  # made, and their marked content claimed, but not linked
                pass
            return
        yield from elements

    build_box_tree.keeps_hidden_out = True  # type: ignore[attr-defined]
    tags._build_box_tree = build_box_tree
    return True


HIDDEN_FROM_TREE = _hidden_from_tree()
"""Whether `aria-hidden` content is kept out of the PDF's structure tree (see `_hidden_from_tree`)."""

_SHY = "\u00ad"
_LETTER_EM = 0.55
"""The narrowest a line's letters are on average, in ems (Russian in Noto Serif: about 0.5)."""
_WORD_MORE = 12
"""Letters beyond a line's width in letters: the next word's share of the window."""


def _soft_hyphens_near_the_line() -> bool:
    """Offer WeasyPrint only the soft hyphens that can end the line it is setting, and none on a
    line that must not end hyphenated (`_at_most_two_hyphenated_lines`).

    To end a line at a soft hyphen (`hyphens: manual`), WeasyPrint 70 sets the line once for
    each soft hyphen in the text after it, from the farthest, until one fits (`split_first_line`
    in `weasyprint.text.line_break`). Only those of the word the line stops in can: the text up
    to a soft hyphen beyond it holds the whole of that word, which did not fit. A paragraph
    hyphenated by hand (`render/hyphenation.py`) has a soft hyphen every few letters, so most of
    those settings were wasted: a third of the line breaking of a Russian PDF.

    This wraps the function the inline layout calls: where a paragraph's text runs on past a
    window (the line's width in letters at their narrowest, and a word more), the soft hyphens
    beyond the window are taken out of the text it is given. Its answer is kept when the line
    it found, and the word after that line, end inside the window: the soft hyphens taken out
    were then all in text WeasyPrint could only have tried and turned down, and the answer is
    WeasyPrint's own (the bundled Russian briefs, byte for byte, in the tests). Otherwise it
    asks again with the whole text. A WeasyPrint without the function lays out as it did.
    """
    try:
        from weasyprint.layout import inline
    except ImportError:
        return False
    split = getattr(inline, "split_first_line", None)
    if split is None or getattr(split, "__wrapped__", None) is not None:
        return split is not None

    def split_first_line(
        text: str,
        style: Any,
        context: Any,
        max_width: Any,
        justification_spacing: Any,
        is_line_start: bool = True,
        minimum: bool = False,
    ) -> Any:
        unhyphenated = _SHY in text and getattr(_LINE, "unhyphenated", False)
        key = None
        if split_first_line.remembers:  # type: ignore[attr-defined]
            key = _line_key(
                text, style, max_width, justification_spacing, is_line_start, minimum, unhyphenated
            )
            known = _LINES.get(key)
            if known is not None:
                return (copy.copy(known[0]), *known[1:])
        answer = first_line(
            text, style, context, max_width, justification_spacing, is_line_start, minimum, unhyphenated
        )
        if key is not None:
            if len(_LINES) >= _LINES_KEPT:
                _LINES.clear()
            _LINES[key] = (copy.copy(answer[0]), *answer[1:])
        return answer

    def first_line(
        text: str,
        style: Any,
        context: Any,
        max_width: Any,
        justification_spacing: Any,
        is_line_start: bool,
        minimum: bool,
        unhyphenated: bool,
    ) -> Any:
        if unhyphenated:
            return _without_soft_hyphens(
                split, text, style, context, max_width, justification_spacing, is_line_start, minimum
            )
        if (
            split_first_line.near_the_line  # type: ignore[attr-defined]
            and not minimum
            and max_width
            and max_width != float("inf")
            and style["hyphens"] == "manual"
            and style["white_space"] == "normal"
            and style["font_size"]
            and _SHY in text
        ):
            cut = _window(text, int(max_width / (style["font_size"] * _LETTER_EM)) + _WORD_MORE)
            if _SHY in text[cut:]:
                answer = split(
                    text[:cut] + text[cut:].replace(_SHY, ""),
                    style,
                    context,
                    max_width,
                    justification_spacing,
                    is_line_start,
                    minimum,
                )
                resume = answer[2]  # where the next line starts, in UTF-8 bytes
                if resume is not None:
                    starts = len(text.encode()[:resume].decode(errors="ignore"))
                    word_ends = text.find(" ", starts)
                    if -1 < word_ends < cut - 1:
                        return answer
        return split(text, style, context, max_width, justification_spacing, is_line_start, minimum)

    split_first_line.__wrapped__ = split  # type: ignore[attr-defined]
    split_first_line.near_the_line = True  # type: ignore[attr-defined]  # False: offer every soft hyphen
    split_first_line.remembers = False  # type: ignore[attr-defined]  # True: see `_remembers_lines`
    inline.split_first_line = split_first_line
    return True


def _without_soft_hyphens(split: Any, text: str, *args: Any) -> Any:
    """Return WeasyPrint's first line of `text` set with its soft hyphens taken out (so it cannot
    end at one), its lengths counted in `text` as WeasyPrint's caller reads them."""
    plain = text.replace(_SHY, "")
    layout, length, resume, width, height, baseline = split(plain, *args)
    letters = [index for index, character in enumerate(text) if character != _SHY]

    def in_text(offset: int, after: bool) -> int:
        """`offset` bytes into `plain`, as bytes into `text`: just after the letter before it
        (`after`, where a line ends) or at the letter it stands at (where the next line starts)."""
        seen = len(plain.encode()[:offset].decode(errors="ignore"))
        if after:
            index = letters[seen - 1] + 1 if seen else 0
        else:
            index = letters[seen] if seen < len(letters) else len(text)
        return len(text[:index].encode())

    return (
        layout,
        in_text(length, after=True),
        None if resume is None else in_text(resume, after=False),
        width,
        height,
        baseline,
    )


def _window(text: str, letters: int) -> int:
    """Return where `text` has had `letters` characters other than soft hyphens."""
    seen = 0
    for index, character in enumerate(text):
        if character != _SHY:
            seen += 1
            if seen > letters:
                return index
    return len(text)


_LINES: dict[tuple[Any, ...], tuple[Any, ...]] = {}
"""Lines already set, by everything that decides how (`_line_key`): WeasyPrint's answers."""
_LINES_KEPT = 20_000
"""The most lines remembered; past it, the memory starts afresh. The bundled brief's ten PDFs
leave 1,922 lines and 812 widths measured (`_remembers_widths`, no layout kept for those), so
this is about 40 MB at most."""
_LINE_STYLE = (
    "direction",
    "font_family",
    "font_feature_settings",
    "font_kerning",
    "font_language_override",
    "font_size",
    "font_stretch",
    "font_style",
    "font_variant_alternates",
    "font_variant_caps",
    "font_variant_east_asian",
    "font_variant_ligatures",
    "font_variant_numeric",
    "font_variant_position",
    "font_variation_settings",
    "font_weight",
    "hyphenate_character",
    "hyphenate_limit_chars",
    "hyphenate_limit_zone",
    "hyphens",
    "lang",
    "letter_spacing",
    "overflow_wrap",
    "tab_size",
    "text_decoration_line",
    "white_space",
    "word_break",
    "word_spacing",
)
"""Every property WeasyPrint 70 reads to set a line of text (`weasyprint/text/line_break.py` and
`fonts.py`; `line_height` is read only for the line box, after). A WeasyPrint of another major
version is not remembered for (`_remembers_lines`)."""
_FONT_FACES = [0]
"""How many `@font-face` rules the process's font configurations have taken: a line set before
one was added may be set in another font after."""


def _line_key(
    text: str,
    style: Any,
    max_width: Any,
    justification_spacing: Any,
    is_line_start: bool,
    minimum: bool,
    unhyphenated: bool,
) -> tuple[Any, ...]:
    """Return what decides how WeasyPrint sets the first line of `text` in `style`."""
    values = tuple(style[name] for name in _LINE_STYLE)
    try:
        hash(values)
    except TypeError:  # a list among the values
        values = tuple(repr(value) for value in values)
    return (
        text,
        values,
        style.font_config,
        _FONT_FACES[0],
        max_width,
        justification_spacing,
        is_line_start,
        minimum,
        unhyphenated,
    )


def _remembers_lines() -> bool:
    """Remember the lines WeasyPrint sets, for the next time it sets the same text in the same
    style and width: in the tighter layout of the balancing pass (same widths) and in the other
    countries' briefs of the same language (the same recommendations and analysis).

    WeasyPrint's answer for a line is its Pango layout, given up (`deactivate`) once measured
    and set up again from the box's own style when drawn, and four numbers; each text box gets a
    copy of the layout, so no two boxes share one. Counted on the bundled brief, its five
    briefs of a language laid out in one process: about four settings of a line in five were of
    a line set before (Russian 3,981 of 5,058, English 2,853 of 3,700). The PDFs are the bytes
    of WeasyPrint setting every line (tested). Any WeasyPrint but 70.x sets every line afresh.
    """
    try:
        import weasyprint
        from weasyprint.layout import inline
        from weasyprint.text.fonts import FontConfiguration
    except ImportError:
        return False
    if not weasyprint.__version__.startswith("70.") or not SOFT_HYPHENS_NEAR_THE_LINE:
        return False
    add = FontConfiguration.add_font_face
    if getattr(add, "__wrapped__", None) is None:

        def add_font_face(self: Any, *args: Any, **kwargs: Any) -> Any:
            _FONT_FACES[0] += 1
            _LINES.clear()
            return add(self, *args, **kwargs)

        add_font_face.__wrapped__ = add  # type: ignore[attr-defined]
        FontConfiguration.add_font_face = add_font_face
    _remembers_widths()
    inline.split_first_line.remembers = True
    return True


def _remembers_widths() -> None:
    """Remember the widths WeasyPrint measures text at, as the lines are remembered.

    The smallest and largest width of a box (`weasyprint.layout.preferred`: a margin box's
    running head and folio on every page, a table's cells, a flex item) is measured by setting
    its text at width 0 and at no width, line after line, with the same function the lines are
    set with; only the widths and where each line ends are read, never the layout. The same
    running heads are measured on every page, and again in the tighter layout. Remembered
    whenever lines are (`inline.split_first_line.remembers`), without the layout.
    """
    from weasyprint.layout import inline, preferred

    measure = preferred.split_first_line
    if getattr(measure, "__wrapped__", None) is not None:
        return

    def split_first_line(
        text: str,
        style: Any,
        context: Any,
        max_width: Any,
        justification_spacing: Any,
        is_line_start: bool = True,
        minimum: bool = False,
    ) -> Any:
        if not inline.split_first_line.remembers:
            return measure(text, style, context, max_width, justification_spacing, is_line_start, minimum)
        key = (
            "measured",
            *_line_key(text, style, max_width, justification_spacing, is_line_start, minimum, False),
        )
        known = _LINES.get(key)
        if known is None:
            answer = measure(text, style, context, max_width, justification_spacing, is_line_start, minimum)
            known = (None, *answer[1:])
            if len(_LINES) >= _LINES_KEPT:
                _LINES.clear()
            _LINES[key] = known
        return known

    split_first_line.__wrapped__ = measure  # type: ignore[attr-defined]
    preferred.split_first_line = split_first_line


_LINE = threading.local()
"""What the line WeasyPrint is setting in this thread may do: `unhyphenated`, it may not end at a
soft hyphen (set by `_at_most_two_hyphenated_lines`, read by the wrapped `split_first_line`)."""


def _at_most_two_hyphenated_lines() -> bool:
    """Never let a paragraph have more than `MAX_RUN` hyphenated lines in a row: CSS's
    `hyphenate-limit-lines`, which WeasyPrint does not have, as a typesetter applies it.

    WeasyPrint sets a paragraph's lines one after the other (`iter_line_boxes`, used by the
    block layout); this wraps it. Where the lines before have ended hyphenated `MAX_RUN` times in
    a row, the next line is set with its soft hyphens taken out (`_without_soft_hyphens`), so it
    ends between words: one setting of that line, not a layout of the page. A paragraph continued
    on the next page, or set again from one of its lines (widows and orphans), goes on with the
    count it had where it resumes. The PDF renderer still reads the lines of the page it lays out
    (`hyphenation.overruns`) and settles anything this missed. A WeasyPrint without these
    functions lays out as before.
    """
    if not SOFT_HYPHENS_NEAR_THE_LINE:
        return False
    try:
        from weasyprint.formatting_structure.boxes import TextBox
        from weasyprint.layout import block
    except ImportError:
        return False
    iterate = getattr(block, "iter_line_boxes", None)
    if iterate is None or getattr(iterate, "__wrapped__", None) is not None:
        return iterate is not None
    from briefgen.render.hyphenation import MAX_RUN

    def ends_hyphenated(line: Any) -> bool:
        texts = [child for child in line.descendants() if isinstance(child, TextBox)]
        hyphen = texts[-1].style["hyphenate_character"] or "\u2010" if texts else ""
        return bool(texts) and "".join(child.text for child in texts).rstrip().endswith(hyphen)

    def iter_line_boxes(
        context: Any, box: Any, position_y: Any, bottom_space: Any, skip_stack: Any, *args: Any
    ) -> Any:
        lines = iterate(context, box, position_y, bottom_space, skip_stack, *args)
        if box.style["hyphens"] != "manual":  # no soft hyphen to end a line at (English, headings)
            yield from lines
            return
        runs = context.__dict__.setdefault("briefgen_hyphenated_runs", {})
        element = getattr(box, "element", None)
        run = runs.get((element, _frozen(skip_stack)), 0) if skip_stack else 0
        while True:
            before = getattr(_LINE, "unhyphenated", False)
            _LINE.unhyphenated = run >= MAX_RUN
            try:
                line, resume_at = next(lines)
            except StopIteration:
                return
            finally:
                _LINE.unhyphenated = before
            run = run + 1 if ends_hyphenated(line) else 0
            if resume_at:
                runs[(element, _frozen(resume_at))] = run
            yield line, resume_at

    iter_line_boxes.__wrapped__ = iterate  # type: ignore[attr-defined]
    block.iter_line_boxes = iter_line_boxes
    return True


def _frozen(skip_stack: Any) -> Any:
    """Return WeasyPrint's skip stack (nested dicts of child indexes) as a dictionary key."""
    if not isinstance(skip_stack, dict):
        return skip_stack
    return tuple(sorted((key, _frozen(value)) for key, value in skip_stack.items()))


SOFT_HYPHENS_NEAR_THE_LINE = _soft_hyphens_near_the_line()
"""Whether WeasyPrint is offered only the soft hyphens near the line (see `_soft_hyphens_near_the_line`)."""
AT_MOST_TWO_HYPHENATED_LINES = _at_most_two_hyphenated_lines()
"""Whether WeasyPrint's lines stop a run of hyphenated lines as they are set (see `_at_most_two_hyphenated_lines`)."""
REMEMBERS_LINES = _remembers_lines()
"""Whether the lines WeasyPrint sets are remembered for the next time (see `_remembers_lines`)."""

__all__ = [
    "AT_MOST_TWO_HYPHENATED_LINES",
    "CSS",
    "HIDDEN_FROM_TREE",
    "HTML",
    "REMEMBERS_LINES",
    "SOFT_HYPHENS_NEAR_THE_LINE",
    "FontConfiguration",
    "URLFetcher",
    "URLFetcherResponse",
    "find_in_loader_cache",
    "page_fill",
    "replace_inline_svgs",
]


def replace_inline_svgs(document: Any, drawings: Mapping[str, str]) -> int:
    """Put new drawings in the place of inline SVGs already laid out, before the pages are painted.

    `drawings` maps the `aria-labelledby` of an `<svg>` element of the document to the markup of
    the drawing to paint there instead (a whole `<svg>` element with the same viewBox, so the
    space laid out is the space it needs). WeasyPrint lays out an inline SVG by its size alone
    and draws its content only when the page is painted (`write_pdf`), so the document that
    results is the one laid out from the new drawings themselves (tested, byte for byte).
    Returns how many elements were replaced; the caller lays the document out again if that is
    not one per drawing. This reads WeasyPrint's layout boxes, which are not its public API: a
    WeasyPrint whose boxes differ from version 70's gets 0 here, and so a second layout, never
    a wrong page (a test pins the one-layout path to the WeasyPrint briefgen installs).
    """
    try:
        from weasyprint.formatting_structure.boxes import ReplacedBox
        from weasyprint.images import SVGImage

        replaced = 0
        for page in document.pages:
            for box in page._page_box.descendants():
                element = getattr(box, "element", None)
                if not isinstance(box, ReplacedBox) or element is None:
                    continue
                markup = drawings.get(element.get("aria-labelledby", ""))
                if markup is None or not isinstance(box.replacement, SVGImage):
                    continue
                laid_out = box.replacement
                box.replacement = SVGImage(
                    ElementTree.fromstring(markup),
                    laid_out._base_url,
                    laid_out._url_fetcher,
                    laid_out._context,
                )
                replaced += 1
    except (ImportError, AttributeError, TypeError):
        return 0
    return replaced


def page_fill(document: Any) -> list[float] | None:
    """Return how full each laid-out page is: the share of its content area above its last line.

    Counts lines of text and replaced elements (figures, the logo) in the flow; the page's margin
    boxes (running header and footer) and fixed boxes (the draft diagonal, repeated on every
    page) are not content. Like `replace_inline_svgs`, this reads WeasyPrint's layout boxes: a
    WeasyPrint whose boxes differ gets None, and the caller measures nothing.
    """
    try:
        from weasyprint.formatting_structure import boxes

        fills = []
        for page in document.pages:
            page_box = page._page_box
            top, height = page_box.content_box_y(), page_box.height
            lowest = top

            def walk(box: Any) -> None:
                nonlocal lowest
                if isinstance(box, boxes.MarginBox) or box.style["position"] == "fixed":
                    return
                if isinstance(box, boxes.LineBox | boxes.ReplacedBox):
                    lowest = max(lowest, box.position_y + box.margin_height())
                    return
                for child in getattr(box, "children", ()):
                    walk(child)

            for child in page_box.children:
                walk(child)
            fills.append(max(0.0, min(1.0, (lowest - top) / height)) if height else 0.0)
    except (ImportError, AttributeError, TypeError, KeyError):
        return None
    return fills

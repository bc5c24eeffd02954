"""Copy stamps: the line that numbers a copy, laid on every page of a rendered brief.

A PDF is stamped, not rendered again: one WeasyPrint document (with the PDF renderer's font
configuration and URL fetcher) holds a stamp page per copy, so every glyph is embedded, and
pikepdf lays each over every page of the country PDF as a marked artifact, leaving the PDF's
structure tree, language and metadata as they were. A DOCX gets the line in its page header,
an HTML page a banner at the top.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from typing import Any


@cache
def _stamp_template() -> Any:
    import jinja2

    from briefgen.render import templates_dir
    from briefgen.render.templatefiles import TemplateFiles

    env = jinja2.Environment(
        loader=TemplateFiles(templates_dir()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("stamps.html")


def stamp_pages(lines: Sequence[str], *, width: float, height: float, language: str) -> bytes:
    """Return a PDF with one page of `width` x `height` points per stamp line."""
    from briefgen.render import templates_dir
    from briefgen.render.engine import HTML
    from briefgen.render.fetcher import safe_url_fetcher
    from briefgen.render.pdf import shared_font_config

    html = _stamp_template().render(lines=lines, width=width, height=height, language=language)
    document = HTML(string=html, base_url=str(templates_dir()), url_fetcher=safe_url_fetcher).render(
        font_config=shared_font_config()
    )
    return bytes(document.write_pdf())


def page_size(pdf_bytes: bytes) -> tuple[float, float]:
    """Return the width and height, in points, of a PDF's first page."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        box = pdf.pages[0].mediabox
        return float(box[2]) - float(box[0]), float(box[3]) - float(box[1])


class PdfStamper:
    """Stamps copies of one PDF: opened once, stamped, saved, and put back for the next copy."""

    def __init__(self, source: bytes) -> None:
        import pikepdf

        self._pikepdf = pikepdf
        self.pdf = pikepdf.open(io.BytesIO(source))
        self._contents = [page.obj.get("/Contents") for page in self.pdf.pages]
        self._xobjects = [
            dict(page.obj.Resources.XObject.items()) if "/XObject" in page.obj.get("/Resources", {}) else None
            for page in self.pdf.pages
        ]

    def stamp(self, stamps: Any, index: int) -> bytes:
        """Return the PDF with page `index` of the open `stamps` PDF over every page, as an artifact."""
        pikepdf = self._pikepdf
        pdf = self.pdf
        form = pdf.copy_foreign(stamps.pages[index].as_form_xobject())
        try:
            for page in pdf.pages:
                name = page.add_resource(form, pikepdf.Name.XObject, prefix="Copy")
                # keep the page's own drawing state out of the stamp, then draw it as pagination
                page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
                draw = (
                    b"\nQ\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC q "
                    + bytes(name.unparse())
                    + b" Do Q EMC\n"
                )
                page.contents_add(pikepdf.Stream(pdf, draw))
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True, compress_streams=True)
            return out.getvalue()
        finally:
            self._restore()

    def _restore(self) -> None:
        """Put every page back as it was; objects no page refers to are not saved again."""
        pikepdf = self._pikepdf
        for page, contents, xobjects in zip(self.pdf.pages, self._contents, self._xobjects, strict=True):
            page.obj.Contents = contents
            if xobjects is None:
                if "/XObject" in page.obj.Resources:
                    del page.obj.Resources["/XObject"]
            else:
                page.obj.Resources.XObject = pikepdf.Dictionary(xobjects)

    def close(self) -> None:
        """Close the PDF."""
        self.pdf.close()


def stamp_docx(source: bytes, line: str, copy_number: int | None = None) -> bytes:
    """Return `source` with `line` under the footer of every page: one line, 7.5 pt grey, clear
    of the header band and at least 12 mm inside the paper edge (the footer distance).

    The text's anchors stay as they are, and with `copy_number` the document's source map also
    says which numbered copy it is, so a reviewer's copy is known when it comes back."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from briefgen.render.ooxml import mark_copy, normalise_package
    from briefgen.render.wordpage import line_under_foot

    document = Document(io.BytesIO(source))
    footers = {}
    for section in document.sections:
        for footer in (section.footer, section.first_page_footer, section.even_page_footer):
            if not footer.is_linked_to_previous:
                footers[id(footer._element)] = footer
    for footer in footers.values():
        stamp = line_under_foot(footer)
        stamp.style = document.styles["Footer"]
        stamp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        stamp.paragraph_format.space_before = Pt(2)
        stamp.add_run(line).font.size = Pt(7.5)
    out = io.BytesIO()
    document.save(out)
    if copy_number is not None:
        return mark_copy(out.getvalue(), copy_number)
    return normalise_package(out.getvalue())


def stamp_html(source: bytes, line: str) -> bytes:
    """Return `source` with `line` as a banner at the top of the body."""
    from markupsafe import escape

    text = source.decode("utf-8")
    banner = f'<p class="copy-stamp" role="note">{escape(line)}</p>'
    head, sep, rest = text.partition("<body")
    if not sep:
        return (banner + text).encode("utf-8")
    tag_end = rest.index(">") + 1
    return (head + sep + rest[:tag_end] + banner + rest[tag_end:]).encode("utf-8")

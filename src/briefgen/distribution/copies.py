"""Per-recipient copies: the rendered country brief, stamped with a copy number and the line
"Prepared for <title>, <institution>" on every page.

PDF copies are stamped, not rendered again: one WeasyPrint document holds a stamp page for
every recipient (so every glyph is embedded, Cyrillic included), and pikepdf lays each stamp
over every page of the country PDF as a marked artifact, leaving the PDF's structure tree,
language and metadata as they were. DOCX copies get the line in their page header.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from briefgen.models import Recipient


def stamp_line(recipient: Recipient, copy_number: int) -> str:
    """Return the line printed on every page of a copy."""
    return f"Copy {copy_number:03d} · Prepared for {recipient.title}, {recipient.institution}"


def stamp_pages(lines: Sequence[str], *, width: float, height: float, language: str) -> bytes:
    """Return a PDF with one page of `width` x `height` points per stamp line."""
    import jinja2
    from weasyprint import HTML

    from briefgen.render import templates_dir
    from briefgen.render.fetcher import safe_url_fetcher
    from briefgen.render.pdf import shared_font_config

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir() / "distribution"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    html = env.get_template("stamps.html").render(lines=lines, width=width, height=height, language=language)
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


def stamp_pdf(source: bytes, stamps: bytes, index: int) -> bytes:
    """Return `source` with page `index` of `stamps` laid over every page, as an artifact."""
    import pikepdf

    with pikepdf.open(io.BytesIO(source)) as pdf, pikepdf.open(io.BytesIO(stamps)) as overlay:
        form = pdf.copy_foreign(overlay.pages[index].as_form_xobject())
        for page in pdf.pages:
            name = page.add_resource(form, pikepdf.Name.XObject, prefix="Copy")
            # keep the page's own drawing state out of the stamp, then draw it as pagination
            page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
            stamp = (
                b"\nQ\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC q "
                + bytes(name.unparse())
                + b" Do Q EMC\n"
            )
            page.contents_add(pikepdf.Stream(pdf, stamp))
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True)
        return out.getvalue()


def stamp_docx(source: bytes, line: str) -> bytes:
    """Return `source` with `line` at the top of every page header."""
    from docx import Document

    from briefgen.render.ooxml import normalise_package

    document = Document(io.BytesIO(source))
    for section in document.sections:
        for header in {
            id(h): h for h in (section.header, section.first_page_header, section.even_page_header)
        }.values():
            if header.is_linked_to_previous and section is not document.sections[0]:
                continue
            first = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            stamp = first.insert_paragraph_before(line)
            stamp.style = document.styles["Header"]
            stamp.alignment = 1  # centred
    out = io.BytesIO()
    document.save(out)
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


def copy_path(
    out: Path, brief: str, edition: int, recipient: str, stem: str, copy_number: int, suffix: str
) -> Path:
    """Return where a recipient's copy goes: `<out>/<brief>/e<N>/copies/<recipient>/<stem>-copy<NNN><suffix>`."""
    return out / brief / f"e{edition}" / "copies" / recipient / f"{stem}-copy{copy_number:03d}{suffix}"

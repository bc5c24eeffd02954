"""The named Word styles the DOCX writer uses: one list, and the check of a Word template.

A Word template of an organisation's own (a theme's `reference.docx`) must define each of
these styles, by the name Word shows; a template that lacks one is refused before anything is
built, naming every missing style. Light on purpose (zipfile and the standard library's XML parser only, which neither loads DTDs nor
expands external entities): validation reads
templates without python-docx.
"""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from briefgen.errors import NotAWordTemplate

REQUIRED_STYLES: tuple[str, ...] = (
    # paragraph styles
    "Normal",
    "Title",
    "Subtitle",
    "Prepared For",
    "Metadata",
    "Heading 1",
    "Heading 2",
    "Summary",
    "Label Line",
    "Box Heading",
    "Box Text",
    "Table Heading",
    "Table Text",
    "Table Source",
    "Caption",
    "Figure",
    "Country Note",
    "Reference",
    "List Bullet",
    "List Number",
    "List Continue",
    "Band",
    "Header",
    "Footer",
    "footnote text",
    # character styles
    "Label",
    "Label Inline",
    "Heading Number",
    "Source Mark",
    "Code",
    "Hyperlink",
    "footnote reference",
    # table styles
    "Profile Table",
    "Changes Box",
)
"""Every style the DOCX writer asks for by name (Word's own names for its built-in styles)."""

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_STYLES_XML = 20 * 1024 * 1024


def style_names(docx: bytes) -> set[str]:
    """Return the names of the styles a DOCX defines (raise NotAWordTemplate if it cannot be read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            info = archive.getinfo("word/styles.xml")
            if info.file_size > _MAX_STYLES_XML:
                raise NotAWordTemplate("its word/styles.xml is too large")
            xml = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise NotAWordTemplate(f"not a Word document with styles ({exc})") from exc
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise NotAWordTemplate(f"its word/styles.xml is not well-formed XML ({exc})") from exc
    names = set()
    for style in root.iter(f"{_W}style"):
        name = style.find(f"{_W}name")
        if name is not None and name.get(f"{_W}val"):
            names.add(str(name.get(f"{_W}val")))
    return names


def missing_styles(docx: bytes) -> list[str]:
    """Return the required styles a DOCX lacks, in the order of REQUIRED_STYLES.

    Word's built-in names compare without regard to case ("footnote text", "Footnote Text").
    """
    have = {name.lower() for name in style_names(docx)}
    return [name for name in REQUIRED_STYLES if name.lower() not in have]

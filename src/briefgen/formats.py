"""The output formats: one table of every fact about a format, read by every stage.

Adding a format is one row here and one renderer module under `render/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

FormatName = Literal["docx", "html", "pdf"]
"""A format's name, as options, recipients.yaml and the manifest write it."""


@dataclass(frozen=True)
class Format:
    """What briefgen knows about one output format."""

    name: FormatName
    suffix: str
    media_type: str
    renderer: str
    """"module:Class" of its renderer, imported only when a document of this format is made."""
    cost: float
    """Rough time to make a document of this format, per unit of its content (a PDF is laid out,
    the rest written): the build starts the longest documents first."""
    figures_late: bool = False
    """Its renderer lays the document out before it needs the figures' drawings, so a worker
    can start it while the build process still draws them (see `briefgen.build.figures`)."""


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "docx",
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "briefgen.render.docx:DocxRenderer",
            cost=1.0,
        ),
        Format("html", ".html", "text/html", "briefgen.render.html:HtmlRenderer", cost=0.5),
        Format(
            "pdf", ".pdf", "application/pdf", "briefgen.render.pdf:PdfRenderer", cost=20.0, figures_late=True
        ),
    )
}
assert set(FORMATS) == set(get_args(FormatName)), "every format name has one row"

DEFAULT_FORMATS: tuple[FormatName, ...] = ("docx", "pdf")
"""What `briefgen build` makes when no --format is given."""


def format_named(name: str) -> Format:
    """Return the format called `name`; a name no row has is a usage error."""
    from briefgen.errors import UsageError

    try:
        return FORMATS[name]
    except KeyError:
        raise UsageError(f"unknown format '{name}' (known: {', '.join(FORMATS)})") from None


def format_of(path_suffix: str) -> Format | None:
    """Return the format whose files end in `path_suffix` (".pdf"), if any."""
    return next((f for f in FORMATS.values() if f.suffix == path_suffix.lower()), None)

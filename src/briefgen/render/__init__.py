"""Renderers: one module per output format, and the registry that maps a format name to one.

A renderer says what a brief looks like in its format and nothing about fan-out, caching or
paths (that is `briefgen.build`'s job). It takes a `TailoredBrief` and returns the file's bytes;
the same brief must give the same bytes. Renderer modules are imported only when their format
is asked for, so the command line starts without WeasyPrint or python-docx.
"""

from __future__ import annotations

import importlib
import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from briefgen.formats import format_named

if TYPE_CHECKING:
    from briefgen.document.model import TailoredBrief


class Renderer(Protocol):
    """What every renderer offers.

    A renderer may also offer `warm_up()`, doing what its first document would do once (the PDF
    renderer compiles its templates): a worker pool's fork server calls it (`render.warm`).
    """

    format: ClassVar[str]

    def render(self, brief: TailoredBrief) -> bytes:
        """Return the file for one tailored brief."""
        ...


LAST_PAGE_MIN = 0.25
"""A PDF's last page filled less than this is laid out once more, tighter; if it still is, the
build says so (here, not in `pdf`, so that the build process can read it without WeasyPrint)."""


def templates_dir() -> Path:
    """Return the folder of templates and assets (`BRIEFGEN_TEMPLATES` overrides it)."""
    override = os.environ.get("BRIEFGEN_TEMPLATES")
    if override:
        return Path(override).resolve()
    # Package data: the wheel carries them, so an installed briefgen renders outside a checkout.
    return Path(str(resources.files("briefgen.render") / "templates")).resolve()


@cache
def renderer_for(fmt: str) -> Renderer:
    """Return this process's renderer for `fmt`, created once and reused for every document."""
    module_name, class_name = format_named(fmt).renderer.split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    renderer: Renderer = cls()
    return renderer

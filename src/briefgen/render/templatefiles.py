"""Jinja's templates, read by the rules of every read (`briefgen.reading`).

The templates folder may be the user's own (`BRIEFGEN_TEMPLATES`): a template there that is a
FIFO, a device or a link out of the folder is refused by name, never waited on or read whole.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, TemplateNotFound
from jinja2.loaders import split_template_path

import briefgen.reading as reading
from briefgen.errors import RenderError


class TemplateFiles(FileSystemLoader):
    """Load templates from one folder through `briefgen.reading`."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        """Return the template's text, its file name, and how to tell whether it changed since."""
        path = self.folder.joinpath(*split_template_path(template))
        try:
            text = reading.read_text(path, reading.TEMPLATE, within=self.folder)
        except reading.UnreadableFile as exc:
            if exc.missing:
                raise TemplateNotFound(template) from None
            raise RenderError(f"template {path}: {exc.reason}") from None
        mtime = os.path.getmtime(path)
        return text, str(path), lambda: os.path.exists(path) and os.path.getmtime(path) == mtime

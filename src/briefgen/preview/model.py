"""What the preview's parts pass each other: which page, a page ready to send, the sources as read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.sources.aggregate import LoadedBrief


@dataclass(frozen=True)
class PageKey:
    """Which page: the overview (no country) or one country's preview, under a scenario, in a language."""

    country: str | None
    scenario: str | None
    """None: the brief's active scenario."""
    language: str | None = None
    """None: the language the sources are written in."""


@dataclass(frozen=True)
class Page:
    """One page, ready to send; `digest` changes exactly when its content does."""

    status: int
    html: str
    digest: str
    style_hashes: tuple[str, ...] = ()
    """CSP hashes of the page's inline <style> elements (the brief's own stylesheet)."""


@dataclass(frozen=True)
class Snapshot:
    """The sources as last read: the last brief that loaded, and what is wrong now."""

    version: int
    loaded: LoadedBrief | None
    problems: tuple[str, ...]
    """The current problems, one `FILE:LINE:COL: field: message` line each; empty when valid."""
    warnings: tuple[str, ...]

    @property
    def valid(self) -> bool:
        """Return whether the sources as saved now load without error."""
        return not self.problems

"""What the preview knows: the last good brief, the current problems, and the pages made from them.

The brief is loaded once and kept. A saved file is classified first: a source (YAML, a
translation catalog, a released edition) reloads the brief; a template only makes the pages
render again (the brief is not reloaded, nothing is re-tailored); anything else is ignored.
Countries are tailored on demand and kept until the sources change, so a change re-tailors
only what an open page or a download asks for. Sources that do not load leave the last good
brief in place: the pages show it under a banner with the problems, in `validate`'s words.

Nothing here writes a file: the preview reads the sources and renders in memory.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.build.collector import return_memory
from briefgen.preview import pages, pipeline
from briefgen.preview.model import Page, PageKey, Snapshot

if TYPE_CHECKING:
    from briefgen.document.model import TailoredBrief
    from briefgen.sources.aggregate import LoadedBrief

SOURCE_SUFFIXES = frozenset({".yaml", ".yml", ".po", ".json"})
"""Sources, translation catalogs and released editions: a change reloads the brief."""
DOCUMENT_FORMATS = ("pdf", "docx")
_DOCUMENTS_KEPT = 12


@dataclass
class _Caches:
    tailored: dict[tuple[str, str | None, str | None], TailoredBrief] = field(default_factory=dict)
    localised: dict[str, LoadedBrief] = field(default_factory=dict)
    pages: dict[PageKey, Page] = field(default_factory=dict)


class Preview:
    """The state of one previewed brief; safe to use from several threads."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.RLock()
        self._caches = _Caches()
        self._documents: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._rendering: dict[tuple[str, str], threading.Event] = {}
        """Documents being rendered now: an identical request waits for them instead of rendering too."""
        self._render_lock = threading.Lock()
        """One document laid out at a time: each layout takes a few hundred megabytes while it runs."""
        self._templates_generation = 0
        self.snapshot = Snapshot(0, None, (), ())
        self.reload_sources()

    # ---- what to watch, and what a change means

    def watched_paths(self) -> list[Path]:
        """Return the folders to watch: the brief, the shared profiles, the templates, the theme.

        The theme folder is the one the last brief that loaded uses: the brief's own `theme/`,
        `briefs/theme/` beside it, or wherever brief.yaml's `theme:` points.
        """
        roots = [self.folder, pipeline.countries_dir(self.folder), pipeline.templates_dir()]
        theme = self._theme_folder()
        if theme is not None:
            roots.append(theme)
        found = [p.resolve() for p in roots if p.is_dir()]
        # a folder inside another is watched with it (the brief's own theme/)
        return [p for p in found if not any(p != q and p.is_relative_to(q) for q in found)]

    def is_source(self, path: Path) -> bool:
        """Return whether a change to `path` means the brief must be read again.

        Every file of the theme folder is one (its theme.yaml, logo, stylesheet, Word
        template): the brief reads them all when it loads.
        """
        if path.name.startswith((".", "#")) or path.name.endswith("~"):  # editors' backups and locks
            return False
        if path in self._source_roots():  # the folder itself: replaced, moved away or back
            return True
        theme = self._theme_folder()
        if theme is not None and path.is_relative_to(theme):
            return True
        if path.suffix.lower() not in SOURCE_SUFFIXES:
            return False
        return any(path.is_relative_to(root) for root in self._source_roots())

    def is_template(self, path: Path) -> bool:
        """Return whether `path` is one of the documents' templates or assets."""
        name = path.name
        if name.startswith((".", "#")) or name.endswith("~"):  # editors' backups and locks
            return False
        return path.is_relative_to(pipeline.templates_dir())

    def relevant(self, path: Path) -> bool:
        """Return whether a change to `path` can change a page."""
        return self.is_source(path) or self.is_template(path)

    def _source_roots(self) -> list[Path]:
        return [self.folder.resolve(), pipeline.countries_dir(self.folder).resolve()]

    def _theme_folder(self) -> Path | None:
        loaded = self.snapshot.loaded
        if loaded is None or loaded.theme.folder is None:
            return None
        return Path(loaded.theme.folder).resolve()

    def apply(self, paths: Iterable[Path]) -> bool:
        """Take in changed files; return whether any page may have changed."""
        paths = list(paths)
        sources = any(self.is_source(p) for p in paths)
        templates = any(self.is_template(p) for p in paths)
        if templates:
            pipeline.forget_renderers()  # they keep parsed templates and stylesheets
            with self._lock:
                self._templates_generation += 1
                self._caches.pages.clear()
                self._documents.clear()
        if sources:
            self.reload_sources()
        return sources or templates

    def reload_sources(self) -> None:
        """Read the brief again; keep the last good one when the sources are now wrong."""
        from briefgen.errors import BriefgenError, InputError

        previous = self.snapshot
        try:
            loaded = pipeline.load(self.folder)
        except InputError as exc:
            problems = tuple(str(p) for p in exc.problems)
            snapshot = Snapshot(previous.version + 1, previous.loaded, problems, ())
        except BriefgenError as exc:
            snapshot = Snapshot(previous.version + 1, previous.loaded, (f"{self.folder}: {exc}",), ())
        else:
            warnings = tuple(str(p) for p in loaded.warnings)
            snapshot = Snapshot(previous.version + 1, loaded, (), warnings)
        with self._lock:
            self.snapshot = snapshot
            if snapshot.loaded is not previous.loaded:
                self._caches = _Caches()
            else:  # only the banner changes: the tailored briefs stand
                self._caches = _Caches(tailored=self._caches.tailored, localised=self._caches.localised)

    # ---- pages and documents

    def page(self, key: PageKey) -> Page:
        """Return a page of the current state, made once per change."""
        with self._lock:
            cached = self._caches.pages.get(key)
            caches, snapshot = self._caches, self.snapshot
        if cached is not None:
            return cached
        page = self._make_page(key, snapshot, caches)
        with self._lock:
            if self._caches is caches and page.status == 200:  # only pages that exist are kept
                caches.pages[key] = page
        return page

    def _make_page(self, key: PageKey, snapshot: Snapshot, caches: _Caches) -> Page:
        loaded = snapshot.loaded
        if loaded is None:
            return pages.waiting(snapshot, self.folder)
        known, scenario = _scenario(loaded, key.scenario)
        if not known:
            return pages.missing(snapshot, f"The brief has no scenario '{key.scenario}'.")
        if key.language is not None and key.language not in loaded.brief.languages:
            published = ", ".join(loaded.brief.languages)
            return pages.missing(
                snapshot, f"The brief is not published in '{key.language}' (only {published})."
            )
        language = None if key.language == loaded.brief.languages[0] else key.language
        if key.country is None:
            briefs = [self._tailored(caches, snapshot, c, scenario, language) for c in loaded.brief.countries]
            localised = self._localised(caches, snapshot, language) if language else None
            return pages.overview(snapshot, briefs, key.scenario, language, localised)
        if key.country not in loaded.brief.countries:
            return pages.missing(snapshot, f"{key.country} is not one of this brief's countries.")
        brief = self._tailored(caches, snapshot, key.country, scenario, language)
        html = pipeline.render(brief, "html").decode("utf-8")
        return pages.country(snapshot, brief, html, key.scenario, language)

    def review_page(self) -> Page:
        """Return the review page, read afresh from the brief's reviews/ folder (nothing is written)."""
        from briefgen.errors import BriefgenError

        snapshot = self.snapshot
        if snapshot.loaded is None:
            return pages.waiting(snapshot, self.folder)
        try:
            fragment, css = pipeline.review_report(self.folder, snapshot.loaded)
        except BriefgenError as exc:
            from briefgen.review.report import report_css

            return pages.review(snapshot, None, report_css(), str(exc))
        return pages.review(snapshot, fragment, css, None)

    def document(self, key: PageKey, fmt: str) -> tuple[bytes, str] | None:
        """Return one country's DOCX or PDF and its file name, or None if there is no such brief."""
        if fmt not in DOCUMENT_FORMATS or key.country is None:
            return None
        with self._lock:
            caches, snapshot = self._caches, self.snapshot
        loaded = snapshot.loaded
        if loaded is None or key.country not in loaded.brief.countries:
            return None
        known, scenario = _scenario(loaded, key.scenario)
        if not known or (key.language is not None and key.language not in loaded.brief.languages):
            return None
        language = None if key.language == loaded.brief.languages[0] else key.language
        brief = self._tailored(caches, snapshot, key.country, scenario, language)
        content = hashlib.sha256(brief.canonical_json().encode("utf-8")).hexdigest()
        cache_key = (f"{content}:{self._templates_generation}", fmt)
        data = self._rendered_once(cache_key, brief, fmt)
        return data, pipeline.file_name(brief, fmt)

    def _rendered_once(self, cache_key: tuple[str, str], brief: TailoredBrief, fmt: str) -> bytes:
        """Return the document, rendering it only if no other request is rendering it already.

        Ten requests for the same PDF at once are one layout, not ten one after another; and
        the memory a layout took is handed back to the system when it is done.
        """
        while True:
            with self._lock:
                data = self._documents.get(cache_key)
                if data is not None:
                    return data
                underway = self._rendering.get(cache_key)
                if underway is None:
                    done = self._rendering[cache_key] = threading.Event()
                    break
            underway.wait()  # then take it from the cache (or render it, if that one failed)
        try:
            with self._render_lock:
                data = pipeline.render(brief, fmt)
            with self._lock:
                self._documents[cache_key] = data
                while len(self._documents) > _DOCUMENTS_KEPT:
                    self._documents.popitem(last=False)
            return data
        finally:
            with self._lock:
                del self._rendering[cache_key]
            done.set()
            return_memory()

    def warm(self) -> None:
        """Load the PDF renderer and lay out one brief, so the first download is quick."""
        loaded = self.snapshot.loaded
        if loaded is None:
            return
        brief = pipeline.tailored(loaded, loaded.brief.countries[0], None)
        pipeline.render(brief, "pdf")

    def _tailored(
        self,
        caches: _Caches,
        snapshot: Snapshot,
        country: str,
        scenario: str | None,
        language: str | None = None,
    ) -> TailoredBrief:
        found = caches.tailored.get((country, scenario, language))
        if found is None:
            assert snapshot.loaded is not None
            loaded = self._localised(caches, snapshot, language) if language else snapshot.loaded
            found = pipeline.tailored(loaded, country, scenario)
            caches.tailored[(country, scenario, language)] = found
        return found

    def _localised(self, caches: _Caches, snapshot: Snapshot, language: str) -> LoadedBrief:
        """Return the brief in `language`, translated once per change of the sources."""
        found = caches.localised.get(language)
        if found is None:
            assert snapshot.loaded is not None
            found = caches.localised[language] = pipeline.in_language(snapshot.loaded, language)
        return found


def _scenario(loaded: LoadedBrief, asked: str | None) -> tuple[bool, str | None]:
    """Return whether the brief has the scenario asked for, and the scenario to tailor for."""
    if asked is None:
        return True, loaded.brief.scenario
    return asked in loaded.brief.scenarios, asked

"""Find and read a brief's theme folder: the organisation's look, without forking.

Where the theme is, first found wins:
1. the folder `theme:` in brief.yaml names, relative to the brief (`../themes/institute`);
2. the brief's own `theme/` folder;
3. `briefs/theme/`, beside the briefs, for every brief of the project.
No folder: the bundled look. A theme folder holds `theme.yaml` (see `models.theme.Theme`) and
the files it names. Every problem is reported with the file and line, like any source.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import briefgen.reading as reading
from briefgen.document.contrast import NORMAL_TEXT, WHITE, contrast
from briefgen.document.theme import CSS_TINT, DEFAULT_THEME, Logo, Theme, ThemeWords, tint
from briefgen.document.wordstyles import missing_styles
from briefgen.errors import NotAWordTemplate, Problem
from briefgen.models import Brief
from briefgen.models.common import in_language, languages_of
from briefgen.models.theme import ThemeSettings
from briefgen.sources.diagnostics import validate_document
from briefgen.sources.layout import project_folder
from briefgen.sources.yamlsource import Positions, read_yaml

THEME_DIR = "theme"
THEME_FILE = "theme.yaml"
MAX_ASSET_BYTES = reading.THEME_FILE.limit
"""Largest logo, stylesheet or Word template a theme may hold."""

_LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CSS_IMPORT = re.compile(r"@import\b|url\(\s*['\"]?\s*[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_XLINK = "{http://www.w3.org/1999/xlink}href"


def theme_folder(root: Path, brief: Brief) -> tuple[Path | None, bool]:
    """Return the brief's theme folder, if any, and whether brief.yaml named it."""
    if brief.theme is not None:
        return (root / brief.theme).resolve(), True
    for candidate in (root / THEME_DIR, root.parent / THEME_DIR):
        if (candidate / THEME_FILE).is_file():
            return candidate.resolve(), False
    return None, False


def load_theme(
    root: Path,
    brief: Brief,
    brief_positions: Positions,
    problems: list[Problem],
    positions: dict[Path, Positions],
) -> tuple[Theme, Path | None]:
    """Return the brief's theme (the default when it has none) and its theme.yaml, if any.

    The theme folder and every file it names lie inside the project and are read by the rules
    of every read (`briefgen.reading`): a logo that is a FIFO or a link to /dev/zero is a
    problem naming it, never a read that waits or fills the memory.
    """
    folder, named = theme_folder(root, brief)
    if folder is None:
        return DEFAULT_THEME, None
    project = project_folder(root)
    path = folder / THEME_FILE
    unusable = _unusable_folder(folder, project)
    if unusable is not None:
        problems.append(
            brief_positions.problem(("theme",), unusable) if named else Problem(path, 1, 1, "", unusable)
        )
        return DEFAULT_THEME, None
    document, found = read_yaml(path, within=project)
    problems.extend(found)
    if document is None:
        return DEFAULT_THEME, path
    positions[path] = document.positions
    spec = validate_document(document, ThemeSettings, problems)
    if spec is None:
        return DEFAULT_THEME, path
    files = _ThemeFiles(folder, project, document.positions, problems)
    logo = _read_logo(files, spec)
    css = _read_css(files, spec)
    if spec.accent is not None and (pale := _pale_accent(spec.accent)):
        problems.append(files.here.problem(("accent",), pale, severity="warning"))
    template = _read_word_template(files, spec)

    source, others = brief.languages[0], brief.languages[1:]
    problems.extend(_untranslated_words(spec, source, others, files.here))
    theme = Theme(
        folder=str(folder),
        organisation=tuple(in_language(spec.organisation, source, source) or ()),
        signature=tuple(in_language(spec.signature, source, source) or ()),
        author=in_language(spec.author, source, source),
        translations=tuple(
            (
                language,
                ThemeWords(
                    tuple(in_language(spec.organisation, language, source) or ()),
                    tuple(in_language(spec.signature, language, source) or ()),
                    in_language(spec.author, language, source),
                ),
            )
            for language in others
        ),
        accent=spec.accent.lower() if spec.accent else None,
        body_font=spec.fonts.body,
        heading_font=spec.fonts.heading,
        logo=logo,
        css=css,
        word_template=template,
    )
    return theme, path


def _unusable_folder(folder: Path, project: Path) -> str | None:
    """Return why a theme folder cannot be used (outside the project, or no theme.yaml), or None."""
    if not reading.is_inside(folder, project):
        return (
            f"the theme folder {folder} lies outside the project folder {project}; "
            "keep the theme inside the project (for example briefs/theme/)"
        )
    if not os.path.lexists(folder / THEME_FILE):
        return f"no {THEME_FILE} in the theme folder {folder}"
    return None


@dataclass(frozen=True)
class _ThemeFiles:
    """A theme folder whose theme.yaml was read: where it lies, and where its problems go."""

    folder: Path
    project: Path
    here: Positions
    """The positions of theme.yaml, where a problem with a file it names is reported."""
    problems: list[Problem]

    def read(self, field: str, name: str | None) -> bytes | None:
        """Return the content of the file named in `field`; None, with the problem, if it cannot be read."""
        if name is None:
            return None
        folder, project = self.folder, self.project
        file = folder / name
        refused = reading.refusal(file, reading.THEME_FILE, within=project)
        if refused is None and not reading.is_inside(file, folder):
            refused = f"lies outside the theme folder {folder}; a theme's files lie in its folder"
        if refused is None:
            try:
                return reading.read_file(file, reading.THEME_FILE, within=project)
            except reading.UnreadableFile as exc:
                refused = exc.reason
        if refused == "no such file":
            refused = f"no file '{name}' in the theme folder {folder}"
        else:
            refused = f"'{name}' {refused}"
        self.problems.append(self.here.problem((field,), refused))
        return None


def _read_logo(files: _ThemeFiles, spec: ThemeSettings) -> Logo | None:
    """Return the theme's logo, if it names one that is a self-contained SVG or PNG image."""
    logo_data = files.read("logo", spec.logo)
    if spec.logo is None or logo_data is None:
        return None
    suffix = Path(spec.logo).suffix.lower()
    media = _LOGO_TYPES.get(suffix)
    wrong = _logo_problem(suffix, logo_data)
    if media is None or wrong:
        files.problems.append(files.here.problem(("logo",), wrong or "a logo must be an .svg or .png file"))
        return None
    return Logo(spec.logo, media, logo_data)


def _read_css(files: _ThemeFiles, spec: ThemeSettings) -> str:
    """Return the theme's stylesheet if it is UTF-8 and loads nothing from outside; "" if not."""
    css_data = files.read("css", spec.css)
    if spec.css is None or css_data is None:
        return ""
    here, problems = files.here, files.problems
    try:
        css = css_data.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(here.problem(("css",), f"'{spec.css}' is not UTF-8 text"))
        return ""
    if "</" in css:  # the HTML inlines it in <style>: it must not be able to close it
        problems.append(here.problem(("css",), f"'{spec.css}' must not contain '</'"))
        return ""
    if (reaching := css_reaches_out(css)) is not None:
        problems.append(
            here.problem(
                ("css",),
                f"'{spec.css}' may load files of the theme folder only (relative url(...)), "
                f"no @import and no absolute URL; it has {reaching}",
            )
        )
        return ""
    return css


def _read_word_template(files: _ThemeFiles, spec: ThemeSettings) -> bytes | None:
    """Return the theme's Word template, if it names one that has every style the DOCX needs."""
    template = files.read("word_template", spec.word_template)
    if spec.word_template is None or template is None:
        return template
    here = files.here
    try:
        missing = missing_styles(template)
    except NotAWordTemplate as exc:
        files.problems.append(here.problem(("word_template",), f"'{spec.word_template}': {exc}"))
        return None
    if missing:
        files.problems.append(
            here.problem(
                ("word_template",),
                f"the Word template '{spec.word_template}' lacks {len(missing)} style"
                f"{'s' if len(missing) > 1 else ''} the DOCX needs: {', '.join(missing)}",
            )
        )
        return None
    return template


def _pale_accent(accent: str) -> str | None:
    """Return why text in `accent` is hard to read, or None: it sets labels, links and the
    "Prepared for" line, on white and on the tinted boxes (the summary, the country note)."""
    on_white = contrast(accent, WHITE)
    on_tint = contrast(accent, tint(accent, CSS_TINT))
    if min(on_white, on_tint) >= NORMAL_TEXT:
        return None
    return (
        f"text in the accent colour {accent} stands out {on_white:.1f}:1 from white and "
        f"{on_tint:.1f}:1 from its tinted boxes; labels and links need {NORMAL_TEXT}:1 "
        "(WCAG 2.1, 1.4.3): choose a darker colour"
    )


WORDED_FIELDS = ("organisation", "signature", "author")
"""The theme's fields that are words, given per language."""


def _untranslated_words(
    spec: ThemeSettings, source: str, others: list[str], here: Positions
) -> list[Problem]:
    """Warn of each worded field that lacks a language the brief is published in.

    A brief in such a language prints the source language's wording (or none, if that is
    missing too): a warning, not an error, because a letterhead in another language is still a
    true letterhead.
    """
    warnings = []
    for name in WORDED_FIELDS:
        value = getattr(spec, name)
        if not value:
            continue
        given = languages_of(value, source)
        for language in [source, *others]:
            if language in given:
                continue
            prints = f"the '{source}' wording" if source in given else "none"
            warnings.append(
                here.problem(
                    (name,),
                    f"{name} has no '{language}' wording: the brief in '{language}' prints {prints}; "
                    f"give it per language ({{{', '.join(dict.fromkeys([*given, language]))}: …}})",
                    severity="warning",
                )
            )
    return warnings


def _logo_problem(suffix: str, data: bytes) -> str | None:
    """Return what is wrong with a logo file's content, or None."""
    if suffix == ".png":
        return None if data.startswith(_PNG_SIGNATURE) else "the logo is not a PNG image"
    if suffix != ".svg":
        return None
    if b"<!ENTITY" in data:  # no entity is ever expanded, and a logo needs none
        return "the logo declares XML entities: a logo must be self-contained"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        return f"the logo is not well-formed SVG ({exc})"
    if _local(root.tag) != "svg":
        return "the logo is not an SVG image (its root element is not <svg>)"
    for element in root.iter():
        for attribute in ("href", _XLINK):
            target = (element.get(attribute) or "").strip()
            if target and not target.startswith(("#", "data:")):
                return (
                    f"the logo refers to another file or URL ({target[:60]}): a logo must be self-contained"
                )
        style = element.text or ""
        if _local(element.tag) == "style" and (_CSS_IMPORT.search(style) or css_reaches_out(style)):
            return "the logo's <style> loads another file or URL: a logo must be self-contained"
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def css_reaches_out(css: str) -> str | None:
    """Return what in a stylesheet could load something beyond its own folder, or None.

    Read as a CSS parser reads it (tinycss2, WeasyPrint's own), so an escaped scheme
    (`url(\\66ile:///etc/passwd)`, `url(ht\\74p://...)`) or a comment cannot hide one: an
    @import, a URL with a scheme, a network-path (`//host/x`) or absolute path (`/x`), or a
    relative path that climbs out (`../`).
    """
    import tinycss2  # type: ignore[import-untyped]

    def walk(tokens: list[Any]) -> str | None:
        for token in tokens:
            kind = getattr(token, "type", "")
            if kind == "at-rule" and token.lower_at_keyword == "import":
                return "an @import"
            if kind == "url":
                found = _outside_url(token.value)
            elif kind == "function" and token.lower_name in {"url", "src", "image-set", "image"}:
                strings = [t.value for t in token.arguments if getattr(t, "type", "") == "string"]
                found = next((u for s in strings if (u := _outside_url(s))), None)
                found = found or walk(token.arguments)
            else:
                found = None
            if found:
                return found
            for inner in ("prelude", "content", "arguments"):
                nested = getattr(token, inner, None)
                if isinstance(nested, list) and (found := walk(nested)):
                    return found
        return None

    return walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _outside_url(url: str) -> str | None:
    target = "".join(c for c in url.strip() if c.isprintable() and not c.isspace())
    shown = url.strip()[:60]
    if _SCHEME.match(target):
        return f"the URL {shown!r}"
    if target.startswith("//"):
        return f"the network address {shown!r}"
    if target.startswith(("/", "\\")):
        return f"the absolute path {shown!r}"
    if ".." in target.replace("\\", "/").split("/"):
        return f"the path {shown!r}, which climbs out of the theme folder"
    return None

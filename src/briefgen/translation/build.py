"""The languages a build makes: each brief in every language asked for, translated first.

A translation fails per document, as a chart that cannot be drawn fails its own document and
no other: a strict build makes every country's brief whose catalogs are complete and refuses
only the others, each language's refusal told once (`Incomplete.summary`), its entries listed
under `--verbose`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import Problem, UsageError
from briefgen.sources.aggregate import LoadedBrief


@dataclass(frozen=True)
class Incomplete:
    """A language whose catalogs miss or have fuzzy entries for some countries' briefs: those are not built."""

    brief: str
    folder: Path
    language: str
    countries: tuple[str, ...]
    """The countries whose brief in this language is not built."""
    problems: tuple[Problem, ...]
    """Each entry missing or fuzzy, at its PO file and line."""
    fuzzy: int = 0
    """How many of them are fuzzy (the rest are missing or untranslated)."""

    def summary(self) -> str:
        """Return the one line a build prints: what is missing where, which briefs wait, what to do."""
        total = len(self.problems)
        kind = (
            "untranslated" if not self.fuzzy else "fuzzy" if self.fuzzy == total else "untranslated or fuzzy"
        )
        files = Counter(str(_shown(p.file)) for p in self.problems)
        where = (
            f"in {next(iter(files))}"
            if len(files) == 1
            else "in " + " and ".join(f"{file} ({n})" for file, n in files.items())
        )
        return (
            f"{self.language}: {total} {'entry' if total == 1 else 'entries'} {kind} {where}; "
            f"not built: {self.brief} for {', '.join(self.countries)} in {self.language}; "
            f"run `briefgen translate {_shown(self.folder)} --language {self.language}`, "
            "or build with --allow-untranslated"
        )


def in_languages(
    loaded: LoadedBrief,
    languages: Sequence[str],
    countries: Sequence[str],
    allow_untranslated: bool,
    *,
    single: bool = True,
    incomplete: list[Incomplete] | None = None,
) -> Iterator[tuple[LoadedBrief, list[str]]]:
    """Yield the brief in each language (default: every one it declares), source first, with the
    countries whose brief in that language can be built.

    Strict (not `allow_untranslated`), a country whose brief needs an entry that is missing or
    fuzzy is left out of its language, and the language is added to `incomplete`; every other
    document is built. A language the brief does not declare is a usage error when one brief is
    built, and skipped when several are.
    """
    from briefgen.sources.fonts import check_fonts
    from briefgen.translation.apply import localise, statuses

    declared = loaded.brief.languages
    wanted = list(dict.fromkeys(languages)) or list(declared)
    unknown = [code for code in wanted if code not in declared]
    if unknown and single:
        raise UsageError(
            f"{loaded.id} is not published in {', '.join(unknown)} (brief.yaml languages: {', '.join(declared)})"
        )
    for code in (c for c in wanted if c in declared):
        ready = list(countries)
        if code != declared[0] and not allow_untranslated:
            blocking = [s for s in statuses(loaded, code) if s.problem is not None]
            refused = [c for c in countries if any(s.text.country in (None, c) for s in blocking)]
            if refused:
                needed = [s.problem for s in blocking if s.text.country is None or s.text.country in refused]
                if incomplete is not None:
                    incomplete.append(
                        Incomplete(
                            loaded.id,
                            loaded.root,
                            code,
                            tuple(refused),
                            tuple(p for p in needed if p is not None),
                            sum(
                                s.state == "fuzzy"
                                for s in blocking
                                if s.text.country is None or s.text.country in refused
                            ),
                        )
                    )
                ready = [c for c in countries if c not in refused]
        if not ready:
            continue
        localised = localise(loaded, code, countries=ready, allow_untranslated=allow_untranslated)
        if localised is not loaded:
            # the glyph preflight covers every translated string (warnings, as for the sources)
            loaded.warnings.extend(w for w in check_fonts(localised) if w not in loaded.warnings)
        yield localised, ready


def _shown(path: Path) -> Path:
    """Return a path relative to the working folder when it lies under it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path

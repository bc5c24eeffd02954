"""The languages a build makes: each brief in every language asked for, translated first."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from briefgen.errors import Problem, TranslationIncomplete, UsageError
from briefgen.sources.aggregate import LoadedBrief


def in_languages(
    loaded: LoadedBrief,
    languages: Sequence[str],
    countries: Sequence[str],
    allow_untranslated: bool,
    *,
    single: bool = True,
) -> Iterator[LoadedBrief]:
    """Yield the brief in each language (default: every one it declares), source first.

    Every language is checked before the first is yielded, so an incomplete translation stops
    the build with the whole list and nothing written. A language the brief does not declare
    is a usage error when one brief is built, and skipped when several are.
    """
    from briefgen.sources.fonts import check_fonts
    from briefgen.translation.apply import localise

    declared = loaded.brief.languages
    wanted = list(dict.fromkeys(languages)) or list(declared)
    unknown = [code for code in wanted if code not in declared]
    if unknown and single:
        raise UsageError(
            f"{loaded.id} is not published in {', '.join(unknown)} (brief.yaml languages: {', '.join(declared)})"
        )
    out: list[LoadedBrief] = []
    problems: list[Problem] = []
    for code in (c for c in wanted if c in declared):
        try:
            localised = localise(loaded, code, countries=countries, allow_untranslated=allow_untranslated)
        except TranslationIncomplete as exc:
            problems.extend(exc.problems)
            continue
        if localised is not loaded:
            # the glyph preflight covers every translated string (warnings, as for the sources)
            loaded.warnings.extend(w for w in check_fonts(localised) if w not in loaded.warnings)
        out.append(localised)
    if problems:
        raise TranslationIncomplete(
            ", ".join(c for c in wanted if c != declared[0]),
            [*problems, *_hint(loaded)],
        )
    yield from out


def _hint(loaded: LoadedBrief) -> list[Problem]:
    return [
        Problem(
            loaded.root / "brief.yaml",
            1,
            1,
            "languages",
            "the translation is incomplete: translate the entries above (`briefgen translate`), "
            "or build with --allow-untranslated for a marked draft",
            "warning",
        )
    ]

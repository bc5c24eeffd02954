"""Start a project and add files to it: `briefgen init` and `briefgen new …`.

The starter files are package data (`briefgen/starter/`): `project/` is copied as it stands by
`init` (a part named `dot-x` becomes `.x`, since packaging tools drop hidden files), and `new/`
holds one commented template per kind of file, with `__NAME__` placeholders. Nothing is ever
overwritten: every target is checked before the first byte is written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import briefgen.reading as reading
from briefgen.atomic import create_all_or_none, write_text_atomic
from briefgen.errors import OutputError, ScaffoldError, UsageError
from briefgen.models.common import SLUG_PATTERN

BRIEFS = "briefs"
COUNTRIES = "countries"
SCHEMAS = "schemas"
_MODELINE = "__MODELINE__"


@dataclass(frozen=True)
class Planned:
    """One file to write, and its text."""

    path: Path
    text: str


def _starter() -> Traversable:
    return files("briefgen").joinpath("starter")


def _walk(folder: Traversable, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    found = []
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        if item.name == "__pycache__":
            continue
        name = "." + item.name.removeprefix("dot-") if item.name.startswith("dot-") else item.name
        if item.is_dir():
            found.extend(_walk(item, (*prefix, name)))
        else:
            found.append(((*prefix, name), item.read_text(encoding="utf-8")))
    return found


def write_all(planned: list[Planned]) -> list[Path]:
    """Write every planned file, after checking that none of them exists; return the paths."""
    existing = [p.path for p in planned if p.path.exists() or p.path.is_symlink()]
    if existing:
        shown = ", ".join(_shown(p) for p in existing[:5])
        more = f" and {len(existing) - 5} more" if len(existing) > 5 else ""
        raise ScaffoldError(
            f"{shown}{more} already exist{'s' if len(existing) == 1 else ''}; nothing was written"
        )
    for item in planned:
        blocked = next((parent for parent in item.path.parents if parent.is_file()), None)
        if blocked is not None:
            raise ScaffoldError(f"{_shown(blocked)} is a file, not a folder; nothing was written")
    try:  # all or nothing: a full or read-only disk leaves the folder as it was, ready for a retry
        create_all_or_none([(p.path, p.text.encode("utf-8")) for p in planned])
    except FileExistsError as exc:
        raise ScaffoldError(
            f"{_shown(Path(exc.filename2 or exc.filename))} already exists; nothing was written"
        ) from None
    except OSError as exc:
        where = _shown(Path(exc.filename)) if exc.filename else "the project folder"
        raise OutputError(f"cannot write {where}: {exc.strerror or exc}; nothing was written") from None
    return [p.path for p in planned]


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------------------- init


def plan_project(folder: Path) -> list[Planned]:
    """Return the files of a new project in `folder`: an example brief, schemas, editor settings."""
    from briefgen.models.schemas import KINDS, schema_text

    planned = [Planned(folder.joinpath(*parts), text) for parts, text in _walk(_starter() / "project")]
    planned += [Planned(folder / SCHEMAS / f"{kind}.schema.json", schema_text(kind)) for kind in KINDS]
    return planned


def init_project(folder: Path) -> list[Path]:
    """Make a working project in `folder` (created if need be); refuse to overwrite anything."""
    return write_all(plan_project(folder))


# ---------------------------------------------------------------------------------------- new


def check_slug(value: str, what: str) -> str:
    """Return `value` when it is a lowercase slug; raise UsageError saying what an id may be."""
    if not re.match(SLUG_PATTERN, value) or len(value) > 80:
        raise UsageError(
            f"{what} {value!r} must be a lowercase id: letters, digits and single hyphens, "
            "like `protect-water-basins`"
        )
    return value


def _template(kind: str, target: Path, project: Path | None, values: dict[str, str]) -> Planned:
    text = (_starter() / "new" / f"{kind}.yaml").read_text(encoding="utf-8")
    schema_kind = "sources" if kind == "sources" else kind
    schema = project / SCHEMAS / f"{schema_kind}.schema.json" if project is not None else None
    if schema is not None and schema.is_file():
        relative = os.path.relpath(schema, target.parent).replace(os.sep, "/")
        text = text.replace(_MODELINE, f"# yaml-language-server: $schema={relative}\n#", 1)
    else:
        text = text.replace(_MODELINE + "\n", "", 1)
    for name, value in values.items():
        text = text.replace(f"__{name}__", value)
    return Planned(target, text)


def _humanised(slug: str) -> str:
    words = slug.replace("-", " ")
    return words[:1].upper() + words[1:]


def _project_of_brief(brief: Path) -> Path | None:
    """Return the project folder of a brief folder (`<project>/briefs/<id>`), when it has that shape."""
    parent = brief.resolve().parent
    return parent.parent if parent.name == BRIEFS else None


def find_brief(start: Path, brief: Path | None) -> Path:
    """Return the brief folder a new recommendation goes to: `brief`, or the one `start` is in."""
    if brief is not None:
        if not (brief / "brief.yaml").is_file():
            raise UsageError(f"{_shown(brief)} is not a brief folder (it has no brief.yaml)")
        return brief
    for folder in (start, start / ".."):  # the brief folder, or its recommendations/ folder
        if (folder / "brief.yaml").is_file():
            return folder
    raise UsageError("run this inside a brief folder (one with a brief.yaml), or name it with --brief")


def new_recommendation(brief: Path, rec_id: str) -> Path:
    """Add `recommendations/<id>.yaml` to a brief: a commented recommendation that validates."""
    check_slug(rec_id, "a recommendation id")
    target = brief / "recommendations" / f"{rec_id}.yaml"
    planned = _template(
        "recommendation", target, _project_of_brief(brief), {"ID": rec_id, "TITLE": _humanised(rec_id)}
    )
    return write_all([planned])[0]


def new_brief(
    project: Path, brief_id: str, countries: list[str], *, today: dt.date | None = None
) -> list[Path]:
    """Add `briefs/<id>/` with a commented brief.yaml and an empty sources.yaml."""
    check_slug(brief_id, "a brief id")
    briefs = project / BRIEFS
    if not countries:
        countries = sorted(
            p.stem for p in (briefs / COUNTRIES).glob("*.yaml") if re.match(r"^[A-Z]{2}$", p.stem)
        )
    if not countries:
        raise UsageError(
            f"no country profiles in {_shown(briefs / COUNTRIES)}: add one with `briefgen new country CODE`, "
            "or name the countries with --country"
        )
    codes = [country_code(c) for c in countries]
    missing = [c for c in codes if not (briefs / COUNTRIES / f"{c}.yaml").is_file()]
    if missing:
        raise UsageError(
            f"no profile for {', '.join(missing)} in {_shown(briefs / COUNTRIES)}: "
            "add it with `briefgen new country CODE` first"
        )
    folder = briefs / brief_id
    values = {
        "ID": brief_id,
        "TITLE": _humanised(brief_id),
        "DATE": (today or dt.date.today()).isoformat(),
        "COUNTRIES": ", ".join(codes),
    }
    sources = _template("sources", folder / "sources.yaml", project, values)
    works = _works_cited_by_profiles(briefs, codes)
    if works:
        lines = [
            "# The works the country profiles cite, copied from the project's other briefs:\n",
            *(f"{key}: {json.dumps(work, ensure_ascii=False)}\n" for key, work in works.items()),
        ]
        sources = Planned(sources.path, sources.text.removesuffix("{}\n") + "".join(lines))
    return write_all([_template("brief", folder / "brief.yaml", project, values), sources])


def _works_cited_by_profiles(briefs: Path, codes: list[str]) -> dict[str, object]:
    """Return the works the profiles' facts cite, as other briefs of the project describe them.

    A profile is shared by every brief, but the works its facts cite belong to each brief's
    sources; a new brief starts with them, so that it validates as created.
    """
    from briefgen.sources.bibliography_import import read_sources, sources_file
    from briefgen.sources.yamlsource import read_yaml

    wanted: list[str] = []
    for code in codes:
        document, _ = read_yaml(briefs / COUNTRIES / f"{code}.yaml")
        facts = (
            document.data.get("facts") if document is not None and isinstance(document.data, dict) else None
        )
        for fact in (facts or {}).values():
            if (
                isinstance(fact, dict)
                and isinstance(fact.get("source"), str)
                and fact["source"] not in wanted
            ):
                wanted.append(fact["source"])
    found: dict[str, object] = {}
    for brief in sorted(p.parent for p in briefs.glob("*/brief.yaml")):
        path, missing = sources_file(brief)
        document, _ = read_sources(path) if not missing else (None, [])
        if document is None or not isinstance(document.data, dict):
            continue
        for key in wanted:
            if key not in found and isinstance(document.data.get(key), dict):
                found[key] = _plain_data(document.data[key])
    return {key: found[key] for key in wanted if key in found}


def _plain_data(value: object) -> object:
    """Return YAML data as JSON-ready data (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): _plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_data(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def country_code(value: str) -> str:
    """Return an ISO 3166-1 alpha-2 code in upper case; raise UsageError for anything else."""
    from babel import Locale

    code = value.strip().upper()
    names = Locale("en").territories
    if not re.match(r"^[A-Z]{2}$", code) or code not in names or code == "ZZ":
        raise UsageError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (like FR or DE)")
    return code


def new_country(project: Path, code: str) -> Path:
    """Add `briefs/countries/<CODE>.yaml`: a commented profile, names and languages filled in."""
    from babel import Locale
    from babel.languages import get_official_languages

    code = country_code(code)
    name = Locale("en").territories[code]
    languages = ", ".join(lang.replace("_", "-") for lang in get_official_languages(code)[:4])
    target = project / BRIEFS / COUNTRIES / f"{code}.yaml"
    planned = _template(
        "country",
        target,
        project,
        {"CODE": code, "NAME": json.dumps(name, ensure_ascii=False), "LANGUAGES": languages},
    )
    return write_all([planned])[0]


TRACKING_HEADER = """\
# The follow-up for __CODE__: dated assessments of what its government did with each
# recommendation (see `briefgen track`). Add one with `briefgen new assessment __CODE__ ID`.
"""


def new_assessment(brief: Path, code: str, rec_id: str, *, today: dt.date | None = None) -> Path:
    """Add a commented assessment of `rec_id` for `code` to `tracking/<CODE>.yaml` (created if need be).

    The file is a list: the new assessment is appended and nothing already in it is changed.
    It validates as written (status `not-assessed`, dated the earlier of today and the
    brief's date), with the lead institution and source to check.
    """
    from briefgen.sources.bibliography_import import read_sources, sources_file
    from briefgen.sources.yamlsource import read_yaml

    check_slug(rec_id, "a recommendation id")
    code = country_code(code)
    document, _ = read_yaml(brief / "brief.yaml")
    data = document.data if document is not None and isinstance(document.data, dict) else {}
    if code not in (data.get("countries") or []):
        raise UsageError(
            f"{code} is not one of the brief's countries: add it to brief.yaml's `countries` first"
        )
    if not any((brief / "recommendations" / f"{rec_id}{s}").is_file() for s in (".yaml", ".yml")):
        raise UsageError(f"the brief has no recommendation '{rec_id}' (recommendations/{rec_id}.yaml)")
    day = today or dt.date.today()
    written = data.get("date")
    if isinstance(written, dt.date) and written < day:
        day = written
    profile, _ = read_yaml(brief.parent / COUNTRIES / f"{code}.yaml")
    institutions = (
        profile.data.get("institutions") if profile is not None and isinstance(profile.data, dict) else None
    )
    path, missing = sources_file(brief)
    works, _ = read_sources(path) if not missing else (None, [])
    keys = list(works.data) if works is not None and isinstance(works.data, dict) else []
    values = {
        "REC": rec_id,
        "DATE": day.isoformat(),
        "LEAD": next(iter(institutions), "lead-institution")
        if isinstance(institutions, dict)
        else "lead-institution",
        "SOURCE": str(keys[0]) if keys else "source-key",
        "ASSESSOR": json.dumps(str(data.get("organisation") or "Follow-up team"), ensure_ascii=False),
    }
    entry = _template("assessment", brief / "tracking" / f"{code}.yaml", None, values).text
    target = brief / "tracking" / f"{code}.yaml"
    if target.exists():
        before = reading.read_text(target, reading.SOURCE)
        text = before + ("" if before.endswith("\n") else "\n") + "\n" + entry
    else:
        text = TRACKING_HEADER.replace("__CODE__", code) + "\n" + entry
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(target, text)
    return target

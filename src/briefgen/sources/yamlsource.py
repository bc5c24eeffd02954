"""Read one YAML source file safely, keeping the line and column of every node.

The file is refused before it is parsed when it is too large or not UTF-8; anchors, aliases,
explicit tags, duplicate keys and deep nesting are refused while it is parsed, so a crafted file
can neither expand beyond its size nor run code. What comes out is plain Python data and a
`Positions` index that maps every field path to where it stands in the file.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from ruamel.yaml.nodes import ScalarNode

import briefgen.reading as reading
from briefgen.document.doctree import DIRECTION_CONTROLS, UNPRINTABLE, control_named
from briefgen.errors import Problem

MAX_FILE_BYTES = reading.SOURCE.limit
MAX_DEPTH = 40
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}

# The scalar tags that may be written explicitly, and what a value so tagged must look like.
_SCALAR_KINDS = {
    "tag:yaml.org,2002:int": "an integer",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:null": "null",
}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
MAX_NUMBER = 10**15
"""Numbers in sources lie strictly between -MAX_NUMBER and MAX_NUMBER (a quadrillion)."""

Loc = tuple[str | int, ...]


def dotted(loc: Loc) -> str:
    """Return a field path as analysts write it: `evidence[2].source`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass
class Positions:
    """Where each field path of one file stands (1-based line and column)."""

    path: Path
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    block: dict[Loc, bool] = field(default_factory=dict)

    def locate(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Return the position of `loc`, or of its nearest ancestor the file has."""
        loc = tuple(loc)
        while True:
            if key and loc in self.keys:
                return self.keys[loc]
            if loc in self.values:
                return self.values[loc]
            if not loc:
                return (1, 1)
            loc = loc[:-1]

    def locate_in_text(self, loc: Loc, offset: int, text: str) -> tuple[int, int]:
        """Return the position of character `offset` of the text at `loc`.

        Exact for literal block scalars (`|`), where lines map one to one; for other styles
        the YAML folding hides the original lines, so the field's own position is returned.
        """
        line, col = self.locate(loc)
        if self.block.get(tuple(loc)):
            before = text[:offset]
            return (line + 1 + before.count("\n"), col)
        return (line, col)

    def problem(self, loc: Loc, message: str, *, key: bool = False, severity: str = "error") -> Problem:
        """Return a problem located at `loc` in this file."""
        line, col = self.locate(loc, key=key)
        return Problem(self.path, line, col, dotted(loc), message, severity)  # type: ignore[arg-type]


@dataclass
class YamlDocument:
    """The plain data of one YAML file and where each part of it stands."""

    data: Any
    positions: Positions


class _Unreadable:
    """Stands for a value that was reported and left out: no model field accepts it, so the
    model's complaint lands on that field (and is not repeated), not on what holds it."""

    def __repr__(self) -> str:
        return "<unreadable value>"


UNREADABLE = _Unreadable()


class _BadScalar(Exception):
    """A scalar that has no value a source can hold; the message says why."""


def _short(tag: Any) -> str:
    return str(tag).replace("tag:yaml.org,2002:", "!!")


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:37]) + "..."


def _reason(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "..."


class _Refused(Exception):
    def __init__(self, line: int, column: int, message: str) -> None:
        self.line, self.column, self.message = line, column, message


def _mark(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def read_yaml(
    path: Path, *, within: Path | None = None, kind: reading.Kind = reading.SOURCE
) -> tuple[YamlDocument | None, list[Problem]]:
    """Read `path`; return its document, or None and the problems that stopped it.

    The file is read by `briefgen.reading`'s rules: a regular file only, never a FIFO, device
    or socket, and, when `within` is given, only one that really lies inside that folder once
    symbolic links are resolved; the size limit holds for the bytes actually read.
    """

    try:
        raw = reading.read_file(path, kind, within=within)
    except reading.UnreadableFile as exc:
        return None, list(exc.problems)
    return parse_source(raw, path)


def parse_source(raw: bytes, path: Path) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse the bytes of a source file (UTF-8, a byte-order mark allowed) read from `path`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        message = f"file is not UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8"
        return None, [Problem(path, line, column, "", message)]
    if text.startswith("\ufeff"):
        text = text[1:]
    return parse_yaml(text, path)


def parse_yaml(text: str, path: Path) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse YAML text in one pass over its events; refuse what could blow up or run code.

    libyaml's parser (ruamel.yaml.clib) is used when installed: the same events and marks,
    twenty times faster than the pure-Python one, which remains the fallback.
    """
    yaml = YAML(typ="safe")
    positions = Positions(path)
    problems: list[Problem] = []
    try:
        data = _Builder(yaml, positions, problems).document(iter(yaml.parse(text)))
    except _Refused as exc:
        return None, [Problem(path, exc.line, exc.column, "", exc.message)]
    except MarkedYAMLError as exc:
        line, col = _mark(exc.problem_mark or exc.context_mark)
        message = " ".join(str(m) for m in (exc.context, exc.problem) if m) or "malformed YAML"
        return None, [Problem(path, line, col, "", f"malformed YAML: {message}")]
    except YAMLError as exc:  # ReaderError (control characters) and friends
        line, col = _reader_position(exc, text)
        return None, [Problem(path, line, col, "", f"malformed YAML: {_reader_message(exc)}")]
    if data is _EMPTY:
        return None, [Problem(path, 1, 1, "", "file is empty")]
    # a bad value or key is reported and left out; the rest of the file stays usable, so one
    # slip does not turn into a problem for everything that refers to the file
    return YamlDocument(data, positions), problems


_EMPTY = object()
_START = (MappingStartEvent, SequenceStartEvent)
_END = (MappingEndEvent, SequenceEndEvent)


class _Builder:
    """Turn parser events into plain data with positions; refuse anchors, aliases and depth."""

    def __init__(self, yaml: YAML, positions: Positions, problems: list[Problem]) -> None:
        self.yaml = yaml
        self.positions = positions
        self.problems = problems

    def document(self, events: Iterator[Any]) -> Any:
        next(events)  # StreamStartEvent
        first = next(events)
        if isinstance(first, StreamEndEvent):
            return _EMPTY
        data = self.node(next(events), events, (), 0)
        next(events)  # DocumentEndEvent
        after = next(events)
        if isinstance(after, DocumentStartEvent):
            raise _Refused(*_mark(after.start_mark), "a source file holds one YAML document, not several")
        return data

    def node(self, event: Any, events: Iterator[Any], loc: Loc, depth: int) -> Any:
        if isinstance(event, AliasEvent):
            raise _Refused(*_mark(event.start_mark), "YAML aliases (*name) are not allowed in sources")
        if event.anchor:
            raise _Refused(*_mark(event.start_mark), "YAML anchors (&name) are not allowed in sources")
        line, col = _mark(event.start_mark)
        self.positions.values[loc] = (line, col)
        if isinstance(event, _START) and depth + 1 > MAX_DEPTH:
            raise _Refused(line, col, f"nesting deeper than {MAX_DEPTH} levels")
        tag = event.ctag
        if tag is not None and str(tag) != "!" and str(tag) not in _STANDARD_TAGS:
            self.problems.append(
                Problem(
                    self.positions.path,
                    line,
                    col,
                    dotted(loc),
                    f"YAML tag {_short(tag)} is not allowed; only !!str, !!int, !!float, !!bool and !!null are",
                )
            )
            self._skip(event, events)
            return UNREADABLE
        if isinstance(event, MappingStartEvent):
            return self.mapping(events, loc, depth + 1)
        if isinstance(event, SequenceStartEvent):
            items: list[Any] = []
            while not isinstance(child := next(events), SequenceEndEvent):
                items.append(self.node(child, events, (*loc, len(items)), depth + 1))
            return items
        return self.scalar(event, loc, line, col)

    def mapping(self, events: Iterator[Any], loc: Loc, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while not isinstance(key_event := next(events), MappingEndEvent):
            if not isinstance(key_event, ScalarEvent) or key_event.anchor:
                line, col = _mark(key_event.start_mark)
                self.problems.append(
                    Problem(self.positions.path, line, col, dotted(loc), "a key must be plain text")
                )
                self._skip(key_event, events)
                self._skip(next(events), events)
                continue
            key = self._key(key_event)
            child = (*loc, key)
            if key in result:
                line, col = _mark(key_event.start_mark)
                self.problems.append(Problem(self.positions.path, line, col, dotted(child), "duplicate key"))
                self._skip(next(events), events)
                continue
            self.positions.keys[child] = _mark(key_event.start_mark)
            result[key] = self.node(next(events), events, child, depth)
        return result

    def _key(self, event: Any) -> str:
        try:
            value = self._construct(event)
        except _BadScalar:
            return str(event.value)  # a key is a name; `2021-02-30:` names something all the same
        if isinstance(value, bool) or value is None:
            return str(event.value)  # `yes:` or `null:` as a key is meant as text
        return value if isinstance(value, str) else str(value)

    def _construct(self, event: Any) -> Any:
        """Return the value of a scalar, or raise _BadScalar saying why it has none."""
        text = event.value
        tag = event.ctag
        if tag is None or str(tag) == "!":
            tag = self.yaml.resolver.resolve(ScalarNode, text, event.implicit)
        elif str(tag) in _SCALAR_KINDS:  # a standard tag must say what the text is untagged
            plain = self.yaml.resolver.resolve(ScalarNode, text, (True, False))
            if str(plain) != str(tag):
                raise _BadScalar(
                    f"{_shown(text)} is not {_SCALAR_KINDS[str(tag)]}, as its tag {_short(tag)} says"
                )
        if str(tag) == "tag:yaml.org,2002:int" and len(text.lstrip("+-0").replace("_", "")) > 18:
            raise _BadScalar(f"{_shown(text)} is too large; numbers must lie within ±10^15")
        node = ScalarNode(tag, text, event.start_mark, event.end_mark, style=event.style)
        try:
            value = self.yaml.constructor.construct_object(node)
        except (ValueError, KeyError, TypeError, ArithmeticError, YAMLError) as exc:
            if str(tag) == _TIMESTAMP:
                raise _BadScalar(
                    f"{_shown(text)} is not a real date ({_reason(exc)}); write a date as YYYY-MM-DD"
                ) from None
            raise _BadScalar(f"cannot read the value {_shown(text)}: {_reason(exc)}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise _BadScalar(f"{_shown(text)} is not a finite number; write a number, or quote it as text")
        if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= MAX_NUMBER:
            raise _BadScalar(f"{_shown(text)} is too large; numbers must lie within ±10^15")
        return value

    def scalar(self, event: Any, loc: Loc, line: int, col: int) -> Any:
        try:
            value = self._construct(event)
        except _BadScalar as exc:
            self.problems.append(Problem(self.positions.path, line, col, dotted(loc), str(exc)))
            return UNREADABLE
        if isinstance(value, str):
            self.positions.block[loc] = event.style == "|"
            bad = UNPRINTABLE.search(value)
            if bad:
                message = f"control character U+{ord(bad.group()):04X} is not allowed in text"
                self.problems.append(Problem(self.positions.path, line, col, dotted(loc), message))
            turned = DIRECTION_CONTROLS.search(value)
            if turned:
                message = (
                    f"direction control {control_named(turned.group())} is not allowed in text: it "
                    "reorders what a reader sees, and briefgen's documents are laid out left to right"
                )
                self.problems.append(Problem(self.positions.path, line, col, dotted(loc), message))
        return value

    def _skip(self, event: Any, events: Iterator[Any]) -> None:
        """Consume the rest of a node whose first event was already read; refuse aliases in it."""
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(*_mark(event.start_mark), "YAML anchors and aliases are not allowed in sources")
        depth = 1 if isinstance(event, _START) else 0
        while depth:
            inner = next(events)
            if isinstance(inner, AliasEvent) or getattr(inner, "anchor", None):
                raise _Refused(
                    *_mark(inner.start_mark), "YAML anchors and aliases are not allowed in sources"
                )
            depth += 1 if isinstance(inner, _START) else -1 if isinstance(inner, _END) else 0


def _reader_position(exc: YAMLError, text: str) -> tuple[int, int]:
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        before = text[:position]
        return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1
    return (1, 1)


def _reader_message(exc: YAMLError) -> str:
    character = getattr(exc, "character", None)
    if isinstance(character, int):
        return f"control character U+{character:04X} is not allowed"
    if isinstance(character, str) and character:
        return f"control character U+{ord(character):04X} is not allowed"
    return str(exc).splitlines()[0]

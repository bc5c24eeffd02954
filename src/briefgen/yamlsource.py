"""Read one YAML source file safely, keeping the line and column of every node.

The file is refused before it is parsed when it is too large or not UTF-8; anchors, aliases,
explicit tags, duplicate keys and deep nesting are refused while it is parsed, so a crafted file
can neither expand beyond its size nor run code. What comes out is plain Python data and a
`Positions` index that maps every field path to where it stands in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingEndEvent,
    NodeEvent,
    SequenceEndEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from briefgen.errors import Problem

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
# Characters that XML 1.0 forbids; they would make a DOCX unreadable.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}

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


class _Refused(Exception):
    def __init__(self, line: int, column: int, message: str) -> None:
        self.line, self.column, self.message = line, column, message


def _mark(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def read_yaml(path: Path) -> tuple[YamlDocument | None, list[Problem]]:
    """Read `path`; return its document, or None and the problems that stopped it."""

    def fail(line: int, column: int, message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(path, line, column, "", message)]

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return fail(1, 1, f"file is {size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB")
        raw = path.read_bytes()
    except OSError as exc:
        return fail(1, 1, f"cannot read file: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return fail(line, column, f"file is not UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    return parse_yaml(text, path)


def parse_yaml(text: str, path: Path) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse YAML text; refuse what could blow up or run code; keep positions."""
    yaml = YAML(typ="safe", pure=True)
    try:
        _screen_events(yaml.parse(text))
        node = yaml.compose(text)
    except _Refused as exc:
        return None, [Problem(path, exc.line, exc.column, "", exc.message)]
    except MarkedYAMLError as exc:
        line, col = _mark(exc.problem_mark or exc.context_mark)
        message = " ".join(str(m) for m in (exc.context, exc.problem) if m) or "malformed YAML"
        return None, [Problem(path, line, col, "", f"malformed YAML: {message}")]
    except YAMLError as exc:  # ReaderError (control characters) and friends
        line, col = _reader_position(exc, text)
        return None, [Problem(path, line, col, "", f"malformed YAML: {_reader_message(exc)}")]
    if node is None:
        return None, [Problem(path, 1, 1, "", "file is empty")]
    positions = Positions(path)
    problems: list[Problem] = []
    data = _to_python(node, (), positions, problems, yaml)
    return (YamlDocument(data, positions) if not problems else None), problems


def _screen_events(events: Iterator[Any]) -> None:
    depth = 0
    documents = 0
    for event in events:
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _Refused(*_mark(event.start_mark), "a source file holds one YAML document, not several")
        if isinstance(event, AliasEvent):
            raise _Refused(*_mark(event.start_mark), "YAML aliases (*name) are not allowed in sources")
        if isinstance(event, NodeEvent) and event.anchor:
            raise _Refused(*_mark(event.start_mark), "YAML anchors (&name) are not allowed in sources")
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(*_mark(event.start_mark), f"nesting deeper than {MAX_DEPTH} levels")
        elif isinstance(event, (SequenceEndEvent, MappingEndEvent)):
            depth -= 1


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


def _to_python(node: Node, loc: Loc, positions: Positions, problems: list[Problem], yaml: YAML) -> Any:
    line, col = _mark(node.start_mark)
    positions.values[loc] = (line, col)
    if node.tag not in _STANDARD_TAGS:
        problems.append(
            Problem(positions.path, line, col, dotted(loc), f"YAML tag {node.tag} is not allowed")
        )
        return None
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                problems.append(
                    Problem(
                        positions.path,
                        *_mark(key_node.start_mark),
                        dotted(loc),
                        "a key must be plain text",
                    )
                )
                continue
            key = yaml.constructor.construct_object(key_node)
            if isinstance(key, bool) or key is None:
                key = key_node.value  # `yes:` or `null:` as a key is meant as text
            key = str(key) if not isinstance(key, str) else key
            child = (*loc, key)
            if key in result:
                problems.append(
                    Problem(positions.path, *_mark(key_node.start_mark), dotted(child), "duplicate key")
                )
                continue
            positions.keys[child] = _mark(key_node.start_mark)
            result[key] = _to_python(value_node, child, positions, problems, yaml)
        return result
    if isinstance(node, SequenceNode):
        return [_to_python(item, (*loc, i), positions, problems, yaml) for i, item in enumerate(node.value)]
    value = yaml.constructor.construct_object(node)
    if isinstance(value, str):
        positions.block[loc] = getattr(node, "style", None) == "|"
        bad = XML_FORBIDDEN.search(value)
        if bad:
            problems.append(
                Problem(
                    positions.path,
                    line,
                    col,
                    dotted(loc),
                    f"control character U+{ord(bad.group()):04X} is not allowed in text",
                )
            )
    return value

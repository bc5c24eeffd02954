"""The PDF's structure tree, finished where WeasyPrint leaves it short of PDF/UA-1.

WeasyPrint tags a brief from its HTML. What it leaves undone is done by `finish`, WeasyPrint's
`finisher` hook, on the PDF's objects before they are written: no second pass over the file,
and the same brief still gives the same bytes.

- **Table headers say what they head.** A `<th>` becomes /TH with an /ID, and each /TD names
  its headers in /Headers (WeasyPrint reads `scope` to tell row headers from column headers),
  but no /TH gets the /Scope attribute (ISO 14289-1 7.5; checkers such as pdfua's UA-15-003 and
  screen readers look for it), and the tree has no /IDTree, which ISO 32000-1 (14.7.2, table
  322) requires once elements have IDs: without it, /Headers name cells nobody can look up.
  A /TH that a cell of its own row names is a row header (/Scope /Row), any other a column
  header (/Scope /Column); the tree gets the /IDTree of every /ID.
- **Page furniture is an artifact.** The running header and footer (the page's margin boxes)
  are marked content whose elements WeasyPrint keeps out of the tree (WeasyPrint#1836), so they
  are neither structure nor artifact (ISO 14289-1 7.1, veraPDF's 7.1-3). So is what the HTML
  hides from assistive technology (`aria-hidden="true"`: the draft mark across each page, the
  dots between the items of a line), which WeasyPrint otherwise tags like the text
  (WeasyPrint#2550); `engine` keeps such elements out of the tree (`hidden_from_tree`). Every
  piece of marked content whose element is not in the tree is made an artifact here: its
  `/Span <</MCID n>> BDC` becomes `/Artifact <</Type /Pagination>> BDC` and the parent tree
  forgets it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

PAGINATION = "Pagination"
"""The artifact type of running heads, page numbers and watermarks (ISO 32000-1, 14.8.2.2)."""


def finish(document: Any, pdf: Any) -> None:
    """Complete the structure tree of `pdf` (a `pydyf.PDF` WeasyPrint is about to write)."""
    del document  # the hook's first argument; everything needed is in the PDF's objects
    objects = pdf.objects
    root = _deref(objects, pdf.catalog.get("StructTreeRoot"))
    if root is None:
        return
    _scope_table_headers(objects, root)
    _furniture_as_artifacts(objects, root)


def _deref(objects: list[Any], reference: Any) -> Any:
    """Return the object a reference (`b"12 0 R"`) names, or None."""
    if not isinstance(reference, bytes) or not reference.endswith(b" R"):
        return None
    number = int(reference.split()[0])
    return objects[number] if 0 < number < len(objects) else None


def _elements(objects: list[Any]) -> Iterator[Any]:
    for obj in objects:
        if isinstance(obj, dict) and obj.get("Type") == "/StructElem":
            yield obj


def _scope_table_headers(objects: list[Any], root: Any) -> None:
    import pydyf

    headers = {}
    for element in _elements(objects):
        if element.get("S") == "/TH" and "ID" in element:
            headers[str(element["ID"].string)] = element
    if not headers:
        return
    row_headers = set()
    for cell in _elements(objects):
        if cell.get("S") != "/TD" or not isinstance(cell.get("A"), dict):
            continue
        for name in cell["A"].get("Headers", ()):
            key = str(getattr(name, "string", name))
            header = headers.get(key)
            if header is not None and header.get("P") == cell.get("P"):
                row_headers.add(key)
    for key, header in headers.items():
        attributes = header.get("A")
        if not isinstance(attributes, dict):
            attributes = header["A"] = pydyf.Dictionary({"O": "/Table"})
        attributes["Scope"] = "/Row" if key in row_headers else "/Column"
    names = pydyf.Array()
    for key in sorted(headers, key=lambda k: k.encode("utf-8")):  # a name tree is sorted by bytes
        names.extend((pydyf.String(key), headers[key].reference))
    root["IDTree"] = pydyf.Dictionary({"Names": names})


def _furniture_as_artifacts(objects: list[Any], root: Any) -> None:
    """Make an artifact of every piece of marked content whose element is not in the tree."""
    parent_tree = _deref(objects, root.get("ParentTree"))
    if parent_tree is None:
        return
    in_tree = _reachable(objects, root)
    streams: dict[int, list[Any]] | None = None
    for entry in parent_tree.get("Nums", ())[1::2]:
        if not isinstance(entry, list):
            continue  # an annotation's entry: one element, not a page's marked content
        left_out: dict[int, Any] = {}
        for mcid, reference in enumerate(entry):
            if isinstance(reference, bytes) and reference not in in_tree:
                left_out[mcid] = _deref(objects, reference)
                entry[mcid] = "null"
        pages = {id(page): page for e in left_out.values() if (page := _deref(objects, e.get("Pg")))}
        if pages and streams is None:
            streams = _streams_by_register(objects)
        for page in pages.values():
            for stream in _content_streams(objects, page, streams or {}):
                _mark_as_artifacts(stream, set(left_out))


def _reachable(objects: list[Any], root: Any) -> set[bytes]:
    """Return the references of every structure element reachable from the root."""
    seen: set[bytes] = set()
    todo = list(_kids(root))
    while todo:
        reference = todo.pop()
        if reference in seen:
            continue
        element = _deref(objects, reference)
        if not isinstance(element, dict) or element.get("Type") != "/StructElem":
            continue
        seen.add(reference)
        todo.extend(_kids(element))
    return seen


def _kids(node: Any) -> Iterator[bytes]:
    kids = node.get("K")
    for kid in kids if isinstance(kids, list) else [kids]:
        if isinstance(kid, bytes):
            yield kid


def _streams_by_register(objects: list[Any]) -> dict[int, list[Any]]:
    """Return the content streams by the register of marked content they count in.

    WeasyPrint draws a group (opacity, a clip) in a stream of its own that keeps counting the
    page's MCIDs in the page's register; the resources are every page's, so that register, not
    the resources, says which groups are a page's.
    """
    registers: dict[int, list[Any]] = {}
    for obj in objects:
        register = getattr(obj, "_tags", None)
        if register is not None:
            registers.setdefault(id(register), []).append(obj)
    return registers


def _content_streams(objects: list[Any], page: Any, registers: dict[int, list[Any]]) -> list[Any]:
    """Return the page's content streams and the groups drawn from them (which share its MCIDs)."""
    contents = page.get("Contents")
    references = contents if isinstance(contents, list) else [contents]
    streams = [s for s in (_deref(objects, r) for r in references) if hasattr(s, "stream")]
    groups = [g for s in streams for g in registers.get(id(getattr(s, "_tags", None)), ())]
    return streams + [g for g in groups if all(g is not s for s in streams)]


def _mark_as_artifacts(stream: Any, mcids: set[int]) -> None:
    """Turn the marked-content sequences of `mcids` in `stream` into pagination artifacts."""
    items = stream.stream
    at = 0
    while True:
        try:  # list.index compares in C: a page's stream holds thousands of items
            at = items.index(b"BDC", at + 1)
        except ValueError:
            return
        properties = items[at - 1]
        if isinstance(properties, dict) and properties.get("MCID") in mcids:
            items[at - 2] = "/Artifact"
            properties.clear()
            properties["Type"] = "/" + PAGINATION

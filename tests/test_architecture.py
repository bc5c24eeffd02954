"""The shape of the house: one outline for every format, light workers, no import circle, one
error policy. Each test would fail if a second owner of a concern crept back in."""

from __future__ import annotations

import ast
import io
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.document import outline as outline_module
from briefgen.document.model import TailoredBrief
from briefgen.render import renderer_for
from briefgen.render.redline import redline
from briefgen.sources.frozen import load_working
from briefgen.tailoring import tailor
from conftest import ANDES, REPO, replace_in

SRC = REPO / "src" / "briefgen"
runner = CliRunner()


@pytest.fixture
def peru() -> TailoredBrief:
    return tailor(load_working(ANDES), "PE")


def _references_first(monkeypatch: pytest.MonkeyPatch) -> None:
    order = list(outline_module.READING_ORDER)
    order.remove("references")
    order.insert(order.index("summary"), "references")
    monkeypatch.setattr(outline_module, "READING_ORDER", tuple(order))


def _docx_headings(data: bytes) -> list[str]:
    doc = Document(io.BytesIO(data))
    return [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]


@pytest.mark.slow
def test_moving_a_part_in_the_outline_moves_it_in_the_docx_the_html_the_pdf_and_the_redline(
    peru: TailoredBrief, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def positions() -> dict[str, bool]:
        """For each format: does "References" come before "Executive summary"?"""
        docx = _docx_headings(renderer_for("docx").render(peru))
        html = renderer_for("html").render(peru).decode()
        pdf = tmp_path / "peru.pdf"
        pdf.write_bytes(renderer_for("pdf").render(peru))
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        red = _docx_headings(redline(peru, peru, author="Test"))
        return {
            "docx": docx.index("References") < docx.index("Executive summary"),
            "html": html.index('id="references"') < html.index('id="summary"'),
            "pdf": text.index("References") < text.index("Executive summary"),
            "redline": red.index("References") < red.index("Executive summary"),
        }

    assert positions() == {"docx": False, "html": False, "pdf": False, "redline": False}
    _references_first(monkeypatch)
    assert positions() == {"docx": True, "html": True, "pdf": True, "redline": True}


def _as_a_worker(brief: TailoredBrief, tmp_path: Path, code: str) -> str:
    """Run `code` in a new process that has `brief` (unpickled, as a worker gets it); return its output."""
    pickled = tmp_path / "brief.pickle"
    pickled.write_bytes(pickle.dumps(brief))
    prelude = f"import pickle, sys\nbrief = pickle.loads(open({str(pickled)!r}, 'rb').read())\n"
    result = subprocess.run(
        [sys.executable, "-c", prelude + code], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_a_renderer_worker_imports_neither_the_loader_nor_pydantic(
    peru: TailoredBrief, tmp_path: Path
) -> None:
    code = (
        "from briefgen.render import renderer_for\n"
        "for fmt in ('docx', 'html', 'pdf'):\n"
        "    assert renderer_for(fmt).render(brief)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'"
        " or m.startswith(('briefgen.sources', 'briefgen.models', 'briefgen.tailoring'))))\n"
    )
    assert _as_a_worker(peru, tmp_path, code) == "[]"


def test_a_worker_forked_from_the_warm_server_compiles_no_template(
    peru: TailoredBrief, tmp_path: Path
) -> None:
    """The fork server (`render.warm`) compiles the page's templates once; a worker's first PDF
    compiles none (each worker used to spend 0.03 s on it)."""
    code = (
        "import briefgen.render.warm\n"
        "from briefgen.render import renderer_for\n"
        "env = renderer_for('pdf').html.env\n"
        "compiled, compile = [], env.compile\n"
        "env.compile = lambda source, name=None, *rest, **named: (compiled.append(name), "
        "compile(source, name, *rest, **named))[1]\n"
        "assert renderer_for('pdf').render(brief).startswith(b'%PDF')\n"
        "print(compiled)\n"
    )
    assert _as_a_worker(peru, tmp_path, code) == "[]"


def _imports_of(path: Path) -> set[str]:
    """Every briefgen module `path` imports, at the top, inside functions or for type checking."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("briefgen"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("briefgen"))
    return found


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.unit
def test_no_module_of_the_package_imports_itself_through_a_circle() -> None:
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}
    graph = {
        name: {m for m in _imports_of(path) if m in modules and m != name} for name, path in modules.items()
    }

    def circle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        seen: set[str] = set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    return [*trail, start]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*trail, nxt]))
        return None

    circles = [c for c in (circle_from(m) for m in sorted(graph)) if c]
    assert circles == []


LAYERS: tuple[str, ...] = (
    "version",
    "errors",
    "formats",
    "canonical",
    "atomic",
    "reading",
    "models",
    "document",
    "sources",
    "tailoring",
    "render",
    "translation",
    "editions",
    "validate",
    "briefgen",  # the public API (`load_brief`, `tailor`), for code outside the package and the preview
    "build",
    "distribution",
    "review",
    "preview",
    "scaffold",
    "cli",
    "command",
    "__main__",
)
"""Every package (and module at the top of `briefgen/`), lowest first: each imports only what
stands before it. docs/architecture.md says the same; the tests below keep the two true."""


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "briefgen"


def _package_imports() -> dict[tuple[str, str], set[str]]:
    """Every import from one package into another, at the top or inside functions: why, by edge."""
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}
    edges: dict[tuple[str, str], set[str]] = {}
    for name, path in modules.items():
        for target in _imports_of(path):
            if target in modules and _package(target) != _package(name):
                edges.setdefault((_package(name), _package(target)), set()).add(f"{name} -> {target}")
    return edges


def _circles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """Return the strongly connected groups of more than one package (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.unit
def test_the_circle_finder_finds_a_circle_of_three_packages() -> None:
    assert _circles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [["a", "b", "c"]]
    assert _circles({("a", "b"), ("b", "c")}) == []


@pytest.mark.unit
def test_no_package_imports_another_that_imports_it_back_even_inside_a_function() -> None:
    edges = _package_imports()
    circles = _circles(set(edges))
    why = {
        tuple(group): sorted(w for (a, b), ws in edges.items() if a in group and b in group for w in ws)
        for group in circles
    }
    assert circles == [], why


@pytest.mark.unit
def test_every_package_imports_only_the_layers_below_it() -> None:
    rank = {name: i for i, name in enumerate(LAYERS)}
    edges = _package_imports()
    assert set(rank) >= {a for a, _ in edges} | {b for _, b in edges}, "a package missing from LAYERS"
    upward = sorted(w for (a, b), ws in edges.items() if rank[b] >= rank[a] for w in ws)
    assert upward == []


@pytest.mark.unit
def test_the_layers_are_written_down_in_the_architecture_doc() -> None:
    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    listed = re.search(r"<!-- layers -->\n```\n(.*?)```", doc, re.DOTALL)
    assert listed is not None, (
        "docs/architecture.md lists the layers between <!-- layers --> and a code block"
    )
    written = [
        w.strip(" ,") for line in listed.group(1).splitlines() for w in line.split("<") if w.strip(" ,")
    ]
    assert tuple(written) == LAYERS


@pytest.mark.unit
def test_every_exception_class_lives_in_errors_under_one_base() -> None:
    defined = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                re.search(r"(Error|Exception)$", ast.unparse(b)) for b in node.bases
            ):
                defined.append((path.relative_to(SRC).as_posix(), node.name))
    elsewhere = [(f, n) for f, n in defined if f != "errors.py" and not n.startswith("_")]
    # the URL fetcher's refusal is WeasyPrint's business: it must be a ValueError to be reported there
    assert elsewhere == [("render/fetcher.py", "FetchRefused")]


# --- one error policy: the same bad input, the same exit status, from every command ---------------


@pytest.fixture
def broken(andes: Path) -> Path:
    replace_in(andes / "brief.yaml", "title:", "title: [unclosed\ntitlex:")
    return andes


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    unexpected = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not unexpected, f"{args}: {result.exception!r}"
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["build", "--format", "html"],
        ["explain", "--country", "PE"],
        ["release"],
        ["diff", "--from", "working"],
    ],
    ids=lambda c: c[0],
)
def test_broken_sources_exit_1_from_every_command(broken: Path, command: list[str]) -> None:
    code, output = _run(command[0], str(broken), *command[1:])
    assert code == 1
    assert "brief.yaml:" in output


@pytest.mark.parametrize(
    "command",
    [
        ["build", "--format", "html", "--country", "XX"],
        ["explain", "--country", "XX"],
        ["build", "--format", "html", "--scenario", "nope"],
        ["explain", "--country", "PE", "--scenario", "nope"],
        ["build", "--format", "html", "--edition", "99"],
        ["diff", "--from", "99"],
        ["distribute", "--edition", "99", "--dry-run"],
        ["build", "--format", "odt"],
        ["diff", "--from", "one"],
    ],
    ids=lambda c: "-".join(c),
)
def test_asking_for_what_the_sources_do_not_have_exits_2_from_every_command(
    andes: Path, tmp_path: Path, command: list[str]
) -> None:
    extra = ["--out", str(tmp_path)] if command[0] == "build" else []
    if command[0] == "distribute":
        from briefgen.editions.release import release

        release(andes)
    code, output = _run(command[0], str(andes), *command[1:], *extra)
    assert code == 2, output
    assert "Traceback" not in output


# --- one reader: every file briefgen opens is read by briefgen.reading's rules ----------------------

_READS = {"read_bytes", "read_text", "open"}
_READ_ALLOWED = {
    # package data: files briefgen ships, never the user's
    ("document/words.py", "catalog"): "the fixed words' catalogs (package data)",
    ("scaffold.py", "_walk"): "the starter files of `init` (package data)",
    ("scaffold.py", "_template"): "the starter file of `new` (package data)",
    ("preview/app.py", "static"): "the preview's own scripts and styles (package data)",
    ("review/report.py", "report_css"): "the review report's stylesheet (package data)",
    # not reading a file: locks, writes, a browser, PDFs already in memory
    ("atomic.py", "create_exclusive"): "creates a new file to write, exclusively",
    ("atomic.py", "locked"): "a lock file (flock, O_NOFOLLOW), never read",
    ("atomic.py", "held"): "asks whether a lock file is held (flock), never reads it",
    ("errors.py", "exit_status"): "/dev/null as standard output once the reader of a pipe has gone",
    ("preview/server.py", "serve"): "opens the preview in the browser",
    ("render/stamp.py", "page_size"): "a PDF in memory (BytesIO)",
    ("render/stamp.py", "__init__"): "a PDF in memory (BytesIO)",
    ("distribution/copies.py", "prepare_batch"): "a PDF in memory (BytesIO)",
}


def _reads_outside_the_reader() -> dict[tuple[str, str], list[str]]:
    """Return every read_bytes/read_text/open call outside reading.py, by (file, innermost function)."""
    found: dict[tuple[str, str], list[str]] = {}

    class Reads(ast.NodeVisitor):
        def __init__(self, where: str) -> None:
            self.where, self.function = where, "<module>"

        def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
            outer, self.function = self.function, node.name
            self.generic_visit(node)
            self.function = outer

        visit_AsyncFunctionDef = visit_FunctionDef

        def visit_Call(self, node: ast.Call) -> None:
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else func.id
                if isinstance(func, ast.Name)
                else ""
            )
            through_reader = isinstance(func, ast.Attribute) and ast.unparse(func.value) == "reading"
            if name in _READS and not through_reader:
                found.setdefault((self.where, self.function), []).append(
                    f"{self.where}:{node.lineno}: {ast.unparse(node)[:80]}"
                )
            self.generic_visit(node)

    for path in sorted(SRC.rglob("*.py")):
        where = path.relative_to(SRC).as_posix()
        if where != "reading.py":
            Reads(where).visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


@pytest.mark.unit
def test_every_file_briefgen_reads_goes_through_the_one_reader() -> None:
    """A read_bytes, read_text or open() outside briefgen/reading.py is a read without its rules
    (regular files only, inside the project, bounded): only package data and non-reads may."""
    found = _reads_outside_the_reader()
    offenders = [line for key, lines in sorted(found.items()) if key not in _READ_ALLOWED for line in lines]
    assert offenders == [], "read these through briefgen.reading:\n" + "\n".join(offenders)
    stale = sorted(key for key in _READ_ALLOWED if key not in found)
    assert stale == [], f"allowed but no longer there (drop them from the list): {stale}"

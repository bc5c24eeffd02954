"""A brief's data can never make the PDF read a local file or reach the network.

Two walls: the HTML renderer escapes every text, so markup in the data stays text; and the PDF
renderer's URL fetcher serves only the project's own template assets, whatever asks.
"""

from __future__ import annotations

import builtins
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from briefgen.render import templates_dir
from briefgen.render.fetcher import FetchRefused, SafeFetcher
from briefgen.render.pdf import PdfRenderer
from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor
from conftest import replace_in

CANARY_TEXT = "CANARY-5e1f0c9d-never-print-me"


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """A copy of the templates folder, next to a file that must stay out of reach."""
    copy = tmp_path / "templates"
    shutil.copytree(templates_dir(), copy, ignore=shutil.ignore_patterns("*.docx"))
    (tmp_path / "secret.css").write_text("body { color: red }", encoding="utf-8")
    return copy


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    path = tmp_path / "canary.txt"
    path.write_text(CANARY_TEXT, encoding="utf-8")
    return path


@dataclass
class Tripwires:
    """What the process tried to do while a document was rendered."""

    connects: list[Any] = field(default_factory=list)
    lookups: list[Any] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)


@pytest.fixture
def tripwires(monkeypatch: pytest.MonkeyPatch, canary: Path) -> Iterator[Tripwires]:
    """Record (and refuse) every connection and name lookup; record every open of the canary."""
    seen = Tripwires()

    def connect(self: socket.socket, address: Any) -> None:
        seen.connects.append(address)
        raise OSError("network access during a test")

    def connect_ex(self: socket.socket, address: Any) -> int:
        seen.connects.append(address)
        return 111

    def getaddrinfo(*args: Any, **kwargs: Any) -> Any:
        seen.lookups.append(args)
        raise OSError("name lookup during a test")

    real_open, real_os_open = builtins.open, os.open

    def spy_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if "canary" in str(file):
            seen.opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_os_open(path: Any, *args: Any, **kwargs: Any) -> int:
        if "canary" in str(path):
            seen.opened.append(str(path))
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    yield seen


def squeezed(text: str) -> str:
    return "".join(text.split())


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


# ---------- the fetcher ----------


@pytest.mark.unit
def test_the_fetcher_serves_the_stylesheet_and_images_of_the_templates(templates: Path) -> None:
    fetcher = SafeFetcher(templates)
    response = fetcher.fetch((templates / "print.css").as_uri())
    assert response.read() == (templates / "print.css").read_bytes()
    assert response.content_type == "text/css"
    image = fetcher.fetch((templates / "footnote-rule.svg").as_uri())
    assert image.content_type == "image/svg+xml"
    assert fetcher.refused == []
    assert len(fetcher.served) == 2


@pytest.mark.unit
@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://{templates}/../secret.css",
        "file://{templates}/%2e%2e/secret.css",
        "file://{templates}/partials/../../secret.css",
        "file://{templates}/link-out.css",
        "file://{templates}/base.html",
        "file://{templates}/missing.css",
        "file://evil.example/{templates}/print.css",
        "http://example.invalid/x.css",
        "https://example.invalid/x.css",
        "ftp://example.invalid/x.css",
        "print.css",
        "data:text/css," + "a" * 20_000,
    ],
)
def test_the_fetcher_refuses_everything_else(templates: Path, url: str, tripwires: Tripwires) -> None:
    (templates / "link-out.css").symlink_to(templates.parent / "secret.css")
    fetcher = SafeFetcher(templates)
    url = url.format(templates=str(templates).lstrip("/"))
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert fetcher.served == []
    assert tripwires.connects == [] and tripwires.lookups == []


@pytest.mark.unit
def test_the_fetcher_serves_a_small_data_url(templates: Path) -> None:
    fetcher = SafeFetcher(templates)
    assert fetcher.fetch("data:text/plain;base64,aGVsbG8=").read() == b"hello"
    assert fetcher.fetch("data:,a%20b").read() == b"a b"


# ---------- markup in the data ----------


def inject(andes: Path, canary: Path) -> dict[str, str]:
    """Put hostile markup into text fields of the fixture brief; return what was typed."""
    url = canary.as_uri()
    typed = {
        "img": f'<img src="{url}">',
        "attachment": f'<link rel=attachment href="{url}">',
        "import": "<style>@import url(http://example.invalid/x.css)</style>",
        "template": "{{ 7*7 }}",
        "pixel": "<img src='https://example.invalid/pixel.png'>",
    }
    # inline, inside a sentence: markup that opens a line is an HTML block, and an image in
    # Markdown is refused by validation before anything is rendered (tests/test_editorial.py)
    brief = andes / "brief.yaml"
    replace_in(
        brief,
        "  Andean glaciers are shrinking",
        f"  Note {typed['img']} {typed['attachment']}\n\n  Andean glaciers are shrinking",
    )
    replace_in(
        brief,
        "body: Droughts follow El Niño years.",
        f'body: "Note {typed["import"]} Droughts follow El Niño years."',
    )
    replace_in(
        andes / "recommendations" / "protect-glacier-basins.yaml",
        "title: Protect glacier-fed basins",
        f"title: '{typed['template']} Protect glacier-fed basins'",
    )
    replace_in(
        andes.parent / "countries" / "PE.yaml",
        "  - Lima depends on",
        f'  - "Note {typed["pixel"]}"\n  - Lima depends on',
    )
    return typed


@pytest.mark.slow
def test_hostile_markup_in_the_data_is_printed_and_nothing_is_fetched(
    andes: Path, canary: Path, tripwires: Tripwires, tmp_path: Path
) -> None:
    typed = inject(andes, canary)
    brief = tailor(load_sources(andes), "PE")
    renderer = PdfRenderer()
    renderer.html.render(brief)  # the HTML file too
    pdf = renderer.render(brief)

    assert tripwires.connects == []
    assert tripwires.lookups == []
    assert tripwires.opened == []
    asked = renderer.fetcher.served + renderer.fetcher.refused
    assert [u for u in asked if "canary" in u or "example.invalid" in u] == []
    assert all(u.startswith(templates_dir().as_uri() + "/") for u in renderer.fetcher.served)

    text = pdf_text(pdf, tmp_path)
    for markup in typed.values():
        assert squeezed(markup) in squeezed(text)
    assert ">49<" not in text and "49 Protect" not in text
    assert CANARY_TEXT.encode() not in pdf
    assert CANARY_TEXT not in text
    reader = PdfReader(tmp_path / "out.pdf")
    assert reader.attachments == {}
    assert (
        "/Names" not in reader.trailer["/Root"] or "/EmbeddedFiles" not in reader.trailer["/Root"]["/Names"]
    )


@pytest.mark.unit
def test_hostile_markup_stays_text_in_the_html(andes: Path, canary: Path) -> None:
    from briefgen.render.html import HtmlRenderer

    inject(andes, canary)
    html = HtmlRenderer().render(tailor(load_sources(andes), "PE")).decode()
    assert f"&lt;img src=&#34;{canary.as_uri()}&#34;&gt;" in html
    assert "&lt;link rel=attachment href=" in html
    assert "&lt;style&gt;@import url(http://example.invalid/x.css)&lt;/style&gt;" in html
    assert "{{ 7*7 }} Protect glacier-fed basins" in html
    assert "<img" not in html and "<link" not in html and 'src="' not in html


# ---------- the second wall: even the templates cannot reach out ----------


@pytest.mark.slow
def test_a_template_that_points_outside_is_refused_by_the_fetcher(
    andes: Path, canary: Path, templates: Path, tripwires: Tripwires, tmp_path: Path
) -> None:
    url = canary.as_uri()
    css = templates / "print.css"
    css.write_text(
        '@import url("http://example.invalid/evil.css");\n'
        + css.read_text(encoding="utf-8")
        + f'\n.summary {{ background: url("{url}"); }}\n'
        + '.profile { background: url("../secret.css"); }\n'
        + '.analysis { background: url("https://example.invalid/track.png"); }\n',
        encoding="utf-8",
    )
    replace_in(
        templates / "base.html",
        '<meta charset="utf-8">',
        f'<meta charset="utf-8">\n<link rel="attachment" href="{url}">\n'
        '<link rel="stylesheet" href="http://example.invalid/remote.css">',
    )
    replace_in(
        templates / "partials" / "summary.html",
        "{{ brief.summary | rich }}",
        f'{{{{ brief.summary | rich }}}}<img src="{url}" alt=""><img src="../secret.css" alt="">',
    )
    renderer = PdfRenderer(templates)
    pdf = renderer.render(tailor(load_sources(andes), "PE"))

    assert tripwires.connects == [] and tripwires.lookups == []
    assert tripwires.opened == []
    refused = renderer.fetcher.refused
    assert url in refused
    assert "http://example.invalid/evil.css" in refused
    assert "http://example.invalid/remote.css" in refused
    assert "https://example.invalid/track.png" in refused
    assert (templates.parent / "secret.css").as_uri() in refused
    assert all(u.startswith(templates.as_uri() + "/") for u in renderer.fetcher.served)
    assert CANARY_TEXT.encode() not in pdf
    assert PdfReader(_write(tmp_path, pdf)).attachments == {}


def _write(tmp_path: Path, pdf: bytes) -> Path:
    path = tmp_path / "template.pdf"
    path.write_bytes(pdf)
    return path

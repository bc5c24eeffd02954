"""`briefgen serve` over HTTP: pages, documents on demand, the banner, and what it refuses.

The browser tests (live updates, scroll, scripts) are in test_serve_browser.py; these talk to
the Starlette application in process, or to a real server over a raw socket where the bytes
on the wire matter (an encoded `..` in a path, a foreign Host header, Ctrl-C).
"""

from __future__ import annotations

import hashlib
import http.client
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from briefgen.preview import server as preview_server
from briefgen.preview.app import AllowedHosts, create_app
from briefgen.preview.model import PageKey
from briefgen.preview.state import Preview
from briefgen.render import templates_dir
from conftest import FIXTURES, replace_in
from serving import served

TEST_HOST = "testserver"  # the Host header Starlette's TestClient sends
ONLY_TEST_HOST = AllowedHosts(frozenset({TEST_HOST}))


def client_for(folder: Path) -> TestClient:
    preview = Preview(folder)
    return TestClient(create_app(preview, ONLY_TEST_HOST, watch=False))


@pytest.fixture
def andes_client(andes: Path) -> Iterator[TestClient]:
    with client_for(andes) as client:
        yield client


def cells(html: str) -> dict[tuple[str, str], str]:
    found = re.findall(r'data-rec="([^"]+)" data-country="([A-Z]{2})" data-included="(yes|no)"', html)
    return {(rec, country): included for rec, country, included in found}


def explain_json(folder: Path, country: str, scenario: str | None = None) -> dict[str, object]:
    import json

    command = [sys.executable, "-m", "briefgen", "explain", str(folder), "--country", country, "--json"]
    if scenario:
        command += ["--scenario", scenario]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    data: dict[str, object] = json.loads(out)
    return data


def test_the_overview_shows_each_recommendation_in_or_out_for_each_country_as_explain_decides(
    andes: Path, andes_client: TestClient
) -> None:
    response = andes_client.get("/")
    assert response.status_code == 200
    html = response.text
    assert "Water Security in the Andes" in html
    assert "Working edition 1" in html and "Sources valid" in html
    matrix = cells(html)
    for country in ("PE", "BO", "CL"):
        data = explain_json(andes, country)
        for rec in data["recommendations"]:  # type: ignore[attr-defined]
            assert matrix[(rec["id"], country)] == ("yes" if rec["included"] else "no")
    # the reason is explain's own line, e.g. the leaf that decided
    assert "because the condition fails:" in html or "because the condition holds:" in html
    assert "country.glacier_share_water_supply" in html


def test_the_scenario_switcher_recomputes_the_matrix(andes: Path, andes_client: TestClient) -> None:
    neutral = cells(andes_client.get("/").text)
    el_nino = cells(andes_client.get("/?scenario=el-nino").text)
    assert neutral != el_nino
    for country in ("PE", "BO", "CL"):
        data = explain_json(andes, country, "el-nino")
        for rec in data["recommendations"]:  # type: ignore[attr-defined]
            assert el_nino[(rec["id"], country)] == ("yes" if rec["included"] else "no")
    assert '<option value="el-nino" selected>' in andes_client.get("/?scenario=el-nino").text
    assert andes_client.get("/?scenario=no-such-thing").status_code == 404


@pytest.mark.unit
def test_the_languages_show_the_briefs_language(andes_client: TestClient) -> None:
    html = andes_client.get("/").text
    assert re.search(
        r'data-language="en"><a href="/" aria-current="page">English</a> <span class="code">en</span>.*source',
        html,
    )


@pytest.mark.unit
def test_a_country_preview_is_the_briefs_own_html_with_the_changes_since_the_last_release(
    central_asia_copy: Path,
) -> None:
    from briefgen.preview import pipeline

    loaded = pipeline.load(central_asia_copy)
    brief = pipeline.tailored(loaded, "KG", None)
    own = pipeline.render(brief, "html").decode("utf-8")
    with client_for(central_asia_copy) as client:
        response = client.get("/country/KG")
    assert response.status_code == 200
    article = own[own.index("<article") : own.index("</article>")]
    assert article in response.text  # the very HTML the PDF is laid out from
    assert "since edition 2" in response.text  # the working edition 3 against the last release
    assert 'href="/country/KG/pdf"' in response.text and 'href="/country/KG/docx"' in response.text
    # the brief's inline stylesheet is allowed by its hash, and nothing else inline is
    csp = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp and "script-src 'self';" in csp
    assert re.search(r"style-src 'self' 'sha256-[A-Za-z0-9+/=]+'", csp)


def test_pdf_and_docx_are_rendered_on_demand(andes: Path, andes_client: TestClient) -> None:
    pdf = andes_client.get("/country/PE/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf"
    assert 'filename="andes-water-PE-e1.pdf"' in pdf.headers["content-disposition"]
    assert re.fullmatch(r"render;dur=[0-9.]+, cpu;dur=[0-9.]+", pdf.headers["server-timing"])
    docx = andes_client.get("/country/BO/docx?scenario=el-nino")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert 'filename="andes-water-BO-e1-el-nino.docx"' in docx.headers["content-disposition"]
    assert andes_client.get("/country/XX/pdf").status_code == 404
    assert andes_client.get("/country/PE/html").status_code == 404
    assert andes_client.get("/country/XX").status_code == 404


def test_an_invalid_save_shows_validates_text_over_the_last_good_preview_until_fixed(
    andes: Path,
) -> None:
    preview = Preview(andes)
    rec = andes / "recommendations" / "protect-glacier-basins.yaml"
    good = rec.read_text(encoding="utf-8")
    with TestClient(create_app(preview, ONLY_TEST_HOST, watch=False)) as client:
        assert "preview-banner" not in client.get("/country/PE").text
        rec.write_text(good.replace("priority: 1", "priority: [1"), encoding="utf-8")
        assert preview.apply({rec.resolve()})
        page = client.get("/country/PE").text
        validate = subprocess.run(
            [sys.executable, "-m", "briefgen", "validate", str(andes)], capture_output=True, text=True
        )
        assert validate.returncode == 1
        expected = [line for line in validate.stderr.splitlines() if not line.endswith("found")]
        banner = re.search(r'<pre class="preview-problems">(.*?)</pre>', page, re.DOTALL)
        assert banner is not None
        import html

        assert html.unescape(banner.group(1)).splitlines() == expected
        assert "protect-glacier-basins.yaml:4:9: (file): malformed YAML" in banner.group(1)
        assert "Protect glacier-fed basins" in page  # the last good preview, under the banner
        assert 'data-valid="no"' in client.get("/").text
        rec.write_text(good, encoding="utf-8")
        assert preview.apply({rec.resolve()})
        assert "preview-banner" not in client.get("/country/PE").text
        assert 'data-valid="yes"' in client.get("/").text


@pytest.mark.unit
def test_a_change_reaches_only_the_pages_it_touches(andes: Path) -> None:
    preview = Preview(andes)
    before = {c: preview.page(PageKey(c, None)).digest for c in ("PE", "BO", "CL")}
    replace_in(
        andes / "recommendations" / "protect-glacier-basins.yaml",
        "Peru's glacier law is a model",
        "Peru's glacier law remains a model",
    )
    assert preview.apply({(andes / "recommendations" / "protect-glacier-basins.yaml").resolve()})
    after = {c: preview.page(PageKey(c, None)).digest for c in ("PE", "BO", "CL")}
    assert after["PE"] != before["PE"]
    assert after["BO"] == before["BO"] and after["CL"] == before["CL"]


@pytest.mark.unit
def test_files_that_are_not_sources_are_ignored_and_a_template_change_rerenders_without_reloading(
    andes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(templates_dir(), templates)
    monkeypatch.setenv("BRIEFGEN_TEMPLATES", str(templates))
    from briefgen.preview import pipeline

    pipeline.forget_renderers()
    try:
        preview = Preview(andes)
        version = preview.snapshot.version
        page = preview.page(PageKey("PE", None))
        (andes / "ledger.sqlite").write_bytes(b"")
        (andes / "recommendations" / ".protect-glacier-basins.yaml.swp").write_bytes(b"")
        assert not preview.apply({(andes / "ledger.sqlite").resolve()})
        assert not preview.apply({(andes / "recommendations" / ".protect-glacier-basins.yaml.swp").resolve()})
        css = templates / "print.css"
        css.write_text(css.read_text(encoding="utf-8").replace("#0f5257", "#0f5258"), encoding="utf-8")
        assert preview.apply({css.resolve()})
        assert preview.snapshot.version == version  # the brief was not read again
        again = preview.page(PageKey("PE", None))
        assert again.digest != page.digest and "#0f5258" in again.html
        assert again.style_hashes != page.style_hashes
    finally:
        pipeline.forget_renderers()


INSTITUTE = FIXTURES / "themes" / "institute"


def test_a_theme_beside_the_brief_is_watched_and_its_files_reload_the_brief(andes: Path) -> None:
    """The project's theme (`briefs/theme/`, outside the brief's folder) is watched, and a save
    of any of its files (here its stylesheet, which is not YAML) updates the pages."""
    theme = andes.parent / "theme"
    shutil.copytree(INSTITUTE, theme)
    preview = Preview(andes)
    assert theme.resolve() in preview.watched_paths()
    page = preview.page(PageKey("PE", None))
    assert "letter-spacing: -0.01em" in page.html
    css = theme / "theme.css"
    (theme / "theme.css~").write_text("an editor's backup", encoding="utf-8")
    assert not preview.apply({(theme / "theme.css~").resolve()})
    css.write_text("h1.title { letter-spacing: 0.02em; }\n", encoding="utf-8")
    assert preview.apply({css.resolve()})
    again = preview.page(PageKey("PE", None))
    assert "letter-spacing: 0.02em" in again.html and "-0.01em" not in again.html


def test_the_watcher_follows_the_brief_to_another_theme_folder(andes: Path) -> None:
    """Real file events (watchfiles): a save in the theme folder reaches the preview; after
    brief.yaml names another theme folder, saves there do, and the old folder no longer matters."""
    import asyncio

    from briefgen.preview.watch import watch_changes

    first, second = andes.parent / "theme", andes.parent.parent / "themes" / "other"
    shutil.copytree(INSTITUTE, first)
    shutil.copytree(INSTITUTE, second)
    preview = Preview(andes)
    seen: list[set[Path]] = []

    async def handler(paths: set[Path]) -> None:
        preview.apply(paths)
        seen.append(paths)

    async def until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
        for _ in range(200):
            if condition():
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"gave up waiting for {what}")

    def html() -> str:
        return preview.page(PageKey("PE", None)).html

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(watch_changes(preview, handler, stop))
        try:
            await asyncio.sleep(0.5)  # the watch is set up
            (first / "theme.css").write_text("h1.title { letter-spacing: 0.03em; }\n", encoding="utf-8")
            await until(lambda: "0.03em" in html(), "the first theme's save")
            brief_yaml = andes / "brief.yaml"
            brief_yaml.write_text(
                brief_yaml.read_text(encoding="utf-8") + "theme: ../../themes/other\n", encoding="utf-8"
            )
            await until(lambda: preview.watched_paths().count(second.resolve()) == 1, "the new theme")
            await until(lambda: "-0.01em" in html(), "the brief with the other theme")
            await asyncio.sleep(0.5)  # the watch has started again, on the new folders
            (second / "theme.css").write_text("h1.title { letter-spacing: 0.04em; }\n", encoding="utf-8")
            await until(lambda: "0.04em" in html(), "the other theme's save")
        finally:
            stop.set()
            await asyncio.wait_for(task, 5)

    asyncio.run(scenario())
    assert first.resolve() not in preview.watched_paths()


@pytest.mark.unit
def test_hostile_text_in_the_sources_prints_as_text(andes: Path) -> None:
    rec = andes / "recommendations" / "protect-glacier-basins.yaml"
    replace_in(rec, "title: Protect glacier-fed basins", 'title: "<script>alert(1)</script> {{ 7*7 }}"')
    replace_in(rec, "Protect the basins that glaciers feed.", "See [the map](javascript:alert(2)).")
    with client_for(andes) as client:
        for path in ("/", "/country/PE"):
            html = client.get(path).text
            assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in html
            assert "<script>alert" not in html and "&lt;/script&gt; 49" not in html
            assert not re.search(r"href=[\"']?\s*javascript:", html, re.IGNORECASE)
            assert "[the map](javascript:alert(2))" in html or path == "/"  # as the PDF prints it


@pytest.mark.unit
def test_pages_documents_and_assets_are_all_it_serves(andes_client: TestClient) -> None:
    assert andes_client.get("/assets/print.css").status_code == 200
    assert andes_client.get("/assets/footnote-rule.svg").status_code == 200
    assert andes_client.get("/static/preview.js").status_code == 200
    for path in (
        "/assets/base.html",  # a template, not an asset
        "/assets/reference.docx",
        "/assets/partials/title.html",
        "/static/app.py",
        "/static/../app.py",
        "/events?page=/etc/passwd",
        "/nowhere",
    ):
        assert andes_client.get(path).status_code == 404, path
    assert andes_client.post("/").status_code == 405


@pytest.mark.unit
def test_a_request_for_another_host_is_refused(andes_client: TestClient) -> None:
    response = andes_client.get("/", headers={"host": "attacker.example"})
    assert response.status_code == 421
    assert "Water Security" not in response.text
    assert andes_client.get("/", headers={"host": f"{TEST_HOST}:1"}).status_code == 421


@pytest.mark.unit
def test_the_hosts_it_answers_for_are_its_own_address() -> None:
    loopback = AllowedHosts.for_address("127.0.0.1", 8765)
    assert {h for h in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765") if loopback.allows(h)} == {
        "127.0.0.1:8765",
        "localhost:8765",
        "[::1]:8765",
    }
    for host in ("127.0.0.1:8766", "attacker.example:8765", "127.0.0.1", "", "192.0.2.7:8765"):
        assert not loopback.allows(host), host
    one = AllowedHosts.for_address("192.0.2.7", 9000)
    assert one.allows("192.0.2.7:9000") and not one.allows("localhost:9000")
    everywhere = AllowedHosts.for_address("0.0.0.0", 9000)
    assert everywhere.allows("192.0.2.7:9000") and everywhere.allows("[2001:db8::1]:9000")
    assert everywhere.allows("localhost:9000")
    for host in ("attacker.example:9000", "192.0.2.7:9001", "2001:db8::1:9000", "1.2.3.4.nip.io:9000"):
        assert not everywhere.allows(host), host


@pytest.mark.unit
def test_the_default_port_moves_to_the_next_free_one(monkeypatch: pytest.MonkeyPatch) -> None:
    taken = preview_server.bind("127.0.0.1", 0)
    port = taken.getsockname()[1]
    monkeypatch.setattr(preview_server, "DEFAULT_PORT", port)
    try:
        sock = preview_server.bind("127.0.0.1", None)
        assert sock.getsockname()[1] > port
        sock.close()
    finally:
        taken.close()


def raw_get(host_port: str, path: str, host_header: str | None = None) -> tuple[int, bytes]:
    """Send a request exactly as written (no URL normalisation) and return status and body."""
    host, port = host_port.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        request = f"GET {path} HTTP/1.1\r\nHost: {host_header or host_port}\r\nConnection: close\r\n\r\n"
        sock.sendall(request.encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def tree_state(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_real_server_refuses_traversal_and_foreign_hosts_writes_nothing_and_stops_on_ctrl_c(
    briefs_copy: Path,
) -> None:
    before = tree_state(briefs_copy)
    (briefs_copy.parent / "secret.txt").write_text("not for the browser", encoding="utf-8")
    with served("briefs/andes-water", briefs_copy.parent) as server:
        hp = server.host_port
        assert raw_get(hp, "/")[0] == 200
        for path in (
            "/assets/../../../pyproject.toml",
            "/assets/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
            "/assets/..%2f..%2fsecret.txt",
            "/static/..%2f..%2fsecret.txt",
            "/static/%2e%2e%2fapp.py",
            "/assets//etc/passwd",
            "/assets/%2fetc%2fpasswd",
            "//etc/passwd",
            "/country/..%2f..%2fsecret.txt",
            "/country/PE/..%2f..%2f..%2fsecret.txt",
        ):
            status, body = raw_get(hp, path)
            assert status in (400, 404), (path, status)
            assert (
                b"not for the browser" not in body and b"[build-system]" not in body and b"root:" not in body
            )
        status, body = raw_get(hp, "/", host_header="attacker.example:" + hp.rsplit(":", 1)[1])
        assert status == 421 and b"Andes" not in body
        status, _ = raw_get(hp, "/country/PE/pdf")
        assert status == 200
    assert server.returncode in (0, 130)
    assert "Traceback" not in server.stderr
    assert tree_state(briefs_copy) == before  # never writes a source file, nor anything beside them


def test_a_host_other_than_loopback_is_a_warning(briefs_copy: Path) -> None:
    with served("briefs/andes-water", briefs_copy.parent, "--host", "0.0.0.0") as server:
        port = server.host_port.rsplit(":", 1)[1]
        conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
        conn.request("GET", "/", headers={"Host": f"evil.example:{port}"})
        assert conn.getresponse().status == 421
        conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
        conn.request("GET", "/", headers={"Host": f"127.0.0.1:{port}"})
        assert conn.getresponse().status == 200
    assert "warning: listening on 0.0.0.0, not on loopback" in server.stderr


def test_a_port_in_use_is_a_usage_error(andes: Path) -> None:
    taken = preview_server.bind("127.0.0.1", 0)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "briefgen", "serve", str(andes), "--port", str(taken.getsockname()[1])],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        taken.close()
    assert result.returncode == 2
    assert "already in use" in result.stderr and "Traceback" not in result.stderr


def test_a_folder_without_a_brief_is_bad_input(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "serve", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "brief.yaml:1:1:" in result.stderr and "Traceback" not in result.stderr


def test_briefgen_help_imports_no_server_module() -> None:
    code = (
        "import sys\n"
        "from briefgen.cli import main\n"
        "sys.argv = ['briefgen', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('starlette', 'uvicorn', 'watchfiles', 'weasyprint', 'pydantic', 'anyio') or m.startswith('briefgen.preview'))\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


@pytest.mark.unit
def test_sources_that_never_loaded_show_the_banner_alone_until_they_do(andes: Path) -> None:
    brief = andes / "brief.yaml"
    good = brief.read_text(encoding="utf-8")
    brief.write_text(good.replace("edition: 1", "edition: none"), encoding="utf-8")
    preview = Preview(andes)
    with TestClient(create_app(preview, ONLY_TEST_HOST, watch=False)) as client:
        page = client.get("/").text
        assert "Nothing to preview yet" in page and "brief.yaml:9:10: edition:" in page
        assert client.get("/country/PE/pdf").status_code == 404
        brief.write_text(good, encoding="utf-8")
        assert preview.apply({brief.resolve()})
        page = client.get("/").text
        assert "Nothing to preview yet" not in page and "preview-banner" not in page
        assert "Water Security in the Andes" in page


@pytest.mark.unit
def test_the_overview_counts_every_text_of_both_catalogs_a_translation_uses(central_asia_copy: Path) -> None:
    from briefgen.preview import pipeline
    from briefgen.preview.languages import languages
    from briefgen.translation.apply import statuses

    en, ru = languages(pipeline.load(central_asia_copy))
    assert (en.code, en.name, en.source) == ("en", "English", True)
    found = statuses(pipeline.load(central_asia_copy), "ru")
    shared = [s for s in found if s.text.catalog == "countries"]
    assert len(shared) > 50 and (ru.translated, ru.total, ru.percent) == (len(found), len(found), 100)

    # one name left untranslated in the shared profiles' catalog, one brief entry gone fuzzy
    replace_in(central_asia_copy.parent / "countries/translations/ru.po", 'msgstr "Казахстан"', 'msgstr ""')
    po = central_asia_copy / "translations/ru.po"
    replace_in(po, 'msgctxt "brief.yaml:series"', '#, fuzzy\nmsgctxt "brief.yaml:series"')
    _, ru = languages(pipeline.load(central_asia_copy))
    assert (ru.translated, ru.fuzzy, ru.total) == (len(found) - 2, 1, len(found))
    with client_for(central_asia_copy) as client:
        page = client.get("/").text
    assert f"({len(found) - 2} of {len(found)}, 1 fuzzy)" in page


@pytest.mark.unit
def test_the_overview_shows_each_cells_status_beside_applicability_and_its_history(andes: Path) -> None:
    from followup import LIMITED, SOME, track_file

    replace_in(andes / "brief.yaml", "date: 2024-03-01", "date: 2024-09-01")
    track_file(andes, "PE", LIMITED + SOME)
    with client_for(andes) as client:
        html = client.get("/").text
    cell = re.search(r'<td[^>]*data-rec="protect-glacier-basins" data-country="PE".*?</td>', html, re.DOTALL)
    assert cell is not None
    text = cell.group()
    assert 'data-included="yes"' in text
    assert '<details class="history" data-status="some">' in text
    assert 'Some progress</span> <span class="when">2024-06-01</span></summary>' in text
    history = re.findall(r'<li><span class="status status-([a-z-]+)">', text)
    assert history == ["some", "limited"]  # newest first
    assert "The ministry mapped every basin (Rabatel et al.,\u00a02013)" in text
    other = re.search(r'<td[^>]*data-rec="protect-glacier-basins" data-country="BO".*?</td>', html, re.DOTALL)
    assert other is not None and "not assessed" in other.group() and "<details" not in other.group()

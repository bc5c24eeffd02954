"""The preview's web application (Starlette): pages, documents on demand, live updates.

Routes, and nothing else is served:
  /                          the overview (`?scenario=` recomputes the matrix, `?lang=` speaks a language)
  /country/<CODE>            one country's preview (`?lang=ru`: in Russian)
  /country/<CODE>/pdf|docx   that country's document, rendered on demand in this process
  /review                    the review report on the reviewers' files in the brief's reviews/ folder
  /events?page=…&digest=…    Server-Sent Events: "change" when that page's content changed
  /static/<name>             the preview's own stylesheet and script
  /assets/<path>             the documents' template assets (stylesheets, images, fonts)

Every response carries a strict Content-Security-Policy, and a request whose Host header is
not the address the server bound is refused (DNS rebinding).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import sys
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import briefgen.reading as reading
from briefgen.preview import pages, pipeline
from briefgen.preview.model import Page, PageKey
from briefgen.preview.state import DOCUMENT_FORMATS, Preview

ASSET_SUFFIXES = {
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}
"""The template files served as assets; templates themselves (.html) and DOCX are not."""
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'{styles}; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
_HEARTBEAT_SECONDS = 15.0


@dataclass(eq=False)
class _Listener:
    key: PageKey
    digest: str
    queue: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue)


class Hub:
    """The open pages, each waiting for its next change."""

    def __init__(self) -> None:
        self.listeners: set[_Listener] = set()
        self.closed = False
        self.loop: asyncio.AbstractEventLoop | None = None

    def close(self) -> None:
        """End every event stream (the server is stopping)."""
        self.closed = True
        for listener in self.listeners:
            listener.queue.put_nowait(None)

    def close_threadsafe(self) -> None:
        """Call `close` on the event loop; safe from a signal handler or another thread."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.close)


def create_app(preview: Preview, allowed: AllowedHosts | None = None, *, watch: bool = True) -> HostCheck:
    """Return the preview application for `preview`, answering only the Host values `allowed`."""
    hub = Hub()
    routes = _Routes(preview, hub, watch=watch)
    app = Starlette(
        routes=[
            Route("/", routes.overview, methods=["GET", "HEAD"]),
            Route("/country/{code}", routes.country, methods=["GET", "HEAD"]),
            Route("/country/{code}/{fmt}", routes.document, methods=["GET", "HEAD"]),
            Route("/review", routes.review, methods=["GET", "HEAD"]),
            Route("/events", routes.events, methods=["GET"]),
            Route("/static/{name}", routes.static, methods=["GET", "HEAD"]),
            Route("/assets/{path:path}", routes.asset, methods=["GET", "HEAD"]),
        ],
        lifespan=routes.lifespan,
        exception_handlers={404: routes.not_found},
    )
    return HostCheck(app, allowed, hub)


class _Routes:
    """The preview's routes, over one preview and its open pages; with `watch`, the sources are
    watched while the app runs, and each open page told when its content changed."""

    def __init__(self, preview: Preview, hub: Hub, *, watch: bool) -> None:
        self.preview = preview
        self.hub = hub
        self.watch = watch

    async def publish(self) -> None:
        """Tell each open page whose content changed."""
        preview, hub = self.preview, self.hub
        keys = {listener.key for listener in hub.listeners}
        for key in keys:
            page = await run_in_threadpool(preview.page, key)
            for listener in [x for x in hub.listeners if x.key == key]:
                if listener.digest != page.digest:
                    listener.digest = page.digest
                    listener.queue.put_nowait(_event(page, preview))

    async def changed(self, paths: set[Path]) -> None:
        """Apply a change of the sources; report it and tell the open pages, if anything changed."""
        if await run_in_threadpool(self.preview.apply, paths):
            _report(self.preview)
            await self.publish()

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        """Watch the sources (and prepare the PDF renderer) while the app runs; end every event
        stream when it stops."""
        hub = self.hub
        hub.loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        tasks = []
        if self.watch:
            from briefgen.preview.watch import watch_changes

            tasks.append(asyncio.create_task(watch_changes(self.preview, self.changed, stop)))
            threading.Thread(target=_warm, args=(self.preview,), name="briefgen-warm", daemon=True).start()
        app.state.hub = hub
        try:
            yield
        finally:
            stop.set()
            hub.close()
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def overview(self, request: Request) -> Response:
        """The overview: the matrix of who gets what."""
        return await _page_response(self.preview, PageKey(None, _scenario(request), _language(request)))

    async def country(self, request: Request) -> Response:
        """One country's preview."""
        key = PageKey(request.path_params["code"], _scenario(request), _language(request))
        return await _page_response(self.preview, key)

    async def document(self, request: Request) -> Response:
        """One country's document, rendered on demand, with what it cost in its Server-Timing."""
        preview = self.preview
        fmt = request.path_params["fmt"]
        if fmt not in DOCUMENT_FORMATS:
            return _not_found(preview)
        key = PageKey(request.path_params["code"], _scenario(request), _language(request))
        found, wall, cpu = await run_in_threadpool(_timed, preview, key, fmt)
        if found is None:
            return _not_found(preview)
        data, name = found
        return Response(
            data,
            media_type=pipeline.media_type(fmt),
            headers={
                "content-disposition": f'attachment; filename="{name}"',
                "cache-control": "no-store",
                # what the document cost: its wall-clock time, and the processor time it used
                "server-timing": f"render;dur={wall * 1000:.1f}, cpu;dur={cpu * 1000:.1f}",
            },
        )

    async def review(self, request: Request) -> Response:
        """The review report on the reviewers' files."""
        page: Page = await run_in_threadpool(self.preview.review_page)
        response = HTMLResponse(page.html, status_code=page.status, headers={"cache-control": "no-store"})
        return _secured(response, page.style_hashes)

    async def events(self, request: Request) -> Response:
        """The Server-Sent Events of one page: "change" each time its content changed."""
        preview, hub = self.preview, self.hub
        key = _page_key(request.query_params.get("page", ""))
        if key is None:
            return _not_found(preview)
        listener = _Listener(key, request.query_params.get("digest", ""))
        page = await run_in_threadpool(preview.page, key)
        if page.digest != listener.digest:  # it changed between the page's load and now
            listener.digest = page.digest
            listener.queue.put_nowait(_event(page, preview))
        hub.listeners.add(listener)
        if hub.closed:
            listener.queue.put_nowait(None)
        return StreamingResponse(
            self._stream(listener),
            media_type="text/event-stream",
            headers={"cache-control": "no-store", "x-accel-buffering": "no"},
        )

    async def _stream(self, listener: _Listener) -> AsyncIterator[str]:
        """Yield a page's events as they come, with a heartbeat between them, until the server stops."""
        try:
            yield "retry: 1000\n\n"
            while True:
                try:
                    message = await asyncio.wait_for(listener.queue.get(), _HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield ": still here\n\n"
                    continue
                if message is None:
                    return
                yield message
        finally:
            self.hub.listeners.discard(listener)

    async def static(self, request: Request) -> Response:
        """The preview's own stylesheet or script."""
        path = _static_files().get(request.path_params["name"])
        if path is None:
            return _not_found(self.preview)
        return Response(
            path.read_bytes(), media_type=STATIC_TYPES[path.suffix], headers={"cache-control": "no-cache"}
        )

    async def asset(self, request: Request) -> Response:
        """One of the documents' template assets."""
        path = _asset_files().get(request.path_params["path"])
        if path is None:
            return _not_found(self.preview)
        try:
            body = reading.read_file(path, reading.TEMPLATE, within=pipeline.templates_dir())
        except reading.UnreadableFile:
            return _not_found(self.preview)
        return Response(
            body,
            media_type=ASSET_SUFFIXES[path.suffix.lower()],
            headers={"cache-control": "no-cache"},
        )

    async def not_found(self, request: Request, exc: Exception) -> Response:
        """The preview's own page for a path it does not have."""
        return _not_found(self.preview)


class HostCheck:
    """Refuse requests for any other Host (DNS rebinding); add the security headers to the rest."""

    def __init__(self, app: ASGIApp, allowed: AllowedHosts | None, hub: Hub) -> None:
        self.app = app
        self.allowed = allowed
        self.hub = hub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = _header(scope, b"host")
        if self.allowed is not None and not self.allowed.allows(host):
            response = Response(
                "This preview answers only at its own address.\n",
                status_code=421 if host else 400,
                media_type="text/plain; charset=utf-8",
            )
            await _secured(response)(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                for name, value in _security_headers().items():
                    if name.encode() not in names:
                        headers.append((name.encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_secured)


@dataclass(frozen=True)
class AllowedHosts:
    """The Host header values the preview answers: its own address, never a name it did not bind.

    A web page elsewhere can make its own DNS name point at 127.0.0.1 (DNS rebinding), but its
    requests still say that name in Host; so no name is accepted but the bound one (and
    `localhost` on loopback). Bound to every interface (0.0.0.0, ::), any IP address with the
    right port is the preview's own: an address literal cannot be rebound.
    """

    exact: frozenset[str]
    any_address_on_port: int | None = None

    @classmethod
    def for_address(cls, host: str, port: int) -> AllowedHosts:
        """Return the Host values that name `host`:`port`."""
        names = {_host_literal(host)}
        wildcard = host.strip("[]") in ("0.0.0.0", "::")
        if is_loopback(host) or wildcard:
            names |= {"localhost", "127.0.0.1", "[::1]"}
        return cls(frozenset(f"{name}:{port}" for name in names), port if wildcard else None)

    def allows(self, host: str) -> bool:
        """Return whether a request with this Host header is for this preview."""
        if host in self.exact:
            return True
        if self.any_address_on_port is None:
            return False
        name, colon, port = host.rpartition(":")
        if not colon or port != str(self.any_address_on_port):
            return False
        if ":" in name and not (name.startswith("[") and name.endswith("]")):
            return False  # an IPv6 address in Host is always bracketed
        try:
            ipaddress.ip_address(name.strip("[]"))
        except ValueError:
            return False
        return True


def is_loopback(host: str) -> bool:
    """Return whether `host` is a loopback address or name."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_literal(host: str) -> str:
    try:
        if ipaddress.ip_address(host.strip("[]")).version == 6:
            return f"[{host.strip('[]')}]"
    except ValueError:
        pass
    return host


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


def _security_headers(styles: tuple[str, ...] = ()) -> dict[str, str]:
    extra = "".join(f" {s}" for s in styles)
    return {"content-security-policy": CSP.format(styles=extra), **SECURITY_HEADERS}


def _secured(response: Response, styles: tuple[str, ...] = ()) -> Response:
    response.headers.update(_security_headers(styles))
    return response


def _scenario(request: Request) -> str | None:
    return request.query_params.get("scenario") or None


def _language(request: Request) -> str | None:
    return request.query_params.get("lang") or None


def _page_key(page: str) -> PageKey | None:
    """Return the page a path names (`/` or `/country/KZ`, with its `?scenario=` and `?lang=`)."""
    parts = urlsplit(page)
    query = parse_qs(parts.query)
    scenario = next(iter(query.get("scenario", [])), None) or None
    language = next(iter(query.get("lang", [])), None) or None
    if parts.path == "/":
        return PageKey(None, scenario, language)
    segments = parts.path.split("/")
    if len(segments) == 3 and segments[1] == "country" and segments[2]:
        return PageKey(segments[2], scenario, language)
    return None


async def _page_response(preview: Preview, key: PageKey) -> Response:
    page: Page = await run_in_threadpool(preview.page, key)
    response = HTMLResponse(page.html, status_code=page.status, headers={"cache-control": "no-store"})
    return _secured(response, page.style_hashes)


def _not_found(preview: Preview) -> Response:
    page = pages.missing(preview.snapshot, "There is no such page in this preview.")
    return _secured(HTMLResponse(page.html, status_code=404, headers={"cache-control": "no-store"}))


def _event(page: Page, preview: Preview) -> str:
    data = json.dumps({"digest": page.digest, "valid": preview.snapshot.valid})
    return f"event: change\ndata: {data}\n\n"


def _static_files() -> dict[str, Path]:
    return {p.name: p for p in pages.STATIC.iterdir() if p.is_file() and p.suffix in STATIC_TYPES}


def _asset_files() -> dict[str, Path]:
    """Return the template assets by their path under the templates folder; nothing else."""
    root = pipeline.templates_dir()
    found: dict[str, Path] = {}
    for path in root.rglob("*"):
        if path.suffix.lower() not in ASSET_SUFFIXES or not path.is_file():
            continue
        real = path.resolve()
        if real.is_relative_to(root):  # a symlink out of the folder is not an asset
            found[path.relative_to(root).as_posix()] = real
    return found


def _timed(preview: Preview, key: PageKey, fmt: str) -> tuple[tuple[bytes, str] | None, float, float]:
    """Return a document, the seconds it took, and the processor seconds this thread spent on it."""
    wall, cpu = time.perf_counter(), time.thread_time()
    found = preview.document(key, fmt)
    return found, time.perf_counter() - wall, time.thread_time() - cpu


def _warm(preview: Preview) -> None:
    try:
        preview.warm()
    except Exception as exc:  # a failed warm-up only makes the first PDF slower
        print(f"briefgen serve: could not prepare the PDF renderer: {exc}", file=sys.stderr)


def _report(preview: Preview) -> None:
    """Print the state of the sources on the terminal after a change."""
    snapshot = preview.snapshot
    if snapshot.valid:
        print("briefgen serve: sources valid, pages updated", file=sys.stderr, flush=True)
    else:
        for line in snapshot.problems:
            print(line, file=sys.stderr)
        print(
            f"briefgen serve: {len(snapshot.problems)} problem(s); showing the last good version",
            file=sys.stderr,
            flush=True,
        )

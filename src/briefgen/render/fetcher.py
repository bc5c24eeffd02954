"""The PDF renderer's URL fetcher: it serves the project's own template assets and nothing else.

A brief's text is data, and the HTML renderer escapes it, so no markup in the data can name a
URL. This fetcher is the second wall: whatever URL WeasyPrint is asked to load (a stylesheet,
a font, an image, an attachment, XMP metadata), it is served only when it is a `file:` URL of a
regular file under the templates folder (or the brief's theme folder, when it has one), after
symlinks and `..` are resolved, with a suffix of a known asset type, or a small `data:` URL. Everything else (`http(s)://`, `ftp://`, any file
outside the templates, a large `data:` URL) is refused without being opened, and recorded.
"""

from __future__ import annotations

import base64
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

import briefgen.reading as reading
from briefgen.render import templates_dir
from briefgen.render.engine import URLFetcher, URLFetcherResponse

ASSET_TYPES: dict[str, str] = {
    ".css": "text/css",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
"""Suffix -> media type of the files under templates/ that a document may load."""

MAX_DATA_URL = 16 * 1024
"""Longest `data:` URL served, in characters: enough for a small icon, not for a payload."""


class FetchRefused(ValueError):
    """A URL that is not one of the project's own template assets."""


class SafeFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
    """Serve template assets under `root` (and a theme's `also`) and small `data:` URLs; refuse the rest."""

    def __init__(
        self, root: Path | None = None, *, also: tuple[Path, ...] = (), max_data_url: int = MAX_DATA_URL
    ) -> None:
        # No network handler is ever reached: `fetch` below never calls the opener.
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self._root = root.resolve() if root is not None else None
        self._also = tuple(folder.resolve() for folder in also)
        self.max_data_url = max_data_url
        self.served: list[str] = []
        """URLs served, in order (for tests and diagnostics)."""
        self.refused: list[str] = []
        """URLs refused, in order."""
        self._lock = threading.Lock()

    @property
    def root(self) -> Path:
        """Return the folder whose assets are served (default: the templates folder, looked up now)."""
        return self._root if self._root is not None else templates_dir()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Return the asset at `url`, or raise FetchRefused without opening anything."""
        try:
            response = self._fetch(url)
        except FetchRefused:
            with self._lock:
                self.refused.append(url)
            raise
        with self._lock:
            self.served.append(url)
        return response

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
        """Fetch through the same checks when WeasyPrint calls the fetcher as an opener."""
        return self.fetch(getattr(url, "full_url", url))

    def __call__(self, url: str) -> URLFetcherResponse:
        return self.fetch(url)

    def _fetch(self, url: str) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return self._data(url)
        if scheme != "file":
            raise FetchRefused(f"refused {scheme or 'relative'} URL: only template assets are loaded")
        path = self.asset_path(url)
        if path is None:
            raise FetchRefused(
                "refused file URL outside the templates and theme folders or of an unknown type"
            )
        try:  # by the rules of every read: a file swapped for a FIFO since the check is refused
            body = reading.read_file(path, reading.TEMPLATE)
        except reading.UnreadableFile as exc:
            raise FetchRefused(f"refused {path.name}: {exc.reason}") from None
        return URLFetcherResponse(path.as_uri(), body, {"Content-Type": ASSET_TYPES[path.suffix.lower()]})

    def asset_path(self, url: str) -> Path | None:
        """Return the resolved file a `file:` URL names when it is a template asset, else None."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        raw = url2pathname(unquote(parts.path))
        if "\x00" in raw:
            return None
        try:
            path = Path(raw).resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        roots = (self.root.resolve(), *self._also)
        if not any(path.is_relative_to(root) for root in roots) or not path.is_file():
            return None
        if path.suffix.lower() not in ASSET_TYPES:
            return None
        return path

    def _data(self, url: str) -> URLFetcherResponse:
        if len(url) > self.max_data_url:
            raise FetchRefused(f"refused data: URL of {len(url)} characters (limit {self.max_data_url})")
        header, sep, payload = url[len("data:") :].partition(",")
        if not sep:
            raise FetchRefused("refused malformed data: URL")
        params = header.split(";")
        media_type = params[0].strip() or "text/plain"
        try:
            if "base64" in (p.strip().lower() for p in params[1:]):
                body = base64.b64decode(unquote(payload), validate=False)
            else:
                body = unquote_to_bytes(payload)
        except ValueError as exc:
            raise FetchRefused(f"refused malformed data: URL ({exc})") from exc
        return URLFetcherResponse(url, body, {"Content-Type": media_type})


safe_url_fetcher = SafeFetcher()
"""The process's fetcher for the templates folder, for WeasyPrint documents made outside PdfRenderer."""

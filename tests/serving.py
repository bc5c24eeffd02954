"""A real `briefgen serve` process for tests and the benchmark: started in its own process group,
stopped with Ctrl-C (SIGINT), and checked to leave nothing running."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "build" / "test-screenshots"


CHROMIUM_ARGS = (
    "--no-sandbox",  # as root, Chromium refuses to start without it
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # no connections of its own: on a closed network its look-ups of Google's hosts and updates
    # stall and fail at every start, and a page load could wait behind them
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""How the tests and the latency benchmark start Chromium (headless, through Playwright)."""


def chromium() -> str:
    """Return the Chromium to drive: BRIEFGEN_CHROMIUM, else the first of Debian's names on PATH."""
    import os
    import shutil

    for candidate in (os.environ.get("BRIEFGEN_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        found = candidate and shutil.which(candidate)
        if found:
            return found
    raise RuntimeError("Chromium is not installed; run `make setup` (scripts/setup-system.sh installs it)")


_URL = re.compile(r"at (http://\S+/) ")


@dataclass
class Served:
    """A running preview server; after it stops, its exit status and standard error."""

    url: str
    process: subprocess.Popen[str]
    cwd: Path
    returncode: int | None = None
    stderr: str = ""

    @property
    def host_port(self) -> str:
        """Return `HOST:PORT` as the server prints it."""
        return self.url.split("//", 1)[1].rstrip("/")


def group_members(pgid: int) -> list[int]:
    """Return the processes left in a process group (by group id, never by name)."""
    out = subprocess.run(["ps", "-o", "pid=", "-g", str(pgid)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


@contextmanager
def served(folder: Path | str, cwd: Path, *extra: str, timeout: float = 60.0) -> Iterator[Served]:
    """Run `briefgen serve FOLDER --port 0` in `cwd`; stop it with SIGINT on the way out."""
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as errors:  # never fills up like a pipe
        process = subprocess.Popen(
            [sys.executable, "-m", "briefgen", "serve", str(folder), "--port", "0", *extra],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            start_new_session=True,  # its own process group: stopped and checked as one
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        pgid = process.pid
        server: Served | None = None
        try:
            assert process.stdout is not None
            deadline = time.monotonic() + timeout
            line = ""
            while time.monotonic() < deadline:
                line = process.stdout.readline()
                if _URL.search(line) or not line:
                    break
            match = _URL.search(line)
            if match is None:
                process.kill()
                process.wait(timeout=10)
                errors.seek(0)
                raise AssertionError(f"briefgen serve did not start: {line!r} {errors.read()}")
            server = Served(match.group(1), process, cwd)
            yield server
        finally:
            returncode = stop(process, pgid)
            errors.seek(0)
            if server is not None:
                server.returncode, server.stderr = returncode, errors.read()


def stop(process: subprocess.Popen[str], pgid: int) -> int:
    """Stop the server as Ctrl-C does, check its process group is empty; return its exit status."""
    if process.poll() is None:
        os.killpg(pgid, signal.SIGINT)
    try:
        process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(pgid, signal.SIGKILL)
        process.communicate(timeout=10)
        raise AssertionError("briefgen serve did not stop on Ctrl-C") from None
    deadline = time.monotonic() + 5  # a helper the server ran (ldconfig, say) may still be ending
    while (left := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    if left:
        listing = subprocess.run(
            ["ps", "-o", "pid,ppid,stat,cmd", "-g", str(pgid)], capture_output=True, text=True
        )
        os.killpg(pgid, signal.SIGKILL)
        raise AssertionError(f"processes left running after the server stopped:\n{listing.stdout}")
    return process.returncode

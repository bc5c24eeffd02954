"""Helpers for the hardening tests: run the real `briefgen` program and check how it ends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BRIEFGEN = str(Path(sys.executable).with_name("briefgen"))


def run(*args: str | Path, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `briefgen ARGS` as a separate process; return it, output as text."""
    return subprocess.run(
        [BRIEFGEN, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=timeout, check=False
    )


def ends_cleanly(result: subprocess.CompletedProcess[str], status: int) -> str:
    """Assert the exit status and that no traceback was printed; return standard error."""
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    return result.stderr

"""What figures cost: the full build of the bundled brief with its figures and without them.

Both builds run in the same process of measurement, alternating, on two copies of the same
sources that differ only in `figures:` (emptied in one), so the machine's load touches both
alike. `benchmarks/run.py` calls `measure`; run alone, this prints the figures and the ratio.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BRIEFGEN = [sys.executable, "-m", "briefgen"]
TARGET = 1.15
"""A build with figures takes at most 15% more time than one without."""


def without_figures(brief_yaml: Path) -> None:
    """Empty `figures:` in a brief.yaml, leaving everything else as it is."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    data = yaml.load(brief_yaml.read_text(encoding="utf-8"))
    data["figures"] = []
    with brief_yaml.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)


def _build(briefs: Path, out: Path) -> float:
    command = [
        *BRIEFGEN,
        "build",
        str(briefs / "china-central-asia"),
        "--out",
        str(out),
        "--force",
        "--quiet",
    ]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=briefs.parent, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    return elapsed


def measure(work: Path, runs: int = 5) -> dict[str, object]:
    """Return the median build time with and without figures, their runs, and the ratio."""
    with_dir, without_dir = work / "with-figures", work / "without-figures"
    for target in (with_dir, without_dir):
        shutil.copytree(
            REPO / "briefs", target / "briefs", ignore=shutil.ignore_patterns("ledger.sqlite*", "outbox")
        )
    without_figures(without_dir / "briefs" / "china-central-asia" / "brief.yaml")
    times: dict[str, list[float]] = {"with": [], "without": []}
    for root in (with_dir, without_dir):  # warm caches
        _build(root / "briefs", root / "build")
    for _ in range(runs):
        for name, root in (("with", with_dir), ("without", without_dir)):
            times[name].append(_build(root / "briefs", root / "build"))
    with_s, without_s = statistics.median(times["with"]), statistics.median(times["without"])
    return {
        "figures_build_s": with_s,
        "figures_build_runs_s": times["with"],
        "no_figures_build_s": without_s,
        "no_figures_build_runs_s": times["without"],
        "figures_over_no_figures": with_s / without_s,
    }


def report(results: dict[str, object]) -> None:
    """Print the measurement and whether the target is met."""
    ratio = float(results["figures_over_no_figures"])  # type: ignore[arg-type]
    print(
        f"(f) full build with figures {results['figures_build_s']:.2f} s, without "
        f"{results['no_figures_build_s']:.2f} s: {ratio:.3f}x "
        f"(target <= {TARGET:g}: {'met' if ratio <= TARGET else 'NOT MET'})"
    )


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory(prefix="briefgen-figures-") as tmp:
        report(measure(Path(tmp)))

"""What figures cost: the full build of the bundled brief with its figures and without them.

Both builds run in the same process of measurement, alternating, on two copies of the same
sources that differ only in `figures:` (emptied in one), so the machine's load touches both
alike. `benchmarks/run.py` calls `measure`; run alone, this prints the figures and the ratio.
"""

from __future__ import annotations

import resource
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


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _build(briefs: Path, out: Path, *options: str) -> tuple[float, float]:
    """Return the wall-clock and CPU seconds of one build (CPU counts workers only with `--jobs 1`,
    where the command renders everything itself)."""
    brief = str(briefs / "china-central-asia")
    command = [*BRIEFGEN, "build", brief, "--out", str(out), "--force", "--quiet", *options]
    started, cpu = time.perf_counter(), _cpu()
    result = subprocess.run(command, cwd=briefs.parent, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    return elapsed, _cpu() - cpu


def measure(work: Path, runs: int = 5) -> dict[str, object]:
    """Return the median build time with and without figures, their runs, and the ratio.

    Wall-clock time is measured with the default workers; CPU time of the same build with
    `--jobs 1`, a steadier measure of the work added on a shared machine.
    """
    with_dir, without_dir = work / "with-figures", work / "without-figures"
    for target in (with_dir, without_dir):
        shutil.copytree(
            REPO / "briefs", target / "briefs", ignore=shutil.ignore_patterns("ledger.sqlite*", "outbox")
        )
    without_figures(without_dir / "briefs" / "china-central-asia" / "brief.yaml")
    times: dict[str, list[float]] = {"with": [], "without": []}
    cpu: dict[str, list[float]] = {"with": [], "without": []}
    for root in (with_dir, without_dir):  # warm caches
        _build(root / "briefs", root / "build")
    for _ in range(runs):
        for name, root in (("with", with_dir), ("without", without_dir)):
            times[name].append(_build(root / "briefs", root / "build")[0])
            # the same work in one process: its CPU time does not depend on what else the machine runs
            cpu[name].append(_build(root / "briefs", root / "serial", "--jobs", "1")[1])
    with_s, without_s = statistics.median(times["with"]), statistics.median(times["without"])
    with_cpu, without_cpu = statistics.median(cpu["with"]), statistics.median(cpu["without"])
    return {
        "figures_build_s": with_s,
        "figures_build_runs_s": times["with"],
        "no_figures_build_s": without_s,
        "no_figures_build_runs_s": times["without"],
        "figures_over_no_figures": with_s / without_s,
        "figures_build_cpu_s": with_cpu,
        "no_figures_build_cpu_s": without_cpu,
        "figures_over_no_figures_cpu": with_cpu / without_cpu,
    }


def report(results: dict[str, object]) -> None:
    """Print the measurement and whether the target is met."""
    ratio = float(results["figures_over_no_figures"])  # type: ignore[arg-type]
    print(
        f"(f) full build with figures {results['figures_build_s']:.2f} s, without "
        f"{results['no_figures_build_s']:.2f} s: {ratio:.3f}x "
        f"(target <= {TARGET:g}: {'met' if ratio <= TARGET else 'NOT MET'}); CPU "
        f"{results['figures_build_cpu_s']:.2f} s against {results['no_figures_build_cpu_s']:.2f} s: "
        f"{float(results['figures_over_no_figures_cpu']):.3f}x"  # type: ignore[arg-type]
    )


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory(prefix="briefgen-figures-") as tmp:
        report(measure(Path(tmp)))

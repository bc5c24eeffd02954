"""The live preview's latency: `make bench` runs it; it prints the figures and writes JSON.

With the bundled brief, `briefgen serve` runs as its own process and Chromium (Debian's, driven
by Playwright) keeps a page open. For each of N saves, the clock starts just before the file is
written and stops when the page has painted the new content: the page's script records
`performance.timeOrigin + performance.now()` in the task after the animation frame that follows
its DOM swap (so after the paint), and both clocks are this machine's wall clock.

Measured: a country's HTML preview and the overview, N saves each (median and 95th percentile);
then a country's PDF on demand from the warm server (each country's, after an edit that changes
every brief, so nothing comes from a cache).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))

from serving import CHROMIUM_ARGS, chromium, served  # noqa: E402

SAVES = 25
TARGETS = {"html_median_ms": 300.0, "html_p95_ms": 1000.0, "pdf_max_s": 1.5}
REC = "recommendations/deepen-balancing.yaml"
PHRASE = "alongside China"
"""A phrase of that recommendation's action, shown in every country's brief: each save changes it."""
TITLE = "to other partners"
"""The end of its title, which the overview's matrix shows."""
PDF_ROUNDS = 2


def percentile(values: list[float], q: float) -> float:
    """Return the q-th percentile (0-100), linear between the closest ranks."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def save_and_wait(page: object, path: Path, old: str, new: str, count: int) -> float:
    """Write one change to `path`; return milliseconds until the page painted it."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    started = time.time() * 1000
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    page.wait_for_selector(f'html[data-preview-updates="{count}"]', state="attached", timeout=20_000)  # type: ignore[attr-defined]
    painted: float = page.evaluate("window.briefgenPreview.updates.at(-1).painted")  # type: ignore[attr-defined]
    return painted - started


def latencies(page: object, url: str, folder: Path, phrase: str, label: str) -> list[float]:
    page.goto(url)  # type: ignore[attr-defined]
    page.wait_for_selector('.preview-live[data-state="open"]', timeout=20_000)  # type: ignore[attr-defined]
    time.sleep(0.5)
    out = []
    for i in range(SAVES):
        marker = f"{label}-{i}"
        previous = f"{phrase} ({label}-{i - 1})" if i else phrase
        ms = save_and_wait(page, folder / REC, previous, f"{phrase} ({marker})", i + 1)
        out.append(ms)
        time.sleep(0.25)  # one save at a time, as an analyst makes them
    return out


def fetch_seconds(url: str) -> tuple[float, float, bytes]:
    """Return the seconds a download took, the processor seconds its rendering used, and its bytes."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        data = response.read()
        timing = response.headers.get("server-timing", "")
    cpu = float(re.search(r"cpu;dur=([0-9.]+)", timing).group(1)) / 1000  # type: ignore[union-attr]
    return time.perf_counter() - started, cpu, data


def main() -> None:
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="briefgen-preview-bench-") as tmp:
        root = Path(tmp)
        shutil.copytree(
            REPO / "briefs", root / "briefs", ignore=shutil.ignore_patterns("*.sqlite*", "outbox")
        )
        folder = root / "briefs" / "china-central-asia"
        text = (folder / REC).read_text(encoding="utf-8")
        if PHRASE not in text or TITLE not in text:
            raise SystemExit(f"the benchmark edits {PHRASE!r} and {TITLE!r} in {REC}; one is gone")
        with served("briefs/china-central-asia", root) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(), args=list(CHROMIUM_ARGS))
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            country = latencies(page, server.url + "country/KG", folder, PHRASE, "kg")
            overview = latencies(page, server.url, folder, TITLE, "overview")
            browser.close()

            fetch_seconds(server.url + "country/KZ/pdf")  # the first one after start-up
            pdf: list[float] = []
            pdf_cpu: list[float] = []
            brief = folder / "brief.yaml"
            for round_ in range(PDF_ROUNDS):
                original = brief.read_text(encoding="utf-8")
                brief.write_text(original.replace("title: ", f"title: R{round_} ", 1), encoding="utf-8")
                time.sleep(1.0)  # let the server take the change in
                for code in ("KZ", "KG", "TJ", "TM", "UZ"):
                    seconds, cpu, data = fetch_seconds(server.url + f"country/{code}/pdf")
                    assert data.startswith(b"%PDF-")
                    pdf.append(seconds)
                    pdf_cpu.append(cpu)

    results = {
        "saves": SAVES,
        "html_country_median_ms": round(statistics.median(country), 1),
        "html_country_p95_ms": round(percentile(country, 95), 1),
        "html_country_max_ms": round(max(country), 1),
        "html_overview_median_ms": round(statistics.median(overview), 1),
        "html_overview_p95_ms": round(percentile(overview, 95), 1),
        "pdf_median_s": round(statistics.median(pdf), 3),
        "pdf_max_s": round(max(pdf), 3),
        "pdf_runs": [round(s, 3) for s in pdf],
        "pdf_cpu_median_s": round(statistics.median(pdf_cpu), 3),
        "pdf_cpu_max_s": round(max(pdf_cpu), 3),
        "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "html_country_runs_ms": [round(ms, 1) for ms in country],
    }
    checks = {
        "html_median_ms": results["html_country_median_ms"],
        "html_p95_ms": results["html_country_p95_ms"],
        "pdf_max_s": results["pdf_max_s"],
    }
    results["targets_met"] = {name: checks[name] <= limit for name, limit in TARGETS.items()}
    print("briefgen serve: save -> page painted, bundled brief, Chromium")
    print(
        f"  country preview (KG): median {results['html_country_median_ms']} ms, "
        f"p95 {results['html_country_p95_ms']} ms, max {results['html_country_max_ms']} ms ({SAVES} saves)"
    )
    print(
        f"  overview:             median {results['html_overview_median_ms']} ms, "
        f"p95 {results['html_overview_p95_ms']} ms ({SAVES} saves)"
    )
    print(f"  PDF on demand, warm:  median {results['pdf_median_s']} s, max {results['pdf_max_s']} s")
    print(
        f"  of which processor time: median {results['pdf_cpu_median_s']} s, max {results['pdf_cpu_max_s']} s "
        f"(1-minute load average {results['load_average_before_after'][0]} before, "  # type: ignore[index]
        f"{results['load_average_before_after'][1]} after, on {os.cpu_count()} cores)"  # type: ignore[index]
    )
    for name, met in results["targets_met"].items():  # type: ignore[union-attr]
        print(f"  {name} <= {TARGETS[name]}: {'met' if met else 'NOT met'}")
    target = REPO / "build" / "bench" / "preview_latency.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

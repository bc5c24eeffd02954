"""The side-by-side build benchmark: `make bench` runs it; it prints ratios and writes JSON.

Everything is measured in one run on the same machine and content:

(a) `briefgen build --force` of the bundled brief: DOCX and PDF for its five countries, beside
    the layout engine's floor (benchmarks/floor.py: one process imports WeasyPrint once and lays
    out briefgen's own HTML of each country as tagged PDF); the floor is what no build on two
    cores can beat: start-up + import + the sum of the layouts / 2; beside it, for information,
    the same floor run with briefgen's runtime settings (floor.py --tuned); and the same for a
    copy of the brief without its figures, against its own floor;
(b) a peer pipeline on the same tailored content: Markdown exported from each tailored brief,
    converted one country at a time by pandoc to DOCX, and to PDF through pandoc's WeasyPrint
    engine (the pypandoc-binary package);
(c) a no-op rebuild (nothing changed), end to end and inside the process;
(d) a synthetic brief of 50 countries x 40 recommendations with `--jobs 1` and `--jobs 2`, and
    its floor;
(e) preparing 500 recipients' stamped PDF copies (outbox delivery) against (a);
(f) the full build (every language) with and without its figures (`figures_cost.py`);
(g) one country's Russian documents against its English ones (same content, translated);
and the peak memory of a worker. Wall-clock seconds are the median of several runs; a build and
its floor, and (g)'s two languages, are run alternately, so that both see the same load.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import figures_cost  # noqa: E402
from peer_markdown import to_markdown  # noqa: E402
from synthetic import write_synthetic_brief  # noqa: E402

BRIEFGEN = [sys.executable, "-m", "briefgen"]
FLOOR = HERE / "floor.py"
TARGETS = {
    "full_over_floor": ("<=", 1.25),
    "no_figures_full_over_floor": ("<=", 1.25),
    "synthetic_over_floor": ("<=", 1.25),
    "peer_over_briefgen": (">=", 4.0),
    "noop_over_full": ("<=", 0.05),
    "jobs1_over_jobs2": (">=", 1.7),
    "peak_worker_rss_mb": ("<=", 400.0),
    "copies500_over_full": ("<", 2.0),
    "russian_over_english": ("<=", 1.10),
}


def timed(command: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    return elapsed, result.stdout


def median_of(runs: int, command: list[str], *, cwd: Path) -> tuple[float, list[float], str]:
    times, out = [], ""
    for _ in range(runs):
        seconds, out = timed(command, cwd=cwd)
        times.append(seconds)
    return statistics.median(times), times, out


def floor(html: Path, out: Path, *, tuned: bool = False) -> dict[str, float]:
    """Run the floor once over every HTML file under `html`; return its figures.

    The process is timed from outside (start-up, import, layouts, exit: `wall_s`); it reports
    its import and each layout. On two cores the layouts could at best run two at a time, so
    the floor is `wall_s - sum(layout_s) / 2` = start-up + import + sum(layout_s) / 2.
    `tuned`: the process runs with briefgen's runtime settings (see floor.py).
    """
    pages = sorted(str(p) for p in html.rglob("*.html"))
    from briefgen.render import templates_dir

    flags = ["--tuned"] if tuned else []
    command = [sys.executable, str(FLOOR), *flags, str(templates_dir()), str(out), *pages]
    wall, stdout = timed(command, cwd=REPO)
    data = json.loads(stdout)
    layouts = sum(data["layout_s"])
    return {"wall_s": wall, "import_s": data["import_s"], "layouts_s": layouts, "floor_s": wall - layouts / 2}


def build_and_floor(
    runs: int, build: list[str], html: Path, scratch: Path, *, cwd: Path, tuned: list[float] | None = None
) -> tuple[list[float], list[dict[str, float]], str]:
    """Time `runs` builds and `runs` floors, alternately (and tuned floors into `tuned`)."""
    builds, floors, out = [], [], ""
    for _ in range(runs):
        seconds, out = timed(build, cwd=cwd)
        builds.append(seconds)
        floors.append(floor(html, scratch))
        if tuned is not None:
            tuned.append(floor(html, scratch, tuned=True)["floor_s"])
    return builds, floors, out


def against_floor(
    brief: Path, place: Path, options: list[str], *, cwd: Path, runs: int = 5
) -> tuple[list[float], list[float]]:
    """Time `runs` forced builds of `brief` with `options`, alternating with the floor of the
    same documents' HTML; return the build seconds and the floor seconds of each run."""
    build = [*BRIEFGEN, "build", str(brief), "--out", str(place / "build"), "--force", "--quiet", *options]
    timed([*BRIEFGEN, "build", str(brief), "--out", str(place / "build"), "--quiet", *options], cwd=cwd)
    html = [*BRIEFGEN, "build", str(brief), "--format", "html", "--out", str(place / "html"), "--quiet"]
    timed([*html, *options], cwd=cwd)
    builds, floors, _ = build_and_floor(runs, build, place / "html", place / "floor", cwd=cwd)
    return builds, [f["floor_s"] for f in floors]


def cpu_seconds(command: list[str], *, cwd: Path) -> dict[str, float]:
    """Run `command` under /usr/bin/time -v; return its wall, user and system seconds and peak RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as report:
        timed(["/usr/bin/time", "-v", "-o", report.name, *command], cwd=cwd)
        text = report.read()
    fields = {}
    for line in text.splitlines():
        name, _, value = line.strip().rpartition(": ")
        fields[name] = value
    return {
        "user_s": float(fields["User time (seconds)"]),
        "system_s": float(fields["System time (seconds)"]),
        "max_rss_mb": int(fields["Maximum resident set size (kbytes)"]) / 1024,
    }


def peer_pipeline(work: Path) -> float:
    """Convert each country's exported Markdown with pandoc, to DOCX and to PDF (WeasyPrint)."""
    import pypandoc

    from briefgen.sources.loading import load_sources
    from briefgen.tailoring import tailor

    loaded = load_sources(work / "briefs" / "china-central-asia")
    exports = []
    for code in loaded.brief.countries:
        path = work / "peer" / f"{code}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_markdown(tailor(loaded, code)), encoding="utf-8")
        exports.append(path)
    pandoc = pypandoc.get_pandoc_path()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    started = time.perf_counter()
    for path in exports:  # one country at a time, as a script around pandoc would
        subprocess.run([pandoc, str(path), "-o", str(path.with_suffix(".docx"))], check=True, env=env)
        subprocess.run(
            [pandoc, str(path), "-o", str(path.with_suffix(".pdf")), "--pdf-engine=weasyprint"],
            check=True,
            env=env,
            capture_output=True,
        )
    return time.perf_counter() - started


def recipients_yaml(countries: list[str], per_country: int) -> str:
    lines = []
    for code in countries:
        for n in range(1, per_country + 1):
            lines.append(
                f"- {{id: {code.lower()}-office-{n:03d}, name: Head of Office {n}, title: Head of Office {n},"
                f" institution: Ministry of Foreign Affairs, country: {code}, channel: outbox}}"
            )
    return "\n".join(lines) + "\n"


def in_process_noop(brief: Path, out: Path) -> float:
    from briefgen.build import BuildRequest, build

    request = BuildRequest(briefs=(brief,), out=out)
    build(request)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        build(request)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    results: dict[str, object] = {"cores": os.cpu_count(), "python": sys.version.split()[0]}
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as tmp:
        work = Path(tmp)
        shutil.copytree(
            REPO / "briefs", work / "briefs", ignore=shutil.ignore_patterns("ledger.sqlite*", "outbox")
        )
        brief = work / "briefs" / "china-central-asia"

        print(
            "(a) briefgen build --force, bundled brief, DOCX + PDF, 5 countries, and the floor ...",
            flush=True,
        )
        english_only = ["--language", "en"]  # (a) stays the English documents; (g) compares languages
        build_cmd = [
            *BRIEFGEN,
            "build",
            str(brief),
            "--out",
            str(work / "build"),
            "--force",
            "--json",
            *english_only,
        ]
        timed(
            [*BRIEFGEN, "build", str(brief), "--out", str(work / "build"), "--quiet"], cwd=work
        )  # warm caches
        timed(
            [
                *BRIEFGEN,
                "build",
                str(brief),
                "--format",
                "html",
                "--out",
                str(work / "html"),
                "--quiet",
                *english_only,
            ],
            cwd=work,
        )
        tuned: list[float] = []
        full_runs, floors, _ = build_and_floor(
            5, build_cmd, work / "html", work / "floor", cwd=work, tuned=tuned
        )
        full = statistics.median(full_runs)
        results["full_build_s"] = full
        results["full_build_runs_s"] = full_runs
        results["floor_s"] = statistics.median(f["floor_s"] for f in floors)
        results["floor_runs_s"] = [f["floor_s"] for f in floors]
        results["floor_import_s"] = statistics.median(f["import_s"] for f in floors)
        results["floor_layouts_s"] = statistics.median(f["layouts_s"] for f in floors)
        results["floor_wall_s"] = statistics.median(f["wall_s"] for f in floors)
        results["tuned_floor_s"] = statistics.median(tuned)
        results["tuned_floor_runs_s"] = tuned

        # the same brief with its figures taken out, against its own floor: what the pipeline
        # costs beyond the layout engine, apart from drawing charts (measured in (f))
        bare = work / "bare"
        shutil.copytree(
            work / "briefs", bare / "briefs", ignore=shutil.ignore_patterns("ledger.sqlite*", "outbox")
        )
        bare_brief = bare / "briefs" / brief.name
        figures_cost.without_figures(bare_brief / "brief.yaml")
        bare_build, bare_floor = against_floor(bare_brief, bare, english_only, cwd=work)
        results["no_figures_full_build_s"] = statistics.median(bare_build)
        results["no_figures_full_build_runs_s"] = bare_build
        results["no_figures_floor_s"] = statistics.median(bare_floor)
        results["no_figures_floor_runs_s"] = bare_floor

        # every other language the brief declares, against the floor of its own HTML
        from briefgen.sources.loading import load_sources as _load

        others = [code for code in _load(brief).brief.languages if code != "en"]
        results["other_languages"] = others
        for code in others:
            print(f"(a) the same in {code} ...", flush=True)
            runs, floors_of = against_floor(brief, work / f"in-{code}", ["--language", code], cwd=work)
            results[f"full_build_{code}_s"] = statistics.median(runs)
            results[f"full_build_{code}_runs_s"] = runs
            results[f"floor_{code}_s"] = statistics.median(floors_of)
            results[f"floor_{code}_runs_s"] = floors_of
        results["full_build_main_process"] = cpu_seconds(build_cmd, cwd=work)  # workers are not its children

        print("(f) the same build with and without its figures ...", flush=True)
        results.update(figures_cost.measure(work / "figures"))

        print(
            "(b) peer pipeline: pandoc to DOCX and to PDF via WeasyPrint, one country at a time ...",
            flush=True,
        )
        peer_runs = [peer_pipeline(work) for _ in range(2)]
        results["peer_s"] = statistics.median(peer_runs)
        results["peer_runs_s"] = peer_runs

        print("(c) no-op rebuild ...", flush=True)
        timed([*BRIEFGEN, "build", str(brief), "--out", str(work / "build"), "--quiet"], cwd=work)
        noop, noop_runs_s, _ = median_of(
            5, [*BRIEFGEN, "build", str(brief), "--out", str(work / "build"), "--quiet"], cwd=work
        )
        results["noop_cli_s"] = noop
        results["noop_cli_runs_s"] = noop_runs_s
        results["noop_in_process_s"] = in_process_noop(brief, work / "build")
        startup, _, _ = median_of(3, [*BRIEFGEN, "--help"], cwd=work)
        results["cli_startup_s"] = startup

        print("(d) synthetic brief, 50 countries x 40 recommendations, --jobs 1 and --jobs 2 ...", flush=True)
        synthetic = write_synthetic_brief(work / "synthetic-briefs")
        timed(
            [
                *BRIEFGEN,
                "build",
                str(synthetic),
                "--format",
                "html",
                "--out",
                str(work / "synthetic-html"),
                "-q",
            ],
            cwd=work,
        )
        for jobs in (1, 2):
            command = [
                *BRIEFGEN,
                "build",
                str(synthetic),
                "--out",
                str(work / f"synthetic-{jobs}"),
                "--jobs",
                str(jobs),
                "--force",
                "--json",
            ]
            if jobs == 1:
                seconds, out = timed(command, cwd=work)
                runs = [seconds]
            else:
                runs, synthetic_floors, out = build_and_floor(
                    2, command, work / "synthetic-html", work / "synthetic-floor", cwd=work
                )
                results["synthetic_floor_s"] = statistics.median(f["floor_s"] for f in synthetic_floors)
                results["synthetic_floor_runs_s"] = [f["floor_s"] for f in synthetic_floors]
            summary = json.loads(out)
            results[f"synthetic_jobs{jobs}_s"] = statistics.median(runs)
            results[f"synthetic_jobs{jobs}_runs_s"] = runs
            results[f"synthetic_jobs{jobs}_peak_worker_rss_mb"] = summary["peak_worker_rss_mb"]
            results["synthetic_documents"] = len(summary["written"])

        print("(g) Kazakhstan's DOCX + PDF in English and in Russian ...", flush=True)
        language_runs: dict[str, list[float]] = {"en": [], "ru": []}
        for _ in range(7):  # alternately, so that both languages see the same load
            for language, runs in language_runs.items():
                seconds, _ = timed(
                    [
                        *BRIEFGEN,
                        "build",
                        str(brief),
                        "-c",
                        "KZ",
                        "-l",
                        language,
                        "--force",
                        "--quiet",
                        "--out",
                        str(work / "languages"),
                        "--jobs",
                        "1",
                    ],
                    cwd=work,
                )
                runs.append(seconds)
        for language, runs in language_runs.items():
            results[f"kz_{language}_s"] = statistics.median(runs)
            results[f"kz_{language}_runs_s"] = runs

        print("(e) 500 recipients' stamped PDF copies (outbox) ...", flush=True)
        from briefgen.sources.loading import load_sources

        countries = list(load_sources(brief).brief.countries)
        (brief / "recipients.yaml").write_text(
            recipients_yaml(countries, 500 // len(countries)), encoding="utf-8"
        )
        if not list((brief / "editions").glob("*.json")):
            timed([*BRIEFGEN, "release", str(brief)], cwd=work)
        # distribute sends the latest released edition: build that one first, so that the copies
        # are timed, not a build of the edition they are made from
        latest = max(int(path.stem) for path in (brief / "editions").glob("*.json") if path.stem.isdigit())
        timed(
            [
                *BRIEFGEN,
                "build",
                str(brief),
                "--edition",
                str(latest),
                "--out",
                str(work / "build"),
                "--quiet",
            ],
            cwd=work,
        )
        copies, _ = timed(
            [
                *BRIEFGEN,
                "distribute",
                str(brief),
                "--out",
                str(work / "build"),
                "--outbox",
                str(work / "outbox"),
                "--ledger",
                str(work / "ledger.sqlite"),
            ],
            cwd=work,
        )
        results["copies500_s"] = copies
        results["copies500_count"] = len(list((work / "outbox").glob("*.eml")))

    results["full_over_floor"] = results["full_build_s"] / results["floor_s"]  # type: ignore[operator]
    results["full_over_tuned_floor"] = results["full_build_s"] / results["tuned_floor_s"]  # type: ignore[operator]
    results["no_figures_full_over_floor"] = results["no_figures_full_build_s"] / results["no_figures_floor_s"]  # type: ignore[operator]
    for code in results["other_languages"]:  # type: ignore[attr-defined]
        results[f"full_over_floor_{code}"] = results[f"full_build_{code}_s"] / results[f"floor_{code}_s"]  # type: ignore[operator]
    results["synthetic_over_floor"] = results["synthetic_jobs2_s"] / results["synthetic_floor_s"]  # type: ignore[operator]
    results["peer_over_briefgen"] = results["peer_s"] / results["full_build_s"]  # type: ignore[operator]
    results["noop_over_full"] = results["noop_cli_s"] / results["full_build_s"]  # type: ignore[operator]
    results["noop_in_process_over_full"] = results["noop_in_process_s"] / results["full_build_s"]  # type: ignore[operator]
    results["jobs1_over_jobs2"] = results["synthetic_jobs1_s"] / results["synthetic_jobs2_s"]  # type: ignore[operator]
    results["peak_worker_rss_mb"] = max(
        results["synthetic_jobs1_peak_worker_rss_mb"], results["synthetic_jobs2_peak_worker_rss_mb"]
    )  # type: ignore[type-var]
    results["copies500_over_full"] = results["copies500_s"] / results["full_build_s"]  # type: ignore[operator]
    results["russian_over_english"] = results["kz_ru_s"] / results["kz_en_s"]  # type: ignore[operator]
    report(results)
    target = REPO / "build" / "bench" / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {target.relative_to(REPO)}")


def report(r: dict[str, object]) -> None:
    print()
    print(
        f"(a) briefgen build --force (5 countries, docx+pdf): {r['full_build_s']:.2f} s; "
        f"floor {r['floor_s']:.2f} s (import {r['floor_import_s']:.2f} s, layouts {r['floor_layouts_s']:.2f} s "
        f"in {r['floor_wall_s']:.2f} s); the floor with briefgen's runtime settings {r['tuned_floor_s']:.2f} s"
    )
    print(
        f"    the same brief without its figures: {r['no_figures_full_build_s']:.2f} s; "
        f"its floor {r['no_figures_floor_s']:.2f} s"
    )
    for code in r["other_languages"]:  # type: ignore[attr-defined]
        print(
            f"    the same in {code}: {r[f'full_build_{code}_s']:.2f} s; its floor {r[f'floor_{code}_s']:.2f} s"
        )
    print(f"(b) peer pipeline (pandoc, docx + pdf via WeasyPrint):  {r['peer_s']:.2f} s")
    print(
        f"(c) no-op rebuild: {r['noop_cli_s']:.2f} s end to end (CLI start-up alone {r['cli_startup_s']:.2f} s), "
        f"{r['noop_in_process_s'] * 1000:.0f} ms in process"
    )
    print(
        f"(d) synthetic 50x40 ({r['synthetic_documents']} documents): --jobs 1 {r['synthetic_jobs1_s']:.1f} s, "
        f"--jobs 2 {r['synthetic_jobs2_s']:.1f} s; floor {r['synthetic_floor_s']:.1f} s"
    )
    print(f"(e) 500 stamped copies: {r['copies500_s']:.2f} s ({r['copies500_count']} messages)")
    figures_cost.report(r)
    print(f"(g) Kazakhstan, DOCX + PDF: English {r['kz_en_s']:.2f} s, Russian {r['kz_ru_s']:.2f} s")
    print()
    print(f"{'ratio':<32}{'measured':>10}   target")
    rows = [
        ("full build / floor", "full_over_floor"),
        ("  / the floor run as briefgen's", "full_over_tuned_floor"),
        ("  the same without figures", "no_figures_full_over_floor"),
        *((f"  the same in {code}", f"full_over_floor_{code}") for code in r["other_languages"]),  # type: ignore[attr-defined]
        ("synthetic (--jobs 2) / floor", "synthetic_over_floor"),
        ("peer / briefgen", "peer_over_briefgen"),
        ("no-op / full (end to end)", "noop_over_full"),
        ("no-op / full (in process)", "noop_in_process_over_full"),
        ("jobs 1 / jobs 2", "jobs1_over_jobs2"),
        ("peak worker RSS (MB)", "peak_worker_rss_mb"),
        ("500 copies / full build", "copies500_over_full"),
        ("Russian / English (KZ)", "russian_over_english"),
    ]
    for label, key in rows:
        value = float(r[key])  # type: ignore[arg-type]
        op, goal = TARGETS.get(
            key, TARGETS["full_over_floor"] if key.startswith("full_over_floor_") else ("", None)
        )
        verdict = ""
        if goal is not None:
            met = {">=": value >= goal, "<=": value <= goal, "<": value < goal}[op]
            verdict = f"{op} {goal:g}  {'met' if met else 'NOT MET'}"
        print(f"{label:<32}{value:>10.3f}   {verdict}")


if __name__ == "__main__":
    main()

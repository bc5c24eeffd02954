"""The layout engine's floor: one process lays out briefgen's own HTML of each brief as tagged PDF.

Run as `python benchmarks/floor.py [--tuned] TEMPLATES OUT HTML...`: imports WeasyPrint once, then lays
out each HTML file (briefgen's `--format html` output, stylesheet inlined) with the options the
PDF renderer uses (PDF/UA-1, one shared font configuration, the templates folder as base URL)
and writes the PDF to OUT. Prints one JSON line: `import_s` and each document's `layout_s`
(render + write_pdf), measured with time.perf_counter. The caller times the whole process, so
start-up and exit are counted too; see `floor()` in run.py for the figure derived from it.

Standard library and WeasyPrint only: nothing of briefgen is imported, except with `--tuned`:
then the process runs as briefgen's own do, with its cycle collector (`briefgen.build.collector`:
seldom, and after each document) and WeasyPrint imported through `briefgen.render.engine`
(without a compiler run per library name). The plain floor is the yardstick; the tuned one says
how much of a build's lead over it is those two settings rather than the pipeline.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path


def main(templates: Path, out: Path, pages: list[Path], *, tuned: bool = False) -> None:
    started = time.perf_counter()
    after_a_document = None
    if tuned:
        from briefgen.build.collector import collect_after_a_document, tune_for_documents

        tune_for_documents()
        after_a_document = collect_after_a_document
        import briefgen.render.engine  # noqa: F401  (WeasyPrint, imported as briefgen imports it)
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    imported = time.perf_counter()
    font_config = FontConfiguration()
    cache: dict[str, object] = {}
    base_url = templates.resolve().as_uri() + "/"
    out.mkdir(parents=True, exist_ok=True)
    layouts = []
    for page in pages:
        begin = time.perf_counter()
        markup = page.read_text(encoding="utf-8")
        identifier = hashlib.sha256(markup.encode("utf-8")).hexdigest()[:32].encode("ascii")
        document = HTML(string=markup, base_url=base_url).render(
            font_config=font_config, cache=cache, pdf_variant="pdf/ua-1"
        )
        pdf = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=identifier)
        (out / page.with_suffix(".pdf").name).write_bytes(pdf)
        if after_a_document is not None:
            after_a_document()
        layouts.append(time.perf_counter() - begin)
    print(json.dumps({"import_s": imported - started, "layout_s": layouts}))


if __name__ == "__main__":
    arguments = sys.argv[1:]
    tuned = arguments[:1] == ["--tuned"]
    arguments = arguments[1:] if tuned else arguments
    main(Path(arguments[0]), Path(arguments[1]), [Path(p) for p in arguments[2:]], tuned=tuned)

"""Nothing in the code depends on one brief, region or country list."""

from __future__ import annotations

import re

import pytest

from conftest import REPO

NAMES = re.compile(
    r"Kazakh|Kyrgyz|Tajik|Turkmen|Uzbek|China|Chinese|Central Asia|china-central-asia"
    r"|['\"`](KZ|KG|TJ|TM|UZ)['\"`]"
)


@pytest.mark.unit
def test_the_package_names_no_country_region_or_brief() -> None:
    offending = []
    for path in sorted((REPO / "src").rglob("*")):
        if path.suffix in {".py", ".html", ".css", ".txt", ".j2"}:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if NAMES.search(line):
                    offending.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    for path in sorted((REPO / "templates").rglob("*")) if (REPO / "templates").exists() else []:
        if path.is_file() and path.suffix in {".html", ".css", ".j2", ".txt"}:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if NAMES.search(line):
                    offending.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offending == []

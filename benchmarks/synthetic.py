"""Write a synthetic brief of many countries and recommendations, for benchmarks."""

from __future__ import annotations

import random
import string
from pathlib import Path

WORDS = [
    "policy",
    "water",
    "trade",
    "energy",
    "debt",
    "finance",
    "transparency",
    "corridor",
    "railway",
    "pipeline",
    "investment",
    "ministry",
    "reform",
    "market",
    "border",
    "security",
    "migration",
    "remittance",
    "credit",
    "agreement",
    "region",
]


CLAIM_WORDS = [
    "tonnes",
    "exports",
    "tariffs",
    "lenders",
    "bonds",
    "wages",
    "ports",
    "grids",
    "harvests",
    "loans",
    "arrears",
    "refineries",
    "customs",
    "freight",
]
"""The evidence's own words: a claim that repeated the analysis would be warned about."""


def _sentence(rng: random.Random, n: int = 14, words: list[str] = WORDS) -> str:
    words = [rng.choice(words) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _codes(n: int) -> list[str]:
    letters = string.ascii_uppercase
    return [a + b for a in letters for b in letters][:n]


def write_synthetic_brief(root: Path, countries: int = 50, recommendations: int = 40, seed: int = 7) -> Path:
    """Write `root/countries/*.yaml` and `root/synthetic/…`; return the brief folder."""
    rng = random.Random(seed)
    codes = _codes(countries)
    (root / "countries").mkdir(parents=True, exist_ok=True)
    brief = root / "synthetic"
    (brief / "recommendations").mkdir(parents=True, exist_ok=True)
    for code in codes:
        share = round(rng.random(), 2)
        stress = round(rng.uniform(0, 5), 1)
        (root / "countries" / f"{code}.yaml").write_text(
            f"code: {code}\nname: Country {code}\nofficial_name: Republic of {code}\ncapital: City {code}\n"
            "facts:\n"
            f"  debt_share: {{value: {share}, year: 2020, source: src1, label: Debt share, unit: share}}\n"
            f"  stress: {{value: {stress}, year: 2021, source: src2, label: Stress index}}\n"
            f"  coastal: {{value: {str(rng.random() < 0.5).lower()}, label: Coastal}}\n"
            f"highlights:\n  - {_sentence(rng, 10)}\n  - {_sentence(rng, 8)}\n",
            encoding="utf-8",
        )
    sections = "".join(
        f"  - heading: Section {i}\n    body: |\n      {_sentence(rng, 60)} [@src{i % 5 + 1}, p. {i}]\n\n"
        f"      {_sentence(rng, 50)}^[{_sentence(rng, 8)}]\n"
        for i in range(1, 5)
    )
    (brief / "brief.yaml").write_text(
        "id: synthetic\ntitle: A Synthetic Brief\nsubtitle: For benchmarks\nseries: Bench\n"
        "organisation: Benchmark Institute\ndate: 2024-01-01\nedition: 1\nlanguage: en\nmarking: OFFICIAL\n"
        f"summary: |\n  {_sentence(rng, 80)}\n\n  {_sentence(rng, 60)} [@src1]\n"
        f"sections:\n{sections}"
        "scenarios:\n  up: {label: Growth, facts: {economy: up}}\n  down: {label: Slump, facts: {economy: down}}\n"
        f"scenario: up\ncountries: [{', '.join(codes)}]\n",
        encoding="utf-8",
    )
    conditions = [
        "",
        "  when: {fact: country.debt_share, gte: 0.3}\n",
        "  when:\n    any:\n      - {fact: scenario.economy, equals: up}\n      - {fact: country.coastal, equals: true}\n",
        "  when:\n    all:\n      - {fact: country.stress, lt: 4}\n      - {not: {fact: country.coastal, equals: false}}\n",
    ]
    for i in range(1, recommendations + 1):
        some = rng.sample(codes, k=min(3, len(codes)))
        evidence = "".join(
            f'  - claim: {_sentence(rng, 16, CLAIM_WORDS)}\n    source: src{rng.randint(1, 5)}\n    pages: "{rng.randint(1, 90)}"\n'
            + (f"    countries: [{rng.choice(codes)}]\n" if j % 2 else "")
            for j in range(4)
        )
        (brief / "recommendations" / f"rec-{i:03d}.yaml").write_text(
            f"id: rec-{i:03d}\ntitle: Recommendation number {i}\npriority: {rng.randint(1, 5)}\n"
            f"trigger:\n  summary: {_sentence(rng)}\n{conditions[i % len(conditions)]}"
            f"action:\n  summary: {_sentence(rng)}\n  steps:\n    - {_sentence(rng)}\n    - {_sentence(rng)}\n    - {_sentence(rng)}\n"
            f"rationale: {_sentence(rng, 40)}\nevidence:\n{evidence}"
            f"country_notes:\n  {some[0]}: {_sentence(rng, 20)}\n",
            encoding="utf-8",
        )
    works = "".join(
        f'src{i}:\n  type: report\n  author: ["Author{i}, A"]\n  title: Work {i}\n  year: {2015 + i}\n'
        for i in range(1, 6)
    )
    # the bibliography every brief shares: the profiles' facts cite it too
    (root / "countries" / "sources.yaml").write_text(works, encoding="utf-8")
    (brief / "sources.yaml").write_text("{}\n", encoding="utf-8")
    return brief

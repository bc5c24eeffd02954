"""The README's distribution cycle runs as printed, on a fresh copy of the bundled brief."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

BRIEFGEN = str(Path(sys.executable).parent / "briefgen")
CYCLE = ("distribute", "ledger", "outdated")
"""The commands of the distribution cycle."""


def readme_commands(*names: str) -> list[str]:
    """Return every `briefgen NAME …` line of the README's shell blocks, as printed (comments cut)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```sh\n(.*?)```", readme, flags=re.DOTALL):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["briefgen"] and len(words) > 1 and words[1] in names:
                found.append(shlex.join(words))
    return found


@pytest.mark.unit
def test_the_readme_prints_the_whole_distribution_cycle() -> None:
    commands = readme_commands(*CYCLE)
    assert commands == [
        "briefgen distribute briefs/china-central-asia --dry-run",
        "briefgen distribute briefs/china-central-asia --channel outbox",
        "briefgen ledger briefs/china-central-asia",
        "briefgen outdated briefs/china-central-asia",
    ]


@pytest.mark.slow
def test_every_distribution_command_of_the_readme_runs_on_a_fresh_clone(tmp_path: Path) -> None:
    """A new user's first distribution: the released editions carry every language the
    recipients read, so each command exits 0 exactly as the README prints it."""
    clone = tmp_path / "clone"
    shutil.copytree(
        REPO / "briefs", clone / "briefs", ignore=shutil.ignore_patterns("ledger.sqlite*", "outbox")
    )
    commands = readme_commands(*CYCLE)
    assert len(commands) == 4
    outputs = {}
    for command in commands:
        words = shlex.split(command)
        done = subprocess.run([BRIEFGEN, *words[1:]], cwd=clone, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        outputs[command] = done.stdout
    russian = "kz-economy-director-investment"
    dry, outbox, ledger, outdated = outputs.values()
    assert f"planned  {russian} (KZ, ru)" in dry
    assert re.search(rf"written to outbox  {russian} \(KZ, ru\) copy \d{{3}} by outbox", outbox)
    assert (clone / "briefs/china-central-asia/outbox/e2" / f"{russian}.eml").is_file()
    assert re.search(rf"{russian} +KZ +ru +no edition +\[edition 2 written to outbox\]", ledger)
    assert "edition 2 would be the first" in outdated and "edition 1 would be" not in outdated

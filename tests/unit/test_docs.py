"""The README documents every command (as sqlite-utils' test_docs does)."""

from __future__ import annotations

from diagnosis.cli import COMMANDS
from tests.conftest import ROOT


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in COMMANDS if f"`diagnosis {name}" not in readme]
    assert missing == []


def test_the_readme_opens_with_the_two_commands():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```bash") + 1 : lines.index("```")]
    assert [line.split("#")[0].strip() for line in block] == ["./dev run", "./dev test"]

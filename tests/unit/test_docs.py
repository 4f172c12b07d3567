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


def ownership_map() -> list[tuple[str, str]]:
    """CONTRIBUTING's "Who owns which rule": (rule, owner cell) per row."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8").split("## Who owns which rule\n")[1].split("\n## ")[0]
    rows = [line.strip("|").split(" | ") for line in text.splitlines() if line.startswith("| ") and not line.startswith(("| Rule ", "| ---"))]
    return [(rule.strip(), owner.strip()) for rule, owner in rows]


def test_contributing_maps_each_rule_to_a_module_and_names_that_exist():
    import importlib
    import re

    rows = ownership_map()
    assert 20 <= len(rows) <= 30  # one screen
    for rule, owner in rows:
        for part in owner.split(";"):
            path, *names = re.findall(r"`([^`]+)`", re.sub(r"\([^)]*\)", "", part))
            assert (ROOT / path).is_file(), f"{rule}: {path} does not exist"
            module = importlib.import_module(path.removesuffix(".py").removesuffix("/__init__").replace("/", "."))
            for name in names:
                owner_object = module
                for attr in name.split("."):
                    assert hasattr(owner_object, attr), f"{rule}: {path} has no {name}"
                    owner_object = getattr(owner_object, attr)

"""The domain core stays free of Streamlit, so it runs in the CLI, tests and reports alike."""

from __future__ import annotations

import ast

from tests.conftest import ROOT


def test_no_module_of_the_domain_core_imports_streamlit():
    offenders = []
    for path in (ROOT / "diagnosis").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "streamlit" or n.startswith("streamlit.") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_no_two_test_modules_share_a_file_name():
    """The test folders are not packages: pytest imports each module by its file name, so a second
    tests/*/test_x.py stops the run with "import file mismatch"."""
    seen: dict[str, list[str]] = {}
    for path in (ROOT / "tests").rglob("test_*.py"):
        seen.setdefault(path.name, []).append(str(path.relative_to(ROOT)))
    assert {name: paths for name, paths in seen.items() if len(paths) > 1} == {}

"""One way to pick Chinese or English: `diagnosis.i18n.pick` (issue 17 item 5).

A module keeping its own little `_t(pair, lang)` or `t(zh, en)` picker is a second place that
decides which language a label is in (and how a missing or unknown language falls back)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from diagnosis import economics, plan
from diagnosis.demo import demo_project
from diagnosis.i18n import pick

ROOT = Path(__file__).resolve().parents[2]


def _own_pickers(path: Path) -> list[str]:
    """Functions whose whole body is `return A if <something> == "zh" else B` (a docstring aside)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        if len(body) == 1 and isinstance(body[0], ast.Return) and isinstance(body[0].value, ast.IfExp):
            test = body[0].value.test
            if isinstance(test, ast.Compare) and any(isinstance(side, ast.Constant) and side.value in ("zh", "en")
                                                     for side in (test.left, *test.comparators)):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    return found


def test_no_module_but_i18n_keeps_its_own_language_picker():
    files = [p for folder in ("diagnosis", "ui", "app_pages") for p in sorted((ROOT / folder).rglob("*.py"))]
    assert len(files) > 50
    pickers = [f for p in files for f in _own_pickers(p)]
    assert [f.split(":")[0] for f in pickers] == ["diagnosis/i18n.py"], pickers


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_plan_economics_and_demo_words_are_in_the_asked_language(lang):
    # what the replaced pickers chose, now through pick: spot checks a user reads in each language
    assert plan.horizon_label("short", lang) == pick(lang, "短期速赢（1 个月内）", "Short-term quick wins (within 1 month)")
    assert economics.currency(lang) == pick(lang, "元", "yuan")
    assert economics.quadrant_label("quick_win", lang, short=True) == pick(lang, "速赢", "Quick win")
    project = demo_project(lang)
    assert project.meta.title == pick(lang, "在线商城客服中心流程诊断（2025年8月）", "Online shop service centre diagnosis (August 2025)")

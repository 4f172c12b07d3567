"""Regressions found in a QA pass through the browser: English punctuation, month labels (undo in step 3: test_causes_undo)."""

from __future__ import annotations

from tests.ui.conftest import start_causes
from tests.ui.conftest import start_step as start_plan


def test_causes_left_out_of_the_ranking_use_english_punctuation_in_english():
    at = start_causes("pareto", lang="en")
    warning = next(w.value for w in at.warning if "Left out of the ranking" in w.value)
    assert "（" not in warning and "：" not in warning
    assert "(Machine): no value" in warning


def test_one_month_checkpoints_are_singular_in_english():
    at = start_plan("evaluation", setup="csat_alert")
    table = next(df.value for df in at.dataframe if "Checkpoint" in df.value.columns)
    assert "1 month" in set(table["Checkpoint"]) and "1 months" not in set(table["Checkpoint"])
    alert = next(e.value for e in at.error if "CSAT below 76" in e.value)
    assert "、" not in alert

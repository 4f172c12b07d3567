"""Regressions found in a QA pass through the browser: undo in step 3, English punctuation, month labels."""

from __future__ import annotations

from tests.ui.test_causes_editor import by_key, causes
from tests.ui.test_causes_editor import start as start_causes
from tests.ui.test_plan_editors import start as start_plan


def test_undoing_a_cause_edit_resets_the_edit_form_so_saving_again_does_not_redo_it():
    at = start_causes(lang="en")
    at.selectbox(key="causes.selected").select("c01")
    at.run()
    original = causes(at)[0].text
    at.text_input(key="causes.edit.c01.text").input("Changed by mistake")
    by_key(at.button, "causes.edit.c01.save").click().run()
    by_key(at.button, "causes.undo").click().run()
    assert at.text_input(key="causes.edit.c01.text").value == original
    by_key(at.button, "causes.edit.c01.save").click().run()
    assert causes(at)[0].text == original


def test_undoing_a_problem_edit_keeps_the_restored_problem():
    at = start_causes(lang="en")
    original = at.session_state.project.fishbone.problem
    at.text_area(key="causes.problem").input("A different problem").run()
    assert at.session_state.project.fishbone.problem == "A different problem"
    by_key(at.button, "causes.undo").click().run()
    at.run()
    assert at.session_state.project.fishbone.problem == original
    assert at.text_area(key="causes.problem").value == original


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

"""Step 6 in the whole app: the results, charts and tests are worked out once per stored revision
(ui.state.by_revision), so a new value must show at once, in this session and in another one."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from tests.ui.conftest import APP, PATIENCE, open_demo, open_id


def _results(at: AppTest):
    return next(d.value for d in at.dataframe if "测量值" in d.value.columns and "达标" in d.value.columns)


def _chart_values(at: AppTest) -> list[float]:
    values: list[float] = []
    for chart in at.get("arrow_vega_lite_chart") + at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        for layer in spec.get("layer", []):
            values += [row.get("value") for row in (layer.get("data") or {}).get("values", [])]
    return values


def test_a_new_value_shows_at_once_in_the_results_and_the_chart_of_every_session(app):
    open_demo(app)
    app.switch_page("app_pages/evaluation.py").run()
    assert not app.exception
    before = _results(app)
    assert 987.0 not in list(before["测量值"]) and 987.0 not in _chart_values(app)
    metric = app.selectbox(key="evaluation.form.metric")
    app.number_input(key="evaluation.form.value").set_value(987.0)
    app.selectbox(key="evaluation.form.checkpoint").set_value(6)
    next(b for b in app.button if b.proto.is_form_submitter and b.label == "保存测量值").click().run()
    assert not app.exception
    after = _results(app)
    row = after[(after["测量值"] == 987.0) & (after["节点"] == "6 个月")]
    assert list(row["指标"]) == [metric.format_func(metric.value)]
    assert 987.0 in _chart_values(app)
    # another laptop opening the project now sees the stored value, not a view of the revision before
    other = AppTest.from_file(APP, default_timeout=PATIENCE)
    other.query_params["project"] = open_id(app)
    other.run()
    other.switch_page("app_pages/evaluation.py").run()
    assert not other.exception
    assert 987.0 in list(_results(other)["测量值"])


def test_a_value_recorded_while_a_colleague_saves_is_kept(app, monkeypatch):
    """A colleague's save lands while the run of this session's "save value" is going on (after the
    run picked up the newest revision, before the page is drawn): the run must go on and save the
    value, merged with the colleague's. It used to stop and start again to show the colleague's
    change, and the click on the form's button counts once: the value was lost without a word."""
    from diagnosis import evaluation as ev
    from diagnosis.store import Store
    from ui import nav

    open_demo(app)
    app.switch_page("app_pages/evaluation.py").run()
    project_id = open_id(app)
    draw_sidebar, colleague = nav.sidebar, []

    def sidebar_while_a_colleague_saves(page):
        draw_sidebar(page)
        if colleague:
            store = Store()
            head = store.load(project_id)
            head.project.answers["process_steps_removed"] = 3
            store.commit(head.project, "colleague", "answer process_steps_removed", base_revision=head.revision)
            colleague.clear()

    monkeypatch.setattr(nav, "sidebar", sidebar_while_a_colleague_saves)
    metric = app.selectbox(key="evaluation.form.metric").value
    app.number_input(key="evaluation.form.value").set_value(987.0)
    app.selectbox(key="evaluation.form.checkpoint").set_value(6)
    colleague.append(True)
    next(b for b in app.button if b.proto.is_form_submitter and b.label == "保存测量值").click().run()
    assert not app.exception and not colleague  # the colleague saved during that run
    stored = Store().load(project_id).project
    assert stored.answers["process_steps_removed"] == 3
    assert ev.value_at(stored.evaluation, metric, 6).value == 987.0


def test_a_rerun_does_not_set_a_field_that_already_shows_the_stored_answer(app):
    """A value set from Python replaces what the browser shows in the field: done on every run,
    a rerun for a colleague's save (or any other) threw away the keys being typed there."""
    from diagnosis.store import Store

    open_demo(app)
    app.switch_page("app_pages/evaluation.py").run()
    app.number_input(key="evaluation.process_steps_removed").set_value(3).run()
    app.run()  # a rerun with nothing changed
    field = app.number_input(key="evaluation.process_steps_removed")
    assert field.value == 3 and not field.proto.set_value
    store = Store()  # a colleague changes it: then the field shows the colleague's value
    head = store.load(open_id(app))
    head.project.answers["process_steps_removed"] = 5
    store.commit(head.project, "colleague", "answer process_steps_removed", base_revision=head.revision)
    app.run()
    field = app.number_input(key="evaluation.process_steps_removed")
    assert field.value == 5 and field.proto.set_value


def test_a_notice_at_the_top_of_a_step_moves_nothing_below_it(app):
    """A notice (e.g. "merged with a colleague's save") is shown for one run. Everything after it
    must keep its place when it comes and goes: a moved widget is drawn anew by the browser, which
    drops the focus and the keys being typed in it."""
    open_demo(app)
    app.switch_page("app_pages/evaluation.py").run()
    quiet = len(app.main.children)
    app.session_state["state.flash"] = ("info", "merged with a colleague's save", "page")
    app.run()
    assert [m.value for m in app.info] == ["merged with a colleague's save"]
    assert len(app.main.children) == quiet
    app.run()  # the notice is gone
    assert not app.info and len(app.main.children) == quiet

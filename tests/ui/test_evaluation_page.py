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

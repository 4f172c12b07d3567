"""Step 6's control chart in AppTest: a metric selector, the chart, its signals and the alerts on the series."""

from __future__ import annotations

import json

from tests.ui.conftest import charts, tables_with
from tests.ui.conftest import start_step as start


def control_chart(at) -> list[str]:
    """The control chart's Vega-Lite spec as text (the proto escapes Chinese as \\uXXXX)."""
    specs = [json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in charts(at)]
    return [s for s in specs if "control chart" in s or "控制图" in s]


def test_the_evaluation_draws_the_chosen_metrics_control_chart_with_its_signals():
    at = start("evaluation")
    assert at.selectbox(key="evaluation.spc.metric").value == "frt_mean"
    at.selectbox(key="evaluation.spc.metric").set_value("complaint_rate").run()
    assert not at.exception
    [chart] = control_chart(at)
    assert "Complaint rate: control chart" in chart and "Rules fired" in chart
    assert any(c.value.startswith("p\\-chart \\(daily, varying n") for c in at.caption)
    # the chart and the before/after tests in words: FCR unchanged, the complaint rate's signals since the launch
    said = [m.value.replace("\\", "") for m in at.markdown]  # md() escapes markdown's characters
    assert any("signals since the launch: Complaint rate (" in m for m in said), said
    assert any(m.startswith("At 3 months: 6 improved significantly") and "1 show no detectable change (First" in m for m in said), said
    signals = tables_with(at, "Rule")[0]
    assert len(signals) >= 1 and set(signals["Stage"]) <= {"baseline stage", "after launch (and 7 measure(s) live)"}
    # the complaint rule (above 3 % twice in a row) fires on the daily series in August
    assert any("Complaint rate above 3% twice in a row" in w.value and "2025\\-08" in w.value for w in at.warning)


def test_the_weekly_series_without_stages_keeps_one_stage_and_says_so_in_chinese():
    at = start("evaluation", lang="zh")
    at.radio(key="evaluation.spc.interval").set_value("week")
    at.checkbox(key="evaluation.spc.stages").uncheck().run()
    assert not at.exception
    [chart] = control_chart(at)
    assert "周（首日）" in chart and "上线后" not in chart
    assert any("控制限取自基线期，延用到整个序列" in c.value for c in at.caption)
    at.selectbox(key="evaluation.spc.metric").set_value("csat_mean").run()
    # the 1-5 CSAT rule gives way to the rule of the row's own 0-100 scale, and says so
    assert any("csat\\_low" in c.value and "适用规则 csat\\_low\\_100" in c.value for c in at.caption)

"""The report's control charts: one line on the method, the chart of every bound metric, the signals and series alerts."""

from __future__ import annotations

from typing import Any

from diagnosis import cells, evaluation, series_alerts, spc, spc_chart
from diagnosis.i18n import tr
from diagnosis.report.inputs import ReportInput
from diagnosis.report.document import Bullets, Note, Paragraph, Table
from diagnosis.report.figures import chart_figure, grid

FONT = "Noto Sans CJK SC"


def spc_blocks(inp: ReportInput) -> list[Any]:
    t = inp.t
    charts = spc.project_charts(inp.project, inp.questionnaire)
    if not charts:
        return []
    lang = inp.lang
    blocks: list[Any] = [Paragraph(t("控制图（特殊原因判异）", "Control charts (special causes)"), emphasis=True),
                         # one sentence per kind of chart the metrics use (p-chart, XmR)
                         Paragraph(t("方法：", "Method: ") + " ".join(dict.fromkeys(c.method(lang) for c in charts)))]
    # one figure for all metrics: one conversion instead of one per chart; one chart a row, so
    # the grid is the page's width with every label at print size
    charts_grid = grid([spc_chart.chart(c, lang, width=470, height=170) for c in charts], columns=1,
                       config={"axis": {"labelFont": FONT, "titleFont": FONT}, "title": {"font": FONT}, "legend": {"labelFont": FONT}})
    blocks.append(Bullets(spc.reading(charts, lang)))
    blocks.append(chart_figure(charts_grid, t("各指标控制图：控制限按阶段，红点为异常信号", "Control chart per metric: limits per stage, signals in red"), "control-charts"))
    rows = [[c.label(lang), s.rule_label(lang), next(st.label(lang) for st in c.stages if st.index == s.stage),
             cells.date(s.days[0]), cells.date(s.days[-1]), len(s.days)] for c in charts for s in c.signals]  # fmt: skip
    if rows:
        blocks.append(Table([t("指标", "Metric"), t("判异规则", "Rule"), t("阶段", "Stage"), t("起", "From"), t("止", "To"), t("点数", "Points")],
                            rows, caption=t("异常信号", "Signals"), sheet=t("控制图信号", "Control-chart signals"), numeric={5}))
    else:
        blocks.append(Note(t("控制图没有异常信号。", "No control chart shows a special cause.")))
    found = series_alerts.series_alerts(inp.project, inp.questionnaire, interval="week")
    if found.fired:
        blocks.append(Table([t("预警规则", "Alert rule"), t("指标", "Row"), t("起", "From"), t("止", "To"), t("次数", "Times"), t("行动", "Action")],
                            [[evaluation.rule_condition(a.rule, "", lang, a.bound).strip(), a.row_label(lang), cells.date(a.days[0]), cells.date(a.days[-1]), len(a.values), tr(a.rule.action, lang)] for a in found.fired],
                            caption=t("按周序列触发的预警", "Alerts fired on the weekly series"), numeric={4}))  # fmt: skip
    if found.notes:
        blocks.append(Note(" ".join(n.text(lang) for n in found.notes)))
    return blocks

"""Step 4: what the plan costs and what it gains, and where each measure sits on effort/impact.

Each measure may carry an investment (`invest_once`, one-off; `invest_yearly`, running cost
per year) and an expected yearly benefit (`benefit_yearly`: savings or retained value), all
in the plan's currency: the step-4 answer `currency` (a code of `CURRENCIES`, default `DEFAULT_CURRENCY`,
CNY), read by `plan_currency` and written after every amount by `money`. A measure without any of
the three is left out of the totals. For a measure or the whole plan:

- net yearly benefit = yearly benefit - running cost per year,
- payback (months) = 12 * one-off / net yearly benefit; 0 without a one-off investment;
  none ("not paid back") when the net yearly benefit is not positive,
- ROI in the first year = (benefit - running - one-off) / (one-off + running),
- ROI over 3 years = (3 * benefit - 3 * running - one-off) / (one-off + 3 * running),
  as percentages; none when nothing is invested.

Effort and impact use the priority inputs (`diagnosis.plan`): effort is the resource cost
(1-5), impact the urgency and importance averaged with the questionnaire's `priority`
weights (1-5). Both split at the scale's midpoint `MIDPOINT` (3): 3 and above is high.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from diagnosis.i18n import months_text, pick
from diagnosis.project.model import Measure
from diagnosis.questionnaire.model import Priority

if TYPE_CHECKING:  # Altair loads when the chart is drawn
    import altair as alt

    from diagnosis.project.model import Project

    from diagnosis.plan import PlanRow

# the plan's currency: the code the step-4 question `currency` stores -> its name after an amount (zh, en)
CURRENCY_QUESTION = "currency"
DEFAULT_CURRENCY = "CNY"
CURRENCIES = {
    "CNY": ("元", "yuan"),
    "USD": ("美元", "USD"),
    "EUR": ("欧元", "EUR"),
    "HKD": ("港元", "HKD"),
    "GBP": ("英镑", "GBP"),
    "JPY": ("日元", "JPY"),
    "SGD": ("新加坡元", "SGD"),
}
YEARS = 3
MIDPOINT = 3.0

QUADRANTS = {  # (high impact, high effort) -> id
    (True, False): "quick_win",
    (True, True): "major_project",
    (False, False): "fill_in",
    (False, True): "reconsider",
}
QUADRANT_LABELS = {
    "quick_win": ("速赢：影响大、投入小", "Quick wins: high impact, low effort"),
    "major_project": ("重点项目：影响大、投入大", "Major projects: high impact, high effort"),
    "fill_in": ("顺手做：影响小、投入小", "Fill-ins: low impact, low effort"),
    "reconsider": ("慎做：影响小、投入大", "Reconsider: low impact, high effort"),
}


def plan_currency(project: "Project") -> str:
    """The code of the currency the project's amounts are in (its step-4 answer, else CNY)."""
    code = project.answers.get(CURRENCY_QUESTION)
    return code if isinstance(code, str) and code else DEFAULT_CURRENCY


def currency(lang: str, code: str = DEFAULT_CURRENCY) -> str:
    """The currency's name written after an amount: "元" / "yuan", "美元" / "USD"; an unknown code as it is."""
    return pick(lang, *CURRENCIES[code]) if code in CURRENCIES else code


@dataclass(frozen=True)
class Economics:
    """Cost and benefit of one measure or of the plan (sums over its measures)."""

    one_off: float
    running: float  # per year
    benefit: float  # per year

    @property
    def net_yearly(self) -> float:
        return self.benefit - self.running

    @property
    def payback_months(self) -> Optional[float]:
        if self.net_yearly <= 0:
            return None
        return round(12 * self.one_off / self.net_yearly, 1)

    def roi_percent(self, years: int = 1) -> Optional[float]:
        invested = self.one_off + years * self.running
        if invested <= 0:
            return None
        return round(100 * (years * self.benefit - years * self.running - self.one_off) / invested, 1)

    @property
    def roi_first_year(self) -> Optional[float]:
        return self.roi_percent(1)

    @property
    def roi_three_years(self) -> Optional[float]:
        return self.roi_percent(YEARS)


def has_economics(measure: Measure) -> bool:
    return any(v is not None for v in (measure.invest_once, measure.invest_yearly, measure.benefit_yearly))


def of_measure(measure: Measure) -> Optional[Economics]:
    """The measure's cost and benefit, None when it gives none of them."""
    if not has_economics(measure):
        return None
    return Economics(measure.invest_once or 0.0, measure.invest_yearly or 0.0, measure.benefit_yearly or 0.0)


def of_plan(measures: list[Measure]) -> Optional[Economics]:
    """The plan's totals over the measures that give a cost or a benefit, None when none does."""
    given = [e for e in (of_measure(m) for m in measures) if e is not None]
    if not given:
        return None
    return Economics(sum(e.one_off for e in given), sum(e.running for e in given), sum(e.benefit for e in given))


def money(value: float, lang: str, code: str) -> str:
    """"12,000 元" / "12,000 yuan", "12,000 美元" / "12,000 USD" (`code`: `plan_currency`)."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {currency(lang, code)}"


def payback_text(e: Economics, lang: str) -> str:
    months = e.payback_months
    if months is None:
        return pick(lang, "无法回本（年收益不高于运行成本）", "not paid back (yearly benefit does not exceed running cost)")
    return months_text(f"{months:g}", lang)


def roi_text(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:+,.1f}%"


def rule_text(lang: str) -> str:
    """How payback and ROI are computed, in one sentence under the totals."""
    return pick(lang, "回本周期 = 一次性投入 ÷（年收益 − 年运行成本）× 12；首年投资回报率 =（年收益 − 年运行成本 − 一次性投入）÷"
                f"（一次性投入 + 年运行成本）；{YEARS} 年投资回报率按 {YEARS} 年的收益与运行成本计算。只计入填写了投入或收益的措施。",
                "Payback = one-off / (yearly benefit - running cost) x 12 months; ROI year 1 = (benefit - running - one-off) / "
                f"(one-off + running); the {YEARS}-year ROI counts {YEARS} years of benefit and running cost. Only measures that give "
                "a cost or a benefit count.")


# --- effort and impact ---------------------------------------------------------------------


def impact(measure: Measure, priority: Priority) -> float:
    """Urgency and importance averaged with their priority weights (equal when both weigh 0)."""
    wu, wi = priority.urgency, priority.importance
    if wu + wi <= 0:
        wu = wi = 1.0
    return round((measure.urgency * wu + measure.importance * wi) / (wu + wi), 2)


def effort(measure: Measure) -> float:
    return float(measure.cost)


def quadrant(measure: Measure, priority: Priority) -> str:
    return QUADRANTS[(impact(measure, priority) >= MIDPOINT, effort(measure) >= MIDPOINT)]


QUADRANT_NAMES = {"quick_win": ("速赢", "Quick win"), "major_project": ("重点项目", "Major project"),
                  "fill_in": ("顺手做", "Fill-in"), "reconsider": ("慎做", "Reconsider")}


def quadrant_label(quadrant_id: str, lang: str, short: bool = False) -> str:
    return pick(lang, *(QUADRANT_NAMES if short else QUADRANT_LABELS)[quadrant_id])


def matrix_chart(rows: list[PlanRow], lang: str) -> alt.Chart:
    """The 2x2 effort-impact matrix: one numbered point per measure (its place in `rows`),
    coloured by quadrant, the quadrant names in the corners, lines at the midpoint."""
    import altair as alt

    t = {k: pick(lang, *v) for k, v in {
        "effort": ("投入（资源成本 1-5）", "Effort (resource cost 1-5)"),
        "impact": ("影响（紧急度与重要度加权 1-5）", "Impact (weighted urgency and importance 1-5)"),
        "measure": ("措施", "Measure"), "quadrant": ("象限", "Quadrant"),
        "title": ("投入-影响矩阵", "Effort-impact matrix"),
    }.items()}
    names = [quadrant_label(q, lang) for q in QUADRANT_LABELS]
    points = [
        {
            "n": str(i),
            "measure": r.measure.title,
            "effort": effort(r.measure),
            "impact": impact(r.measure, r.priority),
            "quadrant": quadrant_label(quadrant(r.measure, r.priority), lang),
        }
        for i, r in enumerate(rows, start=1)
    ]
    corners = [
        {"effort": 0.6, "impact": 5.4, "text": pick(lang, "速赢", "Quick wins"), "align": "left"},
        {"effort": 5.4, "impact": 5.4, "text": pick(lang, "重点项目", "Major projects"), "align": "right"},
        {"effort": 0.6, "impact": 0.6, "text": pick(lang, "顺手做", "Fill-ins"), "align": "left"},
        {"effort": 5.4, "impact": 0.6, "text": pick(lang, "慎做", "Reconsider"), "align": "right"},
    ]
    scale = alt.Scale(domain=[0.5, 5.5], nice=False)
    x = alt.X("effort:Q", title=t["effort"], scale=scale, axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d"))
    y = alt.Y("impact:Q", title=t["impact"], scale=scale, axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d"))
    base = alt.Chart(alt.Data(values=points))
    dots = base.mark_circle(size=360, opacity=0.85).encode(
        x=x, y=y,
        color=alt.Color("quadrant:N", title=t["quadrant"],
                        scale=alt.Scale(domain=names, range=["#4caf50", "#ff9800", "#90a4ae", "#e57373"]),
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=320)),
        tooltip=[alt.Tooltip("n:N", title="#"), alt.Tooltip("measure:N", title=t["measure"]),
                 alt.Tooltip("effort:Q"), alt.Tooltip("impact:Q"), alt.Tooltip("quadrant:N", title=t["quadrant"])],
    )
    # the number is the measure's place in the plan (the table beside the chart names it)
    labels = base.mark_text(fontSize=11, fontWeight="bold", color="white").encode(x=x, y=y, text="n:N")
    lines = alt.Chart(alt.Data(values=[{"v": MIDPOINT}])).mark_rule(strokeDash=[4, 4], color="#888888")
    corner = alt.Chart(alt.Data(values=corners)).mark_text(fontSize=12, fontWeight="bold", color="#555555", baseline="middle")
    return alt.layer(
        lines.encode(x=alt.X("v:Q", scale=scale)),
        lines.encode(y=alt.Y("v:Q", scale=scale)),
        corner.transform_filter("datum.align == 'left'").mark_text(align="left", fontSize=12, fontWeight="bold", color="#555555")
        .encode(x=alt.X("effort:Q", scale=scale), y=alt.Y("impact:Q", scale=scale), text="text:N"),
        corner.transform_filter("datum.align == 'right'").mark_text(align="right", fontSize=12, fontWeight="bold", color="#555555")
        .encode(x=alt.X("effort:Q", scale=scale), y=alt.Y("impact:Q", scale=scale), text="text:N"),
        dots, labels,
    ).properties(title=t["title"], width=460, height=360)

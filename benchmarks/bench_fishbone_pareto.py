"""How long the fishbone diagram and the Pareto table and chart take for 30, 100 and 300 causes.

"report pareto SVG / PNG" is the report's Pareto chart as it converts it: the tail folded into
"Other" (the bars that fit its landscape page), converted from scratch (chart caches emptied);
issue 16's goal is under 0.5 s for 300 causes.

Prints the best of a few runs per size and the ratio to the previous size (a ratio near the
size ratio means linear growth). No assertions: run it by hand,
`.venv/bin/python benchmarks/bench_fishbone_pareto.py`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from diagnosis import catalog  # noqa: E402
from diagnosis.diagram import fishbone_dot, render_fishbone  # noqa: E402
from diagnosis.pareto import pareto_chart, pareto_table  # noqa: E402
from diagnosis.report import figures  # noqa: E402
from tests.factories import project_of  # noqa: E402

SIZES = (30, 100, 300)
REPEAT = 3


def best(func) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def report_pareto(project, questionnaire, kind: str):
    """The report's Pareto figure (`diagnosis.report.sections.pareto_section`) as SVG or PNG, from scratch."""
    from diagnosis import pareto
    from diagnosis import pareto_chart as charts

    figures.forget_charts()
    result = pareto.pareto_table(project, questionnaire, by=pareto.default_measure(project.fishbone), lang="zh")
    drawn = charts.fold_to_fit(result, figures.WIDE_WIDTH_PX)
    figure = figures.chart_figure(charts.chart(drawn, "zh", fit_width=figures.WIDE_WIDTH_PX), "", "pareto", wide=True)
    return figure.svg if kind == "svg" else figure.png


def main() -> None:
    q = catalog.get("customer_service_diagnosis").questionnaire
    tasks = {
        "diagram DOT (layout)": lambda p: fishbone_dot(p, q, "zh"),
        "diagram SVG": lambda p: render_fishbone(p, q, "zh", "svg"),
        "diagram PNG": lambda p: render_fishbone(p, q, "zh", "png"),
        "diagram PDF": lambda p: render_fishbone(p, q, "zh", "pdf"),
        "pareto table": lambda p: pareto_table(p, q, by="value"),
        "pareto table+chart spec": lambda p: pareto_chart(pareto_table(p, q, by="value", top_n=25), "zh").to_dict(),
        "report pareto SVG": lambda p: report_pareto(p, q, "svg"),
        "report pareto PNG": lambda p: report_pareto(p, q, "png"),
    }
    projects = {n: project_of(n) for n in SIZES}
    report_pareto(projects[SIZES[0]], q, "png")  # the chart engine and its font, once per process
    print(f"{'task':<26}" + "".join(f"{n:>10} causes" for n in SIZES) + "   ratios")
    for name, task in tasks.items():
        seconds = [best(lambda task=task, n=n: task(projects[n])) for n in SIZES]
        ratios = "  ".join(f"{SIZES[i + 1]}/{SIZES[i]}: x{seconds[i + 1] / seconds[i]:.1f}" for i in range(len(SIZES) - 1))
        print(f"{name:<26}" + "".join(f"{s * 1000:>13.1f} ms" for s in seconds) + "   " + ratios)


if __name__ == "__main__":
    main()

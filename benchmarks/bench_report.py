"""How long each report format takes for the demo project and for a large project
(300 causes, 100 measures, 400 check-ins), and the ratio large / demo.

Each figure is the best of a few runs of building the report (charts, diagram) and rendering
one format from scratch. No assertions: run it by hand,
`.venv/bin/python benchmarks/bench_report.py`.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from diagnosis import catalog  # noqa: E402
from diagnosis.demo import demo_project  # noqa: E402
from diagnosis.project.model import CheckIn, Measure  # noqa: E402
from diagnosis.report import FORMATS, build_report, render  # noqa: E402
from tests.factories import fishbone_of  # noqa: E402

REPEAT = 2


def large_project():
    """The demo with 300 causes, 100 measures over them and four check-ins per measure."""
    project = demo_project("zh")
    project.fishbone = fishbone_of(300, seed=11)
    rng = random.Random(5)
    roots = [c.id for c in project.fishbone.causes][:40]
    project.fishbone.confirmed = roots
    start = dt.date(2025, 9, 1)
    project.measures = []
    project.checkins = []
    for n in range(100):
        due = start + dt.timedelta(days=rng.randint(5, 200))
        measure = Measure(id=f"m{n}", root_cause=roots[n % len(roots)], title=f"措施 {n}：" + "优化" * rng.randint(1, 6),
                          owner=rng.choice(["王经理", "李敏", "张伟", "陈顾问", "赵工"]), start=start, due=due,
                          urgency=rng.randint(1, 5), importance=rng.randint(1, 5), cost=rng.randint(1, 5),
                          metric="一次解决率 (%)", metric_from=60, metric_to=80, risk="延期", contingency="人工过渡")
        project.measures.append(measure)
        for week in range(4):
            project.checkins.append(CheckIn(measure=measure.id, date=start + dt.timedelta(days=7 * week + 4),
                                            status=rng.choice(["on_track", "at_risk", "late"]), progress=25 * week))
    return project


def best(func) -> float:
    times = []
    for _ in range(REPEAT):
        begin = time.perf_counter()
        func()
        times.append(time.perf_counter() - begin)
    return min(times)


def main() -> None:
    questionnaire = catalog.get("customer_service_diagnosis").questionnaire
    projects = {"demo": demo_project("zh"), "large": large_project()}
    build_report(projects["demo"], questionnaire)  # warm up imports and the chart engine
    print(f"{'format':<8} {'demo (s)':>10} {'large (s)':>10} {'large/demo':>11}")
    for fmt in FORMATS:
        times = {name: best(lambda p=p, fmt=fmt: render(build_report(p, questionnaire), fmt)) for name, p in projects.items()}
        print(f"{fmt:<8} {times['demo']:>10.2f} {times['large']:>10.2f} {times['large'] / times['demo']:>10.1f}x")


if __name__ == "__main__":
    main()

"""How long the reports take: each format for the demo project and for a large project (300
causes, 100 measures, 400 check-ins), all six formats from one build, and the whole
`diagnosis report --format html` process on the demo; ratios against the issue's goals.

Each format is timed from scratch (build the report, convert its charts, draw the format) with
the chart caches emptied, best of `--repeat`; "all six" builds once and draws every format from
that build, as `diagnosis report --format all` and the app's Report page do (each chart
converted once). CPU includes graphviz's processes. The command-line row runs a fresh process
each time, alternating with `python -c pass`. The machine's load average is printed: with other
jobs running, compare CPU, and compare old and new code in alternate runs (the script runs the
checkout it sits in: copy it into an older one's benchmarks/). No assertions: run it by hand,
`.venv/bin/python benchmarks/bench_report.py [--repeat N] [--cli-runs N]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diagnosis import catalog  # noqa: E402
from diagnosis.demo import demo_project  # noqa: E402
from diagnosis.project.model import CheckIn, Measure  # noqa: E402
from diagnosis.report import FORMATS, build_report, figures, render  # noqa: E402
from tests.factories import fishbone_of  # noqa: E402

# issue 16's goals: the large project's six formats and its PDF; the demo's HTML as a whole process
GOAL_TOTAL, GOAL_PDF, GOAL_CLI = 8.0, 3.0, 2.0


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


def cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def best(func, repeat: int) -> tuple[float, float]:
    """(wall, CPU) seconds of the fastest of `repeat` runs, each with the chart caches emptied."""
    runs = []
    for _ in range(repeat):
        getattr(figures, "forget_charts", lambda: None)()  # (older code keeps no chart cache)
        wall, used = time.perf_counter(), cpu()
        func()
        runs.append((time.perf_counter() - wall, cpu() - used))
    return min(runs)


def all_formats(project, questionnaire) -> None:
    report = build_report(project, questionnaire)
    for fmt in FORMATS:
        render(report, fmt)


def cli_html(runs: int) -> dict[str, list[tuple[float, float]]]:
    """`diagnosis report DEMO --format html` in fresh processes, alternating with `python -c pass`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times: dict[str, list[tuple[float, float]]] = {"python -c pass": [], "diagnosis report --format html": []}
    with tempfile.TemporaryDirectory() as tmp:
        demo, out = Path(tmp) / "demo.diagnosis.yaml", Path(tmp) / "demo.html"
        subprocess.run([sys.executable, "-m", "diagnosis", "demo", "-o", str(demo)], cwd=ROOT, env=env, check=True, stderr=subprocess.DEVNULL)
        commands = {"python -c pass": [sys.executable, "-c", "pass"],
                    "diagnosis report --format html": [sys.executable, "-m", "diagnosis", "report", str(demo), "--format", "html", "-o", str(out)]}
        for _ in range(runs):
            for name, argv in commands.items():
                wall, used = time.perf_counter(), cpu()
                subprocess.run(argv, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times[name].append((time.perf_counter() - wall, cpu() - used))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs per figure, the best kept (default 2)")
    parser.add_argument("--cli-runs", type=int, default=3, help="fresh `diagnosis report` processes (default 3)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} at the start")
    questionnaire = catalog.get("customer_service_diagnosis").questionnaire
    projects = {"demo": demo_project("zh"), "large": large_project()}
    all_formats(projects["demo"], questionnaire)  # imports, the chart engine, the chart font
    print(f"{'format':<8} {'demo wall':>10} {'demo CPU':>9} {'large wall':>11} {'large CPU':>10} {'large/demo':>11}")
    rows = {}
    for fmt in [*FORMATS, "all six"]:
        for name, project in projects.items():
            if fmt == "all six":
                rows[fmt, name] = best(lambda p=project: all_formats(p, questionnaire), args.repeat)
            else:
                rows[fmt, name] = best(lambda p=project, fmt=fmt: render(build_report(p, questionnaire), fmt), args.repeat)
        (dw, dc), (lw, lc) = rows[fmt, "demo"], rows[fmt, "large"]
        print(f"{fmt:<8} {dw:>9.2f}s {dc:>8.2f}s {lw:>10.2f}s {lc:>9.2f}s {lw / dw:>10.1f}x")
    large_pdf, large_all = rows["pdf", "large"][0], rows["all six", "large"][0]
    print(f"large: all six {large_all:.2f} s = {large_all / GOAL_TOTAL:.1f}x the goal ({GOAL_TOTAL:g} s); "
          f"pdf {large_pdf:.2f} s = {large_pdf / GOAL_PDF:.1f}x the goal ({GOAL_PDF:g} s)")
    times = cli_html(args.cli_runs)
    for name, runs in times.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(f"{name:<32} wall best {min(walls):.2f} s, median {statistics.median(walls):.2f} s; CPU best {min(cpus):.2f} s")
    walls = [w for w, _ in times["diagnosis report --format html"]]
    print(f"demo html, whole process: best {min(walls):.2f} s = {min(walls) / GOAL_CLI:.1f}x the goal ({GOAL_CLI:g} s), "
          f"{min(walls) / min(w for w, _ in times['python -c pass']):.0f}x python -c pass")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()

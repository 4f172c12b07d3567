"""Step 6's before/after tests on a project of 6 periods of 200,000 tickets each, against its imports.

    .venv/bin/python benchmarks/bench_evaluation_stats.py [--rows 200000] [--periods 6] [--repeat 5]

Generates the exports with `bench_kpi.generate` (Chinese headers, a few bad values), imports
them into one project as a baseline and checkpoints at months 1..N-1 (`measure_and_store`,
every definition of the customer-service questionnaire), binds a step-1 row to every
definition the baseline gives a value for, then times `evaluation_stats.row_tests` (every
row at every checkpoint: z-tests, Welch, Mann-Whitney and quantile intervals from the stored
aggregates), best of `--repeat`. Prints the imports' time, the tests' time and their ratio,
and what the distribution sketches add to an import (the same imports with the sketch query
replaced by an empty one). Target (issue 14): the tests under 1 s on top of the imports.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _bench_kpi():
    spec = importlib.util.spec_from_file_location("bench_kpi", Path(__file__).with_name("bench_kpi.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def import_all(paths: list[Path]):
    from diagnosis import catalog
    from diagnosis.metric_definitions import definitions
    from diagnosis.project.model import Project, QuestionnaireRef
    from diagnosis.tickets import read_export, resolve_mapping
    from diagnosis.tickets.flow import computable, measure_and_store, use_as_baseline

    q = catalog.get("customer_service_diagnosis").questionnaire
    project = Project(questionnaire=QuestionnaireRef(id=q.id, version=q.version))
    start = time.perf_counter()
    for n, path in enumerate(paths):
        export = read_export(path.read_bytes(), path.name)
        mapping = resolve_mapping(export.headers)
        measure_and_store(project, q, export, mapping, "baseline" if n == 0 else "checkpoint", None if n == 0 else n,
                          imported=f"2025-{n + 1:02d}-01T00:00:00+00:00")  # fmt: skip
    seconds = time.perf_counter() - start
    known = definitions(q, project)
    for definition_id in computable(project, known):
        use_as_baseline(project, q, known[definition_id])
    return project, q, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--periods", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from diagnosis import evaluation_stats
    from diagnosis.tickets import measure

    generate = _bench_kpi().generate
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f"period{n}.csv" for n in range(args.periods)]
        for n, path in enumerate(paths):
            generate(path, args.rows, seed=100 + n)
        evaluation_stats.row_tests  # noqa: B018 -- scipy and statsmodels imported before timing
        project, q, imports_s = import_all(paths)
        tests_s, tests = float("inf"), []
        for _ in range(args.repeat):
            start = time.perf_counter()
            tests = evaluation_stats.row_tests(project, q, "en")
            tests_s = min(tests_s, time.perf_counter() - start)
        real = measure.sketch.sketch_sql
        measure.sketch.sketch_sql = lambda column, source, where: "SELECT NULL::BIGINT AS b, 0 AS c WHERE false"
        try:
            _, _, plain_s = import_all(paths)
        finally:
            measure.sketch.sketch_sql = real
    tested = sum(t.comparison is not None for t in tests)
    print(f"{args.periods} periods x {args.rows:,} tickets; {len(tests)} row tests ({tested} computed, the rest counts)")
    print(f"imports (read + every definition + sketches): {imports_s:.2f} s   (without the sketches {plain_s:.2f} s: "
          f"sketches add {imports_s - plain_s:+.2f} s, {100 * (imports_s / plain_s - 1):+.1f}%)")
    print(f"every before/after test, best of {args.repeat}: {1000 * tests_s:.1f} ms")
    print(f"ratio tests / imports: {tests_s / imports_s:.4f}   target: tests under 1 s on top of the imports: "
          f"{'met' if tests_s < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()

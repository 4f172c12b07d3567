"""Every benchmark of issue 16's table, one after another, each printing its ratios to its reference.

Each script runs in its own process (this checkout's code) with the sizes of the table, or with
smaller ones under `--quick` (a few minutes instead of about half an hour on 2 cores). The
output is each script's own, under a heading with the row of the table it measures and the
wall time it took; the README's figures come from here. A script that fails is reported and
the others still run; the exit status says whether all ran.

    .venv/bin/python benchmarks/run_all.py [--quick] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# (script, what it measures, arguments, arguments with --quick)
BENCHMARKS = [
    ("bench_pages.py", "page reruns (evaluation, projects, causes, solutions...) against Streamlit's floor", [], ["--repeat", "2"]),
    ("bench_cli_start.py", "`diagnosis --help` / `validate`, cold, against `python -c pass`", [], ["--runs", "3"]),
    ("bench_kpi.py", "`diagnosis kpi` against DuckDB (and Polars) on the same file; GB18030 against UTF-8",
     ["--gb18030"], ["--rows", "200000", "--repeat", "1", "--gb18030"]),
    ("bench_report.py", "all six report formats, demo and large project", [], []),
    ("bench_fishbone_pareto.py", "fishbone diagram and Pareto chart, 30-300 causes", [], []),
    ("bench_store.py", "store: save at the 200th revision against the 2nd, growth per edit, 16 writers",
     [], ["--revisions", "80", "--writers", "8", "--additions", "25"]),
    ("bench_evaluation_stats.py", "before/after tests and control charts, 6 periods x 200,000 tickets, against the imports",
     [], ["--rows", "50000", "--repeat", "2"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes: a first look, not the table's figures")
    parser.add_argument("--only", nargs="*", default=None, help="script names (e.g. bench_store) to run")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    failed = []
    for script, what, full, quick in BENCHMARKS:
        if args.only and Path(script).stem not in {Path(name).stem for name in args.only}:
            continue
        argv = [sys.executable, str(HERE / script), *(quick if args.quick else full)]
        print(f"\n=== {script}: {what}", flush=True)
        started = time.perf_counter()
        code = subprocess.run(argv, cwd=ROOT, env=env).returncode
        print(f"--- {script}: {time.perf_counter() - started:.0f} s" + ("" if code == 0 else f", FAILED (exit {code})"), flush=True)
        if code:
            failed.append(script)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

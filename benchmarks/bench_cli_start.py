"""How long the command line takes to start: `--help`, `validate` and `check-project`, cold.

Each command runs in a fresh process (`python -m diagnosis ...`, this checkout's code),
alternating with the reference `python -c pass` so both see the same machine load; prints the
best and the median of the runs in wall time and the ratios to the reference. The goal (issue
16) is <= 0.3 s wall for `--help` and `validate`. No assertions: run it by hand,
`.venv/bin/python benchmarks/bench_cli_start.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRE = ROOT / "questionnaires" / "customer_service_diagnosis.yaml"


def wall(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (default 7)")
    runs = parser.parse_args().runs
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.diagnosis.yaml"
        subprocess.run([sys.executable, "-m", "diagnosis", "demo", "-o", str(demo)], cwd=ROOT, env=env, check=True,
                       stderr=subprocess.DEVNULL)  # fmt: skip
        commands = {
            "python -c pass (reference)": [sys.executable, "-c", "pass"],
            "diagnosis --help": [sys.executable, "-m", "diagnosis", "--help"],
            "diagnosis validate Q.yaml": [sys.executable, "-m", "diagnosis", "validate", str(QUESTIONNAIRE)],
            "diagnosis check-project demo": [sys.executable, "-m", "diagnosis", "check-project", str(demo)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, argv in commands.items():  # alternating: every command sees the same load
                times[name].append(wall(argv, env))
    ref_best = min(times["python -c pass (reference)"])
    ref_median = statistics.median(times["python -c pass (reference)"])
    print(f"load average {os.getloadavg()[0]:.2f}, {runs} runs each")
    print(f"{'command':<30}{'best':>10}{'median':>10}{'best ratio':>12}{'median ratio':>14}")
    for name, seconds in times.items():
        best, median = min(seconds), statistics.median(seconds)
        print(f"{name:<30}{best:>9.3f}s{median:>9.3f}s{best / ref_best:>11.1f}x{median / ref_median:>13.1f}x")


if __name__ == "__main__":
    main()

"""How long a rerun of each page takes (what a workshop feels after every click), for the demo
project and for a large project (300 causes, 100 measures, 400 check-ins), as a ratio against
Streamlit's own floor: the rerun of a one-line page under the same AppTest harness.

Each figure is the median of a few reruns after a first (warming) run of that page. No
assertions: run it by hand, `.venv/bin/python benchmarks/bench_pages.py [--repeat N]`.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from streamlit.testing.v1 import AppTest  # noqa: E402

# AppTest's setup logs "missing ScriptRunContext" for every page: not news
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)

PAGES = ["projects", "goals", "data", "causes", "solutions", "tracking", "evaluation", "report"]
FLOOR_PAGE = 'import streamlit as st\nst.write("x")\n'


def rerun_ms(at: AppTest, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - begin)
    if at.exception:
        raise SystemExit(f"the page raised: {at.exception[0].message}")
    return statistics.median(times) * 1000


def page_ms(project_id: str, page: str, repeat: int) -> float:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
    at.query_params["project"] = project_id
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    return rerun_ms(at, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    os.environ["DIAGNOSIS_DATA_DIR"] = str(data)
    from bench_report import large_project

    from diagnosis.demo import demo_project
    from diagnosis.store import Store

    large = large_project()
    large.meta.id = "large"
    store = Store()
    store.save(demo_project("zh"), "bench", "demo")
    store.save(large, "bench", "large")
    floor = rerun_ms(AppTest.from_string(FLOOR_PAGE, default_timeout=60).run(), args.repeat * 4)
    print(f"Streamlit's floor (a one-line page) under AppTest: {floor:.1f} ms per rerun")
    print(f"{'page':<12}{'demo ms':>10}{'x floor':>9}{'large ms':>10}{'x floor':>9}")
    for page in PAGES:
        demo = page_ms("demo", page, args.repeat)
        big = page_ms("large", page, args.repeat)
        print(f"{page:<12}{demo:>10.0f}{demo / floor:>9.1f}{big:>10.0f}{big / floor:>9.1f}", flush=True)


if __name__ == "__main__":
    main()

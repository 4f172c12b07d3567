"""A cold `diagnosis --help` / `validate` loads no heavy library (issue 16: the CLI starts fast).

Behaviour, not time: each command runs in a fresh interpreter of this checkout, which then
lists the top-level modules it holds. `benchmarks/bench_cli_start.py` measures the time.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import DATA, PYTHON, ROOT

# the data and document engines, the charts and the app: only the commands that need them load them
HEAVY = {"duckdb", "pyarrow", "pandas", "numpy", "altair", "vl_convert", "weasyprint", "docx", "pptx", "openpyxl",
         "streamlit", "sqlalchemy"}  # fmt: skip

# runs the CLI as `python -m diagnosis` does, then writes the loaded top-level modules to argv[1]
RUNNER = """
import json, sys
out, sys.argv = sys.argv[1], ["diagnosis", *sys.argv[2:]]
from diagnosis.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
with open(out, "w") as f:
    json.dump({"code": code, "modules": sorted({name.split(".")[0] for name in sys.modules})}, f)
"""


def loaded_after(tmp_path, *args) -> tuple[int, set[str]]:
    out = tmp_path / "modules.json"
    subprocess.run([PYTHON, "-c", RUNNER, str(out), *args], cwd=ROOT, capture_output=True, timeout=120, check=True)
    data = json.loads(out.read_text())
    return data["code"], set(data["modules"])


@pytest.mark.parametrize("args", [
    ["--help"],
    ["validate", str(ROOT / "questionnaires" / "customer_service_diagnosis.yaml")],
    ["validate", str(DATA / "broken" / "many_problems.yaml")],
    ["check-project", "{demo}"],
], ids=["help", "validate", "validate-broken", "check-project-demo"])  # fmt: skip
def test_starting_the_command_line_loads_no_heavy_library(tmp_path, args):
    from diagnosis.demo import demo_project
    from diagnosis.project import dumps

    demo = tmp_path / "demo.diagnosis.yaml"
    demo.write_text(dumps(demo_project("zh")), encoding="utf-8")
    code, modules = loaded_after(tmp_path, *(arg.format(demo=demo) for arg in args))
    assert code in (0, 1)
    assert "diagnosis" in modules and "click" in modules  # the runner did run the CLI
    assert modules & HEAVY == set()


def test_a_command_that_needs_a_heavy_library_still_loads_it(tmp_path):
    tickets = tmp_path / "tickets.csv"
    tickets.write_text("ticket_id,created_at,channel\n1,2025-08-01 09:00,web\n2,2025-08-01 10:00,phone\n", encoding="utf-8")
    code, modules = loaded_after(tmp_path, "kpi", str(tickets), "--format", "json")
    assert code in (0, None)
    assert {"duckdb", "pyarrow"} <= modules
    assert not {"pandas", "pydantic"} & modules  # the ticket metrics path (README: Ticket data)

"""Hostile inputs on the command line: they end quickly, with one located line, never a traceback."""

from __future__ import annotations

from tests.conftest import DATA, run_cli_process
from tests.conftest import run_cli as run

HOSTILE = DATA / "hostile"


def test_validate_checks_a_catastrophic_pattern_against_its_default_without_hanging():
    # in a process of its own: the timeout is a hang guard (the audit saw validate run past 300 s), not a measurement
    result = run_cli_process("validate", "catastrophic_pattern.yaml", cwd=HOSTILE, timeout=60)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["catastrophic_pattern.yaml:19:22: default does not match 'pattern'"]
    assert "Traceback" not in result.stderr


def test_check_project_on_an_unquoted_impossible_date_is_one_located_line(tmp_path):
    from diagnosis.demo import demo_project
    from diagnosis.project import dumps

    path = tmp_path / "demo.diagnosis.yaml"
    path.write_text(dumps(demo_project("zh")).replace("  launch_date: '2025-09-15'", "  launch_date: 2025-02-30"), encoding="utf-8")
    result = run("check-project", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}:") and "invalid date or time '2025-02-30'" in lines[0]


def test_kpi_with_a_mapping_holding_a_huge_integer_is_one_located_line(tmp_path):
    export = tmp_path / "t.csv"
    export.write_text("工单号,创建时间\nT1,2025-08-01 10:00\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("ticket_id: 工单号\ncreated_at: " + "9" * 4400 + "\n", encoding="utf-8")
    result = run("kpi", str(export), "--mapping", str(mapping))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{mapping}:2:13: number too large")


def test_kpi_on_an_export_past_the_memory_budget_is_one_line_in_either_language(tmp_path):
    # issue 13 item 3: the export is read in a child process that may grow by DIAGNOSIS_IMPORT_MEMORY_MB
    import os
    import subprocess

    from tests.conftest import PYTHON, ROOT
    from tests.ticket_samples import large_csv_bytes

    export = tmp_path / "大导出.csv"
    export.write_bytes(large_csv_bytes())
    for lang, line in (("en_US.UTF-8", f"error: {export.name}: reading it needs more memory than the import's budget of 64 MB "
                                        "(DIAGNOSIS_IMPORT_MEMORY_MB); export a shorter period or fewer columns, or ask the "
                                        "administrator to raise the budget"),
                       ("zh_CN.UTF-8", f"错误: {export.name}：读取该文件需要的内存超过了导入的内存上限 64 MB（DIAGNOSIS_IMPORT_MEMORY_MB）；"
                                       "请导出较短的时期或较少的列，或请管理员调高上限")):  # fmt: skip
        env = {**os.environ, "DIAGNOSIS_IMPORT_MEMORY_MB": "64", "LANG": lang, "LC_ALL": lang}
        result = subprocess.run([PYTHON, "-m", "diagnosis", "kpi", str(export)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
        assert result.returncode == 1 and result.stdout == ""
        assert result.stderr.splitlines() == [line]
    # the default budget reads it
    result = run_cli_process("kpi", str(export), "--format", "json")
    assert result.returncode == 0 and '"rows": 1000000' in result.stdout

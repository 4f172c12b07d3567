"""`diagnosis plan` and `diagnosis evaluate` on a demo file, as a user runs them."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import run_cli_process
from tests.conftest import run_cli as run


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "demo.diagnosis.yaml"
    assert run("demo", "--lang", "en", "-o", str(path)).returncode == 0
    return path


def test_plan_json_is_the_plan_start_and_the_measures_by_horizon_then_score(demo_file):
    result = run("plan", str(demo_file), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["plan_start", "measures"] and data["plan_start"] == "2025-09-01"
    rows = data["measures"]
    assert all(list(r) == ["measure", "root_cause", "owner", "start", "due", "score", "horizon", "horizon_overridden", "status"] for r in rows)
    order = {"short": 0, "mid": 1, "long": 2}
    assert [(order[r["horizon"]], -r["score"]) for r in rows] == sorted((order[r["horizon"]], -r["score"]) for r in rows)
    first = rows[0]
    assert first == {
        "measure": "Update the knowledge base for the release and name an owner",
        "root_cause": "Knowledge base not updated for the new app release",
        "owner": "Li Min", "start": "2025-09-01", "due": "2025-09-20", "score": 5.0,
        "horizon": "short", "horizon_overridden": False, "status": "done",
    }
    assert {r["status"] for r in rows} >= {"late", "at_risk", "not_started"}


def test_plan_csv_has_one_row_per_measure(demo_file):
    result = run("plan", str(demo_file), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 7 and rows[0]["horizon"] == "short" and rows[-1]["horizon"] == "long"


def test_plan_table_shows_the_plan_start_and_every_measure(demo_file):
    result = run("plan", str(demo_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("plan start: 2025-09-01")
    assert "Integrate CRM with the ticket system" in result.stdout and "late" in result.stdout


def test_evaluate_json_gives_value_change_and_target_met_per_checkpoint_and_the_alerts(demo_file):
    result = run("evaluate", str(demo_file), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    csat = {r["checkpoint"]: r for r in data["results"] if r["row"] == "csat_mean"}
    assert csat[3]["metric"] == "csat" and csat[3]["definition"] == "csat_mean"
    # the demo exports: CSAT 88.5 of 100 in August, 93.0 in month 3; target 96
    assert (csat[3]["value"], csat[3]["change"], csat[3]["change_pct"], csat[3]["target_met"]) == (93.0, 4.5, 5.08, False)
    assert csat[6]["value"] is None and data["checkpoints"] == [1, 3, 6]
    assert data["alerts"] == []


def test_evaluate_table_lists_metrics_and_says_when_no_alert_fired(demo_file):
    result = run("evaluate", str(demo_file))
    assert result.returncode == 0, result.stderr
    assert "csat_mean" in result.stdout and "alerts: none fired" in result.stdout


def test_evaluate_shows_a_fired_alert_with_its_action(tmp_path):
    import yaml

    path = tmp_path / "alert.diagnosis.yaml"
    assert run("demo", "--lang", "en", "-o", str(path)).returncode == 0
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # the demo rates on 100 points: the 100-point rule applies, not the 5-point one
    data["evaluation"]["values"] = [{"metric": "csat_mean", "checkpoint": c, "value": v} for c, v in [(1, 75), (3, 74), (6, 70)]]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run("evaluate", str(path))
    assert result.returncode == 0, result.stderr
    assert "alert csat_low_100: csat below 76 at 1 mo, 3 mo, 6 mo -> CSAT below 76 of 100 three times in a row" in result.stdout
    data = json.loads(run("evaluate", str(path), "--format", "json").stdout)
    assert [a["rule"] for a in data["alerts"]] == ["csat_low_100"]


@pytest.mark.parametrize("command", ["plan", "evaluate"])
def test_a_file_that_is_not_a_project_is_a_clean_error(tmp_path, command):
    bad = tmp_path / "bad.yaml"
    bad.write_text("hello: world\n", encoding="utf-8")
    for path in (bad, tmp_path / "missing.yaml"):
        result = run_cli_process(command, str(path))
        assert result.returncode == 1 and "Traceback" not in result.stderr and result.stderr


@pytest.mark.parametrize("args", [["plan"], ["evaluate"], ["plan", "x", "--format", "xml"], ["evaluate", "x", "--format", "csv"]])
def test_wrong_usage_of_plan_and_evaluate_exits_2(args):
    assert run(*args).returncode == 2


def test_evaluate_stats_json_tests_every_bound_row_at_each_imported_checkpoint(demo_file):
    import yaml
    from statsmodels.stats.proportion import proportions_ztest

    result = run("evaluate", str(demo_file), "--stats", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["confidence"] == 95 and data["method"].startswith("Method:")
    tests = {(t["definition"], t["checkpoint"]): t for t in data["tests"]}
    assert {cp for _, cp in tests} == {1, 3} and len(tests) == 14  # 7 bound rows, 2 checkpoint imports
    frt = tests[("frt_mean", 3)]
    assert (frt["verdict"], frt["verdict_text"], frt["target_met"]) == ("improvement", "significant improvement", True)
    assert frt["ci_low"] < frt["change"] < frt["ci_high"] < 0 and frt["change"] == pytest.approx(-0.9, abs=0.01)
    assert tests[("fcr", 1)]["verdict"] == "no_change" and tests[("fcr", 3)]["target_met"] is False
    # the p of a rate is statsmodels' z-test on the counts the file keeps for both periods
    imports = {(e["period"], e["months"]): e for e in yaml.safe_load(demo_file.read_text(encoding="utf-8"))["data"]["imports"]}
    before, after = imports[("baseline", None)]["values"]["complaint_rate"], imports[("checkpoint", 1)]["values"]["complaint_rate"]
    z, p = proportions_ztest([after["k"], before["k"]], [after["n"], before["n"]])
    complaint = tests[("complaint_rate", 1)]
    assert complaint["p"] == pytest.approx(p, abs=1e-9) and (complaint["n_before"], complaint["n_after"]) == (before["n"], after["n"])


def test_evaluate_stats_table_has_one_table_per_checkpoint_and_states_the_method(demo_file):
    result = run("evaluate", str(demo_file), "--stats")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("1 month") < out.index("3 months") and "95% interval" in out
    assert "significant improvement" in out and "no detectable change" in out
    assert "Method: the baseline period against each checkpoint period" in out


def test_evaluate_stats_without_imports_says_what_is_needed(tmp_path):
    import yaml

    path = tmp_path / "no-imports.diagnosis.yaml"
    assert run("demo", "--lang", "en", "-o", str(path)).returncode == 0
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["data"].pop("imports")
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run("evaluate", str(path), "--stats")
    assert result.returncode == 0 and "no before/after tests: import a baseline and a checkpoint export" in result.stdout
    assert json.loads(run("evaluate", str(path), "--stats", "--format", "json").stdout)["tests"] == []

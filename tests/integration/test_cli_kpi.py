"""`diagnosis kpi` as a user runs it: JSON shape, groups, formats, and one clean line per error."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli, run_cli_process
from tests.ticket_samples import HEADERS, TRUTH, csv_bytes, expected


def run(*args):
    return run_cli("kpi", *args)


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_bytes(csv_bytes(encoding="gb18030"))
    return path


def test_json_has_overall_rows_and_bad_rows_with_the_issue_metric_names(export):
    result = run(export, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"overall", "rows", "bad_rows", "warnings"}
    assert data["warnings"] == [  # one unparseable date in each of two columns (counted in bad_rows too)
        "column '创建时间' has 1 value that is not a date: those cells are left empty and their rows counted as bad rows",
        "column '首次响应时间' has 1 value that is not a date: those cells are left empty and their rows counted as bad rows",
    ]
    assert data["rows"] == 10
    want = expected(TRUTH)
    assert set(data["overall"]) == set(want)
    for name, value in want.items():
        assert data["overall"][name] == pytest.approx(value), name
    assert data["bad_rows"] == {"created_at_unparseable": 1, "first_response_at_unparseable": 1,
                                "response_before_creation": 1, "csat_out_of_range": 1}  # fmt: skip


def test_json_with_by_has_groups_of_metrics(export):
    data = json.loads(run(export, "--by", "channel", "--format", "json", "--sla-minutes", "5").stdout)
    assert set(data["groups"]) == {"微信", "电话", "网页"}
    wechat = [t for t in TRUTH if t["channel"] == "微信"]
    assert data["groups"]["微信"]["volume"] == len(wechat)
    assert data["groups"]["微信"]["csat_mean"] == pytest.approx(expected(wechat)["csat_mean"])
    assert data["overall"]["sla_rate"] == pytest.approx(2 / 7)


def test_csv_and_table_formats_list_every_metric(export):
    csv_out = run(export, "--by", "weekday", "--format", "csv")
    assert csv_out.returncode == 0, csv_out.stderr
    lines = csv_out.stdout.splitlines()
    assert lines[0].startswith("weekday,share,volume,frt_mean_min") and lines[1].startswith("(all),1.0,10,")
    table = run(export)
    assert table.returncode == 0 and "frt_p90_min" in table.stdout and "bad rows:" in table.stdout
    assert "encoding gb18030" in table.stderr


def test_a_mapping_file_renames_columns(tmp_path):
    headers = ["单号", "开单时间点", *HEADERS[2:]]
    path = tmp_path / "odd.csv"
    path.write_bytes(csv_bytes(headers=headers))
    mapping = tmp_path / "map.yaml"
    mapping.write_text("ticket_id: 单号\ncreated_at: 开单时间点\n", encoding="utf-8")
    data = json.loads(run(path, "--mapping", mapping, "--format", "json", "--by", "month").stdout)
    assert set(data["groups"]) == {"2025-08", "2025-09"}


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda d: (d / "missing.csv", None), "no such file"),
        (lambda d: ((d / "bad.csv").write_bytes(b"a,b\n1,2,3,4\n5\n") and d / "bad.csv", None), "malformed CSV"),
        (lambda d: ((d / "bin.csv").write_bytes(b"\x00\xff\xfe\x00" * 50) and d / "bin.csv", None), "not a text file"),
        (lambda d: ((d / "t.csv").write_bytes(csv_bytes()) and d / "t.csv",
                    (d / "m.yaml").write_text("creatd_at: x\n", encoding="utf-8") and d / "m.yaml"), "unknown field 'creatd_at'"),
        (lambda d: ((d / "t.csv").write_bytes(csv_bytes()) and d / "t.csv",
                    (d / "m.yaml").write_text("created_at: [oops\n", encoding="utf-8") and d / "m.yaml"), "YAML syntax error"),
        (lambda d: ((d / "t.csv").write_bytes(csv_bytes()) and d / "t.csv", d / "nomap.yaml"), "cannot read the mapping file"),
    ],
)
def test_errors_are_one_clear_line_and_exit_1(tmp_path, setup, message):
    file, mapping = setup(tmp_path)
    args = [file] + (["--mapping", mapping] if mapping else [])
    result = run(*args)
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_grouping_by_a_missing_column_is_an_error_not_a_crash(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("工单号,满意度\nA,5\n", encoding="utf-8")
    result = run(path, "--by", "agent")
    assert result.returncode == 1 and "no column is mapped to agent" in result.stderr


def test_wrong_usage_exits_2(export):
    assert run(export, "--by", "planet").returncode == 2
    assert run(export, "--sla-minutes", "0").returncode == 2


def test_a_bad_export_exits_1_with_one_line_and_no_traceback_in_a_real_process(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a,b\n1,2,3,4\n5\n")
    result = run_cli_process("kpi", bad)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "malformed CSV" in result.stderr


# --- issue 13 items 8 and 9: time zones and units ------------------------------------------------

def test_an_offset_against_naive_times_gives_the_true_frt_and_a_warning_on_stderr(tmp_path):
    path = tmp_path / "zones.csv"
    # 10:00+08:00 is 10:00 in Shanghai, the naive response 10:10 Shanghai time: 10 min, not 490
    path.write_text("工单号,创建时间,首次响应时间\nT1,2025-08-01 10:00:00+08:00,2025-08-01 10:10:00\n", encoding="utf-8")
    result = run(path, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["overall"]["frt_mean_min"] == pytest.approx(10.0)
    assert "warning: column '创建时间' has UTC offsets and '首次响应时间' has none" in result.stderr
    # in UTC the offset time is 02:00 and the naive 10:10 is UTC: 490 min, said by the same warning
    utc = run(path, "--format", "json", "--time-zone", "UTC")
    assert json.loads(utc.stdout)["overall"]["frt_mean_min"] == pytest.approx(490.0)
    assert "converted to UTC" in utc.stderr
    one = run(path, "--definition", "frt_mean", "--format", "json")
    assert json.loads(one.stdout)["value"] == pytest.approx(10.0) and "warning:" in one.stderr


def test_an_unknown_time_zone_is_one_line_and_exit_1(tmp_path):
    path = tmp_path / "zones.csv"
    path.write_text("工单号,创建时间\nT1,2025-08-01 10:00:00\n", encoding="utf-8")
    result = run(path, "--time-zone", "Mars/Base")
    assert result.returncode == 1 and "unknown time zone 'Mars/Base'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_minutes_header_and_a_mapping_unit_give_aht_in_seconds(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("工单号,处理时长（分钟）\nT1,6\nT2,6\n", encoding="utf-8")
    data = json.loads(run(path, "--format", "json").stdout)
    assert data["overall"]["aht_mean_s"] == pytest.approx(360.0)  # 6 min
    assert json.loads(run(path, "--definition", "aht_mean", "--format", "json").stdout)["value"] == pytest.approx(360.0)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("handle_seconds: {column: 处理时长（分钟）, unit: h}\n", encoding="utf-8")
    hours = run(path, "--mapping", mapping, "--format", "json")
    assert json.loads(hours.stdout)["overall"]["aht_mean_s"] == pytest.approx(6 * 3600.0)  # declared hours win
    table = run(path, "--mapping", mapping)
    assert "handle_seconds=处理时长（分钟） [h]" in table.stderr
    mapping.write_text("handle_seconds: {column: 处理时长（分钟）, unit: fortnight}\n", encoding="utf-8")
    bad = run(path, "--mapping", mapping)
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1
    assert f"{mapping}:1:42: handle_seconds: unknown unit 'fortnight'" in bad.stderr

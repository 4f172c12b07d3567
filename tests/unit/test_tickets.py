"""Ticket exports with known answers: every metric, every grouping, encodings, dates, bad rows.

The expected values are computed here from a hand-written truth table (`TRUTH`) with plain
Python and numpy, independently of the SQL in `diagnosis.tickets`.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest

from diagnosis.errors import DiagnosisError, InvalidFile
from diagnosis.tickets import (
    METRIC_NAMES,
    ExportError,
    analyze,
    auto_mapping,
    dump_mapping,
    load_mapping,
    read_export,
    resolve_mapping,
)
from tests.ticket_samples import HEADERS, RAW, SERIAL, SLA, TRUTH, csv_bytes, expected, group_key, iso

def compute(data: bytes, name: str = "tickets.csv", mapping=None, groupings=None):
    export = read_export(data, name)
    mapped = resolve_mapping(export.headers, mapping)
    return export, analyze(export, mapped, SLA, groupings)


def assert_metrics(actual: dict, wanted: dict) -> None:
    assert set(actual) == set(METRIC_NAMES)
    for name in METRIC_NAMES:
        if wanted[name] is None:
            assert actual[name] is None, name
        else:
            assert actual[name] == pytest.approx(wanted[name], rel=1e-9), name


def test_every_metric_of_a_ten_row_export_matches_its_definition():
    _, result = compute(csv_bytes())
    assert result.rows == 10
    assert_metrics(result.overall, expected(TRUTH))
    # the hand-derived figures, as a second look at the reference function
    assert result.overall["frt_mean_min"] == pytest.approx(82 / 6)
    assert result.overall["frt_median_min"] == pytest.approx(12.5)
    assert result.overall["frt_p90_min"] == pytest.approx(25.0)
    assert result.overall["sla_rate"] == pytest.approx(4 / 7)
    assert result.overall["fcr"] == pytest.approx(6 / 9)
    assert result.overall["reopen_rate"] == pytest.approx(2 / 10)  # T03 is reopened and open again: 10 resolved at least once
    assert result.overall["csat_pct"] == pytest.approx(5 / 8)


@pytest.mark.parametrize("grouping", ["channel", "region", "category", "agent", "hour", "weekday", "month"])
def test_every_grouping_matches_the_definition_on_its_subsets(grouping):
    _, result = compute(csv_bytes(), groupings=[grouping])
    buckets: dict[str, list[dict]] = {}
    for truth in TRUTH:
        key = group_key(grouping, truth)
        if key is not None:
            buckets.setdefault(key, []).append(truth)
    assert set(result.groups[grouping]) == set(buckets)
    for key, rows in buckets.items():
        assert_metrics(result.groups[grouping][key], expected(rows))


def test_bad_rows_are_counted_per_reason_with_examples():
    _, result = compute(csv_bytes())
    assert result.bad_rows == {
        "created_at_unparseable": 1,
        "first_response_at_unparseable": 1,
        "response_before_creation": 1,
        "csat_out_of_range": 1,
    }
    example = result.bad_examples["csat_out_of_range"][0]
    assert example == {"line": 8, "values": {"工单号": "T07", "满意度": "7"}}
    assert result.bad_examples["created_at_unparseable"][0]["values"]["创建时间"] == "yesterday"


def test_a_gb18030_export_with_semicolons_gives_the_same_results():
    data = csv_bytes(delimiter=";", encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    export, result = compute(data)
    assert export.facts.encoding == "gb18030" and export.facts.delimiter == ";"
    assert_metrics(result.overall, expected(TRUTH))


def test_a_utf8_export_with_bom_and_tabs_is_read():
    export, result = compute(b"\xef\xbb\xbf" + csv_bytes(delimiter="\t"))
    assert export.headers[0] == "工单号" and export.facts.delimiter == "\t"
    assert_metrics(result.overall, expected(TRUTH))


def test_an_xlsx_export_with_real_date_cells_gives_the_same_results():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for raw, truth in zip(RAW, TRUTH):
        row: list = list(raw)
        if truth["created"] is not None and raw[1] != str(SERIAL):
            row[1] = truth["created"]  # a real Excel date cell
        row[8] = int(raw[8])
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    export, result = compute(buffer.getvalue(), "tickets.xlsx")
    assert export.facts.format == "xlsx" and export.facts.rows == 10
    assert_metrics(result.overall, expected(TRUTH))
    assert result.bad_examples["csat_out_of_range"][0]["line"] == 8


def test_metrics_whose_columns_are_missing_are_null_not_zero():
    keep = [0, 1, 4, 11]  # ticket id, created, channel, CSAT
    rows = [[r[i] for i in keep] for r in RAW]
    _, result = compute(csv_bytes(rows, [HEADERS[i] for i in keep]))
    for name in ("frt_mean_min", "frt_median_min", "frt_p90_min", "sla_rate", "resolution_mean_h", "resolution_median_h",
                 "aht_mean_s", "fcr", "transfer_rate", "reopen_rate", "complaint_rate"):  # fmt: skip
        assert result.overall[name] is None, name
    assert result.overall["volume"] == 10
    assert result.overall["csat_mean"] == pytest.approx(29 / 8)
    assert set(result.groups) == {"channel", "hour", "weekday", "month"}
    with pytest.raises(DiagnosisError, match="no column is mapped to region"):
        compute(csv_bytes(rows, [HEADERS[i] for i in keep]), groupings=["region"])


def test_english_headers_and_yes_no_words_are_recognized():
    headers = ["Ticket ID", "Created At", "First Response At", "Resolved At", "Channel", "Region", "Category", "Agent",
               "Handle Time (s)", "Transfers", "Reopened", "CSAT", "Complaint"]  # fmt: skip
    mapping = auto_mapping(headers)
    optional = {"customer_id", "queue_seconds", "abandoned"}  # not in this export
    assert all(v for k, v in mapping.items() if k not in optional) and not any(mapping[k] for k in optional), mapping
    _, result = compute(csv_bytes(headers=headers))
    assert_metrics(result.overall, expected(TRUTH))


def test_chinese_header_variants_map_to_the_canonical_fields():
    mapping = auto_mapping(["工单编号", "提交时间", "首响时间", "结单时间", "来源渠道", "区域", "问题分类", "处理人",
                            "通话时长（秒）", "转派次数", "是否重新打开", "满意度评分", "投诉"])  # fmt: skip
    assert mapping == {"customer_id": None, "queue_seconds": None, "abandoned": None, "ticket_id": "工单编号", "created_at": "提交时间", "first_response_at": "首响时间", "resolved_at": "结单时间",
                       "channel": "来源渠道", "region": "区域", "category": "问题分类", "agent": "处理人",
                       "handle_seconds": "通话时长（秒）", "transfers": "转派次数", "reopened": "是否重新打开",
                       "csat": "满意度评分", "complaint": "投诉"}  # fmt: skip


def test_a_mapping_survives_the_yaml_round_trip_and_overrides_detection(tmp_path):
    headers = ["单号", "开单", "回复", "评分X"]
    mapping = {"ticket_id": "单号", "created_at": "开单", "first_response_at": "回复", "csat": "评分X", "region": None}
    path = tmp_path / "map.yaml"
    path.write_text(dump_mapping(mapping), encoding="utf-8")
    loaded = load_mapping(path)
    assert loaded.fields == mapping
    resolved = resolve_mapping(headers, loaded)
    assert {k: v for k, v in resolved.items() if v} == {k: v for k, v in mapping.items() if v}


def test_a_broken_mapping_file_reports_lines(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text("created_at: 创建时间\ncsta: 满意度\nchannel: [a, b]\n", encoding="utf-8")
    with pytest.raises(InvalidFile) as caught:
        load_mapping(path)
    text = str(caught.value)
    assert "map.yaml:2:1: unknown field 'csta' (did you mean 'csat'?)" in text
    assert "map.yaml:3:" in text and "channel: expected a column header" in text
    path.write_text("created_at: 不存在的列\n", encoding="utf-8")
    with pytest.raises(InvalidFile, match="column '不存在的列' is not in the file"):
        resolve_mapping(HEADERS, load_mapping(path))
    path.write_text("created_at: [\n", encoding="utf-8")
    with pytest.raises(InvalidFile, match="YAML syntax error"):
        load_mapping(path)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "the file is empty"),
        (b"a,b\n1,2,3,4\n", "malformed CSV"),
        (b"\x00\x01\x02binary", "not a text file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "old Excel .xls"),
        (b"PK\x03\x04not really a zip", "not a readable .xlsx"),
    ],
)
def test_unreadable_files_raise_one_clear_error(data, message):
    with pytest.raises(ExportError, match=message):
        read_export(data, "bad.csv")


def test_a_file_without_recognized_columns_is_refused():
    with pytest.raises(DiagnosisError, match="no column is recognized"):
        compute(b"foo,bar\n1,2\n")


def test_the_source_facts_name_size_rows_and_hash_are_kept():
    import hashlib

    data = csv_bytes()
    export, _ = compute(data)
    assert export.facts.name == "tickets.csv" and export.facts.size == len(data) and export.facts.rows == 10
    assert export.facts.sha256 == hashlib.sha256(data).hexdigest()


def test_the_heatmap_counts_tickets_by_weekday_and_hour():
    _, result = compute(csv_bytes())
    cells = {(c["weekday"], c["hour"]): c["volume"] for c in result.heatmap}
    wanted: dict = {}
    for truth in TRUTH:
        if truth["created"] is not None:
            key = (truth["created"].isoweekday(), truth["created"].hour)
            wanted[key] = wanted.get(key, 0) + 1
    assert cells == wanted


def test_the_sla_setting_changes_only_the_sla_rate():
    export = read_export(csv_bytes(), "t.csv")
    mapping = resolve_mapping(export.headers)
    strict = analyze(export, mapping, sla_minutes=5)
    assert strict.overall["sla_rate"] == pytest.approx(2 / 7)
    with pytest.raises(DiagnosisError, match="positive number of minutes"):
        analyze(export, mapping, sla_minutes=0)


def test_an_export_that_turns_gb18030_after_the_sample_is_still_read():
    ascii_rows = [["A%06d" % i, "2025-08-01 10:00:00", "", "", "web", "", "", "", "", "", "", "", ""] for i in range(7000)]
    data = csv_bytes(ascii_rows, delimiter=",", encoding="gb18030") + "Z1,2025-08-01 11:00:00,,,微信,,,,,,,,\n".encode("gb18030")
    assert len(data) > 256 * 1024
    export, result = compute(data)
    assert export.facts.encoding == "gb18030" and result.rows == 7001
    assert result.overall["volume"] == 7001


def test_clean_columns_are_typed_while_reading_and_give_the_same_metrics():
    import pyarrow as pa

    keep = [0, 1, 5, 9]
    rows = []
    for i in keep:
        row = list(RAW[i])
        row[1], row[2], row[3] = (iso(dt.datetime.fromisoformat(v.replace("/", "-"))) for v in row[1:4])
        row[10] = "true" if TRUTH[i]["ro"] else "false"  # -> Arrow bool
        row[12] = "1" if TRUTH[i]["cp"] else "0"  # -> Arrow int64
        rows.append(row)
    export, result = compute(csv_bytes(rows))
    schema = export.table.schema
    assert pa.types.is_timestamp(schema.field("创建时间").type) and pa.types.is_boolean(schema.field("是否重开").type)
    assert pa.types.is_string(schema.field("工单号").type)
    assert_metrics(result.overall, expected([TRUTH[i] for i in keep]))


def test_a_bad_value_after_the_first_block_turns_that_column_to_text_and_is_counted():
    rows = [[f"T{i}", "2025-08-01 10:00:00", "2025-08-01 10:05:00", "", "web", "", "", "", "60", "0", "否", "5", "否"]
            for i in range(40000)]  # fmt: skip
    rows.append(["X", "2025-08-01 10:00:00", "soon", "", "web", "", "", "", "60", "0", "否", "9", "否"])
    data = csv_bytes(rows)
    assert len(data) > 2 * 1024 * 1024  # Arrow infers types from the first 1 MB block
    export, result = compute(data)
    assert result.bad_rows == {"first_response_at_unparseable": 1, "csat_out_of_range": 1}
    assert result.overall["frt_mean_min"] == pytest.approx(5.0)
    assert result.bad_examples["first_response_at_unparseable"][0] == {"line": 40002, "values": {"工单号": "X", "首次响应时间": "soon"}}

"""Ticket exports with known answers: every metric, every grouping, encodings, dates, bad rows.

The expected values are computed here from a hand-written truth table (`TRUTH`) with plain
Python and numpy, independently of the SQL in `diagnosis.tickets`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics

import numpy as np
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

HEADERS = ["工单号", "创建时间", "首次响应时间", "解决时间", "渠道", "地区", "问题类型", "客服",
           "处理时长(秒)", "转接次数", "是否重开", "满意度", "是否投诉"]  # fmt: skip
SERIAL = 45900.5
SERIAL_TIME = dt.datetime(1899, 12, 30) + dt.timedelta(days=SERIAL)


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


# fmt: off
# the export as a ticket system writes it (mixed date formats, yes/no variants, bad values)
RAW = [
    ["T01", "2025-08-01 10:00:00", "2025-08-01 10:05:00", "2025-08-01 12:00:00", "微信", "华东", "退款", "王芳", "300", "0", "否", "5", "否"],
    ["T02", "2025/08/01 11:30", "2025/08/01 11:50", "2025/08/01 15:30", "电话", "华南", "物流", "李强", "600", "1", "否", "4", "否"],
    ["T03", "2025-08-02T09:15:00", "2025-08-02T09:25:00", "", "微信", "华东", "退款", "王芳", "120", "0", "是", "3", "是"],
    ["T04", "2025-08-04 14:00", "", "2025-08-04 15:00", "网页", "华北", "促销", "赵敏", "200", "", "否", "", "否"],
    ["T05", str(SERIAL), iso(SERIAL_TIME + dt.timedelta(minutes=30)), iso(SERIAL_TIME + dt.timedelta(hours=8)),
     "电话", "华南", "物流", "李强", "900", "2", "Y", "2", "Y"],
    ["T06", "2025-09-01 08:00:00", "2025-09-01 08:02:00", "2025-09-01 08:30:00", "微信", "华北", "退款", "王芳", "60", "0", "否", "5", "否"],
    ["T07", "2025-09-02 08:00:00", "2025-09-02 07:55:00", "2025-09-02 09:00:00", "网页", "华东", "促销", "赵敏", "150", "0", "否", "7", "否"],
    ["T08", "2025年9月3日 10:00", "not a date", "2025-09-03 13:00:00", "电话", "华南", "物流", "李强", "400", "0", "N", "4", "0"],
    ["T09", "yesterday", "2025-09-04 10:05:00", "2025-09-04 12:00:00", "微信", "华东", "退款", "王芳", "500", "1", "N", "5", "1"],
    ["T10", "2025-09-05 16:45:00", "2025-09-05 17:00:00", "2025-09-05 22:45:00", "网页", "华北", "促销", "赵敏", "250", "0", "false", "1", "false"],
]
# what each row means, written by hand: created, FRT minutes (None = no valid first response),
# counted for the SLA, resolution hours, resolved, transfers, reopened, valid CSAT, complaint
T = dt.datetime
TRUTH = [
    dict(created=T(2025, 8, 1, 10), frt=5, sla=True, res=2, resolved=True, handle=300, tr=0, ro=False, csat=5, cp=False),
    dict(created=T(2025, 8, 1, 11, 30), frt=20, sla=True, res=4, resolved=True, handle=600, tr=1, ro=False, csat=4, cp=False),
    dict(created=T(2025, 8, 2, 9, 15), frt=10, sla=True, res=None, resolved=False, handle=120, tr=0, ro=True, csat=3, cp=True),
    dict(created=T(2025, 8, 4, 14), frt=None, sla=True, res=1, resolved=True, handle=200, tr=0, ro=False, csat=None, cp=False),
    dict(created=SERIAL_TIME, frt=30, sla=True, res=8, resolved=True, handle=900, tr=2, ro=True, csat=2, cp=True),
    dict(created=T(2025, 9, 1, 8), frt=2, sla=True, res=0.5, resolved=True, handle=60, tr=0, ro=False, csat=5, cp=False),
    dict(created=T(2025, 9, 2, 8), frt=None, sla=False, res=1, resolved=True, handle=150, tr=0, ro=False, csat=None, cp=False),
    dict(created=T(2025, 9, 3, 10), frt=None, sla=False, res=3, resolved=True, handle=400, tr=0, ro=False, csat=4, cp=False),
    dict(created=None, frt=None, sla=False, res=None, resolved=True, handle=500, tr=1, ro=False, csat=5, cp=True),
    dict(created=T(2025, 9, 5, 16, 45), frt=15, sla=True, res=6, resolved=True, handle=250, tr=0, ro=False, csat=1, cp=False),
]
# fmt: on
for raw, truth in zip(RAW, TRUTH):
    truth.update(zip(("channel", "region", "category", "agent"), raw[4:8]))

SLA = 15


def expected(rows: list[dict]) -> dict:
    """The metrics by their definitions in issue 6, the slow obvious way."""

    def mean(xs):
        return statistics.fmean(xs) if xs else None

    frt = [r["frt"] for r in rows if r["frt"] is not None]
    res = [r["res"] for r in rows if r["res"] is not None]
    sla = [r for r in rows if r["sla"]]
    resolved = [r for r in rows if r["resolved"]]
    csat = [r["csat"] for r in rows if r["csat"] is not None]
    return {
        "volume": len(rows),
        "frt_mean_min": mean(frt),
        "frt_median_min": float(np.median(frt)) if frt else None,
        "frt_p90_min": float(np.percentile(frt, 90)) if frt else None,
        "sla_rate": sum(1 for r in sla if r["frt"] is not None and r["frt"] <= SLA) / len(sla) if sla else None,
        "resolution_mean_h": mean(res),
        "resolution_median_h": float(np.median(res)) if res else None,
        "aht_mean_s": mean([r["handle"] for r in rows]),
        "fcr": sum(1 for r in resolved if r["tr"] == 0 and not r["ro"]) / len(resolved) if resolved else None,
        "transfer_rate": sum(1 for r in rows if r["tr"] >= 1) / len(rows),
        # over tickets resolved at least once: resolved now, or reopened (issue 11)
        "reopen_rate": (sum(1 for r in rows if r["ro"]) / len(once)) if (once := [r for r in rows if r["resolved"] or r["ro"]]) else None,
        "csat_mean": mean(csat),
        "csat_pct": sum(1 for c in csat if c >= 4) / len(csat) if csat else None,
        "complaint_rate": sum(1 for r in rows if r["cp"]) / len(rows),
    }


def group_key(grouping: str, truth: dict) -> str | None:
    created = truth["created"]
    if grouping == "hour":
        return None if created is None else str(created.hour)
    if grouping == "weekday":
        return None if created is None else str(created.isoweekday())
    if grouping == "month":
        return None if created is None else created.strftime("%Y-%m")
    return truth[grouping]


def csv_bytes(rows=RAW, headers=HEADERS, delimiter=",", encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


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

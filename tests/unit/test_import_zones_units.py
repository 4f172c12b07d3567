"""Issue 13 items 8 and 9: time zones and units in ticket exports, on tiny exports whose first
response times and handle times are worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from diagnosis import catalog
from diagnosis.errors import DiagnosisError, InvalidFile
from diagnosis.metric_definitions import definitions
from diagnosis.tickets import analyze, analyze_file, auto_mapping, dump_mapping, load_mapping, read_export, resolve_mapping
from diagnosis.tickets.measure import measure_export


def result_of(text: str, name: str = "t.csv", **options):
    export = read_export(text.encode("utf-8"), name)
    return analyze(export, resolve_mapping(export.headers), 15, **options)


def ids(result) -> list[str]:
    return [w["id"] for w in result.warnings]


# created and responded with +08:00; one response cell is not a date
AWARE_WITH_ONE_BAD_CELL = """工单号,创建时间,首次响应时间
T1,2025-08-01 10:00:00+08:00,2025-08-01 10:05:00+08:00
T2,2025-08-01 11:00:00+08:00,2025-08-01 11:20:00+08:00
T3,2025-08-01 12:00:00+08:00,soon
"""


def test_one_unparseable_cell_among_offset_times_empties_that_cell_only():
    result = result_of(AWARE_WITH_ONE_BAD_CELL)
    # T1 5 min, T2 20 min (both +08:00, so the offset cancels); T3 has no valid response
    assert result.overall["frt_mean_min"] == pytest.approx(12.5)
    assert result.overall["sla_rate"] == pytest.approx(0.5)  # T1 within 15 min, T2 not; T3 left out
    assert result.bad_rows == {"first_response_at_unparseable": 1}
    assert ids(result) == ["date_unparseable"]
    assert result.warnings[0]["count"] == 1
    assert result.warnings[0]["zh"].startswith("列「首次响应时间」有 1 个值不是可识别的时间")
    assert "has 1 value that is not a date" in result.warnings[0]["en"]


def test_offsets_are_converted_to_the_project_zone_for_hours_and_days():
    text = "工单号,创建时间,首次响应时间\nT1,2025-08-01T17:30:00Z,2025-08-01T17:40:00Z\n"
    shanghai = result_of(text)
    # 17:30 UTC is 01:30 the next day in Shanghai (UTC+8): hour 1, a Saturday
    assert list(shanghai.groups["hour"]) == ["1"] and list(shanghai.groups["weekday"]) == ["6"]
    assert shanghai.overall["frt_mean_min"] == pytest.approx(10.0)
    utc = result_of(text, time_zone="UTC")
    assert list(utc.groups["hour"]) == ["17"] and list(utc.groups["weekday"]) == ["5"]
    assert utc.time_zone == "UTC" and shanghai.time_zone == "Asia/Shanghai"


def test_an_offset_against_naive_times_is_read_in_the_zone_and_warned():
    text = "工单号,创建时间,首次响应时间\nT1,2025-08-01 10:00:00+08:00,2025-08-01 10:10:00\n"
    result = result_of(text)
    # 10:00+08:00 is 10:00 in Shanghai; the naive 10:10 is Shanghai time: 10 min (not 490)
    assert result.overall["frt_mean_min"] == pytest.approx(10.0)
    assert ids(result) == ["offsets_differ"]
    assert result.warnings[0]["en"] == (
        "column '创建时间' has UTC offsets and '首次响应时间' has none: the first is converted to Asia/Shanghai, "
        "the second read as Asia/Shanghai time; check that both are the same zone"
    )
    assert result.warnings[0]["zh"].startswith("列「创建时间」的时间带时区、「首次响应时间」不带")


def test_a_column_mixing_offset_and_naive_times_is_warned_with_counts():
    text = """工单号,创建时间,首次响应时间
T1,2025-08-01T02:00:00Z,2025-08-01 10:07:00
T2,2025-08-01 11:00:00,2025-08-01 11:03:00
"""
    result = result_of(text)
    # T1: 02:00Z = 10:00 Shanghai -> 7 min; T2: 3 min
    assert result.overall["frt_mean_min"] == pytest.approx(5.0)
    assert ids(result) == ["mixed_offsets"]
    assert result.warnings[0]["en"].startswith("column '创建时间' mixes times with a UTC offset (1) and without (1)")


def test_other_offset_spellings_are_understood():
    text = """工单号,创建时间,首次响应时间
T1,2025/08/01 10:00+0800,2025-08-01 03:00:00 UTC
T2,2025-08-01 10:00:00 +0800,2025-08-01T11:00:00+09:00
"""
    result = result_of(text)
    # T1: 10:00 Shanghai, response 03:00 UTC = 11:00 Shanghai -> 60 min; T2: 11:00+09:00 = 10:00 Shanghai -> 0 min
    assert result.overall["frt_mean_min"] == pytest.approx(30.0)
    assert result.bad_rows == {} and result.warnings == []


def test_an_unknown_time_zone_is_one_clear_error():
    with pytest.raises(DiagnosisError, match="unknown time zone 'Mars/Base'"):
        result_of(AWARE_WITH_ONE_BAD_CELL, time_zone="Mars/Base")


def test_an_xlsx_with_date_cells_and_offset_text_gives_the_hand_computed_frt():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["工单号", "创建时间", "首次响应时间"])
    sheet.append(["T1", dt.datetime(2025, 8, 1, 10, 0), "2025-08-01T02:06:00Z"])  # 02:06Z = 10:06 Shanghai: 6 min
    sheet.append(["T2", dt.datetime(2025, 8, 1, 11, 0), "2025-08-01T03:10:00Z"])  # 11:10 Shanghai: 10 min
    buffer = io.BytesIO()
    book.save(buffer)
    export = read_export(buffer.getvalue(), "t.xlsx")
    result = analyze(export, resolve_mapping(export.headers), 15)
    assert result.overall["frt_mean_min"] == pytest.approx(8.0)
    assert result.bad_rows == {}
    assert ids(result) == ["offsets_differ"]  # the date cells carry no zone, the text does


def test_the_metric_definitions_of_steps_1_and_6_read_times_the_same_way():
    known = definitions(catalog.get("customer_service_diagnosis").questionnaire)
    export = read_export(AWARE_WITH_ONE_BAD_CELL.encode(), "t.csv")
    measured = measure_export(export, resolve_mapping(export.headers), [known["frt_mean"]])
    assert measured.values["frt_mean"].value == pytest.approx(12.5) and measured.values["frt_mean"].n == 2
    assert [w["id"] for w in measured.warnings] == ["date_unparseable"] and measured.time_zone == "Asia/Shanghai"


# --- units in headers and mappings ------------------------------------------------------------

MINUTES = "工单号,创建时间,处理时长（分钟）\nT1,2025-08-01 10:00,6\nT2,2025-08-01 11:00,00:06:00\n"


def test_a_minutes_header_gives_aht_in_seconds():
    result = result_of(MINUTES)
    # 6 minutes = 360 s; "00:06:00" is a duration already: 360 s
    assert result.overall["aht_mean_s"] == pytest.approx(360.0)
    assert result.units == {"handle_seconds": "min"}


@pytest.mark.parametrize(("header", "value", "seconds"), [
    ("处理时长(秒)", "360", 360.0), ("处理时长（小时）", "0.1", 360.0), ("处理时长【单位：分】", "6", 360.0),
    ("AHT (min)", "6", 360.0), ("handle time [hr]", "0.5", 1800.0), ("处理时长_分钟", "6", 360.0), ("aht_sec", "6", 6.0),
    ("处理时长", "360", 360.0), ("排队时长(分钟)", "2", 120.0),
])  # fmt: skip
def test_units_in_headers_are_recognized_and_converted(header, value, seconds):
    result = result_of(f"工单号,{header}\nT1,{value}\n")
    field = "queue_seconds" if header.startswith("排队") else "handle_seconds"
    assert auto_mapping(["工单号", header])[field] == header
    if field == "handle_seconds":
        assert result.overall["aht_mean_s"] == pytest.approx(seconds)
    else:
        assert result.units == {"queue_seconds": "min"}


def test_a_unit_declared_in_the_mapping_overrides_the_header(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(MINUTES.replace("00:06:00", "6"), encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("handle_seconds: {column: 处理时长（分钟）, unit: 小时}\n", encoding="utf-8")
    _export, chosen, result = analyze_file(path, mapping)
    assert chosen["handle_seconds"] == "处理时长（分钟）"
    assert result.overall["aht_mean_s"] == pytest.approx(6 * 3600.0)
    export = read_export(path)
    assert analyze(export, resolve_mapping(export.headers), units={"handle_seconds": "s"}).overall["aht_mean_s"] == 6.0


def test_a_unit_only_mapping_entry_keeps_the_detected_column_and_round_trips():
    loaded = load_mapping("handle_seconds:\n  unit: min\n".encode())
    assert loaded.fields == {} and loaded.units == {"handle_seconds": "min"}
    export = read_export("工单号,处理时长\nT1,6\n".encode(), "t.csv")
    mapping = resolve_mapping(export.headers, loaded)
    assert analyze(export, mapping, units=loaded.units).overall["aht_mean_s"] == pytest.approx(360.0)
    again = load_mapping(dump_mapping(mapping, loaded.units).encode())
    assert again.units == {"handle_seconds": "min"} and again.fields["handle_seconds"] == "处理时长"


def test_an_unknown_unit_in_the_mapping_is_a_located_error():
    with pytest.raises(InvalidFile) as caught:
        load_mapping("created_at: 创建时间\nhandle_seconds: {column: 处理时长, unit: fortnight}\n".encode(), "map.yaml")
    assert str(caught.value) == "map.yaml:2:38: handle_seconds: unknown unit 'fortnight' (one of ms, s, min, h, d, or 秒/分钟/小时/毫秒/天)"
    with pytest.raises(InvalidFile, match=r"map.yaml:1:34: created_at: has no unit"):
        load_mapping("created_at: {column: 创建时间, unit: min}\n".encode(), "map.yaml")
    with pytest.raises(DiagnosisError, match="handle_seconds: unknown unit 'weeks'"):
        result_of(MINUTES, units={"handle_seconds": "weeks"})


def test_an_unknown_unit_in_a_header_is_a_clear_error_until_the_mapping_declares_one():
    text = "工单号,处理时长（次）\nT1,6\n"
    with pytest.raises(DiagnosisError) as caught:
        result_of(text)
    assert str(caught.value) == (
        "handle_seconds: column '处理时长（次）' names the unit '次', which is not one of 秒/分钟/小时/毫秒/天 (s/min/h/ms/d); "
        "declare it in the mapping, e.g. `handle_seconds: {column: 处理时长（次）, unit: s}`"
    )
    assert result_of(text, units={"handle_seconds": "min"}).overall["aht_mean_s"] == pytest.approx(360.0)


def test_a_point_scale_in_a_csat_header_is_no_unit():
    result = result_of("工单号,满意度(分)\nT1,4\nT2,5\n")
    assert result.overall["csat_mean"] == pytest.approx(4.5) and result.units == {}


def test_bad_row_examples_show_offset_times_in_the_import_zone():
    # every cell has an offset, so Arrow reads both columns as UTC times; T2 answers before it is created
    text = """工单号,创建时间,首次响应时间
T1,2025-08-01 10:00:00+08:00,2025-08-01 10:05:00+08:00
T2,2025-08-01 11:00:00+08:00,2025-08-01 10:50:00+08:00
"""
    example = result_of(text).bad_examples["response_before_creation"][0]
    assert example == {"line": 3, "values": {"工单号": "T2", "创建时间": "2025-08-01 11:00:00+08:00",
                                             "首次响应时间": "2025-08-01 10:50:00+08:00"}}
    # in UTC the same instants are eight hours earlier
    utc = result_of(text, time_zone="UTC").bad_examples["response_before_creation"][0]
    assert utc["values"]["创建时间"] == "2025-08-01 03:00:00+00:00"

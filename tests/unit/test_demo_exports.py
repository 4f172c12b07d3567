"""The demo shop's ticket exports give the facts of PRODUCT.md, recomputed here with pandas.

Independent of the app's importer: the shipped bytes are read with pandas, bad rows are found
by the rules below, and every figure is computed from the remaining (valid) rows.
"""

from __future__ import annotations

import dataclasses
import io
from functools import lru_cache

import pandas as pd
import pytest

from diagnosis import demo_exports
from diagnosis.tickets.fields import FIELD_NAMES, auto_mapping

FILES = {
    "2025-07": ("工单导出_2025-07.csv", "gb18030"),
    "2025-08": ("工单导出_2025-08.csv", "utf-8-sig"),
    "month1": ("工单导出_2025-09-16_2025-10-15.csv", "utf-8-sig"),
    "month3": ("工单导出_2025-11-16_2025-12-15.csv", "utf-8"),
}
# period -> tickets, WeChat/web/phone share (%), FRT (min), CSAT (0-100), complaint rate (%), refund resolution (h)
FACTS = {
    "2025-07": (8814, (32.0, 23.0, 45.0), 3.0, 89.7, 2.5, 3.6),
    "2025-08": (9872, (40.0, 28.0, 32.0), 3.2, 88.5, 3.2, 5.4),
    "month1": (9318, (43.0, 30.0, 27.0), 2.6, 91.0, 2.6, 3.5),
    "month3": (9146, (47.0, 31.0, 22.0), 2.3, 93.0, 2.1, 2.4),
}
TIME = "%Y-%m-%d %H:%M:%S"


def _time(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column.where(column != ""), format=TIME, errors="coerce")


@lru_cache(maxsize=None)
def _frame(period: str) -> pd.DataFrame:
    filename, encoding = FILES[period]
    return _parse(demo_exports.shipped(filename), encoding)


def _parse(content: bytes, encoding: str) -> pd.DataFrame:
    """Every row, parsed, with a `bad` column: the rows an importer must reject."""
    raw = pd.read_csv(io.BytesIO(content), encoding=encoding, dtype=str, keep_default_na=False)
    frame = raw.copy()
    for column in ("创建时间", "首次响应时间", "解决时间"):
        frame[column] = _time(raw[column])
    frame["满意度"] = pd.to_numeric(raw["满意度"].where(raw["满意度"] != ""))
    frame["排队时长(秒)"] = pd.to_numeric(raw["排队时长(秒)"].where(raw["排队时长(秒)"] != ""))
    created = frame["创建时间"]
    unparseable = (
        created.isna()
        | ((raw["首次响应时间"] != "") & frame["首次响应时间"].isna())
        | ((raw["解决时间"] != "") & frame["解决时间"].isna())
    )
    frame["bad_date"] = unparseable
    frame["bad_response"] = frame["首次响应时间"] < created
    frame["bad_resolved"] = frame["解决时间"] < created
    frame["bad_csat"] = frame["满意度"].notna() & ~frame["满意度"].between(0, 100)
    frame["bad"] = frame[["bad_date", "bad_response", "bad_resolved", "bad_csat"]].any(axis=1)
    frame["frt_min"] = (frame["首次响应时间"] - created).dt.total_seconds() / 60
    frame["resolution_h"] = (frame["解决时间"] - created).dt.total_seconds() / 3600
    return frame


def _valid(period: str) -> pd.DataFrame:
    frame = _frame(period)
    return frame[~frame["bad"]]


def _facts(valid: pd.DataFrame) -> tuple:
    """The figures of FACTS, rounded as stated there."""
    shares = valid["渠道"].value_counts(normalize=True) * 100
    refunds = valid.loc[valid["问题类型"] == "退款退货", "resolution_h"]
    return (
        len(valid),
        tuple(round(shares[c], 1) for c in ("微信", "网页在线", "电话")),
        round(valid["frt_min"].mean(), 1),
        round(valid["满意度"].mean(), 1),
        round(100 * (valid["是否投诉"] == "是").mean(), 1),
        round(refunds.mean(), 1),
    )


PERIODS = list(FACTS)


@pytest.mark.parametrize("period", PERIODS)
def test_each_export_has_its_stated_number_of_tickets_three_of_them_bad_rows(period):
    assert len(_frame(period)) == FACTS[period][0]
    assert len(_valid(period)) == FACTS[period][0] - 3


@pytest.mark.parametrize("period", PERIODS)
def test_each_file_has_exactly_three_bad_rows_one_of_each_kind(period):
    frame = _frame(period)
    assert frame["bad"].sum() == 3
    assert frame["bad_date"].sum() == 1
    assert frame["bad_response"].sum() == 1
    assert frame["bad_csat"].sum() == 1
    assert set(frame.loc[frame["bad_csat"], "满意度"]) <= {150, 999}


def test_august_has_twelve_percent_more_tickets_than_july():
    assert round(100 * (len(_frame("2025-08")) / len(_frame("2025-07")) - 1), 1) == 12.0


FIGURES = ("tickets", "channel shares", "first response minutes", "csat", "complaint rate", "refund hours")


@pytest.mark.parametrize("figure", range(1, len(FIGURES)), ids=FIGURES[1:])
@pytest.mark.parametrize("period", PERIODS)
def test_each_period_gives_its_stated_shares_and_means(period, figure):
    assert _facts(_valid(period))[figure] == FACTS[period][figure]


def test_august_csat_is_1_2_points_below_july():
    assert round(_valid("2025-07")["满意度"].mean() - _valid("2025-08")["满意度"].mean(), 1) == 1.2


@pytest.mark.parametrize("period", PERIODS)
def test_many_tickets_are_unrated_and_scores_use_the_100_point_scale(period):
    csat = _valid(period)["满意度"]
    assert csat.isna().mean() > 0.5
    assert csat.min() >= 0 and csat.max() == 100


def test_the_august_peak_is_12_august_with_1256_tickets_half_of_them_about_the_new_feature():
    valid = _valid("2025-08")
    per_day = valid["创建时间"].dt.date.value_counts()
    assert str(per_day.idxmax()) == "2025-08-12"
    assert per_day.max() == 1256
    peak = valid[valid["创建时间"].dt.date.astype(str) == "2025-08-12"]
    assert round(100 * (peak["问题类型"] == "新功能使用").mean(), 1) == 50.0


def test_promotion_questions_are_23_percent_of_august():
    assert round(100 * (_valid("2025-08")["问题类型"] == "促销活动").mean(), 1) == 23.0


def test_august_phone_tickets_from_10_to_12_wait_7_minutes_for_an_answer_and_over_5_in_the_queue():
    valid = _valid("2025-08")
    rush = valid[(valid["渠道"] == "电话") & valid["创建时间"].dt.hour.between(10, 11)]
    assert round(rush["frt_min"].mean(), 1) == 7.0
    assert rush["排队时长(秒)"].mean() > 300


@pytest.mark.parametrize("period", PERIODS)
def test_queue_and_abandonment_are_phone_only_and_abandoned_calls_have_no_first_response(period):
    valid = _valid(period)
    chat = valid[valid["渠道"] != "电话"]
    phone = valid[valid["渠道"] == "电话"]
    assert chat["排队时长(秒)"].isna().all() and (chat["是否放弃"] == "").all()
    assert phone["排队时长(秒)"].notna().all() and set(phone["是否放弃"]) == {"是", "否"}
    abandoned = phone[phone["是否放弃"] == "是"]
    assert abandoned["首次响应时间"].isna().all() and abandoned["解决时间"].isna().all()
    assert phone.loc[phone["是否放弃"] == "否", "首次响应时间"].notna().all()


@pytest.mark.parametrize("period", PERIODS)
def test_some_customers_ask_about_the_same_category_again_within_seven_days(period):
    valid = _valid(period).sort_values("创建时间")
    gap = valid.groupby(["客户ID", "问题类型"])["创建时间"].diff()
    repeats = (gap <= pd.Timedelta(days=7)).sum()
    assert 0.03 * len(valid) < repeats < 0.2 * len(valid)


@pytest.mark.parametrize("period", PERIODS)
def test_agents_are_kf01_to_kf14(period):
    agents = set(_valid(period)["客服工号"]) - {""}
    assert agents == {f"KF{n:02d}" for n in range(1, 15)}


@pytest.mark.parametrize("seed", [1, 2])
def test_the_facts_come_by_construction_so_another_seed_gives_other_rows_but_the_same_facts(seed):
    august = dataclasses.replace(demo_exports.PERIODS[1], seed=seed)
    content = demo_exports.export_bytes(august)
    assert content != demo_exports.shipped(august.filename)
    frame = _parse(content, "utf-8-sig")
    assert frame["bad"].sum() == 3
    assert len(frame) == FACTS["2025-08"][0]
    assert _facts(frame[~frame["bad"]])[1:] == FACTS["2025-08"][1:]


@pytest.mark.parametrize("period", PERIODS)
def test_the_shipped_files_are_the_generated_ones(period):
    filename, _ = FILES[period]
    assert demo_exports.shipped(filename) == demo_exports.export_bytes(filename)


def test_the_periods_are_in_order_and_name_the_shipped_files():
    assert [p.filename for p in demo_exports.PERIODS] == [f for f, _ in FILES.values()]
    assert all(a.last_day < b.first_day for a, b in zip(demo_exports.PERIODS, demo_exports.PERIODS[1:]))


def test_july_decodes_as_gb18030_and_not_as_utf8():
    raw = demo_exports.shipped("工单导出_2025-07.csv")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.decode("gb18030").startswith("工单号,创建时间")


def test_august_is_utf8_with_a_bom():
    assert demo_exports.shipped("工单导出_2025-08.csv").startswith("\ufeff工单号,".encode())


@pytest.mark.parametrize("period", PERIODS)
def test_each_file_stays_under_one_and_a_half_megabytes(period):
    assert len(demo_exports.shipped(FILES[period][0])) < 1_500_000


def test_the_importer_recognises_every_column_it_knows():
    mapping = auto_mapping(list(demo_exports.HEADERS))
    assert [name for name in FIELD_NAMES if mapping[name] is None] == []


def test_the_check_command_passes_for_the_shipped_files_and_fails_for_a_changed_one(monkeypatch, capsys):
    assert demo_exports.main(["--check"]) == 0
    monkeypatch.setattr(demo_exports, "shipped", lambda filename: b"changed")
    assert demo_exports.main(["--check"]) == 1
    assert "工单导出_2025-07.csv" in capsys.readouterr().err

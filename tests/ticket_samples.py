"""A ticket export with known answers, shared by the tests of the import, the CLI and the step-2 page.

`RAW` is the export as a help desk writes it (`csv_bytes` makes the file), `TRUTH` the same tickets
read by hand, and `expected` the metrics by their definitions computed from `TRUTH` with plain
Python and numpy, independently of the SQL in `diagnosis.tickets`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics

import numpy as np

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


def large_csv_bytes(rows: int = 1_000_000) -> bytes:
    """A long export (1,000,000 tickets: 60 MB) that reading takes 130-190 MB for (measured), two
    to three times the import budget the tests set (64 MB): a margin for the 20 ms sampling."""
    return ("工单号,渠道,备注\n" + "".join(f"T{i},微信,客户反映问题编号{i}需要跟进处理\n" for i in range(rows))).encode()

"""A ticket export for the demo: the online shop's August 2025, as its system would export it.

9,872 inquiries; WeChat 40%, web chat 28%, phone 32%; a peak of 1,256 inquiries on the app
release day (12 August), half of them "how do I use this feature"; promotion questions 23%;
refunds slow to resolve; the phone queue at 10:00-12:00 over 5 minutes; complaint rate about
3.2%. Chinese headers, a few bad rows (as real exports have). Deterministic for a seed, so the
demo is the same everywhere.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import random
from functools import lru_cache

HEADERS = ["工单号", "创建时间", "首次响应时间", "解决时间", "渠道", "地区", "问题类型", "客服", "处理时长(秒)", "转接次数", "是否重开", "满意度", "是否投诉"]
TOTAL = 9872
RELEASE_DAY = 12
PEAK = 1256
CHANNELS = [("微信", 0.40, 4.5), ("网页在线", 0.28, 3.6), ("电话", 0.32, 6.2)]  # share, mean first response (min)
CATEGORIES = [("新功能使用", 0.20), ("促销活动", 0.23), ("订单查询", 0.22), ("退款退货", 0.15), ("物流配送", 0.12), ("账户问题", 0.08)]
REGIONS = [("华东", 0.38), ("华南", 0.24), ("华北", 0.2), ("西南", 0.1), ("其他", 0.08)]
AGENTS = [f"客服{n:02d}" for n in range(1, 49)]


def _pick(rng: random.Random, weighted: list[tuple]) -> tuple:
    return rng.choices(weighted, weights=[w[1] for w in weighted])[0]


def _day_counts() -> list[int]:
    """Inquiries per day of August: the release day's peak, the rest spread over 30 days."""
    rest = TOTAL - PEAK - 2  # the two broken rows at the end are inquiries too
    base = [rest // 30] * 30
    for i in range(rest - sum(base)):
        base[i] += 1
    return base[: RELEASE_DAY - 1] + [PEAK] + base[RELEASE_DAY - 1 :]


def _hour(rng: random.Random) -> int:
    # busiest 10:00-12:00 and 19:00-21:00
    weights = [1, 1, 1, 1, 1, 1, 2, 4, 8, 12, 16, 16, 10, 10, 11, 11, 10, 9, 9, 12, 12, 9, 5, 2]
    return rng.choices(range(24), weights=weights)[0]


@lru_cache(maxsize=2)
def demo_tickets_csv(seed: int = 2025) -> bytes:
    """The export as CSV bytes (UTF-8 with BOM, as Excel on a Chinese Windows saves it)."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    number = 0
    for day, count in enumerate(_day_counts(), start=1):
        for _ in range(count):
            number += 1
            channel, _, frt_mean = _pick(rng, CHANNELS)
            category = "新功能使用" if day == RELEASE_DAY and rng.random() < 0.5 else _pick(rng, CATEGORIES)[0]
            hour = _hour(rng)
            created = dt.datetime(2025, 8, day, hour, rng.randrange(60), rng.randrange(60))
            frt = rng.expovariate(1 / frt_mean)
            if channel == "电话" and 10 <= hour < 12:
                frt += 2.5  # the phone queue at 10:00-12:00
            responded = created + dt.timedelta(minutes=frt)
            hours = 0.05 + rng.expovariate(1 / (5.3 if category == "退款退货" else 1.6))
            transfers = rng.choices([0, 1, 2], weights=[78, 18, 4])[0]
            reopened = rng.random() < (0.12 if transfers else 0.05)
            complaint = rng.random() < (0.06 if transfers or reopened else 0.022)
            csat = "" if rng.random() < 0.45 else str(max(1, min(5, round(rng.gauss(3.6 if complaint else 4.5, 0.8)))))
            resolved = "" if rng.random() < 0.03 else (responded + dt.timedelta(hours=hours)).strftime("%Y/%m/%d %H:%M")
            writer.writerow([
                f"T2508{number:05d}", created.strftime("%Y-%m-%d %H:%M:%S"), responded.strftime("%Y-%m-%d %H:%M:%S"), resolved,
                channel, _pick(rng, REGIONS)[0], category, rng.choice(AGENTS),
                max(30, round(rng.gauss(420 if channel == "电话" else 300, 90))), transfers, "是" if reopened else "否", csat,
                "是" if complaint else "否",
            ])
    # real exports carry a few broken rows: a typo'd date and an impossible rating
    writer.writerow(["T2508X0001", "2025-08-3l 10:00", "", "", "微信", "华东", "订单查询", "客服01", 200, 0, "否", "", "否"])
    writer.writerow(["T2508X0002", "2025-08-20 11:00:00", "2025-08-20 11:02:00", "", "电话", "华南", "退款退货", "客服02", 380, 0, "否", "9", "否"])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def demo_ticket_data() -> dict:
    """What step 2 stores after importing the demo export (mapping, file facts, results)."""
    return copy.deepcopy(dict(_demo_ticket_data()))


@lru_cache(maxsize=1)
def _demo_ticket_data() -> tuple:
    from diagnosis.project.model import Meta, Project, QuestionnaireRef
    from diagnosis.tickets import analyze, read_export, resolve_mapping
    from diagnosis.tickets.flow import store_import

    export = read_export(demo_tickets_csv(), "工单导出_2025-08.csv")
    mapping = resolve_mapping(export.headers, None)
    result = analyze(export, mapping, sla_minutes=15)
    scratch = Project(meta=Meta(id="scratch"), questionnaire=QuestionnaireRef(id="x", version="1"))
    store_import(scratch, export.facts, mapping, result)
    scratch.data["imported"] = "2025-09-01T09:00:00+00:00"
    return tuple(scratch.data.items())

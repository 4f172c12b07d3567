"""Seeded ticket exports of the demo shop (PRODUCT.md): the months before and after its rollout.

Four files in `diagnosis/demo_data/`, as the shop's ticket system exports them (Chinese
headers, `2025-08-03 10:12:45` timestamps, CRLF lines):

| file                                  | period                    | encoding       |
| ------------------------------------- | ------------------------- | -------------- |
| `工单导出_2025-07.csv`                | July 2025                 | GB18030        |
| `工单导出_2025-08.csv`                | August 2025               | UTF-8 with BOM |
| `工单导出_2025-09-16_2025-10-15.csv`  | month 1 after 15 Sept     | UTF-8 with BOM |
| `工单导出_2025-11-16_2025-12-15.csv`  | month 3 after 15 Sept     | UTF-8          |

The facts they give, computed from the valid rows (rounded as stated):

| fact                                             | July  | August | month 1 | month 3 |
| ------------------------------------------------ | ----- | ------ | ------- | ------- |
| tickets                                          | 8,814 | 9,872  | 9,318   | 9,146   |
| WeChat / web chat / phone share (%)              | 32/23/45 | 40/28/32 | 43/30/27 | 47/31/22 |
| first response, mean minutes (tickets with one)  | 3.0   | 3.2    | 2.6     | 2.3     |
| CSAT, mean of the rated, 0-100                   | 89.7  | 88.5   | 91.0    | 93.0    |
| complaint rate (%)                               | 2.5   | 3.2    | 2.6     | 2.1     |
| 退款退货 resolution, mean hours (resolved ones)  | 3.6   | 5.4    | 3.5     | 2.4     |

August also: a peak of 1,256 tickets on 12 August (the app release), 50% of them 新功能使用;
促销活动 23% of the month; phone tickets created 10:00-12:00 answered after 7.0 minutes on
average, their queue (`排队时长(秒)`) over 5 minutes. The means are hit by construction:
random values are generated, then rescaled and nudged by single units until their sum is
the target (`_fit_sum`), so a different seed gives other rows but the same facts.

Other realism: many tickets unrated (blank 满意度); phone-only `排队时长(秒)` and `是否放弃`
(an abandoned call has no first response, agent or resolution); some customers (`客户ID`)
ask again about the same category within 7 days.

Each file also has exactly 3 bad rows an importer must reject: a first response before
creation, a creation time that is not a date, and a satisfaction of 150 or 999. They are
EXCLUDED from every mean and share above, but they are tickets all the same: a file has as
many rows as the table has tickets (August: 9,872 rows, 9,869 of them valid), so the ticket
count an importer gives (every row, `volume`) is the stated one.

`python -m diagnosis.demo_exports --write` writes the files; `--check` regenerates them in
memory and exits 1 when the shipped files differ.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import io
import math
import random
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Optional, Union

DATA_DIR = Path(__file__).with_name("demo_data")
HEADERS = (
    "工单号", "创建时间", "首次响应时间", "解决时间", "渠道", "地区", "问题类型", "客服工号", "处理时长(秒)",
    "转接次数", "是否重开", "满意度", "是否投诉", "客户ID", "排队时长(秒)", "是否放弃",
)  # fmt: skip
WECHAT, WEB, PHONE = "微信", "网页在线", "电话"
CHANNELS = (WECHAT, WEB, PHONE)
NEW_FEATURE, PROMOTION, REFUND = "新功能使用", "促销活动", "退款退货"
REGIONS = (("华东", 36), ("华南", 22), ("华北", 17), ("华中", 10), ("西南", 8), ("西北", 4), ("东北", 3))
AGENTS = tuple(f"KF{n:02d}" for n in range(1, 15))
TIME = "%Y-%m-%d %H:%M:%S"

# tickets per hour of the day: chat from 8:00 to 22:00 (a few at night), the phone line 9:00-21:00
_CHAT_HOURS = (1, 1, 0, 0, 0, 0, 1, 2, 5, 9, 13, 13, 9, 9, 10, 10, 9, 8, 8, 11, 12, 10, 6, 2)
_PHONE_HOURS = (0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 16, 16, 9, 8, 9, 9, 8, 7, 6, 7, 7, 0, 0, 0)
_WEEKDAY = (1.0, 0.97, 0.95, 0.96, 1.02, 1.12, 1.1)  # Monday first


@dataclass(frozen=True)
class Peak:
    """A day with a fixed number of tickets, a share of them in one category."""

    day: dt.date
    tickets: int
    category: str
    share: float


@dataclass(frozen=True)
class Period:
    name: str
    filename: str
    first_day: dt.date
    last_day: dt.date  # inclusive
    encoding: str  # as Python names it; "utf-8-sig" writes a BOM
    seed: int
    tickets: int  # rows of the file: the period's tickets, the 3 bad rows among them
    shares: tuple[float, float, float]  # WeChat, web chat, phone
    frt_minutes: float
    csat: float
    complaint_rate: float
    refund_hours: float
    categories: tuple[tuple[str, float], ...]  # category -> share (exact for the named ones, see _categories)
    base_frt_seconds: tuple[int, int, int]  # starting means by channel before fitting
    abandon_rate: float  # phone calls hung up in the queue
    repeat_rate: float  # tickets from a customer who asked the same category in the last 7 days
    bad_date: tuple[Optional[dt.date], str]  # the day of the row with an unparseable creation time, and that
    #   time as the file has it ({h}: the row's time of day); a day of None: any day
    bad_csat: str
    peak: Optional[Peak] = None
    phone_rush: Optional[tuple[int, int, float]] = None  # hours [from, to) with a fixed phone FRT mean (minutes)
    day_boost: tuple[tuple[int, float], ...] = ()  # (day of month, volume factor)

    @property
    def days(self) -> list[dt.date]:
        return [self.first_day + dt.timedelta(n) for n in range((self.last_day - self.first_day).days + 1)]


def _mix(*pairs: tuple[str, float]) -> tuple[tuple[str, float], ...]:
    return tuple(pairs)


# fmt: off
PERIODS: tuple[Period, ...] = (
    Period("2025-07", "工单导出_2025-07.csv", dt.date(2025, 7, 1), dt.date(2025, 7, 31), "gb18030", 202507,
           8814, (0.32, 0.23, 0.45), 3.0, 89.7, 0.025, 3.6,
           _mix(("订单查询", .23), ("物流配送", .18), ("商品咨询", .16), (PROMOTION, .14), (REFUND, .14), ("账户问题", .09),
                (NEW_FEATURE, .06)),
           (190, 140, 200), 0.05, 0.10, (None, "0000-00-00 00:00:00"), "999"),
    Period("2025-08", "工单导出_2025-08.csv", dt.date(2025, 8, 1), dt.date(2025, 8, 31), "utf-8-sig", 202508,
           9872, (0.40, 0.28, 0.32), 3.2, 88.5, 0.032, 5.4,
           _mix((PROMOTION, .23), ("订单查询", .17), (NEW_FEATURE, .13), ("物流配送", .13), (REFUND, .13), ("商品咨询", .12),
                ("账户问题", .09)),
           (180, 130, 230), 0.06, 0.13, (dt.date(2025, 8, 31), "2025-08-3l {h}"), "150",
           peak=Peak(dt.date(2025, 8, 12), 1256, NEW_FEATURE, 0.5), phone_rush=(10, 12, 7.0), day_boost=((13, 1.5), (14, 1.2))),
    Period("2025-09-16_2025-10-15", "工单导出_2025-09-16_2025-10-15.csv", dt.date(2025, 9, 16), dt.date(2025, 10, 15),
           "utf-8-sig", 202509, 9318, (0.43, 0.30, 0.27), 2.6, 91.0, 0.026, 3.5,
           _mix(("订单查询", .21), (PROMOTION, .17), ("物流配送", .16), ("商品咨询", .15), (REFUND, .13), (NEW_FEATURE, .09),
                ("账户问题", .09)),
           (160, 115, 190), 0.04, 0.09, (dt.date(2025, 9, 30), "2025-09-31 {h}"), "999", day_boost=((1, 1.15), (2, 1.1), (3, 1.1))),
    Period("2025-11-16_2025-12-15", "工单导出_2025-11-16_2025-12-15.csv", dt.date(2025, 11, 16), dt.date(2025, 12, 15),
           "utf-8", 202511, 9146, (0.47, 0.31, 0.22), 2.3, 93.0, 0.021, 2.4,
           _mix(("订单查询", .22), (PROMOTION, .19), ("物流配送", .17), ("商品咨询", .15), (REFUND, .12), ("账户问题", .09),
                (NEW_FEATURE, .06)),
           (145, 105, 170), 0.03, 0.06, (dt.date(2025, 11, 30), "2025-11-31 {h}"), "150"),
)
# fmt: on
BAD_ROWS = 3  # per file, one of each kind (see the module docstring)
BY_NAME = {p.name: p for p in PERIODS} | {p.filename: p for p in PERIODS}


@dataclass(eq=False)
class _Ticket:
    day: dt.date
    bad: str = ""  # "", "response_before_creation", "created_unparseable", "csat_out_of_range"
    channel: str = ""
    category: str = ""
    created: dt.datetime = dt.datetime.min
    abandoned: bool = False
    frt: Optional[int] = None  # seconds
    queue: Optional[int] = None  # seconds, phone only
    work: Optional[int] = None  # seconds from first response to resolution; None: unresolved
    transfers: int = 0
    reopened: bool = False
    complaint: bool = False
    csat: Optional[int] = None
    customer: str = ""

    @property
    def resolution(self) -> Optional[int]:
        return None if self.work is None or self.frt is None else self.frt + self.work


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Integer parts of `total` in proportion to `weights`, summing to `total` (largest remainder)."""
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    counts = [math.floor(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: counts[i] - raw[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _fit_sum(values: list[int], target: int, rng: random.Random, lo: int = 0, hi: int = 10**9) -> list[int]:
    """`values` rescaled, then nudged by single units, so they sum to `target` within [lo, hi]."""
    if not values:
        return values
    if not lo * len(values) <= target <= hi * len(values):
        raise ValueError(f"cannot fit {len(values)} values in [{lo}, {hi}] to a sum of {target}")
    out = list(values)
    for _ in range(8):
        current = sum(out)
        if current == target or current == 0:
            break
        factor = target / current
        out = [min(hi, max(lo, round(v * factor))) for v in out]
    order = list(range(len(out)))
    rng.shuffle(order)
    position = 0
    while (diff := target - sum(out)) != 0:
        step = 1 if diff > 0 else -1
        for i in order[position : position + abs(diff)]:
            if lo <= out[i] + step <= hi:
                out[i] += step
        position = (position + abs(diff)) % len(order)
    return out


def _fit_mean(tickets: list[_Ticket], attribute: str, mean: float, rng: random.Random, lo: int = 0, hi: int = 10**9) -> None:
    values = _fit_sum([getattr(t, attribute) for t in tickets], round(mean * len(tickets)), rng, lo, hi)
    for ticket, value in zip(tickets, values):
        setattr(ticket, attribute, value)


def _labels(counts: list[int], names: tuple[str, ...] | list[str], rng: random.Random) -> list[str]:
    labels = [name for name, count in zip(names, counts) for _ in range(count)]
    rng.shuffle(labels)
    return labels


def _day_counts(period: Period, rng: random.Random) -> list[int]:
    days = period.days
    weights = [_WEEKDAY[d.weekday()] * dict(period.day_boost).get(d.day, 1.0) * rng.gauss(1, 0.05) for d in days]
    valid = period.tickets - BAD_ROWS
    if period.peak is None:
        return _apportion(valid, weights)
    at = days.index(period.peak.day)
    rest = _apportion(valid - period.peak.tickets, weights[:at] + weights[at + 1 :])
    return rest[:at] + [period.peak.tickets] + rest[at:]


def _categories(period: Period, tickets: list[_Ticket], rng: random.Random) -> None:
    """Exact category counts; on the peak day exactly its share in its category, none more."""
    names = [name for name, _ in period.categories]
    counts = _apportion(len(tickets), [share for _, share in period.categories])
    peak = period.peak
    if peak is None:
        for ticket, label in zip(tickets, _labels(counts, names, rng)):
            ticket.category = label
        return
    on_peak = [t for t in tickets if t.day == peak.day]
    fixed = round(peak.share * len(on_peak))
    k = names.index(peak.category)
    others = _labels([0 if i == k else c for i, c in enumerate(counts)], names, rng)
    peak_labels = [peak.category] * fixed + others[: len(on_peak) - fixed]
    rest = others[len(on_peak) - fixed :] + [peak.category] * (counts[k] - fixed)
    rng.shuffle(peak_labels)
    rng.shuffle(rest)
    for ticket, label in zip(on_peak, peak_labels):
        ticket.category = label
    for ticket, label in zip([t for t in tickets if t.day != peak.day], rest):
        ticket.category = label


def _lognormal(rng: random.Random, mean: float, sigma: float = 0.6) -> float:
    return mean * rng.lognormvariate(-sigma * sigma / 2, sigma)  # a lognormal with that mean


def _pick_exactly(tickets: list[_Ticket], k: int, weight, rng: random.Random) -> set[int]:
    """The ids of `k` tickets drawn without replacement, each with chance growing with its weight."""
    keyed = [(rng.random() ** (1 / w), id(t)) for t in tickets if (w := weight(t)) > 0]
    return {key[1] for key in sorted(keyed, reverse=True)[:k]}


def _generate(period: Period) -> list[_Ticket]:
    rng = random.Random(period.seed)
    days = period.days
    tickets = [_Ticket(day) for day, count in zip(days, _day_counts(period, rng)) for _ in range(count)]
    ordinary = [d for d in days if not period.peak or d != period.peak.day]
    bad_days = rng.sample(ordinary, 3)
    bad_days[1] = period.bad_date[0] or bad_days[1]
    for day, kind in zip(bad_days, ("response_before_creation", "created_unparseable", "csat_out_of_range")):
        tickets.append(_Ticket(day, bad=kind))
    valid = [t for t in tickets if not t.bad]
    bad = [t for t in tickets if t.bad]

    for ticket, channel in zip(valid, _labels(_apportion(len(valid), list(period.shares)), CHANNELS, rng)):
        ticket.channel = channel
    for ticket in bad:
        ticket.channel = rng.choice((WECHAT, WEB))  # bad rows have a first response and a rating
    _categories(period, valid, rng)
    for ticket in bad:
        ticket.category = rng.choice([name for name, _ in period.categories])
    for ticket in tickets:
        hour = rng.choices(range(24), weights=_PHONE_HOURS if ticket.channel == PHONE else _CHAT_HOURS)[0]
        ticket.created = dt.datetime.combine(ticket.day, dt.time(hour, rng.randrange(60), rng.randrange(60)))
    tickets.sort(key=lambda t: t.created)
    valid = [t for t in tickets if not t.bad]

    rush = period.phone_rush
    in_rush = (lambda t: t.channel == PHONE and rush[0] <= t.created.hour < rush[1]) if rush else (lambda t: False)
    base = dict(zip(CHANNELS, period.base_frt_seconds))
    for ticket in tickets:
        ticket.transfers = rng.choices((0, 1, 2, 3), weights=(80, 15, 4, 1))[0]
        if ticket.channel == PHONE and not ticket.bad:
            ticket.abandoned = rng.random() < period.abandon_rate * (2.5 if in_rush(ticket) else 1)
        if ticket.abandoned:
            ticket.queue, ticket.transfers = rng.randint(40, 600 if in_rush(ticket) else 300), 0
            continue
        ticket.frt = max(5, round(_lognormal(rng, base[ticket.channel] * (2.2 if in_rush(ticket) else 1))))
        refund = 3600 * period.refund_hours if ticket.category == REFUND else 3600 * rng.choice((0.8, 1.2, 1.6, 2.4))
        ticket.work = None if rng.random() < 0.03 else max(60, round(_lognormal(rng, refund, 0.8)))
        ticket.reopened = ticket.work is not None and rng.random() < (0.12 if ticket.transfers else 0.05)

    answered = [t for t in valid if t.frt is not None]
    rushed = [t for t in answered if in_rush(t)]
    if rush:
        _fit_mean(rushed, "frt", 60 * rush[2], rng, lo=20)
    others = [t for t in answered if not in_rush(t)]
    total = round(60 * period.frt_minutes * len(answered))
    for ticket, value in zip(others, _fit_sum([t.frt for t in others], total - sum(t.frt for t in rushed), rng, lo=5)):
        ticket.frt = value
    for ticket in tickets:
        if ticket.channel == PHONE and ticket.frt is not None:
            ticket.queue = max(0, ticket.frt - rng.randint(10, 40))  # the voice menu comes first

    refunds = [t for t in valid if t.category == REFUND and t.resolution is not None]
    target = round(3600 * period.refund_hours * len(refunds)) - sum(t.frt for t in refunds)
    for ticket, value in zip(refunds, _fit_sum([t.work for t in refunds], target, rng, lo=60)):
        ticket.work = value

    def complaint_weight(t: _Ticket) -> float:
        if t.abandoned:
            return 0
        slow = 1 + (t.frt or 0) / 600
        return slow * (3 if t.transfers else 1) * (3 if t.reopened else 1) * (2 if t.category == REFUND else 1)

    complained = _pick_exactly(valid, round(period.complaint_rate * len(valid)), complaint_weight, rng)
    for ticket in tickets:
        ticket.complaint = id(ticket) in complained
        if ticket.abandoned or rng.random() > (0.7 if ticket.complaint else 0.36):
            continue
        deficit = rng.expovariate(1 / 45) if ticket.complaint else (0 if rng.random() < 0.4 else rng.expovariate(1 / 16))
        ticket.csat = min(100, round(deficit))  # the points missing to 100, for now
    rated = [t for t in valid if t.csat is not None]
    for ticket, deficit in zip(rated, _fit_sum([t.csat for t in rated], round(100 * len(rated) - period.csat * len(rated)), rng, 0, 100)):
        ticket.csat = 100 - deficit
    for ticket in bad:
        ticket.csat = None if ticket.csat is None else 100 - ticket.csat

    _customers(period, tickets, rng)
    return tickets


def _customers(period: Period, tickets: list[_Ticket], rng: random.Random) -> None:
    """New customers, and some who ask about the same category again within 7 days."""
    seen: dict[str, tuple[list[dt.datetime], list[str]]] = {}
    for ticket in tickets:
        times, customers = seen.setdefault(ticket.category, ([], []))
        start = bisect.bisect_left(times, ticket.created - dt.timedelta(days=7))
        if start < len(times) and rng.random() < period.repeat_rate:
            ticket.customer = customers[rng.randrange(start, len(times))]
        else:
            ticket.customer = f"C{rng.randrange(10**7):07d}"
        times.append(ticket.created)
        customers.append(ticket.customer)


def _row(ticket: _Ticket, number: str, period: Period, rng: random.Random) -> list[str]:
    created = ticket.created
    first = None if ticket.frt is None else created + dt.timedelta(seconds=ticket.frt)
    resolved = None if ticket.resolution is None else created + dt.timedelta(seconds=ticket.resolution)
    created_text = created.strftime(TIME)
    if ticket.bad == "response_before_creation":
        first = created - dt.timedelta(seconds=rng.randint(60, 1800))
    elif ticket.bad == "created_unparseable":
        created_text = period.bad_date[1].format(h=created.strftime("%H:%M:%S"))
    phone = ticket.channel == PHONE
    csat = period.bad_csat if ticket.bad == "csat_out_of_range" else "" if ticket.csat is None else str(ticket.csat)
    if ticket.abandoned:
        handle = 0
    else:
        handle = max(30, round(rng.gauss(330 if phone else 280, 110)))
    return [
        number, created_text, first.strftime(TIME) if first else "", resolved.strftime(TIME) if resolved else "",
        ticket.channel, rng.choices([r for r, _ in REGIONS], weights=[w for _, w in REGIONS])[0], ticket.category,
        "" if ticket.abandoned else rng.choice(AGENTS), str(handle), str(ticket.transfers), "是" if ticket.reopened else "否",
        csat, "是" if ticket.complaint else "否", ticket.customer,
        str(ticket.queue) if phone else "", ("是" if ticket.abandoned else "否") if phone else "",
    ]


@lru_cache(maxsize=None)
def _export(period: Period) -> bytes:
    tickets = _generate(period)
    rng = random.Random(period.seed + 1)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    per_day: dict[dt.date, int] = {}
    for ticket in tickets:
        per_day[ticket.day] = per_day.get(ticket.day, 0) + 1
        writer.writerow(_row(ticket, f"GD{ticket.day:%y%m%d}{per_day[ticket.day]:04d}", period, rng))
    return out.getvalue().encode(period.encoding)


def _period(period: Union[Period, str]) -> Period:
    if isinstance(period, Period):
        return period
    try:
        return BY_NAME[period]
    except KeyError:
        raise KeyError(f"no demo export {period!r} (known: {', '.join(p.name for p in PERIODS)})") from None


def export_bytes(period: Union[Period, str]) -> bytes:
    """The generated content of one export file (a `Period`, its name or its filename)."""
    return _export(_period(period))


def shipped(filename: str) -> bytes:
    """The shipped file `diagnosis/demo_data/<filename>` (as installed: read via importlib.resources)."""
    return resources.files("diagnosis").joinpath("demo_data", filename).read_bytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m diagnosis.demo_exports", description="The demo shop's ticket exports.")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help=f"write the files into {DATA_DIR}")
    action.add_argument("--check", action="store_true", help="exit 1 if the shipped files differ from the generated ones")
    args = parser.parse_args(argv)
    if args.write:
        from diagnosis.project.files import atomic_write

        DATA_DIR.mkdir(exist_ok=True)
        for period in PERIODS:
            atomic_write(DATA_DIR / period.filename, export_bytes(period), backup=False)
            print(f"wrote {DATA_DIR / period.filename}")
        return 0
    stale = []
    for period in PERIODS:
        try:
            same = shipped(period.filename) == export_bytes(period)
        except FileNotFoundError:
            same = False
        if not same:
            stale.append(period.filename)
    if stale:
        print(f"out of date: {', '.join(stale)} (run python -m diagnosis.demo_exports --write)", file=sys.stderr)
        return 1
    print(f"all {len(PERIODS)} demo exports are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""From the export's text columns to typed, checked tickets: parsing rules and bad-row reasons.

The cleaning is one SQL statement over the Arrow table (see `analyze.py`). Each reason in
`REASONS` is a bit in the `bad` column and names the metrics it is kept out of: a response
before creation is left out of first-response statistics and the SLA rate, a CSAT of 7 out
of the CSAT figures, but both tickets still count in the volume. Nothing is dropped silently:
every reason is counted and shown with examples.

Accepted values
- dates: ISO 8601 (`2025-08-01T10:00:00`, `2025-08-01 10:00:00`, `2025-08-01 10:00`,
  `2025-08-01`), `2025/08/01 10:00[:00]`, `2025/8/1`, `2025.08.01`, `2025年8月1日 10:00`, and
  Excel serial day numbers (20000-80000, i.e. 1954-2119); with a UTC offset (`+08:00`, `+0800`,
  `Z`, `UTC`) after the time, or without;
- time zones: every date column is read by one rule (`_parse`; text by the `parse_ts` macro), in the import's zone
  (the project's `data["time_zone"]`, default `Asia/Shanghai`): a time with an offset is
  converted to that zone, a time without one is taken as that zone's wall-clock time. A column
  mixing both, or creation and response columns that differ, gives a warning
  (`time_zone_warnings`), as does every unparseable date (that cell only is left empty);
- yes/no: 是/否, 有/无, Y/N, yes/no, true/false, 1/0 (an empty cell is "no");
- numbers: plain numbers; handle time also as `hh:mm:ss` / `mm:ss`; an empty transfer
  count is 0, an empty CSAT is "not rated".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from diagnosis.errors import DiagnosisError
from diagnosis.tickets.fields import Mapping
from diagnosis.tickets.metrics import BLANK

DEFAULT_TIME_ZONE = "Asia/Shanghai"
# a UTC offset after a time of day (a date alone never has one: "2025-08-01" ends in "-01")
OFFSET_PATTERN = r"(?i)\d:\d\d(:\d\d([.,]\d+)?)?\s*(z|utc|gmt|[+-]\d\d(:?\d\d)?)$"
AWARE_FORMATS = (
    "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y/%m/%d %H:%M:%S %z", "%Y/%m/%d %H:%M %z",
    "%Y/%m/%d %H:%M:%S%z", "%Y/%m/%d %H:%M%z",
)  # fmt: skip
DATETIME_FIELDS = ("created_at", "first_response_at", "resolved_at")

DATE_FORMATS = (
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y/%m/%d %H:%M:%S.%f",
    "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M", "%Y.%m.%d",
    "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日", "%Y年%m月%d日%H:%M:%S", "%Y年%m月%d日%H:%M",
    "%Y-%m-%d %H:%M", "%Y%m%d %H:%M:%S",
)  # fmt: skip
YES = ("是", "有", "已", "y", "yes", "true", "t", "1", "1.0", "√", "✓", "重开", "投诉")
NO = ("否", "无", "没有", "未", "n", "no", "false", "f", "0", "0.0", "×", "✗")


@dataclass(frozen=True)
class Reason:
    id: str
    bit: int
    fields: tuple[str, ...]  # the canonical fields shown in examples
    zh: str
    en: str
    excluded_zh: str
    excluded_en: str


# fmt: off
REASONS: tuple[Reason, ...] = (
    Reason("created_at_missing", 1, ("created_at",), "缺少创建时间", "no creation time",
           "时间类指标与按小时/星期/月份分组", "time metrics and hour/weekday/month groups"),
    Reason("created_at_unparseable", 2, ("created_at",), "创建时间无法识别", "creation time not a date",
           "时间类指标与按小时/星期/月份分组", "time metrics and hour/weekday/month groups"),
    Reason("first_response_at_unparseable", 4, ("first_response_at",), "首次响应时间无法识别", "first response time not a date",
           "首次响应时间、时限内响应率", "first response time, SLA rate"),
    Reason("resolved_at_unparseable", 8, ("resolved_at",), "解决时间无法识别", "resolution time not a date",
           "解决时长、一次解决率、重开率", "resolution time, FCR, reopen rate"),
    Reason("response_before_creation", 16, ("created_at", "first_response_at"), "首次响应早于创建", "response before creation",
           "首次响应时间、时限内响应率", "first response time, SLA rate"),
    Reason("resolved_before_creation", 32, ("created_at", "resolved_at"), "解决早于创建", "resolved before creation",
           "解决时长", "resolution time"),
    Reason("csat_out_of_range", 64, ("csat",), "满意度超出评分量表", "CSAT outside the survey's scale",
           "满意度指标", "CSAT figures"),
    Reason("handle_seconds_invalid", 128, ("handle_seconds",), "处理时长不是非负数", "handle time not a non-negative number",
           "平均处理时长", "AHT"),
    Reason("transfers_invalid", 256, ("transfers",), "转接次数不是非负数", "transfers not a non-negative number",
           "转接率、一次解决率", "transfer rate, FCR"),
    Reason("reopened_invalid", 512, ("reopened",), "是否重开不是是/否", "reopened not a yes/no",
           "重开率、一次解决率", "reopen rate, FCR"),
    Reason("complaint_invalid", 1024, ("complaint",), "是否投诉不是是/否", "complaint not a yes/no",
           "投诉率", "complaint rate"),
    Reason("queue_seconds_invalid", 2048, ("queue_seconds",), "排队时长不是非负数", "queue time not a non-negative number",
           "排队时长", "queue time"),
    Reason("abandoned_invalid", 4096, ("abandoned",), "是否放弃不是是/否", "abandoned not a yes/no",
           "放弃率、接通率", "abandon rate, connect rate"),
)
# fmt: on
REASON_BY_ID = {r.id: r for r in REASONS}


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(_literal(i) for i in items) + "]"


def macros() -> list[str]:
    """SQL macros the cleaning statement uses (created once per connection)."""
    serial = "try_cast(x AS DOUBLE)"
    whens = " ".join(f"WHEN {_literal(v)} THEN {'true' if v in YES else 'false'}" for v in (*YES, *NO))
    return [
        f"CREATE OR REPLACE TEMP MACRO has_offset(x) AS regexp_matches(trim(x), {_literal(OFFSET_PATTERN)})",
        # a time with an offset becomes the session zone's wall-clock time (`open_export` sets
        # TimeZone to the import's zone); one without is that zone's time already
        f"""CREATE OR REPLACE TEMP MACRO parse_ts(x) AS CASE WHEN x IS NULL THEN NULL
            WHEN has_offset(x) THEN CAST(coalesce(try_cast(trim(x) AS TIMESTAMPTZ), try_strptime(trim(x), {_list(AWARE_FORMATS)}))
                                         AS TIMESTAMP)
            ELSE coalesce(
              try_cast(x AS TIMESTAMP),
              try_strptime(x, {_list(DATE_FORMATS)}),
              CASE WHEN {serial} BETWEEN 20000 AND 80000
                   THEN TIMESTAMP '1899-12-30' + to_microseconds(CAST(round({serial} * 86400) AS BIGINT) * 1000000) END
            ) END""",
        # the usual values first, by plain comparison: an IN list becomes a hash join (slow)
        f"""CREATE OR REPLACE TEMP MACRO parse_yes(x) AS CASE WHEN x IS NULL THEN false
              WHEN x = '否' THEN false WHEN x = '是' THEN true
              ELSE CASE lower(trim(x)) {whens} END END""",
        "CREATE OR REPLACE TEMP MACRO parse_num(x) AS coalesce(try_cast(x AS DOUBLE), try_cast(trim(x) AS DOUBLE))",
        # a number is in the column's unit (f: its factor to seconds), `hh:mm:ss` is a duration already
        "CREATE OR REPLACE TEMP MACRO parse_seconds(x, f) AS coalesce(parse_num(x) * f, epoch(try_cast(trim(x) AS INTERVAL)))",
    ]


def column_kind(arrow_type) -> str:
    """text | timestamp | number | bool | null | other: how `clean_sql` reads a column."""
    import pyarrow as pa

    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "text"
    if pa.types.is_timestamp(arrow_type) or pa.types.is_date(arrow_type):
        return "timestamp"
    if pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type):
        return "number"
    if pa.types.is_boolean(arrow_type):
        return "bool"
    if pa.types.is_null(arrow_type):
        return "null"
    return "other"


_SERIAL = "CASE WHEN {x} BETWEEN 20000 AND 80000 THEN TIMESTAMP '1899-12-30' + to_microseconds(CAST(round({x} * 86400) AS BIGINT) * 1000000) END"
# (field kind, column kind) -> expression; {c} is the column, a missing pair falls back to text
_PARSE = {
    ("datetime", "text"): "parse_ts({c})",
    ("datetime", "timestamp"): "CAST({c} AS TIMESTAMP)",
    ("datetime", "number"): _SERIAL.format(x="CAST({c} AS DOUBLE)"),
    ("datetime", "null"): "NULL::TIMESTAMP",
    ("seconds", "text"): "parse_seconds({c}, {f})",
    ("seconds", "number"): "CAST({c} AS DOUBLE) * {f}",
    ("seconds", "null"): "NULL::DOUBLE",
    ("number", "text"): "parse_num({c})",
    ("number", "number"): "CAST({c} AS DOUBLE)",
    ("number", "null"): "NULL::DOUBLE",
    ("yesno", "text"): "parse_yes({c})",
    ("yesno", "bool"): "coalesce({c}, false)",
    ("yesno", "number"): "CASE WHEN {c} IS NULL THEN false WHEN {c} = 1 THEN true WHEN {c} = 0 THEN false END",
    ("yesno", "null"): "false",
    ("text", "text"): "{c}",
}
_TEXT_FALLBACK = {"datetime": "parse_ts", "seconds": "parse_seconds", "number": "parse_num", "yesno": "parse_yes", "text": ""}


def _parse(kind: str, column: str | None, column_kinds: dict[str, str], factor: float = 1.0) -> str:
    """The one rule per field kind and column type: every date column of every import is read
    by this expression (text by `parse_ts`, Arrow's timestamps by a cast in the session zone)."""
    if column is None:
        return {"datetime": "NULL::TIMESTAMP", "yesno": "false", "text": "NULL::VARCHAR"}.get(kind, "NULL::DOUBLE")
    quoted = _quote(column)
    template = _PARSE.get((kind, column_kinds.get(column, "text")))
    if template is None:  # e.g. a time-of-day column mapped to handle time: parse its text
        extra = f", {factor!r}" if kind == "seconds" else ""
        return f"{_TEXT_FALLBACK[kind]}(CAST({quoted} AS VARCHAR){extra})"
    return template.format(c=quoted, f=repr(float(factor)))


def check_time_zone(name: Optional[str]) -> str:
    """The IANA zone an import converts its times to (default Asia/Shanghai); a clear error otherwise."""
    import zoneinfo

    zone = (name or "").strip() or DEFAULT_TIME_ZONE
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise DiagnosisError(f"未知的时区“{zone}”（请用 IANA 名称，如 Asia/Shanghai、Asia/Hong_Kong 或 UTC）",
                            f"unknown time zone '{zone}' (an IANA name such as Asia/Shanghai, Asia/Hong_Kong or UTC)") from None
    return zone


def time_zone_choices(current: Optional[str] = None) -> list[str]:
    """The zones an import can convert to: the default and the current one first, then every IANA name."""
    import zoneinfo

    first = list(dict.fromkeys(z for z in (DEFAULT_TIME_ZONE, current, "UTC") if z))
    return first + sorted(zoneinfo.available_timezones() - set(first))


def time_zone_warnings(con, mapping: Mapping, column_kinds: dict[str, str], zone: str, aware_columns: set[str],
                       source: str = "export_rows") -> list[dict[str, Any]]:
    """What the user must know about the dates of an export, as `{id, field, count, zh, en}`:
    unparseable dates (each left empty, the row counted as a bad row), a column mixing times with
    and without a UTC offset, and date columns that differ (one with offsets, one without).

    `aware_columns` are the headers Arrow typed as times with an offset."""
    found: dict[str, tuple[int, int, int]] = {}  # field -> (with offset, without, unparseable)
    for name in DATETIME_FIELDS:
        header = mapping.get(name)
        if not header:
            continue
        column, kind = _quote(header), column_kinds.get(header, "text")
        if kind == "timestamp":
            (count,) = con.execute(f"SELECT count({column}) FROM {source}").fetchone()
            found[name] = (count, 0, 0) if header in aware_columns else (0, count, 0)
            continue
        text = f"CAST({column} AS VARCHAR)"
        aware, naive, bad = con.execute(f"""
            SELECT count(*) FILTER (WHERE has_offset(__text) AND __time IS NOT NULL),
                   count(*) FILTER (WHERE NOT has_offset(__text) AND __time IS NOT NULL), count(*) FILTER (WHERE __time IS NULL)
            FROM (SELECT {text} AS __text, {_parse('datetime', header, column_kinds)} AS __time FROM {source} WHERE {column} IS NOT NULL)
        """).fetchone()  # fmt: skip
        found[name] = (aware, naive, bad)
    out: list[dict[str, Any]] = []
    for name, (aware, naive, bad) in found.items():
        header = mapping[name]
        if bad:
            out.append({"id": "date_unparseable", "field": name, "count": bad,
                        "zh": f"列「{header}」有 {bad:,} 个值不是可识别的时间：这些单元格按空值处理，所在行计为问题行",
                        "en": f"column '{header}' has {bad:,} " + ("value that is not a date" if bad == 1 else "values that are not dates")
                              + ": those cells are left empty and their rows counted as bad rows"})  # fmt: skip
        if aware and naive:
            out.append({"id": "mixed_offsets", "field": name, "count": naive,
                        "zh": f"列「{header}」混有带时区（{aware:,} 个）与不带时区（{naive:,} 个）的时间：带时区的已换算为 {zone}，"
                              f"不带时区的按 {zone} 时间读取",
                        "en": f"column '{header}' mixes times with a UTC offset ({aware:,}) and without ({naive:,}): those with one "
                              f"are converted to {zone}, those without are read as {zone} time"})  # fmt: skip

    def awareness(name: str) -> Optional[bool]:
        aware, naive, _bad = found.get(name, (0, 0, 0))
        return (aware > 0) if bool(aware) != bool(naive) else None  # None: absent, empty or mixed

    created = awareness("created_at")
    for name in DATETIME_FIELDS[1:]:
        other = awareness(name)
        if created is None or other is None or created == other:
            continue
        with_offset, without = (mapping["created_at"], mapping[name]) if created else (mapping[name], mapping["created_at"])
        out.append({"id": "offsets_differ", "field": name, "count": 0,
                    "zh": f"列「{with_offset}」的时间带时区、「{without}」不带：前者已换算为 {zone}，后者按 {zone} 时间读取，请确认两者是同一时区",
                    "en": f"column '{with_offset}' has UTC offsets and '{without}' has none: the first is converted to {zone}, "
                          f"the second read as {zone} time; check that both are the same zone"})  # fmt: skip
    return out


def clean_sql(source: str, mapping: Mapping, column_kinds: dict[str, str] | None = None, csat_scale: str = "1-5",
              units: Optional[dict[str, str]] = None) -> str:
    """The SELECT that turns the export `source` (with a `__row` column) into clean tickets.

    `column_kinds` (header -> `column_kind`) says which columns Arrow already typed;
    `csat_scale` ("1-5", "1-10", "0-100") which ratings are in range; `units` (duration field
    -> unit, `fields.resolve_units`) what the duration columns count in."""
    from diagnosis.scales import SCALE_MAX, SCALE_MIN
    from diagnosis.tickets.fields import resolve_units, unit_factors

    kinds = column_kinds or {}
    factors = unit_factors(resolve_units(mapping) if units is None else units)
    csat_min, csat_max = SCALE_MIN[csat_scale], SCALE_MAX[csat_scale]

    def raw(name: str) -> str:
        header = mapping.get(name)
        return _quote(header) if header else "NULL"

    def parse(name: str, kind: str) -> str:
        return _parse(kind, mapping.get(name), kinds, factors.get(name, 1.0))

    def mapped(name: str) -> str:
        return "true" if mapping.get(name) else "false"

    def text(name: str) -> str:
        return f"coalesce({parse(name, 'text')}, {_literal(BLANK)})"

    parsed = f"""
      SELECT __row AS row,
        {raw('created_at')} AS created_raw, {parse('created_at', 'datetime')} AS created,
        {raw('first_response_at')} AS first_raw, {parse('first_response_at', 'datetime')} AS first_resp,
        {raw('resolved_at')} AS resolved_raw, {parse('resolved_at', 'datetime')} AS resolved,
        {raw('handle_seconds')} AS handle_raw, {parse('handle_seconds', 'seconds')} AS handle_num,
        {raw('transfers')} AS transfers_raw, {parse('transfers', 'number')} AS transfers_num,
        {parse('reopened', 'yesno')} AS reopened_yes,
        {raw('csat')} AS csat_raw, {parse('csat', 'number')} AS csat_num,
        {parse('complaint', 'yesno')} AS complaint_yes,
        {text('channel')} AS channel, {text('region')} AS region,
        {text('category')} AS category, {text('agent')} AS agent,
        {parse('customer_id', 'text')} AS customer_id,
        {raw('queue_seconds')} AS queue_raw, {parse('queue_seconds', 'seconds')} AS queue_num,
        CASE WHEN {mapped('abandoned')} THEN {parse('abandoned', 'yesno')} END AS abandoned_yes
      FROM {source}"""
    first_bad = "(first_raw IS NOT NULL AND first_resp IS NULL)"
    resolved_bad = "(resolved_raw IS NOT NULL AND resolved IS NULL)"
    before = "coalesce(first_resp < created, false)"
    csat_bad = f"(csat_raw IS NOT NULL AND (csat_num IS NULL OR csat_num < {csat_min} OR csat_num > {csat_max}))"
    queue_bad = "(queue_raw IS NOT NULL AND (queue_num IS NULL OR queue_num < 0))"
    handle_bad = "(handle_raw IS NOT NULL AND (handle_num IS NULL OR handle_num < 0))"
    transfers_bad = "(transfers_raw IS NOT NULL AND (transfers_num IS NULL OR transfers_num < 0))"
    bits = {
        "created_at_missing": f"({mapped('created_at')} AND created_raw IS NULL)",
        "created_at_unparseable": "(created_raw IS NOT NULL AND created IS NULL)",
        "first_response_at_unparseable": first_bad,
        "resolved_at_unparseable": resolved_bad,
        "response_before_creation": before,
        "resolved_before_creation": "coalesce(resolved < created, false)",
        "csat_out_of_range": csat_bad,
        "handle_seconds_invalid": handle_bad,
        "transfers_invalid": transfers_bad,
        "reopened_invalid": "(reopened_yes IS NULL)",
        "complaint_invalid": "(complaint_yes IS NULL)",
        "queue_seconds_invalid": queue_bad,
        "abandoned_invalid": f"({mapped('abandoned')} AND abandoned_yes IS NULL)",
    }
    bad = " + ".join(f"({bits[r.id]})::INT * {r.bit}" for r in REASONS)
    return f"""
      SELECT row, channel, region, category, agent,
        {bad} AS bad,
        CASE WHEN first_resp >= created THEN (epoch_us(first_resp) - epoch_us(created)) / 60e6 END AS frt,
        (created IS NOT NULL AND NOT {first_bad} AND NOT {before}) AS sla_valid,
        CASE WHEN resolved >= created THEN (epoch_us(resolved) - epoch_us(created)) / 3600e6 END AS res_h,
        resolved IS NOT NULL AS is_resolved,
        NOT {resolved_bad} AS resolved_known,
        CASE WHEN NOT {handle_bad} THEN handle_num END AS handle_s,
        CASE WHEN transfers_raw IS NULL THEN 0 WHEN NOT {transfers_bad} THEN transfers_num END AS transfers,
        reopened_yes AS reopened,
        CASE WHEN NOT {csat_bad} THEN csat_num END AS csat,
        complaint_yes AS complaint,
        customer_id, created,
        CASE WHEN NOT {queue_bad} THEN queue_num END AS queue_s,
        abandoned_yes AS abandoned,
        hour(created) AS hour, isodow(created) AS weekday, strftime(created, '%Y-%m') AS month,
        strftime(created, '%Y-%m-%d') AS day
      FROM ({parsed})"""

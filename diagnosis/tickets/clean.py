"""From the export's text columns to typed, checked tickets: parsing rules and bad-row reasons.

The cleaning is one SQL statement over the Arrow table (see `analyze.py`). Each reason in
`REASONS` is a bit in the `bad` column and names the metrics it is kept out of: a response
before creation is left out of first-response statistics and the SLA rate, a CSAT of 7 out
of the CSAT figures, but both tickets still count in the volume. Nothing is dropped silently:
every reason is counted and shown with examples.

Accepted values
- dates: ISO 8601 (`2025-08-01T10:00:00`, `2025-08-01 10:00:00`, `2025-08-01 10:00`,
  `2025-08-01`), `2025/08/01 10:00[:00]`, `2025/8/1`, `2025.08.01`, `2025年8月1日 10:00`, and
  Excel serial day numbers (20000-80000, i.e. 1954-2119);
- yes/no: 是/否, 有/无, Y/N, yes/no, true/false, 1/0 (an empty cell is "no");
- numbers: plain numbers; handle time also as `hh:mm:ss` / `mm:ss`; an empty transfer
  count is 0, an empty CSAT is "not rated".
"""

from __future__ import annotations

from dataclasses import dataclass

from diagnosis.tickets.fields import Mapping
from diagnosis.tickets.metrics import BLANK

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
        f"""CREATE OR REPLACE TEMP MACRO parse_ts(x) AS CASE WHEN x IS NULL THEN NULL ELSE coalesce(
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
        "CREATE OR REPLACE TEMP MACRO parse_seconds(x) AS coalesce(parse_num(x), epoch(try_cast(trim(x) AS INTERVAL)))",
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
    ("seconds", "text"): "parse_seconds({c})",
    ("seconds", "number"): "CAST({c} AS DOUBLE)",
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


def _parse(kind: str, column: str | None, column_kinds: dict[str, str]) -> str:
    if column is None:
        return {"datetime": "NULL::TIMESTAMP", "yesno": "false", "text": "NULL::VARCHAR"}.get(kind, "NULL::DOUBLE")
    quoted = _quote(column)
    template = _PARSE.get((kind, column_kinds.get(column, "text")))
    if template is None:  # e.g. a time-of-day column mapped to handle time: parse its text
        return f"{_TEXT_FALLBACK[kind]}(CAST({quoted} AS VARCHAR))"
    return template.format(c=quoted)


def clean_sql(source: str, mapping: Mapping, column_kinds: dict[str, str] | None = None, csat_scale: str = "1-5") -> str:
    """The SELECT that turns the export `source` (with a `__row` column) into clean tickets.

    `column_kinds` (header -> `column_kind`) says which columns Arrow already typed;
    `csat_scale` ("1-5", "1-10", "0-100") which ratings are in range."""
    from diagnosis.metric_definitions import SCALE_MAX, SCALE_MIN

    kinds = column_kinds or {}
    csat_min, csat_max = SCALE_MIN[csat_scale], SCALE_MAX[csat_scale]

    def raw(name: str) -> str:
        header = mapping.get(name)
        return _quote(header) if header else "NULL"

    def parse(name: str, kind: str) -> str:
        return _parse(kind, mapping.get(name), kinds)

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

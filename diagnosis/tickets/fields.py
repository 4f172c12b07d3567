"""The canonical ticket fields, the headers real exports use for them, and the column mapping.

A ticket export's columns are mapped onto sixteen canonical fields. The synonyms below are
the headers seen in Chinese and English ticket systems; headers are compared after
normalization (case, width, spaces, `_`/`-`, and a trailing unit in brackets such as
`处理时长（秒）` are ignored). A mapping is a plain `{field: header or None}` dict: saved in
`Project.data["mapping"]` and readable from / writable to a small YAML file:

    # canonical field: column header in the export
    created_at: 创建时间
    csat: 满意度评分
    region: null        # not mapped, even if a column looks like one
    handle_seconds: {column: 处理时长, unit: min}   # a duration column in minutes

Durations (`handle_seconds`, `queue_seconds`) are kept in seconds. A unit in the header is
recognized (`处理时长（分钟）`, `AHT (min)`, `handle_time_h`: 秒/分钟/分/小时/时/毫秒/天,
s/sec/min/h/hr/ms/d) and converted; a unit declared in the mapping wins over the header; a
header unit that is not one of these is an error (declare the unit in the mapping).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Optional, Union

import yaml

from diagnosis.errors import InvalidFile, Problem
from diagnosis.yamlsafe import YamlProblems, load_located

Kind = Literal["id", "datetime", "text", "number", "yesno"]


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    zh: str
    en: str
    synonyms: tuple[str, ...]
    unit: Optional[str] = None  # durations: the unit the field is kept in (a key of UNITS)


# fmt: off
FIELDS: tuple[Field, ...] = (
    Field("ticket_id", "id", "工单号", "Ticket ID",
          ("工单号", "工单编号", "工单id", "单号", "工单", "编号", "会话id", "会话编号", "ticket_id", "ticket id", "ticket",
           "ticket no", "ticket number", "id", "case id", "case number", "conversation id")),
    Field("customer_id", "id", "客户ID", "Customer ID",
          ("客户id", "会员id", "客户编号", "会员编号", "用户id", "客户号", "会员号", "customer_id", "customer id", "customer",
           "member id", "user id", "client id")),
    Field("created_at", "datetime", "创建时间", "Created at",
          ("创建时间", "创建日期", "提交时间", "进线时间", "咨询时间", "发起时间", "接入时间", "来电时间", "建单时间", "下单时间",
           "created_at", "created", "create time", "created time", "creation time", "created date", "opened_at", "opened",
           "open time", "start time")),
    Field("first_response_at", "datetime", "首次响应时间", "First response at",
          ("首次响应时间", "首响时间", "首次回复时间", "首次应答时间", "首次响应", "首响", "首次回复", "响应时间", "接起时间",
           "first_response_at", "first response at", "first response time", "first reply at", "first reply time",
           "first replied at", "responded_at", "response time")),
    Field("resolved_at", "datetime", "解决时间", "Resolved at",
          ("解决时间", "完结时间", "结单时间", "关闭时间", "结案时间", "处理完成时间", "完成时间", "解决日期",
           "resolved_at", "resolved", "resolved time", "resolution time", "closed_at", "closed", "closed time",
           "solved_at", "solved time")),
    Field("channel", "text", "渠道", "Channel",
          ("渠道", "来源渠道", "接入渠道", "咨询渠道", "进线渠道", "渠道来源", "来源", "channel", "source", "medium", "via")),
    Field("region", "text", "地区", "Region",
          ("地区", "区域", "大区", "省份", "城市", "所属地区", "客户地区", "region", "area", "province", "city", "location")),
    Field("category", "text", "问题类型", "Category",
          ("问题类型", "问题分类", "工单类型", "工单分类", "咨询类型", "业务类型", "问题类别", "类型", "分类", "类别",
           "category", "type", "issue type", "problem type", "ticket type", "topic", "reason")),
    Field("agent", "text", "客服", "Agent",
          ("客服", "客服姓名", "客服名称", "客服工号", "处理人", "处理客服", "受理人", "受理客服", "坐席", "坐席工号",
           "负责人", "agent", "agent name", "agent id", "assignee", "owner", "handler")),
    Field("handle_seconds", "number", "处理时长（秒）", "Handle time (s)",
          ("处理时长", "处理时长秒", "通话时长", "会话时长", "服务时长", "处理用时", "handle_seconds", "handle seconds",
           "handle time", "handling time", "aht", "duration", "talk time", "handle_time"), "s"),
    Field("queue_seconds", "number", "排队时长（秒）", "Queue time (s)",
          ("排队时长", "排队时间", "等待时长", "排队等待时长", "queue_seconds", "queue seconds", "queue time", "wait time",
           "waiting time", "hold time in queue"), "s"),
    Field("abandoned", "yesno", "是否放弃", "Abandoned",
          ("是否放弃", "放弃", "是否挂断", "排队放弃", "呼损", "abandoned", "is_abandoned", "abandon", "hung up")),
    Field("transfers", "number", "转接次数", "Transfers",
          ("转接次数", "转接", "转单次数", "转派次数", "转移次数", "transfers", "transfer count", "transfer_count",
           "transfer times", "number of transfers", "transferred")),
    Field("reopened", "yesno", "是否重开", "Reopened",
          ("是否重开", "重开", "是否重启", "重新打开", "是否重新打开", "是否复访", "复访", "是否二次进线", "reopened", "reopen",
           "is_reopened", "is reopened", "repeat contact")),
    Field("csat", "number", "满意度", "CSAT",
          ("满意度", "满意度评分", "满意度评价", "客户满意度", "评分", "评价", "csat", "csat score", "satisfaction",
           "satisfaction score", "rating", "score")),
    Field("complaint", "yesno", "是否投诉", "Complaint",
          ("是否投诉", "投诉", "是否升级投诉", "投诉标记", "complaint", "is_complaint", "is complaint", "complained",
           "escalated complaint")),
)
# fmt: on

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}

Mapping = dict[str, Optional[str]]
Units = dict[str, str]  # duration field -> unit of its column (a key of UNITS)

# unit -> seconds, and the words headers and mappings use for each unit (compared in lower case)
UNITS: dict[str, float] = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
UNIT_NAMES = {"ms": ("毫秒", "ms"), "s": ("秒", "s"), "min": ("分钟", "min"), "h": ("小时", "h"), "d": ("天", "days")}
UNIT_WORDS: dict[str, str] = {
    **dict.fromkeys(("毫秒", "ms", "msec", "millisecond", "milliseconds"), "ms"),
    **dict.fromkeys(("秒", "秒钟", "s", "sec", "secs", "second", "seconds"), "s"),
    **dict.fromkeys(("分钟", "分", "min", "mins", "minute", "minutes"), "min"),
    **dict.fromkeys(("小时", "时", "h", "hr", "hrs", "hour", "hours"), "h"),
    **dict.fromkeys(("天", "d", "day", "days"), "d"),
}
DURATION_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.unit)
_BRACKETED = re.compile(r"[\(\[【]\s*([^\)\]】]*?)\s*[\)\]】]\s*$")
_SUFFIX = re.compile(r"[_\s\-/]+([a-z]+|[\u4e00-\u9fff]+)$")
_UNIT_LABEL = re.compile(r"^(单位|unit|units|in)\s*[:：]?\s*")


def header_unit(header: str) -> tuple[Optional[str], Optional[str]]:
    """The unit a header names: `('min', None)` for `'处理时长（分钟）'`, `(None, None)` without
    one, `(None, '次')` for a bracketed word that is no unit (`'处理时长(次)'`)."""
    text = unicodedata.normalize("NFKC", str(header)).strip().lower()
    match = _BRACKETED.search(text)
    if match:
        word = _UNIT_LABEL.sub("", match.group(1)).strip()
        return (UNIT_WORDS[word], None) if word in UNIT_WORDS else (None, match.group(1))
    match = _SUFFIX.search(text)
    if match and match.group(1) in UNIT_WORDS:
        return UNIT_WORDS[match.group(1)], None
    return None, None


def unit_of(word: object) -> Optional[str]:
    """A unit as a mapping writes it (`min`, `分钟`, `hours` ...), or None when it is none."""
    return UNIT_WORDS.get(unicodedata.normalize("NFKC", str(word)).strip().lower())


def unit_text(unit: str, lang: str = "zh") -> str:
    zh, en = UNIT_NAMES[unit]
    return zh if lang == "zh" else en


def resolve_units(mapping: Mapping, explicit: Optional[Units] = None) -> Units:
    """The unit of every mapped duration column: declared in the mapping, else named in the
    header, else the field's own (seconds). A header naming an unknown unit is an error."""
    from diagnosis.errors import DiagnosisError

    out: Units = {}
    for name in DURATION_FIELDS:
        header = mapping.get(name)
        if not header:
            continue
        declared = (explicit or {}).get(name)
        if declared:
            unit = unit_of(declared) or (declared if declared in UNITS else None)
            if unit is None:
                raise DiagnosisError(f"{name}：未知的单位“{declared}”（可选：{', '.join(UNITS)}）", f"{name}: unknown unit '{declared}' (one of {', '.join(UNITS)})")
            out[name] = unit
            continue
        unit, unknown = header_unit(header)
        if unknown is not None:
            raise DiagnosisError(
                f"{name}：列“{header}”标注的单位“{unknown}”不是 秒/分钟/小时/毫秒/天（s/min/h/ms/d）之一；"
                f"请在映射中声明，例如 `{name}: {{column: {header}, unit: s}}`",
                f"{name}: column '{header}' names the unit '{unknown}', which is not one of 秒/分钟/小时/毫秒/天 "
                f"(s/min/h/ms/d); declare it in the mapping, e.g. `{name}: {{column: {header}, unit: s}}`"
            )
        out[name] = unit or BY_NAME[name].unit or "s"
    return out


def unit_factors(units: Units) -> dict[str, float]:
    """Duration field -> what a column value is multiplied by to be in the field's unit."""
    return {name: UNITS[unit] / UNITS[BY_NAME[name].unit or "s"] for name, unit in units.items()}

_UNIT = re.compile(r"[\(\[（【][^\)\]）】]*[\)\]）】]\s*$")
_SEPARATORS = re.compile(r"[\s_\-./:：]+")


def normalize_header(header: str) -> str:
    """`'处理时长（秒）'` -> `'处理时长'`, `'Ticket_ID '` -> `'ticketid'`."""
    text = unicodedata.normalize("NFKC", str(header)).strip().lower()
    text = _UNIT.sub("", text) or text
    return _SEPARATORS.sub("", text)


_SYNONYMS: dict[str, str] = {}
for _field in FIELDS:
    for _synonym in _field.synonyms:
        _SYNONYMS.setdefault(normalize_header(_synonym), _field.name)


def auto_mapping(headers: list[str]) -> Mapping:
    """Map every canonical field to the first header that is one of its synonyms (or None)."""
    mapping: Mapping = {name: None for name in FIELD_NAMES}
    for header in headers:
        name = _SYNONYMS.get(normalize_header(header))
        suffix = _SUFFIX.search(unicodedata.normalize("NFKC", str(header)).strip().lower())
        if name is None and suffix and suffix.group(1) in UNIT_WORDS:  # `处理时长_分钟`, `aht_min`
            name = _SYNONYMS.get(normalize_header(str(header)[: -len(suffix.group(0))] or str(header)))
        if name and mapping[name] is None:
            mapping[name] = header
    return mapping


@dataclass
class MappingFile:
    """A mapping read from YAML, with the line and column of every entry for error messages."""

    fields: Mapping
    filename: str = "<mapping>"
    marks: dict[str, tuple[int, int]] = field(default_factory=dict)
    units: Units = field(default_factory=dict)  # duration field -> declared unit


def resolve_mapping(headers: list[str], explicit: Union[MappingFile, Mapping, None] = None) -> Mapping:
    """Auto-detected mapping, overridden by the explicit entries; every mapped header must exist."""
    mapping = auto_mapping(headers)
    if explicit is None:
        return mapping
    source = explicit if isinstance(explicit, MappingFile) else MappingFile(dict(explicit))
    problems = []
    for name, header in source.fields.items():
        if name not in BY_NAME:
            continue  # loaders refuse unknown fields; a stored mapping may be older, ignore
        if header is not None and header not in headers:
            line, column = source.marks.get(name, (None, None))
            problems.append(
                Problem(source.filename, f"{name}: column '{header}' is not in the file (columns: {', '.join(headers)})", line, column)
            )
        mapping[name] = header
    if problems:
        raise InvalidFile(problems)
    return mapping


def load_mapping(source: Union[str, Path, bytes], filename: str | None = None) -> MappingFile:
    """Read a mapping YAML (safe loader); every problem is reported with its line."""
    if isinstance(source, (str, Path)):
        filename = filename or str(source)
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise InvalidFile([Problem(filename, f"cannot read the mapping file: {exc.strerror}")]) from None
    else:
        raw, filename = source, filename or "<mapping>"
    try:
        located = load_located(raw, filename, max_bytes=256 * 1024)
    except YamlProblems as exc:
        raise InvalidFile(exc.problems) from None
    problems = list(located.problems)
    data = located.data
    if isinstance(data, dict) and set(data) == {"mapping"}:
        data, prefix = data["mapping"], ("mapping",)
    else:
        prefix = ()
    if not isinstance(data, dict):
        raise InvalidFile([Problem(filename, "a mapping file is a list of `field: column header` lines", 1, 1)])
    fields: Mapping = {}
    marks: dict[str, tuple[int, int]] = {}
    units: Units = {}
    for key, value in data.items():
        pos = located.mark((*prefix, key), key=True) or (1, 1)
        name = str(key)
        if name not in BY_NAME:
            close = difflib.get_close_matches(name, FIELD_NAMES, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (fields: {', '.join(FIELD_NAMES)})"
            problems.append(Problem(filename, f"unknown field '{name}'{hint}", *pos))
            continue
        if isinstance(value, dict):  # {column: header, unit: min}
            where = located.mark((*prefix, key)) or pos
            extra = [str(k) for k in value if k not in ("column", "unit")]
            if extra:
                problems.append(Problem(filename, f"{name}: unknown key '{extra[0]}' (a field takes `column` and `unit`)",
                                        *(located.mark((*prefix, key, extra[0]), key=True) or where)))  # fmt: skip
                continue
            if "unit" in value:
                unit_pos = located.mark((*prefix, key, "unit")) or where
                if BY_NAME[name].unit is None:
                    problems.append(Problem(filename, f"{name}: has no unit (only {', '.join(DURATION_FIELDS)} take one)", *unit_pos))
                    continue
                unit = unit_of(value["unit"]) if isinstance(value["unit"], (str, int, float)) else None
                if unit is None:
                    problems.append(Problem(filename, f"{name}: unknown unit '{value['unit']}' (one of {', '.join(UNITS)}, "
                                                      "or 秒/分钟/小时/毫秒/天)", *unit_pos))  # fmt: skip
                    continue
                units[name] = unit
            if "column" not in value:
                continue  # a unit for the column detected automatically
            value = value["column"]
            if value is not None and not isinstance(value, (str, int, float)) or isinstance(value, bool):
                problems.append(Problem(filename, f"{name}: expected a column header or null",
                                        *(located.mark((*prefix, key, "column")) or where)))  # fmt: skip
                continue
            fields[name] = None if value is None else str(value)
            marks[name] = located.mark((*prefix, key, "column")) or where
            continue
        if value is not None and not isinstance(value, (str, int, float)) or isinstance(value, bool):
            problems.append(Problem(filename, f"{name}: expected a column header or null", *(located.mark((*prefix, key)) or pos)))
            continue
        fields[name] = None if value is None else str(value)
        marks[name] = located.mark((*prefix, key)) or pos
    if problems:
        raise InvalidFile(problems)
    return MappingFile(fields, filename, marks, units)


def dump_mapping(mapping: Mapping, units: Optional[Units] = None) -> str:
    """The YAML text of a mapping, loadable by `load_mapping` (fields in canonical order); a
    field with a unit in `units` is written as `{column: header, unit: min}`."""
    units = units or {}
    body = {name: ({"column": mapping[name], "unit": units[name]} if name in units and mapping.get(name) else mapping.get(name))
            for name in FIELD_NAMES if name in mapping}  # fmt: skip
    header = "# process-diagnosis ticket column mapping: canonical field -> column header (null = not mapped)\n"
    return header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False)

"""History in the reader's words: question, metric, category and participant ids become labels.

Revisions keep their description as written when saved ("answer problem_statement",
"participant: vote 1", "uploaded x.yaml"), and `diagnosis.history.diff` speaks in the project's
ids (question ids, table column ids, option ids such as `frt`, category ids such as `method`,
guest keys). Both are translated here at display time, for the reader's language:
`describe(description, questionnaire, lang)` for a revision's line and
`readable(changes, questionnaire, project, lang)` for a list of changes. An id the questionnaire
does not know stays as it is.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Optional

from diagnosis import evaluation as ev
from diagnosis import fishbone as fb
from diagnosis import tracking
from diagnosis.history import Change
from diagnosis.i18n import months_text, pick, tr
from diagnosis.project.model import Project
from diagnosis.questionnaire import Questionnaire
from diagnosis.sharing import GUEST_PREFIX, guest_label

# cause and record fields as diff names them -> (zh, en)
FIELDS = {
    "text": ("内容", "text"), "category": ("类别", "category"), "place": ("位置", "place"), "stage": ("环节", "stage"),
    "frequency": ("频率", "frequency"), "impact": ("影响", "impact"), "value": ("数值", "value"), "unit": ("单位", "unit"),
    "evidence": ("证据", "evidence"), "author": ("作者", "author"), "title": ("标题", "title"), "owner": ("负责人", "owner"),
    "start": ("开始", "start"), "due": ("完成", "due"), "status": ("状态", "status"), "progress": ("进度", "progress"),
    "note": ("说明", "note"), "measure": ("措施", "measure"), "date": ("日期", "date"), "root_cause": ("根本原因", "root cause"),
    "problem": ("问题", "problem"), "root causes": ("根本原因", "root causes"), "launch": ("上线日期", "launch date"),
    "ticket data": ("工单数据", "ticket data"), "language": ("报告语言", "report language"), "cycle": ("轮次", "cycle"),
    "organization": ("组织", "organization"), "questionnaire": ("问卷", "questionnaire"),
    "steps": ("具体步骤", "steps"), "department": ("协作部门", "supporting department"), "budget": ("预算", "budget"),
    "people": ("人力", "people"), "system_access": ("系统权限", "system access"), "metric": ("预期效果指标", "expected-effect metric"),
    "metric_row": ("预期效果指标（第一步的行）", "expected-effect metric (a step-1 row)"),     "metric_from": ("指标起点", "metric from"), "metric_to": ("指标目标", "metric to"), "risk": ("风险", "risk"),
    "contingency": ("应对预案", "contingency"), "urgency": ("紧急程度", "urgency"), "importance": ("重要程度", "importance"),
    "cost": ("资源成本", "resource cost"), "horizon_override": ("期限（手动）", "horizon (set by hand)"),
    "deviation": ("偏差", "deviation"), "cause": ("原因", "cause"), "adjusted_plan": ("调整后的计划", "adjusted plan"),
    "checkpoint": ("检查点", "checkpoint"), "definition": ("口径", "definition"), "n": ("样本量", "sample size"),
    "source": ("来源", "source"),
}
LEVELS = {"high": ("高", "high"), "medium": ("中", "medium"), "low": ("低", "low")}
DIRECTIONS = {"lower": ("越低越好", "lower is better"), "higher": ("越高越好", "higher is better")}


def _question(questionnaire: Optional[Questionnaire], qid: str) -> Any:
    if questionnaire is None:
        return None
    try:
        return questionnaire.question(qid)
    except KeyError:
        return None


def question_label(questionnaire: Optional[Questionnaire], qid: str, lang: str) -> str:
    question = _question(questionnaire, qid)
    return tr(question.label, lang) if question is not None else qid


def metric_label(questionnaire: Optional[Questionnaire], project: Optional[Project], key: str, lang: str) -> str:
    """A step-1 row key (`csat_mean`) or a metric option id (`frt`) as people read it."""
    return ev.row_label(project, questionnaire, key, lang)


def _option(options, value: Any, lang: str) -> Any:
    for option in options or []:
        if option.id == value:
            return tr(option.label, lang)
    return value


def _answer_value(question: Any, column: Any, value: Any, questionnaire, lang: str) -> Any:
    """An answer's value with option ids as their labels (a choice, a choice column, `direction`)."""
    holder = column if column is not None else question
    if holder is None:
        return value
    if getattr(holder, "options_from", None) == "metric_definitions" or getattr(holder, "id", "") == "metric":
        labelled = ev.metric_option_label(questionnaire, value, lang) if isinstance(value, str) else ""
        if labelled:
            return labelled
    if getattr(holder, "id", "") == "direction" and value in DIRECTIONS:
        return pick(lang, *DIRECTIONS[value])
    options = getattr(holder, "options", None)
    if isinstance(value, list):
        return "、".join(str(_option(options, v, lang)) for v in value) if lang == "zh" else ", ".join(str(_option(options, v, lang)) for v in value)
    return _option(options, value, lang)


def _column(question: Any, column_id: str) -> Any:
    return next((c for c in getattr(question, "columns", None) or [] if c.id == column_id), None)


_ROW_SUBJECT = re.compile(r"^(?P<qid>\S+) \[(?P<row>\d+)\]$")
_EVAL_SUBJECT = re.compile(r"^(?P<key>.+) @ (?P<months>\d+)$")


def _row_text(question: Any, text: Any, questionnaire, lang: str) -> Any:
    """A table row as `diff` writes it ("metric=frt, name=...") with column and option labels."""
    if not isinstance(text, str) or question is None or not getattr(question, "columns", None):
        return text
    parts = []
    for part in text.split(", "):
        key, sep, value = part.partition("=")
        column = _column(question, key)
        if not sep or column is None:
            parts.append(part)
            continue
        parts.append(f"{tr(column.label, lang)}={_answer_value(None, column, value, questionnaire, lang)}")
    return ", ".join(parts)


def _category(questionnaire: Optional[Questionnaire], value: Any, lang: str) -> Any:
    if questionnaire is None or not isinstance(value, str):
        return value
    head, sub = (value[: -len(" (sub-cause)")], True) if value.endswith(" (sub-cause)") else (value, False)
    label = fb.category_label(questionnaire, head, lang, short=False)
    return label + (pick(lang, "（子原因）", " (sub-cause)") if sub else "")


def readable(changes: list[Change], questionnaire: Optional[Questionnaire], project: Optional[Project], lang: str) -> list[Change]:
    """`changes` with ids replaced by labels in `lang` (see the module docstring)."""
    out = []
    titles = {m.id: m.title for m in project.measures} if project is not None else {}
    for c in changes:
        subject, field, before, after = c.subject, c.field, c.before, c.after
        if c.area == "answers":
            match = _ROW_SUBJECT.match(subject)
            qid = match["qid"] if match else subject
            question = _question(questionnaire, qid)
            label = question_label(questionnaire, qid, lang)
            if match:
                row = match["row"]
                subject = f"{label} · {pick(lang, f'第 {row} 行', f'row {row}')}"
            else:
                subject = label
            column = _column(question, field) if field else None
            if column is not None:
                field = tr(column.label, lang)
                before = _answer_value(None, column, before, questionnaire, lang)
                after = _answer_value(None, column, after, questionnaire, lang)
            elif getattr(question, "columns", None):
                before, after = _row_text(question, before, questionnaire, lang), _row_text(question, after, questionnaire, lang)
            else:
                before = _answer_value(question, None, before, questionnaire, lang)
                after = _answer_value(question, None, after, questionnaire, lang)
        elif c.area == "causes":
            if c.kind in ("added", "removed") or field == "category":
                before, after = _category(questionnaire, before, lang), _category(questionnaire, after, lang)
            if field in ("frequency", "impact"):
                before = pick(lang, *LEVELS[before]) if before in LEVELS else before
                after = pick(lang, *LEVELS[after]) if after in LEVELS else after
        elif c.area == "votes":
            if field.startswith(GUEST_PREFIX) and project is not None:
                field = guest_label(project.fishbone, field)
        elif c.area == "evaluation":
            match = _EVAL_SUBJECT.match(subject)
            if match:
                subject = f"{metric_label(questionnaire, project, match['key'], lang)}（{months_text(match['months'], lang)}）" \
                    if lang == "zh" else f"{metric_label(questionnaire, project, match['key'], lang)} ({months_text(match['months'], lang)})"
            elif subject in FIELDS:
                subject = pick(lang, *FIELDS[subject])
            if field == "metric":
                before = metric_label(questionnaire, project, before, lang) if isinstance(before, str) else before
                after = metric_label(questionnaire, project, after, lang) if isinstance(after, str) else after
        elif c.area == "checkins":
            day, _, measure = subject.partition(" ")
            if measure in titles:
                subject = f"{day} {titles[measure]}"
            if field == "measure":
                before, after = titles.get(before, before), titles.get(after, after)
            if field == "status":
                before = tracking.status_label(before, lang) if isinstance(before, str) else before
                after = tracking.status_label(after, lang) if isinstance(after, str) else after
        elif c.area == "measures" and field == "root_cause" and project is not None:
            texts = {cause.id: cause.text for cause in fb.iter_causes(project.fishbone)}
            before, after = texts.get(before, before), texts.get(after, after)
        elif c.area == "measures" and field == "metric_row":
            before = metric_label(questionnaire, project, before, lang) if isinstance(before, str) else before
            after = metric_label(questionnaire, project, after, lang) if isinstance(after, str) else after
        if c.area in ("project", "data") and subject in FIELDS:
            subject = pick(lang, *FIELDS[subject])
        if c.area == "evaluation" and field == "metric":
            field = pick(lang, "指标", "metric")
        elif field in FIELDS and c.area != "answers":
            field = pick(lang, *FIELDS[field])
        out.append(replace(c, subject=subject, field=field, before=before, after=after))
    return out


# --- revision descriptions ----------------------------------------------------------------------

_ANSWER = re.compile(r"^answer (?P<qid>[A-Za-z_][\w.-]*)$")
_VOTE = re.compile(r"^participant: vote (?P<dots>\d+)$")
_ADD_CAUSE = re.compile(r"^participant: add cause (?P<text>.*)$", re.S)
_UNDO = re.compile(r"^undo revision (?P<n>\d+): (?P<rest>.*)$", re.S)  # as Store.undo writes it
_RESTORE = re.compile(r"^restore revision (?P<n>\d+)$")  # as Store.restore writes it
_METRIC_AT = re.compile(r"\b(?P<key>[a-z][a-z0-9_]*)@(?P<months>\d+)\b")


# what the Projects page writes when it creates a project
_CREATED = {"created": ("新建项目", "Created the project"), "demo project": ("打开示例项目", "Opened the demo project"),
            "created from uploaded questionnaire": ("用上传的问卷新建项目", "Created from an uploaded questionnaire")}


def describe(description: str, questionnaire: Optional[Questionnaire], lang: str, project: Optional[Project] = None) -> str:
    """A revision's description for a reader in `lang`: known id patterns become labels."""
    text = description or ""
    if match := _UNDO.match(text):
        rest = describe(match["rest"], questionnaire, lang, project)
        return pick(lang, f"撤销第 {match['n']} 版：{rest}", f"Undo revision {match['n']}: {rest}")
    if match := _RESTORE.match(text):
        return pick(lang, f"恢复到第 {match['n']} 版", f"Restore revision {match['n']}")
    if match := _ANSWER.match(text):
        return pick(lang, f"回答：{question_label(questionnaire, match['qid'], lang)}",
                    f"Answer: {question_label(questionnaire, match['qid'], lang)}")
    if match := _VOTE.match(text):
        dots = int(match["dots"])
        return pick(lang, f"参与者投票（{dots} 票）", f"Participant vote ({dots} dot{'s' if dots != 1 else ''})")
    if match := _ADD_CAUSE.match(text):
        return pick(lang, f"参与者添加原因：{match['text']}", f"Participant added a cause: {match['text']}")
    if text == "participant: withdraw a vote":
        return pick(lang, "参与者撤回一票", "Participant withdrew a vote")
    if text in _CREATED:
        return pick(lang, *_CREATED[text])
    if text.startswith("replaced by uploaded "):
        name = text[len("replaced by uploaded "):]
        return pick(lang, f"由上传的文件替换：{name}", f"Replaced by the uploaded file {name}")
    if text.startswith("uploaded ") and text.endswith(" as a new project"):
        name = text[len("uploaded "):-len(" as a new project")]
        return pick(lang, f"上传为新项目：{name}", f"Uploaded as a new project: {name}")
    if text.startswith("uploaded "):
        return pick(lang, f"上传：{text[len('uploaded '):]}", f"Uploaded {text[len('uploaded '):]}")

    def metric_at(m: re.Match) -> str:
        label = metric_label(questionnaire, project, m["key"], lang)
        if label == m["key"]:
            return m[0]
        return f"{label}（{months_text(m['months'], lang)}）" if lang == "zh" else f"{label} ({months_text(m['months'], lang)})"

    return _METRIC_AT.sub(metric_at, text)

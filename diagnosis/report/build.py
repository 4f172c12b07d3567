"""Assemble the diagnosis report of a project, section by section, in its language.

Each section builder is a function `(ReportInput) -> Section | None` listed in `SECTIONS`,
in reading order. A section without data says so in one line (a `Note`) instead of showing
empty tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

from diagnosis.i18n import tr
from diagnosis.project.model import Project
from diagnosis.questionnaire.display import format_value, table_rows
from diagnosis.questionnaire.model import Questionnaire
from diagnosis.questionnaire.rules import is_answered, is_visible
from diagnosis.report.document import KeyValues, Note, Paragraph, Report, Section, Table


@dataclass
class ReportInput:
    project: Project
    questionnaire: Questionnaire
    lang: str
    # the day every "late / stale / overdue" judgement and the cover are made on: the
    # report of an old project read back later must not call everything overdue
    as_of: dt.date
    # the anonymous suggestions as the store gives them (`diagnosis.sharing.Suggestions`:
    # count, threshold, texts); None when the report is made from a project file alone
    suggestions: Any = None

    @property
    def today(self) -> dt.date:
        return self.as_of

    def t(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def answer(self, question_id: str) -> Any:
        return self.project.answers.get(question_id)

    def has_question(self, question_id: str) -> bool:
        try:
            self.questionnaire.question(question_id)
            return True
        except KeyError:
            return False

    def text(self, question_id: str) -> str:
        if not self.has_question(question_id):
            return ""
        return format_value(self.questionnaire.question(question_id), self.answer(question_id), self.lang)


# --- metrics (step 1 goals against the latest evaluation values) --------------------------------


def metric_rows(inp: ReportInput) -> list[dict[str, Any]]:
    """Step-1 metrics with their latest measured value (if any), in table order."""
    from diagnosis import evaluation

    latest = evaluation.latest_results(inp.project, inp.questionnaire)
    rows = []
    for goal in evaluation.metric_goals(inp.project.answers):
        result = latest.get(goal.key)
        rows.append(
            {
                "name": goal.label(inp.questionnaire, inp.lang),
                "baseline": goal.baseline,
                "target": goal.target,
                "unit": goal.unit,
                "latest": result.value if result else None,
                "latest_checkpoint": result.checkpoint if result else None,
                "met": result.target_met if result else None,
            }
        )
    return rows


def join(items: list[str], lang: str) -> str:
    """A list in running text: "；" between items in Chinese, "; " in English."""
    return ("；" if lang == "zh" else "; ").join(i for i in items if i)


def with_unit(name: str, unit: str, lang: str) -> str:
    """"客户满意度（分）" / "CSAT (points)": full-width brackets in Chinese, none without a unit."""
    if not unit:
        return name
    return f"{name}（{unit}）" if lang == "zh" else f"{name} ({unit})"


def number(value: Any) -> str:
    """A number as a report shows it: thousands separated, at most two decimals."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:,}" if isinstance(value, int) else str(value)


# --- sections -------------------------------------------------------------------------------------


def summary_section(inp: ReportInput) -> Section:
    t = inp.t
    section = Section("summary", t("执行摘要", "Executive summary"))
    problem = inp.project.fishbone.problem or inp.text("problem_statement")
    if problem:
        section.blocks.append(Paragraph(problem, emphasis=True))
    rows = metric_rows(inp)
    if rows:
        table = Table(
            [t("指标", "Metric"), t("基线", "Baseline"), t("目标", "Target"), t("最新", "Latest"), t("达成", "Met")],
            [],
            caption=t("关键指标：基线 → 目标 → 最新", "Key metrics: baseline → target → latest"),
            numeric={1, 2, 3},
        )
        for row in rows:
            met = row["met"]
            latest = number(row["latest"]) + (t(f"（{row['latest_checkpoint']} 个月）", f" ({row['latest_checkpoint']} mo)") if row["latest"] is not None else "")
            table.rows.append([
                with_unit(row["name"], row["unit"], inp.lang),
                number(row["baseline"]),
                number(row["target"]),
                latest,
                {True: t("✔ 达成", "✔ met"), False: t("✘ 未达成", "✘ missed"), None: "—"}[met],
            ])
            if met is False:
                table.highlight.add(len(table.rows) - 1)
        section.blocks.append(table)
    else:
        section.blocks.append(Note(t("尚未设定指标。", "No metrics set yet.")))
    for builder in SUMMARY_EXTRAS:
        section.blocks.extend(builder(inp))
    return section


def _step_section(inp: ReportInput, kind: str, section_id: str, title: Text2) -> Section:
    """The answered questions of one step, grouped by the questionnaire's sections."""
    step = inp.questionnaire.step_of(kind)
    out = Section(section_id, inp.t(*title) if title else tr(step.title, inp.lang))
    answers = inp.project.answers
    for qsection in step.sections:
        if not is_visible(qsection, answers, inp.questionnaire):
            continue
        child = Section(f"{section_id}-{qsection.id}", tr(qsection.title, inp.lang))
        pairs: list[tuple[str, str]] = []
        for question in qsection.questions:
            value = answers.get(question.id)
            if not is_answered(value) or not is_visible(question, answers, inp.questionnaire):
                continue
            if question.type == "table":
                rows = table_rows(question, value, inp.lang)
                if rows:
                    if pairs:
                        child.blocks.append(KeyValues(pairs))
                        pairs = []
                    child.blocks.append(Table([tr(c.label, inp.lang) for c in question.columns], rows, caption=tr(question.label, inp.lang)))
            else:
                pairs.append((tr(question.label, inp.lang), format_value(question, value, inp.lang)))
        if pairs:
            child.blocks.append(KeyValues(pairs))
        if child.blocks:
            out.children.append(child)
    if not out.children:
        out.blocks.append(Note(inp.t("本步骤尚无回答。", "No answers in this step yet.")))
    return out


Text2 = tuple[str, str]


def goals_section(inp: ReportInput) -> Section:
    return _step_section(inp, "goals", "goals", ("目标、范围与团队", "Goals, scope and team"))


def data_section(inp: ReportInput) -> Section:
    section = _step_section(inp, "data", "data", ("数据发现", "Data findings"))
    for builder in DATA_EXTRAS:
        extra = builder(inp)
        if extra is not None:
            section.children.insert(0, extra)
            section.blocks = [b for b in section.blocks if not isinstance(b, Note)]
    return section


def appendix_section(inp: ReportInput) -> Section:
    t = inp.t
    section = Section("appendix", t("附录：问卷全部回答", "Appendix: every questionnaire answer"))
    answers = inp.project.answers
    rows: list[list[str]] = []
    for n, step in enumerate(inp.questionnaire.steps, start=1):
        for qsection in step.sections:
            for question in qsection.questions:
                value = answers.get(question.id)
                if not is_answered(value):
                    continue
                if question.type == "table":
                    cells = table_rows(question, value, inp.lang)
                    text = join([" | ".join(c for c in row if c) for row in cells], inp.lang)
                else:
                    text = format_value(question, value, inp.lang)
                rows.append([f"{n}. {tr(step.title, inp.lang)}", tr(question.label, inp.lang), text])
    known = {q.id for q in inp.questionnaire.questions()}
    for qid, value in answers.items():
        if qid not in known and is_answered(value):
            rows.append([t("（已删除的问题）", "(removed question)"), qid, str(value)])
    if rows:
        section.blocks.append(Table([t("步骤", "Step"), t("问题", "Question"), t("回答", "Answer")], rows, sheet=t("问卷回答", "Answers")))
    else:
        section.blocks.append(Note(t("尚无回答。", "No answers yet.")))
    return section


# Builders other modules add to: extra blocks for the summary, extra data-finding sections,
# and the analysis sections (fishbone, Pareto, root causes, plan, tracking, evaluation).
SUMMARY_EXTRAS: list[Callable[[ReportInput], list[Any]]] = []
DATA_EXTRAS: list[Callable[[ReportInput], Section | None]] = []
SECTIONS: list[Callable[[ReportInput], Section | None]] = [summary_section, goals_section, data_section]
TAIL_SECTIONS: list[Callable[[ReportInput], Section | None]] = [appendix_section]


def build_report(project: Project, questionnaire: Questionnaire, lang: str | None = None, as_of: dt.date | None = None,
                 suggestions: Any = None) -> Report:
    """The report of `project` as of `as_of` (default: today, read once here and nowhere deeper)."""
    from diagnosis.report import sections  # noqa: F401  (registers the analysis sections)

    lang = lang or project.meta.language
    inp = ReportInput(project, questionnaire, lang, as_of or dt.date.today(), suggestions)
    t = inp.t
    built = [s for s in (builder(inp) for builder in [*SECTIONS, *ANALYSIS_SECTIONS, *TAIL_SECTIONS]) if s is not None]
    team = [r for r in (project.answers.get("team") or []) if isinstance(r, dict) and r.get("name")]
    cover = [
        (t("项目", "Project"), project.meta.title or inp.text("project_name") or project.meta.id),
        (t("组织", "Organization"), project.meta.organization),
        (t("团队", "Team"), ("、" if lang == "zh" else ", ").join(str(r["name"]) for r in team)),
        (t("问卷", "Questionnaire"), f"{tr(questionnaire.title, lang)} ({questionnaire.version})"),
        (t("改进周期", "Cycle"), str(project.cycle)),
        (t("截至日期", "As of"), inp.as_of.isoformat()),
    ]
    return Report(
        lang=lang,
        title=project.meta.title or t("流程诊断报告", "Process diagnosis report"),
        subtitle=t("流程诊断与优化报告", "Process diagnosis and improvement report"),
        organization=project.meta.organization,
        date=inp.as_of.isoformat(),
        cover=[(k, v) for k, v in cover if v],
        sections=built,
    )


ANALYSIS_SECTIONS: list[Callable[[ReportInput], Section | None]] = []

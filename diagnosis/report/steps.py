"""The report sections drawn from the questionnaire's answers: the executive summary, the
step-1 goals, the step-2 data findings and the appendix of every answer. The summary and the data
findings take in what the analysis sections know (vital few, quick wins, ticket, method and
suggestion findings), called here by name.
"""

from __future__ import annotations

from diagnosis import cells
from diagnosis.i18n import tr
from diagnosis.questionnaire.display import format_value, table_rows
from diagnosis.questionnaire.rules import is_answered, is_visible
from diagnosis.report.document import KeyValues, Note, Paragraph, Section, Table
from diagnosis.report.inputs import ReportInput, join, metric_rows, number, with_unit
from diagnosis.report import summary
from diagnosis.report.sections import method_findings, suggestion_findings, ticket_findings

Text2 = tuple[str, str]


def summary_section(inp: ReportInput) -> Section:
    t = inp.t
    section = Section("summary", t("执行摘要", "Executive summary"))
    conclusion = summary.headline(inp) or inp.project.fishbone.problem or inp.text("problem_statement")
    if conclusion:
        section.blocks.append(Paragraph(conclusion, emphasis=True))
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
                cells.number(row["baseline"], blank="—"),
                cells.number(row["target"], blank="—"),
                latest,
                {True: t("✔ 达成", "✔ met"), False: t("✘ 未达成", "✘ missed"), None: "—"}[met],
            ])
            if met is False:
                table.highlight.add(len(table.rows) - 1)
        section.blocks.append(table)
    else:
        section.blocks.append(Note(t("尚未设定指标。", "No metrics set yet.")))
    section.blocks.extend(summary.summary_blocks(inp))
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



def goals_section(inp: ReportInput) -> Section:
    return _step_section(inp, "goals", "goals", ("目标、范围与团队", "Goals, scope and team"))


def data_section(inp: ReportInput) -> Section:
    section = _step_section(inp, "data", "data", ("数据发现", "Data findings"))
    found = [s for s in (ticket_findings(inp), method_findings(inp), suggestion_findings(inp)) if s is not None]
    if found:  # what the data showed comes before the answers, and replaces "no answers yet"
        section.children[:0] = found
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

"""The Report page: the HTML report previewed in the page, each format as a download.

The report opens in the project's default report language (kept with the project, unlike the
interface language, which is the reader's); another one can be chosen, and made the default.
Building the report (charts, diagram) takes seconds, so it is cached per project revision
language and as-of date; PDF, Word and slides are rendered only when asked for.
"""

from __future__ import annotations

import datetime as dt
import functools

import streamlit as st

from diagnosis import sharing
from diagnosis.errors import DiagnosisError
from diagnosis.i18n import pick
from diagnosis.report import FORMATS, build_report, render, report_filename
from ui import nav, state
from ui.texts import refusal

NAMES = {"zh": "中文", "en": "English"}
LABELS = {
    "html": ("网页 HTML", "HTML"),
    "pdf": ("PDF", "PDF"),
    "docx": ("Word 文档", "Word"),
    "pptx": ("演示文稿 PPT", "Slides"),
    "xlsx": ("Excel 数据", "Excel"),
    "md": ("Markdown", "Markdown"),
}


def _cached(key: str, make):  # type: ignore[no-untyped-def]
    # one project's renders per session; a new revision or language replaces them
    cache = st.session_state.setdefault("report.cache", {})
    if cache.get("key") != key[: key.rfind("|")]:
        cache.clear()
        cache["key"] = key[: key.rfind("|")]
    if key not in cache:
        cache[key] = make()
    return cache[key]


def draw_page() -> None:
    lang = state.lang()
    tx = functools.partial(pick, lang)
    st.title(tx("诊断报告", "Diagnosis report"))
    op = nav.project_or_hint(lang)
    if op is None:
        return
    default = op.project.meta.language  # the project's default report language, not the reader's
    report_lang = st.segmented_control(
        tx("报告语言", "Report language"), options=["zh", "en"], default=default,
        format_func=NAMES.get, key=f"report.lang.{op.project.meta.id}",
    ) or default
    if report_lang != default:
        st.button(tx(f"设为本项目的默认报告语言（现为{NAMES[default]}）", f"Make it this project's default report language (now {NAMES[default]})"),
                  key="report.set_default", on_click=state.change, args=(f"report language {report_lang}", lambda p: setattr(p.meta, "language", report_lang)))
    as_of = st.date_input(
        tx("截至日期", "As of"), dt.date.today(), key="report.as_of",
        help=tx("逾期、延期与未跟进的措施以及封面日期均以此日期为准。", "Overdue, late and stale measures, and the cover's date, are judged as of this day."),
    ) or dt.date.today()
    suggestions = sharing.suggestions_of(state.store(), op.project.meta.id)
    base = f"{op.project.meta.id}|{op.revision}|{report_lang}|{as_of.isoformat()}|{suggestions.count}"
    try:
        with st.spinner(tx("正在生成报告…", "Building the report…")):
            report = _cached(base + "|report", lambda: build_report(op.project, op.questionnaire, report_lang, as_of, suggestions))
            html = _cached(base + "|html", lambda: render(report, "html"))
    except DiagnosisError as exc:
        st.error(refusal(exc, state.lang()))
        return
    st.caption(tx("下载后可直接交付客户；Word 与 PPT 可继续编辑。", "Ready to hand to the client; Word and slides stay editable."))
    columns = st.columns(len(FORMATS))
    for column, fmt in zip(columns, FORMATS):
        _, suffix, mime = FORMATS[fmt]
        label = tx(*LABELS[fmt])
        with column:
            if fmt == "html" or st.session_state.get(f"report.ready.{fmt}") == base:
                data = _cached(base + f"|{fmt}", lambda fmt=fmt: render(report, fmt))
                st.download_button(label, data=data, file_name=report_filename(op.project, fmt), mime=mime, key=f"report.download.{fmt}", width="stretch")
            elif st.button(tx(f"生成 {label}", f"Make {label}"), key=f"report.make.{fmt}", width="stretch"):
                st.session_state[f"report.ready.{fmt}"] = base
                st.rerun()
    # the report escapes every user text (Jinja autoescape) and strips scripts from its SVGs
    st.iframe(html.decode("utf-8"), height=900)
